// ChangeFeedService.WatchChanges end to end against an in-process catalogd
// on port 0, over real mutual TLS, on a real RocksDB: every kind of change
// in revision order with its state, resuming across a disconnect and a
// restart with no gap and no duplicate, pruning and OUT_OF_RANGE, the
// visibility rule (hidden datasets never delivered, a dataset rising above
// the watcher's clearance delivered once as a deletion), heartbeats,
// request errors and permissions, and a stalled consumer that neither
// stalls the writers nor keeps its stream.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include <google/protobuf/util/time_util.h>
#include "catalog/v1/change_feed_service.grpc.pb.h"
#include "catalog/v1/processing_service.grpc.pb.h"
#include "catalog/v1/quality_service.grpc.pb.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using grpc::StatusCode;

// What a watcher received: the changes, the last position, and how the
// stream ended (OK while it is still open).
struct Received {
  std::vector<v1::Change> changes;
  int64_t caught_up = 0;
  int responses = 0;
  grpc::Status status;
};

class ChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(server::ServerOptions options) {
    options.change_feed.heartbeat_interval = absl::Milliseconds(300);
    server_ = TestServer::Start(options);
    ASSERT_NE(server_, nullptr);
    admin_ = std::make_unique<LineageClient>(server_->Channel("admin"));
  }

  std::unique_ptr<v1::ChangeFeedService::Stub> Feed(const std::string& principal) {
    return v1::ChangeFeedService::NewStub(server_->Channel(principal));
  }

  // Watches as `principal` until caught_up_revision reaches `until` (or
  // the stream ends, or 10 s pass), then cancels.
  Received Watch(const std::string& principal, v1::WatchChangesRequest request, int64_t until) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto reader = Feed(principal)->WatchChanges(&context, request);
    Received got;
    v1::WatchChangesResponse response;
    bool open = true;
    while (got.caught_up < until && (open = reader->Read(&response))) {
      ++got.responses;
      for (const v1::Change& c : response.changes()) got.changes.push_back(c);
      EXPECT_GE(response.caught_up_revision(), got.caught_up);
      got.caught_up = response.caught_up_revision();
    }
    if (open) context.TryCancel();
    const grpc::Status finished = reader->Finish();
    if (!open) got.status = finished;
    return got;
  }

  static v1::WatchChangesRequest From(int64_t revision, bool state = false) {
    v1::WatchChangesRequest request;
    request.set_from_revision(revision);
    request.set_include_state(state);
    return request;
  }

  // The latest revision: the position of a watch from now on.
  int64_t Latest() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto reader = Feed("admin")->WatchChanges(&context, From(0));
    v1::WatchChangesResponse response;
    EXPECT_TRUE(reader->Read(&response));
    context.TryCancel();
    reader->Finish();
    return response.caught_up_revision();
  }

  v1::Dataset Classified(const std::string& id, v1::Confidentiality level) {
    v1::Dataset d = ValidDataset(id);
    d.mutable_classification()->set_confidentiality(level);
    return d;
  }

  void Update(const v1::Dataset& current, v1::Confidentiality level) {
    v1::UpdateDatasetRequest request;
    *request.mutable_dataset() = current;
    request.mutable_dataset()->mutable_classification()->set_confidentiality(level);
    v1::Dataset out;
    ASSERT_TRUE(IsOk(admin_->catalog().UpdateDataset(Context().get(), request, &out)));
  }

  static std::vector<std::string> Resources(const std::vector<v1::Change>& changes) {
    std::vector<std::string> names;
    for (const v1::Change& c : changes) names.push_back(c.resource());
    return names;
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<LineageClient> admin_;
};

