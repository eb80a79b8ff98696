#include "server/core/search_indexer.h"

#include <filesystem>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "server/core/quality_catalog.h"

namespace catalog::server {
namespace {

namespace fs = std::filesystem;

// Change-log entries read per call.
constexpr size_t kReadBatch = 1000;
// Datasets read per page by a rebuild.
constexpr size_t kBuildPage = 1000;
// Longest idle wait for a new revision (bounds how long a missed wake-up at
// Stop can delay it).
constexpr absl::Duration kIdleWait = absl::Milliseconds(250);
// Reads of an index that was committed under them, tried again.
constexpr int kSearchRetries = 3;
// Pause after a failure before trying again.
constexpr absl::Duration kRetryPause = absl::Seconds(1);
constexpr absl::string_view kMeasurements = "/measurements/";

// The dataset whose index document a change affects: the dataset itself or
// one of its measurements (the quality facet). Empty for other changes
// (terugmeldingen, lineage, parties, processing activities).
std::string IndexedDatasetOf(absl::string_view resource) {
  if (!absl::StartsWith(resource, api::kDatasetCollection)) return {};
  absl::string_view rest = resource.substr(api::kDatasetCollection.size());
  const size_t slash = rest.find('/');
  if (slash == absl::string_view::npos) return std::string(rest);
  if (absl::StartsWith(rest.substr(slash), kMeasurements)) return std::string(rest.substr(0, slash));
  return {};
}

absl::Status PutCurrent(const storage::CatalogStore& store, search::SearchIndex* index,
                        const catalog::v1::Dataset& dataset) {
  absl::StatusOr<bool> below = AnyBelowNorm(store, dataset);
  if (!below.ok()) return below.status();
  return index->Put(dataset, search::DocumentExtras{*below});
}

absl::Status RemoveDir(const std::string& dir) {
  std::error_code error;
  fs::remove_all(dir, error);
  if (error) return absl::InternalError(absl::StrCat("cannot remove ", dir, ": ", error.message()));
  return absl::OkStatus();
}

// Replaces `dir` by `built` (a closed, committed index).
absl::Status SwapDir(const std::string& built, const std::string& dir) {
  if (absl::Status s = RemoveDir(dir); !s.ok()) return s;
  std::error_code error;
  fs::rename(built, dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", built, " to ", dir, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

std::string SearchIndexDir(const std::string& data_dir) { return data_dir + "/search"; }

absl::StatusOr<uint64_t> BuildSearchIndex(const storage::CatalogStore& store,
                                          const std::string& dir) {
  absl::StatusOr<std::unique_ptr<search::SearchIndex>> index = search::SearchIndex::Open(dir);
  if (!index.ok()) return index.status();
  const auto revision = static_cast<uint64_t>(store.LatestRevision());
  storage::DatasetQuery query;
  query.limit = kBuildPage;
  query.scan_budget = kBuildPage;
  do {
    absl::StatusOr<storage::DatasetPage> page = store.ListDatasets(query);
    if (!page.ok()) return page.status();
    for (const catalog::v1::Dataset& dataset : page->datasets) {
      if (absl::Status s = PutCurrent(store, index->get(), dataset); !s.ok()) return s;
    }
    query.cursor = page->next_cursor;
  } while (!query.cursor.empty());
  if (absl::Status s = (*index)->Commit(revision); !s.ok()) return s;
  return revision;
}

namespace {

// Where an index is built before it replaces `dir`.
std::string BuildDirOf(const std::string& dir) { return dir + ".new"; }

// Builds a fresh index beside `dir` (a left-over one is removed first).
absl::StatusOr<uint64_t> BuildBeside(const storage::CatalogStore& store, const std::string& dir) {
  if (absl::Status s = RemoveDir(BuildDirOf(dir)); !s.ok()) return s;
  return BuildSearchIndex(store, BuildDirOf(dir));
}

absl::Status Unavailable(bool enabled) {
  return absl::UnavailableError(
      enabled ? "search index is not open (a rebuild failed; see the log)"
              : "search is disabled on this server (catalogd --no-search-index or "
                "search_index = false)");
}

}  // namespace

absl::StatusOr<uint64_t> RebuildSearchIndex(const storage::CatalogStore& store,
                                            const std::string& data_dir) {
  const std::string dir = SearchIndexDir(data_dir);
  absl::StatusOr<uint64_t> revision = BuildBeside(store, dir);
  if (!revision.ok()) return revision.status();
  if (absl::Status s = SwapDir(BuildDirOf(dir), dir); !s.ok()) return s;
  return revision;
}

absl::StatusOr<std::unique_ptr<SearchIndexer>> SearchIndexer::Start(
    storage::CatalogStore* store, const std::string& data_dir, SearchIndexerOptions options) {
  if (!options.enabled) {
    spdlog::warn("msg=\"search index disabled\"");
    return std::unique_ptr<SearchIndexer>(new SearchIndexer(store, data_dir, options, nullptr));
  }
  absl::StatusOr<std::unique_ptr<search::SearchIndex>> index =
      search::SearchIndex::Open(SearchIndexDir(data_dir));
  if (!index.ok()) return index.status();
  std::unique_ptr<SearchIndexer> indexer(
      new SearchIndexer(store, data_dir, options, *std::move(index)));
  const int64_t latest = store->LatestRevision();
  spdlog::info("msg=\"search index opened\" applied_revision={} latest_revision={}",
               indexer->applied_, latest);
  // Decided here, not in the thread: writes after Start are caught up.
  indexer->build_first_ = indexer->applied_ == 0 && latest > 0;
  SearchIndexer* raw = indexer.get();
  indexer->thread_ = std::thread([raw] { raw->Run(); });
  return indexer;
}

SearchIndexer::SearchIndexer(storage::CatalogStore* store, std::string data_dir,
                             SearchIndexerOptions options,
                             std::unique_ptr<search::SearchIndex> index)
    : store_(store),
      data_dir_(std::move(data_dir)),
      options_(options),
      index_(std::move(index)),
      applied_(index_ == nullptr ? 0 : index_->applied_revision()),
      next_(applied_ + 1),
      last_applied_(applied_) {}

SearchIndexer::~SearchIndexer() { Stop().IgnoreError(); }

absl::StatusOr<search::SearchResult> SearchIndexer::Search(const search::SearchQuery& query) const {
  std::shared_lock<std::shared_mutex> lock(index_mu_);
  if (index_ == nullptr) return Unavailable(options_.enabled);
  absl::StatusOr<search::SearchResult> result = index_->Search(query);
  // ABORTED: the index was committed twice while it was read; a fresh
  // read sees the new commit.
  for (int retry = 0; retry < kSearchRetries && absl::IsAborted(result.status()); ++retry) {
    result = index_->Search(query);
  }
  return result;
}

uint64_t SearchIndexer::applied_revision() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return applied_;
}

uint64_t SearchIndexer::WaitForApplied(uint64_t revision, absl::Time deadline) const {
  std::unique_lock<std::mutex> lock(state_mu_);
  applied_cv_.wait_until(lock, absl::ToChronoTime(deadline),
                         [&] { return applied_ >= revision || stop_ || !options_.enabled; });
  return applied_;
}

bool SearchIndexer::stopping() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return stop_;
}

absl::Status SearchIndexer::Stop() {
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    if (stop_ && !thread_.joinable()) return stop_status_;
    stop_ = true;
  }
  applied_cv_.notify_all();
  store_->WakeRevisionWaiters();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(state_mu_);
  return stop_status_;
}

void SearchIndexer::Run() {
  // A new index beside a store with content (the first start after an
  // upgrade, or a deleted index): built from the datasets rather than
  // replayed from the whole change log.
  if (build_first_) {
    spdlog::warn("msg=\"search index is empty; building it from the store\" latest_revision={}",
                 store_->LatestRevision());
    if (absl::Status built = Rebuild(); !built.ok()) {
      spdlog::error("msg=\"search index build failed; catching up from the change log\" "
                    "error=\"{}\"",
                    std::string(built.message()));
    }
  }
  while (!stopping()) {
    absl::Status status = CatchUp();
    if (status.ok()) continue;
    if (absl::IsOutOfRange(status)) {
      spdlog::warn("msg=\"search index behind the pruned change log; rebuilding\" "
                   "applied_revision={} error=\"{}\"",
                   last_applied_, std::string(status.message()));
      status = Rebuild();
      if (status.ok()) continue;
    }
    spdlog::error("msg=\"search indexer failed; retrying\" next_revision={} error=\"{}\"", next_,
                  std::string(status.message()));
    std::unique_lock<std::mutex> lock(state_mu_);
    applied_cv_.wait_for(lock, absl::ToChronoMilliseconds(kRetryPause), [this] { return stop_; });
  }
  absl::Status committed = pending_ > 0 ? Commit(last_applied_) : absl::OkStatus();
  std::lock_guard<std::mutex> lock(state_mu_);
  stop_status_ = committed;
}

// One round: read what the log has; commit when enough is pending, or when
// caught up and the interval since the first pending change has passed;
// otherwise wait for the next revision.
absl::Status SearchIndexer::CatchUp() {
  absl::StatusOr<std::vector<storage::ChangeLogEntry>> entries =
      store_->ReadChangeLog(next_, kReadBatch);
  if (!entries.ok()) return entries.status();
  if (absl::Status s = Apply(*entries); !s.ok()) return s;
  const bool caught_up = entries->size() < kReadBatch;
  if (pending_ >= options_.commit_changes) return Commit(last_applied_);
  if (!caught_up) return absl::OkStatus();
  const absl::Time now = absl::Now();
  if (pending_ > 0 && now >= first_pending_ + options_.commit_interval) {
    return Commit(last_applied_);
  }
  const absl::Time deadline =
      pending_ > 0 ? first_pending_ + options_.commit_interval : now + kIdleWait;
  store_->WaitForRevisionAfter(next_ - 1, deadline);
  return absl::OkStatus();
}

absl::Status SearchIndexer::Apply(const std::vector<storage::ChangeLogEntry>& entries) {
  if (entries.empty()) return absl::OkStatus();
  // Each dataset once per batch: its current record covers every change.
  std::set<std::string> datasets;
  for (const storage::ChangeLogEntry& entry : entries) {
    std::string id = IndexedDatasetOf(entry.resource());
    if (!id.empty()) datasets.insert(std::move(id));
  }
  for (const std::string& id : datasets) {
    if (absl::Status s = Reindex(id); !s.ok()) return s;
  }
  if (pending_ == 0) first_pending_ = absl::Now();
  pending_ += entries.size();
  last_applied_ = entries.back().revision();
  next_ = last_applied_ + 1;
  return absl::OkStatus();
}

absl::Status SearchIndexer::Reindex(const std::string& dataset_id) {
  absl::StatusOr<catalog::v1::Dataset> dataset = store_->GetDataset(dataset_id);
  std::shared_lock<std::shared_mutex> lock(index_mu_);
  if (index_ == nullptr) return Unavailable(options_.enabled);
  if (absl::IsNotFound(dataset.status())) return index_->Remove(dataset_id);
  if (!dataset.ok()) return dataset.status();
  return PutCurrent(*store_, index_.get(), *dataset);
}

absl::Status SearchIndexer::Commit(uint64_t revision) {
  {
    std::shared_lock<std::shared_mutex> lock(index_mu_);
    if (index_ == nullptr) return Unavailable(options_.enabled);
    if (absl::Status s = index_->Commit(revision); !s.ok()) return s;
  }
  pending_ = 0;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    applied_ = revision;
  }
  applied_cv_.notify_all();
  return absl::OkStatus();
}

// Builds search.new while the old index keeps answering, then swaps it in.
absl::Status SearchIndexer::Rebuild() {
  const std::string dir = SearchIndexDir(data_dir_);
  absl::StatusOr<uint64_t> revision = BuildBeside(*store_, dir);
  if (!revision.ok()) return revision.status();
  {
    std::unique_lock<std::shared_mutex> lock(index_mu_);
    index_.reset();  // Releases the writer lock of the old index.
    absl::Status swapped = SwapDir(BuildDirOf(dir), dir);
    absl::StatusOr<std::unique_ptr<search::SearchIndex>> index = search::SearchIndex::Open(dir);
    if (!index.ok()) return index.status();
    index_ = *std::move(index);
    if (!swapped.ok()) return swapped;
  }
  pending_ = 0;
  last_applied_ = *revision;
  next_ = *revision + 1;
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    applied_ = *revision;
  }
  applied_cv_.notify_all();
  spdlog::warn("msg=\"search index rebuilt\" applied_revision={}", *revision);
  return absl::OkStatus();
}

}  // namespace catalog::server
