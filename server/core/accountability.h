// Accountability: the answers built from the processing log and the
// register of processing activities (AccountabilityService). Inzage for one
// data subject (AVG art. 15), the operations of an activity, a trace, the
// deliveries report (Woo) and the retention purge. Every answer passes the
// one visibility rule (server/core/visibility.h): records above the
// caller's clearance are counted, never shown; datasets the caller cannot
// see are named "hidden". Each query is audited like every call; a subject
// appears in the audit trail only as "data-subjects/{keyed hash, hex}".
// Thread-safe (the store is).
#ifndef CATALOG_SERVER_CORE_ACCOUNTABILITY_H_
#define CATALOG_SERVER_CORE_ACCOUNTABILITY_H_

#include "absl/status/statusor.h"
#include "catalog/v1/accountability_service.pb.h"
#include "server/core/caller.h"
#include "server/core/page_token.h"
#include "server/core/processing_log.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct AccountabilityLimits {
  int default_page_size = 100;
  int max_page_size = 1000;
  // Operations of one trace returned at most.
  size_t max_trace_operations = 10000;
};

class Accountability {
 public:
  // `store`, `log` and `tokens` must outlive this object.
  Accountability(storage::CatalogStore* store, const ProcessingLog* log,
                 AccountabilityLimits limits, const PageTokens* tokens);

  absl::StatusOr<catalog::v1::SubjectAccount> GetSubjectAccount(
      const catalog::v1::GetSubjectAccountRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::ListActivityOperationsResponse> ListActivityOperations(
      const catalog::v1::ListActivityOperationsRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::Trace> GetTrace(const catalog::v1::GetTraceRequest& request,
                                              const Caller& caller) const;
  absl::StatusOr<catalog::v1::ListDeliveriesResponse> ListDeliveries(
      const catalog::v1::ListDeliveriesRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::PurgeExpiredOperationsResponse> PurgeExpiredOperations(
      const catalog::v1::PurgeExpiredOperationsRequest& request, const Caller& caller);

 private:
  // The account of one activity's operations (of one page).
  absl::StatusOr<catalog::v1::ActivityAccount> AccountOf(
      std::vector<catalog::v1::ProcessingOperation> operations, const Caller& caller) const;

  storage::CatalogStore* store_;
  const ProcessingLog* log_;
  AccountabilityLimits limits_;
  const PageTokens* tokens_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_ACCOUNTABILITY_H_
