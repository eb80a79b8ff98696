// No path available now reveals a dataset above the caller's clearance: Get
// (also at a revision), List (results, page tokens, filters), history, bulk
// results and error messages. Hidden must be indistinguishable from missing,
// and schema fields above the clearance come back redacted everywhere.
//
// The reader has clearance intern, the steward and eigenaar vertrouwelijk.
// The hidden datasets carry the word "Zwaluw" in their title, owner, domain,
// description and tags: no answer to a caller who may not see them may
// contain it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "api/resource_names.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/security/security_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::Confidentiality;
using catalog::v1::Dataset;
using grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kSecret[] = "Zwaluw";
constexpr char kMissing[] = "zz-bestaat-niet";

// Ids in this order; pages of one or two end right after hidden ones.
constexpr char kOpenbaar[] = "aa-openbaar";
constexpr char kGeheim1[] = "bb-geheim";
constexpr char kGeheim2[] = "bc-geheim";
constexpr char kIntern[] = "cc-intern";
constexpr char kVertrouwelijk[] = "dd-vertrouwelijk";
constexpr char kIntern2[] = "ee-intern";
constexpr char kGeheim3[] = "ff-geheim";

// What a caller learns from a failed call, with the id it asked for
// replaced, so that two calls about different ids can be compared byte for
// byte.
struct Outcome {
  StatusCode code;
  std::string message;
  std::string details;
  std::multiset<std::string> trailing_metadata;
};

Outcome OutcomeOf(const grpc::Status& status,
                  const grpc::ClientContext& context, std::string id) {
  // Messages name the id, also when the request gave a resource name.
  if (absl::StartsWith(id, api::kDatasetCollection))
    id = id.substr(api::kDatasetCollection.size());
  Outcome outcome{status.error_code(),
                  absl::StrReplaceAll(status.error_message(), {{id, "<id>"}}),
                  status.error_details(),
                  {}};
  for (const auto& [key, value] : context.GetServerTrailingMetadata()) {
    outcome.trailing_metadata.insert(absl::StrCat(
        std::string(key.data(), key.size()), "=",
        absl::StrReplaceAll(std::string(value.data(), value.size()),
                            {{id, "<id>"}})));
  }
  return outcome;
}

void ExpectSameOutcome(const Outcome& hidden, const Outcome& missing) {
  EXPECT_EQ(hidden.code, missing.code)
      << CodeName(hidden.code) << " vs " << CodeName(missing.code);
  EXPECT_EQ(hidden.message, missing.message);
  EXPECT_EQ(hidden.details, missing.details);
  EXPECT_EQ(hidden.trailing_metadata, missing.trailing_metadata);
  EXPECT_THAT(hidden.message, Not(HasSubstr(kSecret)));
}

class LeakTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = SecureServer::Start(PolicyToml(SuiteGrants()), Options());
    ASSERT_NE(server_, nullptr);
    CreateAsAdmin(DatasetAt(kOpenbaar, catalog::v1::CONFIDENTIALITY_OPENBAAR));
    CreateAsAdmin(Secret(kGeheim1));
    CreateAsAdmin(Secret(kGeheim2));
    CreateAsAdmin(DatasetAt(kIntern, catalog::v1::CONFIDENTIALITY_INTERN));
    CreateAsAdmin(
        DatasetAt(kVertrouwelijk, catalog::v1::CONFIDENTIALITY_VERTROUWELIJK));
    CreateAsAdmin(DatasetAt(kIntern2, catalog::v1::CONFIDENTIALITY_INTERN));
    CreateAsAdmin(Secret(kGeheim3));
  }

  virtual server::ServerOptions Options() { return {}; }

  // A geheim dataset whose every descriptive field names the secret.
  static Dataset Secret(const std::string& id) {
    Dataset dataset = DatasetAt(id, catalog::v1::CONFIDENTIALITY_GEHEIM);
    dataset.set_title(absl::StrCat("Operatie ", kSecret, " informanten"));
    dataset.set_description(
        absl::StrCat(kSecret, " bronnen en contactpersonen"));
    dataset.set_domain(absl::StrCat(kSecret, "zaken"));
    dataset.mutable_roles()->set_owner(
        absl::StrCat("Hoofd ", kSecret, "dienst"));
    dataset.add_tags("zwaluw");
    return dataset;
  }

  static std::vector<std::string> HiddenFromReader() {
    return {kGeheim1, kGeheim2, kVertrouwelijk, kGeheim3};
  }
  static std::vector<std::string> VisibleToReader() {
    return {kOpenbaar, kIntern, kIntern2};
  }

  Dataset CreateAsAdmin(const Dataset& dataset) {
    catalog::v1::CreateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    Dataset stored;
    EXPECT_TRUE(IsOk(server_->Catalog("admin")->CreateDataset(
        Context().get(), request, &stored)))
        << dataset.id();
    return stored;
  }

  Dataset UpdateAsAdmin(const Dataset& change,
                        const std::vector<std::string>& paths) {
    catalog::v1::UpdateDatasetRequest request;
    *request.mutable_dataset() = change;
    for (const std::string& path : paths)
      request.mutable_update_mask()->add_paths(path);
    Dataset stored;
    EXPECT_TRUE(IsOk(server_->Catalog("admin")->UpdateDataset(
        Context().get(), request, &stored)));
    return stored;
  }

  Dataset AdminGet(const std::string& id) {
    catalog::v1::GetDatasetRequest request;
    request.set_id(id);
    Dataset out;
    EXPECT_TRUE(IsOk(
        server_->Catalog("admin")->GetDataset(Context().get(), request, &out)));
    return out;
  }

  Outcome Get(const std::string& who, const std::string& id,
              int64_t revision = 0, Dataset* out = nullptr) {
    catalog::v1::GetDatasetRequest request;
    request.set_id(id);
    request.set_revision(revision);
    Dataset ignored;
    auto context = Context();
    grpc::Status status = server_->Catalog(who)->GetDataset(
        context.get(), request, out != nullptr ? out : &ignored);
    return OutcomeOf(status, *context, id);
  }

  Outcome History(const std::string& who, const std::string& id,
                  catalog::v1::ListDatasetRevisionsResponse* out = nullptr) {
    catalog::v1::ListDatasetRevisionsRequest request;
    request.set_id(id);
    catalog::v1::ListDatasetRevisionsResponse ignored;
    auto context = Context();
    grpc::Status status = server_->Catalog(who)->ListDatasetRevisions(
        context.get(), request, out != nullptr ? out : &ignored);
    return OutcomeOf(status, *context, id);
  }

  Outcome Update(const std::string& who, const Dataset& change,
                 const std::vector<std::string>& paths) {
    catalog::v1::UpdateDatasetRequest request;
    *request.mutable_dataset() = change;
    for (const std::string& path : paths)
      request.mutable_update_mask()->add_paths(path);
    Dataset ignored;
    auto context = Context();
    grpc::Status status =
        server_->Catalog(who)->UpdateDataset(context.get(), request, &ignored);
    return OutcomeOf(status, *context, change.id());
  }

  Outcome Delete(const std::string& who, const std::string& id,
                 const std::string& etag) {
    catalog::v1::DeleteDatasetRequest request;
    request.set_id(id);
    request.set_etag(etag);
    catalog::v1::DeleteDatasetResponse ignored;
    auto context = Context();
    grpc::Status status =
        server_->Catalog(who)->DeleteDataset(context.get(), request, &ignored);
    return OutcomeOf(status, *context, id);
  }

  // Every page of a reader's listing; fails the test when a page token
  // holds a hidden id.
  std::vector<std::string> ReaderListIds(
      catalog::v1::ListDatasetsRequest request,
      std::vector<std::string>* tokens = nullptr) {
    std::vector<Dataset> datasets;
    std::vector<std::string> seen_tokens;
    EXPECT_TRUE(IsOk(ListAllDatasets(*server_->Catalog("reader"), request,
                                     &datasets, &seen_tokens)));
    for (const std::string& token : seen_tokens)
      ExpectTokenHidesEverything(token);
    if (tokens != nullptr) *tokens = seen_tokens;
    std::vector<std::string> ids;
    for (const Dataset& d : datasets) {
      ids.push_back(d.id());
      EXPECT_THAT(d.SerializeAsString(), Not(HasSubstr(kSecret)));
    }
    return ids;
  }

  static void ExpectTokenHidesEverything(const std::string& token) {
    std::string raw;
    ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw)) << token;
    for (const std::string& id : HiddenFromReader()) {
      EXPECT_THAT(raw, Not(HasSubstr(id)))
          << "page token " << token << " names hidden " << id;
    }
    EXPECT_THAT(raw, Not(HasSubstr(kSecret)));
    EXPECT_THAT(raw, Not(HasSubstr("zwaluw")));
  }

  std::unique_ptr<SecureServer> server_;
};

