// CatalogClient: the calls of catalogd's services (CatalogService,
// AuditService, LineageService, QualityService, TerugmeldingService,
// LandscapeService, SearchService, ProcessingService, AccountabilityService) as functions
// returning absl::StatusOr, over one channel.
// Every unary call gets a fresh context (deadline and purpose from
// ConnectionOptions) and its gRPC status converted in one place.
//
// Thread-safe: calls may be made from any number of threads.
#ifndef CATALOG_CLIENT_LIB_CATALOG_CLIENT_H_
#define CATALOG_CLIENT_LIB_CATALOG_CLIENT_H_

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "catalog/v1/accountability_service.grpc.pb.h"
#include "catalog/v1/audit_service.grpc.pb.h"
#include "catalog/v1/catalog_service.grpc.pb.h"
#include "catalog/v1/change_feed_service.grpc.pb.h"
#include "catalog/v1/interop_service.grpc.pb.h"
#include "catalog/v1/landscape_service.grpc.pb.h"
#include "catalog/v1/search_service.grpc.pb.h"
#include "catalog/v1/lineage_service.grpc.pb.h"
#include "catalog/v1/processing_service.grpc.pb.h"
#include "catalog/v1/quality_service.grpc.pb.h"
#include "client/lib/bulk_loader.h"
#include "client/lib/connection.h"
#include "client/lib/status.h"

namespace catalog::client {

class CatalogClient {
 public:
  // Connects as Connect() does (errors likewise; no call is made yet).
  static absl::StatusOr<std::unique_ptr<CatalogClient>> Create(
      const ConnectionOptions& options);

  CatalogClient(std::shared_ptr<grpc::Channel> channel,
                ConnectionOptions options);

  CatalogClient(const CatalogClient&) = delete;
  CatalogClient& operator=(const CatalogClient&) = delete;

  // The RPCs of CatalogService. Errors are the server's (see
  // catalog_service.proto) or the transport's (UNAVAILABLE,
  // DEADLINE_EXCEEDED, UNAUTHENTICATED), marked with the server address for
  // DescribeError.
  absl::StatusOr<catalog::v1::Dataset> CreateDataset(
      const catalog::v1::CreateDatasetRequest& request);
  absl::StatusOr<catalog::v1::Dataset> GetDataset(
      const catalog::v1::GetDatasetRequest& request);
  absl::StatusOr<catalog::v1::Dataset> UpdateDataset(
      const catalog::v1::UpdateDatasetRequest& request);
  absl::StatusOr<catalog::v1::DeleteDatasetResponse> DeleteDataset(
      const catalog::v1::DeleteDatasetRequest& request);
  absl::StatusOr<catalog::v1::ListDatasetsResponse> ListDatasets(
      const catalog::v1::ListDatasetsRequest& request);
  absl::StatusOr<catalog::v1::ListDatasetRevisionsResponse>
  ListDatasetRevisions(const catalog::v1::ListDatasetRevisionsRequest& request);

  // The RPCs of AuditService (auditor and admin only: others get
  // PERMISSION_DENIED). Errors as above.
  absl::StatusOr<catalog::v1::ListAuditEventsResponse> ListAuditEvents(
      const catalog::v1::ListAuditEventsRequest& request);
  absl::StatusOr<catalog::v1::VerifyAuditTrailResponse> VerifyAuditTrail(
      const catalog::v1::VerifyAuditTrailRequest& request);

  // The RPCs of LineageService. Errors as above, and those listed in
  // lineage_service.proto.
  absl::StatusOr<catalog::v1::ExternalParty> CreateParty(
      const catalog::v1::CreatePartyRequest& request);
  absl::StatusOr<catalog::v1::ExternalParty> GetParty(
      const catalog::v1::GetPartyRequest& request);
  absl::StatusOr<catalog::v1::ListPartiesResponse> ListParties(
      const catalog::v1::ListPartiesRequest& request);
  absl::StatusOr<catalog::v1::DeletePartyResponse> DeleteParty(
      const catalog::v1::DeletePartyRequest& request);
  absl::StatusOr<catalog::v1::LineageEdge> CreateEdge(
      const catalog::v1::CreateEdgeRequest& request);
  absl::StatusOr<catalog::v1::LineageEdge> GetEdge(
      const catalog::v1::GetEdgeRequest& request);
  absl::StatusOr<catalog::v1::ListEdgesResponse> ListEdges(
      const catalog::v1::ListEdgesRequest& request);
  absl::StatusOr<catalog::v1::DeleteEdgeResponse> DeleteEdge(
      const catalog::v1::DeleteEdgeRequest& request);
  absl::StatusOr<catalog::v1::GetLineageResponse> GetLineage(
      const catalog::v1::GetLineageRequest& request);
  absl::StatusOr<catalog::v1::AnalyzeImpactResponse> AnalyzeImpact(
      const catalog::v1::AnalyzeImpactRequest& request);
  absl::StatusOr<catalog::v1::ListLineageFindingsResponse> ListLineageFindings(
      const catalog::v1::ListLineageFindingsRequest& request);
  absl::StatusOr<catalog::v1::IngestOpenLineageResponse> IngestOpenLineage(
      const catalog::v1::IngestOpenLineageRequest& request);

