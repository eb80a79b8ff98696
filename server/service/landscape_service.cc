#include "server/service/landscape_service.h"

#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace v1 = ::catalog::v1;

// On the blocking executor: one pass over every dataset is too long for a
// gRPC callback thread.
grpc::ServerUnaryReactor* LandscapeServiceImpl::GetLandscape(
    grpc::CallbackServerContext* context, const v1::GetLandscapeRequest* request,
    v1::Landscape* response) {
  return RunBlocking(deps_, context, method::kGetLandscape, request, response,
                     [this, request](const Caller& c) { return landscape_->Get(*request, c); });
}

}  // namespace catalog::server
