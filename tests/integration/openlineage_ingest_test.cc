// LineageService.IngestOpenLineage end to end: the run events of a municipal
// data warehouse job (the shared fixture
// openlineage/municipal_run_events.jsonl: two runs, four events) become stub
// datasets and DERIVED edges with their column mappings and last run; a replay
// changes nothing; known datasets are found by their OpenLineage name; a
// malformed event rejects the whole request.
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::ColumnMapping;
using catalog::v1::Dataset;
using catalog::v1::IngestOpenLineageResponse;
using catalog::v1::LineageEdge;
using google::protobuf::util::TimeUtil;
using grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kNamespace[] = "postgres://dwh.gemeente.local:5432";
constexpr char kJobNamespace[] = "gemeente-voorbeeld";
constexpr char kBuildJob[] = "sociaal_domein.build_wmo_clienten";
constexpr char kReportJob[] = "rapportage.wmo_maandcijfers";
constexpr char kBuildRun[] = "0190f1c2-7a41-7c3e-9b1a-2f4d6e8a1b01";
constexpr char kReportRun[] = "0190f1c2-7a41-7c3e-9b1a-2f4d6e8a1b02";

// The stubs the fixture's inputs and outputs become.
constexpr char kBrp[] = "dwh-brp-ingezetenen";
constexpr char kAanvragen[] = "dwh-wmo-aanvragen";
constexpr char kClienten[] = "dwh-sociaal-domein-wmo-clienten";
constexpr char kMaandcijfers[] = "dwh-rapportage-wmo-maandcijfers";

std::string Node(const std::string& id) { return "datasets/" + id; }

// Ids of datasets_created, whether given as ids or resource names.
std::vector<std::string> CreatedIds(const IngestOpenLineageResponse& response) {
  std::vector<std::string> ids;
  for (const std::string& name : response.datasets_created()) {
    ids.emplace_back(absl::StripPrefix(name, "datasets/"));
  }
  return ids;
}

int64_t Micros(const std::string& rfc3339) {
  google::protobuf::Timestamp t;
  EXPECT_TRUE(TimeUtil::FromString(rfc3339, &t)) << rfc3339;
  return TimeUtil::TimestampToMicroseconds(t);
}

::testing::Matcher<const ColumnMapping&> Mapping(
    const std::string& from, const std::string& to,
    const std::string& transformation = "") {
  using ::testing::AllOf;
  using ::testing::Property;
  return AllOf(Property(&ColumnMapping::source_field, from),
               Property(&ColumnMapping::target_field, to),
               Property(&ColumnMapping::transformation, transformation));
}

class OpenLineageIngestTest : public LineageServerTest {
 protected:
  void SetUp() override {
    const std::string path =
        FixturesDir() + "/openlineage/municipal_run_events.jsonl";
    // The fixture is checked in: missing, the suite is broken, not optional.
    ASSERT_TRUE(std::filesystem::is_regular_file(path))
        << "fixture " << path
        << " is missing (it is checked in under tests/fixtures; "
           "CATALOG_FIXTURES_DIR points elsewhere?)";
    for (absl::string_view line :
         absl::StrSplit(ReadFile(path), '\n', absl::SkipWhitespace())) {
      events_.emplace_back(line);
    }
    ASSERT_EQ(events_.size(), 4u) << "the fixture has changed: " << path;
    LineageServerTest::SetUp();
  }

  IngestOpenLineageResponse IngestOk(const std::vector<std::string>& events) {
    IngestOpenLineageResponse response;
    EXPECT_TRUE(IsOk(steward_->Ingest(events, &response)));
    return response;
  }

  LineageEdge EdgeOk(const std::string& source, const std::string& target) {
    LineageEdge edge;
    EXPECT_TRUE(IsOk(steward_->GetEdge(source, target, &edge)))
        << source << " -> " << target;
    return edge;
  }

