#include "server/core/accountability.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "server/core/dataset_validation.h"
#include "server/core/processing_register.h"
#include "server/core/register_reads.h"
#include "server/core/request_rules.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using v1::ProcessingActivity;
using v1::ProcessingOperation;

constexpr size_t kChunk = 500;

absl::Status NoLog() {
  return absl::FailedPreconditionError(
      "this catalogd keeps no processing log: its configuration names no "
      "processing_subject_key_file");
}

// The period [start_time, end_time) of a request into `query`.
absl::Status SetPeriod(const google::protobuf::Timestamp& start, bool has_start,
                       const google::protobuf::Timestamp& end, bool has_end,
                       storage::OperationQuery* query) {
  if (has_start) {
    if (!ValidTimestamp(start)) return FieldError("start_time", "not a valid time");
    query->from = AbslTime(start);
  }
  if (has_end) {
    if (!ValidTimestamp(end)) return FieldError("end_time", "not a valid time");
    query->to = AbslTime(end);
  }
  if (query->to < query->from) return FieldError("end_time", "before start_time");
  return absl::OkStatus();
}

// The operation as returned: without the subject's hash.
ProcessingOperation Shown(ProcessingOperation op) {
  op.clear_data_subject_hash();
  return op;
}

// "processing-activities/x/versions/3" -> ("x", 3).
std::pair<std::string, int64_t> VersionOf(const std::string& version_name) {
  absl::StatusOr<std::pair<std::string, int64_t>> parsed =
      ParseActivityName(version_name, "activity");
  return parsed.ok() ? *parsed : std::make_pair(std::string(), int64_t{0});
}

// The DELIVERY edges out of dataset `name` ("datasets/x").
absl::StatusOr<std::vector<v1::LineageEdge>> DeliveriesOf(const storage::CatalogStore& store,
                                                          const std::string& name) {
  std::vector<v1::LineageEdge> deliveries;
  storage::EdgeQuery query;
  query.node = name;
  query.in = false;
  query.limit = kChunk;
  for (;;) {
    absl::StatusOr<storage::EdgePage> page = store.ListEdges(query);
    if (!page.ok()) return page.status();
    for (v1::LineageEdge& e : page->edges) {
      if (e.relation() == v1::LINEAGE_RELATION_DELIVERY) deliveries.push_back(std::move(e));
    }
    if (page->next_cursor.empty()) return deliveries;
    query.cursor = page->next_cursor;
  }
}

std::string PartyTitle(const storage::CatalogStore& store, const std::string& party_name) {
  absl::StatusOr<v1::ExternalParty> party = store.GetParty(api::IdOf(party_name));
  return party.ok() ? party->name() : api::IdOf(party_name);
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list,
              const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// One page of the operations `query` selects (its index fields set), for a
// request with page_size, page_token and the period [start_time, end_time):
// the page, visible operations only, and the token of the next one. `shape`
// names the listing in its page tokens.
template <typename Request>
absl::StatusOr<std::pair<storage::OperationPage, std::string>> OperationPageOf(
    const storage::CatalogStore& store, const PageTokens& tokens,
    const AccountabilityLimits& limits, const Request& request, const std::string& shape,
    const Visibility& visibility, storage::OperationQuery query) {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), limits.default_page_size, limits.max_page_size);
  if (!page_size.ok()) return page_size.status();
  if (absl::Status s = SetPeriod(request.start_time(), request.has_start_time(),
                                 request.end_time(), request.has_end_time(), &query);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Paging> paging = Paging::Open(
      tokens,
      absl::StrCat(shape, "|", absl::FormatTime(query.from), "|", absl::FormatTime(query.to)),
      request.page_token());
  if (!paging.ok()) return paging.status();
  query.cursor = paging->position();
  query.limit = *page_size;
  query.visible = [&visibility](const ProcessingOperation& op) { return visibility.Sees(op); };
  absl::StatusOr<storage::OperationPage> page = store.ListOperations(query);
  if (!page.ok()) return page.status();
  std::string next = paging->NextToken(page->next_cursor);
  return std::make_pair(*std::move(page), std::move(next));
}

}  // namespace