// ---- Get ----

TEST_F(LeakTest, GetOfHiddenIsIdenticalToMissing) {
  for (const std::string& id : HiddenFromReader()) {
    SCOPED_TRACE(id);
    ExpectSameOutcome(Get("reader", id), Get("reader", kMissing));
    EXPECT_EQ(Get("reader", id).message, "dataset <id> not found");
  }
  // The control: the same call shows what the caller may see.
  EXPECT_EQ(Get("reader", kIntern).code, StatusCode::OK);
  EXPECT_EQ(Get("steward", kVertrouwelijk).code, StatusCode::OK);
  ExpectSameOutcome(Get("steward", kGeheim1), Get("steward", kMissing));
}

TEST_F(LeakTest, GetOfHiddenByResourceNameIsIdenticalToMissing) {
  ExpectSameOutcome(Get("reader", api::DatasetName(kGeheim1)),
                    Get("reader", api::DatasetName(kMissing)));
}

TEST_F(LeakTest, GetAtARevisionOfHiddenIsIdenticalToMissing) {
  const int64_t created = AdminGet(kGeheim1).revision();
  for (int64_t revision :
       {int64_t{1}, created, created + 1, int64_t{1000000}}) {
    SCOPED_TRACE(revision);
    ExpectSameOutcome(Get("reader", kGeheim1, revision),
                      Get("reader", kMissing, revision));
  }
}

TEST_F(LeakTest,
       GetAtARevisionWhereAVisibleDatasetWasHiddenIsIdenticalToMissing) {
  // Was geheim, now intern: the old state stays hidden.
  Dataset was = CreateAsAdmin(Secret("gg-vrijgegeven"));
  Dataset change;
  change.set_id("gg-vrijgegeven");
  change.mutable_classification()->set_confidentiality(
      catalog::v1::CONFIDENTIALITY_INTERN);
  UpdateAsAdmin(change, {"classification"});
  EXPECT_EQ(Get("reader", "gg-vrijgegeven").code, StatusCode::OK);
  ExpectSameOutcome(Get("reader", "gg-vrijgegeven", was.revision()),
                    Get("reader", kMissing, was.revision()));
}

// Regression: GetDataset with a revision once checked only the clearance of
// the state at that revision, so an old intern revision of a dataset that is
// now geheim was readable. A dataset's history, and every revision of it, is
// visible only when its newest state is.
TEST_F(LeakTest,
       GetAtAnOldRevisionOfANowHiddenDatasetIsIdenticalToMissing) {
  Dataset was = CreateAsAdmin(
      DatasetAt("gg-opgewaardeerd", catalog::v1::CONFIDENTIALITY_INTERN));
  Dataset change = Secret("gg-opgewaardeerd");
  UpdateAsAdmin(change, {});  // Now geheim, with secret details.
  ExpectSameOutcome(Get("reader", "gg-opgewaardeerd"), Get("reader", kMissing));
  ExpectSameOutcome(History("reader", "gg-opgewaardeerd"),
                    History("reader", kMissing));
  ExpectSameOutcome(Get("reader", "gg-opgewaardeerd", was.revision()),
                    Get("reader", kMissing, was.revision()));
}

// ---- List ----

