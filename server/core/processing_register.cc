#include "server/core/processing_register.h"

#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "api/resource_names.h"
#include "server/core/audit_recorder.h"
#include "server/core/dataset_validation.h"
#include "server/core/request_rules.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::FieldMaskUtil;
using v1::ProcessingActivity;

using api::kActivityCollection;
constexpr size_t kMaxTitle = 200;
constexpr size_t kScanChunk = 500;

// Fields a caller does not set: the names, versions, validity and
// bookkeeping.
constexpr absl::string_view kOutputOnly[] = {
    "id",         "name",        "version",     "version_name", "valid_from",
    "valid_until", "create_time", "update_time", "revision",     "etag"};

// Editorial fields: changing only these keeps the version.
constexpr absl::string_view kEditorial[] = {"title", "description", "data_protection_officer",
                                            "security_measures"};

void ClearOutputOnly(ProcessingActivity* a) {
  a->clear_name();
  a->clear_version();
  a->clear_version_name();
  a->clear_valid_from();
  a->clear_valid_until();
  a->clear_create_time();
  a->clear_update_time();
  a->clear_revision();
  a->clear_etag();
}

}  // namespace

absl::StatusOr<std::pair<std::string, int64_t>> ParseActivityName(absl::string_view name,
                                                                  absl::string_view field) {
  absl::ConsumePrefix(&name, kActivityCollection);
  int64_t version = 0;
  const size_t versions = name.find("/versions/");
  if (versions != absl::string_view::npos) {
    if (!absl::SimpleAtoi(name.substr(versions + 10), &version) || version <= 0) {
      return FieldError(field, "a version is a number from 1, as in "
                               "processing-activities/ID/versions/2");
    }
    name = name.substr(0, versions);
  }
  if (absl::Status s = api::ValidateDatasetId(name, field); !s.ok()) return s;
  return std::make_pair(std::string(name), version);
}

std::shared_ptr<const PurposeActivity> ResolvePurposeActivity(const storage::CatalogStore& store,
                                                              const std::string& purpose) {
  const absl::string_view stated = absl::StripAsciiWhitespace(purpose);
  if (!absl::StartsWith(stated, kActivityCollection)) return nullptr;
  auto resolved = std::make_shared<PurposeActivity>();
  resolved->name = std::string(stated);
  absl::StatusOr<std::pair<std::string, int64_t>> name = ParseActivityName(stated, "x-purpose");
  if (!name.ok() || name->second != 0) return resolved;  // Not registered as such.
  absl::StatusOr<ProcessingActivity> activity = store.GetProcessingActivity(name->first);
  if (!activity.ok()) return resolved;
  resolved->registered = true;
  resolved->active = activity->status() != v1::PROCESSING_ACTIVITY_STATUS_ENDED;
  resolved->datasets.assign(activity->datasets().begin(), activity->datasets().end());
  return resolved;
}


