#include "server/security/authorization.h"

#include "absl/strings/str_cat.h"

namespace catalog::server {
namespace {

constexpr RoleSet kReaders = kAllRoles;
constexpr RoleSet kWriters = Bit(Role::kSteward) | Bit(Role::kOwner) | Bit(Role::kAdmin);
constexpr RoleSet kOwners = Bit(Role::kOwner) | Bit(Role::kAdmin);
constexpr RoleSet kAuditors = Bit(Role::kAuditor) | Bit(Role::kAdmin);
constexpr RoleSet kAccountability = kAuditors | Bit(Role::kPrivacyOfficer);
constexpr RoleSet kApplications = Bit(Role::kApplication);

constexpr MethodRule kTable[] = {
    {method::kCreateDataset, kWriters},
    {method::kGetDataset, kReaders},
    {method::kUpdateDataset, kWriters},
    {method::kDeleteDataset, kOwners},
    {method::kListDatasets, kReaders},
    {method::kListDatasetRevisions, kReaders},
    {method::kUpsertDatasets, kWriters},
    {method::kListAuditEvents, kAuditors},
    {method::kVerifyAuditTrail, kAuditors},
    {method::kCreateParty, kWriters},
    {method::kGetParty, kReaders},
    {method::kListParties, kReaders},
    {method::kDeleteParty, kOwners},
    {method::kCreateEdge, kWriters},
    {method::kGetEdge, kReaders},
    {method::kListEdges, kReaders},
    {method::kDeleteEdge, kWriters},
    {method::kGetLineage, kReaders},
    {method::kAnalyzeImpact, kReaders},
    {method::kListLineageFindings, kReaders},
    {method::kIngestOpenLineage, kWriters},
    {method::kRecordMeasurement, kWriters},
    {method::kRecordMeasurements, kWriters},
    {method::kListMeasurements, kReaders},
    {method::kGetQualityReport, kReaders},
    {method::kGetLandscape, kReaders},
    // The change feed shows each caller only what the visibility rule lets
    // them see, as the reads do.
    {method::kWatchChanges, kReaders},
    // Open data only, and public by definition.
    {method::kExportDcat, kReaders},
    {method::kSearchDatasets, kReaders},
    // TerugmeldingService: terugmelden is every consumer's duty, and a
    // reporter may withdraw their own report; who may list and handle the
    // reports of a dataset depends on its domain (server/core/access.h,
    // CheckHandle).
    {method::kFileTerugmelding, kReaders},
    {method::kGetTerugmelding, kReaders},
    {method::kListTerugmeldingen, kReaders},
    {method::kTransitionTerugmelding, kReaders},
    {method::kListMyTerugmeldingen, kReaders},
    // The register of processing activities is not secret (municipalities
    // publish it); stewards, owners and admins maintain it.
    {method::kCreateProcessingActivity, kWriters},
    {method::kGetProcessingActivity, kReaders},
    {method::kListProcessingActivities, kReaders},
    {method::kUpdateProcessingActivity, kWriters},
    {method::kListProcessingActivityVersions, kReaders},
    // The processing log: applications write it (and do nothing else);
    // privacy officers, auditors and admins answer from it. Only a privacy
    // officer or an admin purges what its retention let go.
    {method::kLogboekExport, kApplications},
    {method::kOtlpTraceExport, kApplications},
    {method::kGetSubjectAccount, kAccountability},
    {method::kListActivityOperations, kAccountability},
    {method::kGetTrace, kAccountability},
    {method::kListDeliveries, kAccountability},
    {method::kPurgeExpiredOperations, Bit(Role::kPrivacyOfficer) | Bit(Role::kAdmin)},
};

}  // namespace

absl::Span<const MethodRule> AuthorizationTable() { return kTable; }

absl::Status Authorize(absl::string_view method, const Grant& grant,
                       absl::string_view principal) {
  if (!grant.known) {
    return absl::PermissionDeniedError(absl::StrCat(
        "principal \"", principal, "\" is not known to the access policy"));
  }
  for (const MethodRule& rule : kTable) {
    if (method != rule.method) continue;
    if (grant.HasAny(rule.roles)) return absl::OkStatus();
    return absl::PermissionDeniedError(absl::StrCat(
        "principal \"", principal, "\" (", RoleSetText(grant.roles), ") may not call ", method,
        "; it needs one of: ", RoleSetText(rule.roles)));
  }
  return absl::PermissionDeniedError(absl::StrCat(method, " is not allowed for anyone"));
}

}  // namespace catalog::server
