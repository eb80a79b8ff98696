// The intended authorization policy, written out by hand: for every RPC of
// catalogd's own services, the roles that may call it. The security tests
// take their expected answers from here, never from the production table
// (server/security/authorization.cc, AuthorizationTable()), and check that
// the production table has exactly these methods and roles. A role added to
// or taken from a production row, or a method added to a service or to the
// table, fails them until this table is changed too, on purpose.
#ifndef CATALOG_TESTS_SECURITY_EXPECTED_AUTHORIZATION_H_
#define CATALOG_TESTS_SECURITY_EXPECTED_AUTHORIZATION_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/security/policy.h"

namespace catalog::testing {

// One row: a full method name and who may call it, one column per role in
// this order, the role's letter when allowed and '-' when not:
//   R reader, S steward, O owner, A auditor, D admin, P privacy_officer,
//   X application.
// A privacy officer (functionaris gegevensbescherming) is a person and reads
// what every person reads; an application is not: it may only write the
// processing log, and no other row opens to it.
struct ExpectedRule {
  const char* method;
  const char* roles;
};

inline constexpr ExpectedRule kExpectedAuthorization[] = {
    // Dataset metadata: every person reads, stewards and owners write, only
    // owners delete; admins do everything (but write the processing log).
    {"/catalog.v1.CatalogService/CreateDataset", "-SO-D--"},
    {"/catalog.v1.CatalogService/GetDataset", "RSOADP-"},
    {"/catalog.v1.CatalogService/UpdateDataset", "-SO-D--"},
    {"/catalog.v1.CatalogService/DeleteDataset", "--O-D--"},
    {"/catalog.v1.CatalogService/ListDatasets", "RSOADP-"},
    {"/catalog.v1.CatalogService/ListDatasetRevisions", "RSOADP-"},
    {"/catalog.v1.CatalogService/UpsertDatasets", "-SO-D--"},
    // The audit trail: auditors and admins only.
    {"/catalog.v1.AuditService/ListAuditEvents", "---AD--"},
    {"/catalog.v1.AuditService/VerifyAuditTrail", "---AD--"},
    // Lineage: like datasets.
    {"/catalog.v1.LineageService/CreateParty", "-SO-D--"},
    {"/catalog.v1.LineageService/GetParty", "RSOADP-"},
    {"/catalog.v1.LineageService/ListParties", "RSOADP-"},
    {"/catalog.v1.LineageService/DeleteParty", "--O-D--"},
    {"/catalog.v1.LineageService/CreateEdge", "-SO-D--"},
    {"/catalog.v1.LineageService/GetEdge", "RSOADP-"},
    {"/catalog.v1.LineageService/ListEdges", "RSOADP-"},
    {"/catalog.v1.LineageService/DeleteEdge", "-SO-D--"},
    {"/catalog.v1.LineageService/GetLineage", "RSOADP-"},
    {"/catalog.v1.LineageService/AnalyzeImpact", "RSOADP-"},
    {"/catalog.v1.LineageService/ListLineageFindings", "RSOADP-"},
    {"/catalog.v1.LineageService/IngestOpenLineage", "-SO-D--"},
    // Quality: stewards and owners record, every person reads.
    {"/catalog.v1.QualityService/RecordMeasurement", "-SO-D--"},
    {"/catalog.v1.QualityService/RecordMeasurements", "-SO-D--"},
    {"/catalog.v1.QualityService/ListMeasurements", "RSOADP-"},
    {"/catalog.v1.QualityService/GetQualityReport", "RSOADP-"},
    // The landscape overview: every person, counted for their clearance.
    {"/catalog.v1.LandscapeService/GetLandscape", "RSOADP-"},
    {"/catalog.v1.ChangeFeedService/WatchChanges", "RSOADP-"},
    {"/catalog.v1.InteropService/ExportDcat", "RSOADP-"},
    {"/catalog.v1.SearchService/SearchDatasets", "RSOADP-"},
    // Terugmeldingen: every person's role may call every RPC (terugmelden is
    // every consumer's duty); who may handle which report is decided on the
    // data (server/core/terugmelding_catalog.h), not by this table.
    {"/catalog.v1.TerugmeldingService/FileTerugmelding", "RSOADP-"},
    {"/catalog.v1.TerugmeldingService/GetTerugmelding", "RSOADP-"},
    {"/catalog.v1.TerugmeldingService/ListTerugmeldingen", "RSOADP-"},
    {"/catalog.v1.TerugmeldingService/TransitionTerugmelding", "RSOADP-"},
    {"/catalog.v1.TerugmeldingService/ListMyTerugmeldingen", "RSOADP-"},
    // The register of processing activities: public to every person's role
    // (it is published), maintained by stewards, owners and admins.
    {"/catalog.v1.ProcessingService/CreateProcessingActivity", "-SO-D--"},
    {"/catalog.v1.ProcessingService/GetProcessingActivity", "RSOADP-"},
    {"/catalog.v1.ProcessingService/ListProcessingActivities", "RSOADP-"},
    {"/catalog.v1.ProcessingService/UpdateProcessingActivity", "-SO-D--"},
    {"/catalog.v1.ProcessingService/ListProcessingActivityVersions", "RSOADP-"},
    // The processing log's intake (logboek.v1 and OTLP): applications only,
    // and nothing else is open to them. No person writes the log, not even
    // an admin: it records what applications did.
    {"/logboek.v1.LogboekService/Export", "------X"},
    {"/opentelemetry.proto.collector.trace.v1.TraceService/Export", "------X"},
    // Answers from the processing log (inzage, the operations of an
    // activity, a trace, the deliveries report): privacy officers, auditors
    // and admins.
    {"/catalog.v1.AccountabilityService/GetSubjectAccount", "---ADP-"},
    {"/catalog.v1.AccountabilityService/ListActivityOperations", "---ADP-"},
    {"/catalog.v1.AccountabilityService/GetTrace", "---ADP-"},
    {"/catalog.v1.AccountabilityService/ListDeliveries", "---ADP-"},
    // Removing what the retention let go: privacy officers and admins, not
    // auditors (who change nothing).
    {"/catalog.v1.AccountabilityService/PurgeExpiredOperations", "----DP-"},
};

// The roles of a row. A malformed column string (wrong length, a letter in
// the wrong column) fails the current test and gives no roles.
server::RoleSet ExpectedRoles(const ExpectedRule& rule);

// The row of `method`; null (and a test failure) when the table has none.
const ExpectedRule* ExpectedRuleFor(absl::string_view method);

// Whether the intended policy lets `role` call `method`: false for no role
// (a principal no grant names); false and a test failure for a method the
// table does not list.
bool ExpectedAllows(absl::string_view method, std::optional<server::Role> role);

// "CreateDataset" for "/catalog.v1.CatalogService/CreateDataset".
std::string ShortMethodName(absl::string_view method);

// The name of a row in test names: ShortMethodName, unless another row of
// the table has the same short name (the two Export RPCs): then the service's
// own name and the method ("LogboekService_Export", "TraceService_Export").
std::string RowTestName(absl::string_view method);

}  // namespace catalog::testing

#endif  // CATALOG_TESTS_SECURITY_EXPECTED_AUTHORIZATION_H_
