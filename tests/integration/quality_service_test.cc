// QualityService over real mutual TLS against a real store: measurement
// validation, latest per dimension and monthly trends, norms and staleness
// under a controlled clock, the weakest upstream source along lineage, the
// bulk stream's per-item results, clearance on every path, and the
// aggregates' consistency (`check`).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <string>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "catalog/v1/quality_service.grpc.pb.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::TimeUtil;
using grpc::StatusCode;
using ::testing::ElementsAre;

constexpr auto kJuistheid = v1::QUALITY_DIMENSION_JUISTHEID;
constexpr auto kCompleetheid = v1::QUALITY_DIMENSION_COMPLEETHEID;

absl::Time At(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

class QualityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_.store(absl::ToUnixMicros(At(2026, 11, 15)));
    server::ServerOptions options;
    options.data_dir = dir_.path() + "/data";
    options.quality.now = [this] { return absl::FromUnixMicros(now_.load()); };
    server_ = TestServer::Start(options);
    ASSERT_NE(server_, nullptr);
    steward_ = std::make_unique<LineageClient>(server_->Channel("steward"));
    admin_ = std::make_unique<LineageClient>(server_->Channel("admin"));
  }

  std::unique_ptr<v1::QualityService::Stub> Quality(const std::string& who = "steward") {
    return v1::QualityService::NewStub(server_->Channel(who));
  }

  // A dataset with a norm of 95 on JUISTHEID.
  void AddDataset(const std::string& id,
                  v1::Confidentiality level = v1::CONFIDENTIALITY_INTERN) {
    v1::Dataset d = ValidDataset(id);
    d.mutable_classification()->set_confidentiality(level);
    v1::QualityNorm* norm = d.add_quality_norms();
    norm->set_dimension(kJuistheid);
    norm->set_target(95);
    admin_->CreateDatasetOk(d);
  }

  static v1::Measurement M(const std::string& dataset, v1::QualityDimension dimension,
                           double score, absl::Time at) {
    v1::Measurement m;
    m.set_dataset(dataset);
    m.set_dimension(dimension);
    m.set_score(score);
    *m.mutable_measured_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(at));
    m.set_method("regel");
    return m;
  }

  grpc::Status Record(const v1::Measurement& m, v1::Measurement* out = nullptr,
                      const std::string& who = "steward") {
    v1::RecordMeasurementRequest request;
    *request.mutable_measurement() = m;
    v1::Measurement ignored;
    return Quality(who)->RecordMeasurement(Context().get(), request, out ? out : &ignored);
  }

  v1::QualityReport Report(const std::string& id, bool upstream = false,
                           const std::string& who = "steward") {
    v1::GetQualityReportRequest request;
    request.set_dataset(id);
    request.set_include_upstream(upstream);
    v1::QualityReport report;
    EXPECT_TRUE(IsOk(Quality(who)->GetQualityReport(Context().get(), request, &report)));
    return report;
  }

  static const v1::DimensionQuality* Dimension(const v1::QualityReport& report,
                                               v1::QualityDimension d) {
    for (const auto& q : report.dimensions()) {
      if (q.dimension() == d) return &q;
    }
    return nullptr;
  }

  TempDir dir_;
  std::atomic<int64_t> now_{0};
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<LineageClient> steward_;
  std::unique_ptr<LineageClient> admin_;
};

TEST_F(QualityServiceTest, MeasurementsAreValidated) {
  AddDataset("wmo");
  const absl::Time t = At(2026, 11, 1);
  for (double bad : {-0.1, 100.5, std::nan("")}) {
    EXPECT_TRUE(HasStatus(Record(M("wmo", kJuistheid, bad, t)), StatusCode::INVALID_ARGUMENT,
                          "measurement.score"))
        << bad;
  }
  EXPECT_TRUE(HasStatus(Record(M("wmo", v1::QUALITY_DIMENSION_UNSPECIFIED, 50, t)),
                        StatusCode::INVALID_ARGUMENT, "measurement.dimension"));
  EXPECT_TRUE(HasStatus(Record(M("wmo", static_cast<v1::QualityDimension>(77), 50, t)),
                        StatusCode::INVALID_ARGUMENT, "measurement.dimension"));
  EXPECT_TRUE(HasStatus(Record(M("wmo", kJuistheid, 50, At(2026, 11, 16))),
                        StatusCode::INVALID_ARGUMENT, "measurement.measured_at"));
  EXPECT_TRUE(HasStatus(Record(M("Bad Id", kJuistheid, 50, t)), StatusCode::INVALID_ARGUMENT,
                        "measurement.dataset"));
  EXPECT_TRUE(HasStatus(Record(M("onbekend", kJuistheid, 50, t)), StatusCode::NOT_FOUND,
                        "dataset onbekend not found"));
  EXPECT_EQ(Record(M("wmo", kJuistheid, 50, t), nullptr, "reader").error_code(),
            StatusCode::PERMISSION_DENIED);
  v1::Measurement stored;
  v1::Measurement unset = M("wmo", kJuistheid, 100, t);
  unset.clear_measured_at();
  ASSERT_TRUE(IsOk(Record(unset, &stored)));
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(stored.measured_at()), now_.load())
      << "no measured_at means now";
  EXPECT_EQ(stored.measured_by(), "steward");
  EXPECT_EQ(stored.dataset(), "datasets/wmo");
  EXPECT_GT(stored.revision(), 0);
  EXPECT_EQ(Report("wmo").dimensions_size(), 1);
}

