// The OpenLineage intake of LineageCatalog::IngestOpenLineage: run events
// turned into the lineage they report. Each OpenLineage dataset resolves to
// the catalogue dataset carrying its name, or becomes a stub dataset (to be
// completed by a steward); each input -> output pair becomes a DERIVED edge
// with the column mappings of the output's column-lineage facet and the
// job's last run; each job is recorded with the edges it reported.
// Thread-compatible (one intake per request).
#ifndef CATALOG_SERVER_CORE_OPENLINEAGE_INTAKE_H_
#define CATALOG_SERVER_CORE_OPENLINEAGE_INTAKE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "catalog/v1/lineage_service.pb.h"
#include "server/core/caller.h"
#include "server/core/openlineage.h"
#include "storage/catalog_store.h"

namespace catalog::server {

// What `events` change, compared with what `store` holds: new stubs
// (classified `stub_confidentiality` until a steward classifies them),
// changed edges and jobs; `response` gets the counts and created datasets.
// PERMISSION_DENIED when an event names an OpenLineage dataset of a
// catalogue dataset above the caller's clearance (without naming it) or
// changes an edge outside the caller's domains. Nothing is written.
absl::StatusOr<storage::LineageWrite> PlanOpenLineageIntake(
    const storage::CatalogStore& store, const Caller& caller,
    const std::vector<openlineage::RunEvent>& events,
    catalog::v1::Confidentiality stub_confidentiality,
    catalog::v1::IngestOpenLineageResponse* response);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_OPENLINEAGE_INTAKE_H_
