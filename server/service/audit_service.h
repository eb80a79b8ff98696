// The gRPC face of AuditService: thin handlers over AuditQueries.
#ifndef CATALOG_SERVER_SERVICE_AUDIT_SERVICE_H_
#define CATALOG_SERVER_SERVICE_AUDIT_SERVICE_H_

#include "catalog/v1/audit_service.grpc.pb.h"
#include "server/core/audit_queries.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class AuditServiceImpl final : public catalog::v1::AuditService::CallbackService {
 public:
  // `queries` and what `deps` points to must outlive the service.
  AuditServiceImpl(AuditQueries* queries, ServiceDeps deps) : queries_(queries), deps_(deps) {}

  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context, const catalog::v1::ListAuditEventsRequest* request,
      catalog::v1::ListAuditEventsResponse* response) override;
  grpc::ServerUnaryReactor* VerifyAuditTrail(
      grpc::CallbackServerContext* context, const catalog::v1::VerifyAuditTrailRequest* request,
      catalog::v1::VerifyAuditTrailResponse* response) override;

 private:
  AuditQueries* queries_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_AUDIT_SERVICE_H_