  // The RPCs of QualityService. Errors as above, and those listed in
  // quality_service.proto.
  absl::StatusOr<catalog::v1::Measurement> RecordMeasurement(
      const catalog::v1::RecordMeasurementRequest& request);
  absl::StatusOr<catalog::v1::ListMeasurementsResponse> ListMeasurements(
      const catalog::v1::ListMeasurementsRequest& request);
  absl::StatusOr<catalog::v1::QualityReport> GetQualityReport(
      const catalog::v1::GetQualityReportRequest& request);

  // The RPCs of TerugmeldingService. Errors as above (FAILED_PRECONDITION
  // for a transition the status machine does not allow).
  absl::StatusOr<catalog::v1::Terugmelding> FileTerugmelding(
      const catalog::v1::FileTerugmeldingRequest& request);
  absl::StatusOr<catalog::v1::Terugmelding> GetTerugmelding(
      const catalog::v1::GetTerugmeldingRequest& request);
  absl::StatusOr<catalog::v1::ListTerugmeldingenResponse> ListTerugmeldingen(
      const catalog::v1::ListTerugmeldingenRequest& request);
  absl::StatusOr<catalog::v1::Terugmelding> TransitionTerugmelding(
      const catalog::v1::TransitionTerugmeldingRequest& request);
  absl::StatusOr<catalog::v1::ListTerugmeldingenResponse> ListMyTerugmeldingen(
      const catalog::v1::ListMyTerugmeldingenRequest& request);

  // The RPC of LandscapeService: the overview for the caller's clearance.
  // Errors as above (INVALID_ARGUMENT for a usage period whose since is not
  // before its until).
  absl::StatusOr<catalog::v1::Landscape> GetLandscape(
      const catalog::v1::GetLandscapeRequest& request);

  // InteropService.ExportDcat: the open data as DCAT-AP-NL 3.0.
  absl::StatusOr<catalog::v1::ExportDcatResponse> ExportDcat(
      const catalog::v1::ExportDcatRequest& request);
  // The RPC of SearchService: full-text search over the datasets the caller
  // may see. Errors as above (INVALID_ARGUMENT for a query that does not
  // parse).
  absl::StatusOr<catalog::v1::SearchDatasetsResponse> SearchDatasets(
      const catalog::v1::SearchDatasetsRequest& request);

  // The RPCs of ProcessingService: the register of processing activities.
  // Errors as above.
  absl::StatusOr<catalog::v1::ProcessingActivity> CreateProcessingActivity(
      const catalog::v1::CreateProcessingActivityRequest& request);
  absl::StatusOr<catalog::v1::ProcessingActivity> GetProcessingActivity(
      const catalog::v1::GetProcessingActivityRequest& request);
  absl::StatusOr<catalog::v1::ListProcessingActivitiesResponse> ListProcessingActivities(
      const catalog::v1::ListProcessingActivitiesRequest& request);
  absl::StatusOr<catalog::v1::ProcessingActivity> UpdateProcessingActivity(
      const catalog::v1::UpdateProcessingActivityRequest& request);
  absl::StatusOr<catalog::v1::ListProcessingActivityVersionsResponse>
  ListProcessingActivityVersions(
      const catalog::v1::ListProcessingActivityVersionsRequest& request);

  // The RPCs of AccountabilityService: the processing log (privacy
  // officers, auditors and admins; the purge privacy officers and admins
  // only). Errors as above (FAILED_PRECONDITION when the server keeps no
  // processing log).
  absl::StatusOr<catalog::v1::SubjectAccount> GetSubjectAccount(
      const catalog::v1::GetSubjectAccountRequest& request);
  absl::StatusOr<catalog::v1::ListActivityOperationsResponse> ListActivityOperations(
      const catalog::v1::ListActivityOperationsRequest& request);
  absl::StatusOr<catalog::v1::Trace> GetTrace(const catalog::v1::GetTraceRequest& request);
  absl::StatusOr<catalog::v1::ListDeliveriesResponse> ListDeliveries(
      const catalog::v1::ListDeliveriesRequest& request);
  absl::StatusOr<catalog::v1::PurgeExpiredOperationsResponse> PurgeExpiredOperations(
      const catalog::v1::PurgeExpiredOperationsRequest& request);

