// SearchService over real mutual TLS against a real store and index: Dutch
// stemming, hyphens, prefixes, phrases, boolean and field queries through
// the RPC; exact matches first; facets equal to a brute-force count over
// what the caller may list; clearance (a hidden dataset in no hit, total,
// facet or snippet; a redacted field's description in no snippet); read
// your own writes (min_revision); paging; authorization and bad requests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catalog/v1/quality_service.grpc.pb.h"
#include "catalog/v1/search_service.grpc.pb.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using grpc::StatusCode;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

using FacetMap = std::map<std::string, std::map<std::string, int64_t>>;

v1::Dataset Titled(const std::string& id, const std::string& title,
                   const std::string& description = "", const std::string& domain = "Financien") {
  v1::Dataset d = ValidDataset(id);
  d.set_title(title);
  d.set_description(description);
  d.set_domain(domain);
  return d;
}

std::vector<std::string> Names(const v1::SearchDatasetsResponse& response) {
  std::vector<std::string> names;
  for (const v1::SearchHit& hit : response.hits()) names.push_back(hit.name());
  return names;
}

FacetMap Facets(const v1::SearchDatasetsResponse& response) {
  FacetMap facets;
  for (const v1::FacetCounts& f : response.facets()) {
    auto& counts = facets[f.facet()];
    for (const auto& [value, count] : f.counts()) counts[value] = count;
  }
  return facets;
}

template <typename Enum>
void CountEnum(const google::protobuf::EnumDescriptor* descriptor, Enum value,
               std::map<std::string, int64_t>* counts) {
  if (static_cast<int>(value) != 0) ++(*counts)[descriptor->FindValueByNumber(value)->name()];
}

// The facets of `datasets`, counted here from the records (the oracle).
FacetMap BruteForceFacets(const std::vector<v1::Dataset>& datasets) {
  FacetMap f;
  for (const char* name : {"domain", "registration_type", "basisregistratie", "hosting_kind",
                           "provider", "confidentiality", "contains_personal_data", "status",
                           "quality_below_norm"}) {
    f[name];
  }
  for (const v1::Dataset& d : datasets) {
    if (!d.domain().empty()) ++f["domain"][d.domain()];
    CountEnum(v1::RegistrationType_descriptor(), d.registration_type(), &f["registration_type"]);
    CountEnum(v1::Basisregistratie_descriptor(), d.basisregistratie(), &f["basisregistratie"]);
    CountEnum(v1::HostingKind_descriptor(), d.hosting().kind(), &f["hosting_kind"]);
    if (!d.hosting().provider().empty()) ++f["provider"][d.hosting().provider()];
    CountEnum(v1::Confidentiality_descriptor(), d.classification().confidentiality(),
              &f["confidentiality"]);
    ++f["contains_personal_data"][d.personal_data().contains_personal_data() ? "true" : "false"];
    CountEnum(v1::DatasetStatus_descriptor(), d.status(), &f["status"]);
    ++f["quality_below_norm"]["false"];  // No measurements in this corpus.
  }
  return f;
}

class SearchServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestServer::Start();
    ASSERT_NE(server_, nullptr);
    admin_ = std::make_unique<LineageClient>(server_->Channel("admin"));
    Create(Titled("belasting-aanslagen", "Belasting aanslagen",
                  "Aanslagen van de gemeentelijke belasting"));
    Create(Titled("woz-beschikkingen", "woz beschikkingen", "Waardebeschikkingen onroerende zaken"));
    v1::Dataset kranen = Titled("brandkranen", "Brandkranen", "Locaties van brandkranen in de stad",
                                "Veiligheid");
    AddField(&kranen, "kraannummer");
    kranen.mutable_hosting()->set_kind(v1::HOSTING_KIND_SAAS);
    kranen.mutable_hosting()->set_provider("Kraanbeheer BV");
    Create(kranen);
    Create(Titled("kranen-onderhoud", "Onderhoud van brandkranen en brandkranen",
                  "Onderhoud brandkranen, brandkranen, brandkranen", "Veiligheid"));
    v1::Dataset secret = Titled("geheime-bluspunten", "Geheime brandkranen defensie",
                                "Brandkranen bij defensieterreinen", "Veiligheid");
    secret.mutable_classification()->set_confidentiality(v1::CONFIDENTIALITY_GEHEIM);
    Create(secret);
    v1::Dataset linked = Titled("bsn-koppeling", "Koppeling van personen", "Koppeltabel");
    AddField(&linked, "bsn", /*personal_data=*/true);
    linked.mutable_schema_fields(0)->set_description("Burgerservicenummer sleutelwoordgeheim");
    linked.mutable_schema_fields(0)->set_confidentiality(v1::CONFIDENTIALITY_GEHEIM);
    SetPersonalData(&linked);
    Create(linked);
  }

  void Create(const v1::Dataset& dataset) {
    latest_ = std::max(latest_, admin_->CreateDatasetOk(dataset).revision());
  }

  grpc::Status Search(const std::string& who, v1::SearchDatasetsRequest request,
                      v1::SearchDatasetsResponse* out) {
    if (request.min_revision() == 0) request.set_min_revision(latest_);
    return v1::SearchService::NewStub(server_->Channel(who))
        ->SearchDatasets(Context().get(), request, out);
  }

  v1::SearchDatasetsResponse SearchOk(const std::string& query, const std::string& who = "steward",
                                      bool facets = false) {
    v1::SearchDatasetsRequest request;
    request.set_query(query);
    request.set_facets(facets);
    v1::SearchDatasetsResponse out;
    EXPECT_TRUE(IsOk(Search(who, request, &out))) << query;
    return out;
  }

  std::vector<std::string> Found(const std::string& query, const std::string& who = "steward") {
    return Names(SearchOk(query, who));
  }

  // Every dataset `who` may list.
  std::vector<v1::Dataset> ListAll(const std::string& who) {
    std::vector<v1::Dataset> all;
    v1::ListDatasetsRequest request;
    do {
      v1::ListDatasetsResponse page;
      EXPECT_TRUE(IsOk(server_->Stub(who)->ListDatasets(Context().get(), request, &page)));
      all.insert(all.end(), page.datasets().begin(), page.datasets().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<LineageClient> admin_;
  int64_t latest_ = 0;
};

TEST_F(SearchServiceTest, DutchStemmingFindsThePluralOfATitleWord) {
  EXPECT_THAT(Found("belastingen"), Contains("datasets/belasting-aanslagen"));
}

TEST_F(SearchServiceTest, HyphenatedQueryFindsTheWordsApartAndInflected) {
  EXPECT_THAT(Found("WOZ-beschikking"), ElementsAre("datasets/woz-beschikkingen"));
}

TEST_F(SearchServiceTest, SingularFindsPluralTitle) {
  EXPECT_THAT(Found("brandkraan"), Contains("datasets/brandkranen"));
}

TEST_F(SearchServiceTest, PrefixQueryFindsEveryCompletion) {
  const std::vector<std::string> found = Found("brandkr*");
  EXPECT_THAT(found, Contains("datasets/brandkranen"));
  EXPECT_THAT(found, Contains("datasets/kranen-onderhoud"));
}

TEST_F(SearchServiceTest, PhraseMatchesOnlyTheWordsInOrder) {
  EXPECT_THAT(Found("\"locaties van brandkranen\""), ElementsAre("datasets/brandkranen"));
  EXPECT_THAT(Found("\"brandkranen van locaties\""), IsEmpty());
}

TEST_F(SearchServiceTest, BooleanOperatorsCombineAndExclude) {
  EXPECT_THAT(Found("brandkranen NOT onderhoud"), ElementsAre("datasets/brandkranen"));
  const std::vector<std::string> either = Found("woz OR belasting");
  EXPECT_EQ(std::set<std::string>(either.begin(), either.end()),
            (std::set<std::string>{"datasets/woz-beschikkingen", "datasets/belasting-aanslagen"}));
}

TEST_F(SearchServiceTest, FieldQualifiersSearchOneField) {
  EXPECT_THAT(Found("title:woz"), ElementsAre("datasets/woz-beschikkingen"));
  EXPECT_THAT(Found("title:waardebeschikkingen"), IsEmpty()) << "only in the description";
  const v1::SearchDatasetsResponse by_field = SearchOk("field:kraannummer");
  ASSERT_EQ(by_field.hits_size(), 1);
  EXPECT_EQ(by_field.hits(0).name(), "datasets/brandkranen");
  EXPECT_THAT(by_field.hits(0).matched_fields(), Contains("schema_fields.name"));
}

TEST_F(SearchServiceTest, ExactTitleMatchRanksFirst) {
  const v1::SearchDatasetsResponse response = SearchOk("Brandkranen");
  ASSERT_GE(response.hits_size(), 2);
  EXPECT_EQ(response.hits(0).name(), "datasets/brandkranen");
  EXPECT_TRUE(response.hits(0).exact());
  EXPECT_EQ(response.hits(0).title(), "Brandkranen");
  EXPECT_FALSE(response.hits(1).exact());
  EXPECT_THAT(response.hits(0).snippet(), ::testing::HasSubstr("<b>"));
}

TEST_F(SearchServiceTest, FacetsOfEverythingEqualABruteForceCountOfTheListing) {
  for (const std::string who : {"reader", "steward", "admin"}) {
    const v1::SearchDatasetsResponse response = SearchOk("", who, /*facets=*/true);
    const std::vector<v1::Dataset> listed = ListAll(who);
    EXPECT_EQ(response.total(), static_cast<int64_t>(listed.size())) << who;
    EXPECT_EQ(Facets(response), BruteForceFacets(listed)) << who;
  }
}

TEST_F(SearchServiceTest, FacetsOfAQueryEqualABruteForceCountOfItsMatches) {
  const v1::SearchDatasetsResponse response = SearchOk("brandkranen", "steward", true);
  std::map<std::string, v1::Dataset> listed;
  for (v1::Dataset& d : ListAll("steward")) listed[absl::StrCat("datasets/", d.id())] = d;
  std::vector<v1::Dataset> matches;
  for (const std::string& name : Names(response)) matches.push_back(listed.at(name));
  EXPECT_EQ(response.total(), 2);
  EXPECT_EQ(Facets(response), BruteForceFacets(matches));
}

TEST_F(SearchServiceTest, DatasetAboveClearanceIsInNoHitTotalFacetOrSnippet) {
  const v1::SearchDatasetsResponse admin = SearchOk("brandkranen", "admin", true);
  EXPECT_THAT(Names(admin), Contains("datasets/geheime-bluspunten")) << "the test's premise";
  for (const std::string who : {"reader", "steward"}) {
    const v1::SearchDatasetsResponse response = SearchOk("brandkranen", who, true);
    EXPECT_EQ(response.total(), admin.total() - 1) << who;
    EXPECT_THAT(Names(response), Not(Contains("datasets/geheime-bluspunten"))) << who;
    EXPECT_EQ(Facets(response)["confidentiality"].count("CONFIDENTIALITY_GEHEIM"), 0u) << who;
    const std::string text = absl::AsciiStrToLower(response.DebugString());
    EXPECT_FALSE(absl::StrContains(text, "geheime")) << who;
    EXPECT_FALSE(absl::StrContains(text, "defensie")) << who;
    EXPECT_THAT(SearchOk("defensie", who).hits(), IsEmpty()) << who;
    EXPECT_EQ(SearchOk("defensie", who).total(), 0) << who;
  }
}

TEST_F(SearchServiceTest, RedactedFieldDescriptionIsNeverInASnippet) {
  const v1::SearchDatasetsResponse admin = SearchOk("koppeling burgerservicenummer", "admin");
  ASSERT_EQ(admin.hits_size(), 1);
  EXPECT_THAT(absl::AsciiStrToLower(admin.hits(0).snippet()),
              ::testing::HasSubstr("sleutelwoordgeheim"))
      << "the admin sees the field, so the snippet may show it";
  for (const std::string query : {"koppeling", "koppeling burgerservicenummer"}) {
    const v1::SearchDatasetsResponse reader = SearchOk(query, "reader");
    ASSERT_EQ(reader.hits_size(), 1) << query;
    const std::string text = absl::AsciiStrToLower(reader.DebugString());
    EXPECT_FALSE(absl::StrContains(text, "sleutelwoordgeheim")) << query;
    EXPECT_FALSE(absl::StrContains(text, "burgerservicenummer")) << query;
  }
}

TEST_F(SearchServiceTest, PagesCoverEveryHitOnceWithTheSameTotal) {
  v1::SearchDatasetsRequest request;
  request.set_page_size(1);
  std::vector<std::string> paged;
  int64_t total = -1;
  for (int page = 0; page < 20; ++page) {
    v1::SearchDatasetsResponse out;
    ASSERT_TRUE(IsOk(Search("steward", request, &out)));
    if (total >= 0) {
      EXPECT_EQ(out.total(), total);
    }
    total = out.total();
    for (const std::string& name : Names(out)) paged.push_back(name);
    if (out.next_page_token().empty()) break;
    request.set_page_token(out.next_page_token());
  }
  EXPECT_EQ(static_cast<int64_t>(paged.size()), total);
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), paged.size());
  EXPECT_EQ(total, static_cast<int64_t>(ListAll("steward").size()));
}

