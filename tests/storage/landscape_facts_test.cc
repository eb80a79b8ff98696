// The landscape facts the store keeps in memory: they follow every kind of
// write (datasets, measurements, terugmeldingen, deliveries), are the same
// after a reopen, and the latest-score entries they load from are derived
// once for a store that has none and verified by `check`. Reads of datasets
// are counted from the audit trail per day and principal.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "storage/column_families.h"
#include "storage/key_codec.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::TimeUtil;
using storage::DatasetFacts;

constexpr uint8_t kJuistheid = v1::QUALITY_DIMENSION_JUISTHEID;

class LandscapeFactsTest : public StoreTest {
 protected:
  static storage::WriteContext Context() {
    storage::WriteContext context;
    context.principal = "tester";
    return context;
  }

  static v1::Measurement M(const std::string& dataset, double score, int day) {
    v1::Measurement m;
    m.set_dataset("datasets/" + dataset);
    m.set_dimension(v1::QUALITY_DIMENSION_JUISTHEID);
    m.set_score(score);
    *m.mutable_measured_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(
        absl::FromCivil(absl::CivilDay(2026, 3, day), absl::UTCTimeZone())));
    return m;
  }

  DatasetFacts Facts(const std::string& id) {
    DatasetFacts f;
    EXPECT_TRUE(store_->facts().Get(id, &f)) << id;
    return f;
  }

  // JUISTHEID's latest score of `id`, or -1.
  double Latest(const std::string& id) {
    const DatasetFacts f = Facts(id);
    const storage::DimensionFacts* d = f.Dimension(kJuistheid);
    return d != nullptr && d->measured ? d->latest : -1;
  }

  rocksdb::ColumnFamilyHandle* Measurements() {
    return store_->RawColumnFamilyForTesting(static_cast<int>(storage::Cf::kMeasurements));
  }
};

TEST_F(LandscapeFactsTest, FollowEveryWriteAndSurviveReopen) {
  v1::Dataset d = ValidDataset("wmo");
  d.mutable_hosting()->set_provider("Suite4");
  v1::QualityNorm* norm = d.add_quality_norms();
  norm->set_dimension(v1::QUALITY_DIMENSION_JUISTHEID);
  norm->set_target(95);
  ASSERT_TRUE(store_->CreateDataset(d, Context()).ok());
  EXPECT_EQ(store_->facts().Text(Facts("wmo").provider), "Suite4");
  EXPECT_TRUE(Facts("wmo").owner);
  EXPECT_EQ(Latest("wmo"), -1);
  // Newest by measured_at, whatever the order of arrival.
  ASSERT_TRUE(store_->RecordMeasurements({M("wmo", 80, 20), M("wmo", 70, 10)}, Context())[0]
                  .status.ok());
  ASSERT_TRUE(store_->RecordMeasurements({M("wmo", 60, 5)}, Context())[0].status.ok());
  EXPECT_FLOAT_EQ(Latest("wmo"), 80);
  v1::Terugmelding t;
  t.set_id("t1");
  t.set_dataset("datasets/wmo");
  t.set_status(v1::TERUGMELDING_STATUS_GEMELD);
  ASSERT_TRUE(store_->CreateTerugmelding(t, Context()).ok());
  ASSERT_EQ(Facts("wmo").reports.size(), 1u);
  // A change of the record keeps the scores and reports.
  d.mutable_hosting()->set_provider("Andere leverancier");
  ASSERT_TRUE(store_->ReplaceDataset(d, 0, Context()).ok());
  EXPECT_EQ(store_->facts().Text(Facts("wmo").provider), "Andere leverancier");
  EXPECT_FLOAT_EQ(Latest("wmo"), 80);

  Reopen();
  EXPECT_FLOAT_EQ(Latest("wmo"), 80);
  const DatasetFacts reopened = Facts("wmo");
  ASSERT_NE(reopened.Dimension(kJuistheid), nullptr);
  EXPECT_TRUE(reopened.Dimension(kJuistheid)->has_norm);
  ASSERT_EQ(Facts("wmo").reports.size(), 1u);
  EXPECT_EQ(Facts("wmo").reports[0].status, v1::TERUGMELDING_STATUS_GEMELD);
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();

  ASSERT_TRUE(store_->DeleteDataset("wmo", 0, Context(), false).ok());
  DatasetFacts gone;
  EXPECT_FALSE(store_->facts().Get("wmo", &gone));
  EXPECT_EQ(store_->facts().size(), 0u);
}

TEST_F(LandscapeFactsTest, LatestScoresAreDerivedOnceForAStoreWithoutThem) {
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("bag"), Context()).ok());
  ASSERT_TRUE(store_->RecordMeasurements({M("bag", 50, 1), M("bag", 75, 9)}, Context())[0]
                  .status.ok());
  // As written by a catalogd before latest scores were recorded.
  ASSERT_TRUE(store_->RawDbForTesting()
                  ->Delete(rocksdb::WriteOptions(), Measurements(),
                           storage::LatestScoreKey("bag", kJuistheid))
                  .ok());
  Reopen();
  EXPECT_FLOAT_EQ(Latest("bag"), 75);
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
}

