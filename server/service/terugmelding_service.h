// The gRPC face of TerugmeldingService: thin handlers over
// TerugmeldingCatalog. Reads run inline; filing and status changes (durable
// writes) run on the blocking executor.
#ifndef CATALOG_SERVER_SERVICE_TERUGMELDING_SERVICE_H_
#define CATALOG_SERVER_SERVICE_TERUGMELDING_SERVICE_H_

#include "catalog/v1/quality_service.grpc.pb.h"
#include "server/core/terugmelding_catalog.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class TerugmeldingServiceImpl final : public catalog::v1::TerugmeldingService::CallbackService {
 public:
  // `terugmeldingen` and what `deps` points to must outlive the service.
  TerugmeldingServiceImpl(TerugmeldingCatalog* terugmeldingen, ServiceDeps deps)
      : terugmeldingen_(terugmeldingen), deps_(deps) {}

  grpc::ServerUnaryReactor* FileTerugmelding(grpc::CallbackServerContext* context,
                                             const catalog::v1::FileTerugmeldingRequest* request,
                                             catalog::v1::Terugmelding* response) override;
  grpc::ServerUnaryReactor* GetTerugmelding(grpc::CallbackServerContext* context,
                                            const catalog::v1::GetTerugmeldingRequest* request,
                                            catalog::v1::Terugmelding* response) override;
  grpc::ServerUnaryReactor* ListTerugmeldingen(
      grpc::CallbackServerContext* context,
      const catalog::v1::ListTerugmeldingenRequest* request,
      catalog::v1::ListTerugmeldingenResponse* response) override;
  grpc::ServerUnaryReactor* TransitionTerugmelding(
      grpc::CallbackServerContext* context,
      const catalog::v1::TransitionTerugmeldingRequest* request,
      catalog::v1::Terugmelding* response) override;
  grpc::ServerUnaryReactor* ListMyTerugmeldingen(
      grpc::CallbackServerContext* context,
      const catalog::v1::ListMyTerugmeldingenRequest* request,
      catalog::v1::ListTerugmeldingenResponse* response) override;

 private:
  TerugmeldingCatalog* terugmeldingen_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_TERUGMELDING_SERVICE_H_
