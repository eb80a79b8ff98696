// The terugmelding half of CatalogStore: records and the reporter index in
// one atomic write with their change-log entries, revisions and etags,
// listings per dataset and per reporter, the key layout, and `check` both
// ways.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "storage/column_families.h"
#include "storage/key_codec.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::Terugmelding;

class TerugmeldingStoreTest : public StoreTest {
 protected:
  void AddDataset(const std::string& id) {
    ASSERT_TRUE(store_->CreateDataset(ValidDataset(id), Context()).ok());
  }

  static storage::WriteContext Context(const std::string& principal = "tester") {
    storage::WriteContext context;
    context.principal = principal;
    context.request_id = "req-1";
    return context;
  }

  static Terugmelding Report(const std::string& dataset, const std::string& id,
                             const std::string& reporter = "reader") {
    Terugmelding t;
    t.set_dataset(absl::StrCat("datasets/", dataset));
    t.set_id(id);
    t.set_reporter_principal(reporter);
    t.set_explanation("adres klopt niet");
    t.set_status(catalog::v1::TERUGMELDING_STATUS_GEMELD);
    return t;
  }

  absl::StatusOr<Terugmelding> File(const std::string& dataset, const std::string& id,
                                    const std::string& reporter = "reader") {
    return store_->CreateTerugmelding(Report(dataset, id, reporter), Context(reporter));
  }

  void ExpectCheckOk() {
    absl::StatusOr<storage::CheckReport> report = store_->Check();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok()) << report->problems.front();
  }

  rocksdb::ColumnFamilyHandle* Family() {
    return store_->RawColumnFamilyForTesting(static_cast<int>(storage::Cf::kTerugmeldingen));
  }
};

TEST(TerugmeldingKeys, RoundTripAndOrderByDatasetThenId) {
  std::string dataset, id, principal;
  ASSERT_TRUE(storage::ParseTerugmeldingKey(storage::TerugmeldingKey("bag", "tm-1"), &dataset,
                                            &id));
  EXPECT_EQ(dataset, "bag");
  EXPECT_EQ(id, "tm-1");
  ASSERT_TRUE(storage::ParseReporterIndexKey(storage::ReporterIndexKey("reader", "bag", "tm-1"),
                                             &principal, &dataset, &id));
  EXPECT_EQ(principal, "reader");
  EXPECT_EQ(dataset, "bag");
  EXPECT_EQ(id, "tm-1");
  EXPECT_LT(storage::TerugmeldingKey("bag", "tm-z"), storage::TerugmeldingKey("bag2", "tm-a"));
  // The two kinds never parse as each other and never share a prefix.
  EXPECT_FALSE(storage::ParseTerugmeldingKey(storage::ReporterIndexKey("r", "bag", "x"),
                                             &dataset, &id));
  EXPECT_FALSE(storage::ParseReporterIndexKey(storage::TerugmeldingKey("bag", "x"), &principal,
                                              &dataset, &id));
  EXPECT_EQ(storage::TerugmeldingKey("a", "b")[0], 1);
  EXPECT_EQ(storage::ReporterIndexKey("p", "a", "b")[0], 2);
}

