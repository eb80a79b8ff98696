#include "client/lib/catalog_client.h"

namespace catalog::client {

namespace v1 = ::catalog::v1;

absl::StatusOr<std::unique_ptr<CatalogClient>> CatalogClient::Create(
    const ConnectionOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Connect(options);
  if (!channel.ok()) return channel.status();
  return std::make_unique<CatalogClient>(*std::move(channel), options);
}

CatalogClient::CatalogClient(std::shared_ptr<grpc::Channel> channel,
                             ConnectionOptions options)
    : channel_(std::move(channel)),
      stub_(v1::CatalogService::NewStub(channel_)),
      audit_stub_(v1::AuditService::NewStub(channel_)),
      lineage_stub_(v1::LineageService::NewStub(channel_)),
      quality_stub_(v1::QualityService::NewStub(channel_)),
      terugmelding_stub_(v1::TerugmeldingService::NewStub(channel_)),
      landscape_stub_(v1::LandscapeService::NewStub(channel_)),
      search_stub_(v1::SearchService::NewStub(channel_)),
      processing_stub_(v1::ProcessingService::NewStub(channel_)),
      accountability_stub_(v1::AccountabilityService::NewStub(channel_)),
      trace_stub_(opentelemetry::proto::collector::trace::v1::TraceService::NewStub(channel_)),
      change_feed_stub_(v1::ChangeFeedService::NewStub(channel_)),
      interop_stub_(v1::InteropService::NewStub(channel_)),
      options_(std::move(options)) {}

// ---- ProcessingService ----

absl::StatusOr<v1::ProcessingActivity> CatalogClient::CreateProcessingActivity(
    const v1::CreateProcessingActivityRequest& request) {
  return Call(*processing_stub_, &v1::ProcessingService::Stub::CreateProcessingActivity, request);
}

absl::StatusOr<v1::ProcessingActivity> CatalogClient::GetProcessingActivity(
    const v1::GetProcessingActivityRequest& request) {
  return Call(*processing_stub_, &v1::ProcessingService::Stub::GetProcessingActivity, request);
}

absl::StatusOr<v1::ListProcessingActivitiesResponse> CatalogClient::ListProcessingActivities(
    const v1::ListProcessingActivitiesRequest& request) {
  return Call(*processing_stub_, &v1::ProcessingService::Stub::ListProcessingActivities, request);
}

absl::StatusOr<v1::ProcessingActivity> CatalogClient::UpdateProcessingActivity(
    const v1::UpdateProcessingActivityRequest& request) {
  return Call(*processing_stub_, &v1::ProcessingService::Stub::UpdateProcessingActivity, request);
}

absl::StatusOr<v1::ListProcessingActivityVersionsResponse>
CatalogClient::ListProcessingActivityVersions(
    const v1::ListProcessingActivityVersionsRequest& request) {
  return Call(*processing_stub_, &v1::ProcessingService::Stub::ListProcessingActivityVersions,
              request);
}

// ---- AccountabilityService ----

absl::StatusOr<v1::SubjectAccount> CatalogClient::GetSubjectAccount(
    const v1::GetSubjectAccountRequest& request) {
  return Call(*accountability_stub_, &v1::AccountabilityService::Stub::GetSubjectAccount, request);
}

absl::StatusOr<v1::ListActivityOperationsResponse> CatalogClient::ListActivityOperations(
    const v1::ListActivityOperationsRequest& request) {
  return Call(*accountability_stub_, &v1::AccountabilityService::Stub::ListActivityOperations,
              request);
}

absl::StatusOr<opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse>
CatalogClient::ExportSpans(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request) {
  return Call(*trace_stub_, &opentelemetry::proto::collector::trace::v1::TraceService::Stub::Export,
              request);
}

absl::StatusOr<v1::Trace> CatalogClient::GetTrace(const v1::GetTraceRequest& request) {
  return Call(*accountability_stub_, &v1::AccountabilityService::Stub::GetTrace, request);
}

absl::StatusOr<v1::ListDeliveriesResponse> CatalogClient::ListDeliveries(
    const v1::ListDeliveriesRequest& request) {
  return Call(*accountability_stub_, &v1::AccountabilityService::Stub::ListDeliveries, request);
}

absl::StatusOr<v1::PurgeExpiredOperationsResponse> CatalogClient::PurgeExpiredOperations(
    const v1::PurgeExpiredOperationsRequest& request) {
  return Call(*accountability_stub_, &v1::AccountabilityService::Stub::PurgeExpiredOperations,
              request);
}

// ---- CatalogService ----

absl::StatusOr<v1::Dataset> CatalogClient::CreateDataset(
    const v1::CreateDatasetRequest& request) {
  return Call(*stub_, &v1::CatalogService::Stub::CreateDataset, request);
}

absl::StatusOr<v1::Dataset> CatalogClient::GetDataset(
    const v1::GetDatasetRequest& request) {
  return Call(*stub_, &v1::CatalogService::Stub::GetDataset, request);
}

absl::StatusOr<v1::Dataset> CatalogClient::UpdateDataset(
    const v1::UpdateDatasetRequest& request) {
  return Call(*stub_, &v1::CatalogService::Stub::UpdateDataset, request);
}

absl::StatusOr<v1::DeleteDatasetResponse> CatalogClient::DeleteDataset(
    const v1::DeleteDatasetRequest& request) {
  return Call(*stub_, &v1::CatalogService::Stub::DeleteDataset, request);
}

absl::StatusOr<v1::ListDatasetsResponse> CatalogClient::ListDatasets(
    const v1::ListDatasetsRequest& request) {
  return Call(*stub_, &v1::CatalogService::Stub::ListDatasets, request);
}

absl::StatusOr<v1::ListDatasetRevisionsResponse>
CatalogClient::ListDatasetRevisions(
    const v1::ListDatasetRevisionsRequest& request) {
  return Call(*stub_, &v1::CatalogService::Stub::ListDatasetRevisions, request);
}

// ---- AuditService ----

absl::StatusOr<v1::ListAuditEventsResponse> CatalogClient::ListAuditEvents(
    const v1::ListAuditEventsRequest& request) {
  return Call(*audit_stub_, &v1::AuditService::Stub::ListAuditEvents, request);
}

absl::StatusOr<v1::VerifyAuditTrailResponse> CatalogClient::VerifyAuditTrail(
    const v1::VerifyAuditTrailRequest& request) {
  return Call(*audit_stub_, &v1::AuditService::Stub::VerifyAuditTrail, request);
}

// ---- LineageService ----

absl::StatusOr<v1::ExternalParty> CatalogClient::CreateParty(
    const v1::CreatePartyRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::CreateParty, request);
}

