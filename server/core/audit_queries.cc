#include "server/core/audit_queries.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/core/page_token.h"

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

}  // namespace

AuditQueries::AuditQueries(storage::CatalogStore* store, CatalogLimits limits,
                            const PageTokens* tokens)
    : store_(store), limits_(limits), tokens_(tokens) {}

absl::StatusOr<catalog::v1::ListAuditEventsResponse> AuditQueries::List(
    const catalog::v1::ListAuditEventsRequest& request, const Caller& caller) const {
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (request.page_size() > limits_.max_page_size) {
    return absl::ResourceExhaustedError(absl::StrCat("page_size: at most ", limits_.max_page_size));
  }
  catalog::v1::ListAuditEventsRequest shape = request;
  shape.clear_page_size();
  shape.clear_page_token();
  const uint64_t fingerprint = QueryFingerprint(shape.SerializeAsString());
  absl::StatusOr<std::string> position = tokens_->Decode(request.page_token(), fingerprint);
  if (!position.ok()) return position.status();

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
  query.limit = static_cast<size_t>(request.page_size() == 0 ? limits_.default_page_size
                                                             : request.page_size());
  // The position is "after" or, oldest first, "after,up_to": the first page
  // fixes where the trail ended, so paging reaches an end.
  if (position->empty()) {
    if (request.oldest_first()) query.up_to_sequence = store_->LatestAuditSequence();
  } else {
    std::vector<std::string> parts = absl::StrSplit(*position, ',');
    if (parts.empty() || parts.size() > 2 || !absl::SimpleAtoi(parts[0], &query.after_sequence) ||
        (parts.size() == 2 && !absl::SimpleAtoi(parts[1], &query.up_to_sequence))) {
      return absl::InvalidArgumentError("page_token: malformed");
    }
  }
  absl::StatusOr<storage::AuditPage> page = store_->ListAudit(query);
  if (!page.ok()) return page.status();
  catalog::v1::ListAuditEventsResponse response;
  for (const storage::AuditEntry& entry : page->entries) *response.add_events() = ToEvent(entry);
  if (page->next_after > 0) {
    response.set_next_page_token(tokens_->Encode(
        fingerprint, query.up_to_sequence > 0
                         ? absl::StrCat(page->next_after, ",", query.up_to_sequence)
                         : absl::StrCat(page->next_after)));
  }
  return response;
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