TEST_F(SearchServiceTest, FiltersOfListDatasetsNarrowTheSearch) {
  v1::SearchDatasetsRequest request;
  request.set_query("brandkranen");
  request.mutable_filter()->set_hosting_kind(v1::HOSTING_KIND_SAAS);
  v1::SearchDatasetsResponse out;
  ASSERT_TRUE(IsOk(Search("steward", request, &out)));
  EXPECT_THAT(Names(out), ElementsAre("datasets/brandkranen"));
  request.mutable_filter()->set_provider("Ander BV");
  ASSERT_TRUE(IsOk(Search("steward", request, &out)));
  EXPECT_EQ(out.total(), 0);
}

TEST_F(SearchServiceTest, WritesAreFoundWithMinRevisionAndDeletesDisappear) {
  v1::Dataset created = admin_->CreateDatasetOk(Titled("riolering", "Rioleringsbeheer"));
  v1::SearchDatasetsRequest request;
  request.set_query("riolering*");
  request.set_min_revision(created.revision());
  v1::SearchDatasetsResponse out;
  ASSERT_TRUE(IsOk(Search("steward", request, &out)));
  EXPECT_THAT(Names(out), ElementsAre("datasets/riolering"));
  EXPECT_GE(out.index_revision(), created.revision());

  v1::DeleteDatasetRequest remove;
  remove.set_id("riolering");
  v1::DeleteDatasetResponse removed;
  ASSERT_TRUE(IsOk(server_->Stub("admin")->DeleteDataset(Context().get(), remove, &removed)));
  request.set_min_revision(removed.revision());
  ASSERT_TRUE(IsOk(Search("steward", request, &out)));
  EXPECT_THAT(Names(out), IsEmpty());
}

