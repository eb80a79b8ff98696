#include "server/service/catalog_service.h"

#include "server/security/authorization.h"
#include "server/service/batch_reactor.h"
#include "server/service/unary.h"

namespace catalog::server {
namespace {

using catalog::v1::UpsertDatasetsRequest;
using catalog::v1::UpsertDatasetsResponse;

}  // namespace

grpc::ServerUnaryReactor* CatalogServiceImpl::CreateDataset(
    grpc::CallbackServerContext* context, const catalog::v1::CreateDatasetRequest* request,
    catalog::v1::Dataset* response) {
  return RunBlocking(deps_, context, method::kCreateDataset, request, response,
                     [this, request](const Caller& c) { return catalog_->Create(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetDataset(
    grpc::CallbackServerContext* context, const catalog::v1::GetDatasetRequest* request,
    catalog::v1::Dataset* response) {
  return RunInline(deps_, context, method::kGetDataset, request, response,
                   [this, request](const Caller& c) { return catalog_->Get(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::UpdateDataset(
    grpc::CallbackServerContext* context, const catalog::v1::UpdateDatasetRequest* request,
    catalog::v1::Dataset* response) {
  return RunBlocking(deps_, context, method::kUpdateDataset, request, response,
                     [this, request](const Caller& c) { return catalog_->Update(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::DeleteDataset(
    grpc::CallbackServerContext* context, const catalog::v1::DeleteDatasetRequest* request,
    catalog::v1::DeleteDatasetResponse* response) {
  return RunBlocking(deps_, context, method::kDeleteDataset, request, response,
                     [this, request](const Caller& c) { return catalog_->Delete(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListDatasets(
    grpc::CallbackServerContext* context, const catalog::v1::ListDatasetsRequest* request,
    catalog::v1::ListDatasetsResponse* response) {
  return RunInline(deps_, context, method::kListDatasets, request, response,
                   [this, request](const Caller& c) { return catalog_->List(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListDatasetRevisions(
    grpc::CallbackServerContext* context,
    const catalog::v1::ListDatasetRevisionsRequest* request,
    catalog::v1::ListDatasetRevisionsResponse* response) {
  return RunInline(deps_, context, method::kListDatasetRevisions, request, response,
                   [this, request](const Caller& c) {
    return catalog_->ListRevisions(*request, c);
  });
}

grpc::ServerBidiReactor<UpsertDatasetsRequest, UpsertDatasetsResponse>*
CatalogServiceImpl::UpsertDatasets(grpc::CallbackServerContext* context) {
  return new BatchReactor<UpsertDatasetsRequest, UpsertDatasetsResponse>(
      context, method::kUpsertDatasets,
      [this](UpsertDatasetsRequest r, const Caller& c) { return catalog_->Upsert(std::move(r), c); },
      deps_);
}

}  // namespace catalog::server