TEST_F(LandscapeFactsTest, CheckFindsALatestScoreThatDoesNotMatch) {
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("bgt"), Context()).ok());
  ASSERT_TRUE(store_->RecordMeasurements({M("bgt", 90, 3)}, Context())[0].status.ok());
  ASSERT_TRUE(store_->RawDbForTesting()
                  ->Put(rocksdb::WriteOptions(), Measurements(),
                        storage::LatestScoreKey("bgt", kJuistheid),
                        storage::LatestScoreValue(1, 900000))
                  .ok());
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems.front().find("latest score"), std::string::npos)
      << report->problems.front();
}

TEST_F(LandscapeFactsTest, EdgeCountsFollowAddsReplacesAndForcedDeletes) {
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_TRUE(store_->CreateDataset(ValidDataset(id), Context()).ok());
  }
  auto link = [&](const char* source, const char* target) {
    storage::LineageWrite write;
    storage::EdgeWrite edge;
    edge.edge = ValidEdge(absl::StrCat("datasets/", source), absl::StrCat("datasets/", target));
    write.edges.push_back(edge);
    ASSERT_TRUE(store_->WriteLineage(std::move(write), Context()).ok());
  };
  link("a", "b");
  link("a", "b");  // Replaced, not added.
  link("b", "c");
  EXPECT_EQ(Facts("a").edges, 1u);
  EXPECT_EQ(Facts("b").edges, 2u);
  Reopen();
  EXPECT_EQ(Facts("b").edges, 2u);
  ASSERT_TRUE(store_->DeleteDataset("b", 0, Context(), /*force=*/true).ok());
  EXPECT_EQ(Facts("a").edges, 0u);
  EXPECT_EQ(Facts("c").edges, 0u);
}

TEST_F(LandscapeFactsTest, UndocumentedDeliveriesAreKnownAfterReopen) {
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("export"), Context()).ok());
  v1::ExternalParty cbs = ValidParty("cbs");
  ASSERT_TRUE(store_->CreateParty(cbs, Context()).ok());
  storage::LineageWrite write;
  storage::EdgeWrite edge;
  edge.edge.set_source("datasets/export");
  edge.edge.set_target("parties/cbs");
  edge.edge.set_relation(v1::LINEAGE_RELATION_DELIVERY);
  write.edges.push_back(edge);
  ASSERT_TRUE(store_->WriteLineage(std::move(write), Context()).ok());
  EXPECT_EQ(Facts("export").undocumented_deliveries, std::vector<std::string>{"parties/cbs"});
  EXPECT_EQ(Facts("export").edges, 1u);
  Reopen();
  EXPECT_EQ(Facts("export").undocumented_deliveries, std::vector<std::string>{"parties/cbs"});
  EXPECT_EQ(Facts("export").edges, 1u);
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
  ASSERT_TRUE(store_->DeleteEdge("datasets/export", "parties/cbs", 0, Context()).ok());
  EXPECT_TRUE(Facts("export").undocumented_deliveries.empty());
  EXPECT_EQ(Facts("export").edges, 0u);
}

TEST_F(LandscapeFactsTest, ReadsAreCountedPerDayAndPrincipalFromAllowedReads) {
  const absl::Time day = absl::FromCivil(absl::CivilDay(2026, 11, 2), absl::UTCTimeZone());
  // The store counts what the caller says an entry read; it interprets no
  // method names.
  auto entry = [&](const std::string& principal, int code, absl::Time at,
                   std::vector<std::string> read) {
    storage::AuditEntry e;
    e.set_time_micros(absl::ToUnixMicros(at));
    e.set_principal(principal);
    e.set_method("/catalog.v1.CatalogService/GetDataset");
    e.set_code(code);
    EXPECT_TRUE(store_->AppendAudit(e, true, std::move(read)).ok());
  };
  const absl::Duration hour = absl::Hours(1);
  entry("reader", 0, day + hour, {"brp"});
  entry("reader", 0, day + 2 * hour, {"brp"});
  entry("steward", 0, day + hour, {"brp", "brp"});  // Once per call.
  entry("steward", 5, day + hour, {"brp"});         // Failed: no read.
  entry("steward", 0, day + hour, {});              // Read nothing (a write).
  entry("admin", 0, day + 30 * hour, {"brp"});      // The next day.
  auto reads = store_->DatasetReads("brp", day, day + hour);
  ASSERT_TRUE(reads.ok());
  EXPECT_EQ(*reads, (std::map<std::string, int64_t>{{"reader", 2}, {"steward", 1}}));
  Reopen();
  reads = store_->DatasetReads("brp", day, day + 48 * hour);
  ASSERT_TRUE(reads.ok());
  EXPECT_EQ(*reads,
            (std::map<std::string, int64_t>{{"admin", 1}, {"reader", 2}, {"steward", 1}}));
  reads = store_->DatasetReads("brp", day + 24 * hour, day + 48 * hour);
  ASSERT_TRUE(reads.ok());
  EXPECT_EQ(*reads, (std::map<std::string, int64_t>{{"admin", 1}}));
  reads = store_->DatasetReads("br", day, day + 48 * hour);  // A prefix is another dataset.
  ASSERT_TRUE(reads.ok());
  EXPECT_TRUE(reads->empty());
}

}  // namespace
}  // namespace catalog::testing
