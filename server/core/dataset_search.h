// DatasetSearch: the domain operation of SearchService (SearchDatasets):
// validates the request, fills the index query (the caller's visible
// confidentiality levels from Visibility::SearchFilter, so that hidden
// datasets are in no total, facet or hit), waits for `min_revision`, and
// presents each hit from the dataset's current record: Visibility::Present
// (purpose check, hidden schema fields redacted), the snippet cut from that
// presented text, never from index data.
//
// A hit whose dataset was deleted or reclassified since the index applied
// it, or whose personal data the caller's stated purpose does not cover
// (Visibility::Lists, as in ListDatasets), is left out of the page; the
// totals and facets are the index's, which catches up within its commit
// interval. Knows the API messages, not gRPC. Thread-safe.
#ifndef CATALOG_SERVER_CORE_DATASET_SEARCH_H_
#define CATALOG_SERVER_CORE_DATASET_SEARCH_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog/v1/search_service.pb.h"
#include "server/core/caller.h"
#include "server/core/dataset_catalog.h"
#include "server/core/page_token.h"
#include "server/core/search_indexer.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct SearchLimits {
  // How long a request with `min_revision` waits for the index.
  absl::Duration min_revision_wait = absl::Seconds(1);
  // Length of a snippet, in bytes of text (before highlighting).
  size_t snippet_length = 200;
};

class DatasetSearch {
 public:
  // `store`, `indexer` and `tokens` must outlive this object. Page sizes
  // follow ListDatasets (`limits`).
  DatasetSearch(const storage::CatalogStore* store, const SearchIndexer* indexer,
                CatalogLimits limits, SearchLimits search_limits, const PageTokens* tokens);

  // INVALID_ARGUMENT for a query that does not parse, a bad filter, page
  // token, page size or min_revision (negative or beyond the catalogue's
  // latest revision); UNAVAILABLE when the index does not reach
  // `min_revision` in time; FAILED_PRECONDITION / PERMISSION_DENIED from the
  // purpose check of a hit (as ListDatasets).
  absl::StatusOr<catalog::v1::SearchDatasetsResponse> Search(
      const catalog::v1::SearchDatasetsRequest& request, const Caller& caller) const;

 private:
  absl::Status AwaitRevision(int64_t min_revision) const;

  const storage::CatalogStore* store_;
  const SearchIndexer* indexer_;
  CatalogLimits limits_;
  SearchLimits search_limits_;
  const PageTokens* tokens_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_DATASET_SEARCH_H_