TEST_F(QualityServiceTest, LatestPerDimensionAndMonthlyTrend) {
  AddDataset("bag");
  // Two in October, one in November, one in 2025 (outside the 12 months),
  // and a backfill of September recorded last: not the latest.
  for (auto [score, at] : std::vector<std::pair<double, absl::Time>>{
           {80, At(2026, 10, 3)}, {90, At(2026, 10, 20)}, {70, At(2026, 11, 10)},
           {10, At(2025, 6, 1)}, {99, At(2026, 9, 1)}}) {
    ASSERT_TRUE(IsOk(Record(M("bag", kJuistheid, score, at))));
  }
  ASSERT_TRUE(IsOk(Record(M("bag", kCompleetheid, 60, At(2026, 11, 1)))));
  const v1::QualityReport report = Report("bag");
  const v1::DimensionQuality* j = Dimension(report, kJuistheid);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->latest().score(), 70);
  std::vector<std::string> months;
  std::vector<double> means;
  for (const auto& m : j->trend()) {
    months.push_back(m.month());
    means.push_back(m.mean());
  }
  EXPECT_THAT(months, ElementsAre("2026-09", "2026-10", "2026-11"));
  EXPECT_THAT(means, ElementsAre(99, 85, 70));
  EXPECT_EQ(j->trend(1).measurements(), 2);
  EXPECT_DOUBLE_EQ(report.overall_score(), (70 + 60) / 2.0);
  EXPECT_EQ(j->age_seconds(), absl::ToInt64Seconds(At(2026, 11, 15) - At(2026, 11, 10)));
}

TEST_F(QualityServiceTest, NormsAndStalenessFollowTheClock) {
  AddDataset("woz");
  ASSERT_TRUE(IsOk(Record(M("woz", kJuistheid, 92, At(2026, 11, 1)))));
  v1::QualityReport report = Report("woz");
  const v1::DimensionQuality* j = Dimension(report, kJuistheid);
  ASSERT_NE(j, nullptr);
  EXPECT_TRUE(j->has_norm());
  EXPECT_EQ(j->norm(), 95);
  EXPECT_FALSE(j->meets_norm());
  EXPECT_FALSE(j->stale());
  EXPECT_THAT(report.below_norm(), ElementsAre(kJuistheid));
  EXPECT_TRUE(report.stale().empty());
  EXPECT_EQ(report.stale_after_days(), 90);

  // 91 days later the measurement is stale.
  now_.store(absl::ToUnixMicros(At(2026, 11, 1) + absl::Hours(24 * 91)));
  report = Report("woz");
  EXPECT_THAT(report.stale(), ElementsAre(kJuistheid));
  // A norm without any measurement is stale too.
  AddDataset("leeg");
  report = Report("leeg");
  ASSERT_EQ(report.dimensions_size(), 1);
  EXPECT_FALSE(report.dimensions(0).has_latest());
  EXPECT_TRUE(report.dimensions(0).stale());
  EXPECT_EQ(report.overall_score(), 0);
}

TEST_F(QualityServiceTest, WeakestUpstreamSourceAlongLineage) {
  AddDataset("bag-bron");
  AddDataset("kern");
  AddDataset("rapport");
  AddDataset("geheim-bron", v1::CONFIDENTIALITY_GEHEIM);
  steward_->CreateEdgeOk(ValidEdge("bag-bron", "datasets/kern"));
  steward_->CreateEdgeOk(ValidEdge("kern", "datasets/rapport"));
  admin_->CreateEdgeOk(ValidEdge("geheim-bron", "datasets/kern"));
  const absl::Time t = At(2026, 11, 1);
  ASSERT_TRUE(IsOk(Record(M("bag-bron", kJuistheid, 60, t), nullptr, "admin")));
  ASSERT_TRUE(IsOk(Record(M("kern", kJuistheid, 90, t), nullptr, "admin")));
  ASSERT_TRUE(IsOk(Record(M("rapport", kJuistheid, 99, t), nullptr, "admin")));
  ASSERT_TRUE(IsOk(Record(M("geheim-bron", kJuistheid, 5, t), nullptr, "admin")));

  const v1::QualityReport report = Report("rapport", /*upstream=*/true);
  const v1::DimensionQuality* j = Dimension(report, kJuistheid);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->weakest_upstream(), "datasets/bag-bron")
      << "the geheim source is above the steward's clearance";
  EXPECT_EQ(j->weakest_upstream_score(), 60);
  EXPECT_EQ(report.DebugString().find("geheim-bron"), std::string::npos);
  EXPECT_EQ(Dimension(Report("rapport", true, "admin"), kJuistheid)->weakest_upstream(),
            "datasets/geheim-bron");
  EXPECT_TRUE(Dimension(Report("rapport"), kJuistheid)->weakest_upstream().empty())
      << "only when asked";
}

