#include "client/lib/catalog_client.h"

namespace catalog::client {

using catalog::v1::AuditService;
using catalog::v1::CatalogService;
using catalog::v1::Dataset;
using catalog::v1::DeleteDatasetResponse;
using catalog::v1::ListAuditEventsResponse;
using catalog::v1::ListDatasetRevisionsResponse;
using catalog::v1::ListDatasetsResponse;
using catalog::v1::VerifyAuditTrailResponse;

absl::StatusOr<std::unique_ptr<CatalogClient>> CatalogClient::Create(
    const ConnectionOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Connect(options);
  if (!channel.ok()) return channel.status();
  return std::make_unique<CatalogClient>(*std::move(channel), options);
}

CatalogClient::CatalogClient(std::shared_ptr<grpc::Channel> channel,
                             ConnectionOptions options)
    : channel_(std::move(channel)),
      stub_(CatalogService::NewStub(channel_)),
      audit_stub_(AuditService::NewStub(channel_)),
      options_(std::move(options)) {}

absl::StatusOr<Dataset> CatalogClient::CreateDataset(
    const catalog::v1::CreateDatasetRequest& request) {
  return Call<Dataset>([&](grpc::ClientContext* context, Dataset* response) {
    return stub_->CreateDataset(context, request, response);
  });
}

absl::StatusOr<Dataset> CatalogClient::GetDataset(
    const catalog::v1::GetDatasetRequest& request) {
  return Call<Dataset>([&](grpc::ClientContext* context, Dataset* response) {
    return stub_->GetDataset(context, request, response);
  });
}

absl::StatusOr<Dataset> CatalogClient::UpdateDataset(
    const catalog::v1::UpdateDatasetRequest& request) {
  return Call<Dataset>([&](grpc::ClientContext* context, Dataset* response) {
    return stub_->UpdateDataset(context, request, response);
  });
}

absl::StatusOr<DeleteDatasetResponse> CatalogClient::DeleteDataset(
    const catalog::v1::DeleteDatasetRequest& request) {
  return Call<DeleteDatasetResponse>(
      [&](grpc::ClientContext* context, DeleteDatasetResponse* response) {
        return stub_->DeleteDataset(context, request, response);
      });
}

absl::StatusOr<ListDatasetsResponse> CatalogClient::ListDatasets(
    const catalog::v1::ListDatasetsRequest& request) {
  return Call<ListDatasetsResponse>(
      [&](grpc::ClientContext* context, ListDatasetsResponse* response) {
        return stub_->ListDatasets(context, request, response);
      });
}

absl::StatusOr<ListDatasetRevisionsResponse>
CatalogClient::ListDatasetRevisions(
    const catalog::v1::ListDatasetRevisionsRequest& request) {
  return Call<ListDatasetRevisionsResponse>(
      [&](grpc::ClientContext* context,
          ListDatasetRevisionsResponse* response) {
        return stub_->ListDatasetRevisions(context, request, response);
      });
}

absl::StatusOr<ListAuditEventsResponse> CatalogClient::ListAuditEvents(
    const catalog::v1::ListAuditEventsRequest& request) {
  return Call<ListAuditEventsResponse>(
      [&](grpc::ClientContext* context, ListAuditEventsResponse* response) {
        return audit_stub_->ListAuditEvents(context, request, response);
      });
}

absl::StatusOr<VerifyAuditTrailResponse> CatalogClient::VerifyAuditTrail(
    const catalog::v1::VerifyAuditTrailRequest& request) {
  return Call<VerifyAuditTrailResponse>(
      [&](grpc::ClientContext* context, VerifyAuditTrailResponse* response) {
        return audit_stub_->VerifyAuditTrail(context, request, response);
      });
}

absl::StatusOr<BulkLoadResult> CatalogClient::BulkLoad(
    const std::function<bool(Dataset*)>& next, int batch_size) {
  return client::BulkLoad(*stub_, options_, next, batch_size);
}

}  // namespace catalog::client
