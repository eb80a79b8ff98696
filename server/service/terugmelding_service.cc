#include "server/service/terugmelding_service.h"

#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace v1 = ::catalog::v1;

grpc::ServerUnaryReactor* TerugmeldingServiceImpl::FileTerugmelding(
    grpc::CallbackServerContext* context, const v1::FileTerugmeldingRequest* request,
    v1::Terugmelding* response) {
  return RunBlocking(deps_, context, method::kFileTerugmelding, request, response,
                     [this, request](const Caller& c) { return terugmeldingen_->File(*request, c); });
}

grpc::ServerUnaryReactor* TerugmeldingServiceImpl::GetTerugmelding(
    grpc::CallbackServerContext* context, const v1::GetTerugmeldingRequest* request,
    v1::Terugmelding* response) {
  return RunInline(deps_, context, method::kGetTerugmelding, request, response,
                   [this, request](const Caller& c) { return terugmeldingen_->Get(*request, c); });
}

grpc::ServerUnaryReactor* TerugmeldingServiceImpl::ListTerugmeldingen(
    grpc::CallbackServerContext* context, const v1::ListTerugmeldingenRequest* request,
    v1::ListTerugmeldingenResponse* response) {
  return RunInline(deps_, context, method::kListTerugmeldingen, request, response,
                   [this, request](const Caller& c) { return terugmeldingen_->List(*request, c); });
}

grpc::ServerUnaryReactor* TerugmeldingServiceImpl::TransitionTerugmelding(
    grpc::CallbackServerContext* context, const v1::TransitionTerugmeldingRequest* request,
    v1::Terugmelding* response) {
  return RunBlocking(
      deps_, context, method::kTransitionTerugmelding, request, response,
      [this, request](const Caller& c) { return terugmeldingen_->Transition(*request, c); });
}

grpc::ServerUnaryReactor* TerugmeldingServiceImpl::ListMyTerugmeldingen(
    grpc::CallbackServerContext* context, const v1::ListMyTerugmeldingenRequest* request,
    v1::ListTerugmeldingenResponse* response) {
  return RunInline(deps_, context, method::kListMyTerugmeldingen, request, response,
                   [this, request](const Caller& c) { return terugmeldingen_->ListMine(*request, c); });
}

}  // namespace catalog::server