TEST_F(ChangeFeedTest, EveryKindInRevisionOrderWithState) {
  admin_->CreateDatasetOk(ValidDataset("wmo-aanvragen"));
  admin_->CreatePartyOk(ValidParty("cbs"));
  admin_->LinkOk("datasets/wmo-aanvragen", "parties/cbs");
  {
    v1::RecordMeasurementRequest r;
    r.mutable_measurement()->set_dataset("datasets/wmo-aanvragen");
    r.mutable_measurement()->set_dimension(v1::QUALITY_DIMENSION_JUISTHEID);
    r.mutable_measurement()->set_score(90);
    *r.mutable_measurement()->mutable_measured_at() =
        google::protobuf::util::TimeUtil::GetCurrentTime();
    v1::Measurement out;
    ASSERT_TRUE(IsOk(v1::QualityService::NewStub(server_->Channel("admin"))
                         ->RecordMeasurement(Context().get(), r, &out)));
  }
  v1::Terugmelding filed;
  {
    v1::FileTerugmeldingRequest file;
    file.mutable_terugmelding()->set_dataset("datasets/wmo-aanvragen");
    file.mutable_terugmelding()->set_explanation("Adres klopt niet.");
    ASSERT_TRUE(IsOk(v1::TerugmeldingService::NewStub(server_->Channel("reader"))
                         ->FileTerugmelding(Context().get(), file, &filed)));
  }
  {
    v1::CreateProcessingActivityRequest create;
    v1::ProcessingActivity* a = create.mutable_activity();
    a->set_id("wmo-beoordeling");
    a->set_title("Beoordelen van Wmo-aanvragen");
    a->set_purpose("Beoordelen van aanvragen maatwerkvoorzieningen (Wmo 2015)");
    a->set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
    a->set_legal_basis_explanation("Wmo 2015 art. 2.3.2");
    a->mutable_controller()->set_name("College van B&W van Voorbeeldstad");
    a->mutable_controller()->set_oin("00000001001234567000");
    a->set_governing_body(v1::GOVERNING_BODY_COLLEGE_VAN_BW);
    a->add_data_subject_categories("Aanvragers");
    a->add_personal_data_categories("NAW-gegevens");
    a->set_retention_period("P7Y");
    a->set_log_confidentiality(v1::CONFIDENTIALITY_VERTROUWELIJK);
    v1::ProcessingActivity out;
    ASSERT_TRUE(IsOk(v1::ProcessingService::NewStub(server_->Channel("admin"))
                         ->CreateProcessingActivity(Context().get(), create, &out)));
  }
  ASSERT_TRUE(IsOk(admin_->DeleteEdge("datasets/wmo-aanvragen", "parties/cbs")));

  const Received got = Watch("admin", From(1, true), Latest());
  ASSERT_EQ(got.changes.size(), 7u);
  for (size_t i = 0; i < got.changes.size(); ++i) {
    EXPECT_EQ(got.changes[i].revision(), static_cast<int64_t>(i) + 1) << i;
    EXPECT_EQ(got.changes[i].principal(), i == 4 ? "reader" : "admin") << i;
    EXPECT_TRUE(got.changes[i].has_change_time()) << i;
  }
  const std::vector<v1::ResourceKind> kinds = {
      v1::RESOURCE_KIND_DATASET,      v1::RESOURCE_KIND_PARTY,
      v1::RESOURCE_KIND_LINEAGE_EDGE, v1::RESOURCE_KIND_QUALITY_MEASUREMENT,
      v1::RESOURCE_KIND_TERUGMELDING, v1::RESOURCE_KIND_PROCESSING_ACTIVITY,
      v1::RESOURCE_KIND_LINEAGE_EDGE};
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(got.changes[i].kind(), kinds[i]) << i;
  EXPECT_EQ(got.changes[0].resource(), "datasets/wmo-aanvragen");
  EXPECT_EQ(got.changes[1].resource(), "parties/cbs");
  EXPECT_EQ(got.changes[2].resource(), "lineage/wmo-aanvragen/parties/cbs");
  EXPECT_EQ(got.changes[4].resource(), filed.name());
  EXPECT_EQ(got.changes[5].resource(), "processing-activities/wmo-beoordeling");
  EXPECT_EQ(got.changes[6].change_type(), v1::CHANGE_TYPE_DELETED);

  EXPECT_EQ(got.changes[0].change_type(), v1::CHANGE_TYPE_CREATED);
  EXPECT_EQ(got.changes[0].dataset().title(), "Dataset wmo-aanvragen");
  EXPECT_EQ(got.changes[1].party().id(), "cbs");
  // The edge was deleted later: its creation carries no state.
  EXPECT_FALSE(got.changes[2].has_edge());
  EXPECT_TRUE(got.changes[2].superseded());
  EXPECT_EQ(got.changes[3].state_case(), v1::Change::STATE_NOT_SET);
  EXPECT_EQ(got.changes[4].terugmelding().explanation(), "Adres klopt niet.");
  EXPECT_EQ(got.changes[5].processing_activity().title(), "Beoordelen van Wmo-aanvragen");
  EXPECT_EQ(got.changes[6].state_case(), v1::Change::STATE_NOT_SET);

  // Without include_state no state; filters by kind and prefix.
  const Received bare = Watch("admin", From(1), Latest());
  ASSERT_EQ(bare.changes.size(), 7u);
  EXPECT_FALSE(bare.changes[0].has_dataset());
  v1::WatchChangesRequest edges = From(1);
  edges.add_kinds(v1::RESOURCE_KIND_LINEAGE_EDGE);
  edges.add_kinds(v1::RESOURCE_KIND_PARTY);
  EXPECT_EQ(Resources(Watch("admin", edges, Latest()).changes),
            (std::vector<std::string>{"parties/cbs", "lineage/wmo-aanvragen/parties/cbs",
                                      "lineage/wmo-aanvragen/parties/cbs"}));
  v1::WatchChangesRequest prefixed = From(1);
  prefixed.set_resource_prefix("datasets/wmo-aanvragen/");
  const Received sub = Watch("admin", prefixed, Latest());
  ASSERT_EQ(sub.changes.size(), 2u);
  EXPECT_EQ(sub.changes[0].kind(), v1::RESOURCE_KIND_QUALITY_MEASUREMENT);
  EXPECT_EQ(sub.caught_up, Latest());
}

