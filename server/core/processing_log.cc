#include "server/core/processing_log.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "api/resource_names.h"
#include "server/core/audit_recorder.h"
#include "server/core/processing_register.h"
#include "server/core/request_rules.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using v1::ProcessingActivity;

constexpr size_t kTraceIdBytes = 16;
constexpr size_t kSpanIdBytes = 8;
constexpr size_t kMaxVersions = 10000;

bool AllZero(const std::string& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

// OK when `id` is exactly `size` bytes and not all zero (or empty, when
// `optional`).
absl::Status CheckId(const std::string& id, size_t size, const char* field, bool optional) {
  if (id.empty() && optional) return absl::OkStatus();
  if (id.empty()) return FieldError(field, "required");
  if (id.size() != size) {
    return FieldError(field, absl::StrCat("must be ", size, " bytes, not ", id.size()));
  }
  if (AllZero(id)) return FieldError(field, "must not be all zero");
  return absl::OkStatus();
}

// An error about attribute `key` of an operation.
absl::Status AttributeError(const char* key, absl::string_view problem) {
  return FieldError(absl::StrCat("attributes[", key, "]"), problem);
}

std::string TimeText(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone()); }

absl::Time ValidFrom(const ProcessingActivity& a) { return AbslTime(a.valid_from()); }
absl::Time ValidUntil(const ProcessingActivity& a) {
  return a.has_valid_until() ? AbslTime(a.valid_until()) : absl::InfiniteFuture();
}

}  // namespace

// Resolves activity references of one export, reading each activity's
// versions once.
class ProcessingLog::Resolver {
 public:
  explicit Resolver(const storage::CatalogStore* store) : store_(store) {}

  // The version `reference` names, or the one current at `start` (owned by
  // the resolver).
  absl::StatusOr<const ProcessingActivity*> Resolve(const std::string& reference,
                                                    absl::Time start) {
    absl::StatusOr<const Reference*> ref = ReferenceOf(reference);
    if (!ref.ok()) return ref.status();
    const std::vector<ProcessingActivity>& versions = *(*ref)->versions;
    const int64_t wanted = (*ref)->version;
    const ProcessingActivity* found = nullptr;
    for (const ProcessingActivity& v : versions) {
      if (wanted != 0 ? v.version() == wanted : ValidFrom(v) <= start && start < ValidUntil(v)) {
        found = &v;
      }
    }
    const auto shown = [&] { return api::ActivityName(versions.front().id()); };
    if (found == nullptr && wanted != 0) {
      return AttributeError(dpl::kActivity, absl::StrCat(shown(), " has no version ", wanted));
    }
    if (found == nullptr) {
      return AttributeError(dpl::kActivity,
                        absl::StrCat(shown(), " was not in force at the operation's start ",
                                     TimeText(start), " (its first version is valid from ",
                                     TimeText(ValidFrom(versions.front())), ")"));
    }
    if (!(ValidFrom(*found) <= start && start < ValidUntil(*found))) {
      return AttributeError(dpl::kActivity,
          absl::StrCat(found->version_name(), " was not current at the operation's start ",
                       TimeText(start), " (valid from ", TimeText(ValidFrom(*found)),
                       found->has_valid_until()
                           ? absl::StrCat(" until ", TimeText(ValidUntil(*found)))
                           : std::string(),
                       ")"));
    }
    if (found->status() == v1::PROCESSING_ACTIVITY_STATUS_ENDED) {
      return AttributeError(dpl::kActivity,
                        absl::StrCat(shown(), " was ended at ", TimeText(ValidFrom(*found)),
                                     "; it accepts no operations that start later"));
    }
    return found;
  }

 private:
  // A parsed activity reference: the activity's versions and the version
  // named (0: the one current at the operation's start).
  struct Reference {
    const std::vector<ProcessingActivity>* versions;
    int64_t version;
  };

