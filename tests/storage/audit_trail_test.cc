#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "storage/audit_chain.h"
#include "storage/catalog_store.h"
#include "storage/column_families.h"
#include "storage/key_codec.h"
#include "tests/support/test_support.h"

namespace catalog::storage {
namespace {

using catalog::testing::ValidDataset;

AuditEntry Entry(const std::string& principal, const std::string& method, int code,
                 const std::string& resource = "") {
  AuditEntry e;
  e.set_time_micros(absl::ToUnixMicros(absl::Now()));
  e.set_principal(principal);
  e.set_peer("ipv4:127.0.0.1:5000");
  e.set_method("/catalog.v1.CatalogService/" + method);
  if (!resource.empty()) e.add_resources(resource);
  e.set_code(code);
  e.set_request_id("r1");
  return e;
}

class AuditTrailTest : public catalog::testing::StoreTest {
 protected:
  void Tamper(uint64_t sequence, const std::function<void(AuditEntry*)>& change) {
    rocksdb::DB* db = store_->RawDbForTesting();
    auto* cf = store_->RawColumnFamilyForTesting(static_cast<int>(Cf::kAudit));
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), cf, AuditKey(sequence), &value).ok());
    AuditEntry entry;
    ASSERT_TRUE(entry.ParseFromString(value));
    change(&entry);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), cf, AuditKey(sequence), entry.SerializeAsString())
                    .ok());
  }

};

TEST_F(AuditTrailTest, EmptyTrailVerifies) {
  absl::StatusOr<AuditVerification> v = store_->VerifyAuditTrail();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok());
  EXPECT_EQ(v->entries, 0);
}

TEST_F(AuditTrailTest, AppendedEntriesChainAndSurviveReopen) {
  ASSERT_TRUE(store_->AppendAudit(Entry("reader", "GetDataset", 0, "datasets/a"), true).ok());
  store_->AppendAudit(Entry("reader", "GetDataset", 5, "datasets/b"), false).IgnoreError();
  ASSERT_TRUE(store_->AppendAudit(Entry("steward", "ListDatasets", 0), true).ok());
  Reopen();
  ASSERT_TRUE(store_->AppendAudit(Entry("auditor", "VerifyAuditTrail", 0), true).ok());
  absl::StatusOr<AuditVerification> v = store_->VerifyAuditTrail();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << v->problem;
  EXPECT_EQ(v->entries, 4);
  AuditQuery all;
  all.descending = false;
  absl::StatusOr<AuditPage> page = store_->ListAudit(all);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 4u);
  EXPECT_EQ(page->entries[0].sequence(), 1u);
  EXPECT_EQ(page->entries[0].prev_hash(), GenesisHash());
  EXPECT_EQ(page->entries[1].prev_hash(), page->entries[0].hash());
  EXPECT_EQ(page->entries[3].prev_hash(), page->entries[2].hash());
}

// Audit entries nobody waits for (reads) are gathered into few writes, yet
// every reader of the trail and of the read counters sees them at once.
TEST_F(AuditTrailTest, AsyncEntriesAreGatheredAndReadersSeeThemAtOnce) {
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("a"), {}).ok());
  const uint64_t before = store_->CommitGroupsForTesting();
  constexpr int kReads = 1000;
  for (int i = 0; i < kReads; ++i) {
    ASSERT_TRUE(
        store_->AppendAudit(Entry("reader", "GetDataset", 0, "datasets/a"), false, {"a"}).ok());
  }
  AuditQuery query;
  query.principal = "reader";
  query.limit = 2 * kReads;
  query.scan_budget = 4 * kReads;
  absl::StatusOr<AuditPage> page = store_->ListAudit(query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->entries.size(), static_cast<size_t>(kReads));
  EXPECT_LE(store_->CommitGroupsForTesting() - before, 12u)
      << "a burst is gathered into a few writes";
  // Reads arriving one by one, 0.2 ms apart: gathered too (for up to 2 ms),
  // not one write each.
  const uint64_t sparse = store_->CommitGroupsForTesting();
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    ASSERT_TRUE(store_->AppendAudit(Entry("steward", "GetDataset", 0, "datasets/a"), false).ok());
  }
  store_->LatestAuditSequence();  // Flushes.
  EXPECT_LE(store_->CommitGroupsForTesting() - sparse, 50u) << "gathered over time";
  for (int i = 0; i < 10; ++i) {
    store_->AppendAudit(Entry("auditor", "GetDataset", 0, "datasets/a"), false, {"a"})
        .IgnoreError();
  }
  absl::StatusOr<std::map<std::string, int64_t>> reads =
      store_->DatasetReads("a", absl::Now() - absl::Hours(1), absl::Now() + absl::Hours(1));
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_EQ((*reads)["reader"], kReads);
  EXPECT_EQ((*reads)["auditor"], 10);
  store_->AppendAudit(Entry("auditor", "ListAuditEvents", 0), false).IgnoreError();
  absl::StatusOr<AuditVerification> verified = store_->VerifyAuditTrail();
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->entries, kReads + 100 + 10 + 1);
}