Accountability::Accountability(storage::CatalogStore* store, const ProcessingLog* log,
                               AccountabilityLimits limits, const PageTokens* tokens)
    : store_(store), log_(log), limits_(limits), tokens_(tokens) {}

absl::StatusOr<v1::ActivityAccount> Accountability::AccountOf(
    std::vector<ProcessingOperation> operations, const Caller& caller) const {
  const Visibility visibility(caller);
  v1::ActivityAccount account;
  const auto [id, version] = VersionOf(operations.front().activity());
  absl::StatusOr<ProcessingActivity> activity = store_->GetProcessingActivity(id, version);
  if (!activity.ok()) return activity.status();
  std::set<std::string> others;
  for (ProcessingOperation& op : operations) {
    if (op.activity() != activity->version_name()) others.insert(op.activity());
    *account.add_operations() = Shown(std::move(op));
  }
  account.mutable_other_versions()->Assign(others.begin(), others.end());
  for (const std::string& party : activity->recipient_parties()) {
    v1::Recipient* r = account.add_recipients();
    r->set_party(party);
    r->set_title(PartyTitle(*store_, party));
    r->set_source(v1::Recipient::SOURCE_REGISTER);
  }
  for (const std::string& category : activity->recipient_categories()) {
    v1::Recipient* r = account.add_recipients();
    r->set_title(category);
    r->set_source(v1::Recipient::SOURCE_REGISTER);
  }
  for (const std::string& name : activity->datasets()) {
    v1::DatasetUse* use = account.add_datasets();
    absl::StatusOr<v1::Dataset> dataset = visibility.Read(*store_, api::IdOf(name));
    if (!dataset.ok()) {
      use->set_dataset("hidden");
      continue;
    }
    use->set_dataset(name);
    use->set_title(dataset->title());
    for (const v1::SchemaField& field : dataset->schema_fields()) {
      if (field.personal_data()) use->add_personal_fields(field.name());
    }
    absl::StatusOr<std::vector<v1::LineageEdge>> deliveries = DeliveriesOf(*store_, name);
    if (!deliveries.ok()) return deliveries.status();
    for (const v1::LineageEdge& e : *deliveries) {
      v1::Recipient* r = account.add_recipients();
      r->set_party(e.target());
      r->set_title(PartyTitle(*store_, e.target()));
      r->set_source(v1::Recipient::SOURCE_DELIVERY);
      r->set_dataset(name);
      r->set_purpose(e.purpose());
      r->set_legal_basis(e.legal_basis());
    }
  }
  *account.mutable_activity() = PresentActivity(*std::move(activity), visibility, *store_);
  return account;
}

absl::StatusOr<v1::SubjectAccount> Accountability::GetSubjectAccount(
    const v1::GetSubjectAccountRequest& request, const Caller& caller) const {
  if (log_->key() == nullptr) return NoLog();
  const std::string id_type = NormalizeIdType(request.data_subject_id_type());
  const std::string id(absl::StripAsciiWhitespace(request.data_subject_id()));
  if (id_type.empty()) return FieldError("data_subject_id_type", "required (for example BSN)");
  if (id.empty()) return FieldError("data_subject_id", "required");
  // The hash stands for the subject in the audit trail; the id goes nowhere.
  const std::string hash = log_->key()->Hash(id_type, id);
  caller.audit->Concern(absl::StrCat("data-subjects/", absl::BytesToHexString(hash)));
  if (id_type == "BSN" && !IsValidBsn(id)) {
    return FieldError("data_subject_id", "not a BSN (nine digits that pass the elfproef)");
  }
  storage::OperationQuery query;
  query.subject_hash = hash;
  const Visibility visibility(caller);
  auto paged = OperationPageOf(*store_, *tokens_, limits_, request,
                               absl::StrCat("subject|", absl::BytesToHexString(hash)),
                               visibility, std::move(query));
  if (!paged.ok()) return paged.status();
  storage::OperationPage* page = &paged->first;

  v1::SubjectAccount account;
  account.set_operation_count(static_cast<int32_t>(page->operations.size()));
  account.set_hidden_operations(static_cast<int32_t>(page->hidden));
  // Grouped by activity, in the order of each activity's first operation.
  std::vector<std::string> order;
  std::map<std::string, std::vector<ProcessingOperation>> by_activity;
  for (ProcessingOperation& op : page->operations) {
    const std::string activity_id = VersionOf(op.activity()).first;
    auto [it, fresh] = by_activity.try_emplace(activity_id);
    if (fresh) order.push_back(activity_id);
    it->second.push_back(std::move(op));
  }
  for (const std::string& activity_id : order) {
    absl::StatusOr<v1::ActivityAccount> group =
        AccountOf(std::move(by_activity[activity_id]), caller);
    if (!group.ok()) return group.status();
    *account.add_activities() = *std::move(group);
  }
  account.set_next_page_token(paged->second);
  return account;
}

