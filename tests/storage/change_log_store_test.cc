// The change-log half of CatalogStore: reading it in revision order from a
// snapshot, retention pruning with the oldest retained revision kept in
// meta (and across a reopen), `check` after pruning, and the revision
// notifier.
#include <gtest/gtest.h>

#include <thread>

#include "absl/time/clock.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

class ChangeLogStoreTest : public StoreTest {
 protected:
  static storage::WriteContext At(absl::Time time) {
    storage::WriteContext context;
    context.principal = "tester";
    context.request_id = "req-1";
    context.time = time;
    return context;
  }
};

TEST_F(ChangeLogStoreTest, ReadsEntriesInRevisionOrderFromARevision) {
  const absl::Time now = absl::Now();
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("aaa"), At(now)).ok());
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("bbb"), At(now)).ok());
  ASSERT_TRUE(store_->DeleteDataset("aaa", 0, At(now)).ok());

  absl::StatusOr<std::vector<storage::ChangeLogEntry>> all = store_->ReadChangeLog(1, 10);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].revision(), 1u);
  EXPECT_EQ((*all)[0].resource(), "datasets/aaa");
  EXPECT_EQ((*all)[0].kind(), storage::CHANGE_KIND_CREATE);
  EXPECT_EQ((*all)[1].resource(), "datasets/bbb");
  EXPECT_EQ((*all)[2].revision(), 3u);
  EXPECT_EQ((*all)[2].kind(), storage::CHANGE_KIND_DELETE);

  absl::StatusOr<std::vector<storage::ChangeLogEntry>> tail = store_->ReadChangeLog(2, 1);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ((*tail)[0].revision(), 2u);
  EXPECT_EQ(store_->OldestChangeLogRevision(), 1u);
  absl::StatusOr<std::vector<storage::ChangeLogEntry>> none = store_->ReadChangeLog(4, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(ChangeLogStoreTest, PruningRemovesOldEntriesAndNamesTheOldest) {
  const absl::Time old = absl::Now() - absl::Hours(24 * 100);
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("aaa"), At(old)).ok());
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("bbb"), At(old)).ok());
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("ccc"), At(absl::Now())).ok());

  absl::StatusOr<uint64_t> oldest = store_->PruneChangeLog(absl::Now() - absl::Hours(24 * 90));
  ASSERT_TRUE(oldest.ok()) << oldest.status();
  EXPECT_EQ(*oldest, 3u);
  EXPECT_EQ(store_->OldestChangeLogRevision(), 3u);

  absl::StatusOr<std::vector<storage::ChangeLogEntry>> pruned = store_->ReadChangeLog(2, 10);
  EXPECT_EQ(pruned.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(pruned.status().message().find("the oldest available revision is 3"),
            std::string::npos)
      << pruned.status();
  absl::StatusOr<std::vector<storage::ChangeLogEntry>> kept = store_->ReadChangeLog(3, 10);
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].resource(), "datasets/ccc");

  // Pruned entries are no problem for check.
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems[0]);

  // Durable: the oldest retained revision survives a reopen.
  Reopen();
  EXPECT_EQ(store_->OldestChangeLogRevision(), 3u);
  EXPECT_EQ(store_->ReadChangeLog(1, 10).status().code(), absl::StatusCode::kOutOfRange);
}

TEST_F(ChangeLogStoreTest, PruningEverythingKeepsTheRevisionCounter) {
  const absl::Time old = absl::Now() - absl::Hours(24 * 100);
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("aaa"), At(old)).ok());
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("bbb"), At(old)).ok());
  absl::StatusOr<uint64_t> oldest = store_->PruneChangeLog(absl::Now());
  ASSERT_TRUE(oldest.ok());
  EXPECT_EQ(*oldest, 3u);
  // Nothing to prune a second time.
  EXPECT_EQ(*store_->PruneChangeLog(absl::Now()), 3u);

  Reopen();
  EXPECT_EQ(store_->LatestRevision(), 2);
  EXPECT_EQ(store_->OldestChangeLogRevision(), 3u);
  absl::StatusOr<catalog::v1::Dataset> next =
      store_->CreateDataset(ValidDataset("ccc"), At(absl::Now()));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->revision(), 3);
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems[0]);
}

TEST_F(ChangeLogStoreTest, NotifierWakesAWaiterAndTimesOut) {
  // Nothing committed: returns at the deadline with the same revision.
  EXPECT_EQ(store_->WaitForRevisionAfter(0, absl::Now() + absl::Milliseconds(20)), 0u);
  std::thread writer([this] {
    absl::SleepFor(absl::Milliseconds(50));
    ASSERT_TRUE(store_->CreateDataset(ValidDataset("aaa"), At(absl::Now())).ok());
  });
  const absl::Time start = absl::Now();
  EXPECT_EQ(store_->WaitForRevisionAfter(0, absl::Now() + absl::Seconds(10)), 1u);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  writer.join();
}

}  // namespace
}  // namespace catalog::testing
