// Quality measurements in the store: written with their monthly aggregates
// in one atomic write (merged, never read first), latest by measured_at,
// aggregates surviving a reopen, and `check` catching an aggregate that no
// longer matches its measurements.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <google/protobuf/util/time_util.h>

#include "absl/time/civil_time.h"
#include "storage/column_families.h"
#include "storage/key_codec.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::TimeUtil;

class QualityStoreTest : public StoreTest {
 protected:
  static storage::WriteContext Context() {
    storage::WriteContext context;
    context.principal = "tester";
    return context;
  }

  static v1::Measurement M(const std::string& dataset, double score, int year, int month,
                           int day) {
    v1::Measurement m;
    m.set_dataset("datasets/" + dataset);
    m.set_dimension(v1::QUALITY_DIMENSION_JUISTHEID);
    m.set_score(score);
    *m.mutable_measured_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(
        absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone())));
    return m;
  }

  static int Month(int year, int month) { return year * 12 + month - 1; }
};

TEST_F(QualityStoreTest, AggregatesFollowTheMeasurementsAndSurviveReopen) {
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("brp-bron"), Context()).ok());
  const std::vector<storage::MeasurementWriteResult> written = store_->RecordMeasurements(
      {M("brp-bron", 90, 2026, 3, 1), M("brp-bron", 80, 2026, 3, 31), M("brp-bron", 70, 2026, 4, 1),
       M("onbekend", 50, 2026, 3, 1)},
      Context());
  ASSERT_EQ(written.size(), 4u);
  EXPECT_TRUE(written[0].status.ok());
  EXPECT_EQ(written[3].status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(written[1].stored.revision(), written[0].stored.revision() + 1);

  for (int round = 0; round < 2; ++round) {
    auto months = store_->MonthlyAggregates("brp-bron", v1::QUALITY_DIMENSION_JUISTHEID,
                                            Month(2026, 1), Month(2026, 12));
    ASSERT_TRUE(months.ok()) << months.status();
    ASSERT_EQ(months->size(), 2u);
    EXPECT_EQ((*months)[0].month, 3);
    EXPECT_EQ((*months)[0].count, 2);
    EXPECT_DOUBLE_EQ((*months)[0].sum, 170);
    EXPECT_EQ((*months)[1].month, 4);
    auto latest = store_->LatestMeasurement("brp-bron", v1::QUALITY_DIMENSION_JUISTHEID);
    ASSERT_TRUE(latest.ok() && latest->has_value());
    EXPECT_EQ((*latest)->score(), 70);
    EXPECT_FALSE(store_->LatestMeasurement("brp-bron", v1::QUALITY_DIMENSION_PRECISIE)
                     ->has_value());
    auto report = store_->Check();
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << report->problems.front();
    ASSERT_TRUE(store_->Close().ok());
    Reopen();
  }
}

TEST_F(QualityStoreTest, CheckFindsAnAggregateThatDoesNotMatch) {
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("bag-bron"), Context()).ok());
  ASSERT_TRUE(store_->RecordMeasurements({M("bag-bron", 90, 2026, 3, 1)}, Context())[0].status.ok());
  rocksdb::DB* db = store_->RawDbForTesting();
  ASSERT_TRUE(db->Merge(rocksdb::WriteOptions(),
                        store_->RawColumnFamilyForTesting(
                            static_cast<int>(storage::Cf::kMeasurements)),
                        storage::AggregateKey("bag-bron", v1::QUALITY_DIMENSION_JUISTHEID,
                                              static_cast<uint32_t>(Month(2026, 3))),
                        storage::AggregateValue(1, 10))
                  .ok());
  auto report = store_->Check();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems.front().find("does not match"), std::string::npos)
      << report->problems.front();
}

}  // namespace
}  // namespace catalog::testing
