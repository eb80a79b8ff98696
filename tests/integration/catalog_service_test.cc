// CatalogService end to end: every RPC against an in-process catalogd on
// port 0, over real mutual TLS, on a real RocksDB in a temporary directory.
// Every error code the service documents is provoked at least once, and both
// the code and the message (which must name the field at fault) are checked.
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "catalog/v1/catalog_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "storage/catalog_store.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::CatalogService;
using catalog::v1::CreateDatasetRequest;
using catalog::v1::Dataset;
using catalog::v1::DatasetRevision;
using catalog::v1::DeleteDatasetRequest;
using catalog::v1::DeleteDatasetResponse;
using catalog::v1::GetDatasetRequest;
using catalog::v1::ListDatasetRevisionsRequest;
using catalog::v1::ListDatasetRevisionsResponse;
using catalog::v1::ListDatasetsRequest;
using catalog::v1::ListDatasetsResponse;
using catalog::v1::UpdateDatasetRequest;
using catalog::v1::UpsertDatasetsRequest;
using catalog::v1::UpsertDatasetsResponse;
using catalog::v1::UpsertResult;
using google::protobuf::util::TimeUtil;
using grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

int64_t Micros(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

// A server on its own data directory (so that a test can shut it down and
// open the store offline), a stub authenticated as "steward" for creating,
// reading and changing, and one as "admin" for deleting (the development
// policy, scripts/dev/policy.toml, lets only owners and admins delete).
class CatalogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerOptions options;
    options.data_dir = dir_.path() + "/data";
    server_ = TestServer::Start(options);
    ASSERT_NE(server_, nullptr);
    stub_ = server_->Stub("steward");
    admin_ = server_->Stub("admin");
  }

  // Shuts the server down and runs the store's integrity check on its data
  // directory.
  void ShutDownAndCheckStore(storage::CheckReport* report) {
    stub_.reset();
    admin_.reset();
    server_.reset();
    storage::StoreOptions options;
    options.path = dir_.path() + "/data";
    absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store =
        storage::CatalogStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    absl::StatusOr<storage::CheckReport> checked = (*store)->Check();
    ASSERT_TRUE(checked.ok()) << checked.status();
    *report = *checked;
    EXPECT_TRUE((*store)->Close().ok());
  }

  grpc::Status Create(const Dataset& dataset, Dataset* stored) {
    CreateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    return stub_->CreateDataset(Context().get(), request, stored);
  }

  Dataset CreateOk(const Dataset& dataset) {
    Dataset stored;
    EXPECT_TRUE(IsOk(Create(dataset, &stored))) << "creating " << dataset.id();
    return stored;
  }

  grpc::Status Get(const std::string& id, int64_t revision, Dataset* out) {
    GetDatasetRequest request;
    request.set_id(id);
    request.set_revision(revision);
    return stub_->GetDataset(Context().get(), request, out);
  }

  Dataset GetOk(const std::string& id, int64_t revision = 0) {
    Dataset out;
    EXPECT_TRUE(IsOk(Get(id, revision, &out))) << "getting " << id << " at " << revision;
    return out;
  }

  grpc::Status Update(const Dataset& dataset, const std::vector<std::string>& paths, Dataset* out) {
    UpdateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    return stub_->UpdateDataset(Context().get(), request, out);
  }

  Dataset UpdateOk(const Dataset& dataset, const std::vector<std::string>& paths) {
    Dataset out;
    EXPECT_TRUE(IsOk(Update(dataset, paths, &out))) << "updating " << dataset.id();
    return out;
  }

  // Deletes as "admin": DeleteDataset needs the owner or admin role.
  grpc::Status Delete(const std::string& id, const std::string& etag, DeleteDatasetResponse* out) {
    DeleteDatasetRequest request;
    request.set_id(id);
    request.set_etag(etag);
    return admin_->DeleteDataset(Context().get(), request, out);
  }

  grpc::Status List(const ListDatasetsRequest& request, ListDatasetsResponse* out) {
    return stub_->ListDatasets(Context().get(), request, out);
  }

  // Pages through a listing to its end; the ids in the order returned.
  // `max_page` checks the size of every page.
  std::vector<std::string> ListAllIds(ListDatasetsRequest request, int max_page = 100) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 10000; ++pages) {
      ListDatasetsResponse response;
      grpc::Status status = List(request, &response);
      EXPECT_TRUE(IsOk(status));
      if (!status.ok()) break;
      EXPECT_LE(response.datasets_size(), max_page);
      for (const Dataset& d : response.datasets()) ids.push_back(d.id());
      if (response.next_page_token().empty()) return ids;
      request.set_page_token(response.next_page_token());
    }
    ADD_FAILURE() << "listing did not end";
    return ids;
  }

  grpc::Status Revisions(const std::string& id, int page_size, const std::string& token,
                         ListDatasetRevisionsResponse* out) {
    ListDatasetRevisionsRequest request;
    request.set_id(id);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return stub_->ListDatasetRevisions(Context().get(), request, out);
  }

  // Sends the batches over one UpsertDatasets stream, reading the answer to
  // each batch before sending the next. Returns the answers received and the
  // final status of the stream.
  std::vector<UpsertDatasetsResponse> Upsert(const std::vector<std::vector<Dataset>>& batches,
                                             grpc::Status* final_status) {
    std::vector<UpsertDatasetsResponse> answers;
    std::unique_ptr<grpc::ClientContext> context = Context();
    auto stream = stub_->UpsertDatasets(context.get());
    for (const std::vector<Dataset>& batch : batches) {
      UpsertDatasetsRequest request;
      for (const Dataset& d : batch) *request.add_datasets() = d;
      if (!stream->Write(request)) break;
      UpsertDatasetsResponse response;
      if (!stream->Read(&response)) break;
      answers.push_back(std::move(response));
    }
    stream->WritesDone();
    UpsertDatasetsResponse extra;
    while (stream->Read(&extra)) answers.push_back(extra);
    *final_status = stream->Finish();
    return answers;
  }

  TempDir dir_;  // Declared first: outlives the server using it.
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<CatalogService::Stub> stub_;   // As "steward".
  std::unique_ptr<CatalogService::Stub> admin_;  // As "admin".
};

// ---------------------------------------------------------------------------
// CreateDataset

TEST_F(CatalogServiceTest, CreateReturnsStoredDatasetWithBookkeeping) {
  Dataset input = ValidDataset("wmo-voorzieningen");
  input.set_description("Toegekende Wmo-voorzieningen");
  Dataset stored = CreateOk(input);

  EXPECT_EQ(stored.id(), "wmo-voorzieningen");
  EXPECT_EQ(stored.title(), input.title());
  EXPECT_EQ(stored.description(), "Toegekende Wmo-voorzieningen");
  EXPECT_GT(stored.revision(), 0);
  EXPECT_EQ(stored.etag(), absl::StrCat(stored.revision()));
  EXPECT_TRUE(stored.has_create_time());
  EXPECT_GT(stored.create_time().seconds(), 0);
  EXPECT_EQ(Micros(stored.update_time()), Micros(stored.create_time()));
  // Defaults filled in on create.
  EXPECT_EQ(stored.status(), catalog::v1::DATASET_STATUS_COMPLETED);
  EXPECT_EQ(stored.origin(), catalog::v1::ORIGIN_INTERNAL);
  EXPECT_TRUE(SameMessage(GetOk("wmo-voorzieningen"), stored));
}

TEST_F(CatalogServiceTest, CreateIgnoresOutputOnlyFields) {
  Dataset input = ValidDataset("output-only-ignored");
  input.set_revision(999);
  input.set_etag("999");
  input.mutable_create_time()->set_seconds(1);
  input.mutable_update_time()->set_seconds(2);
  Dataset stored = CreateOk(input);

  EXPECT_NE(stored.revision(), 999);
  EXPECT_EQ(stored.etag(), absl::StrCat(stored.revision()));
  EXPECT_GT(stored.create_time().seconds(), 1000000000);
  EXPECT_GT(stored.update_time().seconds(), 1000000000);
}

TEST_F(CatalogServiceTest, CreateRevisionsIncreaseAcrossTheCatalogue) {
  const Dataset first = CreateOk(ValidDataset("eerste-dataset"));
  const Dataset second = CreateOk(ValidDataset("tweede-dataset"));
  EXPECT_GT(second.revision(), first.revision());
}

TEST_F(CatalogServiceTest, CreateWithoutIdGeneratesIdFromTitle) {
  Dataset input = ValidDataset("");
  input.set_title("Basisregistratie Personen (BRP)");
  Dataset stored = CreateOk(input);

  EXPECT_THAT(stored.id(), MatchesRegex("basisregistratie-personen-brp-[0-9a-f]{6}"));
  EXPECT_EQ(GetOk(stored.id()).title(), "Basisregistratie Personen (BRP)");
}

TEST_F(CatalogServiceTest, CreateWithoutIdGeneratesValidIdFromAwkwardTitle) {
  Dataset input = ValidDataset("");
  input.set_title(
      "2024: Overzicht \xC3\xBC"
      "ber Woo-verzoeken / alle afdelingen, inclusief archief, "
      "bijlagen en nog veel meer tekst dan in een id past");
  Dataset stored = CreateOk(input);

  EXPECT_LE(stored.id().size(), 63u);
  EXPECT_THAT(stored.id(), MatchesRegex("dataset-2024-[a-z0-9-]*-[0-9a-f]{6}"));
  EXPECT_TRUE(IsOk(Get(stored.id(), 0, &input)));
}

TEST_F(CatalogServiceTest, CreateTwiceWithoutIdGeneratesDistinctIds) {
  Dataset input = ValidDataset("");
  input.set_title("Parkeervergunningen");
  const Dataset first = CreateOk(input);
  const Dataset second = CreateOk(input);
  EXPECT_NE(first.id(), second.id());
}

TEST_F(CatalogServiceTest, CreateDuplicateReturnsAlreadyExists) {
  CreateOk(ValidDataset("brp-ingezetenen"));
  Dataset again = ValidDataset("brp-ingezetenen");
  again.set_title("Een andere titel");
  Dataset ignored;
  EXPECT_TRUE(HasStatus(Create(again, &ignored), StatusCode::ALREADY_EXISTS,
                        "dataset brp-ingezetenen already exists"));
  EXPECT_EQ(GetOk("brp-ingezetenen").title(), "Dataset brp-ingezetenen");
}

TEST_F(CatalogServiceTest, CreateAboveTheCallersClearanceIsPermissionDenied) {
  // The steward's clearance is vertrouwelijk; a higher marking needs admin.
  Dataset secret = ValidDataset("te-geheim-voor-steward");
  secret.mutable_classification()->set_confidentiality(catalog::v1::CONFIDENTIALITY_CONFIDENTIEEL);
  Dataset ignored;
  EXPECT_TRUE(HasStatus(Create(secret, &ignored), StatusCode::PERMISSION_DENIED,
                        "dataset.classification.confidentiality"));
  EXPECT_THAT(ListAllIds(ListDatasetsRequest()), IsEmpty());
  CreateDatasetRequest request;
  *request.mutable_dataset() = secret;
  EXPECT_TRUE(IsOk(admin_->CreateDataset(Context().get(), request, &ignored)));
}

