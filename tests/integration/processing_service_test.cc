// ProcessingService over real mutual TLS against a real store: the register
// of processing activities. Versions (a relevant change makes a new one, an
// editorial change keeps it, no change writes nothing; old versions stay
// readable and closed), validation of every field, references to datasets
// and parties, filters and paging, etags, and persistence over a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "catalog/v1/audit_service.grpc.pb.h"
#include "catalog/v1/processing_service.grpc.pb.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using ::grpc::StatusCode;
using ::testing::ElementsAre;
using v1::ProcessingActivity;

// A complete activity using dataset `dataset` (may be empty).
ProcessingActivity ValidActivity(const std::string& id, const std::string& dataset = "") {
  ProcessingActivity a;
  a.set_id(id);
  a.set_title("Bijhouden van de BRP");
  a.set_purpose("Bijhouden van de basisregistratie personen (Wet BRP)");
  a.set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  a.set_legal_basis_explanation("Wet BRP art. 1.2");
  a.mutable_controller()->set_name("College van B&W van Voorbeeldstad");
  a.mutable_controller()->set_oin("00000001001234567000");
  a.set_governing_body(v1::GOVERNING_BODY_COLLEGE_VAN_BW);
  a.add_data_subject_categories("Ingezetenen");
  a.add_personal_data_categories("NAW-gegevens");
  a.set_retention_period("P20Y");
  a.set_log_confidentiality(v1::CONFIDENTIALITY_VERTROUWELIJK);
  if (!dataset.empty()) a.add_datasets(dataset);
  return a;
}

class ProcessingServiceTest : public LineageServerTest {
 protected:
  void SetUp() override {
    LineageServerTest::SetUp();
    Connect();
  }

  void Connect() {
    steward_register_ = v1::ProcessingService::NewStub(server_->Channel("steward"));
    reader_register_ = v1::ProcessingService::NewStub(server_->Channel("reader"));
  }

  grpc::Status Create(const ProcessingActivity& a, ProcessingActivity* out) {
    v1::CreateProcessingActivityRequest request;
    *request.mutable_activity() = a;
    return steward_register_->CreateProcessingActivity(Context().get(), request, out);
  }

  ProcessingActivity CreateOk(const ProcessingActivity& a) {
    ProcessingActivity out;
    const grpc::Status s = Create(a, &out);
    EXPECT_TRUE(IsOk(s));
    return out;
  }

  grpc::Status Get(const std::string& name, ProcessingActivity* out,
                   v1::ProcessingService::Stub* stub = nullptr) {
    v1::GetProcessingActivityRequest request;
    request.set_name(name);
    return (stub != nullptr ? stub : steward_register_.get())
        ->GetProcessingActivity(Context().get(), request, out);
  }

  ProcessingActivity GetOk(const std::string& name) {
    ProcessingActivity out;
    EXPECT_TRUE(IsOk(Get(name, &out)));
    return out;
  }

  grpc::Status Update(const ProcessingActivity& a, const std::vector<std::string>& paths,
                      ProcessingActivity* out, const std::string& etag = "") {
    v1::UpdateProcessingActivityRequest request;
    *request.mutable_activity() = a;
    for (const std::string& p : paths) request.mutable_update_mask()->add_paths(p);
    request.set_etag(etag);
    return steward_register_->UpdateProcessingActivity(Context().get(), request, out);
  }

  std::vector<int64_t> Versions(const std::string& name, int page_size = 0) {
    std::vector<int64_t> versions;
    v1::ListProcessingActivityVersionsRequest request;
    request.set_name(name);
    request.set_page_size(page_size);
    for (int pages = 0; pages < 20; ++pages) {
      v1::ListProcessingActivityVersionsResponse response;
      EXPECT_TRUE(IsOk(
          steward_register_->ListProcessingActivityVersions(Context().get(), request, &response)));
      for (const ProcessingActivity& v : response.versions()) versions.push_back(v.version());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return versions;
  }

  std::vector<std::string> ListIds(v1::ListProcessingActivitiesRequest request) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 20; ++pages) {
      v1::ListProcessingActivitiesResponse response;
      EXPECT_TRUE(
          IsOk(steward_register_->ListProcessingActivities(Context().get(), request, &response)));
      for (const ProcessingActivity& a : response.activities()) ids.push_back(a.id());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return ids;
  }

