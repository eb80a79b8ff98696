// LineageService never reveals a dataset above the caller's clearance: in
// traversals it is a numbered placeholder ("hidden/N") whose edges carry
// only their relation; impact analysis counts it without naming it;
// listings and findings leave it out; and every call that names it answers
// exactly as for a dataset that does not exist. Writes need the steward,
// owner or admin role; external parties are visible to every role.
//
// The landscape (created by admin), with the reader's clearance intern and
// the steward's vertrouwelijk:
//
//   aa-bron (intern) -> bb-verborgen (vertrouwelijk, personal data)
//     -> cc-afgeleid (intern) -> dd-geheim (geheim) -> ee-eind (intern,
//     personal data)
//   bb-verborgen -> parties/cbs (delivery)
//   aa-bron -> parties/belastingdienst (delivery)
//   aa-bron -> ff-open (openbaar)
//
// The hidden datasets carry a secret word in every descriptive field
// ("Zwaluw" for bb-verborgen, "Ekster" for dd-geheim), and so do the edges
// touching them: no answer to a caller who may not see them may contain it,
// nor their ids.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/security/security_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::AnalyzeImpactRequest;
using catalog::v1::AnalyzeImpactResponse;
using catalog::v1::Dataset;
using catalog::v1::GetLineageRequest;
using catalog::v1::GetLineageResponse;
using catalog::v1::LineageEdge;
using catalog::v1::LineageFinding;
using catalog::v1::LineageNode;
using grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kZwaluw[] = "Zwaluw";  // Names bb-verborgen and its edges.
constexpr char kEkster[] = "Ekster";  // Names dd-geheim and its edges.
constexpr char kMissing[] = "zz-bestaat-niet";

constexpr char kBron[] = "aa-bron";  // intern
constexpr char kVerborgen[] =
    "bb-verborgen";  // vertrouwelijk: hidden from the reader
constexpr char kAfgeleid[] = "cc-afgeleid";  // intern
constexpr char kGeheim[] =
    "dd-geheim";                     // geheim: hidden from reader and steward
constexpr char kEind[] = "ee-eind";  // intern, personal data
constexpr char kOpen[] = "ff-open";  // openbaar

std::string D(const std::string& id) { return "datasets/" + id; }

// A dataset whose every descriptive field names `secret`.
Dataset Secret(const std::string& id, catalog::v1::Confidentiality level,
               const std::string& secret) {
  Dataset dataset = DatasetAt(id, level);
  dataset.set_title(absl::StrCat("Operatie ", secret, " ", id));
  dataset.set_description(absl::StrCat(secret, " bronnen"));
  dataset.set_domain(absl::StrCat(secret, "zaken"));
  dataset.mutable_roles()->set_owner(absl::StrCat("Hoofd ", secret, "dienst"));
  dataset.add_tags(absl::AsciiStrToLower(secret));
  return dataset;
}

// An edge touching a hidden dataset: its details name `secret`.
LineageEdge SecretEdge(const std::string& source, const std::string& target,
                       const std::string& secret) {
  LineageEdge edge = ValidEdge(source, target);
  edge.set_process(absl::StrCat(secret, "kanaal"));
  edge.set_description(absl::StrCat(secret, " overdracht"));
  if (edge.relation() == catalog::v1::LINEAGE_RELATION_DELIVERY) {
    edge.set_purpose(absl::StrCat(secret, "-statistiek"));
  }
  return edge;
}

// What a caller learns from a failed call, with the id it asked about
// replaced, so that calls about different ids can be compared.
struct Outcome {
  StatusCode code;
  std::string message;
};

Outcome OutcomeOf(const grpc::Status& status, const std::string& id) {
  return {status.error_code(),
          absl::StrReplaceAll(status.error_message(), {{id, "<id>"}})};
}

void ExpectSameOutcome(const Outcome& hidden, const Outcome& missing) {
  EXPECT_EQ(hidden.code, missing.code)
      << CodeName(hidden.code) << " vs " << CodeName(missing.code);
  EXPECT_EQ(hidden.message, missing.message);
  EXPECT_THAT(hidden.message, Not(HasSubstr(kZwaluw)));
  EXPECT_THAT(hidden.message, Not(HasSubstr(kEkster)));
}

class LineageSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = SecureServer::Start(PolicyToml(SuiteGrants()));
    ASSERT_NE(server_, nullptr);
    LineageClient& admin = As("admin");
    admin.CreateDatasetOk(
        DatasetAt(kBron, catalog::v1::CONFIDENTIALITY_INTERN));
    Dataset verborgen =
        Secret(kVerborgen, catalog::v1::CONFIDENTIALITY_VERTROUWELIJK, kZwaluw);
    SetPersonalData(&verborgen);
    admin.CreateDatasetOk(verborgen);
    admin.CreateDatasetOk(
        DatasetAt(kAfgeleid, catalog::v1::CONFIDENTIALITY_INTERN));
    admin.CreateDatasetOk(
        Secret(kGeheim, catalog::v1::CONFIDENTIALITY_GEHEIM, kEkster));
    Dataset eind = DatasetAt(kEind, catalog::v1::CONFIDENTIALITY_INTERN);
    SetPersonalData(&eind);
    admin.CreateDatasetOk(eind);
    admin.CreateDatasetOk(
        DatasetAt(kOpen, catalog::v1::CONFIDENTIALITY_OPENBAAR));
    admin.CreatePartyOk(ValidParty("cbs"));
    admin.CreatePartyOk(ValidParty("belastingdienst"));

    admin.CreateEdgeOk(SecretEdge(kBron, kVerborgen, kZwaluw));
    admin.CreateEdgeOk(SecretEdge(kVerborgen, kAfgeleid, kZwaluw));
    admin.CreateEdgeOk(SecretEdge(kVerborgen, "parties/cbs", kZwaluw));
    admin.CreateEdgeOk(SecretEdge(kAfgeleid, kGeheim, kEkster));
    admin.CreateEdgeOk(SecretEdge(kGeheim, kEind, kEkster));
    LineageEdge heffing = ValidEdge(kBron, "parties/belastingdienst");
    heffing.set_purpose("Heffing");
    admin.CreateEdgeOk(heffing);
    admin.LinkOk(kBron, kOpen);
  }

  LineageClient& As(const std::string& principal) {
    std::unique_ptr<LineageClient>& client = clients_[principal];
    if (client == nullptr)
      client = std::make_unique<LineageClient>(server_->Channel(principal));
    return *client;
  }

  // Fails the test when `message` (serialized and as text) names what
  // `principal` may not see.
  static void ExpectNoLeak(const google::protobuf::Message& message,
                           const std::string& principal) {
    std::vector<std::string> hidden;
    if (principal == "reader") hidden = {kVerborgen, kZwaluw, "zwaluw"};
    if (principal == "reader" || principal == "steward") {
      for (const char* word : {kGeheim, kEkster, "ekster"})
        hidden.push_back(word);
    }
    for (const std::string& text :
         {message.SerializeAsString(), message.DebugString()}) {
      for (const std::string& word : hidden) {
        EXPECT_THAT(text, Not(HasSubstr(word)))
            << principal << " learns " << word;
      }
    }
  }

  GetLineageResponse Lineage(
      const std::string& principal, const std::string& root,
      catalog::v1::LineageDirection direction =
          catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM,
      catalog::v1::LineageView view = catalog::v1::LINEAGE_VIEW_FULL) {
    GetLineageRequest request;
    request.set_root(root);
    request.set_direction(direction);
    request.set_view(view);
    request.set_max_depth(10);
    GetLineageResponse response = As(principal).GetLineageOk(request);
    EXPECT_TRUE(IsWellFormedTraversal(response));
    ExpectNoLeak(response, principal);
    return response;
  }

  AnalyzeImpactResponse Impact(const std::string& principal,
                               const std::string& root) {
    AnalyzeImpactRequest request;
    request.set_root(root);
    AnalyzeImpactResponse response = As(principal).AnalyzeImpactOk(request);
    ExpectNoLeak(response, principal);
    return response;
  }

  std::vector<LineageFinding> Findings(const std::string& principal,
                                       const std::string& dataset = "") {
    catalog::v1::ListLineageFindingsRequest request;
    request.set_dataset(dataset);
    std::vector<LineageFinding> findings =
        As(principal).ListAllFindings(request);
    for (const LineageFinding& finding : findings)
      ExpectNoLeak(finding, principal);
    return findings;
  }

  // A listing by the reader restricted to a hidden dataset answers exactly
  // as one restricted to a missing dataset. `call(id, &page)` lists.
  template <typename Page, typename Call>
  void ExpectHiddenListedAsMissing(Call call) {
    for (const char* id : {kVerborgen, kGeheim}) {
      SCOPED_TRACE(id);
      Page hidden_page;
      Page missing_page;
      const grpc::Status hidden = call(id, &hidden_page);
      const grpc::Status missing = call(kMissing, &missing_page);
      ExpectSameOutcome(OutcomeOf(hidden, id), OutcomeOf(missing, kMissing));
      EXPECT_TRUE(SameMessage(hidden_page, missing_page));
    }
  }

  static const LineageEdge* FindEdge(const GetLineageResponse& response,
                                     const std::string& source,
                                     const std::string& target) {
    for (const LineageEdge& edge : response.edges()) {
      if (edge.source() == source && edge.target() == target) return &edge;
    }
    ADD_FAILURE() << "no edge " << source << " -> " << target << " in\n"
                  << response.DebugString();
    return nullptr;
  }

  // The edge as a hidden endpoint leaves it: endpoints and relation only.
  static LineageEdge Bare(const std::string& source, const std::string& target,
                          catalog::v1::LineageRelation relation) {
    LineageEdge edge;
    edge.set_source(source);
    edge.set_target(target);
    edge.set_relation(relation);
    return edge;
  }

  std::unique_ptr<SecureServer> server_;
  std::map<std::string, std::unique_ptr<LineageClient>> clients_;
};