  // OTLP TraceService.Export: writes processing operations to the log (the
  // `application` role; the demo log).
  absl::StatusOr<opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse>
  ExportSpans(
      const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request);

  // BulkLoad() over this client's stub; see bulk_loader.h.
  absl::StatusOr<BulkLoadResult> BulkLoad(
      const std::function<bool(catalog::v1::Dataset*)>& next,
      int batch_size = 500, bool validate_only = false);
  // RecordMeasurementsBulk() over this client's stub; see bulk_loader.h.
  absl::StatusOr<MeasurementLoadResult> RecordMeasurements(
      const std::function<bool(catalog::v1::Measurement*)>& next,
      int batch_size = kMaxBatchSize, bool validate_only = false);

  // ChangeFeedService.WatchChanges, resumed after every interruption
  // (definition in change_watch.cc): calls `on_response` for each
  // response, heartbeats included, until it returns false (then OK) or the
  // stream ends with an error that reconnecting cannot cure (OUT_OF_RANGE,
  // INVALID_ARGUMENT, PERMISSION_DENIED, ...: returned). After UNAVAILABLE,
  // CANCELLED or ABORTED (a restart, a stalled stream cut off) it
  // reconnects from the last caught_up_revision + 1, waiting 0.2 s
  // doubling to 5 s between attempts, at most `max_reconnects` times in a
  // row without a response (-1: without limit).
  absl::Status WatchChanges(
      catalog::v1::WatchChangesRequest request,
      const std::function<bool(const catalog::v1::WatchChangesResponse&)>& on_response,
      int max_reconnects = -1);

  const ConnectionOptions& options() const { return options_; }
  catalog::v1::CatalogService::Stub& stub() { return *stub_; }

 private:
  // Runs the unary RPC `method` of `stub` with a fresh context. Every RPC
  // goes through here, so that all get the same deadline, metadata and
  // status conversion.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      Stub& stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) {
    std::unique_ptr<grpc::ClientContext> context = NewContext(options_);
    Response response;
    absl::Status status =
        FromGrpcStatus((stub.*method)(context.get(), request, &response));
    if (!status.ok()) return WithServer(std::move(status), options_.server);
    return response;
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<catalog::v1::CatalogService::Stub> stub_;
  std::unique_ptr<catalog::v1::AuditService::Stub> audit_stub_;
  std::unique_ptr<catalog::v1::LineageService::Stub> lineage_stub_;
  std::unique_ptr<catalog::v1::QualityService::Stub> quality_stub_;
  std::unique_ptr<catalog::v1::TerugmeldingService::Stub> terugmelding_stub_;
  std::unique_ptr<catalog::v1::LandscapeService::Stub> landscape_stub_;
  std::unique_ptr<catalog::v1::SearchService::Stub> search_stub_;
  std::unique_ptr<catalog::v1::ProcessingService::Stub> processing_stub_;
  std::unique_ptr<catalog::v1::AccountabilityService::Stub> accountability_stub_;
  std::unique_ptr<opentelemetry::proto::collector::trace::v1::TraceService::Stub> trace_stub_;
  std::unique_ptr<catalog::v1::ChangeFeedService::Stub> change_feed_stub_;
  std::unique_ptr<catalog::v1::InteropService::Stub> interop_stub_;
  ConnectionOptions options_;
};

// Fetches one page with `fetch`, or every page when `all` (following
// next_page_token until it is empty), and returns them merged into one
// response whose next_page_token is that of the last page fetched. Works for
// any List request/response pair with page_token/next_page_token.
// INTERNAL when the server repeats a page token (it would loop forever).
template <typename Request, typename Response>
absl::StatusOr<Response> FetchPages(
    Request request, bool all,
    const std::function<absl::StatusOr<Response>(const Request&)>& fetch) {
  Response merged;
  while (true) {
    absl::StatusOr<Response> page = fetch(request);
    if (!page.ok()) return page.status();
    std::string token = page->next_page_token();
    merged.MergeFrom(*page);
    merged.set_next_page_token(token);
    if (!all || token.empty()) break;
    if (token == request.page_token()) {
      return absl::InternalError(
          "the server returned the same page token twice");
    }
    request.set_page_token(std::move(token));
  }
  return merged;
}

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_CATALOG_CLIENT_H_