TEST_F(LeakTest, ListOmitsHiddenDatasetsInEveryOrder) {
  for (catalog::v1::DatasetOrder order :
       {catalog::v1::DATASET_ORDER_UNSPECIFIED, catalog::v1::DATASET_ORDER_ID,
        catalog::v1::DATASET_ORDER_UPDATE_TIME_DESC,
        catalog::v1::DATASET_ORDER_UPDATE_TIME_ASC}) {
    SCOPED_TRACE(catalog::v1::DatasetOrder_Name(order));
    catalog::v1::ListDatasetsRequest request;
    request.set_order_by(order);
    std::vector<std::string> ids = ReaderListIds(request);
    std::sort(ids.begin(), ids.end());
    EXPECT_THAT(ids, ElementsAreArray(VisibleToReader()));
  }
}

TEST_F(LeakTest,
       PageTokensNeverHoldAHiddenIdEvenWhenAPageEndsRightAfterHiddenOnes) {
  for (int page_size : {1, 2, 3}) {
    for (catalog::v1::DatasetOrder order :
         {catalog::v1::DATASET_ORDER_ID,
          catalog::v1::DATASET_ORDER_UPDATE_TIME_DESC,
          catalog::v1::DATASET_ORDER_UPDATE_TIME_ASC}) {
      SCOPED_TRACE(absl::StrCat("page size ", page_size, ", ",
                                catalog::v1::DatasetOrder_Name(order)));
      catalog::v1::ListDatasetsRequest request;
      request.set_page_size(page_size);
      request.set_order_by(order);
      std::vector<std::string> tokens;
      std::vector<std::string> ids = ReaderListIds(request, &tokens);
      std::sort(ids.begin(), ids.end());
      EXPECT_THAT(ids, ElementsAreArray(VisibleToReader()));
      if (page_size < 3) {
        EXPECT_FALSE(tokens.empty()) << "pages ended right after hidden ones";
      }
    }
  }
}

TEST_F(LeakTest, PageTokensNeverHoldAHiddenIdWithAFilter) {
  catalog::v1::ListDatasetsRequest request;
  request.set_page_size(1);
  request.mutable_filter()->set_domain("Sociaal domein");
  std::vector<std::string> ids = ReaderListIds(request);
  EXPECT_THAT(ids, ElementsAre(kOpenbaar, kIntern, kIntern2));
}

TEST_F(LeakTest, FiltersMatchingOnlyHiddenDatasetsReturnNothing) {
  std::vector<catalog::v1::DatasetFilter> filters(5);
  filters[0].set_domain(absl::StrCat(kSecret, "zaken"));
  filters[1].set_owner(absl::StrCat("Hoofd ", kSecret, "dienst"));
  filters[2].set_tag("zwaluw");
  filters[3].set_min_confidentiality(
      catalog::v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK);
  filters[4].set_min_confidentiality(catalog::v1::CONFIDENTIALITY_GEHEIM);
  for (const catalog::v1::DatasetFilter& filter : filters) {
    SCOPED_TRACE(filter.ShortDebugString());
    for (int page_size : {0, 1}) {
      catalog::v1::ListDatasetsRequest request;
      request.set_page_size(page_size);
      *request.mutable_filter() = filter;
      catalog::v1::ListDatasetsResponse response;
      ASSERT_TRUE(IsOk(server_->Catalog("reader")->ListDatasets(
          Context().get(), request, &response)));
      EXPECT_THAT(response.datasets(), IsEmpty());
      EXPECT_EQ(response.next_page_token(), "")
          << "a token would say something is there";
    }
  }
  // The control: the steward sees the vertrouwelijk one through the same
  // filter.
  catalog::v1::ListDatasetsRequest request;
  request.mutable_filter()->set_min_confidentiality(
      catalog::v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK);
  catalog::v1::ListDatasetsResponse response;
  ASSERT_TRUE(IsOk(server_->Catalog("steward")->ListDatasets(
      Context().get(), request, &response)));
  ASSERT_EQ(response.datasets_size(), 1);
  EXPECT_EQ(response.datasets(0).id(), kVertrouwelijk);
}