namespace {

// The dataset and party names of `a` in canonical form ("datasets/x").
absl::Status CanonicalizeReferences(ProcessingActivity* a) {
  for (int i = 0; i < a->datasets_size(); ++i) {
    absl::StatusOr<std::string> id =
        api::ParseDatasetName(a->datasets(i), absl::StrCat("datasets[", i, "]"));
    if (!id.ok()) return id.status();
    a->set_datasets(i, api::DatasetName(*id));
  }
  for (int i = 0; i < a->recipient_parties_size(); ++i) {
    absl::StatusOr<std::string> id =
        api::ParsePartyName(a->recipient_parties(i), absl::StrCat("recipient_parties[", i, "]"));
    if (!id.ok()) return id.status();
    a->set_recipient_parties(i, api::PartyName(*id));
  }
  return absl::OkStatus();
}

// The rules on the activity's own fields (references are checked against
// the store separately).
absl::Status ValidateFields(const ProcessingActivity& a) {
  if (absl::Status s = api::ValidateDatasetId(a.id(), "id"); !s.ok()) return s;
  if (absl::Status s = ValidateMessageFields(a, ""); !s.ok()) return s;
  if (absl::StripAsciiWhitespace(a.title()).empty()) return FieldError("title", "required");
  if (a.title().size() > kMaxTitle) return FieldError("title", "at most 200 bytes");
  if (absl::StripAsciiWhitespace(a.purpose()).empty()) return FieldError("purpose", "required");
  if (a.legal_basis() == v1::LEGAL_BASIS_UNSPECIFIED) {
    return FieldError("legal_basis", "required (grondslag, AVG art. 6(1))");
  }
  if (absl::StripAsciiWhitespace(a.controller().name()).empty()) {
    return FieldError("controller.name", "required (the verwerkingsverantwoordelijke)");
  }
  if (absl::Status s = ValidateOin(a.controller().oin(), "controller.oin"); !s.ok()) return s;
  if (!IsIsoDuration(a.retention_period())) {
    return FieldError("retention_period", "required: an ISO 8601 duration such as P7Y or P18M");
  }
  if (a.log_confidentiality() == v1::CONFIDENTIALITY_UNSPECIFIED) {
    return FieldError("log_confidentiality", "required (the confidentiality of its log records)");
  }
  for (int i = 1; i < a.datasets_size(); ++i) {
    if (std::find(a.datasets().begin(), a.datasets().begin() + i, a.datasets(i)) !=
        a.datasets().begin() + i) {
      return FieldError(absl::StrCat("datasets[", i, "]"), "named twice");
    }
  }
  for (int i = 1; i < a.recipient_parties_size(); ++i) {
    if (std::find(a.recipient_parties().begin(), a.recipient_parties().begin() + i,
                  a.recipient_parties(i)) != a.recipient_parties().begin() + i) {
      return FieldError(absl::StrCat("recipient_parties[", i, "]"), "named twice");
    }
  }
  for (int i = 0; i < a.transfers_size(); ++i) {
    const v1::ThirdCountryTransfer& t = a.transfers(i);
    const std::string at = absl::StrCat("transfers[", i, "]");
    if (t.country().size() != 2 || !absl::ascii_isupper(t.country()[0]) ||
        !absl::ascii_isupper(t.country()[1])) {
      return FieldError(absl::StrCat(at, ".country"), "an ISO 3166-1 alpha-2 code such as US");
    }
    if (absl::StripAsciiWhitespace(t.recipient()).empty()) {
      return FieldError(absl::StrCat(at, ".recipient"), "required (who receives the data there)");
    }
  }
  return absl::OkStatus();
}

bool IsEditorial(const google::protobuf::FieldDescriptor* field) {
  for (absl::string_view name : kEditorial) {
    if (field->name() == name) return true;
  }
  for (absl::string_view name : kOutputOnly) {
    if (field->name() == name) return true;
  }
  return false;
}

bool Matches(const ProcessingActivity& a, const v1::ListProcessingActivitiesRequest& r,
             const std::string& dataset) {
  if (r.legal_basis() != v1::LEGAL_BASIS_UNSPECIFIED && a.legal_basis() != r.legal_basis()) {
    return false;
  }
  if (r.status() != v1::PROCESSING_ACTIVITY_STATUS_UNSPECIFIED && a.status() != r.status()) {
    return false;
  }
  if (!dataset.empty() &&
      std::find(a.datasets().begin(), a.datasets().end(), dataset) == a.datasets().end()) {
    return false;
  }
  if (!r.data_subject_category().empty()) {
    const std::string wanted(absl::StripAsciiWhitespace(r.data_subject_category()));
    bool found = false;
    for (const std::string& c : a.data_subject_categories()) {
      found = found || absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(c), wanted);
    }
    if (!found) return false;
  }
  return true;
}

constexpr absl::string_view kHidden = "hidden";

