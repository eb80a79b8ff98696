#include "storage/catalog_store.h"

#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "storage/column_families.h"
#include "storage/dataset_indexes.h"
#include "storage/key_codec.h"
#include "tests/support/test_support.h"

namespace catalog::storage {
namespace {

using catalog::testing::ValidDataset;
using catalog::v1::Dataset;

class CatalogStoreTest : public catalog::testing::StoreTest {
 protected:
  Dataset Create(const std::string& id) {
    absl::StatusOr<Dataset> created = store_->CreateDataset(ValidDataset(id), context_);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : Dataset();
  }

  void ExpectConsistent() {
    absl::StatusOr<CheckReport> report = store_->Check();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems[0]);
  }

  std::vector<std::string> ListIds(DatasetQuery query) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      absl::StatusOr<DatasetPage> page = store_->ListDatasets(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const Dataset& d : page->datasets) ids.push_back(d.id());
      if (page->next_cursor.empty()) break;
      query.cursor = page->next_cursor;
    }
    return ids;
  }

  WriteContext context_{"steward", "req-1", absl::FromUnixSeconds(1700000000), std::nullopt, {}};
};

TEST_F(CatalogStoreTest, CreateThenGetRoundTripsWithBookkeeping) {
  Dataset created = Create("brp-ingezetenen");
  EXPECT_EQ(created.revision(), 1);
  EXPECT_EQ(created.etag(), "1");
  EXPECT_EQ(created.create_time().seconds(), 1700000000);
  absl::StatusOr<Dataset> read = store_->GetDataset("brp-ingezetenen");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->SerializeAsString(), created.SerializeAsString());
  ExpectConsistent();
}