absl::StatusOr<v1::ListActivityOperationsResponse> Accountability::ListActivityOperations(
    const v1::ListActivityOperationsRequest& request, const Caller& caller) const {
  if (log_->key() == nullptr) return NoLog();
  absl::StatusOr<std::pair<std::string, int64_t>> name =
      ParseActivityName(request.activity(), "activity");
  if (!name.ok()) return name.status();
  caller.audit->Concern(api::ActivityName(name->first));
  absl::StatusOr<ProcessingActivity> activity =
      store_->GetProcessingActivity(name->first, name->second);
  if (!activity.ok()) return activity.status();
  storage::OperationQuery query;
  query.activity_id = name->first;
  query.activity_version = static_cast<uint64_t>(name->second);
  const Visibility visibility(caller);
  auto paged = OperationPageOf(
      *store_, *tokens_, limits_, request,
      absl::StrCat("activity-operations|", name->first, "|", name->second), visibility,
      std::move(query));
  if (!paged.ok()) return paged.status();
  v1::ListActivityOperationsResponse response;
  for (ProcessingOperation& op : paged->first.operations) {
    *response.add_operations() = Shown(std::move(op));
  }
  response.set_next_page_token(paged->second);
  return response;
}

absl::StatusOr<v1::Trace> Accountability::GetTrace(const v1::GetTraceRequest& request,
                                                   const Caller& caller) const {
  if (log_->key() == nullptr) return NoLog();
  const std::string hex = absl::AsciiStrToLower(absl::StripAsciiWhitespace(request.trace_id()));
  const bool valid = hex.size() == 32 && std::all_of(hex.begin(), hex.end(), [](char c) {
                       return absl::ascii_isxdigit(static_cast<unsigned char>(c));
                     });
  if (!valid) return FieldError("trace_id", "32 hexadecimal digits (16 bytes)");
  caller.audit->Concern(absl::StrCat("traces/", hex));
  storage::OperationQuery query;
  query.trace_id = absl::HexStringToBytes(hex);
  query.limit = limits_.max_trace_operations;
  query.scan_budget = limits_.max_trace_operations;
  const Visibility visibility(caller);
  query.visible = [&visibility](const ProcessingOperation& op) { return visibility.Sees(op); };
  absl::StatusOr<storage::OperationPage> page = store_->ListOperations(query);
  if (!page.ok()) return page.status();
  if (page->operations.empty() && page->hidden == 0) {
    return absl::NotFoundError(absl::StrCat("no operation of trace ", hex, " is in the log"));
  }
  std::sort(page->operations.begin(), page->operations.end(),
            [](const ProcessingOperation& a, const ProcessingOperation& b) {
              return AbslTime(a.start_time()) < AbslTime(b.start_time());
            });
  v1::Trace trace;
  trace.set_trace_id(hex);
  trace.set_hidden_operations(static_cast<int32_t>(page->hidden));
  std::set<std::string> foreign;
  for (ProcessingOperation& op : page->operations) {
    if (op.has_foreign_operation() &&
        foreign.insert(op.foreign_operation().SerializeAsString()).second) {
      *trace.add_foreign_operations() = op.foreign_operation();
    }
    *trace.add_operations() = Shown(std::move(op));
  }
  return trace;
}