TEST_F(AuditTrailTest, MutationCarriesItsAuditEntryInTheSameWrite) {
  bool committed = false;
  WriteContext context{"steward", "req-9", absl::Now(),
                       Entry("steward", "CreateDataset", 0, "datasets/brp-ingezetenen"),
                       [&committed] { committed = true; }};
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("brp-ingezetenen"), context).ok());
  EXPECT_TRUE(committed) << "the store reports the entry committed with the change";
  AuditQuery query;
  query.resource = "datasets/brp-ingezetenen";
  absl::StatusOr<AuditPage> page = store_->ListAudit(query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].method(), "/catalog.v1.CatalogService/CreateDataset");
  absl::StatusOr<CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->audit_entries, 1);
}

TEST_F(AuditTrailTest, AlteredEntryIsReportedAtItsSequence) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->AppendAudit(Entry("reader", "GetDataset", 0), true).ok());
  }
  Tamper(3, [](AuditEntry* e) { e->set_principal("someone-else"); });
  absl::StatusOr<AuditVerification> v = store_->VerifyAuditTrail();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->first_broken, 3u);
  EXPECT_NE(v->problem.find("altered"), std::string::npos);
  absl::StatusOr<CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems.back().find("audit trail broken at sequence 3"), std::string::npos);
}

TEST_F(AuditTrailTest, RehashedEntryStillBreaksTheChainAfterIt) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(store_->AppendAudit(Entry("reader", "GetDataset", 0), true).ok());
  }
  // A forger who recomputes the altered entry's own hash breaks the link of
  // the next entry instead.
  Tamper(2, [](AuditEntry* e) {
    e->set_code(7);
    e->set_hash(AuditEntryHash(e->prev_hash(), *e));
  });
  absl::StatusOr<AuditVerification> v = store_->VerifyAuditTrail();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->first_broken, 3u);
}

TEST_F(AuditTrailTest, DeletedEntryIsReportedAsMissing) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(store_->AppendAudit(Entry("reader", "GetDataset", 0), true).ok());
  }
  ASSERT_TRUE(store_->RawDbForTesting()
                  ->Delete(rocksdb::WriteOptions(),
                           store_->RawColumnFamilyForTesting(static_cast<int>(Cf::kAudit)),
                           AuditKey(2))
                  .ok());
  absl::StatusOr<AuditVerification> v = store_->VerifyAuditTrail();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->first_broken, 2u);
  EXPECT_NE(v->problem.find("missing"), std::string::npos);
}

TEST_F(AuditTrailTest, ListFiltersAndPages) {
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(store_
                    ->AppendAudit(Entry(i % 3 == 0 ? "auditor" : "reader",
                                        i % 2 == 0 ? "GetDataset" : "ListDatasets",
                                        i % 5 == 0 ? 7 : 0, "datasets/d" + std::to_string(i % 4)),
                                  true)
                    .ok());
  }
  AuditQuery query;
  query.principal = "auditor";
  query.method = "GetDataset";
  query.limit = 2;
  std::vector<uint64_t> seen;
  for (int pages = 0; pages < 20; ++pages) {
    absl::StatusOr<AuditPage> page = store_->ListAudit(query);
    ASSERT_TRUE(page.ok());
    for (const AuditEntry& e : page->entries) {
      EXPECT_EQ(e.principal(), "auditor");
      EXPECT_TRUE(absl::EndsWith(e.method(), "/GetDataset"));
      seen.push_back(e.sequence());
    }
    if (page->next_after == 0) break;
    query.after_sequence = page->next_after;
  }
  // i in {0, 6, 12, 18, 24}: sequences 1, 7, 13, 19, 25, newest first.
  EXPECT_EQ(seen, (std::vector<uint64_t>{25, 19, 13, 7, 1}));
  AuditQuery denied;
  denied.code = 7;
  EXPECT_EQ(store_->ListAudit(denied)->entries.size(), 6u);
  AuditQuery none_in_range;
  none_in_range.to = absl::Now() - absl::Hours(1);
  EXPECT_TRUE(store_->ListAudit(none_in_range)->entries.empty());
}

TEST_F(AuditTrailTest, OldestFirstPagingStopsAtTheBoundEvenWhileTheTrailGrows) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->AppendAudit(Entry("reader", "GetDataset", 0), true).ok());
  }
  AuditQuery query;
  query.descending = false;
  query.limit = 2;
  query.up_to_sequence = store_->LatestAuditSequence();
  EXPECT_EQ(query.up_to_sequence, 5u);
  std::vector<uint64_t> seen;
  for (int pages = 0; pages < 20; ++pages) {
    // Every page request is itself a call that appends to the trail.
    ASSERT_TRUE(store_->AppendAudit(Entry("auditor", "ListAuditEvents", 0), true).ok());
    absl::StatusOr<AuditPage> page = store_->ListAudit(query);
    ASSERT_TRUE(page.ok());
    for (const AuditEntry& e : page->entries) seen.push_back(e.sequence());
    if (page->next_after == 0) break;
    query.after_sequence = page->next_after;
  }
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
}

}  // namespace
}  // namespace catalog::storage