  std::unique_ptr<v1::ProcessingService::Stub> steward_register_;
  std::unique_ptr<v1::ProcessingService::Stub> reader_register_;
};

TEST_F(ProcessingServiceTest, CreateGivesVersionOneWithItsNames) {
  steward_->CreateDatasetOk(ValidDataset("brp-ingezetenen"));
  const ProcessingActivity created = CreateOk(ValidActivity("brp-bijhouding", "brp-ingezetenen"));
  EXPECT_EQ(created.name(), "processing-activities/brp-bijhouding");
  EXPECT_EQ(created.version(), 1);
  EXPECT_EQ(created.version_name(), "processing-activities/brp-bijhouding/versions/1");
  EXPECT_EQ(created.status(), v1::PROCESSING_ACTIVITY_STATUS_ACTIVE) << "the default";
  EXPECT_THAT(created.datasets(), ElementsAre("datasets/brp-ingezetenen")) << "canonical name";
  EXPECT_TRUE(created.has_valid_from());
  EXPECT_FALSE(created.has_valid_until());
  EXPECT_GT(created.revision(), 0);
  EXPECT_EQ(created.etag(), std::to_string(created.revision()));
  // Resolvable by id, by name and by version name; the reader reads it too.
  for (const std::string& name :
       {std::string("brp-bijhouding"), created.name(), created.version_name()}) {
    EXPECT_EQ(GetOk(name).DebugString(), created.DebugString()) << name;
  }
  ProcessingActivity read;
  EXPECT_TRUE(IsOk(Get(created.name(), &read, reader_register_.get())));
  // The id is generated from the title when empty.
  ProcessingActivity untitled = ValidActivity("");
  untitled.set_title("Heffen van de OZB");
  EXPECT_EQ(CreateOk(untitled).id(), "heffen-van-de-ozb");
}

TEST_F(ProcessingServiceTest, ARelevantChangeMakesANewVersionAndKeepsTheOld) {
  const ProcessingActivity v1 = CreateOk(ValidActivity("wmo-aanvraag"));
  ProcessingActivity change;
  change.set_id("wmo-aanvraag");
  change.set_purpose("Beoordelen van aanvragen maatwerkvoorzieningen (Wmo 2015)");
  ProcessingActivity v2;
  ASSERT_TRUE(IsOk(Update(change, {"purpose"}, &v2, v1.etag())));
  EXPECT_EQ(v2.version(), 2);
  EXPECT_EQ(v2.version_name(), "processing-activities/wmo-aanvraag/versions/2");
  EXPECT_EQ(v2.purpose(), change.purpose());
  EXPECT_EQ(v2.title(), v1.title()) << "the rest stays";
  EXPECT_EQ(v2.create_time().seconds(), v1.create_time().seconds());
  EXPECT_GT(v2.revision(), v1.revision());
  // The old version stays readable, closed when the new one began.
  const ProcessingActivity old = GetOk(v1.version_name());
  EXPECT_EQ(old.purpose(), v1.purpose());
  EXPECT_EQ(old.version(), 1);
  ASSERT_TRUE(old.has_valid_until());
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToMicroseconds(old.valid_until()),
            google::protobuf::util::TimeUtil::TimestampToMicroseconds(v2.valid_from()));
  EXPECT_EQ(GetOk("wmo-aanvraag").version(), 2);
  EXPECT_THAT(Versions("wmo-aanvraag"), ElementsAre(2, 1)) << "newest first";
  // Ending the activity is a relevant change too.
  change.set_status(v1::PROCESSING_ACTIVITY_STATUS_ENDED);
  ProcessingActivity ended;
  ASSERT_TRUE(IsOk(Update(change, {"status"}, &ended)));
  EXPECT_EQ(ended.version(), 3);
  EXPECT_THAT(Versions("wmo-aanvraag", /*page_size=*/1), ElementsAre(3, 2, 1)) << "paged";
}

