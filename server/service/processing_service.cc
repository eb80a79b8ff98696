#include "server/service/processing_service.h"

#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace v1 = ::catalog::v1;

grpc::ServerUnaryReactor* ProcessingServiceImpl::CreateProcessingActivity(
    grpc::CallbackServerContext* context, const v1::CreateProcessingActivityRequest* request,
    v1::ProcessingActivity* response) {
  return RunBlocking(deps_, context, method::kCreateProcessingActivity, request, response,
                     [this, request](const Caller& c) { return register_->Create(*request, c); });
}

grpc::ServerUnaryReactor* ProcessingServiceImpl::GetProcessingActivity(
    grpc::CallbackServerContext* context, const v1::GetProcessingActivityRequest* request,
    v1::ProcessingActivity* response) {
  return RunInline(deps_, context, method::kGetProcessingActivity, request, response,
                   [this, request](const Caller& c) { return register_->Get(*request, c); });
}

grpc::ServerUnaryReactor* ProcessingServiceImpl::ListProcessingActivities(
    grpc::CallbackServerContext* context, const v1::ListProcessingActivitiesRequest* request,
    v1::ListProcessingActivitiesResponse* response) {
  return RunInline(deps_, context, method::kListProcessingActivities, request, response,
                   [this, request](const Caller& c) { return register_->List(*request, c); });
}

grpc::ServerUnaryReactor* ProcessingServiceImpl::UpdateProcessingActivity(
    grpc::CallbackServerContext* context, const v1::UpdateProcessingActivityRequest* request,
    v1::ProcessingActivity* response) {
  return RunBlocking(deps_, context, method::kUpdateProcessingActivity, request, response,
                     [this, request](const Caller& c) { return register_->Update(*request, c); });
}

grpc::ServerUnaryReactor* ProcessingServiceImpl::ListProcessingActivityVersions(
    grpc::CallbackServerContext* context,
    const v1::ListProcessingActivityVersionsRequest* request,
    v1::ListProcessingActivityVersionsResponse* response) {
  return RunInline(deps_, context, method::kListProcessingActivityVersions, request, response,
                   [this, request](const Caller& c) {
                     return register_->ListVersions(*request, c);
                   });
}

}  // namespace catalog::server
