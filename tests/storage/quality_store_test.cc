// Quality measurements in the store: written with their monthly aggregates
// in one atomic write (merged, never read first), latest by measured_at,
// aggregates surviving a reopen, and `check` catching an aggregate that no
// longer matches its measurements.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <thread>
#include <vector>

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

  // The newest measured_at the facts know on JUISTHEID (0 when none).
  int64_t LatestMicros(const std::string& dataset) {
    int64_t micros = 0;
    store_->facts().LatestScore(dataset, v1::QUALITY_DIMENSION_JUISTHEID, &micros);
    return micros;
  }

  static int64_t Micros(int year, int month, int day) {
    return absl::ToUnixMicros(absl::FromCivil(absl::CivilDay(year, month, day),
                                              absl::UTCTimeZone()));
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

// Measurement writers of one dataset run side by side (shared locks), so
// their latest-score entries may commit in any order: the entry is merged,
// keeping the newer. Writers racing with older and newer measurements leave
// the newest, in memory and after a reopen.
TEST_F(QualityStoreTest, ConcurrentWritersLeaveTheNewestLatestScore) {
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("woz-bron"), Context()).ok());
  constexpr int kThreads = 4, kRounds = 50;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        // Thread t's days interleave with the others' (t + 4r), in
        // alternating directions so that old and new keep crossing.
        const int step = r % 2 == 0 ? r : kRounds - r;
        const int day = 1 + (t + kThreads * step) % 200;
        const absl::CivilDay d = absl::CivilDay(2025, 1, 1) + day;
        EXPECT_TRUE(store_->RecordMeasurements({M("woz-bron", t * 10 + 1, static_cast<int>(d.year()),
                                                   d.month(), d.day())},
                                               Context())[0]
                        .status.ok());
      }
    });
  }
  for (std::thread& w : writers) w.join();
  int64_t newest = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int r = 0; r < kRounds; ++r) {
      const int step = r % 2 == 0 ? r : kRounds - r;
      const absl::CivilDay d = absl::CivilDay(2025, 1, 1) + 1 + (t + kThreads * step) % 200;
      newest = std::max(newest, Micros(static_cast<int>(d.year()), d.month(), d.day()));
    }
  }
  EXPECT_EQ(LatestMicros("woz-bron"), newest);
  ASSERT_TRUE(store_->Close().ok());
  Reopen();
  EXPECT_EQ(LatestMicros("woz-bron"), newest) << "the stored entry is the newest too";
  auto report = store_->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
}

// The merge itself: an older latest-score operand after a newer one does
// not replace it; an equal or newer one does.
TEST_F(QualityStoreTest, LatestScoreMergeKeepsTheNewer) {
  ASSERT_TRUE(store_->CreateDataset(ValidDataset("hr-bron"), Context()).ok());
  ASSERT_TRUE(store_->RecordMeasurements({M("hr-bron", 90, 2026, 3, 10)}, Context())[0].status.ok());
  rocksdb::DB* db = store_->RawDbForTesting();
  auto* cf = store_->RawColumnFamilyForTesting(static_cast<int>(storage::Cf::kMeasurements));
  const std::string key = storage::LatestScoreKey("hr-bron", v1::QUALITY_DIMENSION_JUISTHEID);
  auto stored = [&] {
    std::string value;
    int64_t micros = 0, score = 0;
    EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), cf, key, &value).ok());
    EXPECT_TRUE(storage::ParseLatestScoreValue(value, &micros, &score));
    return std::make_pair(micros, score);
  };
  ASSERT_TRUE(db->Merge(rocksdb::WriteOptions(), cf, key,
                        storage::LatestScoreValue(Micros(2026, 3, 9), 500000))
                  .ok());
  EXPECT_EQ(stored(), std::make_pair(Micros(2026, 3, 10), int64_t{900000}));
  ASSERT_TRUE(db->Merge(rocksdb::WriteOptions(), cf, key,
                        storage::LatestScoreValue(Micros(2026, 3, 10), 800000))
                  .ok());
  EXPECT_EQ(stored(), std::make_pair(Micros(2026, 3, 10), int64_t{800000})) << "a tie: the later";
  ASSERT_TRUE(db->Merge(rocksdb::WriteOptions(), cf, key,
                        storage::LatestScoreValue(Micros(2026, 3, 11), 700000))
                  .ok());
  EXPECT_EQ(stored(), std::make_pair(Micros(2026, 3, 11), int64_t{700000}));
}

}  // namespace
}  // namespace catalog::testing
