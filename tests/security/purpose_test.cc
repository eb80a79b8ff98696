// Purpose binding (doelbinding): with `[purpose] required_for = ["reader"]`
// a reader must state a purpose (x-purpose) to read datasets that contain
// personal data, one the dataset declares (tests/security/visibility_test.cc
// covers other purposes); the purpose is recorded in the audit trail. Datasets
// without personal data, roles not listed, and hidden datasets are not
// affected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "catalog/v1/processing_service.grpc.pb.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/security/security_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::AuditEvent;
using catalog::v1::Dataset;
using grpc::StatusCode;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kPersonal[] = "pp-uitkeringen";        // intern, personal data
constexpr char kImpersonal[] = "qq-lantaarnpalen";    // intern, none
constexpr char kHiddenPersonal[] = "rr-informanten";  // geheim, personal data

Dataset WithPersonalData(const std::string& id,
                         catalog::v1::Confidentiality level) {
  Dataset dataset = DatasetAt(id, level);
  dataset.mutable_personal_data()->set_contains_personal_data(true);
  dataset.mutable_personal_data()->set_legal_basis(
      catalog::v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  // The purposes the tests state (a stated purpose must be declared).
  for (const std::string& purpose :
       std::vector<std::string>{"Behandeling bezwaarschrift 2024-117", "Beleidsonderzoek",
                                "Registeronderhoud", std::string(200, 'd')}) {
    dataset.mutable_personal_data()->add_purposes(purpose);
  }
  catalog::v1::SchemaField* field = dataset.add_schema_fields();
  field->set_name("bsn");
  field->set_type("string");
  field->set_personal_data(true);
  return dataset;
}

class PurposeTest : public ::testing::Test {
 protected:
  void SetUp() override { StartWith(SuiteGrants()); }

  void StartWith(const std::vector<PolicyGrant>& grants) {
    server_ = SecureServer::Start(PolicyToml(grants, {"reader"}));
    ASSERT_NE(server_, nullptr);
    Create(WithPersonalData(kPersonal, catalog::v1::CONFIDENTIALITY_INTERN));
    Create(DatasetAt(kImpersonal, catalog::v1::CONFIDENTIALITY_INTERN));
    Dataset hidden =
        WithPersonalData(kHiddenPersonal, catalog::v1::CONFIDENTIALITY_GEHEIM);
    hidden.add_tags("geheim");
    Create(hidden);
  }

  void Create(const Dataset& dataset) {
    catalog::v1::CreateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    Dataset stored;
    ASSERT_TRUE(IsOk(server_->Catalog("admin")->CreateDataset(
        Context().get(), request, &stored)));
  }

  grpc::Status Get(const std::string& who, const std::string& id,
                   const std::string& purpose, const std::string& rid = "",
                   int64_t revision = 0) {
    catalog::v1::GetDatasetRequest request;
    request.set_id(id);
    request.set_revision(revision);
    Dataset out;
    return server_->Catalog(who)->GetDataset(CallContext(rid, purpose).get(),
                                             request, &out);
  }

  grpc::Status List(const std::string& who, const std::string& purpose,
                    catalog::v1::ListDatasetsRequest request,
                    std::vector<std::string>* ids) {
    catalog::v1::ListDatasetsResponse response;
    grpc::Status status = server_->Catalog(who)->ListDatasets(
        CallContext("", purpose).get(), request, &response);
    for (const Dataset& d : response.datasets()) ids->push_back(d.id());
    return status;
  }

  grpc::Status History(const std::string& who, const std::string& id,
                       const std::string& purpose) {
    catalog::v1::ListDatasetRevisionsRequest request;
    request.set_id(id);
    catalog::v1::ListDatasetRevisionsResponse response;
    return server_->Catalog(who)->ListDatasetRevisions(
        CallContext("", purpose).get(), request, &response);
  }

  // The audit entries of request `rid`, after every queued entry is written.
  std::vector<AuditEvent> EventsOf(const std::string& rid) {
    Create(DatasetAt(absl::StrCat("barrier-", barriers_++),
                     catalog::v1::CONFIDENTIALITY_OPENBAAR));
    std::vector<AuditEvent> all;
    EXPECT_TRUE(
        IsOk(ListAllEvents(*server_->Audit("auditor"),
                           catalog::v1::ListAuditEventsRequest(), &all)));
    std::vector<AuditEvent> matching;
    for (const AuditEvent& e : all) {
      if (e.request_id() == rid) matching.push_back(e);
    }
    return matching;
  }

  std::unique_ptr<SecureServer> server_;
  int barriers_ = 0;
};

TEST_F(PurposeTest, ReaderWithoutPurposeIsRefusedNamingXPurpose) {
  EXPECT_TRUE(HasStatus(Get("reader", kPersonal, ""),
                        StatusCode::FAILED_PRECONDITION, "x-purpose"));
  EXPECT_TRUE(HasStatus(Get("reader", kPersonal, "", "", 1),
                        StatusCode::FAILED_PRECONDITION, "x-purpose"))
      << "also at a revision";
  EXPECT_TRUE(HasStatus(History("reader", kPersonal, ""),
                        StatusCode::FAILED_PRECONDITION, "x-purpose"));
}

TEST_F(PurposeTest, EmptyPurposeIsNoPurpose) {
  catalog::v1::GetDatasetRequest request;
  request.set_id(kPersonal);
  Dataset out;
  auto context = Context();
  context->AddMetadata("x-purpose", "");
  EXPECT_TRUE(HasStatus(
      server_->Catalog("reader")->GetDataset(context.get(), request, &out),
      StatusCode::FAILED_PRECONDITION, "x-purpose"));
}

TEST_F(PurposeTest, ReaderWithPurposeReadsAndThePurposeIsAudited) {
  const std::string purpose = "behandeling bezwaarschrift 2024-117";
  EXPECT_TRUE(IsOk(Get("reader", kPersonal, purpose, "met-doel")));
  EXPECT_TRUE(IsOk(History("reader", kPersonal, purpose)));
  EXPECT_EQ(Get("reader", kPersonal, "", "zonder-doel").error_code(),
            StatusCode::FAILED_PRECONDITION);

  std::vector<AuditEvent> with = EventsOf("met-doel");
  ASSERT_EQ(with.size(), 1u);
  EXPECT_EQ(with[0].purpose(), purpose);
  EXPECT_EQ(with[0].code(), 0);
  EXPECT_EQ(with[0].principal(), "reader");
  EXPECT_THAT(with[0].resources(),
              ::testing::ElementsAre(api::DatasetName(kPersonal)));

  std::vector<AuditEvent> without = EventsOf("zonder-doel");
  ASSERT_EQ(without.size(), 1u) << "the refusal is audited too";
  EXPECT_EQ(without[0].purpose(), "");
  EXPECT_EQ(without[0].code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(without[0].code_name(), "FAILED_PRECONDITION");
}

TEST_F(PurposeTest, LongPurposeIsCutInTheAuditEntry) {
  const std::string purpose(300, 'd');
  EXPECT_TRUE(IsOk(Get("reader", kPersonal, purpose, "lang-doel")));
  std::vector<AuditEvent> events = EventsOf("lang-doel");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].purpose(), std::string(200, 'd'));
}

