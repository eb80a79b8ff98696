// Reading and verifying the audit trail for AuditService. Knows the API
// messages, not gRPC. Thread-safe.
#ifndef CATALOG_SERVER_CORE_AUDIT_QUERIES_H_
#define CATALOG_SERVER_CORE_AUDIT_QUERIES_H_

#include "absl/status/statusor.h"
#include "catalog/v1/audit_service.pb.h"
#include "server/core/caller.h"
#include "server/core/page_token.h"
#include "server/core/dataset_catalog.h"
#include "storage/catalog_store.h"

namespace catalog::server {

class AuditQueries {
 public:
  // `store` and `tokens` must outlive this object.
  AuditQueries(storage::CatalogStore* store, CatalogLimits limits, const PageTokens* tokens);

  // INVALID_ARGUMENT (token, times), RESOURCE_EXHAUSTED (page size).
  absl::StatusOr<catalog::v1::ListAuditEventsResponse> List(
      const catalog::v1::ListAuditEventsRequest& request, const Caller& caller) const;

  absl::StatusOr<catalog::v1::VerifyAuditTrailResponse> Verify(
      const catalog::v1::VerifyAuditTrailRequest& request, const Caller& caller) const;

 private:
  storage::CatalogStore* store_;
  CatalogLimits limits_;
  const PageTokens* tokens_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_AUDIT_QUERIES_H_