TEST_F(ProcessingServiceTest, AnEditorialChangeKeepsTheVersionAndNoChangeWritesNothing) {
  const ProcessingActivity v1 = CreateOk(ValidActivity("parkeervergunning"));
  ProcessingActivity change;
  change.set_id("parkeervergunning");
  change.set_title("Verlenen van parkeervergunningen");
  change.set_security_measures("Toegang op basis van rollen; versleutelde opslag.");
  ProcessingActivity edited;
  ASSERT_TRUE(IsOk(Update(change, {"title", "security_measures"}, &edited)));
  EXPECT_EQ(edited.version(), 1);
  EXPECT_EQ(edited.version_name(), v1.version_name());
  EXPECT_GT(edited.revision(), v1.revision());
  EXPECT_EQ(GetOk(v1.version_name()).title(), "Verlenen van parkeervergunningen")
      << "the version record changes with it";
  EXPECT_THAT(Versions("parkeervergunning"), ElementsAre(1));
  // The same values again: nothing is written, the revision stays.
  ProcessingActivity again;
  ASSERT_TRUE(IsOk(Update(change, {"title", "security_measures"}, &again)));
  EXPECT_EQ(again.revision(), edited.revision());
  // A full replacement equal to the stored activity writes nothing either.
  ProcessingActivity full = GetOk("parkeervergunning");
  ASSERT_TRUE(IsOk(Update(full, {}, &again)));
  EXPECT_EQ(again.revision(), edited.revision());
}

TEST_F(ProcessingServiceTest, StaleEtagsAndBadMasksAreRefused) {
  const ProcessingActivity v1 = CreateOk(ValidActivity("belastingaanslag"));
  ProcessingActivity change;
  change.set_id("belastingaanslag");
  change.set_purpose("Heffen en innen van gemeentelijke belastingen");
  ProcessingActivity out;
  ASSERT_TRUE(IsOk(Update(change, {"purpose"}, &out, v1.etag())));
  change.set_purpose("Nog iets anders");
  EXPECT_TRUE(HasStatus(Update(change, {"purpose"}, &out, v1.etag()), StatusCode::ABORTED,
                        "processing activity belastingaanslag"));
  EXPECT_TRUE(HasStatus(Update(change, {"purpose"}, &out, "x"), StatusCode::INVALID_ARGUMENT,
                        "etag"));
  EXPECT_TRUE(HasStatus(Update(change, {"doel"}, &out), StatusCode::INVALID_ARGUMENT,
                        "update_mask: \"doel\" is not a field of ProcessingActivity"));
  EXPECT_TRUE(HasStatus(Update(change, {"version"}, &out), StatusCode::INVALID_ARGUMENT,
                        "update_mask: \"version\" is output only"));
  change.set_id("belastingaanslag/versions/1");
  EXPECT_TRUE(HasStatus(Update(change, {"purpose"}, &out), StatusCode::INVALID_ARGUMENT,
                        "activity.id: name the activity, not one of its versions"));
  change.set_id("bestaat-niet");
  EXPECT_TRUE(HasStatus(Update(change, {"purpose"}, &out), StatusCode::NOT_FOUND,
                        "processing activity bestaat-niet not found"));
  change.set_id("belastingaanslag");
  change.set_purpose("");
  EXPECT_TRUE(HasStatus(Update(change, {"purpose"}, &out), StatusCode::INVALID_ARGUMENT,
                        "purpose: required"));
  EXPECT_EQ(GetOk("belastingaanslag").version(), 2) << "nothing of the refused updates";
}