TEST_F(PurposeTest, DatasetsWithoutPersonalDataNeedNoPurpose) {
  EXPECT_TRUE(IsOk(Get("reader", kImpersonal, "")));
  EXPECT_TRUE(IsOk(History("reader", kImpersonal, "")));
  catalog::v1::ListDatasetsRequest request;
  request.mutable_filter()->set_contains_personal_data(false);
  std::vector<std::string> ids;
  EXPECT_TRUE(IsOk(List("reader", "", request, &ids)));
  EXPECT_THAT(ids, UnorderedElementsAre(kImpersonal));
}

TEST_F(PurposeTest, RolesNotListedNeedNoPurpose) {
  for (const char* who : {"steward", kOwnerPrincipal, "auditor", "admin"}) {
    EXPECT_TRUE(IsOk(Get(who, kPersonal, ""))) << who;
    EXPECT_TRUE(IsOk(History(who, kPersonal, ""))) << who;
    std::vector<std::string> ids;
    EXPECT_TRUE(IsOk(List(who, "", catalog::v1::ListDatasetsRequest(), &ids)))
        << who;
  }
}

TEST_F(PurposeTest, ListContainingPersonalDataNeedsAPurpose) {
  std::vector<std::string> ids;
  EXPECT_TRUE(
      HasStatus(List("reader", "", catalog::v1::ListDatasetsRequest(), &ids),
                StatusCode::FAILED_PRECONDITION, "x-purpose"));
  ids.clear();
  EXPECT_TRUE(IsOk(List("reader", "beleidsonderzoek",
                        catalog::v1::ListDatasetsRequest(), &ids)));
  EXPECT_THAT(ids, UnorderedElementsAre(kPersonal, kImpersonal));
}