// ---- GetLineage ----

TEST_F(LineageSecurityTest,
       TraversalShowsHiddenDatasetsAsNumberedPlaceholders) {
  const GetLineageResponse response = Lineage("reader", kBron);
  EXPECT_EQ(NodeDepths(response),
            (std::map<std::string, int>{{D(kBron), 0},
                                        {"hidden/1", 1},
                                        {"parties/belastingdienst", 1},
                                        {D(kOpen), 1},
                                        {D(kAfgeleid), 2},
                                        {"parties/cbs", 2},
                                        {"hidden/2", 3},
                                        {D(kEind), 4}}))
      << response.DebugString();
  for (const LineageNode& node : response.nodes()) {
    if (!absl::StartsWith(node.name(), "hidden/")) {
      EXPECT_FALSE(node.hidden()) << node.name();
      continue;
    }
    LineageNode placeholder;
    placeholder.set_name(node.name());
    placeholder.set_depth(node.depth());
    placeholder.set_hidden(true);
    EXPECT_TRUE(SameMessage(node, placeholder)) << "nothing else is set";
  }
}

TEST_F(LineageSecurityTest, EdgesTouchingAHiddenDatasetCarryOnlyTheirRelation) {
  const GetLineageResponse response = Lineage("reader", kBron);
  const std::vector<LineageEdge> expected = {
      Bare(D(kBron), "hidden/1", catalog::v1::LINEAGE_RELATION_DERIVED),
      Bare("hidden/1", D(kAfgeleid), catalog::v1::LINEAGE_RELATION_DERIVED),
      Bare("hidden/1", "parties/cbs", catalog::v1::LINEAGE_RELATION_DELIVERY),
      Bare(D(kAfgeleid), "hidden/2", catalog::v1::LINEAGE_RELATION_DERIVED),
      Bare("hidden/2", D(kEind), catalog::v1::LINEAGE_RELATION_DERIVED)};
  for (const LineageEdge& bare : expected) {
    const LineageEdge* edge = FindEdge(response, bare.source(), bare.target());
    if (edge != nullptr) {
      EXPECT_TRUE(SameMessage(*edge, bare));
    }
  }
  // A visible edge keeps its details in the full view.
  const LineageEdge* heffing =
      FindEdge(response, D(kBron), "parties/belastingdienst");
  ASSERT_NE(heffing, nullptr);
  EXPECT_EQ(heffing->purpose(), "Heffing");
  EXPECT_EQ(response.edges_size(), 7);
}

TEST_F(LineageSecurityTest, EachCallerSeesHiddenWhatIsAboveItsOwnClearance) {
  const GetLineageResponse steward = Lineage("steward", kBron);
  EXPECT_EQ(NodeDepths(steward),
            (std::map<std::string, int>{{D(kBron), 0},
                                        {D(kVerborgen), 1},
                                        {"parties/belastingdienst", 1},
                                        {D(kOpen), 1},
                                        {D(kAfgeleid), 2},
                                        {"parties/cbs", 2},
                                        {"hidden/1", 3},
                                        {D(kEind), 4}}));
  const LineageEdge* delivery = FindEdge(steward, D(kVerborgen), "parties/cbs");
  ASSERT_NE(delivery, nullptr);
  EXPECT_EQ(delivery->purpose(), absl::StrCat(kZwaluw, "-statistiek"))
      << "visible to the steward";

  const GetLineageResponse admin = Lineage("admin", kBron);
  for (const LineageNode& node : admin.nodes())
    EXPECT_FALSE(node.hidden()) << node.name();
  EXPECT_EQ(admin.nodes_size(), 8);
  EXPECT_EQ(admin.edges_size(), 7);
}