TEST_F(TerugmeldingStoreTest, CreateStampsAndChecksDatasetAndId) {
  AddDataset("bag");
  absl::StatusOr<Terugmelding> created = File("bag", "tm-1");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "datasets/bag/reports/tm-1");
  EXPECT_EQ(created->dataset(), "datasets/bag");
  EXPECT_GT(created->revision(), 0);
  EXPECT_EQ(created->etag(), absl::StrCat(created->revision()));
  EXPECT_GT(created->create_time().seconds(), 1000000000);
  EXPECT_EQ(store_->LatestRevision(), created->revision());

  EXPECT_EQ(File("bag", "tm-1").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(File("onbekend", "tm-2").status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<Terugmelding> got = store_->GetTerugmelding("datasets/bag", "tm-1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->revision(), created->revision());
  EXPECT_EQ(store_->GetTerugmelding("bag", "tm-9").status().code(),
            absl::StatusCode::kNotFound);
  ExpectCheckOk();
}

TEST_F(TerugmeldingStoreTest, ReplaceChecksRevisionAndKeepsIdentity) {
  AddDataset("bag");
  absl::StatusOr<Terugmelding> created = File("bag", "tm-1", "reader");
  ASSERT_TRUE(created.ok());
  Terugmelding change = *created;
  change.set_status(catalog::v1::TERUGMELDING_STATUS_IN_BEHANDELING);
  change.set_reporter_principal("iemand-anders");  // Fixed at filing: ignored.
  EXPECT_EQ(store_->ReplaceTerugmelding(change, created->revision() + 5, Context())
                .status()
                .code(),
            absl::StatusCode::kAborted);
  absl::StatusOr<Terugmelding> replaced =
      store_->ReplaceTerugmelding(change, created->revision(), Context("steward"));
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_GT(replaced->revision(), created->revision());
  EXPECT_EQ(replaced->reporter_principal(), "reader");
  EXPECT_EQ(replaced->create_time().seconds(), created->create_time().seconds());
  EXPECT_EQ(replaced->status(), catalog::v1::TERUGMELDING_STATUS_IN_BEHANDELING);
  // Unconditional (0) replaces whatever is there.
  EXPECT_TRUE(store_->ReplaceTerugmelding(*replaced, 0, Context()).ok());
  Terugmelding missing = Report("bag", "tm-9");
  EXPECT_EQ(store_->ReplaceTerugmelding(missing, 0, Context()).status().code(),
            absl::StatusCode::kNotFound);
  ExpectCheckOk();
}

TEST_F(TerugmeldingStoreTest, ListsPerDatasetAndPerReporterPageEveryReportOnce) {
  AddDataset("bag");
  AddDataset("brp");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(File("bag", absl::StrCat("tm-", i), "reader").ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(File("brp", absl::StrCat("tm-", i), "reader").ok());
  ASSERT_TRUE(File("brp", "tm-x", "steward").ok());

  auto all = [&](auto list) {
    std::set<std::string> seen;
    std::string cursor;
    for (int pages = 0; pages < 20; ++pages) {
      absl::StatusOr<storage::TerugmeldingPage> page = list(cursor);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const Terugmelding& t : page->terugmeldingen) {
        EXPECT_TRUE(seen.insert(t.name()).second) << t.name();
      }
      if (page->next_cursor.empty()) break;
      cursor = page->next_cursor;
    }
    return seen;
  };
  EXPECT_EQ(all([&](const std::string& c) { return store_->ListTerugmeldingen("bag", c, 2); })
                .size(),
            5u);
  EXPECT_EQ(all([&](const std::string& c) { return store_->ListTerugmeldingen("brp", c, 2); })
                .size(),
            4u);
  EXPECT_EQ(
      all([&](const std::string& c) { return store_->ListTerugmeldingenOf("reader", c, 3); })
          .size(),
      8u);
  EXPECT_EQ(all([&](const std::string& c) {
              return store_->ListTerugmeldingenOf("steward", c, 3);
            }),
            std::set<std::string>{"datasets/brp/reports/tm-x"});
  // A cursor of another listing is refused.
  absl::StatusOr<storage::TerugmeldingPage> first = store_->ListTerugmeldingen("bag", "", 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(store_->ListTerugmeldingen("brp", first->next_cursor, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TerugmeldingStoreTest, ReportsOutliveTheirDatasetAndCheckStaysClean) {
  AddDataset("bag");
  ASSERT_TRUE(File("bag", "tm-1").ok());
  ASSERT_TRUE(store_->DeleteDataset("bag", 0, Context()).ok());
  EXPECT_TRUE(store_->GetTerugmelding("bag", "tm-1").ok());
  ExpectCheckOk();
  Reopen();
  EXPECT_TRUE(store_->GetTerugmelding("bag", "tm-1").ok());
  ExpectCheckOk();
}

TEST_F(TerugmeldingStoreTest, CheckFindsAMissingReporterIndexEntry) {
  AddDataset("bag");
  ASSERT_TRUE(File("bag", "tm-1", "reader").ok());
  ASSERT_TRUE(store_->RawDbForTesting()
                  ->Delete(rocksdb::WriteOptions(), Family(),
                           storage::ReporterIndexKey("reader", "bag", "tm-1"))
                  .ok());
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems.front().find("datasets/bag/reports/tm-1: reporter index"),
            std::string::npos)
      << report->problems.front();
}

TEST_F(TerugmeldingStoreTest, CheckFindsAnIndexEntryWithoutRecord) {
  AddDataset("bag");
  ASSERT_TRUE(store_->RawDbForTesting()
                  ->Put(rocksdb::WriteOptions(), Family(),
                        storage::ReporterIndexKey("reader", "bag", "tm-spook"), "")
                  .ok());
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems.front().find("datasets/bag/reports/tm-spook"), std::string::npos)
      << report->problems.front();
}

TEST_F(TerugmeldingStoreTest, CheckFindsAnIndexEntryOfAnotherReporter) {
  AddDataset("bag");
  ASSERT_TRUE(File("bag", "tm-1", "reader").ok());
  rocksdb::DB* db = store_->RawDbForTesting();
  ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), Family(),
                         storage::ReporterIndexKey("reader", "bag", "tm-1"))
                  .ok());
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), Family(),
                      storage::ReporterIndexKey("steward", "bag", "tm-1"), "")
                  .ok());
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->problems.size(), 2u);
}

}  // namespace
}  // namespace catalog::testing