  // Checks the catalogue the whole fixture leaves behind, `brp` being the
  // dataset dwh.brp.ingezetenen maps to.
  void ExpectFixtureEdges(const std::string& brp = kBrp) {
    EXPECT_THAT(
        EdgeKeys(steward_->ListAllEdges({})),
        UnorderedElementsAre(Node(brp) + " -> " + Node(kClienten),
                             Node(kAanvragen) + " -> " + Node(kClienten),
                             Node(kClienten) + " -> " + Node(kMaandcijfers)));

    const LineageEdge from_brp = EdgeOk(brp, kClienten);
    EXPECT_EQ(from_brp.relation(), catalog::v1::LINEAGE_RELATION_DERIVED);
    EXPECT_EQ(from_brp.process(), kBuildJob);
    EXPECT_EQ(from_brp.last_run().job_namespace(), kJobNamespace);
    EXPECT_EQ(from_brp.last_run().job_name(), kBuildJob);
    EXPECT_EQ(from_brp.last_run().run_id(), kBuildRun);
    EXPECT_EQ(from_brp.last_run().state(), catalog::v1::RUN_STATE_COMPLETE);
    EXPECT_EQ(
        TimeUtil::TimestampToMicroseconds(from_brp.last_run().event_time()),
        Micros("2026-03-02T02:04:31Z"));
    EXPECT_EQ(from_brp.last_run().error_message(), "");
    EXPECT_THAT(from_brp.column_mappings(),
                UnorderedElementsAre(Mapping("bsn", "bsn"),
                                     Mapping("geboortedatum", "leeftijd",
                                             "leeftijd op peildatum")));

    const LineageEdge from_aanvragen = EdgeOk(kAanvragen, kClienten);
    EXPECT_EQ(from_aanvragen.relation(), catalog::v1::LINEAGE_RELATION_DERIVED);
    EXPECT_EQ(from_aanvragen.process(), kBuildJob);
    EXPECT_EQ(from_aanvragen.last_run().run_id(), kBuildRun);
    EXPECT_EQ(from_aanvragen.last_run().state(),
              catalog::v1::RUN_STATE_COMPLETE);
    EXPECT_THAT(from_aanvragen.column_mappings(),
                ElementsAre(Mapping("voorziening", "voorziening")));

    const LineageEdge to_report = EdgeOk(kClienten, kMaandcijfers);
    EXPECT_EQ(to_report.relation(), catalog::v1::LINEAGE_RELATION_DERIVED);
    EXPECT_EQ(to_report.process(), kReportJob);
    EXPECT_EQ(to_report.last_run().job_namespace(), kJobNamespace);
    EXPECT_EQ(to_report.last_run().job_name(), kReportJob);
    EXPECT_EQ(to_report.last_run().run_id(), kReportRun);
    EXPECT_EQ(to_report.last_run().state(), catalog::v1::RUN_STATE_FAIL);
    EXPECT_EQ(
        TimeUtil::TimestampToMicroseconds(to_report.last_run().event_time()),
        Micros("2026-03-02T03:01:10Z"));
    EXPECT_EQ(to_report.last_run().error_message(),
              "relation dwh.sociaal_domein.wmo_clienten is locked");
    EXPECT_THAT(to_report.column_mappings(), IsEmpty());
  }

  // The catalogue holds no dataset and no edge.
  void ExpectNothingWritten() {
    EXPECT_THAT(admin_->ListAllDatasets(), IsEmpty());
    EXPECT_THAT(admin_->ListAllEdges({}), IsEmpty());
  }

  std::vector<std::string> events_;
};

TEST_F(OpenLineageIngestTest, TheRunEventsBecomeStubDatasets) {
  const IngestOpenLineageResponse response = IngestOk(events_);
  EXPECT_EQ(response.events(), 4);
  EXPECT_THAT(CreatedIds(response),
              UnorderedElementsAre(kBrp, kAanvragen, kClienten, kMaandcijfers));
  EXPECT_GT(response.revision(), 0);

  const std::map<std::string, std::string> names = {
      {kBrp, "dwh.brp.ingezetenen"},
      {kAanvragen, "dwh.wmo.aanvragen"},
      {kClienten, "dwh.sociaal_domein.wmo_clienten"},
      {kMaandcijfers, "dwh.rapportage.wmo_maandcijfers"}};
  for (const auto& [id, name] : names) {
    SCOPED_TRACE(id);
    const Dataset stub = steward_->GetDatasetOk(id);
    EXPECT_EQ(stub.id(), id);
    EXPECT_EQ(stub.status(), catalog::v1::DATASET_STATUS_CONCEPT);
    ASSERT_EQ(stub.openlineage_names_size(), 1);
    EXPECT_EQ(stub.openlineage_names(0).namespace_(), kNamespace);
    EXPECT_EQ(stub.openlineage_names(0).name(), name);
    EXPECT_EQ(stub.system(), kNamespace);
    EXPECT_LE(stub.revision(), response.revision());
    // Not openbaar until a steward classifies it: intern by default.
    EXPECT_EQ(stub.classification().confidentiality(), catalog::v1::CONFIDENTIALITY_INTERN);
  }
  auto field_names = [&](const std::string& id) {
    std::vector<std::string> fields;
    const Dataset dataset = steward_->GetDatasetOk(id);
    for (const auto& field : dataset.schema_fields())
      fields.push_back(field.name());
    return fields;
  };
  EXPECT_THAT(field_names(kBrp),
              ElementsAre("bsn", "geboortedatum", "adres_id"));
  EXPECT_THAT(field_names(kAanvragen),
              ElementsAre("aanvraag_id", "bsn", "voorziening"));
  EXPECT_THAT(field_names(kClienten),
              ElementsAre("bsn", "leeftijd", "voorziening"));
  EXPECT_THAT(field_names(kMaandcijfers), IsEmpty()) << "no schema facet";
}

