// The gRPC face of LandscapeService: a thin handler over LandscapeCatalog.
#ifndef CATALOG_SERVER_SERVICE_LANDSCAPE_SERVICE_H_
#define CATALOG_SERVER_SERVICE_LANDSCAPE_SERVICE_H_

#include "catalog/v1/landscape_service.grpc.pb.h"
#include "server/core/landscape_catalog.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class LandscapeServiceImpl final : public catalog::v1::LandscapeService::CallbackService {
 public:
  // `landscape` and what `deps` points to must outlive the service.
  LandscapeServiceImpl(LandscapeCatalog* landscape, ServiceDeps deps)
      : landscape_(landscape), deps_(deps) {}

  grpc::ServerUnaryReactor* GetLandscape(grpc::CallbackServerContext* context,
                                         const catalog::v1::GetLandscapeRequest* request,
                                         catalog::v1::Landscape* response) override;

 private:
  LandscapeCatalog* landscape_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_LANDSCAPE_SERVICE_H_
