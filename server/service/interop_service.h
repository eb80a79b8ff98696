// The gRPC face of InteropService: a thin handler over DcatExport.
#ifndef CATALOG_SERVER_SERVICE_INTEROP_SERVICE_H_
#define CATALOG_SERVER_SERVICE_INTEROP_SERVICE_H_

#include "catalog/v1/interop_service.grpc.pb.h"
#include "server/core/dcat_export.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class InteropServiceImpl final : public catalog::v1::InteropService::CallbackService {
 public:
  // `dcat` and what `deps` points to must outlive the service.
  InteropServiceImpl(const DcatExport* dcat, ServiceDeps deps) : dcat_(dcat), deps_(deps) {}

  grpc::ServerUnaryReactor* ExportDcat(grpc::CallbackServerContext* context,
                                       const catalog::v1::ExportDcatRequest* request,
                                       catalog::v1::ExportDcatResponse* response) override;

 private:
  const DcatExport* dcat_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_INTEROP_SERVICE_H_
