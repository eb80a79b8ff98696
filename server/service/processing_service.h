// The gRPC face of ProcessingService: thin handlers over ProcessingRegister.
// Reads run inline (a few records); writes on the blocking executor.
#ifndef CATALOG_SERVER_SERVICE_PROCESSING_SERVICE_H_
#define CATALOG_SERVER_SERVICE_PROCESSING_SERVICE_H_

#include "catalog/v1/processing_service.grpc.pb.h"
#include "server/core/processing_register.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class ProcessingServiceImpl final : public catalog::v1::ProcessingService::CallbackService {
 public:
  // `register_` and what `deps` points to must outlive the service.
  ProcessingServiceImpl(ProcessingRegister* register_, ServiceDeps deps)
      : register_(register_), deps_(deps) {}

  grpc::ServerUnaryReactor* CreateProcessingActivity(
      grpc::CallbackServerContext* context,
      const catalog::v1::CreateProcessingActivityRequest* request,
      catalog::v1::ProcessingActivity* response) override;
  grpc::ServerUnaryReactor* GetProcessingActivity(
      grpc::CallbackServerContext* context,
      const catalog::v1::GetProcessingActivityRequest* request,
      catalog::v1::ProcessingActivity* response) override;
  grpc::ServerUnaryReactor* ListProcessingActivities(
      grpc::CallbackServerContext* context,
      const catalog::v1::ListProcessingActivitiesRequest* request,
      catalog::v1::ListProcessingActivitiesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateProcessingActivity(
      grpc::CallbackServerContext* context,
      const catalog::v1::UpdateProcessingActivityRequest* request,
      catalog::v1::ProcessingActivity* response) override;
  grpc::ServerUnaryReactor* ListProcessingActivityVersions(
      grpc::CallbackServerContext* context,
      const catalog::v1::ListProcessingActivityVersionsRequest* request,
      catalog::v1::ListProcessingActivityVersionsResponse* response) override;

 private:
  ProcessingRegister* register_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_PROCESSING_SERVICE_H_
