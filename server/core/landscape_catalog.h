// LandscapeCatalog: the landscape overview for management (GetLandscape):
// breakdowns, cloud, security, quality, basisregistratie use and compliance
// findings, for the caller's clearance.
//
// Computed per call from compact in-memory state, not from records: one
// pass over the landscape facts of every dataset (storage/landscape_facts.h)
// and one over the lineage graph's edges, plus a downstream traversal and a
// read-counter scan per basisregistratie. A dataset above the caller's
// clearance is skipped in every pass; it is counted only as a hidden
// downstream dataset of a basisregistratie.
//
// The rules of the findings are documented at ComplianceRule
// (landscape_service.proto); their thresholds come from the quality
// (staleness), terugmelding (handling periods) and landscape (concept
// period) options.
#ifndef CATALOG_SERVER_CORE_LANDSCAPE_CATALOG_H_
#define CATALOG_SERVER_CORE_LANDSCAPE_CATALOG_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "catalog/v1/landscape_service.pb.h"
#include "server/core/caller.h"
#include "server/core/quality_catalog.h"
#include "server/core/terugmelding_catalog.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct LandscapeOptions {
  // A dataset in status concept for longer than this since its creation is
  // a finding.
  absl::Duration concept_period = absl::Hours(24 * 30);
  // The usage period when the request names none.
  absl::Duration usage_period = absl::Hours(24 * 30);
  // Datasets named per finding: default and maximum.
  int default_finding_datasets = 20;
  int max_finding_datasets = 1000;
  // The clock (tests set it).
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// Appends `rows` to `out` as counts, most first, ties by key.
void AddCounts(std::vector<std::pair<std::string, int64_t>> rows,
               google::protobuf::RepeatedPtrField<catalog::v1::Count>* out);

class LandscapeCatalog {
 public:
  // `store` must outlive this object.
  LandscapeCatalog(const storage::CatalogStore* store, LandscapeOptions options,
                   QualityOptions quality, TerugmeldingOptions terugmelding);

  absl::StatusOr<catalog::v1::Landscape> Get(const catalog::v1::GetLandscapeRequest& request,
                                             const Caller& caller) const;

 private:
  const storage::CatalogStore* store_;
  LandscapeOptions options_;
  QualityOptions quality_;
  TerugmeldingOptions terugmelding_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_LANDSCAPE_CATALOG_H_