  // The reference as parsed before, or parsed now.
  absl::StatusOr<const Reference*> ReferenceOf(const std::string& reference) {
    auto known = references_.find(reference);
    if (known != references_.end()) return &known->second;
    const size_t at = absl::string_view(reference).find(api::kActivityCollection);
    if (at == std::string::npos) {
      return AttributeError(dpl::kActivity,
                        absl::StrCat("\"", reference,
                                     "\" names no activity of this register; expected "
                                     "processing-activities/ID or "
                                     "processing-activities/ID/versions/N, or a URI ending so"));
    }
    absl::StatusOr<std::pair<std::string, int64_t>> name =
        ParseActivityName(absl::string_view(reference).substr(at),
                          absl::StrCat("attributes[", dpl::kActivity, "]"));
    if (!name.ok()) return name.status();
    absl::StatusOr<const std::vector<ProcessingActivity>*> versions = VersionsOf(name->first);
    if (!versions.ok()) return versions.status();
    return &references_.emplace(reference, Reference{*versions, name->second}).first->second;
  }

  absl::StatusOr<const std::vector<ProcessingActivity>*> VersionsOf(const std::string& id) {
    auto it = cache_.find(id);
    if (it != cache_.end()) return &it->second;
    absl::StatusOr<std::vector<ProcessingActivity>> versions =
        store_->ListProcessingActivityVersions(id, 0, kMaxVersions);
    if (!versions.ok() && !absl::IsNotFound(versions.status())) return versions.status();
    if (!versions.ok() || versions->empty()) {
      return AttributeError(dpl::kActivity,
                        absl::StrCat(api::ActivityName(id), " is not in the register"));
    }
    std::reverse(versions->begin(), versions->end());  // Oldest first.
    return &cache_.emplace(id, *std::move(versions)).first->second;
  }

  const storage::CatalogStore* store_;
  std::map<std::string, std::vector<ProcessingActivity>> cache_;
  std::map<std::string, Reference> references_;
};

ProcessingLog::ProcessingLog(storage::CatalogStore* store, std::shared_ptr<const SubjectKey> key,
                             ProcessingLogLimits limits)
    : store_(store), key_(std::move(key)), limits_(limits) {}