TEST_F(ProcessingServiceTest, EveryFieldRuleNamesTheField) {
  steward_->CreateDatasetOk(ValidDataset("woz-objecten"));
  struct Case {
    const char* expected;
    void (*change)(ProcessingActivity*);
  } cases[] = {
      {"id \"Geen Slug\" is not a valid id", [](ProcessingActivity* a) { a->set_id("Geen Slug"); }},
      {"title: required", [](ProcessingActivity* a) { a->set_title(" "); }},
      {"purpose: required", [](ProcessingActivity* a) { a->clear_purpose(); }},
      {"legal_basis: required", [](ProcessingActivity* a) { a->clear_legal_basis(); }},
      {"controller.name: required", [](ProcessingActivity* a) { a->clear_controller(); }},
      {"controller.oin", [](ProcessingActivity* a) { a->mutable_controller()->set_oin("123"); }},
      {"retention_period: required: an ISO 8601 duration",
       [](ProcessingActivity* a) { a->set_retention_period("7 jaar"); }},
      {"retention_period", [](ProcessingActivity* a) { a->clear_retention_period(); }},
      {"log_confidentiality: required",
       [](ProcessingActivity* a) { a->clear_log_confidentiality(); }},
      {"transfers[0].recipient: required",
       [](ProcessingActivity* a) { a->add_transfers()->set_country("US"); }},
      {"transfers[0].country",
       [](ProcessingActivity* a) {
         v1::ThirdCountryTransfer* t = a->add_transfers();
         t->set_country("Verenigde Staten");
         t->set_recipient("Leverancier");
         t->set_safeguards("SCC");
       }},
      {"datasets[0] \"Geen Id\" is not a valid id",
       [](ProcessingActivity* a) { a->add_datasets("Geen Id"); }},
      {"datasets[1]: named twice",
       [](ProcessingActivity* a) {
         a->add_datasets("woz-objecten");
         a->add_datasets("datasets/woz-objecten");
       }},
      {"recipient_parties[0] \"Geen Partij\" is not a valid id",
       [](ProcessingActivity* a) { a->add_recipient_parties("Geen Partij"); }},
      {"governing_body",
       [](ProcessingActivity* a) { a->set_governing_body(static_cast<v1::GoverningBody>(99)); }},
      {"special_categories",
       [](ProcessingActivity* a) { a->add_special_categories(v1::SPECIAL_CATEGORY_UNSPECIFIED); }},
  };
  for (const Case& c : cases) {
    ProcessingActivity a = ValidActivity("woz-beschikking");
    c.change(&a);
    ProcessingActivity out;
    EXPECT_TRUE(HasStatus(Create(a, &out), StatusCode::INVALID_ARGUMENT, c.expected))
        << c.expected;
  }
  // References to what does not exist: NOT_FOUND naming the field.
  ProcessingActivity a = ValidActivity("woz-beschikking", "bestaat-niet");
  ProcessingActivity out;
  EXPECT_TRUE(HasStatus(Create(a, &out), StatusCode::NOT_FOUND,
                        "datasets[0]: dataset bestaat-niet not found"));
  a = ValidActivity("woz-beschikking");
  a.add_recipient_parties("parties/niemand");
  EXPECT_TRUE(HasStatus(Create(a, &out), StatusCode::NOT_FOUND,
                        "recipient_parties[0]: party niemand not found"));
  // Nothing of the refused creates was stored; the id is still free.
  EXPECT_TRUE(HasStatus(Get("woz-beschikking", &out), StatusCode::NOT_FOUND,
                        "processing activity woz-beschikking not found"));
  CreateOk(ValidActivity("woz-beschikking", "woz-objecten"));
  EXPECT_TRUE(HasStatus(Create(ValidActivity("woz-beschikking"), &out),
                        StatusCode::ALREADY_EXISTS, "already exists"));
  // Names that do not parse, and versions that do not exist.
  EXPECT_TRUE(HasStatus(Get("woz-beschikking/versions/0", &out), StatusCode::INVALID_ARGUMENT,
                        "name: a version is a number from 1"));
  EXPECT_TRUE(HasStatus(Get("woz-beschikking/versions/2", &out), StatusCode::NOT_FOUND,
                        "processing activity woz-beschikking has no version 2"));
  EXPECT_TRUE(HasStatus(Get("", &out), StatusCode::INVALID_ARGUMENT, "name"));
}