TEST_F(CatalogServiceTest, CreatePublicCloudOutsideEeaWithoutProcessorAgreementIsAccepted) {
  // A compliance finding, not a validation error.
  Dataset input = ValidDataset("bomen-open-data");
  input.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
  input.mutable_hosting()->set_provider("Amazon Web Services");
  input.mutable_hosting()->set_region("us-east-1");
  input.mutable_hosting()->set_country("US");
  input.mutable_hosting()->set_provider_jurisdiction("US");
  input.mutable_hosting()->set_inside_eea(false);
  Dataset stored = CreateOk(input);
  EXPECT_EQ(stored.hosting().kind(), catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
  EXPECT_FALSE(stored.hosting().inside_eea());
  EXPECT_EQ(stored.hosting().processor_agreement_ref(), "");
}

TEST_F(CatalogServiceTest, CreateFullyDescribedBasisregistratieIsAccepted) {
  Dataset input = ValidDataset("bag-verblijfsobjecten");
  input.set_registration_type(catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
  input.set_basisregistratie(catalog::v1::BASISREGISTRATIE_BAG);
  input.set_municipal_role(catalog::v1::MUNICIPAL_ROLE_BRONHOUDER);
  input.mutable_publisher()->set_name("Gemeente Voorbeeldstad");
  input.mutable_publisher()->set_oin("00000001001234567000");
  input.mutable_hosting()->set_country("NL");
  input.mutable_hosting()->set_inside_eea(true);
  input.mutable_retention()->set_retention_period("P10Y6M");
  input.add_themes(catalog::v1::THEME_REGI);
  input.add_tags(" GIS ");
  auto* field = input.add_schema_fields();
  field->set_name("identificatie");
  field->set_redacted(true);  // Output only: cleared.
  auto* norm = input.add_quality_norms();
  norm->set_dimension(catalog::v1::QUALITY_DIMENSION_ACTUALITEIT);
  norm->set_target(100);
  Dataset stored = CreateOk(input);
  EXPECT_THAT(stored.tags(), ElementsAre("gis"));  // Normalized.
  EXPECT_FALSE(stored.schema_fields(0).redacted());
}

// One way to make a dataset invalid, and what the error must say.
struct InvalidCase {
  const char* name;
  void (*mutate)(Dataset*);
  const char* message;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

const InvalidCase kInvalidCases[] = {
    {"BadIdSlug", [](Dataset* d) { d->set_id("Bad_Id"); },
     "dataset.id \"Bad_Id\" is not a valid id: use 3 to 63 characters"},
    {"IdTooShort", [](Dataset* d) { d->set_id("ab"); }, "dataset.id \"ab\" is not a valid id"},
    {"IdEndingWithDash", [](Dataset* d) { d->set_id("abc-"); },
     "dataset.id \"abc-\" is not a valid id"},
    {"MissingTitle", [](Dataset* d) { d->clear_title(); }, "dataset.title: required"},
    {"TitleTooLong", [](Dataset* d) { d->set_title(std::string(201, 'x')); },
     "dataset.title: at most 200 characters"},
    {"MissingRegistrationType", [](Dataset* d) { d->clear_registration_type(); },
     "dataset.registration_type: required"},
    {"MissingDomain", [](Dataset* d) { d->clear_domain(); }, "dataset.domain: required"},
    {"MissingRolesOwner", [](Dataset* d) { d->mutable_roles()->clear_owner(); },
     "dataset.roles.owner: required"},
    {"MissingHostingKind", [](Dataset* d) { d->mutable_hosting()->clear_kind(); },
     "dataset.hosting.kind: required"},
    {"MissingClassificationConfidentiality",
     [](Dataset* d) { d->mutable_classification()->clear_confidentiality(); },
     "dataset.classification.confidentiality: required"},
    {"UnknownEnumNumber",
     [](Dataset* d) {
       d->mutable_classification()->set_confidentiality(
           static_cast<catalog::v1::Confidentiality>(99));
     },
     "dataset.classification.confidentiality: unknown value 99"},
    {"UnspecifiedValueInRepeatedEnum",
     [](Dataset* d) { d->add_themes(catalog::v1::THEME_UNSPECIFIED); },
     "dataset.themes[0]: unknown or unspecified value 0"},
    {"BasisregistratieOnNonBasisregistratie",
     [](Dataset* d) { d->set_basisregistratie(catalog::v1::BASISREGISTRATIE_BAG); },
     "dataset.basisregistratie: only allowed when registration_type is basisregistratie"},
    {"MunicipalRoleOnNonBasisregistratie",
     [](Dataset* d) { d->set_municipal_role(catalog::v1::MUNICIPAL_ROLE_AFNEMER); },
     "dataset.municipal_role: only allowed when registration_type is basisregistratie"},
    {"BasisregistratieTypeWithoutBasisregistratie",
     [](Dataset* d) {
       d->set_registration_type(catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
       d->set_municipal_role(catalog::v1::MUNICIPAL_ROLE_AFNEMER);
     },
     "dataset.basisregistratie: required when registration_type is basisregistratie"},
    {"BasisregistratieWithoutMunicipalRole",
     [](Dataset* d) {
       d->set_registration_type(catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
       d->set_basisregistratie(catalog::v1::BASISREGISTRATIE_BRP);
     },
     "dataset.municipal_role: required when registration_type is basisregistratie"},
    {"ExternalOriginWithoutProvidingOrganisation",
     [](Dataset* d) { d->set_origin(catalog::v1::ORIGIN_EXTERNAL); },
     "dataset.providing_organisation.name: required when origin is external"},
    {"PersonalDataWithoutLegalBasis",
     [](Dataset* d) { d->mutable_personal_data()->set_contains_personal_data(true); },
     "dataset.personal_data.legal_basis: required when the dataset contains personal data"},
    {"SpecialCategoriesWithoutPersonalData",
     [](Dataset* d) {
       d->mutable_personal_data()->add_special_categories(catalog::v1::SPECIAL_CATEGORY_GEZONDHEID);
     },
     "dataset.personal_data.special_categories: set, but "
     "personal_data.contains_personal_data is false"},
    {"CriminalDataWithoutPersonalData",
     [](Dataset* d) { d->mutable_personal_data()->set_criminal_data(true); },
     "dataset.personal_data.criminal_data: set, but personal_data.contains_personal_data is "
     "false"},
    {"SchemaFieldPersonalDataWithoutPersonalData",
     [](Dataset* d) {
       auto* field = d->add_schema_fields();
       field->set_name("bsn");
       field->set_personal_data(true);
     },
     "dataset.schema_fields[0].personal_data: true, but personal_data.contains_personal_data "
     "is false"},
    {"DuplicateSchemaFieldNames",
     [](Dataset* d) {
       d->add_schema_fields()->set_name("naam");
       d->add_schema_fields()->set_name("naam");
     },
     "dataset.schema_fields[1].name: duplicate \"naam\""},
    {"SchemaFieldWithoutName", [](Dataset* d) { d->add_schema_fields()->set_type("string"); },
     "dataset.schema_fields[0].name: required"},
    {"DuplicateQualityNormDimension",
     [](Dataset* d) {
       auto* first = d->add_quality_norms();
       first->set_dimension(catalog::v1::QUALITY_DIMENSION_JUISTHEID);
       first->set_target(90);
       auto* second = d->add_quality_norms();
       second->set_dimension(catalog::v1::QUALITY_DIMENSION_JUISTHEID);
       second->set_target(80);
     },
     "dataset.quality_norms[1].dimension: duplicate: one norm per dimension"},
    {"QualityNormWithoutDimension", [](Dataset* d) { d->add_quality_norms()->set_target(50); },
     "dataset.quality_norms[0].dimension: required"},
    {"QualityNormTarget101",
     [](Dataset* d) {
       auto* norm = d->add_quality_norms();
       norm->set_dimension(catalog::v1::QUALITY_DIMENSION_COMPLEETHEID);
       norm->set_target(101);
     },
     "dataset.quality_norms[0].target: must be within 0..100"},
    {"BadPublisherOin",
     [](Dataset* d) {
       d->mutable_publisher()->set_name("Gemeente Voorbeeldstad");
       d->mutable_publisher()->set_oin("1234");
     },
     "dataset.publisher.oin: an OIN has exactly 20 digits"},
    {"NonDigitCreatorOin",
     [](Dataset* d) { d->mutable_creator()->set_oin("0000000100123456700X"); },
     "dataset.creator.oin: an OIN has exactly 20 digits"},
    {"BadCountryCode", [](Dataset* d) { d->mutable_hosting()->set_country("nl"); },
     "dataset.hosting.country: an ISO 3166-1 alpha-2 code in capitals"},
    {"BadProviderJurisdiction",
     [](Dataset* d) { d->mutable_hosting()->set_provider_jurisdiction("USA"); },
     "dataset.hosting.provider_jurisdiction: an ISO 3166-1 alpha-2 code in capitals"},
    {"BadRetentionPeriod",
     [](Dataset* d) { d->mutable_retention()->set_retention_period("20 jaar"); },
     "dataset.retention.retention_period: an ISO 8601 duration"},
    {"DuplicateTagAfterNormalization",
     [](Dataset* d) {
       d->add_tags("GIS");
       d->add_tags(" gis");
     },
     "dataset.tags[1]: duplicate \"gis\""},
    {"EmptyTag", [](Dataset* d) { d->add_tags("  "); }, "dataset.tags[0]: empty"},
};

class CreateInvalidDatasetTest : public CatalogServiceTest,
                                 public ::testing::WithParamInterface<InvalidCase> {};

TEST_P(CreateInvalidDatasetTest, ReturnsInvalidArgumentNamingTheField) {
  Dataset input = ValidDataset("ongeldige-dataset");
  GetParam().mutate(&input);
  Dataset ignored;
  EXPECT_TRUE(HasStatus(Create(input, &ignored), StatusCode::INVALID_ARGUMENT, GetParam().message));
  // Nothing was stored.
  ListDatasetsRequest request;
  EXPECT_THAT(ListAllIds(request), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Cases, CreateInvalidDatasetTest, ::testing::ValuesIn(kInvalidCases),
                         [](const ::testing::TestParamInfo<InvalidCase>& info) {
                           return std::string(info.param.name);
                         });

// ---------------------------------------------------------------------------
// GetDataset

TEST_F(CatalogServiceTest, GetByIdAndByResourceNameReturnTheSameDataset) {
  const Dataset stored = CreateOk(ValidDataset("woz-objecten"));
  EXPECT_TRUE(SameMessage(GetOk("woz-objecten"), stored));
  EXPECT_TRUE(SameMessage(GetOk("datasets/woz-objecten"), stored));
}

TEST_F(CatalogServiceTest, GetUnknownReturnsNotFound) {
  Dataset out;
  EXPECT_TRUE(HasStatus(Get("bestaat-niet", 0, &out), StatusCode::NOT_FOUND,
                        "dataset bestaat-niet not found"));
}

TEST_F(CatalogServiceTest, GetBadIdReturnsInvalidArgument) {
  Dataset out;
  EXPECT_TRUE(HasStatus(Get("Geen Slug", 0, &out), StatusCode::INVALID_ARGUMENT,
                        "id \"Geen Slug\" is not a valid id"));
  EXPECT_TRUE(HasStatus(Get("", 0, &out), StatusCode::INVALID_ARGUMENT, "id is required"));
  EXPECT_TRUE(HasStatus(Get("datasets/", 0, &out), StatusCode::INVALID_ARGUMENT, "id is required"));
}

TEST_F(CatalogServiceTest, GetAtEarlierRevisionReturnsTheOldState) {
  Dataset input = ValidDataset("zwembad-bezoekers");
  input.set_title("Eerste titel");
  const Dataset v1 = CreateOk(input);
  const Dataset other = CreateOk(ValidDataset("iets-anders"));
  input.set_title("Tweede titel");
  const Dataset v2 = UpdateOk(input, {"title"});
  ASSERT_GT(v2.revision(), other.revision());
  ASSERT_GT(other.revision(), v1.revision());

  EXPECT_TRUE(SameMessage(GetOk("zwembad-bezoekers", v1.revision()), v1));
  // The newest revision at or below the one asked for.
  EXPECT_TRUE(SameMessage(GetOk("zwembad-bezoekers", other.revision()), v1));
  EXPECT_TRUE(SameMessage(GetOk("zwembad-bezoekers", v2.revision()), v2));
  EXPECT_TRUE(SameMessage(GetOk("zwembad-bezoekers", v2.revision() + 1000), v2));
  EXPECT_TRUE(SameMessage(GetOk("datasets/zwembad-bezoekers", v1.revision()), v1));
}

TEST_F(CatalogServiceTest, GetAtRevisionBeforeCreationReturnsNotFound) {
  const Dataset earlier = CreateOk(ValidDataset("eerder-aangemaakt"));
  CreateOk(ValidDataset("later-aangemaakt"));
  Dataset out;
  // The message no longer names the revision: a dataset hidden by clearance
  // answers "dataset <id> not found", and so must every other NOT_FOUND.
  const grpc::Status status = Get("later-aangemaakt", earlier.revision(), &out);
  EXPECT_TRUE(HasStatus(status, StatusCode::NOT_FOUND, "dataset later-aangemaakt not found"));
  EXPECT_EQ(status.error_message(), "dataset later-aangemaakt not found");
}

TEST_F(CatalogServiceTest, GetAtNegativeRevisionReturnsInvalidArgument) {
  CreateOk(ValidDataset("negatieve-revisie"));
  Dataset out;
  EXPECT_TRUE(HasStatus(Get("negatieve-revisie", -1, &out), StatusCode::INVALID_ARGUMENT,
                        "revision: must not be negative"));
}

TEST_F(CatalogServiceTest, GetAfterDeleteIsNotFoundButEarlierRevisionIsReadable) {
  const Dataset created = CreateOk(ValidDataset("verwijderd-later"));
  DeleteDatasetResponse deleted;
  ASSERT_TRUE(IsOk(Delete("verwijderd-later", "", &deleted)));

  Dataset out;
  EXPECT_TRUE(HasStatus(Get("verwijderd-later", 0, &out), StatusCode::NOT_FOUND,
                        "dataset verwijderd-later not found"));
  EXPECT_TRUE(SameMessage(GetOk("verwijderd-later", created.revision()), created));
  // Without the revision in the message, like a hidden dataset's NOT_FOUND.
  const grpc::Status at_delete = Get("verwijderd-later", deleted.revision(), &out);
  EXPECT_TRUE(HasStatus(at_delete, StatusCode::NOT_FOUND, "dataset verwijderd-later not found"));
  EXPECT_EQ(at_delete.error_message(), "dataset verwijderd-later not found");
}

TEST_F(CatalogServiceTest, RecreateAfterDeleteKeepsTheWholeHistory) {
  Dataset input = ValidDataset("opnieuw-aangemaakt");
  input.set_title("Eerste leven");
  const Dataset first = CreateOk(input);
  DeleteDatasetResponse deleted;
  ASSERT_TRUE(IsOk(Delete("opnieuw-aangemaakt", "", &deleted)));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  input.set_title("Tweede leven");
  const Dataset second = CreateOk(input);

  EXPECT_GT(Micros(second.create_time()), Micros(first.create_time()));
  EXPECT_TRUE(SameMessage(GetOk("opnieuw-aangemaakt"), second));
  EXPECT_TRUE(SameMessage(GetOk("opnieuw-aangemaakt", first.revision()), first));
  Dataset out;
  EXPECT_EQ(Get("opnieuw-aangemaakt", deleted.revision(), &out).error_code(),
            StatusCode::NOT_FOUND);
  ListDatasetRevisionsResponse revisions;
  ASSERT_TRUE(IsOk(Revisions("opnieuw-aangemaakt", 0, "", &revisions)));
  ASSERT_EQ(revisions.revisions_size(), 3);
  EXPECT_EQ(revisions.revisions(0).kind(), catalog::v1::CHANGE_KIND_CREATE);
  EXPECT_EQ(revisions.revisions(1).kind(), catalog::v1::CHANGE_KIND_DELETE);
  EXPECT_EQ(revisions.revisions(2).kind(), catalog::v1::CHANGE_KIND_CREATE);
}

// ---------------------------------------------------------------------------
// UpdateDataset

TEST_F(CatalogServiceTest, UpdateWithTitleMaskChangesOnlyTheTitle) {
  Dataset input = ValidDataset("leerlingenvervoer");
  input.set_description("Oorspronkelijke beschrijving");
  input.add_tags("vervoer");
  const Dataset created = CreateOk(input);

  Dataset change;
  change.set_id("leerlingenvervoer");
  change.set_title("Leerlingenvervoer 2024");
  change.set_description("Mag niet worden overgenomen");
  const Dataset updated = UpdateOk(change, {"title"});

  Dataset expected = created;
  expected.set_title("Leerlingenvervoer 2024");
  *expected.mutable_update_time() = updated.update_time();
  expected.set_revision(updated.revision());
  expected.set_etag(updated.etag());
  EXPECT_TRUE(SameMessage(updated, expected));
  EXPECT_TRUE(SameMessage(GetOk("leerlingenvervoer"), expected));
}

TEST_F(CatalogServiceTest, UpdateByResourceNameChangesTheDataset) {
  CreateOk(ValidDataset("resource-naam"));
  Dataset change;
  change.set_id("datasets/resource-naam");
  change.set_title("Nieuwe titel");
  const Dataset updated = UpdateOk(change, {"title"});
  EXPECT_EQ(updated.id(), "resource-naam");
  EXPECT_EQ(GetOk("resource-naam").title(), "Nieuwe titel");
}

TEST_F(CatalogServiceTest, UpdateWithNestedMaskChangesOnlyThatSubfield) {
  Dataset input = ValidDataset("hosting-wissel");
  input.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
  input.mutable_hosting()->set_provider("Microsoft Azure");
  input.mutable_hosting()->set_region("westeurope");
  input.mutable_hosting()->set_country("NL");
  input.mutable_hosting()->set_inside_eea(true);
  CreateOk(input);

  Dataset change;
  change.set_id("hosting-wissel");
  change.mutable_hosting()->set_provider("Google Cloud");
  change.mutable_hosting()->set_region("europe-west4");  // Not in the mask.
  const Dataset updated = UpdateOk(change, {"hosting.provider"});

  EXPECT_EQ(updated.hosting().provider(), "Google Cloud");
  EXPECT_EQ(updated.hosting().region(), "westeurope");
  EXPECT_EQ(updated.hosting().kind(), catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
  EXPECT_EQ(updated.hosting().country(), "NL");
  EXPECT_TRUE(updated.hosting().inside_eea());
  EXPECT_TRUE(SameMessage(GetOk("hosting-wissel"), updated));
}

TEST_F(CatalogServiceTest, UpdateWithRepeatedFieldInMaskReplacesTheWholeList) {
  Dataset input = ValidDataset("tags-vervangen");
  input.add_tags("oud");
  input.add_tags("ouder");
  input.add_conforms_to("StUF-BG 3.10");
  CreateOk(input);

  Dataset change;
  change.set_id("tags-vervangen");
  change.add_tags("nieuw");
  const Dataset updated = UpdateOk(change, {"tags"});
  EXPECT_THAT(updated.tags(), ElementsAre("nieuw"));
  EXPECT_THAT(updated.conforms_to(), ElementsAre("StUF-BG 3.10"));
  EXPECT_THAT(GetOk("tags-vervangen").tags(), ElementsAre("nieuw"));
}

TEST_F(CatalogServiceTest, UpdateWithEmptyMaskReplacesEveryField) {
  Dataset input = ValidDataset("volledig-vervangen");
  input.set_description("Verdwijnt");
  input.add_tags("verdwijnt");
  input.mutable_hosting()->set_provider("Eigen datacenter");
  const Dataset created = CreateOk(input);

  Dataset replacement = ValidDataset("volledig-vervangen");
  replacement.set_title("Alleen dit blijft");
  replacement.mutable_create_time()->set_seconds(1);  // Output only: ignored.
  replacement.set_revision(12345);                    // Output only: ignored.
  const Dataset updated = UpdateOk(replacement, {});

  EXPECT_EQ(updated.title(), "Alleen dit blijft");
  EXPECT_EQ(updated.description(), "");
  EXPECT_THAT(updated.tags(), IsEmpty());
  EXPECT_EQ(updated.hosting().provider(), "");
  EXPECT_EQ(Micros(updated.create_time()), Micros(created.create_time()));
  EXPECT_NE(updated.revision(), 12345);
  EXPECT_TRUE(SameMessage(GetOk("volledig-vervangen"), updated));
}

TEST_F(CatalogServiceTest, UpdateWithMatchingEtagSucceeds) {
  const Dataset created = CreateOk(ValidDataset("etag-klopt"));
  Dataset change;
  change.set_id("etag-klopt");
  change.set_title("Met etag");
  change.set_etag(created.etag());
  const Dataset updated = UpdateOk(change, {"title"});
  EXPECT_EQ(updated.title(), "Met etag");
  EXPECT_GT(updated.revision(), created.revision());
}

TEST_F(CatalogServiceTest, UpdateWithStaleEtagReturnsAbortedAndChangesNothing) {
  const Dataset created = CreateOk(ValidDataset("etag-verouderd"));
  Dataset first;
  first.set_id("etag-verouderd");
  first.set_title("Eerste wijziging");
  const Dataset current = UpdateOk(first, {"title"});

  Dataset late = first;
  late.set_title("Te late wijziging");
  late.set_etag(created.etag());
  Dataset out;
  EXPECT_TRUE(HasStatus(
      Update(late, {"title"}, &out), StatusCode::ABORTED,
      absl::StrCat("dataset etag-verouderd was changed since revision ", created.revision(),
                   " (now at ", current.revision(), "); read it again and retry")));
  EXPECT_TRUE(SameMessage(GetOk("etag-verouderd"), current));
}

TEST_F(CatalogServiceTest, UpdateWithGarbageEtagReturnsInvalidArgument) {
  CreateOk(ValidDataset("etag-onzin"));
  for (const char* etag : {"abc", "0", "-3", "W/\"7\""}) {
    Dataset change;
    change.set_id("etag-onzin");
    change.set_title("Niet doorgevoerd");
    change.set_etag(etag);
    Dataset out;
    EXPECT_TRUE(
        HasStatus(Update(change, {"title"}, &out), StatusCode::INVALID_ARGUMENT,
                  absl::StrCat("dataset.etag: \"", etag, "\" is not an etag of this catalogue")));
  }
  EXPECT_EQ(GetOk("etag-onzin").title(), "Dataset etag-onzin");
}

TEST_F(CatalogServiceTest, UpdateMaskNamingOutputOnlyOrImmutableFieldReturnsInvalidArgument) {
  CreateOk(ValidDataset("onveranderlijk"));
  for (const char* path : {"revision", "id", "create_time", "update_time", "etag"}) {
    Dataset change;
    change.set_id("onveranderlijk");
    Dataset out;
    EXPECT_TRUE(HasStatus(
        Update(change, {"title", path}, &out), StatusCode::INVALID_ARGUMENT,
        absl::StrCat("update_mask: \"", path, "\" cannot be changed (immutable or output only)")));
  }
}

TEST_F(CatalogServiceTest, UpdateMaskWithUnknownPathReturnsInvalidArgument) {
  CreateOk(ValidDataset("onbekend-pad"));
  for (const char* path : {"no_such_field", "hosting.nope", "title.length"}) {
    Dataset change;
    change.set_id("onbekend-pad");
    Dataset out;
    EXPECT_TRUE(HasStatus(Update(change, {path}, &out), StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("update_mask: \"", path, "\" is not a field of Dataset")));
  }
}

TEST_F(CatalogServiceTest, UpdateThatMakesDatasetInvalidReturnsInvalidArgumentAndChangesNothing) {
  const Dataset created = CreateOk(ValidDataset("blijft-geldig"));
  Dataset change;
  change.set_id("blijft-geldig");  // Title left empty and named in the mask.
  Dataset out;
  EXPECT_TRUE(HasStatus(Update(change, {"title"}, &out), StatusCode::INVALID_ARGUMENT,
                        "dataset.title: required"));
  change.set_basisregistratie(catalog::v1::BASISREGISTRATIE_BRK);
  EXPECT_TRUE(HasStatus(Update(change, {"basisregistratie"}, &out), StatusCode::INVALID_ARGUMENT,
                        "dataset.basisregistratie: only allowed when registration_type is "
                        "basisregistratie"));
  // Replacing the whole message with too little is invalid too.
  EXPECT_TRUE(HasStatus(Update(change, {"roles"}, &out), StatusCode::INVALID_ARGUMENT,
                        "dataset.roles.owner: required"));
  EXPECT_TRUE(SameMessage(GetOk("blijft-geldig"), created));
}

TEST_F(CatalogServiceTest, UpdateUnknownDatasetReturnsNotFound) {
  Dataset change = ValidDataset("bestaat-niet");
  Dataset out;
  EXPECT_TRUE(HasStatus(Update(change, {"title"}, &out), StatusCode::NOT_FOUND,
                        "dataset bestaat-niet not found"));
  EXPECT_TRUE(
      HasStatus(Update(change, {}, &out), StatusCode::NOT_FOUND, "dataset bestaat-niet not found"));
}

TEST_F(CatalogServiceTest, UpdateBadIdReturnsInvalidArgument) {
  Dataset change = ValidDataset("Geen Slug");
  Dataset out;
  EXPECT_TRUE(HasStatus(Update(change, {"title"}, &out), StatusCode::INVALID_ARGUMENT,
                        "dataset.id \"Geen Slug\" is not a valid id"));
}

TEST_F(CatalogServiceTest, UpdatePreservesCreateTimeAndAdvancesUpdateTimeAndRevision) {
  const Dataset created = CreateOk(ValidDataset("tijden-kloppen"));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Dataset change;
  change.set_id("tijden-kloppen");
  change.set_title("Later gewijzigd");
  const Dataset updated = UpdateOk(change, {"title"});

  EXPECT_EQ(Micros(updated.create_time()), Micros(created.create_time()));
  EXPECT_GT(Micros(updated.update_time()), Micros(created.update_time()));
  EXPECT_GT(updated.revision(), created.revision());
  EXPECT_EQ(updated.etag(), absl::StrCat(updated.revision()));
}

// ---------------------------------------------------------------------------
// DeleteDataset

TEST_F(CatalogServiceTest, DeleteReturnsRevisionAndRemovesTheDataset) {
  const Dataset created = CreateOk(ValidDataset("weg-ermee"));
  CreateOk(ValidDataset("blijft-staan"));
  DeleteDatasetResponse deleted;
  ASSERT_TRUE(IsOk(Delete("weg-ermee", "", &deleted)));
  EXPECT_GT(deleted.revision(), created.revision());

  Dataset out;
  EXPECT_TRUE(
      HasStatus(Get("weg-ermee", 0, &out), StatusCode::NOT_FOUND, "dataset weg-ermee not found"));
  EXPECT_THAT(ListAllIds(ListDatasetsRequest()), ElementsAre("blijft-staan"));
}

TEST_F(CatalogServiceTest, DeleteWithMatchingEtagSucceeds) {
  const Dataset created = CreateOk(ValidDataset("etag-delete"));
  DeleteDatasetResponse deleted;
  EXPECT_TRUE(IsOk(Delete("datasets/etag-delete", created.etag(), &deleted)));
  Dataset out;
  EXPECT_EQ(Get("etag-delete", 0, &out).error_code(), StatusCode::NOT_FOUND);
}

TEST_F(CatalogServiceTest, DeleteTwiceReturnsNotFound) {
  CreateOk(ValidDataset("twee-keer-weg"));
  DeleteDatasetResponse deleted;
  ASSERT_TRUE(IsOk(Delete("twee-keer-weg", "", &deleted)));
  EXPECT_TRUE(HasStatus(Delete("twee-keer-weg", "", &deleted), StatusCode::NOT_FOUND,
                        "dataset twee-keer-weg not found"));
}

TEST_F(CatalogServiceTest, DeleteUnknownReturnsNotFound) {
  DeleteDatasetResponse deleted;
  EXPECT_TRUE(HasStatus(Delete("nooit-bestaan", "", &deleted), StatusCode::NOT_FOUND,
                        "dataset nooit-bestaan not found"));
}

TEST_F(CatalogServiceTest, DeleteWithStaleEtagReturnsAbortedAndKeepsTheDataset) {
  const Dataset created = CreateOk(ValidDataset("delete-verouderd"));
  Dataset change;
  change.set_id("delete-verouderd");
  change.set_title("Gewijzigd");
  const Dataset current = UpdateOk(change, {"title"});

  DeleteDatasetResponse deleted;
  EXPECT_TRUE(HasStatus(
      Delete("delete-verouderd", created.etag(), &deleted), StatusCode::ABORTED,
      absl::StrCat("dataset delete-verouderd was changed since revision ", created.revision(),
                   " (now at ", current.revision(), "); read it again and retry")));
  EXPECT_TRUE(SameMessage(GetOk("delete-verouderd"), current));
}

TEST_F(CatalogServiceTest, DeleteWithGarbageEtagReturnsInvalidArgument) {
  CreateOk(ValidDataset("delete-onzin"));
  DeleteDatasetResponse deleted;
  EXPECT_TRUE(HasStatus(Delete("delete-onzin", "abc", &deleted), StatusCode::INVALID_ARGUMENT,
                        "etag: \"abc\" is not an etag of this catalogue"));
  GetOk("delete-onzin");
}

TEST_F(CatalogServiceTest, DeleteBadIdReturnsInvalidArgument) {
  DeleteDatasetResponse deleted;
  EXPECT_TRUE(HasStatus(Delete("-slecht", "", &deleted), StatusCode::INVALID_ARGUMENT,
                        "id \"-slecht\" is not a valid id"));
}

TEST_F(CatalogServiceTest, DeleteByStewardIsPermissionDeniedAndKeepsTheDataset) {
  // Deleting needs the owner or admin role; the steward may create and change.
  const Dataset created = CreateOk(ValidDataset("steward-mag-niet-weg"));
  DeleteDatasetRequest request;
  request.set_id("steward-mag-niet-weg");
  DeleteDatasetResponse deleted;
  EXPECT_TRUE(HasStatus(stub_->DeleteDataset(Context().get(), request, &deleted),
                        StatusCode::PERMISSION_DENIED, "may not call"));
  EXPECT_TRUE(SameMessage(GetOk("steward-mag-niet-weg"), created));
  ListDatasetRevisionsResponse revisions;
  ASSERT_TRUE(IsOk(Revisions("steward-mag-niet-weg", 0, "", &revisions)));
  EXPECT_EQ(revisions.revisions_size(), 1);
}

// ---------------------------------------------------------------------------
// ListDatasets

TEST_F(CatalogServiceTest, ListPagesThroughAllDatasetsInIdOrderExactlyOnce) {
  std::vector<std::string> expected;
  for (int i = 0; i < 250; ++i) expected.push_back(absl::StrFormat("dataset-%03d", i));
  std::vector<std::string> shuffled = expected;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(42));
  std::vector<Dataset> batch;
  for (const std::string& id : shuffled) batch.push_back(ValidDataset(id));
  grpc::Status status;
  Upsert({batch}, &status);
  ASSERT_TRUE(IsOk(status));

  ListDatasetsRequest request;
  request.set_page_size(40);
  const std::vector<std::string> ids = ListAllIds(request, /*max_page=*/40);
  EXPECT_THAT(ids, ElementsAreArray(expected));

  // The first page is full and has a token; the default page size is 100.
  ListDatasetsResponse first;
  ASSERT_TRUE(IsOk(List(request, &first)));
  EXPECT_EQ(first.datasets_size(), 40);
  EXPECT_NE(first.next_page_token(), "");
  ListDatasetsResponse defaulted;
  ASSERT_TRUE(IsOk(List(ListDatasetsRequest(), &defaulted)));
  EXPECT_EQ(defaulted.datasets_size(), 100);
}

TEST_F(CatalogServiceTest, ListEmptyCatalogueReturnsNothingWithoutToken) {
  ListDatasetsResponse response;
  ASSERT_TRUE(IsOk(List(ListDatasetsRequest(), &response)));
  EXPECT_EQ(response.datasets_size(), 0);
  EXPECT_EQ(response.next_page_token(), "");
}

TEST_F(CatalogServiceTest, ListOrderUpdateTimeDescReturnsMostRecentlyChangedFirst) {
  CreateOk(ValidDataset("orde-a"));
  CreateOk(ValidDataset("orde-b"));
  CreateOk(ValidDataset("orde-c"));
  Dataset change;
  change.set_id("orde-a");
  change.set_title("Laatst gewijzigd");
  UpdateOk(change, {"title"});

  ListDatasetsRequest request;
  request.set_order_by(catalog::v1::DATASET_ORDER_UPDATE_TIME_DESC);
  EXPECT_THAT(ListAllIds(request), ElementsAre("orde-a", "orde-c", "orde-b"));
  request.set_page_size(1);  // Resuming from a cursor keeps the order.
  EXPECT_THAT(ListAllIds(request, 1), ElementsAre("orde-a", "orde-c", "orde-b"));

  request.set_order_by(catalog::v1::DATASET_ORDER_UPDATE_TIME_ASC);
  request.set_page_size(0);
  EXPECT_THAT(ListAllIds(request), ElementsAre("orde-b", "orde-c", "orde-a"));
  request.set_page_size(1);
  EXPECT_THAT(ListAllIds(request, 1), ElementsAre("orde-b", "orde-c", "orde-a"));

  request.set_order_by(catalog::v1::DATASET_ORDER_ID);
  EXPECT_THAT(ListAllIds(request, 1), ElementsAre("orde-a", "orde-b", "orde-c"));
}

TEST_F(CatalogServiceTest, ListPageSizeOver1000MeansTheMaximum) {
  ListDatasetsRequest request;
  request.set_page_size(1001);
  ListDatasetsResponse response;
  EXPECT_TRUE(IsOk(List(request, &response))) << "AIP-158: coerced, not refused";
  request.set_page_size(1000);
  EXPECT_TRUE(IsOk(List(request, &response)));
}

TEST_F(CatalogServiceTest, ListNegativePageSizeReturnsInvalidArgument) {
  ListDatasetsRequest request;
  request.set_page_size(-1);
  ListDatasetsResponse response;
  EXPECT_TRUE(HasStatus(List(request, &response), StatusCode::INVALID_ARGUMENT,
                        "page_size: must not be negative"));
}

TEST_F(CatalogServiceTest, ListGarbagePageTokenReturnsInvalidArgument) {
  CreateOk(ValidDataset("token-onzin"));
  ListDatasetsResponse response;
  for (const char* token : {"garbage!", "AAAA", "dG9rZW4"}) {
    ListDatasetsRequest request;
    request.set_page_token(token);
    EXPECT_TRUE(HasStatus(List(request, &response), StatusCode::INVALID_ARGUMENT,
                          "page_token: not a token of this query"))
        << "token " << token;
  }
}

TEST_F(CatalogServiceTest, ListTokenFromAnotherQueryReturnsInvalidArgument) {
  for (const char* id : {"token-a", "token-b", "token-c"}) {
    Dataset d = ValidDataset(id);
    d.add_tags("gedeeld");
    CreateOk(d);
  }
  ListDatasetsRequest request;
  request.set_page_size(1);
  request.mutable_filter()->set_domain("Sociaal domein");
  ListDatasetsResponse first;
  ASSERT_TRUE(IsOk(List(request, &first)));
  ASSERT_NE(first.next_page_token(), "");

  ListDatasetsRequest other_filter;
  other_filter.set_page_size(1);
  other_filter.mutable_filter()->set_tag("gedeeld");
  other_filter.set_page_token(first.next_page_token());
  ListDatasetsResponse response;
  EXPECT_TRUE(HasStatus(List(other_filter, &response), StatusCode::INVALID_ARGUMENT,
                        "page_token: not a token of this query"));

  ListDatasetsRequest other_order = request;
  other_order.set_order_by(catalog::v1::DATASET_ORDER_UPDATE_TIME_DESC);
  other_order.set_page_token(first.next_page_token());
  EXPECT_TRUE(HasStatus(List(other_order, &response), StatusCode::INVALID_ARGUMENT,
                        "page_token: not a token of this query"));

  // The same query with the token goes on where the first page ended.
  request.set_page_token(first.next_page_token());
  ASSERT_TRUE(IsOk(List(request, &response)));
  ASSERT_EQ(response.datasets_size(), 1);
  EXPECT_EQ(response.datasets(0).id(), "token-b");
}

TEST_F(CatalogServiceTest, ListUnknownEnumInFilterReturnsInvalidArgument) {
  ListDatasetsResponse response;
  ListDatasetsRequest request;
  request.mutable_filter()->set_hosting_kind(static_cast<catalog::v1::HostingKind>(42));
  EXPECT_TRUE(HasStatus(List(request, &response), StatusCode::INVALID_ARGUMENT,
                        "filter.hosting_kind: unknown value 42"));

  request.Clear();
  request.mutable_filter()->set_min_confidentiality(static_cast<catalog::v1::Confidentiality>(99));
  EXPECT_TRUE(HasStatus(List(request, &response), StatusCode::INVALID_ARGUMENT,
                        "filter.min_confidentiality: unknown value 99"));

  request.Clear();
  request.set_order_by(static_cast<catalog::v1::DatasetOrder>(9));
  EXPECT_TRUE(HasStatus(List(request, &response), StatusCode::INVALID_ARGUMENT,
                        "order_by: unknown value 9"));
}

// A small municipal landscape on which every filter field picks a different
// subset. Ids in id order:
//   bag-verblijfsobjecten  basisregistratie BAG, Ruimte, government cloud,
//                          openbaar, tag gis, no personal data
//   bomen-open-data        overig, Ruimte, public cloud (AWS) outside the EEA,
//                          openbaar, tags gis + open-data, no personal data
//   brp-ingezetenen        basisregistratie BRP, Burgerzaken, on premises,
//                          vertrouwelijk, tag personen, personal data
//   jeugdzorg-dossiers     sectorregistratie, Sociaal domein, SaaS (Centric),
//                          zaakvertrouwelijk, tag jeugd, personal data
//   personeelsdossiers     kernregistratie, Bedrijfsvoering, public cloud
//                          (Azure) inside the EEA, confidentieel, tag hr,
//                          personal data
// Created and listed as "admin": confidentieel is above the steward's
// clearance (vertrouwelijk), so the steward may neither create nor see it.
class ListFilterTest : public CatalogServiceTest {
 protected:
  void SetUp() override {
    CatalogServiceTest::SetUp();
    if (HasFatalFailure()) return;
    stub_ = server_->Stub("admin");

    Dataset bag = ValidDataset("bag-verblijfsobjecten");
    bag.set_registration_type(catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
    bag.set_basisregistratie(catalog::v1::BASISREGISTRATIE_BAG);
    bag.set_municipal_role(catalog::v1::MUNICIPAL_ROLE_BRONHOUDER);
    bag.set_domain("Ruimte");
    bag.mutable_roles()->set_owner("Afdelingshoofd Ruimte");
    bag.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_GOVERNMENT_CLOUD);
    bag.mutable_hosting()->set_provider("Overheidscloud");
    bag.mutable_hosting()->set_inside_eea(true);
    bag.mutable_classification()->set_confidentiality(catalog::v1::CONFIDENTIALITY_OPENBAAR);
    bag.add_tags("gis");

    Dataset bomen = ValidDataset("bomen-open-data");
    bomen.set_registration_type(catalog::v1::REGISTRATION_TYPE_OVERIG);
    bomen.set_domain("Ruimte");
    bomen.mutable_roles()->set_owner("Afdelingshoofd Ruimte");
    bomen.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
    bomen.mutable_hosting()->set_provider("Amazon Web Services");
    bomen.mutable_hosting()->set_country("US");
    bomen.mutable_hosting()->set_inside_eea(false);
    bomen.mutable_classification()->set_confidentiality(catalog::v1::CONFIDENTIALITY_OPENBAAR);
    bomen.add_tags("gis");
    bomen.add_tags("open-data");

    Dataset brp = ValidDataset("brp-ingezetenen");
    brp.set_registration_type(catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
    brp.set_basisregistratie(catalog::v1::BASISREGISTRATIE_BRP);
    brp.set_municipal_role(catalog::v1::MUNICIPAL_ROLE_BRONHOUDER);
    brp.set_domain("Burgerzaken");
    brp.mutable_roles()->set_owner("Afdelingshoofd Burgerzaken");
    brp.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_ON_PREMISES);
    brp.mutable_hosting()->set_provider("Eigen datacenter");
    brp.mutable_hosting()->set_inside_eea(true);
    brp.mutable_classification()->set_confidentiality(catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
    brp.add_tags("personen");
    brp.mutable_personal_data()->set_contains_personal_data(true);
    brp.mutable_personal_data()->set_legal_basis(catalog::v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);

    Dataset jeugd = ValidDataset("jeugdzorg-dossiers");
    jeugd.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_SAAS);
    jeugd.mutable_hosting()->set_provider("Centric");
    jeugd.mutable_hosting()->set_inside_eea(true);
    jeugd.mutable_classification()->set_confidentiality(
        catalog::v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK);
    jeugd.add_tags("jeugd");
    jeugd.mutable_personal_data()->set_contains_personal_data(true);
    jeugd.mutable_personal_data()->set_legal_basis(
        catalog::v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);
    jeugd.mutable_personal_data()->add_special_categories(catalog::v1::SPECIAL_CATEGORY_GEZONDHEID);

    Dataset personeel = ValidDataset("personeelsdossiers");
    personeel.set_registration_type(catalog::v1::REGISTRATION_TYPE_KERNREGISTRATIE);
    personeel.set_domain("Bedrijfsvoering");
    personeel.mutable_roles()->set_owner("Afdelingshoofd HR");
    personeel.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
    personeel.mutable_hosting()->set_provider("Microsoft Azure");
    personeel.mutable_hosting()->set_country("NL");
    personeel.mutable_hosting()->set_inside_eea(true);
    personeel.mutable_classification()->set_confidentiality(
        catalog::v1::CONFIDENTIALITY_CONFIDENTIEEL);
    personeel.add_tags("hr");
    personeel.mutable_personal_data()->set_contains_personal_data(true);
    personeel.mutable_personal_data()->set_legal_basis(catalog::v1::LEGAL_BASIS_OVEREENKOMST);

    // Created out of id order on purpose.
    for (const Dataset* d : {&personeel, &brp, &bomen, &jeugd, &bag}) CreateOk(*d);
  }

  std::vector<std::string> Filtered(const catalog::v1::DatasetFilter& filter) {
    ListDatasetsRequest request;
    *request.mutable_filter() = filter;
    std::vector<std::string> ids = ListAllIds(request);
    // A page size of 1 walks the same result through cursors.
    request.set_page_size(1);
    EXPECT_THAT(ListAllIds(request, 1), ElementsAreArray(ids)) << "paged one by one";
    return ids;
  }
};

TEST_F(ListFilterTest, NoFilterReturnsEverythingInIdOrder) {
  EXPECT_THAT(Filtered({}),
              ElementsAre("bag-verblijfsobjecten", "bomen-open-data", "brp-ingezetenen",
                          "jeugdzorg-dossiers", "personeelsdossiers"));
}

TEST_F(ListFilterTest, FiltersLeaveOutWhatIsAboveTheCallersClearance) {
  // The same listings as the steward (vertrouwelijk) and the reader (intern).
  stub_ = server_->Stub("steward");
  EXPECT_THAT(Filtered({}), ElementsAre("bag-verblijfsobjecten", "bomen-open-data",
                                        "brp-ingezetenen", "jeugdzorg-dossiers"));
  catalog::v1::DatasetFilter filter;
  filter.set_hosting_kind(catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
  EXPECT_THAT(Filtered(filter), ElementsAre("bomen-open-data"));
  stub_ = server_->Stub("reader");
  EXPECT_THAT(Filtered({}), ElementsAre("bag-verblijfsobjecten", "bomen-open-data"));
  filter.Clear();
  filter.set_contains_personal_data(true);
  EXPECT_THAT(Filtered(filter), IsEmpty());
}

TEST_F(ListFilterTest, DomainIgnoresCase) {
  catalog::v1::DatasetFilter filter;
  filter.set_domain("RUIMTE");
  EXPECT_THAT(Filtered(filter), ElementsAre("bag-verblijfsobjecten", "bomen-open-data"));
  filter.set_domain("sociaal domein");
  EXPECT_THAT(Filtered(filter), ElementsAre("jeugdzorg-dossiers"));
  filter.set_domain("Ruimt");  // Exact, not a prefix.
  EXPECT_THAT(Filtered(filter), IsEmpty());
}

TEST_F(ListFilterTest, RegistrationType) {
  catalog::v1::DatasetFilter filter;
  filter.set_registration_type(catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
  EXPECT_THAT(Filtered(filter), ElementsAre("bag-verblijfsobjecten", "brp-ingezetenen"));
  filter.set_registration_type(catalog::v1::REGISTRATION_TYPE_KERNREGISTRATIE);
  EXPECT_THAT(Filtered(filter), ElementsAre("personeelsdossiers"));
}

TEST_F(ListFilterTest, Basisregistratie) {
  catalog::v1::DatasetFilter filter;
  filter.set_basisregistratie(catalog::v1::BASISREGISTRATIE_BAG);
  EXPECT_THAT(Filtered(filter), ElementsAre("bag-verblijfsobjecten"));
  filter.set_basisregistratie(catalog::v1::BASISREGISTRATIE_WOZ);
  EXPECT_THAT(Filtered(filter), IsEmpty());
}

TEST_F(ListFilterTest, HostingKind) {
  catalog::v1::DatasetFilter filter;
  filter.set_hosting_kind(catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
  EXPECT_THAT(Filtered(filter), ElementsAre("bomen-open-data", "personeelsdossiers"));
  filter.set_hosting_kind(catalog::v1::HOSTING_KIND_SAAS);
  EXPECT_THAT(Filtered(filter), ElementsAre("jeugdzorg-dossiers"));
}

TEST_F(ListFilterTest, ProviderIgnoresCase) {
  catalog::v1::DatasetFilter filter;
  filter.set_provider("microsoft azure");
  EXPECT_THAT(Filtered(filter), ElementsAre("personeelsdossiers"));
  filter.set_provider("Centric");
  EXPECT_THAT(Filtered(filter), ElementsAre("jeugdzorg-dossiers"));
}

TEST_F(ListFilterTest, InsideEeaTrueAndFalse) {
  catalog::v1::DatasetFilter filter;
  filter.set_inside_eea(false);
  EXPECT_THAT(Filtered(filter), ElementsAre("bomen-open-data"));
  filter.set_inside_eea(true);
  EXPECT_THAT(Filtered(filter), ElementsAre("bag-verblijfsobjecten", "brp-ingezetenen",
                                            "jeugdzorg-dossiers", "personeelsdossiers"));
}

TEST_F(ListFilterTest, MinConfidentialityIncludesHigherMarkings) {
  catalog::v1::DatasetFilter filter;
  filter.set_min_confidentiality(catalog::v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK);
  EXPECT_THAT(Filtered(filter),
              ElementsAre("brp-ingezetenen", "jeugdzorg-dossiers", "personeelsdossiers"));
  filter.set_min_confidentiality(catalog::v1::CONFIDENTIALITY_CONFIDENTIEEL);
  EXPECT_THAT(Filtered(filter), ElementsAre("personeelsdossiers"));
  filter.set_min_confidentiality(catalog::v1::CONFIDENTIALITY_OPENBAAR);
  EXPECT_EQ(Filtered(filter).size(), 5u);
  filter.set_min_confidentiality(catalog::v1::CONFIDENTIALITY_ZEER_GEHEIM);
  EXPECT_THAT(Filtered(filter), IsEmpty());
}

TEST_F(ListFilterTest, Owner) {
  catalog::v1::DatasetFilter filter;
  filter.set_owner("Afdelingshoofd Ruimte");
  EXPECT_THAT(Filtered(filter), ElementsAre("bag-verblijfsobjecten", "bomen-open-data"));
  filter.set_owner("afdelingshoofd hr");
  EXPECT_THAT(Filtered(filter), ElementsAre("personeelsdossiers"));
}

TEST_F(ListFilterTest, Tag) {
  catalog::v1::DatasetFilter filter;
  filter.set_tag("gis");
  EXPECT_THAT(Filtered(filter), ElementsAre("bag-verblijfsobjecten", "bomen-open-data"));
  filter.set_tag("open-data");
  EXPECT_THAT(Filtered(filter), ElementsAre("bomen-open-data"));
  filter.set_tag("onbekend");
  EXPECT_THAT(Filtered(filter), IsEmpty());
}

TEST_F(ListFilterTest, ContainsPersonalDataTrueAndFalse) {
  catalog::v1::DatasetFilter filter;
  filter.set_contains_personal_data(true);
  EXPECT_THAT(Filtered(filter),
              ElementsAre("brp-ingezetenen", "jeugdzorg-dossiers", "personeelsdossiers"));
  filter.set_contains_personal_data(false);
  EXPECT_THAT(Filtered(filter), ElementsAre("bag-verblijfsobjecten", "bomen-open-data"));
}

TEST_F(ListFilterTest, CombinationRequiresEveryCondition) {
  catalog::v1::DatasetFilter filter;
  filter.set_domain("ruimte");
  filter.set_tag("gis");
  filter.set_inside_eea(true);
  EXPECT_THAT(Filtered(filter), ElementsAre("bag-verblijfsobjecten"));

  filter.Clear();
  filter.set_hosting_kind(catalog::v1::HOSTING_KIND_PUBLIC_CLOUD);
  filter.set_contains_personal_data(true);
  filter.set_min_confidentiality(catalog::v1::CONFIDENTIALITY_INTERN);
  EXPECT_THAT(Filtered(filter), ElementsAre("personeelsdossiers"));

  filter.Clear();
  filter.set_owner("Afdelingshoofd Ruimte");
  filter.set_basisregistratie(catalog::v1::BASISREGISTRATIE_BRP);
  EXPECT_THAT(Filtered(filter), IsEmpty());
}

TEST_F(ListFilterTest, FilterFollowsUpdates) {
  Dataset change;
  change.set_id("bomen-open-data");
  change.add_tags("bomen");
  UpdateOk(change, {"tags"});
  catalog::v1::DatasetFilter filter;
  filter.set_tag("gis");
  EXPECT_THAT(Filtered(filter), ElementsAre("bag-verblijfsobjecten"));
  filter.set_tag("bomen");
  EXPECT_THAT(Filtered(filter), ElementsAre("bomen-open-data"));
}

TEST_F(ListFilterTest, FilterWithUpdateTimeOrder) {
  ListDatasetsRequest request;
  request.mutable_filter()->set_tag("gis");
  request.set_order_by(catalog::v1::DATASET_ORDER_UPDATE_TIME_DESC);
  // bomen was created before bag.
  EXPECT_THAT(ListAllIds(request), ElementsAre("bag-verblijfsobjecten", "bomen-open-data"));
  request.set_order_by(catalog::v1::DATASET_ORDER_UPDATE_TIME_ASC);
  EXPECT_THAT(ListAllIds(request), ElementsAre("bomen-open-data", "bag-verblijfsobjecten"));
}

// ---------------------------------------------------------------------------
// ListDatasetRevisions

TEST_F(CatalogServiceTest, RevisionsAreNewestFirstWithKindsAndPrincipal) {
  const Dataset created = CreateOk(ValidDataset("historie"));
  Dataset change;
  change.set_id("historie");
  change.set_title("Tweede versie");
  const Dataset second = UpdateOk(change, {"title"});
  change.add_tags("derde");
  const Dataset third = UpdateOk(change, {"tags"});
  DeleteDatasetResponse deleted;
  ASSERT_TRUE(IsOk(Delete("historie", "", &deleted)));

  // Still listed after the delete.
  ListDatasetRevisionsResponse response;
  ASSERT_TRUE(IsOk(Revisions("historie", 0, "", &response)));
  ASSERT_EQ(response.revisions_size(), 4);
  EXPECT_EQ(response.next_page_token(), "");
  const auto& r = response.revisions();
  EXPECT_EQ(r[0].kind(), catalog::v1::CHANGE_KIND_DELETE);
  EXPECT_EQ(r[1].kind(), catalog::v1::CHANGE_KIND_UPDATE);
  EXPECT_EQ(r[2].kind(), catalog::v1::CHANGE_KIND_UPDATE);
  EXPECT_EQ(r[3].kind(), catalog::v1::CHANGE_KIND_CREATE);
  EXPECT_EQ(r[0].revision(), deleted.revision());
  EXPECT_EQ(r[1].revision(), third.revision());
  EXPECT_EQ(r[2].revision(), second.revision());
  EXPECT_EQ(r[3].revision(), created.revision());
  // The steward created and updated; the delete needs the owner or admin
  // role and was made as "admin" (see Delete()).
  EXPECT_EQ(r[0].principal(), "admin");
  for (int i = 1; i < r.size(); ++i) EXPECT_EQ(r[i].principal(), "steward") << "revision " << i;
  for (const DatasetRevision& revision : r) EXPECT_GT(revision.change_time().seconds(), 0);
  EXPECT_TRUE(SameMessage(r[3].dataset(), created));
  EXPECT_TRUE(SameMessage(r[2].dataset(), second));
  EXPECT_TRUE(SameMessage(r[1].dataset(), third));
  // The delete revision holds the state just before the deletion.
  EXPECT_TRUE(SameMessage(r[0].dataset(), third));
  EXPECT_EQ(Micros(r[3].change_time()), Micros(created.create_time()));
}

TEST_F(CatalogServiceTest, RevisionsShowEveryChangesPrincipalToEveryRoleThatMaySeeIt) {
  const Dataset created = CreateOk(ValidDataset("historie-principals"));
  Dataset change;
  change.set_id("historie-principals");
  change.set_title("Door de admin gewijzigd");
  UpdateDatasetRequest update;
  *update.mutable_dataset() = change;
  update.mutable_update_mask()->add_paths("title");
  Dataset by_admin;
  ASSERT_TRUE(IsOk(admin_->UpdateDataset(Context().get(), update, &by_admin)));
  change.set_title("Door de steward gewijzigd");
  const Dataset by_steward = UpdateOk(change, {"title"});

  // Every role may read the history (intern is within everyone's clearance)
  // and sees the same principals, taken from the certificates.
  for (const char* principal : {"steward", "reader", "auditor", "admin"}) {
    ListDatasetRevisionsRequest request;
    request.set_id("historie-principals");
    ListDatasetRevisionsResponse response;
    ASSERT_TRUE(IsOk(server_->Stub(principal)->ListDatasetRevisions(Context().get(), request,
                                                                    &response)))
        << principal;
    std::vector<std::string> principals;
    std::vector<int64_t> revisions;
    for (const DatasetRevision& r : response.revisions()) {
      principals.push_back(r.principal());
      revisions.push_back(r.revision());
    }
    EXPECT_THAT(principals, ElementsAre("steward", "admin", "steward")) << "as " << principal;
    EXPECT_THAT(revisions,
                ElementsAre(by_steward.revision(), by_admin.revision(), created.revision()))
        << "as " << principal;
  }
}

TEST_F(CatalogServiceTest, RevisionsOfDatasetAboveTheCallersClearanceAreNotFoundLikeMissingOnes) {
  Dataset input = ValidDataset("historie-vertrouwelijk");
  input.mutable_classification()->set_confidentiality(catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  CreateOk(input);
  auto reader = server_->Stub("reader");  // Clearance intern.
  ListDatasetRevisionsRequest request;
  request.set_id("historie-vertrouwelijk");
  ListDatasetRevisionsResponse response;
  const grpc::Status hidden = reader->ListDatasetRevisions(Context().get(), request, &response);
  EXPECT_TRUE(HasStatus(hidden, StatusCode::NOT_FOUND, "dataset historie-vertrouwelijk not found"));
  EXPECT_EQ(response.revisions_size(), 0);
  request.set_id("historie-nergens");
  const grpc::Status missing = reader->ListDatasetRevisions(Context().get(), request, &response);
  EXPECT_EQ(missing.error_code(), StatusCode::NOT_FOUND);
  // The same message but for the id: nothing tells the two apart.
  EXPECT_EQ(hidden.error_message(),
            absl::StrReplaceAll(missing.error_message(),
                                {{"historie-nergens", "historie-vertrouwelijk"}}));
  // The steward (vertrouwelijk) sees it, with its principal.
  ListDatasetRevisionsResponse visible;
  ASSERT_TRUE(IsOk(Revisions("historie-vertrouwelijk", 0, "", &visible)));
  ASSERT_EQ(visible.revisions_size(), 1);
  EXPECT_EQ(visible.revisions(0).principal(), "steward");
}

TEST_F(CatalogServiceTest, RevisionsPageThroughWithTokens) {
  CreateOk(ValidDataset("veel-versies"));
  std::vector<int64_t> expected;
  for (int i = 0; i < 6; ++i) {
    Dataset change;
    change.set_id("veel-versies");
    change.set_title(absl::StrCat("Versie ", i));
    expected.push_back(UpdateOk(change, {"title"}).revision());
  }
  std::vector<int64_t> seen;
  std::string token;
  int pages = 0;
  do {
    ListDatasetRevisionsResponse response;
    ASSERT_TRUE(IsOk(Revisions("veel-versies", 3, token, &response)));
    EXPECT_LE(response.revisions_size(), 3);
    for (const DatasetRevision& r : response.revisions()) seen.push_back(r.revision());
    token = response.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 3);  // 7 revisions, 3 per page.
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 7u);
  EXPECT_EQ(seen[0], expected.back());
}

TEST_F(CatalogServiceTest, RevisionsOfNeverExistingDatasetReturnNotFound) {
  CreateOk(ValidDataset("wel-bestaand"));
  ListDatasetRevisionsResponse response;
  EXPECT_TRUE(HasStatus(Revisions("nooit-bestaan", 0, "", &response), StatusCode::NOT_FOUND,
                        "dataset nooit-bestaan not found"));
  // An id that is a prefix of an existing one is another dataset.
  EXPECT_TRUE(HasStatus(Revisions("wel", 0, "", &response), StatusCode::NOT_FOUND,
                        "dataset wel not found"));
}

TEST_F(CatalogServiceTest, RevisionsBadRequestsReturnTheirErrors) {
  CreateOk(ValidDataset("revisie-fouten"));
  CreateOk(ValidDataset("andere-historie"));
  ListDatasetRevisionsResponse response;
  EXPECT_TRUE(HasStatus(Revisions("Geen Slug", 0, "", &response), StatusCode::INVALID_ARGUMENT,
                        "id \"Geen Slug\" is not a valid id"));
  EXPECT_TRUE(IsOk(Revisions("revisie-fouten", 1001, "", &response)));
  EXPECT_TRUE(HasStatus(Revisions("revisie-fouten", -1, "", &response),
                        StatusCode::INVALID_ARGUMENT, "page_size: must not be negative"));
  EXPECT_TRUE(HasStatus(Revisions("revisie-fouten", 0, "onzin", &response),
                        StatusCode::INVALID_ARGUMENT, "page_token: not a token of this query"));

  // A token of another dataset's history.
  Dataset change;
  change.set_id("andere-historie");
  change.set_title("Nog een versie");
  UpdateOk(change, {"title"});
  ListDatasetRevisionsResponse other;
  ASSERT_TRUE(IsOk(Revisions("andere-historie", 1, "", &other)));
  ASSERT_NE(other.next_page_token(), "");
  EXPECT_TRUE(HasStatus(Revisions("revisie-fouten", 1, other.next_page_token(), &response),
                        StatusCode::INVALID_ARGUMENT, "page_token: not a token of this query"));
}

// ---------------------------------------------------------------------------
// UpsertDatasets

TEST_F(CatalogServiceTest, UpsertAnswersEveryBatchInOrderAndStoresValidItems) {
  CreateOk(ValidDataset("bestond-al"));
  Dataset invalid = ValidDataset("ongeldig-item");
  invalid.clear_title();
  Dataset replacement = ValidDataset("bestond-al");
  replacement.set_title("Vervangen door bulk");
  Dataset no_id = ValidDataset("");

  grpc::Status status;
  const std::vector<UpsertDatasetsResponse> answers =
      Upsert({{ValidDataset("bulk-een"), invalid, replacement},
              {ValidDataset("bulk-twee"), no_id},
              {ValidDataset("bulk-drie")}},
             &status);
  ASSERT_TRUE(IsOk(status));
  ASSERT_EQ(answers.size(), 3u);

  const auto& first = answers[0].results();
  ASSERT_EQ(first.size(), 3);
  EXPECT_EQ(first[0].id(), "bulk-een");
  EXPECT_EQ(first[0].code(), 0);
  EXPECT_TRUE(first[0].created());
  EXPECT_GT(first[0].revision(), 0);
  EXPECT_EQ(first[1].id(), "ongeldig-item");
  EXPECT_EQ(first[1].code(), 3);  // INVALID_ARGUMENT
  EXPECT_THAT(first[1].message(), HasSubstr("title: required"));
  EXPECT_FALSE(first[1].created());
  EXPECT_EQ(first[1].revision(), 0);
  EXPECT_EQ(first[2].id(), "bestond-al");
  EXPECT_EQ(first[2].code(), 0);
  EXPECT_FALSE(first[2].created());
  EXPECT_GT(first[2].revision(), first[0].revision());

  const auto& second = answers[1].results();
  ASSERT_EQ(second.size(), 2);
  EXPECT_EQ(second[0].id(), "bulk-twee");
  EXPECT_EQ(second[0].code(), 0);
  EXPECT_TRUE(second[0].created());
  EXPECT_EQ(second[1].id(), "");
  EXPECT_EQ(second[1].code(), 3);
  EXPECT_THAT(second[1].message(), HasSubstr("id is required"));

  ASSERT_EQ(answers[2].results_size(), 1);
  EXPECT_EQ(answers[2].results(0).id(), "bulk-drie");
  EXPECT_EQ(answers[2].results(0).code(), 0);

  EXPECT_EQ(GetOk("bulk-een").revision(), first[0].revision());
  EXPECT_EQ(GetOk("bestond-al").title(), "Vervangen door bulk");
  Dataset out;
  EXPECT_EQ(Get("ongeldig-item", 0, &out).error_code(), StatusCode::NOT_FOUND);
  EXPECT_THAT(ListAllIds(ListDatasetsRequest()),
              ElementsAre("bestond-al", "bulk-drie", "bulk-een", "bulk-twee"));
}

TEST_F(CatalogServiceTest, UpsertInvalidItemMessageNamesTheField) {
  Dataset bad_oin = ValidDataset("bulk-oin");
  bad_oin.mutable_publisher()->set_oin("12");
  Dataset bad_norm = ValidDataset("bulk-norm");
  auto* norm = bad_norm.add_quality_norms();
  norm->set_dimension(catalog::v1::QUALITY_DIMENSION_VALIDITEIT);
  norm->set_target(101);
  grpc::Status status;
  const auto answers = Upsert({{bad_oin, bad_norm, ValidDataset("bulk-goed")}}, &status);
  ASSERT_TRUE(IsOk(status));
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_EQ(answers[0].results_size(), 3);
  EXPECT_EQ(answers[0].results(0).code(), 3);
  EXPECT_THAT(answers[0].results(0).message(), HasSubstr("publisher.oin"));
  EXPECT_EQ(answers[0].results(1).code(), 3);
  EXPECT_THAT(answers[0].results(1).message(), HasSubstr("quality_norms[0].target"));
  EXPECT_EQ(answers[0].results(2).code(), 0);
  EXPECT_THAT(ListAllIds(ListDatasetsRequest()), ElementsAre("bulk-goed"));
}

TEST_F(CatalogServiceTest, UpsertDuplicateIdInOneBatchSecondReplacesFirst) {
  Dataset first = ValidDataset("dubbel-in-batch");
  first.set_title("Eerste");
  first.add_tags("eerste");
  Dataset second = ValidDataset("dubbel-in-batch");
  second.set_title("Tweede");
  second.add_tags("tweede");
  grpc::Status status;
  const auto answers = Upsert({{first, second}}, &status);
  ASSERT_TRUE(IsOk(status));
  ASSERT_EQ(answers.size(), 1u);
  const auto& results = answers[0].results();
  ASSERT_EQ(results.size(), 2);
  EXPECT_EQ(results[0].code(), 0);
  EXPECT_TRUE(results[0].created());
  EXPECT_EQ(results[1].code(), 0);
  EXPECT_FALSE(results[1].created());
  EXPECT_GT(results[1].revision(), results[0].revision());

  const Dataset stored = GetOk("dubbel-in-batch");
  EXPECT_EQ(stored.title(), "Tweede");
  EXPECT_EQ(stored.revision(), results[1].revision());
  ListDatasetRevisionsResponse revisions;
  ASSERT_TRUE(IsOk(Revisions("dubbel-in-batch", 0, "", &revisions)));
  ASSERT_EQ(revisions.revisions_size(), 2);
  EXPECT_EQ(revisions.revisions(0).kind(), catalog::v1::CHANGE_KIND_UPDATE);
  EXPECT_EQ(revisions.revisions(1).kind(), catalog::v1::CHANGE_KIND_CREATE);

  // The indexes follow the second write only.
  ListDatasetsRequest request;
  request.mutable_filter()->set_tag("eerste");
  EXPECT_THAT(ListAllIds(request), IsEmpty());
  request.mutable_filter()->set_tag("tweede");
  EXPECT_THAT(ListAllIds(request), ElementsAre("dubbel-in-batch"));
  storage::CheckReport report;
  ShutDownAndCheckStore(&report);
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
}

TEST_F(CatalogServiceTest, UpsertBatchOf1000IsAccepted) {
  std::vector<Dataset> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back(ValidDataset(absl::StrFormat("max-%04d", i)));
  grpc::Status status;
  const auto answers = Upsert({batch}, &status);
  ASSERT_TRUE(IsOk(status));
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_EQ(answers[0].results_size(), 1000);
  for (const auto& result : answers[0].results()) EXPECT_EQ(result.code(), 0) << result.id();
}

TEST_F(CatalogServiceTest, UpsertBatchOf1001EndsStreamWithResourceExhausted) {
  std::vector<Dataset> too_many;
  for (int i = 0; i < 1001; ++i)
    too_many.push_back(ValidDataset(absl::StrFormat("te-veel-%04d", i)));
  grpc::Status status;
  const auto answers =
      Upsert({{ValidDataset("ervoor-goed")}, too_many, {ValidDataset("erna")}}, &status);
  EXPECT_TRUE(HasStatus(status, StatusCode::RESOURCE_EXHAUSTED,
                        "datasets: at most 1000 per UpsertDatasets batch, got 1001"));
  // The batch before was answered and stored; nothing of the big batch or after.
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_EQ(answers[0].results_size(), 1);
  EXPECT_EQ(answers[0].results(0).code(), 0);
  EXPECT_THAT(ListAllIds(ListDatasetsRequest()), ElementsAre("ervoor-goed"));
}

TEST_F(CatalogServiceTest, UpsertReplacedDatasetKeepsCreateTime) {
  const Dataset created = CreateOk(ValidDataset("blijft-oud"));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Dataset replacement = ValidDataset("blijft-oud");
  replacement.set_title("Vervangen");
  replacement.mutable_create_time()->set_seconds(1);  // Output only: ignored.
  grpc::Status status;
  const auto answers = Upsert({{replacement}}, &status);
  ASSERT_TRUE(IsOk(status));
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_EQ(answers[0].results_size(), 1);
  EXPECT_FALSE(answers[0].results(0).created());

  const Dataset stored = GetOk("blijft-oud");
  EXPECT_EQ(stored.title(), "Vervangen");
  EXPECT_EQ(Micros(stored.create_time()), Micros(created.create_time()));
  EXPECT_GT(Micros(stored.update_time()), Micros(created.update_time()));
  EXPECT_GT(stored.revision(), created.revision());
}

TEST_F(CatalogServiceTest, UpsertOfAnUnchangedDatasetWritesNothing) {
  const Dataset created = CreateOk(ValidDataset("ongewijzigd"));
  CreateOk(ValidDataset("wel-gewijzigd"));
  Dataset changed = ValidDataset("wel-gewijzigd");
  changed.set_title("Nieuwe titel");
  grpc::Status status;
  // The same content again (output-only fields as a client echoes them).
  Dataset same = created;
  const auto answers = Upsert({{same, changed}}, &status);
  ASSERT_TRUE(IsOk(status));
  ASSERT_EQ(answers.size(), 1u);
  const UpsertResult& unchanged = answers[0].results(0);
  EXPECT_EQ(unchanged.code(), 0);
  EXPECT_TRUE(unchanged.unchanged());
  EXPECT_FALSE(unchanged.created());
  EXPECT_EQ(unchanged.revision(), created.revision()) << "answers the current revision";
  EXPECT_FALSE(answers[0].results(1).unchanged());

  const Dataset stored = GetOk("ongewijzigd");
  EXPECT_EQ(stored.revision(), created.revision());
  EXPECT_EQ(Micros(stored.update_time()), Micros(created.update_time()));
  ListDatasetRevisionsResponse revisions;
  ASSERT_TRUE(IsOk(Revisions("ongewijzigd", 0, "", &revisions)));
  EXPECT_EQ(revisions.revisions_size(), 1) << "no history entry";

  storage::CheckReport report;
  ShutDownAndCheckStore(&report);
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
  EXPECT_EQ(report.revisions, 3) << "two creates and the one real change";
  EXPECT_EQ(report.change_log_entries, 3);
}

TEST_F(CatalogServiceTest, UpdateThatChangesNothingWritesNothing) {
  const Dataset created = CreateOk(ValidDataset("zelfde-titel"));
  Dataset change;
  change.set_id("zelfde-titel");
  change.set_title(created.title());
  change.set_etag(created.etag());
  const Dataset answered = UpdateOk(change, {"title"});
  EXPECT_EQ(answered.revision(), created.revision());
  EXPECT_EQ(answered.etag(), created.etag());
  EXPECT_EQ(Micros(answered.update_time()), Micros(created.update_time()));
  ListDatasetRevisionsResponse revisions;
  ASSERT_TRUE(IsOk(Revisions("zelfde-titel", 0, "", &revisions)));
  EXPECT_EQ(revisions.revisions_size(), 1);
  // A stale etag is still refused, also when the content would not change.
  const Dataset later = UpdateOk([] {
    Dataset d;
    d.set_id("zelfde-titel");
    d.set_title("Andere titel");
    return d;
  }(), {"title"});
  change.set_title(later.title());
  UpdateDatasetRequest stale;
  *stale.mutable_dataset() = change;
  stale.mutable_update_mask()->add_paths("title");
  Dataset out;
  EXPECT_EQ(stub_->UpdateDataset(Context().get(), stale, &out).error_code(), StatusCode::ABORTED);
}

TEST_F(CatalogServiceTest, UpsertValidateOnlyChecksEveryItemAndWritesNothing) {
  const Dataset existing = CreateOk(ValidDataset("bestaat-al"));
  Dataset invalid = ValidDataset("zonder-titel");
  invalid.clear_title();
  Dataset replaced = ValidDataset("bestaat-al");
  replaced.set_title("Zou vervangen worden");
  std::unique_ptr<grpc::ClientContext> context = Context();
  auto stream = stub_->UpsertDatasets(context.get());
  UpsertDatasetsRequest request;
  request.set_validate_only(true);
  *request.add_datasets() = ValidDataset("nog-niet");
  *request.add_datasets() = invalid;
  *request.add_datasets() = replaced;
  ASSERT_TRUE(stream->Write(request));
  UpsertDatasetsResponse response;
  ASSERT_TRUE(stream->Read(&response));
  stream->WritesDone();
  ASSERT_TRUE(IsOk(stream->Finish()));
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).code(), 0);
  EXPECT_TRUE(response.results(0).created());
  EXPECT_EQ(response.results(1).code(), static_cast<int>(StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(response.results(1).message(), HasSubstr("title"));
  EXPECT_EQ(response.results(2).code(), 0);
  EXPECT_FALSE(response.results(2).created());
  EXPECT_EQ(response.results(2).revision(), existing.revision());

  Dataset out;
  GetDatasetRequest get;
  get.set_id("nog-niet");
  EXPECT_EQ(stub_->GetDataset(Context().get(), get, &out).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(GetOk("bestaat-al").title(), existing.title());
}

TEST_F(CatalogServiceTest, UpsertPipelinedBatchesAreAllAnsweredInOrder) {
  // All batches are sent before any answer is read.
  std::unique_ptr<grpc::ClientContext> context = Context();
  auto stream = stub_->UpsertDatasets(context.get());
  constexpr int kBatches = 8;
  for (int b = 0; b < kBatches; ++b) {
    UpsertDatasetsRequest request;
    for (int i = 0; i < 20; ++i) {
      *request.add_datasets() = ValidDataset(absl::StrFormat("pijp-%02d-%02d", b, i));
    }
    ASSERT_TRUE(stream->Write(request));
  }
  ASSERT_TRUE(stream->WritesDone());
  std::vector<UpsertDatasetsResponse> answers;
  UpsertDatasetsResponse response;
  while (stream->Read(&response)) answers.push_back(response);
  EXPECT_TRUE(IsOk(stream->Finish()));

  ASSERT_EQ(answers.size(), static_cast<size_t>(kBatches));
  int64_t previous_revision = 0;
  for (int b = 0; b < kBatches; ++b) {
    ASSERT_EQ(answers[b].results_size(), 20);
    for (int i = 0; i < 20; ++i) {
      const auto& result = answers[b].results(i);
      EXPECT_EQ(result.id(), absl::StrFormat("pijp-%02d-%02d", b, i));
      EXPECT_EQ(result.code(), 0);
      EXPECT_TRUE(result.created());
      EXPECT_GT(result.revision(), previous_revision);
      previous_revision = result.revision();
    }
  }
  ListDatasetsRequest request;
  request.set_page_size(1000);
  EXPECT_EQ(ListAllIds(request, 1000).size(), static_cast<size_t>(kBatches * 20));
}

TEST_F(CatalogServiceTest, UpsertBatchesReceivedAheadStillSeeEveryEarlierBatch) {
  // Every batch replaces the dataset the one before it wrote; all are sent
  // before any answer is read, so later ones are received while earlier
  // ones are processed. Each must be planned against its predecessor's
  // result (a replacement planned early would be ABORTED as stale).
  std::unique_ptr<grpc::ClientContext> context = Context();
  auto stream = stub_->UpsertDatasets(context.get());
  constexpr int kBatches = 6;
  for (int b = 0; b < kBatches; ++b) {
    UpsertDatasetsRequest request;
    Dataset version = ValidDataset("keten");
    version.set_title(absl::StrFormat("Versie %d", b));
    *request.add_datasets() = version;
    for (int i = 0; i < 50; ++i) {
      *request.add_datasets() = ValidDataset(absl::StrFormat("vulling-%d-%02d", b, i));
    }
    ASSERT_TRUE(stream->Write(request));
  }
  ASSERT_TRUE(stream->WritesDone());
  std::vector<UpsertDatasetsResponse> answers;
  UpsertDatasetsResponse response;
  while (stream->Read(&response)) answers.push_back(response);
  EXPECT_TRUE(IsOk(stream->Finish()));

  ASSERT_EQ(answers.size(), static_cast<size_t>(kBatches));
  int64_t previous_revision = 0;
  for (int b = 0; b < kBatches; ++b) {
    ASSERT_EQ(answers[b].results_size(), 51);
    const auto& result = answers[b].results(0);
    EXPECT_EQ(result.code(), 0) << "batch " << b << ": " << result.message();
    EXPECT_EQ(result.created(), b == 0) << "batch " << b;
    EXPECT_GT(result.revision(), previous_revision);
    previous_revision = result.revision();
  }
  const Dataset stored = GetOk("keten");
  EXPECT_EQ(stored.title(), absl::StrFormat("Versie %d", kBatches - 1));
  EXPECT_EQ(stored.revision(), previous_revision);
}

TEST_F(CatalogServiceTest, UpsertByReaderIsPermissionDeniedForTheStream) {
  CreateOk(ValidDataset("bulk-lezer-bestaand"));
  Dataset replacement = ValidDataset("bulk-lezer-bestaand");
  replacement.set_title("Door een lezer vervangen");
  stub_ = server_->Stub("reader");  // Readers change nothing.
  grpc::Status status;
  const auto answers =
      Upsert({{ValidDataset("bulk-lezer-nieuw"), replacement}, {ValidDataset("bulk-lezer-2")}},
             &status);
  EXPECT_TRUE(HasStatus(status, StatusCode::PERMISSION_DENIED,
                        "principal \"reader\" (reader) may not call"));
  EXPECT_THAT(status.error_message(), HasSubstr("UpsertDatasets"));
  // The whole stream is refused: no batch is answered, nothing is stored.
  EXPECT_THAT(answers, IsEmpty());
  stub_ = server_->Stub("steward");
  EXPECT_THAT(ListAllIds(ListDatasetsRequest()), ElementsAre("bulk-lezer-bestaand"));
  EXPECT_EQ(GetOk("bulk-lezer-bestaand").title(), "Dataset bulk-lezer-bestaand");
}

TEST_F(CatalogServiceTest, UpsertEmptyStreamEndsOk) {
  grpc::Status status;
  EXPECT_THAT(Upsert({}, &status), IsEmpty());
  EXPECT_TRUE(IsOk(status));
}

// ---------------------------------------------------------------------------
// Persistence and concurrency

TEST_F(CatalogServiceTest, DataSurvivesRestart) {
  const Dataset kept = CreateOk(ValidDataset("overleeft-herstart"));
  CreateOk(ValidDataset("wordt-verwijderd"));
  Dataset change;
  change.set_id("overleeft-herstart");
  change.set_title("Gewijzigd voor herstart");
  const Dataset updated = UpdateOk(change, {"title"});
  DeleteDatasetResponse deleted;
  ASSERT_TRUE(IsOk(Delete("wordt-verwijderd", "", &deleted)));

  server_->Restart();
  stub_ = server_->Stub("steward");
  admin_ = server_->Stub("admin");

  EXPECT_TRUE(SameMessage(GetOk("overleeft-herstart"), updated));
  EXPECT_TRUE(SameMessage(GetOk("overleeft-herstart", kept.revision()), kept));
  Dataset out;
  EXPECT_EQ(Get("wordt-verwijderd", 0, &out).error_code(), StatusCode::NOT_FOUND);
  ListDatasetRevisionsResponse revisions;
  ASSERT_TRUE(IsOk(Revisions("wordt-verwijderd", 0, "", &revisions)));
  EXPECT_EQ(revisions.revisions_size(), 2);
  EXPECT_THAT(ListAllIds(ListDatasetsRequest()), ElementsAre("overleeft-herstart"));
  // The revision counter continues after the restart.
  EXPECT_GT(CreateOk(ValidDataset("na-herstart")).revision(), deleted.revision());

  storage::CheckReport report;
  ShutDownAndCheckStore(&report);
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
  EXPECT_EQ(report.datasets, 2);
  EXPECT_EQ(report.revisions, 5);
}

TEST_F(CatalogServiceTest, ConcurrentUpdatesWithTheSameEtagLetExactlyOneWin) {
  const Dataset created = CreateOk(ValidDataset("wedloop"));
  constexpr int kThreads = 8;
  std::atomic<int> succeeded{0};
  std::atomic<int> aborted{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<CatalogService::Stub> stub = server_->Stub("steward");
      UpdateDatasetRequest request;
      request.mutable_dataset()->set_id("wedloop");
      request.mutable_dataset()->set_title(absl::StrCat("Winnaar ", t));
      request.mutable_dataset()->set_etag(created.etag());
      request.mutable_update_mask()->add_paths("title");
      Dataset response;
      const grpc::Status status = stub->UpdateDataset(Context().get(), request, &response);
      if (status.ok()) {
        ++succeeded;
      } else if (status.error_code() == StatusCode::ABORTED) {
        ++aborted;
      } else {
        ADD_FAILURE() << "thread " << t << ": " << CodeName(status.error_code()) << " "
                      << status.error_message();
        ++other;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(succeeded.load(), 1);
  EXPECT_EQ(aborted.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  ListDatasetRevisionsResponse revisions;
  ASSERT_TRUE(IsOk(Revisions("wedloop", 0, "", &revisions)));
  EXPECT_EQ(revisions.revisions_size(), 2);
}

TEST_F(CatalogServiceTest, ConcurrentCreatesAreAllStoredConsistently) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;
  std::atomic<int> failures{0};
  std::mutex mutex;
  std::string first_error;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<CatalogService::Stub> stub = server_->Stub("steward");
      for (int i = 0; i < kPerThread; ++i) {
        CreateDatasetRequest request;
        *request.mutable_dataset() = ValidDataset(absl::StrFormat("draad-%02d-nr-%03d", t, i));
        Dataset response;
        grpc::Status status = stub->CreateDataset(Context().get(), request, &response);
        if (!status.ok()) {
          ++failures;
          std::lock_guard<std::mutex> lock(mutex);
          if (first_error.empty()) first_error = status.error_message();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0) << first_error;

  ListDatasetsRequest request;
  request.set_page_size(1000);
  ListDatasetsResponse response;
  ASSERT_TRUE(IsOk(List(request, &response)));
  EXPECT_EQ(response.datasets_size(), kThreads * kPerThread);
  EXPECT_EQ(response.next_page_token(), "");
  std::set<int64_t> revisions;
  std::set<std::string> ids;
  for (const Dataset& d : response.datasets()) {
    revisions.insert(d.revision());
    ids.insert(d.id());
  }
  EXPECT_EQ(revisions.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kPerThread));
  request.set_page_size(40);
  EXPECT_EQ(ListAllIds(request, 40).size(), static_cast<size_t>(kThreads * kPerThread));

  storage::CheckReport report;
  ShutDownAndCheckStore(&report);
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
  EXPECT_EQ(report.datasets, kThreads * kPerThread);
  EXPECT_EQ(report.revisions, kThreads * kPerThread);
  EXPECT_EQ(report.change_log_entries, kThreads * kPerThread);
}

// ---------------------------------------------------------------------------
// Standard services: health checking and reflection

TEST_F(CatalogServiceTest, HealthCheckReportsServing) {
  auto health = grpc::health::v1::Health::NewStub(server_->Channel("reader"));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(IsOk(health->Check(Context().get(), request, &response)));
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  request.set_service("no.such.Service");
  EXPECT_TRUE(HasStatus(health->Check(Context().get(), request, &response), StatusCode::NOT_FOUND,
                        "service name unknown"));
}

// The reflection client library (ProtoReflectionDescriptorDatabase) is not
// shipped by Debian; the server's reflection messages are in the generated
// descriptor pool (libgrpc++_reflection), so the call is made with a generic
// stub and dynamic messages.
void ListServicesByReflection(const std::shared_ptr<grpc::Channel>& channel,
                              std::vector<std::string>* names) {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  const google::protobuf::Descriptor* request_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionRequest");
  const google::protobuf::Descriptor* response_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionResponse");
  ASSERT_NE(request_type, nullptr);
  ASSERT_NE(response_type, nullptr);
  google::protobuf::DynamicMessageFactory factory(pool);
  std::unique_ptr<google::protobuf::Message> request(factory.GetPrototype(request_type)->New());
  request->GetReflection()->SetString(request.get(), request_type->FindFieldByName("list_services"),
                                      "*");

  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::ClientContext> context = Context();
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      context.get(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  auto await = [&queue](intptr_t tag) {
    void* got = nullptr;
    bool ok = false;
    EXPECT_TRUE(queue.Next(&got, &ok));
    EXPECT_EQ(got, reinterpret_cast<void*>(tag));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(await(1));
  grpc::Slice slice(request->SerializeAsString());
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, reinterpret_cast<void*>(2));
  ASSERT_TRUE(await(2));
  call->WritesDone(reinterpret_cast<void*>(3));
  ASSERT_TRUE(await(3));
  std::vector<std::string> raw_responses;
  for (;;) {
    grpc::ByteBuffer in;
    call->Read(&in, reinterpret_cast<void*>(4));
    if (!await(4)) break;
    std::vector<grpc::Slice> slices;
    ASSERT_TRUE(in.Dump(&slices).ok());
    std::string bytes;
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    raw_responses.push_back(std::move(bytes));
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  EXPECT_TRUE(await(5));
  queue.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (queue.Next(&ignored_tag, &ignored_ok)) {
  }
  ASSERT_TRUE(IsOk(status));
  ASSERT_EQ(raw_responses.size(), 1u);

  std::unique_ptr<google::protobuf::Message> response(factory.GetPrototype(response_type)->New());
  ASSERT_TRUE(response->ParseFromString(raw_responses[0]));
  const google::protobuf::FieldDescriptor* list_field =
      response_type->FindFieldByName("list_services_response");
  ASSERT_NE(list_field, nullptr);
  ASSERT_TRUE(response->GetReflection()->HasField(*response, list_field));
  const google::protobuf::Message& list =
      response->GetReflection()->GetMessage(*response, list_field);
  const google::protobuf::FieldDescriptor* service_field =
      list.GetDescriptor()->FindFieldByName("service");
  ASSERT_NE(service_field, nullptr);
  for (int i = 0; i < list.GetReflection()->FieldSize(list, service_field); ++i) {
    const google::protobuf::Message& service =
        list.GetReflection()->GetRepeatedMessage(list, service_field, i);
    names->push_back(service.GetReflection()->GetString(
        service, service.GetDescriptor()->FindFieldByName("name")));
  }
}

TEST_F(CatalogServiceTest, ReflectionListsTheCatalogService) {
  std::vector<std::string> names;
  ListServicesByReflection(server_->Channel("reader"), &names);
  EXPECT_THAT(names, ::testing::Contains("catalog.v1.CatalogService"));
  EXPECT_THAT(names, ::testing::Contains("grpc.reflection.v1alpha.ServerReflection"));
}

}  // namespace
}  // namespace catalog::testing