TEST_F(SearchServiceTest, MeasurementBelowNormSetsTheQualityFacet) {
  v1::Dataset normed = Titled("meetpunten", "Meetpunten grondwater");
  v1::QualityNorm* norm = normed.add_quality_norms();
  norm->set_dimension(v1::QUALITY_DIMENSION_COMPLEETHEID);
  norm->set_target(90);
  admin_->CreateDatasetOk(normed);
  v1::RecordMeasurementRequest record;
  record.mutable_measurement()->set_dataset("datasets/meetpunten");
  record.mutable_measurement()->set_dimension(v1::QUALITY_DIMENSION_COMPLEETHEID);
  record.mutable_measurement()->set_score(50);
  v1::Measurement measured;
  ASSERT_TRUE(IsOk(v1::QualityService::NewStub(server_->Channel("admin"))
                       ->RecordMeasurement(Context().get(), record, &measured)));
  v1::SearchDatasetsRequest request;
  request.set_query("grondwater");
  request.set_quality_below_norm(true);
  request.set_min_revision(measured.revision());
  v1::SearchDatasetsResponse out;
  ASSERT_TRUE(IsOk(Search("steward", request, &out)));
  EXPECT_THAT(Names(out), ElementsAre("datasets/meetpunten"));
}

TEST_F(SearchServiceTest, IndexSurvivesARestartWithoutRebuilding) {
  const v1::SearchDatasetsResponse before = SearchOk("brandkranen", "admin", true);
  server_->Restart();
  v1::SearchDatasetsRequest request;
  request.set_query("brandkranen");
  request.set_facets(true);
  v1::SearchDatasetsResponse after;
  // No min_revision: the index committed before the restart answers.
  ASSERT_TRUE(IsOk(v1::SearchService::NewStub(server_->Channel("admin"))
                       ->SearchDatasets(Context().get(), request, &after)));
  EXPECT_EQ(after.index_revision(), before.index_revision());
  EXPECT_EQ(Names(after), Names(before));
  EXPECT_EQ(Facets(after), Facets(before));
}