TEST_F(LineageSecurityTest, UpstreamPlaceholdersAreNumberedInTheirOwnResponse) {
  const GetLineageResponse response =
      Lineage("reader", kEind, catalog::v1::LINEAGE_DIRECTION_UPSTREAM);
  EXPECT_THAT(
      NodeNames(response.nodes()),
      ElementsAre(D(kEind), "hidden/1", D(kAfgeleid), "hidden/2", D(kBron)));
  EXPECT_THAT(EdgeKeys(response.edges()),
              UnorderedElementsAre(
                  "hidden/1 -> " + D(kEind), D(kAfgeleid) + " -> hidden/1",
                  "hidden/2 -> " + D(kAfgeleid), D(kBron) + " -> hidden/2"));
}

TEST_F(LineageSecurityTest, TheBasicViewLeaksNothingEither) {
  const GetLineageResponse response =
      Lineage("reader", kBron, catalog::v1::LINEAGE_DIRECTION_BOTH,
              catalog::v1::LINEAGE_VIEW_BASIC);
  EXPECT_EQ(response.nodes_size(), 8);
}

TEST_F(LineageSecurityTest, AHiddenRootIsIdenticalToAMissingOne) {
  for (const auto& [principal, id] :
       std::vector<std::pair<std::string, std::string>>{
           {"reader", kVerborgen}, {"reader", kGeheim}, {"steward", kGeheim}}) {
    SCOPED_TRACE(principal + " " + id);
    for (const std::string prefix : {"", "datasets/"}) {
      GetLineageRequest request;
      GetLineageResponse ignored;
      request.set_root(prefix + id);
      const grpc::Status hidden = As(principal).GetLineage(request, &ignored);
      request.set_root(prefix + kMissing);
      const grpc::Status missing = As(principal).GetLineage(request, &ignored);
      EXPECT_EQ(hidden.error_code(), StatusCode::NOT_FOUND);
      ExpectSameOutcome(OutcomeOf(hidden, id), OutcomeOf(missing, kMissing));

      AnalyzeImpactRequest impact;
      AnalyzeImpactResponse ignored_impact;
      impact.set_root(prefix + id);
      const grpc::Status hidden_impact =
          As(principal).AnalyzeImpact(impact, &ignored_impact);
      impact.set_root(prefix + kMissing);
      const grpc::Status missing_impact =
          As(principal).AnalyzeImpact(impact, &ignored_impact);
      EXPECT_EQ(hidden_impact.error_code(), StatusCode::NOT_FOUND);
      ExpectSameOutcome(OutcomeOf(hidden_impact, id),
                        OutcomeOf(missing_impact, kMissing));
    }
  }
}

// ---- AnalyzeImpact ----

TEST_F(LineageSecurityTest, ImpactCountsHiddenDatasetsWithoutNamingThem) {
  const AnalyzeImpactResponse impact = Impact("reader", kBron);
  ASSERT_EQ(impact.levels_size(), 4) << impact.DebugString();
  EXPECT_THAT(NodeNames(impact.levels(0).datasets()), ElementsAre(D(kOpen)));
  EXPECT_EQ(impact.levels(0).hidden_datasets(), 1);
  EXPECT_THAT(NodeNames(impact.levels(0).parties()),
              ElementsAre("parties/belastingdienst"));
  EXPECT_THAT(NodeNames(impact.levels(1).datasets()),
              ElementsAre(D(kAfgeleid)));
  EXPECT_EQ(impact.levels(1).hidden_datasets(), 0);
  EXPECT_THAT(NodeNames(impact.levels(1).parties()), ElementsAre("parties/cbs"))
      << "parties are visible to every role, also beyond a hidden dataset";
  EXPECT_THAT(impact.levels(2).datasets(), IsEmpty());
  EXPECT_EQ(impact.levels(2).hidden_datasets(), 1);
  EXPECT_THAT(NodeNames(impact.levels(3).datasets()), ElementsAre(D(kEind)));

  EXPECT_EQ(impact.datasets(), 5);
  EXPECT_EQ(impact.hidden_datasets(), 2);
  EXPECT_EQ(impact.personal_data_datasets(), 1) << "only the visible ones";
  EXPECT_EQ(impact.highest_confidentiality(),
            catalog::v1::CONFIDENTIALITY_INTERN)
      << "only the visible ones";
  EXPECT_EQ(impact.parties(), 2);
  EXPECT_THAT(EdgeKeys(impact.deliveries()),
              ElementsAre(D(kBron) + " -> parties/belastingdienst"))
      << "not the delivery from a hidden source";
}

