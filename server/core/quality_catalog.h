// QualityCatalog: the domain operations of QualityService: recording
// measurements (validated, by the stewards of the dataset's domain), listing
// them, and the quality report (latest score per dimension against the
// dataset's norms, age, staleness, a monthly trend, the overall score, open
// terugmeldingen, and optionally the weakest upstream source along
// lineage). Clearance as everywhere: a dataset above it is NOT_FOUND when
// named and skipped upstream. Knows the API messages, not gRPC.
// Thread-safe.
#ifndef CATALOG_SERVER_CORE_QUALITY_CATALOG_H_
#define CATALOG_SERVER_CORE_QUALITY_CATALOG_H_

#include <functional>
#include <map>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "catalog/v1/quality_service.pb.h"
#include "server/core/caller.h"
#include "server/core/page_token.h"
#include "server/core/terugmelding_catalog.h"
#include "storage/catalog_store.h"

namespace catalog::server {

// Counts the open terugmeldingen of a dataset (TerugmeldingCatalog).
using OpenTerugmeldingenFn =
    std::function<absl::StatusOr<OpenTerugmeldingen>(const std::string& dataset_id)>;

struct QualityOptions {
  // A dimension is stale without a measurement within this many days.
  int stale_after_days = 90;
  // Months of trend in a report.
  int trend_months = 12;
  // Measurements per RecordMeasurements batch; more is RESOURCE_EXHAUSTED.
  int max_batch = 1000;
  int default_page_size = 100;
  int max_page_size = 1000;
  // Upstream comparison: levels and datasets followed at most.
  int upstream_depth = 50;
  int upstream_budget = 1000;
  // The clock (tests set it).
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// How old the latest measurement of a dimension may be before the
// dimension is stale.
absl::Duration StalePeriod(const QualityOptions& options);

// The norm rule: a score below its dimension's norm. One rule for the
// quality report (meets_norm), the landscape's finding and the search
// index's quality facet.
bool ScoreBelowNorm(double score, double norm);
// A dimension of the landscape facts with a norm and a latest score below it.
bool BelowNorm(const storage::DimensionFacts& dimension);
// Whether a normed dimension of `dataset` has its latest measurement below
// the norm, read from the store's records (which the change log is
// consistent with; the facts follow each commit a moment later).
absl::StatusOr<bool> AnyBelowNorm(const storage::CatalogStore& store,
                                  const catalog::v1::Dataset& dataset);

class QualityCatalog {
 public:
  // `store`, `tokens` and what `open_terugmeldingen` uses must outlive this
  // object. `open_terugmeldingen` may be empty (no counts).
  QualityCatalog(storage::CatalogStore* store, QualityOptions options, const PageTokens* tokens,
                 OpenTerugmeldingenFn open_terugmeldingen);

  absl::StatusOr<catalog::v1::Measurement> Record(
      const catalog::v1::RecordMeasurementRequest& request, const Caller& caller);
  // RESOURCE_EXHAUSTED for a batch over the limit (checked before anything
  // else, so that a stream can refuse it before processing it).
  absl::Status AdmitBatch(const catalog::v1::RecordMeasurementsRequest& request) const;
  // One result per measurement (a store failure included); the call fails
  // only for a batch AdmitBatch refuses.
  absl::StatusOr<catalog::v1::RecordMeasurementsResponse> RecordBatch(
      const catalog::v1::RecordMeasurementsRequest& request, const Caller& caller);
  absl::StatusOr<catalog::v1::ListMeasurementsResponse> List(
      const catalog::v1::ListMeasurementsRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::QualityReport> Report(
      const catalog::v1::GetQualityReportRequest& request, const Caller& caller) const;

 private:
  // Validates and authorizes one measurement; normalizes it (dataset name,
  // measured_at, measured_by).
  absl::Status Check(const Caller& caller, catalog::v1::Measurement* m) const;

  storage::CatalogStore* store_;
  QualityOptions options_;
  const PageTokens* tokens_;
  OpenTerugmeldingenFn open_terugmeldingen_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_QUALITY_CATALOG_H_
