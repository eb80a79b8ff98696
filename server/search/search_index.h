// SearchIndex: the derived full-text index of datasets, a Xapian glass
// database in a directory (DATA_DIR/search/ once wired). RocksDB stays the
// source of truth; the index records the global revision it has applied in
// the metadata key "applied_revision", committed in the same Xapian commit
// as the documents, so documents and revision are durable and visible
// together. See docs/ARCHITECTURE.md, "Search".
//
// Writes (Put, Remove, Commit) go to the one Xapian WritableDatabase, which
// is single-writer: they are serialized by a mutex, and Xapian's lock makes
// a second SearchIndex on the same directory fail with FAILED_PRECONDITION.
// Put and Remove are buffered; readers see them only after Commit, and a
// SearchIndex destroyed without Commit discards them.
//
// Search is thread-safe and runs concurrently with writes: each thread keeps
// its own read-only Xapian::Database on the directory (Xapian objects are not
// safe to share between threads), reopened at the start of each call, so a
// call sees the last commit at the time of the call.
//
// Visibility: the caller passes the confidentiality levels it may see
// (SearchQuery::visible_levels, from Visibility later); they are enforced
// inside the Xapian query (OP_FILTER on the boolean terms XC<level>), so a
// dataset at another level is in no total, facet count, hit or snippet.
//
// Errors: a corrupt index is DATA_LOSS, a query Xapian cannot parse (or
// with unbalanced quotes or parentheses) INVALID_ARGUMENT, a directory
// another writer holds FAILED_PRECONDITION, other Xapian errors INTERNAL.
#ifndef CATALOG_SERVER_SEARCH_SEARCH_INDEX_H_
#define CATALOG_SERVER_SEARCH_SEARCH_INDEX_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catalog/v1/dataset.pb.h"

namespace catalog::search {

// What the index knows about a dataset beyond its record (kept elsewhere).
struct DocumentExtras {
  // A quality dimension scores below its norm (the quality facet).
  bool quality_below_norm = false;
};

// The facets, one Xapian value slot each (the enum value is the slot).
enum class Facet {
  kDomain = 0,
  kRegistrationType = 1,
  kBasisregistratie = 2,
  kHostingKind = 3,
  kProvider = 4,
  kConfidentiality = 5,
  kContainsPersonalData = 6,
  kStatus = 7,
  kQualityBelowNorm = 8,
};
inline constexpr int kFacetCount = 9;
// "domain", "registration_type", ... (the names of the response's facets).
const char* FacetName(Facet facet);

// The structured filters: those of ListDatasets (DatasetFilter) plus status
// and quality. An unset (empty, unspecified, nullopt) filter matches all.
struct SearchFilters {
  std::string domain;  // Exact.
  catalog::v1::RegistrationType registration_type = catalog::v1::REGISTRATION_TYPE_UNSPECIFIED;
  catalog::v1::Basisregistratie basisregistratie = catalog::v1::BASISREGISTRATIE_UNSPECIFIED;
  catalog::v1::HostingKind hosting_kind = catalog::v1::HOSTING_KIND_UNSPECIFIED;
  std::string provider;  // hosting.provider, exact.
  // hosting.inside_eea; a dataset without a hosting kind matches neither.
  std::optional<bool> inside_eea;
  // Marking at or above this one.
  catalog::v1::Confidentiality min_confidentiality = catalog::v1::CONFIDENTIALITY_UNSPECIFIED;
  std::string owner;  // roles.owner, exact.
  std::string tag;    // Has this tag.
  std::optional<bool> contains_personal_data;
  catalog::v1::DatasetStatus status = catalog::v1::DATASET_STATUS_UNSPECIFIED;
  std::optional<bool> quality_below_norm;
};

struct SearchQuery {
  // The query text: words (Dutch and English stemming, diacritics folded),
  // "phrases", AND/OR/NOT in any case, -word, prefix* and field qualifiers
  // (title: description: id: tag: object: field: fielddesc: owner: steward:
  // system: supplier: provider:). Empty: every visible dataset.
  std::string text;
  SearchFilters filters;
  // The confidentiality levels the caller may see; empty sees nothing.
  std::vector<catalog::v1::Confidentiality> visible_levels;
  size_t offset = 0;
  size_t page_size = 20;
  // Count the facets over all matches (exact, costs a full match).
  bool count_facets = false;
};

struct SearchHit {
  std::string dataset_id;
  // 0-based position in the whole result.
  size_t rank = 0;
  // Xapian's BM25 weight, and as a percentage of the best (0 for a query
  // without weighted terms).
  double weight = 0;
  int percent = 0;
  // The hit is an exact id or whole-title match (always ranked first).
  bool exact = false;
  // The fields the query matched, by API field path ("title",
  // "schema_fields.name", "roles.owner", ...), in a fixed order.
  std::vector<std::string> matched_fields;
};

class SnippetSource;

struct SearchResult {
  // Matching visible datasets, exact.
  uint64_t total = 0;
  std::vector<SearchHit> hits;
  // Facet name -> value -> count over all matches, when asked for. Values
  // are the enum names, "true"/"false", or the text (domain, provider).
  std::map<std::string, std::map<std::string, uint64_t>> facets;
  // The revision the answering index had applied.
  uint64_t index_revision = 0;
  // For Snippet; null when nothing matched.
  std::shared_ptr<const SnippetSource> snippets;
};

// A highlighted extract of `text` for `result`'s query (Xapian's
// MSet::snippet, matches in <b>..</b>, HTML-escaped). `text` is supplied by
// the caller: the presented (redacted) dataset's text, never index data, so
// field redaction applies to snippets. "" when the result has no matches.
// Thread-compatible: concurrent calls on one result need external locking.
std::string Snippet(const SearchResult& result, const std::string& text, size_t length = 200);

class SearchIndex {
 public:
  // Opens the index in `dir`, creating it when absent.
  static absl::StatusOr<std::unique_ptr<SearchIndex>> Open(const std::string& dir);
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // The revision of the last Commit (0 for a new index).
  uint64_t applied_revision() const;

  // Adds or replaces `dataset` (by its resource name), buffered until Commit.
  absl::Status Put(const catalog::v1::Dataset& dataset, const DocumentExtras& extras = {});
  // Removes dataset `dataset_id` (absent: no-op), buffered until Commit.
  absl::Status Remove(const std::string& dataset_id);
  // Makes the buffered changes and `applied_revision` durable and visible,
  // in one Xapian commit.
  absl::Status Commit(uint64_t applied_revision);

  absl::StatusOr<SearchResult> Search(const SearchQuery& query) const;

 private:
  struct Writer;
  SearchIndex(std::string dir, std::unique_ptr<Writer> writer, uint64_t revision);

  const std::string dir_;
  const uint64_t number_;  // Identifies this index to the threads' readers.
  mutable std::mutex mu_;  // Guards writer_ and revision_.
  std::unique_ptr<Writer> writer_;
  uint64_t revision_;
};

}  // namespace catalog::search

#endif  // CATALOG_SERVER_SEARCH_SEARCH_INDEX_H_