// Regression: a full page used to end with a token whenever any key
// followed, so hidden datasets after the caller's last visible one showed as
// an extra, empty page. A page ends with a token only when a visible match
// follows.
TEST_F(LeakTest, ListingEndsAtTheLastVisibleDataset) {
  catalog::v1::ListDatasetsRequest request;
  request.set_page_size(1);
  std::vector<std::string> tokens;
  std::vector<std::string> ids = ReaderListIds(request, &tokens);
  EXPECT_THAT(ids, ElementsAreArray(VisibleToReader()));
  EXPECT_EQ(tokens.size(), VisibleToReader().size() - 1)
      << "one page per visible dataset, the last without a token";
}

// Pages that end because the scan budget ran out.
class LeakScanBudgetTest : public LeakTest {
 protected:
  server::ServerOptions Options() override {
    server::ServerOptions options;
    options.limits.list_scan_budget = 2;
    return options;
  }
};

// Regression: when the scan budget ends a page, the cursor is the key of the
// last record examined, which may be a hidden dataset; tokens used to carry
// it in the clear. Tokens are now sealed (AES-256-GCM), so no id is readable.
TEST_F(LeakScanBudgetTest,
       PageTokensNeverHoldAHiddenIdWhenTheBudgetEndsAPage) {
  for (int page_size : {1, 10}) {
    catalog::v1::ListDatasetsRequest request;
    request.set_page_size(page_size);
    std::vector<std::string> ids = ReaderListIds(request);
    EXPECT_THAT(ids, ElementsAreArray(VisibleToReader()));
  }
}

TEST_F(LeakScanBudgetTest, ListingStillReturnsExactlyTheVisibleDatasets) {
  catalog::v1::ListDatasetsRequest request;
  request.set_page_size(10);
  std::vector<Dataset> datasets;
  ASSERT_TRUE(
      IsOk(ListAllDatasets(*server_->Catalog("reader"), request, &datasets)));
  std::vector<std::string> ids;
  for (const Dataset& d : datasets) ids.push_back(d.id());
  EXPECT_THAT(ids, ElementsAreArray(VisibleToReader()));
}

// ---- History ----

TEST_F(LeakTest, HistoryOfHiddenIsIdenticalToMissing) {
  for (const std::string& id : HiddenFromReader()) {
    SCOPED_TRACE(id);
    ExpectSameOutcome(History("reader", id), History("reader", kMissing));
  }
  ExpectSameOutcome(History("steward", kGeheim1), History("steward", kMissing));
}

