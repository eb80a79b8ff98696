// LineageCatalog: the domain operations of LineageService, between the thin
// gRPC handlers and the store: external parties, edges (validation, domain
// rights), traversal and impact analysis over the store's in-memory graph,
// classification findings along lineage, and OpenLineage intake.
//
// Clearance is applied here on every path: a dataset above the caller's
// clearance is NOT_FOUND when named, skipped in listings and findings, and a
// placeholder ("hidden/N") in traversals. Knows the API messages, not gRPC.
// Thread-safe.
#ifndef CATALOG_SERVER_CORE_LINEAGE_CATALOG_H_
#define CATALOG_SERVER_CORE_LINEAGE_CATALOG_H_

#include "absl/status/statusor.h"
#include "catalog/v1/lineage_service.pb.h"
#include "server/core/caller.h"
#include "server/core/openlineage.h"
#include "server/core/page_token.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct LineageLimits {
  int default_page_size = 100;
  int max_page_size = 1000;
  // GetLineage.
  int default_depth = 5;
  int max_depth = 50;
  int default_node_budget = 1000;
  int max_node_budget = 100000;
  // Events per IngestOpenLineage request.
  int max_events = 1000;
  // Confidentiality of the stub datasets the OpenLineage intake creates,
  // until a steward classifies them (config openlineage_stub_confidentiality).
  catalog::v1::Confidentiality stub_confidentiality = catalog::v1::CONFIDENTIALITY_INTERN;
};

class LineageCatalog {
 public:
  // `store` and `tokens` must outlive this object.
  LineageCatalog(storage::CatalogStore* store, LineageLimits limits, const PageTokens* tokens);

  absl::StatusOr<catalog::v1::ExternalParty> CreateParty(
      const catalog::v1::CreatePartyRequest& request, const Caller& caller);
  absl::StatusOr<catalog::v1::ExternalParty> GetParty(
      const catalog::v1::GetPartyRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::ListPartiesResponse> ListParties(
      const catalog::v1::ListPartiesRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::DeletePartyResponse> DeleteParty(
      const catalog::v1::DeletePartyRequest& request, const Caller& caller);

  absl::StatusOr<catalog::v1::LineageEdge> CreateEdge(
      const catalog::v1::CreateEdgeRequest& request, const Caller& caller);
  absl::StatusOr<catalog::v1::LineageEdge> GetEdge(const catalog::v1::GetEdgeRequest& request,
                                                   const Caller& caller) const;
  absl::StatusOr<catalog::v1::ListEdgesResponse> ListEdges(
      const catalog::v1::ListEdgesRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::DeleteEdgeResponse> DeleteEdge(
      const catalog::v1::DeleteEdgeRequest& request, const Caller& caller);

  absl::StatusOr<catalog::v1::GetLineageResponse> GetLineage(
      const catalog::v1::GetLineageRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::AnalyzeImpactResponse> AnalyzeImpact(
      const catalog::v1::AnalyzeImpactRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::ListLineageFindingsResponse> ListFindings(
      const catalog::v1::ListLineageFindingsRequest& request, const Caller& caller) const;

  absl::StatusOr<catalog::v1::IngestOpenLineageResponse> IngestOpenLineage(
      const catalog::v1::IngestOpenLineageRequest& request, const Caller& caller);
  // One event (JSON text), as the OpenLineage HTTP transport posts it to
  // POST /api/v1/lineage: the same intake, problems named "event.<path>".
  absl::StatusOr<catalog::v1::IngestOpenLineageResponse> IngestOpenLineageEvent(
      absl::string_view event, const Caller& caller);

 private:
  // The intake of parsed `events`, all or nothing.
  absl::StatusOr<catalog::v1::IngestOpenLineageResponse> Ingest(
      const std::vector<openlineage::RunEvent>& events, const Caller& caller);
  // Resolves, checks and authorizes an edge for writing; the edge comes back
  // normalized (resource names).
  absl::Status CheckEdge(const Caller& caller, catalog::v1::LineageEdge* edge) const;
  absl::Status CheckEdgeOwner(const Caller& caller, const catalog::v1::LineageEdge& edge) const;

  storage::CatalogStore* store_;
  LineageLimits limits_;
  const PageTokens* tokens_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_LINEAGE_CATALOG_H_