TEST_F(SearchServiceTest, ApplicationRoleIsPermissionDenied) {
  v1::SearchDatasetsResponse out;
  EXPECT_TRUE(HasStatus(Search("application", {}, &out), StatusCode::PERMISSION_DENIED,
                        "may not call"));
}

TEST_F(SearchServiceTest, BadRequestsAreInvalidArgument) {
  struct Case {
    std::string query;
    int32_t page_size;
    std::string token;
    int64_t min_revision;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"\"woz beschikking", 0, "", 0, "unterminated phrase"},
      {"(woz OR brp", 0, "", 0, "'(' without ')'"},
      {"woz)", 0, "", 0, "')' without '('"},
      {std::string(3000, 'a'), 0, "", 0, "longer than"},
      {"woz", -1, "", 0, "page_size"},
      {"woz", 0, "not-a-token", 0, "page_token"},
      {"woz", 0, "", -5, "min_revision"},
      {"woz", 0, "", 1 << 30, "beyond the catalogue's latest revision"},
  };
  for (const Case& c : cases) {
    v1::SearchDatasetsRequest request;
    request.set_query(c.query);
    request.set_page_size(c.page_size);
    request.set_page_token(c.token);
    request.set_min_revision(c.min_revision);
    v1::SearchDatasetsResponse out;
    const grpc::Status status = v1::SearchService::NewStub(server_->Channel("steward"))
                                    ->SearchDatasets(Context().get(), request, &out);
    EXPECT_TRUE(HasStatus(status, StatusCode::INVALID_ARGUMENT, c.message)) << c.query.substr(0, 40);
  }
}

TEST_F(SearchServiceTest, PageTokenOfAnotherQueryIsInvalidArgument) {
  v1::SearchDatasetsRequest request;
  request.set_page_size(1);
  v1::SearchDatasetsResponse out;
  ASSERT_TRUE(IsOk(Search("steward", request, &out)));
  ASSERT_FALSE(out.next_page_token().empty());
  request.set_query("brandkranen");
  request.set_page_token(out.next_page_token());
  EXPECT_TRUE(HasStatus(Search("steward", request, &out), StatusCode::INVALID_ARGUMENT,
                        "page_token"));
}

// A principal the policy does not know is refused, and the refusal audited
// like every call.
TEST(SearchServiceAuthorization, PrincipalWithoutAGrantIsPermissionDenied) {
  TempDir dir;
  const std::string policy = dir.path() + "/policy.toml";
  std::ofstream(policy) << "[[grant]]\nprincipal = \"admin\"\nroles = [\"admin\"]\n"
                           "clearance = \"zeer_geheim\"\n";
  server::ServerOptions options;
  options.policy_file = policy;
  std::unique_ptr<TestServer> server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);
  v1::SearchDatasetsResponse out;
  EXPECT_TRUE(HasStatus(v1::SearchService::NewStub(server->Channel("reader"))
                            ->SearchDatasets(Context().get(), {}, &out),
                        StatusCode::PERMISSION_DENIED, "not known to the access policy"));
  EXPECT_TRUE(IsOk(v1::SearchService::NewStub(server->Channel("admin"))
                       ->SearchDatasets(Context().get(), {}, &out)));
}

}  // namespace
}  // namespace catalog::testing