TEST_F(LeakTest, HistoryLeavesOutRevisionsAboveTheClearance) {
  Dataset first = CreateAsAdmin(Secret("hh-historie"));  // geheim
  Dataset change;
  change.set_id("hh-historie");
  change.set_description(absl::StrCat(kSecret, " tweede versie"));
  const Dataset second = UpdateAsAdmin(change, {"description"});
  Dataset open = DatasetAt("hh-historie", catalog::v1::CONFIDENTIALITY_INTERN);
  open.set_description("vrijgegeven");
  const Dataset third =
      UpdateAsAdmin(open, {});  // Replaced in full, now intern.
  open.set_description("bijgewerkt");
  const Dataset fourth = UpdateAsAdmin(open, {});

  catalog::v1::ListDatasetRevisionsResponse history;
  ASSERT_EQ(History("reader", "hh-historie", &history).code, StatusCode::OK);
  std::vector<int64_t> revisions;
  for (const catalog::v1::DatasetRevision& r : history.revisions()) {
    revisions.push_back(r.revision());
    EXPECT_THAT(r.SerializeAsString(), Not(HasSubstr(kSecret)));
  }
  EXPECT_THAT(revisions, ElementsAre(fourth.revision(), third.revision()));

  // Page by page, the hidden revisions stay out too.
  revisions.clear();
  catalog::v1::ListDatasetRevisionsRequest request;
  request.set_id("hh-historie");
  request.set_page_size(1);
  for (int pages = 0; pages < 10; ++pages) {
    catalog::v1::ListDatasetRevisionsResponse page;
    ASSERT_TRUE(IsOk(server_->Catalog("reader")->ListDatasetRevisions(
        Context().get(), request, &page)));
    for (const catalog::v1::DatasetRevision& r : page.revisions())
      revisions.push_back(r.revision());
    EXPECT_THAT(page.SerializeAsString(), Not(HasSubstr(kSecret)));
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(revisions, ElementsAre(fourth.revision(), third.revision()));

  // The old states themselves are hidden as well.
  ExpectSameOutcome(Get("reader", "hh-historie", second.revision()),
                    Get("reader", kMissing, second.revision()));
  ExpectSameOutcome(Get("reader", "hh-historie", first.revision()),
                    Get("reader", kMissing, first.revision()));

  // The control: the auditor sees all four.
  ASSERT_EQ(History("auditor", "hh-historie", &history).code, StatusCode::OK);
  EXPECT_EQ(history.revisions_size(), 4);
}

// ---- Writes that name a hidden dataset ----

TEST_F(LeakTest, UpsertNamingAHiddenIdAnswersLikeCreate) {
  // Within the steward's clearance, so that only the existing hidden dataset
  // stands in the way.
  Dataset attempt = DatasetAt(kGeheim1, catalog::v1::CONFIDENTIALITY_INTERN);
  attempt.set_title("Overname poging");
  catalog::v1::CreateDatasetRequest create;
  *create.mutable_dataset() = attempt;
  Dataset ignored;
  const grpc::Status created = server_->Catalog("steward")->CreateDataset(
      Context().get(), create, &ignored);
  EXPECT_EQ(created.error_code(), StatusCode::ALREADY_EXISTS);

  std::vector<catalog::v1::UpsertDatasetsResponse> responses;
  ASSERT_TRUE(IsOk(Upsert(
      *server_->Catalog("steward"), Context().get(),
      {{DatasetAt("ii-nieuw", catalog::v1::CONFIDENTIALITY_INTERN), attempt}},
      &responses)));
  ASSERT_EQ(responses.size(), 1u);
  ASSERT_EQ(responses[0].results_size(), 2);
  EXPECT_EQ(responses[0].results(0).code(), 0);
  const catalog::v1::UpsertResult& result = responses[0].results(1);
  EXPECT_EQ(result.id(), kGeheim1);
  EXPECT_EQ(result.code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(result.message(), created.error_message());
  EXPECT_EQ(result.message(),
            absl::StrCat("dataset ", kGeheim1, " already exists"));
  EXPECT_FALSE(result.created());
  EXPECT_EQ(result.revision(), 0);
  EXPECT_THAT(responses[0].SerializeAsString(), Not(HasSubstr(kSecret)));
  EXPECT_THAT(created.error_message(), Not(HasSubstr(kSecret)));

  const Dataset stored = AdminGet(kGeheim1);
  EXPECT_EQ(stored.title(), Secret(kGeheim1).title())
      << "the hidden dataset is untouched";
  EXPECT_EQ(stored.revision(), 2);
}

TEST_F(LeakTest, UpdateOfHiddenIsIdenticalToMissing) {
  Dataset change;
  change.set_description("overschreven");
  for (const std::vector<std::string>& paths :
       {std::vector<std::string>{"description"}, std::vector<std::string>{}}) {
    for (const char* etag : {"", "1", "999"}) {
      SCOPED_TRACE(
          absl::StrCat("mask ", paths.size(), ", etag \"", etag, "\""));
      Dataset hidden =
          paths.empty()
              ? DatasetAt(kGeheim1, catalog::v1::CONFIDENTIALITY_INTERN)
              : change;
      hidden.set_id(kGeheim1);
      hidden.set_etag(etag);
      Dataset missing = hidden;
      missing.set_id(kMissing);
      ExpectSameOutcome(Update("steward", hidden, paths),
                        Update("steward", missing, paths));
      EXPECT_EQ(Update("steward", hidden, paths).code, StatusCode::NOT_FOUND);
    }
  }
  EXPECT_EQ(AdminGet(kGeheim1).description(), Secret(kGeheim1).description());
}

TEST_F(LeakTest, DeleteOfHiddenIsIdenticalToMissing) {
  for (const char* etag : {"", "1", "999"}) {
    SCOPED_TRACE(etag);
    ExpectSameOutcome(Delete(kOwnerPrincipal, kGeheim1, etag),
                      Delete(kOwnerPrincipal, kMissing, etag));
    EXPECT_EQ(Delete(kOwnerPrincipal, kGeheim1, etag).code,
              StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(AdminGet(kGeheim1).id(), kGeheim1);
}

TEST_F(LeakTest, RefusedCallsAboutHiddenDatasetsSayNothingOfThem) {
  // The reader may not update or delete at all: the refusal is the same for
  // hidden, visible and missing datasets.
  Dataset change;
  change.set_description("x");
  std::vector<Outcome> outcomes;
  for (const std::string& id :
       {std::string(kGeheim1), std::string(kIntern), std::string(kMissing)}) {
    change.set_id(id);
    const Outcome update = Update("reader", change, {"description"});
    const Outcome remove = Delete("reader", id, "");
    EXPECT_EQ(update.code, StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(remove.code, StatusCode::PERMISSION_DENIED);
    outcomes.push_back(update);
    outcomes.push_back(remove);
  }
  for (size_t i = 2; i < outcomes.size(); ++i)
    ExpectSameOutcome(outcomes[i], outcomes[i % 2]);
}

// ---- Redaction ----

class RedactionTest : public LeakTest {
 protected:
  static Dataset WithSchema(const std::string& id) {
    Dataset dataset = DatasetAt(id, catalog::v1::CONFIDENTIALITY_INTERN);
    auto add = [&](const char* name, const std::string& type,
                   const std::string& description, Confidentiality level) {
      catalog::v1::SchemaField* field = dataset.add_schema_fields();
      field->set_name(name);
      field->set_type(type);
      field->set_description(description);
      field->set_confidentiality(level);
    };
    add("naam", "string", "Naam van de locatie",
        catalog::v1::CONFIDENTIALITY_OPENBAAR);
    add("adres", "string", "Bezoekadres", catalog::v1::CONFIDENTIALITY_INTERN);
    add("bron", absl::StrCat(kSecret, "Bron"),
        absl::StrCat("Code van de ", kSecret, "bron"),
        catalog::v1::CONFIDENTIALITY_GEHEIM);
    add("toelichting", "text", "Zonder markering",
        catalog::v1::CONFIDENTIALITY_UNSPECIFIED);
    return dataset;
  }

  // Checks the schema of WithSchema() as seen with clearance intern or
  // vertrouwelijk: only "bron" is redacted, with its name kept.
  static void ExpectRedacted(const Dataset& seen, const std::string& where) {
    SCOPED_TRACE(where);
    ASSERT_EQ(seen.schema_fields_size(), 4);
    for (const catalog::v1::SchemaField& field : seen.schema_fields()) {
      if (field.name() == "bron") {
        EXPECT_TRUE(field.redacted());
        EXPECT_EQ(field.type(), "");
        EXPECT_EQ(field.description(), "");
      } else {
        EXPECT_FALSE(field.redacted()) << field.name();
        EXPECT_NE(field.type(), "") << field.name();
        EXPECT_NE(field.description(), "") << field.name();
      }
    }
    EXPECT_THAT(seen.SerializeAsString(), Not(HasSubstr(kSecret)));
  }

  static void ExpectComplete(const Dataset& seen) {
    ASSERT_EQ(seen.schema_fields_size(), 4);
    for (const catalog::v1::SchemaField& field : seen.schema_fields()) {
      EXPECT_FALSE(field.redacted()) << field.name();
      EXPECT_NE(field.type(), "") << field.name();
    }
    EXPECT_EQ(seen.schema_fields(2).type(), absl::StrCat(kSecret, "Bron"));
  }
};

TEST_F(RedactionTest, FieldsAboveTheClearanceAreRedactedOnEveryReadPath) {
  const Dataset stored = CreateAsAdmin(WithSchema("jj-schema"));
  ExpectComplete(stored);

  Dataset got;
  ASSERT_EQ(Get("reader", "jj-schema", 0, &got).code, StatusCode::OK);
  ExpectRedacted(got, "GetDataset");
  ASSERT_EQ(Get("reader", "jj-schema", stored.revision(), &got).code,
            StatusCode::OK);
  ExpectRedacted(got, "GetDataset at a revision");

  for (int page_size : {0, 1}) {
    catalog::v1::ListDatasetsRequest request;
    request.set_page_size(page_size);
    std::vector<Dataset> listed;
    ASSERT_TRUE(
        IsOk(ListAllDatasets(*server_->Catalog("reader"), request, &listed)));
    auto found =
        std::find_if(listed.begin(), listed.end(),
                     [](const Dataset& d) { return d.id() == "jj-schema"; });
    ASSERT_NE(found, listed.end());
    ExpectRedacted(*found, absl::StrCat("ListDatasets, page size ", page_size));
  }

  catalog::v1::ListDatasetRevisionsResponse history;
  ASSERT_EQ(History("reader", "jj-schema", &history).code, StatusCode::OK);
  ASSERT_EQ(history.revisions_size(), 1);
  ExpectRedacted(history.revisions(0).dataset(), "ListDatasetRevisions");

  ASSERT_EQ(Get("steward", "jj-schema", 0, &got).code, StatusCode::OK);
  ExpectRedacted(got, "GetDataset by the steward (vertrouwelijk)");
  ASSERT_EQ(Get("auditor", "jj-schema", 0, &got).code, StatusCode::OK);
  ExpectComplete(got);
}

TEST_F(RedactionTest, WriteResponsesAreRedactedAndTheStoredFieldsKept) {
  // The steward writes a field above its own clearance: it is stored in
  // full, but the answer shows it redacted.
  catalog::v1::CreateDatasetRequest create;
  *create.mutable_dataset() = WithSchema("jj-schema");
  Dataset created;
  ASSERT_TRUE(IsOk(server_->Catalog("steward")->CreateDataset(
      Context().get(), create, &created)));
  ExpectRedacted(created, "CreateDataset response");

  catalog::v1::UpdateDatasetRequest update;
  update.mutable_dataset()->set_id("jj-schema");
  update.mutable_dataset()->set_description("bijgewerkt");
  update.mutable_update_mask()->add_paths("description");
  Dataset updated;
  ASSERT_TRUE(IsOk(server_->Catalog("steward")->UpdateDataset(
      Context().get(), update, &updated)));
  ExpectRedacted(updated, "UpdateDataset response");
  EXPECT_EQ(updated.description(), "bijgewerkt");

  ExpectComplete(AdminGet("jj-schema"));
}

// Regression (data loss): a caller that sent back a dataset read with
// schema fields above its clearance (redacted: type and description blank)
// used to wipe those details. Fields the caller cannot see are kept as
// stored (PreserveHiddenFields), for UpdateDataset and UpsertDatasets alike.
TEST_F(RedactionTest,
       UpdateFromARedactedViewDoesNotWipeTheHiddenDetails) {
  CreateAsAdmin(WithSchema("jj-schema"));
  Dataset seen;
  ASSERT_EQ(Get("steward", "jj-schema", 0, &seen).code, StatusCode::OK);
  ExpectRedacted(seen, "the steward's view");
  // The steward sends back what it read, with a new description, in full.
  seen.set_description("bijgewerkt");
  catalog::v1::UpdateDatasetRequest update;
  *update.mutable_dataset() = seen;
  Dataset updated;
  const grpc::Status status = server_->Catalog("steward")->UpdateDataset(
      Context().get(), update, &updated);
  if (status.ok()) {
    ExpectComplete(AdminGet("jj-schema"));  // Kept, not replaced by the blanks.
  } else {
    EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED)
        << status.error_message();
  }
}

}  // namespace
}  // namespace catalog::testing