TEST_F(OpenLineageIngestTest,
       TheRunEventsBecomeEdgesWithMappingsAndTheLastRun) {
  const IngestOpenLineageResponse response = IngestOk(events_);
  EXPECT_EQ(response.edges_created(), 3);
  ExpectFixtureEdges();
}

TEST_F(OpenLineageIngestTest, StubConfidentialityIsConfigurable) {
  server_.reset();
  server::ServerOptions options;
  options.data_dir = dir_.path() + "/configured";
  options.lineage_limits.stub_confidentiality = catalog::v1::CONFIDENTIALITY_VERTROUWELIJK;
  server_ = TestServer::Start(options);
  ASSERT_NE(server_, nullptr);
  LineageClient admin(server_->Channel("admin"));
  IngestOpenLineageResponse response;
  ASSERT_TRUE(IsOk(admin.Ingest(events_, &response)));
  EXPECT_EQ(admin.GetDatasetOk(kBrp).classification().confidentiality(),
            catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  // The reader (clearance intern) sees none of these stubs.
  LineageClient reader(server_->Channel("reader"));
  Dataset hidden;
  EXPECT_EQ(reader.GetDataset(kBrp, &hidden).error_code(), grpc::StatusCode::NOT_FOUND);
}

// A stub has no domain, which a write requires: writing it back unchanged
// (a bulk load of an export) is accepted as unchanged, a change is refused.
TEST_F(OpenLineageIngestTest, AStubWrittenBackUnchangedIsNotRefused) {
  IngestOk(events_);
  const Dataset stub = steward_->GetDatasetOk(kBrp);
  ASSERT_TRUE(stub.domain().empty());
  catalog::v1::UpsertDatasetsRequest request;
  *request.add_datasets() = stub;
  Dataset changed = stub;
  changed.set_title("Ingezetenen (DWH)");
  *request.add_datasets() = changed;
  grpc::ClientContext context;
  auto stream = catalog::v1::CatalogService::NewStub(server_->Channel("steward"))
                    ->UpsertDatasets(&context);
  ASSERT_TRUE(stream->Write(request));
  stream->WritesDone();
  catalog::v1::UpsertDatasetsResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_TRUE(IsOk(stream->Finish()));
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).code(), 0) << response.results(0).message();
  EXPECT_TRUE(response.results(0).unchanged());
  EXPECT_EQ(response.results(1).code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(response.results(1).message(), ::testing::HasSubstr("domain"));
  EXPECT_EQ(steward_->GetDatasetOk(kBrp).revision(), stub.revision());
}