TEST_F(ChangeFeedTest, FollowsNewChangesAndResumesAcrossDisconnectAndRestart) {
  for (int i = 0; i < 5; ++i) admin_->CreateDatasetOk(ValidDataset(absl::StrCat("ds-", i)));
  // A live watch from now on sees changes committed after it started.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto reader = Feed("reader")->WatchChanges(&context, From(0));
  v1::WatchChangesResponse response;
  ASSERT_TRUE(reader->Read(&response));  // The heartbeat on catching up.
  EXPECT_EQ(response.changes_size(), 0);
  EXPECT_EQ(response.caught_up_revision(), 5);
  const absl::Time committed = absl::Now();
  admin_->CreateDatasetOk(ValidDataset("ds-live"));
  do {
    ASSERT_TRUE(reader->Read(&response));
  } while (response.changes_size() == 0);
  EXPECT_LT(absl::Now() - committed, absl::Seconds(1));
  ASSERT_EQ(response.changes_size(), 1);
  EXPECT_EQ(response.changes(0).resource(), "datasets/ds-live");
  EXPECT_EQ(response.changes(0).revision(), 6);
  // Idle: heartbeats keep coming with the position.
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.changes_size(), 0);
  EXPECT_EQ(response.caught_up_revision(), 6);

  // A restart ends the stream with where to resume.
  server_->Restart();
  admin_ = std::make_unique<LineageClient>(server_->Channel("admin"));
  while (reader->Read(&response)) {
  }
  const grpc::Status ended = reader->Finish();
  EXPECT_TRUE(HasStatus(ended, StatusCode::UNAVAILABLE, "")) << ended.error_message();

  for (int i = 5; i < 10; ++i) admin_->CreateDatasetOk(ValidDataset(absl::StrCat("ds-", i)));
  // Read in pieces, each from the position the last one reached: together
  // every revision once.
  std::vector<int64_t> seen;
  int64_t position = 0;
  for (int64_t until : {3, 8, 11}) {
    const Received part = Watch("reader", From(position + 1), until);
    EXPECT_TRUE(part.status.ok()) << part.status.error_message();
    for (const v1::Change& c : part.changes) seen.push_back(c.revision());
    position = part.caught_up;
  }
  std::vector<int64_t> expected;
  for (int64_t r = 1; r <= 11; ++r) expected.push_back(r);
  EXPECT_EQ(seen, expected);
}