// `a` as `visibility` lets the caller see it: a dataset above the caller's
// clearance (or no longer in the catalogue) is named "hidden", so that the
// count stays honest without naming it.
ProcessingActivity Present(ProcessingActivity a, const Visibility& visibility,
                           const storage::CatalogStore& store) {
  for (std::string& dataset : *a.mutable_datasets()) {
    if (!visibility.SeesResource(store, dataset)) dataset = std::string(kHidden);
  }
  return a;
}

// Keeps the datasets of `stored` that the caller cannot see in `next`
// (where the caller saw "hidden"): a write based on that view must not
// drop them.
void PreserveHiddenDatasets(const ProcessingActivity& stored, const Visibility& visibility,
                            const storage::CatalogStore& store, ProcessingActivity* next) {
  google::protobuf::RepeatedPtrField<std::string> kept;
  for (const std::string& d : next->datasets()) {
    if (d != kHidden) *kept.Add() = d;
  }
  for (const std::string& d : stored.datasets()) {
    if (!visibility.SeesResource(store, d) &&
        std::find(kept.begin(), kept.end(), d) == kept.end()) {
      *kept.Add() = d;
    }
  }
  *next->mutable_datasets() = std::move(kept);
}

}  // namespace

bool ChangesRelevantFields(const ProcessingActivity& before, const ProcessingActivity& after) {
  google::protobuf::util::MessageDifferencer differ;
  const google::protobuf::Descriptor* d = ProcessingActivity::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    if (IsEditorial(d->field(i))) differ.IgnoreField(d->field(i));
  }
  return !differ.Compare(before, after);
}

ProcessingRegister::ProcessingRegister(storage::CatalogStore* store, ProcessingLimits limits,
                                       const PageTokens* tokens)
    : store_(store), limits_(limits), tokens_(tokens) {}