TEST_F(CatalogStoreTest, GetMissingReturnsNotFound) {
  EXPECT_EQ(store_->GetDataset("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CatalogStoreTest, CreateDuplicateReturnsAlreadyExists) {
  Create("bag-panden");
  EXPECT_EQ(store_->CreateDataset(ValidDataset("bag-panden"), context_).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->LatestRevision(), 1);
}

TEST_F(CatalogStoreTest, ReplaceMovesIndexEntriesAndKeepsCreateTime) {
  Create("woz-objecten");
  Dataset changed = ValidDataset("woz-objecten");
  changed.set_domain("Belastingen");
  changed.add_tags("woz");
  WriteContext later = context_;
  later.time += absl::Hours(1);
  absl::StatusOr<Dataset> replaced = store_->ReplaceDataset(changed, 1, later);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->create_time().seconds(), 1700000000);
  EXPECT_EQ(replaced->update_time().seconds(), 1700003600);

  DatasetQuery by_old_domain;
  by_old_domain.filter.set_domain("Sociaal domein");
  EXPECT_TRUE(ListIds(by_old_domain).empty());
  DatasetQuery by_new_domain;
  by_new_domain.filter.set_domain("belastingen");  // Case-insensitive.
  EXPECT_EQ(ListIds(by_new_domain), std::vector<std::string>{"woz-objecten"});
  DatasetQuery by_tag;
  by_tag.filter.set_tag("WOZ");
  EXPECT_EQ(ListIds(by_tag).size(), 1u);
  ExpectConsistent();
}

TEST_F(CatalogStoreTest, ReplaceWithStaleRevisionIsAbortedAndChangesNothing) {
  Create("hr-vestigingen");
  Dataset changed = ValidDataset("hr-vestigingen");
  changed.set_title("changed");
  ASSERT_TRUE(store_->ReplaceDataset(changed, 1, context_).ok());
  changed.set_title("lost update");
  EXPECT_EQ(store_->ReplaceDataset(changed, 1, context_).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(store_->GetDataset("hr-vestigingen")->title(), "changed");
}

TEST_F(CatalogStoreTest, ReplaceMissingReturnsNotFound) {
  EXPECT_EQ(store_->ReplaceDataset(ValidDataset("ghost"), 0, context_).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CatalogStoreTest, DeleteRemovesRecordAndIndexesButKeepsHistory) {
  Create("jeugd-dossiers");
  absl::StatusOr<int64_t> revision = store_->DeleteDataset("jeugd-dossiers", 1, context_);
  ASSERT_TRUE(revision.ok());
  EXPECT_EQ(*revision, 2);
  EXPECT_EQ(store_->GetDataset("jeugd-dossiers").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(ListIds(DatasetQuery()).empty());
  EXPECT_TRUE(store_->GetDatasetAt("jeugd-dossiers", 1).ok());
  EXPECT_EQ(store_->GetDatasetAt("jeugd-dossiers", 2).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<RevisionPage> history = store_->ListRevisions("jeugd-dossiers", 0, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->revisions.size(), 2u);
  EXPECT_EQ(history->revisions[0].kind(), catalog::v1::CHANGE_KIND_DELETE);
  EXPECT_EQ(history->revisions[1].kind(), catalog::v1::CHANGE_KIND_CREATE);
  ExpectConsistent();
}

TEST_F(CatalogStoreTest, DeleteErrors) {
  EXPECT_EQ(store_->DeleteDataset("ghost", 0, context_).status().code(),
            absl::StatusCode::kNotFound);
  Create("schuldhulp");
  EXPECT_EQ(store_->DeleteDataset("schuldhulp", 7, context_).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_TRUE(store_->GetDataset("schuldhulp").ok());
}

TEST_F(CatalogStoreTest, GetDatasetAtReturnsTheStateAtThatRevision) {
  Create("afval-containers");             // revision 1
  Create("other");                        // revision 2
  Dataset changed = ValidDataset("afval-containers");
  changed.set_title("v2");
  ASSERT_TRUE(store_->ReplaceDataset(changed, 1, context_).ok());  // revision 3
  EXPECT_EQ(store_->GetDatasetAt("afval-containers", 2)->title(), "Dataset afval-containers");
  EXPECT_EQ(store_->GetDatasetAt("afval-containers", 3)->title(), "v2");
  EXPECT_EQ(store_->GetDatasetAt("other", 1).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CatalogStoreTest, ListRevisionsPagesNewestFirst) {
  Create("parkeer-vergunningen");
  Dataset d = ValidDataset("parkeer-vergunningen");
  for (int i = 0; i < 4; ++i) {
    d.set_title("v" + std::to_string(i));
    ASSERT_TRUE(store_->ReplaceDataset(d, 0, context_).ok());
  }
  std::vector<int64_t> seen;
  int64_t before = 0;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<RevisionPage> page = store_->ListRevisions("parkeer-vergunningen", before, 2);
    ASSERT_TRUE(page.ok());
    for (const auto& r : page->revisions) seen.push_back(r.revision());
    if (page->next_before == 0) break;
    before = page->next_before;
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{5, 4, 3, 2, 1}));
  EXPECT_EQ(store_->ListRevisions("never", 0, 2).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CatalogStoreTest, BatchWritesFailItemsAloneAndSeeEarlierItems) {
  Create("existing");
  std::vector<DatasetWrite> writes;
  writes.push_back({ValidDataset("new-one"), WriteMode::kCreate, 0});
  writes.push_back({ValidDataset("existing"), WriteMode::kCreate, 0});  // Fails alone.
  Dataset second = ValidDataset("new-one");
  second.set_title("second write wins");
  writes.push_back({second, WriteMode::kUpsert, 0});
  std::vector<DatasetWriteResult> results = store_->WriteDatasets(writes, context_);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].status.ok());
  EXPECT_TRUE(results[0].created);
  EXPECT_EQ(results[1].status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(results[2].status.ok());
  EXPECT_FALSE(results[2].created);
  EXPECT_EQ(store_->GetDataset("new-one")->title(), "second write wins");
  EXPECT_EQ(store_->GetDataset("new-one")->create_time().seconds(), 1700000000);
  ExpectConsistent();
}

TEST_F(CatalogStoreTest, ListPagesThroughEverythingOnceInIdOrder) {
  std::vector<std::string> expected;
  for (int i = 0; i < 57; ++i) {
    char id[32];
    std::snprintf(id, sizeof(id), "ds-%03d", (i * 37) % 57);
    Create(id);
    expected.push_back(id);
  }
  std::sort(expected.begin(), expected.end());
  DatasetQuery query;
  query.limit = 10;
  EXPECT_EQ(ListIds(query), expected);
  query.scan_budget = 3;  // Pages end early, but nothing is lost.
  EXPECT_EQ(ListIds(query), expected);
}

TEST_F(CatalogStoreTest, UnchangedWriteWritesNothing) {
  Create("aaa");
  const int64_t before = store_->LatestRevision();
  std::vector<DatasetWriteResult> results =
      store_->WriteDatasets({{ValidDataset("aaa"), WriteMode::kUpsert, 0}}, context_);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].status.ok()) << results[0].status;
  EXPECT_TRUE(results[0].unchanged);
  EXPECT_FALSE(results[0].created);
  EXPECT_EQ(results[0].stored.revision(), before);
  EXPECT_EQ(store_->LatestRevision(), before) << "no revision, no change-log entry";
  Dataset changed = ValidDataset("aaa");
  changed.set_title("Anders");
  results = store_->WriteDatasets({{changed, WriteMode::kUpsert, 0}}, context_);
  EXPECT_FALSE(results[0].unchanged);
  EXPECT_EQ(store_->LatestRevision(), before + 1);
  ExpectConsistent();
}

TEST_F(CatalogStoreTest, ListByUpdateTimeFollowsRevisions) {
  Create("aaa");
  Create("bbb");
  Create("ccc");
  Dataset changed = ValidDataset("aaa");
  changed.set_title("Gewijzigd");  // An unchanged write would not count as an update.
  ASSERT_TRUE(store_->ReplaceDataset(changed, 0, context_).ok());
  DatasetQuery newest_first;
  newest_first.order = catalog::v1::DATASET_ORDER_UPDATE_TIME_DESC;
  newest_first.limit = 2;
  EXPECT_EQ(ListIds(newest_first), (std::vector<std::string>{"aaa", "ccc", "bbb"}));
  DatasetQuery oldest_first;
  oldest_first.order = catalog::v1::DATASET_ORDER_UPDATE_TIME_ASC;
  EXPECT_EQ(ListIds(oldest_first), (std::vector<std::string>{"bbb", "ccc", "aaa"}));
}

TEST_F(CatalogStoreTest, ListFiltersThroughIndexesAndRanges) {
  Dataset open = ValidDataset("open-data");
  open.mutable_classification()->set_confidentiality(catalog::v1::CONFIDENTIALITY_OPENBAAR);
  open.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
  open.mutable_hosting()->set_provider("Microsoft Azure");
  open.mutable_hosting()->set_inside_eea(false);
  Dataset secret = ValidDataset("secret-data");
  secret.mutable_classification()->set_confidentiality(catalog::v1::CONFIDENTIALITY_GEHEIM);
  secret.mutable_personal_data()->set_contains_personal_data(true);
  secret.mutable_hosting()->set_inside_eea(true);
  ASSERT_TRUE(store_->CreateDataset(open, context_).ok());
  ASSERT_TRUE(store_->CreateDataset(secret, context_).ok());

  DatasetQuery query;
  query.filter.set_min_confidentiality(catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  EXPECT_EQ(ListIds(query), std::vector<std::string>{"secret-data"});
  query = DatasetQuery();
  query.filter.set_provider("microsoft azure");
  EXPECT_EQ(ListIds(query), std::vector<std::string>{"open-data"});
  query = DatasetQuery();
  query.filter.set_inside_eea(false);
  EXPECT_EQ(ListIds(query), std::vector<std::string>{"open-data"});
  query = DatasetQuery();
  query.filter.set_contains_personal_data(true);
  query.filter.set_domain("Sociaal domein");
  EXPECT_EQ(ListIds(query), std::vector<std::string>{"secret-data"});
  query = DatasetQuery();
  query.visible = [](const Dataset& d) {
    return d.classification().confidentiality() <= catalog::v1::CONFIDENTIALITY_INTERN;
  };
  EXPECT_EQ(ListIds(query), std::vector<std::string>{"open-data"});
}

TEST_F(CatalogStoreTest, ListRejectsACursorOfAnotherQuery) {
  Create("aaa");
  DatasetQuery query;
  query.filter.set_basisregistratie(catalog::v1::BASISREGISTRATIE_BRP);
  query.cursor = DatasetKey("zzz");  // Outside the BRP index range.
  EXPECT_EQ(store_->ListDatasets(query).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CatalogStoreTest, RevisionsContinueAfterReopen) {
  Create("aaa");
  Create("bbb");
  Reopen();
  EXPECT_EQ(store_->LatestRevision(), 2);
  EXPECT_EQ(Create("ccc").revision(), 3);
  EXPECT_EQ(store_->GetDataset("aaa")->title(), "Dataset aaa");
}

TEST_F(CatalogStoreTest, OpenRefusesAnotherFormatVersion) {
  std::string other;
  AppendUint32(&other, kFormatVersion + 1);
  ASSERT_TRUE(store_->RawDbForTesting()
                  ->Put(rocksdb::WriteOptions(),
                        store_->RawColumnFamilyForTesting(static_cast<int>(Cf::kMeta)),
                        std::string(kMetaFormatVersion), other)
                  .ok());
  ASSERT_TRUE(store_->Close().ok());
  store_.reset();
  absl::StatusOr<std::unique_ptr<CatalogStore>> opened = CatalogStore::Open({dir_.path()});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("format version"), absl::string_view::npos);
}

TEST_F(CatalogStoreTest, CheckFindsAMissingIndexEntry) {
  Create("aaa");
  auto* indexes = store_->RawColumnFamilyForTesting(static_cast<int>(Cf::kIndexes));
  const std::string key = DatasetIndexKeys(*store_->GetDataset("aaa"))[0];
  ASSERT_TRUE(store_->RawDbForTesting()->Delete(rocksdb::WriteOptions(), indexes, key).ok());
  absl::StatusOr<CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems[0].find("index entry missing"), std::string::npos);
}

TEST_F(CatalogStoreTest, CheckFindsStaleAndDanglingIndexEntries) {
  Create("aaa");
  auto* indexes = store_->RawColumnFamilyForTesting(static_cast<int>(Cf::kIndexes));
  rocksdb::DB* db = store_->RawDbForTesting();
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), indexes,
                      IndexKey(static_cast<uint8_t>(DatasetIndex::kDomain),
                               TextIndexValue("ruimte"), "aaa"),
                      "")
                  .ok());
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), indexes,
                      IndexKey(static_cast<uint8_t>(DatasetIndex::kDomain),
                               TextIndexValue("ruimte"), "ghost"),
                      "")
                  .ok());
  absl::StatusOr<CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  std::string all;
  for (const std::string& p : report->problems) all += p + "\n";
  EXPECT_NE(all.find("stale entry for dataset aaa"), std::string::npos) << all;
  EXPECT_NE(all.find("entry for missing dataset ghost"), std::string::npos) << all;
}