absl::StatusOr<v1::ListDeliveriesResponse> Accountability::ListDeliveries(
    const v1::ListDeliveriesRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), limits_.default_page_size, limits_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<Paging> paging = Paging::Open(
      *tokens_,
      absl::StrCat("deliveries|", request.personal_data_only(), "|", request.uncovered_only()),
      request.page_token());
  if (!paging.ok()) return paging.status();
  absl::StatusOr<std::vector<ProcessingActivity>> activities = AllActivities(*store_);
  if (!activities.ok()) return activities.status();
  const Visibility visibility(caller);
  // Every delivery into a party, by edge name (parties are few; their
  // in-edges are the deliveries).
  std::vector<v1::Delivery> all;
  absl::Status walked = ForEachDelivery(
      *store_, [&](const v1::ExternalParty& party, const v1::LineageEdge& e) {
        if (!visibility.SeesResource(*store_, e.source())) return;
        storage::DatasetFacts facts;
        store_->facts().Get(api::IdOf(e.source()), &facts);
        v1::Delivery d;
        d.set_edge(e.name());
        d.set_dataset(e.source());
        d.set_party(e.target());
        d.set_party_title(party.name());
        d.set_purpose(e.purpose());
        d.set_legal_basis(e.legal_basis());
        d.set_personal_data(facts.personal_data);
        for (const ProcessingActivity& a : *activities) {
          if (Contains(a.datasets(), e.source()) && Contains(a.recipient_parties(), e.target())) {
            d.add_covering_activities(a.name());
          }
        }
        if (request.personal_data_only() && !d.personal_data()) return;
        if (request.uncovered_only() && d.covering_activities_size() > 0) return;
        all.push_back(std::move(d));
      });
  if (!walked.ok()) return walked;
  std::sort(all.begin(), all.end(),
            [](const v1::Delivery& a, const v1::Delivery& b) { return a.edge() < b.edge(); });
  v1::ListDeliveriesResponse response;
  const std::string& position = paging->position();
  auto it = std::upper_bound(all.begin(), all.end(), position,
                             [](const std::string& p, const v1::Delivery& d) { return p < d.edge(); });
  if (position.empty()) it = all.begin();
  for (; it != all.end() && static_cast<size_t>(response.deliveries_size()) < *page_size; ++it) {
    v1::Delivery* d = response.add_deliveries();
    *d = *it;
    absl::StatusOr<v1::Dataset> dataset = visibility.Read(*store_, api::IdOf(d->dataset()));
    if (dataset.ok()) d->set_dataset_title(dataset->title());
  }
  if (it != all.end()) {
    response.set_next_page_token(
        paging->NextToken(response.deliveries(response.deliveries_size() - 1).edge()));
  }
  return response;
}

absl::StatusOr<v1::PurgeExpiredOperationsResponse> Accountability::PurgeExpiredOperations(
    const v1::PurgeExpiredOperationsRequest& request, const Caller& caller) {
  if (log_->key() == nullptr) return NoLog();
  absl::StatusOr<std::vector<ProcessingActivity>> activities = AllActivities(*store_);
  if (!activities.ok()) return activities.status();
  v1::PurgeExpiredOperationsResponse response;
  storage::WriteContext context;
  context.principal = caller.principal;
  context.request_id = caller.request_id;
  context.time = caller.time;
  for (const ProcessingActivity& current : *activities) {
    absl::StatusOr<std::vector<ProcessingActivity>> versions =
        store_->ListProcessingActivityVersions(current.id(), 0, 100000);
    if (!versions.ok()) return versions.status();
    for (const ProcessingActivity& v : *versions) {
      std::optional<absl::Time> cutoff = SubtractIsoDuration(caller.time, v.retention_period());
      if (!cutoff.has_value()) continue;  // Validated on write; an old record.
      absl::StatusOr<int64_t> count = store_->PurgeOperations(
          v.id(), static_cast<uint64_t>(v.version()), *cutoff, request.dry_run(), context);
      if (!count.ok()) return count.status();
      if (*count == 0) continue;
      caller.audit->Concern(v.version_name());
      v1::PurgedActivity* purged = response.add_activities();
      purged->set_activity(v.version_name());
      purged->set_retention_period(v.retention_period());
      purged->set_operations(*count);
      response.set_operations(response.operations() + *count);
    }
  }
  return response;
}

}  // namespace catalog::server