TEST_F(ChangeFeedTest, HiddenDatasetsAreNeverDeliveredButThePositionAdvances) {
  admin_->CreateDatasetOk(Classified("open-data", v1::CONFIDENTIALITY_OPENBAAR));
  admin_->CreateDatasetOk(Classified("jeugdzorg", v1::CONFIDENTIALITY_GEHEIM));
  admin_->CreatePartyOk(ValidParty("veilig-thuis"));
  admin_->LinkOk("datasets/jeugdzorg", "parties/veilig-thuis");
  admin_->LinkOk("datasets/open-data", "parties/veilig-thuis");
  ASSERT_TRUE(IsOk(admin_->DeleteDataset("jeugdzorg", true)));

  const Received reader = Watch("reader", From(1, true), Latest());
  EXPECT_EQ(Resources(reader.changes),
            (std::vector<std::string>{"datasets/open-data", "parties/veilig-thuis",
                                      "lineage/open-data/parties/veilig-thuis"}));
  EXPECT_EQ(reader.caught_up, Latest());
  for (const v1::Change& c : reader.changes) {
    EXPECT_EQ(c.resource().find("jeugdzorg"), std::string::npos) << c.ShortDebugString();
  }
  // The admin, cleared for everything, sees all of it.
  const Received admin = Watch("admin", From(1), Latest());
  EXPECT_GE(admin.changes.size(), 6u);
}

TEST_F(ChangeFeedTest, DatasetRisingAboveClearanceIsDeliveredOnceAsDeletion) {
  const v1::Dataset created = admin_->CreateDatasetOk(ValidDataset("schuldhulp"));
  Update(created, v1::CONFIDENTIALITY_VERTROUWELIJK);
  Update(admin_->GetDatasetOk("schuldhulp"), v1::CONFIDENTIALITY_GEHEIM);
  Update(admin_->GetDatasetOk("schuldhulp"), v1::CONFIDENTIALITY_OPENBAAR);

  const Received got = Watch("reader", From(1, true), Latest());
  ASSERT_EQ(got.changes.size(), 3u);
  EXPECT_EQ(got.changes[0].change_type(), v1::CHANGE_TYPE_CREATED);
  EXPECT_TRUE(got.changes[0].has_dataset());
  EXPECT_EQ(got.changes[1].change_type(), v1::CHANGE_TYPE_DELETED);
  EXPECT_EQ(got.changes[1].revision(), 2);
  EXPECT_EQ(got.changes[1].state_case(), v1::Change::STATE_NOT_SET);
  // Back within the clearance: it appears again, with its state then.
  EXPECT_EQ(got.changes[2].change_type(), v1::CHANGE_TYPE_CREATED);
  EXPECT_EQ(got.changes[2].revision(), 4);
  EXPECT_EQ(got.changes[2].dataset().classification().confidentiality(),
            v1::CONFIDENTIALITY_OPENBAAR);
  // The steward (vertrouwelijk) saw the first rise as an update.
  const Received steward = Watch("steward", From(1), Latest());
  ASSERT_EQ(steward.changes.size(), 4u);
  EXPECT_EQ(steward.changes[1].change_type(), v1::CHANGE_TYPE_UPDATED);
  EXPECT_EQ(steward.changes[2].change_type(), v1::CHANGE_TYPE_DELETED);
}

TEST_F(ChangeFeedTest, PrunedRevisionsAreOutOfRange) {
  server_.reset();
  dir_ = std::make_unique<TempDir>();  // Outlives the server (declared first).
  server::ServerOptions options;
  options.data_dir = dir_->path() + "/data";
  Start(options);
  for (int i = 0; i < 3; ++i) admin_->CreateDatasetOk(ValidDataset(absl::StrCat("oud-", i)));
  server_.reset();
  // Restarting with a retention of a millisecond prunes everything at
  // start-up.
  options.change_feed.retention = absl::Milliseconds(1);
  absl::SleepFor(absl::Milliseconds(5));
  Start(options);
  admin_->CreateDatasetOk(ValidDataset("nieuw"));
  const Received got = Watch("reader", From(1), 4);
  EXPECT_TRUE(HasStatus(got.status, StatusCode::OUT_OF_RANGE,
                        "the oldest available revision is 4"))
      << got.status.error_message();
  const Received kept = Watch("reader", From(4), 4);
  EXPECT_EQ(Resources(kept.changes), (std::vector<std::string>{"datasets/nieuw"}));
}