TEST_F(CatalogStoreTest, CorruptRecordReadsAsDataLoss) {
  Create("aaa");
  ASSERT_TRUE(store_->RawDbForTesting()
                  ->Put(rocksdb::WriteOptions(),
                        store_->RawColumnFamilyForTesting(static_cast<int>(Cf::kDatasets)),
                        DatasetKey("aaa"), "\xff\xff\xff garbage")
                  .ok());
  EXPECT_EQ(store_->GetDataset("aaa").status().code(), absl::StatusCode::kDataLoss);
  absl::StatusOr<CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok());
}

TEST_F(CatalogStoreTest, ConcurrentWritersGetUniqueRevisionsAndConsistentIndexes) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> revisions(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        absl::StatusOr<Dataset> d = store_->CreateDataset(ValidDataset(id), context_);
        if (d.ok()) revisions[t].push_back(d->revision());
        // Everyone also updates one shared dataset: the lock stripe serializes them.
        Dataset shared = ValidDataset("shared");
        shared.set_title(id);  // A change each time (an unchanged write writes nothing).
        store_->WriteDatasets({{shared, WriteMode::kUpsert, 0}}, context_);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<int64_t> unique;
  for (const auto& list : revisions) unique.insert(list.begin(), list.end());
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(store_->LatestRevision(), 2 * kThreads * kPerThread);
  EXPECT_EQ(ListIds(DatasetQuery()).size(), static_cast<size_t>(kThreads * kPerThread + 1));
  ExpectConsistent();
}

}  // namespace
}  // namespace catalog::storage
