#include "server/service/search_service.h"

#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace v1 = ::catalog::v1;

// On the blocking executor: the index is read from disk, and a request with
// min_revision may wait for the indexer.
grpc::ServerUnaryReactor* SearchServiceImpl::SearchDatasets(
    grpc::CallbackServerContext* context, const v1::SearchDatasetsRequest* request,
    v1::SearchDatasetsResponse* response) {
  return RunBlocking(deps_, context, method::kSearchDatasets, request, response,
                     [this, request](const Caller& c) { return search_->Search(*request, c); });
}

}  // namespace catalog::server
