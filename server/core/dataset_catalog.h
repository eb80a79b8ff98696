// DatasetCatalog: the domain operations on datasets, between the thin gRPC
// handlers and the store. Normalizes and validates input, applies the
// data-dependent access rules (access.h: clearance, redaction, purpose,
// domains, classification rights), field masks and etags, pages listings,
// and turns bulk batches into per-item results. Mutations carry the call's
// audit entry into their atomic write. Knows the API messages, not gRPC.
//
// Thread-safe: every method may be called concurrently.
#ifndef CATALOG_SERVER_CORE_DATASET_CATALOG_H_
#define CATALOG_SERVER_CORE_DATASET_CATALOG_H_

#include "absl/status/statusor.h"
#include "catalog/v1/catalog_service.pb.h"
#include "server/core/caller.h"
#include "server/core/page_token.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct CatalogLimits {
  // Page size when the request says 0.
  int default_page_size = 100;
  // Larger page sizes are RESOURCE_EXHAUSTED.
  int max_page_size = 1000;
  // Records examined per List call before the page ends early.
  int list_scan_budget = 20000;
  // Datasets per UpsertDatasets batch; more is RESOURCE_EXHAUSTED.
  int max_batch_size = 1000;
};

class DatasetCatalog {
 public:
  // `store` and `tokens` must outlive this object.
  DatasetCatalog(storage::CatalogStore* store, CatalogLimits limits, const PageTokens* tokens);

  // INVALID_ARGUMENT (naming the field), ALREADY_EXISTS.
  absl::StatusOr<catalog::v1::Dataset> Create(const catalog::v1::CreateDatasetRequest& request,
                                              const Caller& caller);
  // INVALID_ARGUMENT, NOT_FOUND.
  absl::StatusOr<catalog::v1::Dataset> Get(const catalog::v1::GetDatasetRequest& request,
                                           const Caller& caller) const;
  // INVALID_ARGUMENT, NOT_FOUND, ABORTED (stale etag or concurrent change).
  absl::StatusOr<catalog::v1::Dataset> Update(const catalog::v1::UpdateDatasetRequest& request,
                                              const Caller& caller);
  // INVALID_ARGUMENT, NOT_FOUND, ABORTED.
  absl::StatusOr<catalog::v1::DeleteDatasetResponse> Delete(
      const catalog::v1::DeleteDatasetRequest& request, const Caller& caller);
  // INVALID_ARGUMENT (filter, token), RESOURCE_EXHAUSTED (page size).
  absl::StatusOr<catalog::v1::ListDatasetsResponse> List(
      const catalog::v1::ListDatasetsRequest& request, const Caller& caller) const;
  // INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED.
  absl::StatusOr<catalog::v1::ListDatasetRevisionsResponse> ListRevisions(
      const catalog::v1::ListDatasetRevisionsRequest& request, const Caller& caller) const;
  // One result per dataset; the call itself fails only for a batch over the
  // limit (RESOURCE_EXHAUSTED) or a store failure.
  absl::StatusOr<catalog::v1::UpsertDatasetsResponse> Upsert(
      catalog::v1::UpsertDatasetsRequest request, const Caller& caller);

 private:
  absl::StatusOr<size_t> PageSize(int requested) const;
  // A dataset's history (and any earlier revision) is visible when its
  // newest state is; NOT_FOUND, as for a missing dataset, otherwise.
  absl::Status CheckHistoryVisible(const Caller& caller, const std::string& id) const;
  // Whether writing `dataset` back would change nothing (see the .cc).
  bool SameAsStored(const catalog::v1::Dataset& dataset) const;
  // Validates and checks one bulk item against the current state: a create
  // when absent, a conditional replace when present.
  absl::StatusOr<storage::DatasetWrite> PlanUpsert(
      const Caller& caller, catalog::v1::Dataset dataset,
      const catalog::v1::Dataset* earlier_in_batch) const;

  storage::CatalogStore* store_;
  CatalogLimits limits_;
  const PageTokens* tokens_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_DATASET_CATALOG_H_