absl::Status ProcessingRegister::Validate(const ProcessingActivity& a,
                                          const ProcessingActivity* stored,
                                          const Caller& caller) const {
  if (absl::Status s = ValidateFields(a); !s.ok()) return s;
  const Visibility visibility(caller);
  for (int i = 0; i < a.datasets_size(); ++i) {
    if (stored != nullptr && std::find(stored->datasets().begin(), stored->datasets().end(),
                                       a.datasets(i)) != stored->datasets().end()) {
      continue;
    }
    if (absl::Status s = visibility.CheckNamed(*store_, api::IdOf(a.datasets(i))); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("datasets[", i, "]: ", s.message()));
    }
  }
  for (int i = 0; i < a.recipient_parties_size(); ++i) {
    absl::StatusOr<v1::ExternalParty> party =
        store_->GetParty(api::IdOf(a.recipient_parties(i)));
    if (!party.ok()) {
      return absl::Status(party.status().code(), absl::StrCat("recipient_parties[", i, "]: ",
                                                              party.status().message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ProcessingActivity> ProcessingRegister::Create(
    const v1::CreateProcessingActivityRequest& request, const Caller& caller) {
  ProcessingActivity a = request.activity();
  if (a.id().empty() && !a.title().empty()) a.set_id(api::SlugFromText(a.title(), 0));
  if (absl::StartsWith(a.id(), kActivityCollection)) a.set_id(a.id().substr(kActivityCollection.size()));
  const google::protobuf::Timestamp valid_from = a.valid_from();
  ClearOutputOnly(&a);
  if (request.activity().has_valid_from()) {
    if (!ValidTimestamp(valid_from)) return FieldError("valid_from", "not a valid time");
    if (AbslTime(valid_from) > caller.time) {
      return FieldError("valid_from", "must not be in the future (a create may only backdate)");
    }
    *a.mutable_valid_from() = valid_from;
  }
  caller.audit->Concern(api::ActivityName(a.id()));
  if (a.status() == v1::PROCESSING_ACTIVITY_STATUS_UNSPECIFIED) {
    a.set_status(v1::PROCESSING_ACTIVITY_STATUS_ACTIVE);
  }
  if (absl::Status s = CanonicalizeReferences(&a); !s.ok()) return s;
  if (absl::Status s = Validate(a, nullptr, caller); !s.ok()) return s;
  absl::StatusOr<ProcessingActivity> created =
      store_->CreateProcessingActivity(std::move(a), AuditRecorder::Write(caller));
  if (!created.ok()) return created.status();
  return Present(*std::move(created), Visibility(caller), *store_);
}

absl::StatusOr<ProcessingActivity> ProcessingRegister::Get(
    const v1::GetProcessingActivityRequest& request, const Caller& caller) const {
  absl::StatusOr<std::pair<std::string, int64_t>> name = ParseActivityName(request.name(), "name");
  if (!name.ok()) return name.status();
  caller.audit->Concern(api::ActivityName(name->first));
  absl::StatusOr<ProcessingActivity> a = store_->GetProcessingActivity(name->first, name->second);
  if (!a.ok()) return a.status();
  return Present(*std::move(a), Visibility(caller), *store_);
}

absl::StatusOr<v1::ListProcessingActivitiesResponse> ProcessingRegister::List(
    const v1::ListProcessingActivitiesRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), limits_.default_page_size, limits_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  if (absl::Status s = ValidateMessageFields(request, ""); !s.ok()) return s;
  std::string dataset;
  if (!request.dataset().empty()) {
    absl::StatusOr<std::string> id = api::ParseDatasetName(request.dataset(), "dataset");
    if (!id.ok()) return id.status();
    dataset = api::DatasetName(*id);
  }
  absl::StatusOr<Paging> paging = Paging::Open(
      *tokens_,
      absl::StrCat("processing-activities|", dataset, "|", request.legal_basis(), "|",
                   absl::AsciiStrToLower(request.data_subject_category()), "|", request.status()),
      request.page_token());
  if (!paging.ok()) return paging.status();
  const Visibility visibility(caller);
  v1::ListProcessingActivitiesResponse response;
  // A filter on a dataset the caller cannot see matches nothing: the answer
  // must not tell whether it is used.
  if (!dataset.empty() && !visibility.SeesResource(*store_, dataset)) return response;
  std::string after = paging->position();
  bool more = false;
  while (!more) {
    absl::StatusOr<std::vector<ProcessingActivity>> chunk =
        store_->ListProcessingActivities(after, kScanChunk);
    if (!chunk.ok()) return chunk.status();
    if (chunk->empty()) break;
    const std::string last = chunk->back().id();  // Before its record moves out.
    for (ProcessingActivity& a : *chunk) {
      if (!Matches(a, request, dataset)) continue;
      if (static_cast<size_t>(response.activities_size()) == *page_size) {
        more = true;
        break;
      }
      *response.add_activities() = Present(std::move(a), visibility, *store_);
    }
    if (chunk->size() < kScanChunk) break;
    after = last;
  }
  if (more) {
    response.set_next_page_token(
        paging->NextToken(response.activities(response.activities_size() - 1).id()));
  }
  return response;
}

absl::StatusOr<ProcessingActivity> ProcessingRegister::Update(
    const v1::UpdateProcessingActivityRequest& request, const Caller& caller) {
  absl::StatusOr<std::pair<std::string, int64_t>> name =
      ParseActivityName(request.activity().id().empty() ? request.activity().name()
                                                        : request.activity().id(),
                        "activity.id");
  if (!name.ok()) return name.status();
  if (name->second != 0) {
    return FieldError("activity.id", "name the activity, not one of its versions");
  }
  caller.audit->Concern(api::ActivityName(name->first));
  absl::StatusOr<int64_t> expected = ParseEtag(request.etag(), "etag");
  if (!expected.ok()) return expected.status();
  for (const std::string& path : request.update_mask().paths()) {
    if (!FieldMaskUtil::GetFieldDescriptors(ProcessingActivity::descriptor(), path, nullptr)) {
      return FieldError("update_mask",
                        absl::StrCat("\"", path, "\" is not a field of ProcessingActivity"));
    }
    for (absl::string_view output : kOutputOnly) {
      if (path == output) {
        return FieldError("update_mask", absl::StrCat("\"", path, "\" is output only"));
      }
    }
  }
  absl::StatusOr<ProcessingActivity> current = store_->GetProcessingActivity(name->first);
  if (!current.ok()) return current.status();
  if (*expected > 0 && current->revision() != *expected) {
    return api::StaleRevisionError(absl::StrCat("processing activity ", name->first), *expected,
                                   current->revision());
  }
  ProcessingActivity next;
  if (request.update_mask().paths().empty()) {
    next = request.activity();
  } else {
    next = *current;
    FieldMaskUtil::MergeOptions options;
    options.set_replace_message_fields(true);
    options.set_replace_repeated_fields(true);
    FieldMaskUtil::MergeMessageTo(request.activity(), request.update_mask(), options, &next);
  }
  ClearOutputOnly(&next);
  next.set_id(name->first);
  const Visibility visibility(caller);
  PreserveHiddenDatasets(*current, visibility, *store_, &next);
  if (next.status() == v1::PROCESSING_ACTIVITY_STATUS_UNSPECIFIED) next.set_status(current->status());
  if (absl::Status s = CanonicalizeReferences(&next); !s.ok()) return s;
  if (absl::Status s = Validate(next, &*current, caller); !s.ok()) return s;
  ProcessingActivity compared = *current;
  ClearOutputOnly(&compared);
  compared.set_id(name->first);
  if (google::protobuf::util::MessageDifferencer::Equals(compared, next)) {
    return Present(*std::move(current), visibility, *store_);
  }
  const bool new_version = ChangesRelevantFields(compared, next);
  // Conditional on the state compared: a concurrent change is ABORTED.
  absl::StatusOr<ProcessingActivity> updated = store_->ReplaceProcessingActivity(
      std::move(next), new_version, current->revision(), AuditRecorder::Write(caller));
  if (!updated.ok()) return updated.status();
  return Present(*std::move(updated), visibility, *store_);
}

absl::StatusOr<v1::ListProcessingActivityVersionsResponse> ProcessingRegister::ListVersions(
    const v1::ListProcessingActivityVersionsRequest& request, const Caller& caller) const {
  absl::StatusOr<std::pair<std::string, int64_t>> name = ParseActivityName(request.name(), "name");
  if (!name.ok()) return name.status();
  if (name->second != 0) return FieldError("name", "name the activity, not one of its versions");
  caller.audit->Concern(api::ActivityName(name->first));
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), limits_.default_page_size, limits_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<Paging> paging =
      Paging::Open(*tokens_, absl::StrCat("activity-versions|", name->first), request.page_token());
  if (!paging.ok()) return paging.status();
  int64_t before = 0;
  if (!paging->position().empty() && !absl::SimpleAtoi(paging->position(), &before)) {
    return FieldError("page_token", "not a token of this listing");
  }
  absl::StatusOr<std::vector<ProcessingActivity>> versions =
      store_->ListProcessingActivityVersions(name->first, before, *page_size + 1);
  if (!versions.ok()) return versions.status();
  v1::ListProcessingActivityVersionsResponse response;
  const Visibility visibility(caller);
  for (size_t i = 0; i < versions->size() && i < *page_size; ++i) {
    *response.add_versions() = Present(std::move((*versions)[i]), visibility, *store_);
  }
  if (versions->size() > *page_size) {
    response.set_next_page_token(paging->NextToken(
        absl::StrCat(response.versions(response.versions_size() - 1).version())));
  }
  return response;
}

ProcessingActivity PresentActivity(ProcessingActivity a, const Visibility& visibility,
                                   const storage::CatalogStore& store) {
  return Present(std::move(a), visibility, store);
}

}  // namespace catalog::server