TEST_F(QualityServiceTest, HiddenDatasetsStayHiddenOnEveryPath) {
  AddDataset("geheim", v1::CONFIDENTIALITY_GEHEIM);
  ASSERT_TRUE(IsOk(Record(M("geheim", kJuistheid, 50, At(2026, 11, 1)), nullptr, "admin")));
  const std::string missing = "dataset geheim not found";
  EXPECT_TRUE(HasStatus(Record(M("geheim", kJuistheid, 50, At(2026, 11, 1))),
                        StatusCode::NOT_FOUND, missing));
  v1::GetQualityReportRequest report;
  report.set_dataset("geheim");
  v1::QualityReport out;
  EXPECT_TRUE(HasStatus(Quality()->GetQualityReport(Context().get(), report, &out),
                        StatusCode::NOT_FOUND, missing));
  v1::ListMeasurementsRequest list;
  list.set_dataset("geheim");
  v1::ListMeasurementsResponse listed;
  EXPECT_TRUE(HasStatus(Quality()->ListMeasurements(Context().get(), list, &listed),
                        StatusCode::NOT_FOUND, missing));
}

TEST_F(QualityServiceTest, BulkStreamReportsPerItemAndLimitsBatches) {
  AddDataset("brk");
  auto stub = Quality();
  grpc::ClientContext context;
  auto stream = stub->RecordMeasurements(&context);
  v1::RecordMeasurementsRequest batch;
  *batch.add_measurements() = M("brk", kJuistheid, 80, At(2026, 11, 1));
  *batch.add_measurements() = M("brk", kJuistheid, 180, At(2026, 11, 1));
  *batch.add_measurements() = M("onbekend", kJuistheid, 80, At(2026, 11, 1));
  *batch.add_measurements() = M("brk", kCompleetheid, 70, At(2026, 11, 2));
  ASSERT_TRUE(stream->Write(batch));
  v1::RecordMeasurementsResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_EQ(response.results_size(), 4);
  std::vector<int> codes;
  for (const auto& r : response.results()) codes.push_back(r.code());
  EXPECT_THAT(codes, ElementsAre(0, static_cast<int>(StatusCode::INVALID_ARGUMENT),
                                 static_cast<int>(StatusCode::NOT_FOUND), 0));
  EXPECT_EQ(response.results(3).measurement().score(), 70);
  v1::RecordMeasurementsRequest too_big;
  for (int i = 0; i < 1001; ++i) *too_big.add_measurements() = M("brk", kJuistheid, 1, At(2026, 1, 1));
  ASSERT_TRUE(stream->Write(too_big));
  stream->WritesDone();
  while (stream->Read(&response)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Report("brk").dimensions_size(), 2);
}

TEST_F(QualityServiceTest, ValidateOnlyBatchChecksEveryItemAndRecordsNothing) {
  AddDataset("brk");
  auto stub = Quality();
  grpc::ClientContext context;
  auto stream = stub->RecordMeasurements(&context);
  v1::RecordMeasurementsRequest batch;
  batch.set_validate_only(true);
  *batch.add_measurements() = M("brk", kJuistheid, 80, At(2026, 11, 1));
  *batch.add_measurements() = M("brk", kJuistheid, 180, At(2026, 11, 1));
  *batch.add_measurements() = M("onbekend", kJuistheid, 80, At(2026, 11, 1));
  ASSERT_TRUE(stream->Write(batch));
  v1::RecordMeasurementsResponse response;
  ASSERT_TRUE(stream->Read(&response));
  stream->WritesDone();
  ASSERT_TRUE(IsOk(stream->Finish()));
  std::vector<int> codes;
  for (const auto& r : response.results()) codes.push_back(r.code());
  EXPECT_THAT(codes, ElementsAre(0, static_cast<int>(StatusCode::INVALID_ARGUMENT),
                                 static_cast<int>(StatusCode::NOT_FOUND)));
  const v1::QualityReport report = Report("brk");
  ASSERT_EQ(report.dimensions_size(), 1) << "the normed dimension only";
  EXPECT_FALSE(report.dimensions(0).has_latest()) << "nothing recorded";
}

