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
//   R reader, S steward, O owner, A auditor, D admin.
struct ExpectedRule {
  const char* method;
  const char* roles;
};

inline constexpr ExpectedRule kExpectedAuthorization[] = {
    // Dataset metadata: everyone reads, stewards and owners write, only
    // owners delete; admins do everything.
    {"/catalog.v1.CatalogService/CreateDataset", "-SO-D"},
    {"/catalog.v1.CatalogService/GetDataset", "RSOAD"},
    {"/catalog.v1.CatalogService/UpdateDataset", "-SO-D"},
    {"/catalog.v1.CatalogService/DeleteDataset", "--O-D"},
    {"/catalog.v1.CatalogService/ListDatasets", "RSOAD"},
    {"/catalog.v1.CatalogService/ListDatasetRevisions", "RSOAD"},
    {"/catalog.v1.CatalogService/UpsertDatasets", "-SO-D"},
    // The audit trail: auditors and admins only.
    {"/catalog.v1.AuditService/ListAuditEvents", "---AD"},
    {"/catalog.v1.AuditService/VerifyAuditTrail", "---AD"},
    // Lineage: like datasets.
    {"/catalog.v1.LineageService/CreateParty", "-SO-D"},
    {"/catalog.v1.LineageService/GetParty", "RSOAD"},
    {"/catalog.v1.LineageService/ListParties", "RSOAD"},
    {"/catalog.v1.LineageService/DeleteParty", "--O-D"},
    {"/catalog.v1.LineageService/CreateEdge", "-SO-D"},
    {"/catalog.v1.LineageService/GetEdge", "RSOAD"},
    {"/catalog.v1.LineageService/ListEdges", "RSOAD"},
    {"/catalog.v1.LineageService/DeleteEdge", "-SO-D"},
    {"/catalog.v1.LineageService/GetLineage", "RSOAD"},
    {"/catalog.v1.LineageService/AnalyzeImpact", "RSOAD"},
    {"/catalog.v1.LineageService/ListLineageFindings", "RSOAD"},
    {"/catalog.v1.LineageService/IngestOpenLineage", "-SO-D"},
    // Quality: stewards and owners record, everyone reads.
    {"/catalog.v1.QualityService/RecordMeasurement", "-SO-D"},
    {"/catalog.v1.QualityService/RecordMeasurements", "-SO-D"},
    {"/catalog.v1.QualityService/ListMeasurements", "RSOAD"},
    {"/catalog.v1.QualityService/GetQualityReport", "RSOAD"},
    // The landscape overview: everyone, counted for their clearance.
    {"/catalog.v1.LandscapeService/GetLandscape", "RSOAD"},
    // Terugmeldingen: every role may call every RPC (terugmelden is every
    // consumer's duty); who may handle which report is decided on the data
    // (server/core/terugmelding_catalog.h), not by this table.
    {"/catalog.v1.TerugmeldingService/FileTerugmelding", "RSOAD"},
    {"/catalog.v1.TerugmeldingService/GetTerugmelding", "RSOAD"},
    {"/catalog.v1.TerugmeldingService/ListTerugmeldingen", "RSOAD"},
    {"/catalog.v1.TerugmeldingService/TransitionTerugmelding", "RSOAD"},
    {"/catalog.v1.TerugmeldingService/ListMyTerugmeldingen", "RSOAD"},
    // The register of processing activities: public to every role (it is
    // published), maintained by stewards, owners and admins.
    {"/catalog.v1.ProcessingService/CreateProcessingActivity", "-SO-D"},
    {"/catalog.v1.ProcessingService/GetProcessingActivity", "RSOAD"},
    {"/catalog.v1.ProcessingService/ListProcessingActivities", "RSOAD"},
    {"/catalog.v1.ProcessingService/UpdateProcessingActivity", "-SO-D"},
    {"/catalog.v1.ProcessingService/ListProcessingActivityVersions", "RSOAD"},
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

}  // namespace catalog::testing

#endif  // CATALOG_TESTS_SECURITY_EXPECTED_AUTHORIZATION_H_