absl::StatusOr<v1::ExternalParty> CatalogClient::GetParty(
    const v1::GetPartyRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::GetParty, request);
}

absl::StatusOr<v1::ListPartiesResponse> CatalogClient::ListParties(
    const v1::ListPartiesRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::ListParties, request);
}

absl::StatusOr<v1::DeletePartyResponse> CatalogClient::DeleteParty(
    const v1::DeletePartyRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::DeleteParty, request);
}

absl::StatusOr<v1::LineageEdge> CatalogClient::CreateEdge(
    const v1::CreateEdgeRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::CreateEdge, request);
}

absl::StatusOr<v1::LineageEdge> CatalogClient::GetEdge(
    const v1::GetEdgeRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::GetEdge, request);
}

absl::StatusOr<v1::ListEdgesResponse> CatalogClient::ListEdges(
    const v1::ListEdgesRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::ListEdges, request);
}

absl::StatusOr<v1::DeleteEdgeResponse> CatalogClient::DeleteEdge(
    const v1::DeleteEdgeRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::DeleteEdge, request);
}

absl::StatusOr<v1::GetLineageResponse> CatalogClient::GetLineage(
    const v1::GetLineageRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::GetLineage, request);
}

absl::StatusOr<v1::AnalyzeImpactResponse> CatalogClient::AnalyzeImpact(
    const v1::AnalyzeImpactRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::AnalyzeImpact,
              request);
}