TEST_F(ProcessingServiceTest, ListFiltersAndPages) {
  steward_->CreateDatasetOk(ValidDataset("brp-ingezetenen"));
  steward_->CreateDatasetOk(ValidDataset("wmo-dossiers"));
  CreateOk(ValidActivity("a-brp", "brp-ingezetenen"));
  ProcessingActivity wmo = ValidActivity("b-wmo", "wmo-dossiers");
  wmo.set_legal_basis(v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);
  wmo.clear_data_subject_categories();
  wmo.add_data_subject_categories("Aanvragers Wmo");
  CreateOk(wmo);
  ProcessingActivity oud = ValidActivity("c-oud", "brp-ingezetenen");
  oud.set_status(v1::PROCESSING_ACTIVITY_STATUS_ENDED);
  CreateOk(oud);

  v1::ListProcessingActivitiesRequest request;
  EXPECT_THAT(ListIds(request), ElementsAre("a-brp", "b-wmo", "c-oud"));
  request.set_page_size(1);
  EXPECT_THAT(ListIds(request), ElementsAre("a-brp", "b-wmo", "c-oud")) << "paged";
  request = {};
  request.set_dataset("brp-ingezetenen");
  EXPECT_THAT(ListIds(request), ElementsAre("a-brp", "c-oud"));
  request.set_status(v1::PROCESSING_ACTIVITY_STATUS_ACTIVE);
  EXPECT_THAT(ListIds(request), ElementsAre("a-brp"));
  request = {};
  request.set_legal_basis(v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);
  EXPECT_THAT(ListIds(request), ElementsAre("b-wmo"));
  request = {};
  request.set_data_subject_category(" aanvragers wmo ");
  EXPECT_THAT(ListIds(request), ElementsAre("b-wmo")) << "case and spaces ignored";

  // A token belongs to its filter.
  request = {};
  request.set_page_size(1);
  v1::ListProcessingActivitiesResponse first;
  ASSERT_TRUE(IsOk(steward_register_->ListProcessingActivities(Context().get(), request, &first)));
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  request.set_dataset("wmo-dossiers");
  v1::ListProcessingActivitiesResponse other;
  EXPECT_EQ(steward_register_->ListProcessingActivities(Context().get(), request, &other)
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
  request = {};
  request.set_page_size(-1);
  EXPECT_TRUE(HasStatus(
      steward_register_->ListProcessingActivities(Context().get(), request, &other),
      StatusCode::INVALID_ARGUMENT, "page_size"));
}

// The listing reads the register in chunks of 500: a filter that skips
// most of them still finds every match once, in order.
TEST_F(ProcessingServiceTest, ListingMoreThanOneChunkFindsEveryActivityOnce) {
  std::vector<std::string> expected;
  for (int i = 0; i < 520; ++i) {
    char id[32];
    std::snprintf(id, sizeof(id), "activiteit-%03d", i);
    ProcessingActivity a = ValidActivity(id);
    if (i % 100 == 7) {
      a.set_legal_basis(v1::LEGAL_BASIS_TOESTEMMING);
      expected.push_back(id);
    }
    CreateOk(a);
  }
  v1::ListProcessingActivitiesRequest request;
  request.set_page_size(1000);
  EXPECT_EQ(ListIds(request).size(), 520u);
  request.set_legal_basis(v1::LEGAL_BASIS_TOESTEMMING);
  EXPECT_EQ(ListIds(request), expected);
  request.set_page_size(2);
  EXPECT_EQ(ListIds(request), expected) << "paged";
}

TEST_F(ProcessingServiceTest, VersionsSurviveARestartAndTheCallsAreAudited) {
  CreateOk(ValidActivity("leerlingenvervoer"));
  ProcessingActivity change;
  change.set_id("leerlingenvervoer");
  change.set_retention_period("P7Y");
  ProcessingActivity v2;
  ASSERT_TRUE(IsOk(Update(change, {"retention_period"}, &v2)));
  steward_register_.reset();
  reader_register_.reset();
  server_.reset();
  server::ServerOptions options;
  options.data_dir = dir_.path() + "/data";
  server_ = TestServer::Start(options);
  ASSERT_NE(server_, nullptr);
  Connect();
  EXPECT_EQ(GetOk("leerlingenvervoer").DebugString(), v2.DebugString());
  EXPECT_EQ(GetOk("leerlingenvervoer/versions/1").retention_period(), "P20Y");
  EXPECT_THAT(Versions("leerlingenvervoer"), ElementsAre(2, 1));

  auto audit = v1::AuditService::NewStub(server_->Channel("admin"));
  v1::ListAuditEventsRequest request;
  request.set_resource("processing-activities/leerlingenvervoer");
  request.set_oldest_first(true);
  v1::ListAuditEventsResponse response;
  ASSERT_TRUE(IsOk(audit->ListAuditEvents(Context().get(), request, &response)));
  std::vector<std::string> methods;
  for (const v1::AuditEvent& e : response.events()) methods.push_back(e.method());
  EXPECT_THAT(methods,
              ElementsAre("/catalog.v1.ProcessingService/CreateProcessingActivity",
                          "/catalog.v1.ProcessingService/UpdateProcessingActivity",
                          "/catalog.v1.ProcessingService/GetProcessingActivity",
                          "/catalog.v1.ProcessingService/GetProcessingActivity",
                          "/catalog.v1.ProcessingService/ListProcessingActivityVersions"));
}

}  // namespace
}  // namespace catalog::testing
