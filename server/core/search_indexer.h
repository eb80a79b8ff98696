// SearchIndexer: keeps the search index (DATA_DIR/search, a
// search::SearchIndex) caught up with the store, and answers searches from
// it.
//
// A background thread tails the change log from the index's applied
// revision + 1: for every change of a dataset ("datasets/{id}") or of its
// measurements ("datasets/{id}/measurements/...") it reads the dataset's
// current record and re-indexes it (with its quality-below-norm bit, by the
// rule of quality_catalog.h), or removes it when it is gone; other changes
// only advance the revision. It commits every `commit_changes` changes, or
// `commit_interval` after the first uncommitted one, with the last applied
// revision, so a restart catches up from there and never rebuilds. Only
// committed change-log entries are applied, so the index never shows what
// the store has not committed, and a crash between the store's write and
// the index's commit loses nothing (the change log still has it).
//
// When the change log was pruned past the applied revision (OUT_OF_RANGE),
// or the index is empty while the store is not (first start with search),
// the index is built from the store's current datasets (BuildSearchIndex)
// into DATA_DIR/search.new and swapped in; this is logged.
//
// Thread-safe: Search and WaitForApplied may be called from any thread
// while the indexer runs. Stop() must be called before the store closes.
#ifndef CATALOG_SERVER_CORE_SEARCH_INDEXER_H_
#define CATALOG_SERVER_CORE_SEARCH_INDEXER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/search/search_index.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct SearchIndexerOptions {
  // false: no index is opened and no thread runs; Search answers
  // UNAVAILABLE (catalogd --no-search-index, TOML search_index = false).
  // The next start with the index catches up from the change log (or
  // rebuilds when the log was pruned past it).
  bool enabled = true;
  // Commit after this many applied changes...
  size_t commit_changes = 1000;
  // ... or this long after the first uncommitted change.
  absl::Duration commit_interval = absl::Milliseconds(100);
};

// The index directory of a data directory: DATA_DIR/search.
std::string SearchIndexDir(const std::string& data_dir);

// Builds a new index in `dir` (which must not hold one) from the store's
// current datasets, committed at the store's latest revision as read before
// the scan (later changes are re-applied by catch-up, which is idempotent).
// Returns that revision.
absl::StatusOr<uint64_t> BuildSearchIndex(const storage::CatalogStore& store,
                                          const std::string& dir);

// Builds the index of `data_dir` afresh in search.new and renames it over
// search (catalogd reindex; the server must be stopped). Returns the
// revision it is committed at.
absl::StatusOr<uint64_t> RebuildSearchIndex(const storage::CatalogStore& store,
                                            const std::string& data_dir);

class SearchIndexer {
 public:
  // Opens (or creates) the index of `data_dir` and starts the thread.
  // FAILED_PRECONDITION when another process holds the index. `store` must
  // outlive the indexer, and Stop() must be called before it closes.
  static absl::StatusOr<std::unique_ptr<SearchIndexer>> Start(storage::CatalogStore* store,
                                                              const std::string& data_dir,
                                                              SearchIndexerOptions options = {});
  ~SearchIndexer();
  SearchIndexer(const SearchIndexer&) = delete;
  SearchIndexer& operator=(const SearchIndexer&) = delete;

  // The committed state of the index (see SearchIndex::Search).
  absl::StatusOr<search::SearchResult> Search(const search::SearchQuery& query) const;
  // The revision the index has committed.
  uint64_t applied_revision() const;
  // Returns the applied revision once it is at least `revision`, or at
  // `deadline` (then possibly below it).
  uint64_t WaitForApplied(uint64_t revision, absl::Time deadline) const;

  // Commits what was applied, stops and joins the thread. Idempotent.
  absl::Status Stop();

 private:
  SearchIndexer(storage::CatalogStore* store, std::string data_dir, SearchIndexerOptions options,
                std::unique_ptr<search::SearchIndex> index);
  void Run();
  // One round of reading, applying, committing or waiting.
  absl::Status CatchUp();
  absl::Status Apply(const std::vector<storage::ChangeLogEntry>& entries);
  absl::Status Reindex(const std::string& dataset_id);
  absl::Status Commit(uint64_t revision);
  absl::Status Rebuild();
  bool stopping() const;

  storage::CatalogStore* const store_;
  const std::string data_dir_;
  const SearchIndexerOptions options_;

  // The index; replaced only by a rebuild (exclusive lock), used by
  // searches under the shared lock.
  mutable std::shared_mutex index_mu_;
  std::unique_ptr<search::SearchIndex> index_;

  // The applied revision, for waiters; and the stop request.
  mutable std::mutex state_mu_;
  mutable std::condition_variable applied_cv_;
  uint64_t applied_ = 0;  // Guarded by state_mu_.
  bool stop_ = false;     // Guarded by state_mu_.
  absl::Status stop_status_;

  // Set by Start: the index is empty and the store is not.
  bool build_first_ = false;

  // Owned by the thread: the next revision to read and the uncommitted
  // changes.
  uint64_t next_ = 1;
  uint64_t last_applied_ = 0;
  size_t pending_ = 0;
  absl::Time first_pending_;

  std::thread thread_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_SEARCH_INDEXER_H_