TEST_F(OpenLineageIngestTest, EventsInSeparateRequestsGiveTheSameEdges) {
  const IngestOpenLineageResponse first =
      IngestOk({events_[0]});  // START of the build run.
  EXPECT_THAT(CreatedIds(first),
              UnorderedElementsAre(kBrp, kAanvragen, kClienten));
  EXPECT_EQ(first.edges_created(), 2);
  EXPECT_EQ(EdgeOk(kBrp, kClienten).last_run().state(),
            catalog::v1::RUN_STATE_START);

  const IngestOpenLineageResponse second =
      IngestOk({events_[1]});  // COMPLETE, with facets.
  EXPECT_THAT(CreatedIds(second), IsEmpty());
  EXPECT_EQ(second.edges_created(), 0);
  EXPECT_EQ(second.edges_updated(), 2);
  EXPECT_GT(second.revision(), first.revision());

  const IngestOpenLineageResponse third =
      IngestOk({events_[2]});  // START of the report run.
  EXPECT_THAT(CreatedIds(third), ElementsAre(kMaandcijfers));
  EXPECT_EQ(third.edges_created(), 1);
  EXPECT_EQ(EdgeOk(kClienten, kMaandcijfers).last_run().state(),
            catalog::v1::RUN_STATE_START);

  // FAIL names no inputs or outputs: the run's edges are known from its
  // START.
  const IngestOpenLineageResponse fourth = IngestOk({events_[3]});
  EXPECT_EQ(fourth.edges_created(), 0);
  EXPECT_EQ(fourth.edges_updated(), 1);

  ExpectFixtureEdges();
}

TEST_F(OpenLineageIngestTest, AReplayChangesNothing) {
  const IngestOpenLineageResponse first = IngestOk(events_);
  std::map<std::string, std::string> etags;
  for (const char* id : {kBrp, kAanvragen, kClienten, kMaandcijfers}) {
    etags[id] = steward_->GetDatasetOk(id).etag();
  }
  const std::vector<LineageEdge> edges = steward_->ListAllEdges({});
  ASSERT_EQ(edges.size(), 3u);

  const IngestOpenLineageResponse replay = IngestOk(events_);
  EXPECT_EQ(replay.events(), 4);
  EXPECT_THAT(replay.datasets_created(), IsEmpty());
  EXPECT_EQ(replay.edges_created(), 0);
  EXPECT_EQ(replay.edges_updated(), 0);
  EXPECT_EQ(replay.revision(), first.revision());
  for (const auto& [id, etag] : etags) {
    EXPECT_EQ(steward_->GetDatasetOk(id).etag(), etag) << id;
  }
  for (const LineageEdge& edge : edges) {
    EXPECT_TRUE(SameMessage(EdgeOk(edge.source(), edge.target()), edge));
  }

  std::unique_ptr<storage::CatalogStore> store = StopAndOpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->LatestRevision(), first.revision());
  absl::StatusOr<storage::CheckReport> report = store->Check();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << ::testing::PrintToString(report->problems);
}

TEST_F(OpenLineageIngestTest,
       AnOlderEventOfTheRunDoesNotOverrideTheNewestState) {
  IngestOk(events_);
  const LineageEdge before = EdgeOk(kBrp, kClienten);
  const IngestOpenLineageResponse late =
      IngestOk({events_[0]});  // The START, again.
  EXPECT_EQ(late.edges_updated(), 0);
  const LineageEdge after = EdgeOk(kBrp, kClienten);
  EXPECT_EQ(after.last_run().state(), catalog::v1::RUN_STATE_COMPLETE);
  EXPECT_TRUE(SameMessage(after, before));
}

TEST_F(OpenLineageIngestTest,
       ADatasetCarryingTheOpenLineageNameIsUsedInsteadOfAStub) {
  Dataset brp = ValidDataset("brp-ingezetenen");
  brp.set_domain("Burgerzaken");
  for (const char* field : {"bsn", "geboortedatum", "adres_id"})
    AddField(&brp, field);
  catalog::v1::OpenLineageName* name = brp.add_openlineage_names();
  name->set_namespace_(kNamespace);
  name->set_name("dwh.brp.ingezetenen");
  const Dataset stored = steward_->CreateDatasetOk(brp);

  const IngestOpenLineageResponse response = IngestOk(events_);
  EXPECT_THAT(CreatedIds(response),
              UnorderedElementsAre(kAanvragen, kClienten, kMaandcijfers));
  Dataset ignored;
  EXPECT_TRUE(HasStatus(steward_->GetDataset(kBrp, &ignored),
                        StatusCode::NOT_FOUND, ""));
  ExpectFixtureEdges("brp-ingezetenen");
  const Dataset after = steward_->GetDatasetOk("brp-ingezetenen");
  EXPECT_EQ(after.status(), catalog::v1::DATASET_STATUS_COMPLETED)
      << "not turned into a stub";
  EXPECT_EQ(after.domain(), "Burgerzaken");
}

