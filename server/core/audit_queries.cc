#include "server/core/audit_queries.h"

#include <algorithm>
#include <map>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/core/page_token.h"
#include "server/core/request_rules.h"

namespace catalog::server {
namespace {

using google::protobuf::util::TimeUtil;

catalog::v1::AuditEvent ToEvent(const storage::AuditEntry& entry) {
  catalog::v1::AuditEvent event;
  event.set_sequence(static_cast<int64_t>(entry.sequence()));
  *event.mutable_time() = TimeUtil::MicrosecondsToTimestamp(entry.time_micros());
  event.set_principal(entry.principal());
  event.set_peer(entry.peer());
  event.set_method(entry.method());
  for (const std::string& resource : entry.resources()) event.add_resources(resource);
  event.set_purpose(entry.purpose());
  event.set_code(entry.code());
  event.set_code_name(absl::StatusCodeToString(static_cast<absl::StatusCode>(entry.code())));
  event.set_request_id(entry.request_id());
  event.set_hash(absl::BytesToHexString(entry.hash()));
  event.set_prev_hash(absl::BytesToHexString(entry.prev_hash()));
  return event;
}

// Entries are shown with every resource the caller may not see replaced by
// this name. Their hash is withheld too, and so is the prev_hash of the
// entry after them: with the other fields known, a hash would let the
// caller test guesses of the hidden name.
constexpr char kHiddenResource[] = "hidden";

bool Redacted(const Visibility& visibility, const storage::CatalogStore& store,
              const storage::AuditEntry& entry) {
  return std::any_of(entry.resources().begin(), entry.resources().end(),
                     [&](const std::string& r) { return !visibility.SeesResource(store, r); });
}

}  // namespace

AuditQueries::AuditQueries(storage::CatalogStore* store, CatalogLimits limits,
                            const PageTokens* tokens)
    : store_(store), limits_(limits), tokens_(tokens) {}

absl::StatusOr<catalog::v1::ListAuditEventsResponse> AuditQueries::List(
    const catalog::v1::ListAuditEventsRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), limits_.default_page_size, limits_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  catalog::v1::ListAuditEventsRequest shape = request;
  shape.clear_page_size();
  shape.clear_page_token();
  absl::StatusOr<Paging> paging =
      Paging::Open(*tokens_, shape.SerializeAsString(), request.page_token());
  if (!paging.ok()) return paging.status();
  const std::string& position = paging->position();

  storage::AuditQuery query;
  query.principal = request.principal();
  query.resource = request.resource();
  query.method = request.method();
  query.code = request.has_code() ? request.code() : -1;
  if (request.has_start_time()) {
    query.from = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request.start_time()));
  }
  if (request.has_end_time()) {
    query.to = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request.end_time()));
  }
  if (query.to <= query.from) {
    return absl::InvalidArgumentError("end_time: must be after start_time");
  }
  query.descending = !request.oldest_first();
  query.limit = *page_size;
  // The position is "after" or, oldest first, "after,up_to": the first page
  // fixes where the trail ended, so paging reaches an end.
  if (position.empty()) {
    if (request.oldest_first()) query.up_to_sequence = store_->LatestAuditSequence();
  } else {
    std::vector<std::string> parts = absl::StrSplit(position, ',');
    if (parts.empty() || parts.size() > 2 || !absl::SimpleAtoi(parts[0], &query.after_sequence) ||
        (parts.size() == 2 && !absl::SimpleAtoi(parts[1], &query.up_to_sequence))) {
      return absl::InvalidArgumentError("page_token: malformed");
    }
  }
  // A resource the caller may not see matches nothing, as the redacted
  // entries they are shown do not name it.
  const Visibility visibility(caller);
  catalog::v1::ListAuditEventsResponse response;
  if (!query.resource.empty() && !visibility.SeesResource(*store_, query.resource)) {
    return response;
  }
  absl::StatusOr<storage::AuditPage> page = store_->ListAudit(query);
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<catalog::v1::AuditEvent>> events = Present(visibility, page->entries);
  if (!events.ok()) return events.status();
  for (catalog::v1::AuditEvent& event : *events) *response.add_events() = std::move(event);
  if (page->next_after > 0) {
    response.set_next_page_token(paging->NextToken(
        query.up_to_sequence > 0 ? absl::StrCat(page->next_after, ",", query.up_to_sequence)
                                 : absl::StrCat(page->next_after)));
  }
  return response;
}

absl::StatusOr<std::vector<catalog::v1::AuditEvent>> AuditQueries::Present(
    const Visibility& visibility, const std::vector<storage::AuditEntry>& entries) const {
  std::map<uint64_t, bool> redacted;  // By sequence.
  for (const storage::AuditEntry& entry : entries) {
    redacted[entry.sequence()] = Redacted(visibility, *store_, entry);
  }
  std::vector<catalog::v1::AuditEvent> events;
  for (const storage::AuditEntry& entry : entries) {
    catalog::v1::AuditEvent event = ToEvent(entry);
    if (redacted[entry.sequence()]) {
      for (std::string& resource : *event.mutable_resources()) {
        if (!visibility.SeesResource(*store_, resource)) resource = kHiddenResource;
      }
      event.clear_hash();
      event.clear_prev_hash();
    } else if (entry.sequence() > 1) {
      auto before = redacted.find(entry.sequence() - 1);
      if (before == redacted.end()) {
        absl::StatusOr<storage::AuditEntry> previous = store_->GetAuditEntry(entry.sequence() - 1);
        if (!previous.ok()) return previous.status();
        before = redacted.emplace(entry.sequence() - 1, Redacted(visibility, *store_, *previous))
                     .first;
      }
      if (before->second) event.clear_prev_hash();
    }
    events.push_back(std::move(event));
  }
  return events;
}

absl::StatusOr<catalog::v1::VerifyAuditTrailResponse> AuditQueries::Verify(
    const catalog::v1::VerifyAuditTrailRequest& request, const Caller& caller) const {
  absl::StatusOr<storage::AuditVerification> verification = store_->VerifyAuditTrail();
  if (!verification.ok()) return verification.status();
  catalog::v1::VerifyAuditTrailResponse response;
  response.set_intact(verification->ok());
  response.set_entries(verification->entries);
  response.set_first_broken_sequence(static_cast<int64_t>(verification->first_broken));
  response.set_problem(verification->problem);
  return response;
}

}  // namespace catalog::server
