#include "server/service/audit_service.h"

#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {

grpc::ServerUnaryReactor* AuditServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context, const catalog::v1::ListAuditEventsRequest* request,
    catalog::v1::ListAuditEventsResponse* response) {
  return RunInline(deps_, context, method::kListAuditEvents, request, response,
                   [this, request](const Caller& c) { return queries_->List(*request, c); });
}

grpc::ServerUnaryReactor* AuditServiceImpl::VerifyAuditTrail(
    grpc::CallbackServerContext* context, const catalog::v1::VerifyAuditTrailRequest* request,
    catalog::v1::VerifyAuditTrailResponse* response) {
  // Reads the whole trail: on the executor, not on a gRPC thread.
  return RunBlocking(deps_, context, method::kVerifyAuditTrail, request, response,
                     [this, request](const Caller& c) { return queries_->Verify(*request, c); });
}

}  // namespace catalog::server