// One malformed event and the path and words its error must name.
struct MalformedCase {
  const char* name;
  std::string event;
  const char* path;  // After "events[i]".
  const char* words;
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }

// kSmallOpenLineageEvent with `from` replaced (a replacement that misses leaves
// the event valid, and the case fails).
std::string WithReplaced(const std::string& from, const std::string& to) {
  return absl::StrReplaceAll(kSmallOpenLineageEvent, {{from, to}});
}

std::vector<MalformedCase> MalformedCases() {
  return {
      {"NotJson", R"({"eventType": "COMPLETE", )", "", "not valid JSON"},
      {"MissingEventTime",
       WithReplaced(R"("eventTime":"2026-03-02T05:00:00.000Z",)", ""),
       ".eventTime", "required"},
      {"UnknownEventType",
       WithReplaced(R"("eventType":"COMPLETE")", R"("eventType":"FOO")"),
       ".eventType", "unknown value \"FOO\""},
      {"MissingJobName", WithReplaced(R"(,"name":"test.kopie")", ""),
       ".job.name", "required"},
      {"InputWithoutName", WithReplaced(R"(,"name":"bron.tabel")", ""),
       ".inputs[0].name", "required"},
  };
}

class MalformedEventTest : public OpenLineageIngestTest,
                           public ::testing::WithParamInterface<MalformedCase> {
 protected:
  // These need no fixture file.
  void SetUp() override { LineageServerTest::SetUp(); }
};

TEST_F(MalformedEventTest, TheSmallEventIsValid) {
  IngestOpenLineageResponse response = IngestOk({kSmallOpenLineageEvent});
  EXPECT_EQ(response.events(), 1);
  EXPECT_EQ(response.edges_created(), 1);
  EXPECT_THAT(CreatedIds(response),
              UnorderedElementsAre("bron-tabel", "doel-tabel"));
}

TEST_P(MalformedEventTest, AloneIsInvalidArgumentNamingEventZero) {
  IngestOpenLineageResponse response;
  const grpc::Status status = steward_->Ingest({GetParam().event}, &response);
  EXPECT_TRUE(HasStatus(status, StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("events[0]", GetParam().path)));
  EXPECT_TRUE(
      HasStatus(status, StatusCode::INVALID_ARGUMENT, GetParam().words));
  ExpectNothingWritten();
}

TEST_P(MalformedEventTest, AfterAGoodOneRejectsTheWholeRequest) {
  IngestOpenLineageResponse response;
  const grpc::Status status =
      steward_->Ingest({kSmallOpenLineageEvent, GetParam().event}, &response);
  EXPECT_TRUE(HasStatus(status, StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("events[1]", GetParam().path)));
  EXPECT_TRUE(
      HasStatus(status, StatusCode::INVALID_ARGUMENT, GetParam().words));
  ExpectNothingWritten();
}

INSTANTIATE_TEST_SUITE_P(Cases, MalformedEventTest,
                         ::testing::ValuesIn(MalformedCases()),
                         [](const auto& info) {
                           return std::string(info.param.name);
                         });

TEST_F(OpenLineageIngestTest, TheFixtureWithABadEventAddedIsRejectedWhole) {
  std::vector<std::string> events = events_;
  events.push_back("[]");
  IngestOpenLineageResponse response;
  EXPECT_TRUE(HasStatus(steward_->Ingest(events, &response),
                        StatusCode::INVALID_ARGUMENT, "events[4]"));
  ExpectNothingWritten();
}

TEST_F(OpenLineageIngestTest, AtMost1000EventsPerRequest) {
  IngestOpenLineageResponse response;
  EXPECT_TRUE(HasStatus(
      steward_->Ingest(std::vector<std::string>(1001, kSmallOpenLineageEvent),
                       &response),
      StatusCode::RESOURCE_EXHAUSTED, ""));
  ExpectNothingWritten();
  response = IngestOk(std::vector<std::string>(1000, kSmallOpenLineageEvent));
  EXPECT_EQ(response.events(), 1000);
  EXPECT_EQ(response.edges_created(), 1);
}

TEST_F(OpenLineageIngestTest, AReaderMayNotIngest) {
  IngestOpenLineageResponse response;
  EXPECT_TRUE(HasStatus(reader_->Ingest(events_, &response),
                        StatusCode::PERMISSION_DENIED, ""));
  ExpectNothingWritten();
}

}  // namespace
}  // namespace catalog::testing
