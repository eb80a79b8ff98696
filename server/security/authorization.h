// The one authorization table: for each RPC, which roles may call it. It is
// data, tested cell by cell against the intended matrix written out in
// tests/security/expected_authorization.h (change both). Rules that
// depend on the data (clearance, domains, who may classify) live in
// server/core/access.h.
#ifndef CATALOG_SERVER_SECURITY_AUTHORIZATION_H_
#define CATALOG_SERVER_SECURITY_AUTHORIZATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/security/policy.h"

namespace catalog::server {

// Full method names of the services catalogd serves.
namespace method {
inline constexpr char kCreateDataset[] = "/catalog.v1.CatalogService/CreateDataset";
inline constexpr char kGetDataset[] = "/catalog.v1.CatalogService/GetDataset";
inline constexpr char kUpdateDataset[] = "/catalog.v1.CatalogService/UpdateDataset";
inline constexpr char kDeleteDataset[] = "/catalog.v1.CatalogService/DeleteDataset";
inline constexpr char kListDatasets[] = "/catalog.v1.CatalogService/ListDatasets";
inline constexpr char kListDatasetRevisions[] = "/catalog.v1.CatalogService/ListDatasetRevisions";
inline constexpr char kUpsertDatasets[] = "/catalog.v1.CatalogService/UpsertDatasets";
inline constexpr char kListAuditEvents[] = "/catalog.v1.AuditService/ListAuditEvents";
inline constexpr char kVerifyAuditTrail[] = "/catalog.v1.AuditService/VerifyAuditTrail";
inline constexpr char kCreateParty[] = "/catalog.v1.LineageService/CreateParty";
inline constexpr char kGetParty[] = "/catalog.v1.LineageService/GetParty";
inline constexpr char kListParties[] = "/catalog.v1.LineageService/ListParties";
inline constexpr char kDeleteParty[] = "/catalog.v1.LineageService/DeleteParty";
inline constexpr char kCreateEdge[] = "/catalog.v1.LineageService/CreateEdge";
inline constexpr char kGetEdge[] = "/catalog.v1.LineageService/GetEdge";
inline constexpr char kListEdges[] = "/catalog.v1.LineageService/ListEdges";
inline constexpr char kDeleteEdge[] = "/catalog.v1.LineageService/DeleteEdge";
inline constexpr char kGetLineage[] = "/catalog.v1.LineageService/GetLineage";
inline constexpr char kAnalyzeImpact[] = "/catalog.v1.LineageService/AnalyzeImpact";
inline constexpr char kListLineageFindings[] = "/catalog.v1.LineageService/ListLineageFindings";
inline constexpr char kIngestOpenLineage[] = "/catalog.v1.LineageService/IngestOpenLineage";
inline constexpr char kRecordMeasurement[] = "/catalog.v1.QualityService/RecordMeasurement";
inline constexpr char kRecordMeasurements[] = "/catalog.v1.QualityService/RecordMeasurements";
inline constexpr char kListMeasurements[] = "/catalog.v1.QualityService/ListMeasurements";
inline constexpr char kGetQualityReport[] = "/catalog.v1.QualityService/GetQualityReport";
inline constexpr char kGetLandscape[] = "/catalog.v1.LandscapeService/GetLandscape";
// SearchService.
inline constexpr char kSearchDatasets[] = "/catalog.v1.SearchService/SearchDatasets";
// TerugmeldingService.
inline constexpr char kFileTerugmelding[] = "/catalog.v1.TerugmeldingService/FileTerugmelding";
inline constexpr char kGetTerugmelding[] = "/catalog.v1.TerugmeldingService/GetTerugmelding";
inline constexpr char kListTerugmeldingen[] =
    "/catalog.v1.TerugmeldingService/ListTerugmeldingen";
inline constexpr char kTransitionTerugmelding[] =
    "/catalog.v1.TerugmeldingService/TransitionTerugmelding";
inline constexpr char kListMyTerugmeldingen[] =
    "/catalog.v1.TerugmeldingService/ListMyTerugmeldingen";
// ProcessingService: the register of processing activities.
inline constexpr char kCreateProcessingActivity[] =
    "/catalog.v1.ProcessingService/CreateProcessingActivity";
inline constexpr char kGetProcessingActivity[] =
    "/catalog.v1.ProcessingService/GetProcessingActivity";
inline constexpr char kListProcessingActivities[] =
    "/catalog.v1.ProcessingService/ListProcessingActivities";
inline constexpr char kUpdateProcessingActivity[] =
    "/catalog.v1.ProcessingService/UpdateProcessingActivity";
inline constexpr char kListProcessingActivityVersions[] =
    "/catalog.v1.ProcessingService/ListProcessingActivityVersions";
// The processing log's intake: the two wire protocols.
inline constexpr char kLogboekExport[] = "/logboek.v1.LogboekService/Export";
inline constexpr char kOtlpTraceExport[] =
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
// AccountabilityService: the answers from the processing log.
inline constexpr char kGetSubjectAccount[] = "/catalog.v1.AccountabilityService/GetSubjectAccount";
inline constexpr char kListActivityOperations[] =
    "/catalog.v1.AccountabilityService/ListActivityOperations";
inline constexpr char kGetTrace[] = "/catalog.v1.AccountabilityService/GetTrace";
inline constexpr char kListDeliveries[] = "/catalog.v1.AccountabilityService/ListDeliveries";
inline constexpr char kPurgeExpiredOperations[] =
    "/catalog.v1.AccountabilityService/PurgeExpiredOperations";
inline constexpr char kWatchChanges[] = "/catalog.v1.ChangeFeedService/WatchChanges";
inline constexpr char kExportDcat[] = "/catalog.v1.InteropService/ExportDcat";
}  // namespace method

struct MethodRule {
  const char* method;
  RoleSet roles;
};

// Every RPC of catalogd's own services, with the roles that may call it.
absl::Span<const MethodRule> AuthorizationTable();

// OK when `grant` holds a role the table allows for `method`; otherwise
// PERMISSION_DENIED saying what is missing (an unknown method is denied).
absl::Status Authorize(absl::string_view method, const Grant& grant,
                       absl::string_view principal);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SECURITY_AUTHORIZATION_H_
