// The gRPC face of SearchService: a thin handler over DatasetSearch.
#ifndef CATALOG_SERVER_SERVICE_SEARCH_SERVICE_H_
#define CATALOG_SERVER_SERVICE_SEARCH_SERVICE_H_

#include "catalog/v1/search_service.grpc.pb.h"
#include "server/core/dataset_search.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class SearchServiceImpl final : public catalog::v1::SearchService::CallbackService {
 public:
  // `search` and what `deps` points to must outlive the service.
  SearchServiceImpl(const DatasetSearch* search, ServiceDeps deps) : search_(search), deps_(deps) {}

  grpc::ServerUnaryReactor* SearchDatasets(grpc::CallbackServerContext* context,
                                           const catalog::v1::SearchDatasetsRequest* request,
                                           catalog::v1::SearchDatasetsResponse* response) override;

 private:
  const DatasetSearch* search_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_SEARCH_SERVICE_H_
