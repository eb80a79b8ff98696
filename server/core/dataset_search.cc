#include "server/core/dataset_search.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/resource_names.h"
#include "server/core/dataset_validation.h"
#include "server/core/request_rules.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;

// The bytes that define a search (everything but page size and token), to
// which its page tokens are bound.
std::string QueryBytes(const v1::SearchDatasetsRequest& request) {
  return absl::StrCat("search|", request.query(), "|", request.filter().SerializeAsString(), "|",
                      request.status(), "|",
                      request.has_quality_below_norm() ? (request.quality_below_norm() ? 1 : 0)
                                                       : 2,
                      "|", request.facets());
}

search::SearchFilters FiltersOf(const v1::SearchDatasetsRequest& request) {
  const v1::DatasetFilter& f = request.filter();
  search::SearchFilters filters;
  filters.domain = f.domain();
  filters.registration_type = f.registration_type();
  filters.basisregistratie = f.basisregistratie();
  filters.hosting_kind = f.hosting_kind();
  filters.provider = f.provider();
  if (f.has_inside_eea()) filters.inside_eea = f.inside_eea();
  filters.min_confidentiality = f.min_confidentiality();
  filters.owner = f.owner();
  filters.tag = f.tag();
  if (f.has_contains_personal_data()) filters.contains_personal_data = f.contains_personal_data();
  filters.status = request.status();
  if (request.has_quality_below_norm()) filters.quality_below_norm = request.quality_below_norm();
  return filters;
}

// The text a snippet is cut from: the presented dataset's searchable
// fields (a redacted schema field has lost its description).
std::string SnippetText(const v1::Dataset& dataset) {
  std::vector<std::string> parts = {dataset.title(), dataset.description()};
  parts.insert(parts.end(), dataset.tags().begin(), dataset.tags().end());
  parts.insert(parts.end(), dataset.business_objects().begin(), dataset.business_objects().end());
  for (const v1::SchemaField& field : dataset.schema_fields()) {
    parts.push_back(field.name());
    parts.push_back(field.description());
  }
  for (const std::string* text : {&dataset.roles().owner(), &dataset.roles().steward(),
                                  &dataset.system(), &dataset.supplier(),
                                  &dataset.hosting().provider()}) {
    parts.push_back(*text);
  }
  std::vector<std::string> filled;
  for (std::string& part : parts) {
    if (!part.empty()) filled.push_back(std::move(part));
  }
  return absl::StrJoin(filled, " · ");
}

void AddFacets(const search::SearchResult& result, v1::SearchDatasetsResponse* response) {
  for (int slot = 0; slot < search::kFacetCount; ++slot) {
    const char* name = search::FacetName(static_cast<search::Facet>(slot));
    v1::FacetCounts* facet = response->add_facets();
    facet->set_facet(name);
    auto it = result.facets.find(name);
    if (it == result.facets.end()) continue;
    for (const auto& [value, count] : it->second) {
      (*facet->mutable_counts())[value] = static_cast<int64_t>(count);
    }
  }
}

// Appends `hit` as presented to the caller from the dataset's current
// record; leaves it out when the dataset is gone or not listed for them.
absl::Status AddHit(const storage::CatalogStore& store, const Visibility& visibility,
                    const search::SearchResult& result, const search::SearchHit& hit,
                    size_t snippet_length, v1::SearchDatasetsResponse* response) {
  absl::StatusOr<v1::Dataset> dataset = store.GetDataset(hit.dataset_id);
  if (absl::IsNotFound(dataset.status())) return absl::OkStatus();  // Deleted since indexed.
  if (!dataset.ok()) return dataset.status();
  if (!visibility.Lists(*dataset)) return absl::OkStatus();
  absl::StatusOr<v1::Dataset> presented = visibility.Present(*std::move(dataset));
  if (!presented.ok()) return presented.status();
  v1::SearchHit* out = response->add_hits();
  out->set_name(api::DatasetName(hit.dataset_id));
  out->set_title(presented->title());
  out->set_rank(static_cast<int64_t>(hit.rank));
  out->set_exact(hit.exact);
  out->set_percent(hit.percent);
  for (const std::string& field : hit.matched_fields) out->add_matched_fields(field);
  out->set_snippet(search::Snippet(result, SnippetText(*presented), snippet_length));
  return absl::OkStatus();
}

}  // namespace

DatasetSearch::DatasetSearch(const storage::CatalogStore* store, const SearchIndexer* indexer,
                             CatalogLimits limits, SearchLimits search_limits,
                             const PageTokens* tokens)
    : store_(store),
      indexer_(indexer),
      limits_(limits),
      search_limits_(search_limits),
      tokens_(tokens) {}

absl::Status DatasetSearch::AwaitRevision(int64_t min_revision) const {
  if (min_revision < 0) return absl::InvalidArgumentError("min_revision: must not be negative");
  if (min_revision == 0) return absl::OkStatus();
  const int64_t latest = store_->LatestRevision();
  if (min_revision > latest) {
    return absl::InvalidArgumentError(absl::StrCat(
        "min_revision: ", min_revision, " is beyond the catalogue's latest revision ", latest));
  }
  const uint64_t applied = indexer_->WaitForApplied(static_cast<uint64_t>(min_revision),
                                                    absl::Now() + search_limits_.min_revision_wait);
  if (applied >= static_cast<uint64_t>(min_revision)) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("min_revision: the search index has applied revision ",
                                             applied, ", not yet ", min_revision, "; retry"));
}

absl::StatusOr<v1::SearchDatasetsResponse> DatasetSearch::Search(
    const v1::SearchDatasetsRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), limits_.default_page_size, limits_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  if (absl::Status s = ValidateMessageFields(request, ""); !s.ok()) return s;
  absl::StatusOr<Paging> paging = Paging::Open(*tokens_, QueryBytes(request), request.page_token());
  if (!paging.ok()) return paging.status();
  size_t offset = 0;
  if (!paging->position().empty() && !absl::SimpleAtoi(paging->position(), &offset)) {
    return absl::InvalidArgumentError("page_token: not a token of this search");
  }
  if (absl::Status s = AwaitRevision(request.min_revision()); !s.ok()) return s;

  const Visibility visibility(caller);
  search::SearchQuery query;
  query.text = request.query();
  query.filters = FiltersOf(request);
  query.visible_levels = visibility.SearchFilter();
  query.offset = offset;
  query.page_size = *page_size;
  query.count_facets = request.facets();
  absl::StatusOr<search::SearchResult> result = indexer_->Search(query);
  if (!result.ok()) return result.status();

  v1::SearchDatasetsResponse response;
  for (const search::SearchHit& hit : result->hits) {
    if (absl::Status s = AddHit(*store_, visibility, *result, hit,
                                search_limits_.snippet_length, &response);
        !s.ok()) {
      return s;
    }
  }
  response.set_total(static_cast<int64_t>(result->total));
  if (request.facets()) AddFacets(*result, &response);
  response.set_index_revision(static_cast<int64_t>(result->index_revision));
  const size_t next = offset + *page_size;
  response.set_next_page_token(next < result->total ? paging->NextToken(absl::StrCat(next)) : "");
  return response;
}

}  // namespace catalog::server