absl::StatusOr<v1::ListLineageFindingsResponse>
CatalogClient::ListLineageFindings(
    const v1::ListLineageFindingsRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::ListLineageFindings,
              request);
}

absl::StatusOr<v1::IngestOpenLineageResponse> CatalogClient::IngestOpenLineage(
    const v1::IngestOpenLineageRequest& request) {
  return Call(*lineage_stub_, &v1::LineageService::Stub::IngestOpenLineage,
              request);
}

// ---- QualityService ----

absl::StatusOr<v1::Measurement> CatalogClient::RecordMeasurement(
    const v1::RecordMeasurementRequest& request) {
  return Call(*quality_stub_, &v1::QualityService::Stub::RecordMeasurement,
              request);
}

absl::StatusOr<v1::ListMeasurementsResponse> CatalogClient::ListMeasurements(
    const v1::ListMeasurementsRequest& request) {
  return Call(*quality_stub_, &v1::QualityService::Stub::ListMeasurements,
              request);
}

absl::StatusOr<v1::QualityReport> CatalogClient::GetQualityReport(
    const v1::GetQualityReportRequest& request) {
  return Call(*quality_stub_, &v1::QualityService::Stub::GetQualityReport,
              request);
}

// ---- TerugmeldingService ----

absl::StatusOr<v1::Terugmelding> CatalogClient::FileTerugmelding(
    const v1::FileTerugmeldingRequest& request) {
  return Call(*terugmelding_stub_,
              &v1::TerugmeldingService::Stub::FileTerugmelding, request);
}

absl::StatusOr<v1::Terugmelding> CatalogClient::GetTerugmelding(
    const v1::GetTerugmeldingRequest& request) {
  return Call(*terugmelding_stub_,
              &v1::TerugmeldingService::Stub::GetTerugmelding, request);
}

absl::StatusOr<v1::ListTerugmeldingenResponse>
CatalogClient::ListTerugmeldingen(
    const v1::ListTerugmeldingenRequest& request) {
  return Call(*terugmelding_stub_,
              &v1::TerugmeldingService::Stub::ListTerugmeldingen, request);
}

absl::StatusOr<v1::Terugmelding> CatalogClient::TransitionTerugmelding(
    const v1::TransitionTerugmeldingRequest& request) {
  return Call(*terugmelding_stub_,
              &v1::TerugmeldingService::Stub::TransitionTerugmelding, request);
}

absl::StatusOr<v1::ListTerugmeldingenResponse>
CatalogClient::ListMyTerugmeldingen(
    const v1::ListMyTerugmeldingenRequest& request) {
  return Call(*terugmelding_stub_,
              &v1::TerugmeldingService::Stub::ListMyTerugmeldingen, request);
}

// ---- LandscapeService ----

absl::StatusOr<v1::ExportDcatResponse> CatalogClient::ExportDcat(
    const v1::ExportDcatRequest& request) {
  return Call(*interop_stub_, &v1::InteropService::Stub::ExportDcat, request);
}

absl::StatusOr<v1::Landscape> CatalogClient::GetLandscape(
    const v1::GetLandscapeRequest& request) {
  return Call(*landscape_stub_, &v1::LandscapeService::Stub::GetLandscape,
              request);
}

// ---- SearchService ----

absl::StatusOr<v1::SearchDatasetsResponse> CatalogClient::SearchDatasets(
    const v1::SearchDatasetsRequest& request) {
  return Call(*search_stub_, &v1::SearchService::Stub::SearchDatasets, request);
}

absl::StatusOr<MeasurementLoadResult> CatalogClient::RecordMeasurements(
    const std::function<bool(v1::Measurement*)>& next, int batch_size,
    bool validate_only) {
  return client::RecordMeasurementsBulk(*quality_stub_, options_, next,
                                        batch_size, validate_only);
}

absl::StatusOr<BulkLoadResult> CatalogClient::BulkLoad(
    const std::function<bool(v1::Dataset*)>& next, int batch_size,
    bool validate_only) {
  return client::BulkLoad(*stub_, options_, next, batch_size, validate_only);
}

}  // namespace catalog::client