absl::StatusOr<storage::OperationWrite> ProcessingLog::Check(const OperationInput& in,
                                                             Resolver& resolver,
                                                             const Caller& caller) const {
  if (!in.wire_problem.ok()) return in.wire_problem;
  if (absl::Status s = CheckId(in.trace_id, kTraceIdBytes, "trace_id", false); !s.ok()) return s;
  if (absl::Status s = CheckId(in.span_id, kSpanIdBytes, in.names->span_id, false); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckId(in.parent_span_id, kSpanIdBytes, in.names->parent_span_id, true);
      !s.ok()) {
    return s;
  }
  if (absl::StripAsciiWhitespace(in.name).empty()) return FieldError("name", "required");
  if (in.name.size() > limits_.max_name_bytes) {
    return FieldError("name", absl::StrCat("at most ", limits_.max_name_bytes, " bytes"));
  }
  if (!in.start.has_value()) return FieldError("start_time", "required");
  if (!in.end.has_value()) return FieldError("end_time", "required");
  if (*in.start < absl::UnixEpoch()) return FieldError("start_time", "before 1970");
  if (*in.start > caller.time + limits_.max_clock_skew) {
    return FieldError("start_time", absl::StrCat(TimeText(*in.start),
                                                 " lies in the future (the server's clock says ",
                                                 TimeText(caller.time), ")"));
  }
  if (*in.end < *in.start) return FieldError("end_time", "before start_time");
  if (in.application.empty()) {
    return FieldError("resource", "the application is not named (OTLP resource attribute "
                                  "service.name, logboek.v1 Resource.name)");
  }
  if (in.activity.empty()) return AttributeError(dpl::kActivity, "required");
  const std::string id_type = NormalizeIdType(in.subject_id_type);
  if (id_type.empty()) return AttributeError(dpl::kSubjectIdType, "required");
  const std::string subject = std::string(absl::StripAsciiWhitespace(in.subject_id));
  if (subject.empty()) return AttributeError(dpl::kSubjectId, "required");
  // The id itself never goes into a message: messages are logged.
  if (id_type == "BSN" && !IsValidBsn(subject)) {
    return AttributeError(dpl::kSubjectId, "not a BSN (nine digits that pass the elfproef)");
  }
  if (absl::Status s = CheckId(in.foreign.trace_id(), kTraceIdBytes, "foreign_operation.trace_id",
                               true);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckId(in.foreign.span_id(), kSpanIdBytes, in.names->foreign_span_id, true);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<const ProcessingActivity*> resolved = resolver.Resolve(in.activity, *in.start);
  if (!resolved.ok()) return resolved.status();
  const ProcessingActivity* version = *resolved;

  storage::OperationWrite write;
  write.activity_id = version->id();
  write.activity_version = static_cast<uint64_t>(version->version());
  v1::ProcessingOperation& op = write.operation;
  op.set_trace_id(in.trace_id);
  op.set_span_id(in.span_id);
  op.set_parent_span_id(in.parent_span_id);
  op.set_name(in.name);
  *op.mutable_start_time() = ProtoTimestamp(*in.start);
  *op.mutable_end_time() = ProtoTimestamp(*in.end);
  op.set_status(in.status);
  op.set_activity(version->version_name());
  op.set_data_subject_id_type(id_type);
  op.set_data_subject_hash(key_->Hash(id_type, subject));
  op.set_application(in.application);
  op.set_application_version(in.application_version);
  if (!in.foreign.span_id().empty() || !in.foreign.processor().empty()) {
    *op.mutable_foreign_operation() = in.foreign;
  }
  op.set_confidentiality(version->log_confidentiality());
  op.set_exporter(caller.principal);
  *op.mutable_receive_time() = ProtoTimestamp(caller.time);
  return write;
}

absl::StatusOr<ExportResult> ProcessingLog::Export(std::vector<OperationInput> inputs,
                                                   bool all_or_nothing,
                                                   const std::function<std::string(size_t)>& path,
                                                   const Caller& caller) {
  if (key_ == nullptr) {
    return absl::FailedPreconditionError(
        "this catalogd keeps no processing log: its configuration names no "
        "processing_subject_key_file");
  }
  if (inputs.size() > limits_.max_operations) {
    return absl::InvalidArgumentError(absl::StrCat(
        inputs.size(), " operations in one call; at most ", limits_.max_operations));
  }
  ExportResult result;
  Resolver resolver(store_);
  std::vector<storage::OperationWrite> writes;
  std::vector<size_t> index;  // Input index of each write.
  writes.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    absl::StatusOr<storage::OperationWrite> write = Check(inputs[i], resolver, caller);
    if (!write.ok()) {
      absl::Status at(write.status().code(),
                      absl::StrCat(path(i), ".", write.status().message()));
      if (all_or_nothing) return at;
      result.rejected.emplace_back(i, std::move(at));
      continue;
    }
    writes.push_back(*std::move(write));
    index.push_back(i);
  }
  std::set<std::string> versions;
  for (const storage::OperationWrite& w : writes) versions.insert(w.operation.activity());
  for (const std::string& v : versions) caller.audit->Concern(v);
  if (writes.empty()) return result;

  absl::StatusOr<std::vector<storage::OperationOutcome>> outcomes =
      store_->WriteOperations(std::move(writes), all_or_nothing, AuditRecorder::Write(caller));
  if (!outcomes.ok()) return outcomes.status();
  std::vector<std::pair<size_t, absl::Status>> conflicts;
  for (size_t k = 0; k < outcomes->size(); ++k) {
    switch ((*outcomes)[k]) {
      case storage::OperationOutcome::kStored:
        ++result.stored;
        break;
      case storage::OperationOutcome::kDuplicate:
        ++result.duplicates;
        break;
      case storage::OperationOutcome::kConflict:
        conflicts.emplace_back(
            index[k], absl::AlreadyExistsError(absl::StrCat(
                          path(index[k]),
                          ": an operation with this trace_id and span id is already stored "
                          "with other content (the log keeps the first)")));
        break;
    }
  }
  if (all_or_nothing && !conflicts.empty()) return conflicts.front().second;
  result.rejected.insert(result.rejected.end(), conflicts.begin(), conflicts.end());
  std::sort(result.rejected.begin(), result.rejected.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return result;
}

}  // namespace catalog::server
