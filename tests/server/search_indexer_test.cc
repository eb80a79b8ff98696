// SearchIndexer on a real store and index in a temporary directory: catch-up
// from the applied revision after a restart (no rebuild), a rebuild when the
// change log was pruned past the index, the build of an empty index beside
// a full store, commit batching, deletes, and a second indexer refused.
#include "server/core/search_indexer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using server::SearchIndexer;
using server::SearchIndexerOptions;

class SearchIndexerTest : public StoreTest {
 protected:
  void TearDown() override {
    if (indexer_ != nullptr) {
      EXPECT_TRUE(indexer_->Stop().ok());
    }
  }

  void StartIndexer(SearchIndexerOptions options = {}) {
    absl::StatusOr<std::unique_ptr<SearchIndexer>> indexer =
        SearchIndexer::Start(store_.get(), dir_.path(), options);
    ASSERT_TRUE(indexer.ok()) << indexer.status();
    indexer_ = *std::move(indexer);
  }

  void StopIndexer() {
    ASSERT_TRUE(indexer_->Stop().ok());
    indexer_.reset();
  }

  void Create(const std::string& id, const std::string& title) {
    v1::Dataset dataset = ValidDataset(id);
    dataset.set_title(title);
    storage::WriteContext context;
    context.principal = "tester";
    ASSERT_TRUE(store_->CreateDataset(dataset, context).ok());
  }

  void Delete(const std::string& id) {
    storage::WriteContext context;
    context.principal = "tester";
    ASSERT_TRUE(store_->DeleteDataset(id, 0, context).ok());
  }

  // Waits (up to 5 s) until the index has applied the store's latest revision.
  void AwaitLatest() {
    const auto latest = static_cast<uint64_t>(store_->LatestRevision());
    EXPECT_GE(indexer_->WaitForApplied(latest, absl::Now() + absl::Seconds(5)), latest);
  }

  std::vector<std::string> Found(const std::string& text) {
    search::SearchQuery query;
    query.text = text;
    query.visible_levels = {v1::CONFIDENTIALITY_INTERN};
    query.page_size = 100;
    absl::StatusOr<search::SearchResult> result = indexer_->Search(query);
    EXPECT_TRUE(result.ok()) << result.status();
    std::vector<std::string> ids;
    if (result.ok()) {
      for (const search::SearchHit& hit : result->hits) ids.push_back(hit.dataset_id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::unique_ptr<SearchIndexer> indexer_;
};

TEST_F(SearchIndexerTest, RestartCatchesUpFromTheAppliedRevisionWithoutRebuilding) {
  StartIndexer();
  Create("riool-a", "Riolering noord");
  Create("riool-b", "Riolering zuid");
  AwaitLatest();
  StopIndexer();
  const auto before = static_cast<uint64_t>(store_->LatestRevision());
  Create("riool-c", "Riolering oost");
  Delete("riool-a");

  StartIndexer();
  EXPECT_EQ(indexer_->applied_revision(), before) << "opened at what was committed";
  AwaitLatest();
  EXPECT_EQ(Found("riolering"), (std::vector<std::string>{"riool-b", "riool-c"}));
}

TEST_F(SearchIndexerTest, ChangeLogPrunedPastTheIndexRebuildsIt) {
  StartIndexer();
  Create("afval-a", "Afvalinzameling");
  AwaitLatest();
  StopIndexer();
  Create("afval-b", "Afvalinzameling containers");
  Create("afval-c", "Afvalinzameling wijken");
  Delete("afval-a");
  ASSERT_TRUE(store_->PruneChangeLog(absl::Now() + absl::Seconds(1)).ok());
  ASSERT_GT(store_->OldestChangeLogRevision(), 2u);

  StartIndexer();
  AwaitLatest();
  EXPECT_EQ(Found("afvalinzameling"), (std::vector<std::string>{"afval-b", "afval-c"}));
}

TEST_F(SearchIndexerTest, EmptyIndexBesideAFullStoreIsBuiltFromTheDatasets) {
  Create("park-a", "Parkeervergunningen");
  Create("park-b", "Parkeerautomaten");
  StartIndexer();
  AwaitLatest();
  EXPECT_EQ(Found("parkeer*"), (std::vector<std::string>{"park-a", "park-b"}));
}

TEST_F(SearchIndexerTest, CommitsAfterCommitChangesChanges) {
  SearchIndexerOptions options;
  options.commit_changes = 2;
  options.commit_interval = absl::Hours(1);
  StartIndexer(options);
  Create("boom-a", "Bomenregister");
  EXPECT_EQ(indexer_->WaitForApplied(1, absl::Now() + absl::Milliseconds(300)), 0u)
      << "one change is not committed before the interval";
  EXPECT_TRUE(Found("bomenregister").empty());
  Create("boom-b", "Bomenregister oost");
  AwaitLatest();
  EXPECT_EQ(Found("bomenregister"), (std::vector<std::string>{"boom-a", "boom-b"}));
}

TEST_F(SearchIndexerTest, StopCommitsWhatWasApplied) {
  SearchIndexerOptions options;
  options.commit_interval = absl::Hours(1);
  StartIndexer(options);
  Create("brug-a", "Bruggen en viaducten");
  absl::SleepFor(absl::Milliseconds(300));  // Applied, not committed.
  StopIndexer();
  StartIndexer();
  EXPECT_EQ(indexer_->applied_revision(), static_cast<uint64_t>(store_->LatestRevision()));
  EXPECT_EQ(Found("bruggen"), (std::vector<std::string>{"brug-a"}));
}

TEST_F(SearchIndexerTest, SecondIndexerOnTheSameDirectoryIsFailedPrecondition) {
  StartIndexer();
  absl::StatusOr<std::unique_ptr<SearchIndexer>> second =
      SearchIndexer::Start(store_.get(), dir_.path());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
}

}  // namespace
}  // namespace catalog::testing