TEST_F(PurposeTest, HiddenPersonalDataNeitherNeedsAPurposeNorShows) {
  // Refusing for lack of purpose would tell the dataset is there.
  const grpc::Status hidden = Get("reader", kHiddenPersonal, "");
  const grpc::Status missing = Get("reader", "zz-bestaat-niet", "");
  EXPECT_EQ(hidden.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(hidden.error_message(),
            api::DatasetNotFoundError(kHiddenPersonal).message());
  EXPECT_EQ(missing.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(History("reader", kHiddenPersonal, "").error_code(),
            StatusCode::NOT_FOUND);

  catalog::v1::ListDatasetsRequest list;
  list.mutable_filter()->set_tag("geheim");
  std::vector<std::string> ids;
  EXPECT_TRUE(IsOk(List("reader", "", list, &ids)));
  EXPECT_THAT(ids, IsEmpty());
}

TEST_F(PurposeTest, WritesNeedNoPurpose) {
  catalog::v1::UpdateDatasetRequest request;
  request.mutable_dataset()->set_id(kPersonal);
  request.mutable_dataset()->set_description("bijgewerkt");
  request.mutable_update_mask()->add_paths("description");
  Dataset out;
  EXPECT_TRUE(IsOk(server_->Catalog("steward")->UpdateDataset(Context().get(),
                                                              request, &out)));
}

class PurposeByRoleUnionTest : public PurposeTest {
 protected:
  // The steward also holds the reader role (through its group): a listed
  // role among others is enough to require a purpose.
  void SetUp() override {
    std::vector<PolicyGrant> grants = SuiteGrants();
    grants.push_back({"", "gegevensbeheer", {"reader"}, "intern", {}});
    StartWith(grants);
  }
};

TEST_F(PurposeByRoleUnionTest, AnyListedRoleRequiresAPurpose) {
  EXPECT_TRUE(HasStatus(Get("steward", kPersonal, ""),
                        StatusCode::FAILED_PRECONDITION, "x-purpose"));
  EXPECT_TRUE(IsOk(Get("steward", kPersonal, "registeronderhoud")));
  EXPECT_TRUE(IsOk(Get("admin", kPersonal, "")));
}

// A purpose may name a processing activity of the register: the read must
// then concern one of the activity's datasets, and the activity must be in
// force.
class ActivityPurposeTest : public PurposeTest {
 protected:
  void SetUp() override {
    PurposeTest::SetUp();
    Create(WithPersonalData("ss-schuldhulp", catalog::v1::CONFIDENTIALITY_INTERN));
    register_ = catalog::v1::ProcessingService::NewStub(server_->Channel("admin"));
    activity_.set_id("uitkering-verstrekken");
    activity_.set_title("Uitkering verstrekken");
    activity_.set_purpose("Verstrekken van bijstandsuitkeringen (Participatiewet)");
    activity_.set_legal_basis(catalog::v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
    activity_.mutable_controller()->set_name("College van B&W");
    activity_.mutable_controller()->set_oin("00000001001234567000");
    activity_.set_governing_body(catalog::v1::GOVERNING_BODY_COLLEGE_VAN_BW);
    activity_.add_data_subject_categories("Aanvragers");
    activity_.add_personal_data_categories("Inkomen");
    activity_.set_retention_period("P10Y");
    activity_.set_log_confidentiality(catalog::v1::CONFIDENTIALITY_INTERN);
    activity_.add_datasets(api::DatasetName(kPersonal));
    catalog::v1::CreateProcessingActivityRequest request;
    *request.mutable_activity() = activity_;
    ASSERT_TRUE(IsOk(register_->CreateProcessingActivity(Context().get(), request, &activity_)));
  }

  std::unique_ptr<catalog::v1::ProcessingService::Stub> register_;
  catalog::v1::ProcessingActivity activity_;
};

TEST_F(ActivityPurposeTest, ReadsOnlyTheDatasetsOfTheNamedActivity) {
  const std::string purpose = "processing-activities/uitkering-verstrekken";
  EXPECT_TRUE(IsOk(Get("reader", kPersonal, purpose)));
  EXPECT_TRUE(IsOk(Get("reader", kPersonal, "  " + purpose + " "))) << "white space around";
  EXPECT_TRUE(HasStatus(Get("reader", "ss-schuldhulp", purpose), StatusCode::PERMISSION_DENIED,
                        "processing activity processing-activities/uitkering-verstrekken does "
                        "not use datasets/ss-schuldhulp"));
  EXPECT_TRUE(HasStatus(Get("reader", kPersonal, "processing-activities/onbekend"),
                        StatusCode::PERMISSION_DENIED,
                        "processing-activities/onbekend is not a processing activity of the "
                        "register"));
  EXPECT_TRUE(IsOk(Get("reader", kImpersonal, "processing-activities/onbekend")))
      << "datasets without personal data are not bound";
}

TEST_F(ActivityPurposeTest, AnEndedActivityGivesNoPurpose) {
  catalog::v1::UpdateProcessingActivityRequest request;
  *request.mutable_activity() = activity_;
  request.mutable_activity()->set_status(catalog::v1::PROCESSING_ACTIVITY_STATUS_ENDED);
  request.mutable_update_mask()->add_paths("status");
  catalog::v1::ProcessingActivity ended;
  ASSERT_TRUE(IsOk(register_->UpdateProcessingActivity(Context().get(), request, &ended)));
  EXPECT_TRUE(HasStatus(Get("reader", kPersonal, "processing-activities/uitkering-verstrekken"),
                        StatusCode::PERMISSION_DENIED, "has ended"));
}

}  // namespace
}  // namespace catalog::testing
