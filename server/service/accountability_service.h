// The gRPC face of AccountabilityService: thin handlers over
// Accountability. Queries run inline; the purge (a write) on the blocking
// executor.
#ifndef CATALOG_SERVER_SERVICE_ACCOUNTABILITY_SERVICE_H_
#define CATALOG_SERVER_SERVICE_ACCOUNTABILITY_SERVICE_H_

#include "catalog/v1/accountability_service.grpc.pb.h"
#include "server/core/accountability.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class AccountabilityServiceImpl final
    : public catalog::v1::AccountabilityService::CallbackService {
 public:
  // `accountability` and what `deps` points to must outlive the service.
  AccountabilityServiceImpl(Accountability* accountability, ServiceDeps deps)
      : accountability_(accountability), deps_(deps) {}

  grpc::ServerUnaryReactor* GetSubjectAccount(
      grpc::CallbackServerContext* context, const catalog::v1::GetSubjectAccountRequest* request,
      catalog::v1::SubjectAccount* response) override;
  grpc::ServerUnaryReactor* ListActivityOperations(
      grpc::CallbackServerContext* context,
      const catalog::v1::ListActivityOperationsRequest* request,
      catalog::v1::ListActivityOperationsResponse* response) override;
  grpc::ServerUnaryReactor* GetTrace(grpc::CallbackServerContext* context,
                                     const catalog::v1::GetTraceRequest* request,
                                     catalog::v1::Trace* response) override;
  grpc::ServerUnaryReactor* ListDeliveries(
      grpc::CallbackServerContext* context, const catalog::v1::ListDeliveriesRequest* request,
      catalog::v1::ListDeliveriesResponse* response) override;
  grpc::ServerUnaryReactor* PurgeExpiredOperations(
      grpc::CallbackServerContext* context,
      const catalog::v1::PurgeExpiredOperationsRequest* request,
      catalog::v1::PurgeExpiredOperationsResponse* response) override;

 private:
  Accountability* accountability_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_ACCOUNTABILITY_SERVICE_H_
