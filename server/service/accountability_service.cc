#include "server/service/accountability_service.h"

#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace v1 = ::catalog::v1;

grpc::ServerUnaryReactor* AccountabilityServiceImpl::GetSubjectAccount(
    grpc::CallbackServerContext* context, const v1::GetSubjectAccountRequest* request,
    v1::SubjectAccount* response) {
  return RunInline(deps_, context, method::kGetSubjectAccount, request, response,
                   [this, request](const Caller& c) {
                     return accountability_->GetSubjectAccount(*request, c);
                   });
}

grpc::ServerUnaryReactor* AccountabilityServiceImpl::ListActivityOperations(
    grpc::CallbackServerContext* context, const v1::ListActivityOperationsRequest* request,
    v1::ListActivityOperationsResponse* response) {
  return RunInline(deps_, context, method::kListActivityOperations, request, response,
                   [this, request](const Caller& c) {
                     return accountability_->ListActivityOperations(*request, c);
                   });
}

grpc::ServerUnaryReactor* AccountabilityServiceImpl::GetTrace(
    grpc::CallbackServerContext* context, const v1::GetTraceRequest* request,
    v1::Trace* response) {
  return RunInline(deps_, context, method::kGetTrace, request, response,
                   [this, request](const Caller& c) {
                     return accountability_->GetTrace(*request, c);
                   });
}

grpc::ServerUnaryReactor* AccountabilityServiceImpl::ListDeliveries(
    grpc::CallbackServerContext* context, const v1::ListDeliveriesRequest* request,
    v1::ListDeliveriesResponse* response) {
  return RunInline(deps_, context, method::kListDeliveries, request, response,
                   [this, request](const Caller& c) {
                     return accountability_->ListDeliveries(*request, c);
                   });
}

grpc::ServerUnaryReactor* AccountabilityServiceImpl::PurgeExpiredOperations(
    grpc::CallbackServerContext* context, const v1::PurgeExpiredOperationsRequest* request,
    v1::PurgeExpiredOperationsResponse* response) {
  return RunBlocking(deps_, context, method::kPurgeExpiredOperations, request, response,
                     [this, request](const Caller& c) {
                       return accountability_->PurgeExpiredOperations(*request, c);
                     });
}

}  // namespace catalog::server
