// Reading and verifying the audit trail for AuditService. Knows the API
// messages, not gRPC. Thread-safe.
//
// Entries are presented through the visibility rule: a resource naming a
// dataset the caller may not see (or one no longer in the catalogue, unless
// the caller is cleared for everything) is shown as "hidden", and its
// entry's hash, and the prev_hash of the entry after it, are withheld. The
// entry itself stays listed, so that sequences, counts and page tokens are
// those of the trail. A resource filter naming such a resource matches
// nothing.
#ifndef CATALOG_SERVER_CORE_AUDIT_QUERIES_H_
#define CATALOG_SERVER_CORE_AUDIT_QUERIES_H_

#include "absl/status/statusor.h"
#include "catalog/v1/audit_service.pb.h"
#include "server/core/caller.h"
#include "server/core/page_token.h"
#include "server/core/dataset_catalog.h"
#include "server/core/visibility.h"
#include "storage/catalog_store.h"

namespace catalog::server {

class AuditQueries {
 public:
  // `store` and `tokens` must outlive this object.
  AuditQueries(storage::CatalogStore* store, CatalogLimits limits, const PageTokens* tokens);

  // INVALID_ARGUMENT (token, times, negative page size), RESOURCE_EXHAUSTED
  // (page size).
  absl::StatusOr<catalog::v1::ListAuditEventsResponse> List(
      const catalog::v1::ListAuditEventsRequest& request, const Caller& caller) const;

  absl::StatusOr<catalog::v1::VerifyAuditTrailResponse> Verify(
      const catalog::v1::VerifyAuditTrailRequest& request, const Caller& caller) const;

 private:
  // The entries as `visibility` lets the caller see them.
  absl::StatusOr<std::vector<catalog::v1::AuditEvent>> Present(
      const Visibility& visibility, const std::vector<storage::AuditEntry>& entries) const;

  storage::CatalogStore* store_;
  CatalogLimits limits_;
  const PageTokens* tokens_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_AUDIT_QUERIES_H_
