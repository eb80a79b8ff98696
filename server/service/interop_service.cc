#include "server/service/interop_service.h"

#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace v1 = ::catalog::v1;

// On the blocking executor: it reads every open dataset.
grpc::ServerUnaryReactor* InteropServiceImpl::ExportDcat(grpc::CallbackServerContext* context,
                                                         const v1::ExportDcatRequest* request,
                                                         v1::ExportDcatResponse* response) {
  return RunBlocking(deps_, context, method::kExportDcat, request, response,
                     [this, request](const Caller& c) { return dcat_->Export(*request, c); });
}

}  // namespace catalog::server