// Up to four batches of a stream are processed at once; the results still
// come back in request order, and a batch refused as a whole ends the
// stream after the results of the batches before it, with nothing of the
// batches after it recorded.
TEST_F(QualityServiceTest, PipelinedStreamAnswersInOrderAndStopsAtARefusedBatch) {
  AddDataset("bag");
  AddDataset("bgt");
  auto stub = Quality();
  grpc::ClientContext context;
  auto stream = stub->RecordMeasurements(&context);
  // Batch b: 20 measurements with score b, over both datasets.
  auto batch = [&](int b) {
    v1::RecordMeasurementsRequest request;
    for (int i = 0; i < 20; ++i) {
      *request.add_measurements() =
          M(i % 2 == 0 ? "bag" : "bgt", kJuistheid, b, At(2026, 1 + b % 10, 1 + i));
    }
    return request;
  };
  constexpr int kBefore = 12;
  for (int b = 0; b < kBefore; ++b) ASSERT_TRUE(stream->Write(batch(b)));
  v1::RecordMeasurementsRequest too_big;
  for (int i = 0; i < 1001; ++i) *too_big.add_measurements() = M("bag", kJuistheid, 1, At(2026, 1, 1));
  ASSERT_TRUE(stream->Write(too_big));
  for (int b = 0; b < 3; ++b) stream->Write(batch(50 + b));  // May fail: the stream ends.
  stream->WritesDone();
  std::vector<int> answered;
  v1::RecordMeasurementsResponse response;
  while (stream->Read(&response)) {
    ASSERT_EQ(response.results_size(), 20);
    for (const auto& r : response.results()) {
      ASSERT_EQ(r.code(), 0) << r.message();
      ASSERT_EQ(r.measurement().score(), response.results(0).measurement().score());
    }
    answered.push_back(static_cast<int>(response.results(0).measurement().score()));
  }
  EXPECT_TRUE(HasStatus(stream->Finish(), StatusCode::RESOURCE_EXHAUSTED,
                        "measurements: at most 1000 per batch"));
  std::vector<int> expected(kBefore);
  for (int b = 0; b < kBefore; ++b) expected[b] = b;
  EXPECT_EQ(answered, expected) << "every batch before the refused one, in order";
  int recorded = 0;
  for (const std::string id : {"bag", "bgt"}) {
    v1::ListMeasurementsRequest list;
    list.set_dataset(id);
    list.set_page_size(1000);
    v1::ListMeasurementsResponse listed;
    ASSERT_TRUE(IsOk(Quality()->ListMeasurements(Context().get(), list, &listed)));
    for (const auto& m : listed.measurements()) {
      EXPECT_LT(m.score(), kBefore) << "nothing after the refused batch";
      ++recorded;
    }
  }
  EXPECT_EQ(recorded, kBefore * 20);
}

TEST_F(QualityServiceTest, ListPagesNewestFirstWithinATimeRange) {
  AddDataset("hr-register");
  for (int day = 1; day <= 9; ++day) {
    ASSERT_TRUE(IsOk(Record(M("hr-register", kJuistheid, day * 10, At(2026, 10, day)))));
  }
  v1::ListMeasurementsRequest request;
  request.set_dataset("hr-register");
  request.set_page_size(2);
  *request.mutable_from() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(At(2026, 10, 3)));
  *request.mutable_to() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(At(2026, 10, 8)));
  std::vector<double> scores;
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListMeasurementsResponse response;
    ASSERT_TRUE(IsOk(Quality()->ListMeasurements(Context().get(), request, &response)));
    for (const auto& m : response.measurements()) scores.push_back(m.score());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(scores, ElementsAre(70, 60, 50, 40, 30));
  request.set_page_token("");
  request.set_page_size(1001);
  v1::ListMeasurementsResponse response;
  EXPECT_TRUE(IsOk(Quality()->ListMeasurements(Context().get(), request, &response)))
      << "above the maximum means the maximum";
  EXPECT_EQ(response.measurements_size(), 5);
}

TEST_F(QualityServiceTest, AggregatesStayConsistentWithTheMeasurements) {
  AddDataset("bgt");
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(IsOk(Record(M("bgt", kJuistheid, i * 2.5, At(2026, 1 + i % 10, 1 + i % 27)))));
  }
  steward_.reset();
  admin_.reset();
  server_.reset();
  storage::StoreOptions options;
  options.path = dir_.path() + "/data";
  auto store = storage::CatalogStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  auto check = (*store)->Check();
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->ok()) << check->problems.front();
}

}  // namespace
}  // namespace catalog::testing