TEST_F(ChangeFeedTest, BadRequestsAndCallersAreRefused) {
  admin_->CreateDatasetOk(ValidDataset("brp-ingezetenen"));
  EXPECT_TRUE(HasStatus(Watch("reader", From(3), 1).status, StatusCode::INVALID_ARGUMENT,
                        "from_revision: 3 is beyond the next revision 2"));
  EXPECT_TRUE(HasStatus(Watch("reader", From(-1), 1).status, StatusCode::INVALID_ARGUMENT,
                        "from_revision: must not be negative"));
  v1::WatchChangesRequest unknown = From(1);
  unknown.add_kinds(static_cast<v1::ResourceKind>(99));
  EXPECT_TRUE(HasStatus(Watch("reader", unknown, 1).status, StatusCode::INVALID_ARGUMENT,
                        "kinds: unknown resource kind 99"));
  EXPECT_TRUE(HasStatus(Watch("application", From(1), 1).status,
                        StatusCode::PERMISSION_DENIED, "may not call"));
  // From the next revision: nothing yet, the position is the latest.
  const Received next = Watch("reader", From(2), 1);
  EXPECT_TRUE(next.status.ok());
  EXPECT_TRUE(next.changes.empty());
  EXPECT_EQ(next.caught_up, 1);
}

// A consumer that stops reading holds one stream and what gRPC's flow
// control window buffers: the writers go on at their pace, and the stream
// is cut off after the stall timeout; the consumer resumes where it was.
TEST_F(ChangeFeedTest, StalledConsumerDoesNotStallWritersAndIsCutOff) {
  server_.reset();
  dir_ = std::make_unique<TempDir>();  // Outlives the server (declared first).
  server::ServerOptions options;
  options.data_dir = dir_->path() + "/data";
  options.change_feed.stall_timeout = absl::Seconds(2);
  Start(options);

  // Write latency without a consumer, then with a stalled one attached.
  const std::string description(16 << 10, 'x');
  auto write_latencies = [&](const std::string& prefix, int count) {
    std::vector<absl::Duration> latencies;
    for (int i = 0; i < count; ++i) {
      v1::Dataset d = ValidDataset(absl::StrCat(prefix, i));
      d.set_description(description);
      const absl::Time start = absl::Now();
      admin_->CreateDatasetOk(d);
      latencies.push_back(absl::Now() - start);
    }
    std::sort(latencies.begin(), latencies.end());
    return latencies;
  };
  const std::vector<absl::Duration> alone = write_latencies("alleen-", 100);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto stalled = Feed("admin")->WatchChanges(&context, From(1, true));
  v1::WatchChangesResponse response;
  ASSERT_TRUE(stalled->Read(&response));  // Connected; then it stops reading.
  const std::vector<absl::Duration> attached = write_latencies("naast-", 400);
  const absl::Duration p50_alone = alone[alone.size() / 2];
  const absl::Duration p50_attached = attached[attached.size() / 2];
  const absl::Duration p99_attached = attached[attached.size() * 99 / 100];
  std::printf("write latency p50 alone %s, with a stalled watcher p50 %s p99 %s\n",
              absl::FormatDuration(p50_alone).c_str(),
              absl::FormatDuration(p50_attached).c_str(),
              absl::FormatDuration(p99_attached).c_str());
  // Generous bounds for a loaded 2-core machine: the writers never waited
  // for the consumer (which would take the whole stall timeout).
  EXPECT_LT(p50_attached, p50_alone * 3 + absl::Milliseconds(20));
  EXPECT_LT(p99_attached, absl::Seconds(1));

  // Past the stall timeout the stream is gone: what was buffered, then an
  // error; resuming from the position reached delivers the rest once.
  absl::SleepFor(absl::Seconds(4));
  int64_t position = response.caught_up_revision();
  std::vector<int64_t> seen;
  for (const v1::Change& c : response.changes()) seen.push_back(c.revision());
  while (stalled->Read(&response)) {
    for (const v1::Change& c : response.changes()) seen.push_back(c.revision());
    position = response.caught_up_revision();
  }
  const grpc::Status cut = stalled->Finish();
  EXPECT_EQ(cut.error_code(), StatusCode::CANCELLED) << cut.error_message();
  EXPECT_LT(position, Latest());
  const Received rest = Watch("admin", From(position + 1), Latest());
  for (const v1::Change& c : rest.changes) seen.push_back(c.revision());
  ASSERT_EQ(seen.size(), 500u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int64_t>(i) + 1);
}

}  // namespace
}  // namespace catalog::testing
