// The gRPC face of CatalogService: thin handlers that build the Caller,
// authorize, call DatasetCatalog, audit and map the status. Reads run on gRPC's callback threads;
// writes (which wait for a durable sync) run on the BlockingExecutor.
#ifndef CATALOG_SERVER_SERVICE_CATALOG_SERVICE_H_
#define CATALOG_SERVER_SERVICE_CATALOG_SERVICE_H_

#include "catalog/v1/catalog_service.grpc.pb.h"
#include "server/core/dataset_catalog.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class CatalogServiceImpl final : public catalog::v1::CatalogService::CallbackService {
 public:
  // `catalog` and what `deps` points to must outlive the service.
  CatalogServiceImpl(DatasetCatalog* catalog, ServiceDeps deps) : catalog_(catalog), deps_(deps) {}

  grpc::ServerUnaryReactor* CreateDataset(grpc::CallbackServerContext* context,
                                          const catalog::v1::CreateDatasetRequest* request,
                                          catalog::v1::Dataset* response) override;
  grpc::ServerUnaryReactor* GetDataset(grpc::CallbackServerContext* context,
                                       const catalog::v1::GetDatasetRequest* request,
                                       catalog::v1::Dataset* response) override;
  grpc::ServerUnaryReactor* UpdateDataset(grpc::CallbackServerContext* context,
                                          const catalog::v1::UpdateDatasetRequest* request,
                                          catalog::v1::Dataset* response) override;
  grpc::ServerUnaryReactor* DeleteDataset(grpc::CallbackServerContext* context,
                                          const catalog::v1::DeleteDatasetRequest* request,
                                          catalog::v1::DeleteDatasetResponse* response) override;
  grpc::ServerUnaryReactor* ListDatasets(grpc::CallbackServerContext* context,
                                         const catalog::v1::ListDatasetsRequest* request,
                                         catalog::v1::ListDatasetsResponse* response) override;
  grpc::ServerUnaryReactor* ListDatasetRevisions(
      grpc::CallbackServerContext* context,
      const catalog::v1::ListDatasetRevisionsRequest* request,
      catalog::v1::ListDatasetRevisionsResponse* response) override;
  grpc::ServerBidiReactor<catalog::v1::UpsertDatasetsRequest,
                          catalog::v1::UpsertDatasetsResponse>*
  UpsertDatasets(grpc::CallbackServerContext* context) override;

 private:
  DatasetCatalog* catalog_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_CATALOG_SERVICE_H_