TEST_F(LineageSecurityTest, ImpactFollowsEachCallersClearance) {
  const AnalyzeImpactResponse steward = Impact("steward", kBron);
  EXPECT_EQ(steward.datasets(), 5);
  EXPECT_EQ(steward.hidden_datasets(), 1);
  EXPECT_EQ(steward.personal_data_datasets(), 2);
  EXPECT_EQ(steward.highest_confidentiality(),
            catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  EXPECT_THAT(EdgeKeys(steward.deliveries()),
              UnorderedElementsAre(D(kBron) + " -> parties/belastingdienst",
                                   D(kVerborgen) + " -> parties/cbs"));

  const AnalyzeImpactResponse admin = Impact("admin", kBron);
  EXPECT_EQ(admin.datasets(), 5);
  EXPECT_EQ(admin.hidden_datasets(), 0);
  EXPECT_EQ(admin.highest_confidentiality(),
            catalog::v1::CONFIDENTIALITY_GEHEIM);
}

// ---- ListEdges, GetEdge ----

TEST_F(LineageSecurityTest, ListEdgesSkipsEdgesTouchingHiddenDatasets) {
  for (int page_size : {0, 1, 2}) {
    SCOPED_TRACE(page_size);
    catalog::v1::ListEdgesRequest request;
    request.set_page_size(page_size);
    std::vector<std::string> tokens;
    const std::vector<LineageEdge> edges =
        As("reader").ListAllEdges(request, &tokens);
    EXPECT_THAT(EdgeKeys(edges),
                UnorderedElementsAre(D(kBron) + " -> parties/belastingdienst",
                                     D(kBron) + " -> " + D(kOpen)));
    for (const LineageEdge& edge : edges) ExpectNoLeak(edge, "reader");
    for (const std::string& token : tokens) {
      std::string raw;
      if (!absl::WebSafeBase64Unescape(token, &raw)) raw = token;
      for (const char* id : {kVerborgen, kGeheim}) {
        EXPECT_THAT(raw, Not(HasSubstr(id))) << "page token " << token;
      }
    }
  }
  EXPECT_EQ(As("steward").ListAllEdges({}).size(), 5u);
  EXPECT_EQ(As("admin").ListAllEdges({}).size(), 7u);

  catalog::v1::ListEdgesRequest request;
  request.set_node(kAfgeleid);
  EXPECT_THAT(As("reader").ListAllEdges(request), IsEmpty())
      << "both its edges touch hidden ones";
  request.set_node("parties/cbs");
  EXPECT_THAT(As("reader").ListAllEdges(request), IsEmpty());
  EXPECT_EQ(As("steward").ListAllEdges(request).size(), 1u);
}

TEST_F(LineageSecurityTest, EdgesOfAHiddenNodeAreListedAsForAMissingOne) {
  ExpectHiddenListedAsMissing<catalog::v1::ListEdgesResponse>(
      [&](const std::string& id, auto* page) {
        catalog::v1::ListEdgesRequest request;
        request.set_node(id);
        return As("reader").lineage().ListEdges(Context().get(), request, page);
      });
}

TEST_F(LineageSecurityTest,
       GetEdgeWithAHiddenEndpointIsIdenticalToAMissingOne) {
  LineageEdge ignored;
  struct Probe {
    std::string principal, source, target, hidden_id;
  };
  const std::vector<Probe> probes = {
      {"reader", kBron, kVerborgen, kVerborgen},
      {"reader", kVerborgen, kAfgeleid, kVerborgen},
      {"reader", kVerborgen, "parties/cbs", kVerborgen},
      {"steward", kAfgeleid, kGeheim, kGeheim},
      {"steward", kGeheim, kEind, kGeheim}};
  for (const Probe& p : probes) {
    SCOPED_TRACE(absl::StrCat(p.principal, ": ", p.source, " -> ", p.target));
    const grpc::Status hidden =
        As(p.principal).GetEdge(p.source, p.target, &ignored);
    const std::string source = p.source == p.hidden_id ? kMissing : p.source;
    const std::string target = p.target == p.hidden_id ? kMissing : p.target;
    const grpc::Status missing =
        As(p.principal).GetEdge(source, target, &ignored);
    EXPECT_EQ(hidden.error_code(), StatusCode::NOT_FOUND);
    ExpectSameOutcome(OutcomeOf(hidden, p.hidden_id),
                      OutcomeOf(missing, kMissing));
  }
  // The control: the edge is there for who may see it.
  EXPECT_TRUE(IsOk(As("steward").GetEdge(kBron, kVerborgen, &ignored)));
  EXPECT_TRUE(IsOk(As("admin").GetEdge(kAfgeleid, kGeheim, &ignored)));
}

// ---- Writes that name a hidden dataset ----

TEST_F(LineageSecurityTest,
       CreateEdgeWithAHiddenEndpointIsIdenticalToAMissingOne) {
  LineageEdge ignored;
  // New pairs, and one that exists (it must not answer ALREADY_EXISTS).
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {kOpen, kGeheim}, {kGeheim, kOpen}, {kAfgeleid, kGeheim}};
  for (const auto& [source, target] : pairs) {
    SCOPED_TRACE(source + " -> " + target);
    const grpc::Status hidden =
        As("steward").CreateEdge(ValidEdge(source, target), &ignored);
    const grpc::Status missing = As("steward").CreateEdge(
        ValidEdge(source == kGeheim ? kMissing : source,
                  target == kGeheim ? kMissing : target),
        &ignored);
    EXPECT_EQ(hidden.error_code(), StatusCode::NOT_FOUND);
    ExpectSameOutcome(OutcomeOf(hidden, kGeheim), OutcomeOf(missing, kMissing));
  }
  EXPECT_TRUE(HasStatus(As("admin").GetEdge(kOpen, kGeheim, &ignored),
                        StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(HasStatus(As("admin").GetEdge(kGeheim, kOpen, &ignored),
                        StatusCode::NOT_FOUND, ""));
  ASSERT_TRUE(IsOk(As("admin").GetEdge(kAfgeleid, kGeheim, &ignored)));
  EXPECT_EQ(ignored.process(), absl::StrCat(kEkster, "kanaal")) << "untouched";
}

TEST_F(LineageSecurityTest,
       DeleteEdgeWithAHiddenEndpointIsIdenticalToAMissingOne) {
  LineageEdge stored;
  ASSERT_TRUE(IsOk(As("admin").GetEdge(kAfgeleid, kGeheim, &stored)));
  for (const std::string& etag :
       {std::string(), stored.etag(), std::string("999999")}) {
    SCOPED_TRACE(etag);
    for (const char* principal : {"steward", kOwnerPrincipal}) {
      ExpectSameOutcome(
          OutcomeOf(As(principal).DeleteEdge(kAfgeleid, kGeheim, etag),
                    kGeheim),
          OutcomeOf(As(principal).DeleteEdge(kAfgeleid, kMissing, etag),
                    kMissing));
      EXPECT_EQ(As(principal).DeleteEdge(kAfgeleid, kGeheim, etag).error_code(),
                StatusCode::NOT_FOUND);
    }
  }
  LineageEdge after;
  ASSERT_TRUE(IsOk(As("admin").GetEdge(kAfgeleid, kGeheim, &after)));
  EXPECT_TRUE(SameMessage(after, stored));
}

// ---- ListLineageFindings ----

TEST_F(LineageSecurityTest, FindingsAboutHiddenDatasetsAreLeftOut) {
  // aa-bron (intern) -> ff-open (openbaar) is visible to all;
  // bb-verborgen (vertrouwelijk) -> cc-afgeleid (intern) to the steward;
  // dd-geheim -> ee-eind (intern) to admin.
  auto keys = [](const std::vector<LineageFinding>& findings) {
    std::vector<std::string> out;
    for (const LineageFinding& f : findings)
      out.push_back(f.source() + " -> " + f.target());
    return out;
  };
  EXPECT_THAT(keys(Findings("reader")),
              ElementsAre(D(kBron) + " -> " + D(kOpen)));
  EXPECT_THAT(keys(Findings("steward")),
              UnorderedElementsAre(D(kBron) + " -> " + D(kOpen),
                                   D(kVerborgen) + " -> " + D(kAfgeleid)));
  EXPECT_THAT(keys(Findings("admin")),
              UnorderedElementsAre(D(kBron) + " -> " + D(kOpen),
                                   D(kVerborgen) + " -> " + D(kAfgeleid),
                                   D(kGeheim) + " -> " + D(kEind)));
  // Filtered on a visible dataset whose only source is hidden.
  EXPECT_THAT(Findings("reader", kAfgeleid), IsEmpty());
  EXPECT_THAT(Findings("reader", kEind), IsEmpty());
  EXPECT_THAT(keys(Findings("steward", kAfgeleid)),
              ElementsAre(D(kVerborgen) + " -> " + D(kAfgeleid)));
}

TEST_F(LineageSecurityTest,
       FindingsFilteredOnAHiddenDatasetAreAsForAMissingOne) {
  ExpectHiddenListedAsMissing<catalog::v1::ListLineageFindingsResponse>(
      [&](const std::string& id, auto* page) {
        catalog::v1::ListLineageFindingsRequest request;
        request.set_dataset(id);
        return As("reader").lineage().ListLineageFindings(Context().get(),
                                                          request, page);
      });
}

// ---- Column lineage and OpenLineage names ----

TEST_F(LineageSecurityTest,
       ColumnLineageThroughAHiddenDatasetNamesNoneOfItsFields) {
  // kk-kolom (intern, bsn) -> ll-kolom (vertrouwelijk, zwaluw_sleutel)
  //   -> mm-kolom (intern, sleutel)
  LineageClient& admin = As("admin");
  Dataset first = DatasetAt("kk-kolom", catalog::v1::CONFIDENTIALITY_INTERN);
  AddField(&first, "bsn");
  admin.CreateDatasetOk(first);
  Dataset middle =
      Secret("ll-kolom", catalog::v1::CONFIDENTIALITY_VERTROUWELIJK, kZwaluw);
  AddField(&middle, "zwaluw_sleutel");
  admin.CreateDatasetOk(middle);
  Dataset last = DatasetAt("mm-kolom", catalog::v1::CONFIDENTIALITY_INTERN);
  AddField(&last, "sleutel");
  admin.CreateDatasetOk(last);
  for (const auto& [source, target, from, to] : std::vector<
           std::tuple<std::string, std::string, std::string, std::string>>{
           {"kk-kolom", "ll-kolom", "bsn", "zwaluw_sleutel"},
           {"ll-kolom", "mm-kolom", "zwaluw_sleutel", "sleutel"}}) {
    LineageEdge edge = ValidEdge(source, target);
    catalog::v1::ColumnMapping* mapping = edge.add_column_mappings();
    mapping->set_source_field(from);
    mapping->set_target_field(to);
    admin.CreateEdgeOk(edge);
  }

  GetLineageRequest request;
  request.set_root("kk-kolom");
  request.set_field("bsn");
  request.set_view(catalog::v1::LINEAGE_VIEW_FULL);
  const GetLineageResponse response = As("reader").GetLineageOk(request);
  EXPECT_TRUE(IsWellFormedTraversal(response));
  ExpectNoLeak(response, "reader");
  for (const std::string& text :
       {response.SerializeAsString(), response.DebugString()}) {
    EXPECT_THAT(text, Not(HasSubstr("ll-kolom")));
  }
  ASSERT_EQ(response.nodes_size(), 3) << response.DebugString();
  EXPECT_THAT(response.nodes(0).fields(), ElementsAre("bsn"));
  LineageNode placeholder;
  placeholder.set_name("hidden/1");
  placeholder.set_depth(1);
  placeholder.set_hidden(true);
  EXPECT_TRUE(SameMessage(response.nodes(1), placeholder));
  EXPECT_EQ(response.nodes(2).name(), D("mm-kolom"));
  EXPECT_THAT(response.nodes(2).fields(), ElementsAre("sleutel"));
  for (const LineageEdge& edge : response.edges()) {
    EXPECT_THAT(edge.column_mappings(), IsEmpty())
        << "the mappings name the hidden fields";
  }
}

TEST_F(LineageSecurityTest,
       IngestNeverNamesAHiddenDatasetCarryingTheEventsName) {
  // kSmallOpenLineageEvent reads ns / bron.tabel: a dataset above the
  // steward's clearance carries that name.
  Dataset hidden =
      Secret("ekster-register", catalog::v1::CONFIDENTIALITY_GEHEIM, kEkster);
  catalog::v1::OpenLineageName* name = hidden.add_openlineage_names();
  name->set_namespace_("ns");
  name->set_name("bron.tabel");
  const Dataset stored = As("admin").CreateDatasetOk(hidden);

  catalog::v1::IngestOpenLineageResponse response;
  const grpc::Status status =
      As("steward").Ingest({kSmallOpenLineageEvent}, &response);
  for (const std::string& text :
       {status.error_message(), response.SerializeAsString(),
        response.DebugString()}) {
    EXPECT_THAT(text, Not(HasSubstr("ekster-register")))
        << CodeName(status.error_code());
    EXPECT_THAT(text, Not(HasSubstr(kEkster)));
  }
  if (status.ok()) {
    // Whatever the intake made of it, the steward sees no edge into the
    // hidden dataset.
    for (const LineageEdge& edge : As("steward").ListAllEdges({})) {
      ExpectNoLeak(edge, "steward");
    }
  }
  Dataset after = As("admin").GetDatasetOk("ekster-register");
  EXPECT_EQ(after.etag(), stored.etag()) << "the hidden dataset is untouched";
}

// ---- Roles ----

TEST_F(LineageSecurityTest, LineageAndPartiesAreReadableByEveryRole) {
  for (const char* principal :
       {"reader", "steward", kOwnerPrincipal, "auditor", "admin"}) {
    SCOPED_TRACE(principal);
    catalog::v1::GetPartyRequest get;
    get.set_id("cbs");
    catalog::v1::ExternalParty party;
    EXPECT_TRUE(
        IsOk(As(principal).lineage().GetParty(Context().get(), get, &party)));
    EXPECT_EQ(party.name(), "Partij cbs");
    catalog::v1::ListPartiesResponse parties;
    EXPECT_TRUE(IsOk(
        As(principal).lineage().ListParties(Context().get(), {}, &parties)));
    EXPECT_EQ(parties.parties_size(), 2);
    GetLineageRequest request;
    request.set_root(kBron);
    GetLineageResponse lineage;
    EXPECT_TRUE(IsOk(As(principal).GetLineage(request, &lineage)));
    EXPECT_FALSE(As(principal).ListAllEdges({}).empty());
  }
}

TEST_F(LineageSecurityTest, WritesNeedTheStewardOwnerOrAdminRole) {
  catalog::v1::ExternalParty ignored_party;
  LineageEdge ignored_edge;
  catalog::v1::IngestOpenLineageResponse ignored_ingest;
  for (const char* principal : {"reader", "auditor", kUnknownPrincipal}) {
    SCOPED_TRACE(principal);
    LineageClient& client = As(principal);
    EXPECT_TRUE(HasStatus(client.CreateParty(ValidParty("svb"), &ignored_party),
                          StatusCode::PERMISSION_DENIED, ""));
    EXPECT_TRUE(HasStatus(client.DeleteParty("belastingdienst"),
                          StatusCode::PERMISSION_DENIED, ""));
    EXPECT_TRUE(
        HasStatus(client.CreateEdge(ValidEdge(kOpen, kEind), &ignored_edge),
                  StatusCode::PERMISSION_DENIED, ""));
    EXPECT_TRUE(HasStatus(client.DeleteEdge(kBron, kOpen),
                          StatusCode::PERMISSION_DENIED, ""));
    EXPECT_TRUE(
        HasStatus(client.Ingest({kSmallOpenLineageEvent}, &ignored_ingest),
                  StatusCode::PERMISSION_DENIED, ""));
  }
  EXPECT_EQ(As("admin").ListAllEdges({}).size(), 7u) << "nothing changed";
  EXPECT_EQ(As("admin").ListAllDatasets().size(), 6u);

  // The unknown principal may not even read.
  GetLineageRequest request;
  request.set_root(kBron);
  GetLineageResponse ignored_lineage;
  EXPECT_TRUE(
      HasStatus(As(kUnknownPrincipal).GetLineage(request, &ignored_lineage),
                StatusCode::PERMISSION_DENIED, ""));

  // Steward, owner and admin may write.
  const std::vector<std::pair<std::string, std::string>> writers = {
      {"steward", "svb"}, {kOwnerPrincipal, "uwv"}, {"admin", "rvig"}};
  for (const auto& [principal, party] : writers) {
    SCOPED_TRACE(principal);
    As(principal).CreatePartyOk(ValidParty(party));
    As(principal).LinkOk(kOpen, "parties/" + party);
  }
}

TEST_F(LineageSecurityTest, RefusedWritesNamingHiddenDatasetsSayNothingOfThem) {
  LineageEdge ignored;
  const Outcome hidden =
      OutcomeOf(As("reader").CreateEdge(ValidEdge(kBron, kVerborgen), &ignored),
                kVerborgen);
  const Outcome missing = OutcomeOf(
      As("reader").CreateEdge(ValidEdge(kBron, kMissing), &ignored), kMissing);
  EXPECT_EQ(hidden.code, StatusCode::PERMISSION_DENIED);
  ExpectSameOutcome(hidden, missing);
  ExpectSameOutcome(
      OutcomeOf(As("reader").DeleteEdge(kBron, kVerborgen), kVerborgen),
      OutcomeOf(As("reader").DeleteEdge(kBron, kMissing), kMissing));
}

}  // namespace
}  // namespace catalog::testing
