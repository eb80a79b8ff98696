// LineageService end to end: parties, edges, traversals, impact analysis and
// findings against an in-process catalogd on port 0, over real mutual TLS,
// on a real RocksDB in a temporary directory; and how DeleteDataset treats
// datasets that lineage edges refer to.
//
// Everything here runs as callers who may see every dataset involved (the
// steward, clearance vertrouwelijk; admin to delete). What callers with a
// lower clearance see is tested in tests/security/lineage_security_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/resource_names.h"
#include "catalog/v1/lineage_service.grpc.pb.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::AnalyzeImpactRequest;
using catalog::v1::AnalyzeImpactResponse;
using catalog::v1::Confidentiality;
using catalog::v1::Dataset;
using catalog::v1::ExternalParty;
using catalog::v1::GetLineageRequest;
using catalog::v1::GetLineageResponse;
using catalog::v1::ImpactLevel;
using catalog::v1::LineageDirection;
using catalog::v1::LineageEdge;
using catalog::v1::LineageFinding;
using catalog::v1::LineageNode;
using catalog::v1::ListEdgesRequest;
using catalog::v1::ListLineageFindingsRequest;
using grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

std::string DatasetNode(const std::string& id) { return api::DatasetName(id); }
std::string PartyNode(const std::string& id) { return "parties/" + id; }

Dataset Classified(const std::string& id, Confidentiality level) {
  Dataset dataset = ValidDataset(id);
  dataset.mutable_classification()->set_confidentiality(level);
  return dataset;
}

GetLineageRequest LineageOf(
    const std::string& root,
    LineageDirection direction = catalog::v1::LINEAGE_DIRECTION_UNSPECIFIED,
    int max_depth = 0, int node_budget = 0) {
  GetLineageRequest request;
  request.set_root(root);
  request.set_direction(direction);
  request.set_max_depth(max_depth);
  request.set_node_budget(node_budget);
  return request;
}

class LineageServiceTest : public LineageServerTest {
 protected:
  // Creates a dataset (intern, no schema) per id, as the steward.
  void CreateDatasets(const std::vector<std::string>& ids) {
    for (const std::string& id : ids)
      steward_->CreateDatasetOk(ValidDataset(id));
  }

  // Creates the datasets and DERIVED edges ids[0] -> ids[1] -> ...
  void CreateChain(const std::vector<std::string>& ids) {
    CreateDatasets(ids);
    for (size_t i = 1; i < ids.size(); ++i)
      steward_->LinkOk(ids[i - 1], ids[i]);
  }

  GetLineageResponse Lineage(const GetLineageRequest& request) {
    GetLineageResponse response = steward_->GetLineageOk(request);
    EXPECT_TRUE(IsWellFormedTraversal(response)) << request.ShortDebugString();
    return response;
  }

  std::vector<std::string> EdgesOf(
      const std::string& node, catalog::v1::EdgeDirection direction =
                                   catalog::v1::EDGE_DIRECTION_UNSPECIFIED) {
    ListEdgesRequest request;
    request.set_node(node);
    request.set_direction(direction);
    return EdgeKeys(steward_->ListAllEdges(request));
  }
};

// ---------------------------------------------------------------------------
// Parties

TEST_F(LineageServiceTest, CreatePartyReturnsStoredPartyWithBookkeeping) {
  ExternalParty input = ValidParty("cbs");
  input.set_name("Centraal Bureau voor de Statistiek");
  input.set_kind(catalog::v1::PARTY_KIND_CBS);
  input.set_oin("00000001003214345000");
  input.set_description("Statistiek");
  input.set_revision(999);  // Output only: ignored.
  const ExternalParty stored = steward_->CreatePartyOk(input);

  EXPECT_EQ(stored.id(), "cbs");
  EXPECT_EQ(stored.name(), "Centraal Bureau voor de Statistiek");
  EXPECT_EQ(stored.kind(), catalog::v1::PARTY_KIND_CBS);
  EXPECT_EQ(stored.oin(), "00000001003214345000");
  EXPECT_EQ(stored.description(), "Statistiek");
  EXPECT_GT(stored.revision(), 0);
  EXPECT_NE(stored.revision(), 999);
  EXPECT_EQ(stored.etag(), absl::StrCat(stored.revision()));
  EXPECT_GT(stored.create_time().seconds(), 1000000000);

  for (const char* id : {"cbs", "parties/cbs"}) {
    catalog::v1::GetPartyRequest request;
    request.set_id(id);
    ExternalParty got;
    ASSERT_TRUE(
        IsOk(steward_->lineage().GetParty(Context().get(), request, &got)))
        << id;
    EXPECT_TRUE(SameMessage(got, stored)) << id;
  }
}

TEST_F(LineageServiceTest, CreatePartyWithoutIdGeneratesIdFromName) {
  ExternalParty input = ValidParty("");
  input.set_name("Belastingdienst");
  const ExternalParty stored = steward_->CreatePartyOk(input);
  EXPECT_THAT(stored.id(), StartsWith("belastingdienst"));
  EXPECT_TRUE(api::ValidateDatasetId(stored.id(), "id").ok()) << stored.id();
  catalog::v1::GetPartyRequest request;
  request.set_id(stored.id());
  ExternalParty got;
  EXPECT_TRUE(
      IsOk(steward_->lineage().GetParty(Context().get(), request, &got)));
  EXPECT_EQ(got.name(), "Belastingdienst");
}

TEST_F(LineageServiceTest, CreateInvalidPartyNamesTheField) {
  struct Case {
    const char* name;
    void (*mutate)(ExternalParty*);
    const char* field;
  };
  const Case cases[] = {
      {"MissingName", [](ExternalParty* p) { p->clear_name(); }, "party.name"},
      {"MissingKind", [](ExternalParty* p) { p->clear_kind(); }, "party.kind"},
      {"OinTooShort", [](ExternalParty* p) { p->set_oin("1234567890"); },
       "party.oin"},
      {"OinTooLong",
       [](ExternalParty* p) { p->set_oin("000000010032143450001"); },
       "party.oin"},
      {"OinNotDigits",
       [](ExternalParty* p) { p->set_oin("0000000100321434500a"); },
       "party.oin"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExternalParty party = ValidParty("ongeldig");
    c.mutate(&party);
    ExternalParty ignored;
    const grpc::Status status = steward_->CreateParty(party, &ignored);
    EXPECT_TRUE(HasStatus(status, StatusCode::INVALID_ARGUMENT, c.field));
    EXPECT_THAT(status.error_message(), StartsWith(c.field));
  }
  catalog::v1::ListPartiesResponse listed;
  ASSERT_TRUE(
      IsOk(steward_->lineage().ListParties(Context().get(), {}, &listed)));
  EXPECT_THAT(listed.parties(), IsEmpty()) << "nothing stored";
}

TEST_F(LineageServiceTest,
       CreateDuplicatePartyReturnsAlreadyExistsAndKeepsTheFirst) {
  steward_->CreatePartyOk(ValidParty("uwv"));
  ExternalParty again = ValidParty("uwv");
  again.set_name("Een andere naam");
  ExternalParty ignored;
  EXPECT_TRUE(HasStatus(steward_->CreateParty(again, &ignored),
                        StatusCode::ALREADY_EXISTS, ""));
  catalog::v1::GetPartyRequest request;
  request.set_id("uwv");
  ExternalParty got;
  ASSERT_TRUE(
      IsOk(steward_->lineage().GetParty(Context().get(), request, &got)));
  EXPECT_EQ(got.name(), "Partij uwv");
}

TEST_F(LineageServiceTest, GetUnknownPartyReturnsNotFound) {
  catalog::v1::GetPartyRequest request;
  request.set_id("bestaat-niet");
  ExternalParty ignored;
  EXPECT_TRUE(HasStatus(
      steward_->lineage().GetParty(Context().get(), request, &ignored),
      StatusCode::NOT_FOUND, ""));
}

TEST_F(LineageServiceTest, ListPartiesPagesThroughAllInIdOrderExactlyOnce) {
  const std::vector<std::string> ids = {"cbs", "belastingdienst", "uwv", "svb",
                                        "rvig"};
  for (const std::string& id : ids) steward_->CreatePartyOk(ValidParty(id));
  for (int page_size : {0, 1, 2}) {
    SCOPED_TRACE(page_size);
    std::vector<std::string> seen;
    catalog::v1::ListPartiesRequest request;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 20; ++pages) {
      catalog::v1::ListPartiesResponse page;
      ASSERT_TRUE(IsOk(
          reader_->lineage().ListParties(Context().get(), request, &page)));
      if (page_size > 0) {
        EXPECT_LE(page.parties_size(), page_size);
      }
      for (const ExternalParty& p : page.parties()) seen.push_back(p.id());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    EXPECT_THAT(seen,
                ElementsAre("belastingdienst", "cbs", "rvig", "svb", "uwv"));
  }
  catalog::v1::ListPartiesRequest request;
  request.set_page_size(1001);
  catalog::v1::ListPartiesResponse all;
  EXPECT_TRUE(IsOk(steward_->lineage().ListParties(Context().get(), request, &all)))
      << "above the maximum means the maximum (AIP-158)";
  EXPECT_EQ(all.parties_size(), 5);
}

TEST_F(LineageServiceTest,
       DeletePartyWithDeliveriesIsFailedPreconditionUntilTheyAreGone) {
  CreateDatasets({"brp-ingezetenen"});
  const ExternalParty party =
      steward_->CreatePartyOk(ValidParty("belastingdienst"));
  steward_->LinkOk("brp-ingezetenen", PartyNode("belastingdienst"));

  EXPECT_TRUE(HasStatus(admin_->DeleteParty("belastingdienst"),
                        StatusCode::FAILED_PRECONDITION, ""));
  LineageEdge edge;
  EXPECT_TRUE(IsOk(steward_->GetEdge("brp-ingezetenen",
                                     PartyNode("belastingdienst"), &edge)))
      << "the delivery is kept";

  ASSERT_TRUE(IsOk(
      admin_->DeleteEdge("brp-ingezetenen", PartyNode("belastingdienst"))));
  EXPECT_TRUE(HasStatus(admin_->DeleteParty("belastingdienst", "999999"),
                        StatusCode::ABORTED, ""));
  EXPECT_TRUE(
      IsOk(admin_->DeleteParty("parties/belastingdienst", party.etag())));
  catalog::v1::GetPartyRequest request;
  request.set_id("belastingdienst");
  ExternalParty ignored;
  EXPECT_TRUE(HasStatus(
      steward_->lineage().GetParty(Context().get(), request, &ignored),
      StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(HasStatus(admin_->DeleteParty("belastingdienst"),
                        StatusCode::NOT_FOUND, ""));
}

// ---------------------------------------------------------------------------
// CreateEdge, GetEdge, DeleteEdge

TEST_F(LineageServiceTest,
       CreateEdgeReturnsStoredEdgeWithResourceNamesAndBookkeeping) {
  CreateDatasets({"brp-ingezetenen", "wmo-clienten"});
  LineageEdge input =
      ValidEdge("brp-ingezetenen", "wmo-clienten");  // Bare ids.
  input.set_process("StUF-BG");
  input.set_frequency(catalog::v1::UPDATE_FREQUENCY_DAILY);
  input.set_description("Nachtelijke synchronisatie");
  input.set_revision(999);  // Output only: ignored.
  const LineageEdge stored = steward_->CreateEdgeOk(input);

  EXPECT_EQ(stored.name(), "lineage/brp-ingezetenen/datasets/wmo-clienten");
  EXPECT_EQ(stored.source(), "datasets/brp-ingezetenen");
  EXPECT_EQ(stored.target(), "datasets/wmo-clienten");
  EXPECT_EQ(stored.relation(), catalog::v1::LINEAGE_RELATION_DERIVED);
  EXPECT_EQ(stored.process(), "StUF-BG");
  EXPECT_EQ(stored.frequency(), catalog::v1::UPDATE_FREQUENCY_DAILY);
  EXPECT_EQ(stored.description(), "Nachtelijke synchronisatie");
  EXPECT_GT(stored.revision(), 0);
  EXPECT_NE(stored.revision(), 999);
  EXPECT_FALSE(stored.etag().empty());
  EXPECT_GT(stored.create_time().seconds(), 1000000000);

  LineageEdge got;
  ASSERT_TRUE(IsOk(steward_->GetEdge("brp-ingezetenen", "wmo-clienten", &got)));
  EXPECT_TRUE(SameMessage(got, stored));
  ASSERT_TRUE(IsOk(reader_->GetEdge("datasets/brp-ingezetenen",
                                    "datasets/wmo-clienten", &got)));
  EXPECT_TRUE(SameMessage(got, stored));
}

TEST_F(LineageServiceTest,
       CreateDeliveryToAPartyKeepsPurposeLegalBasisAndMappings) {
  Dataset brp = ValidDataset("brp-ingezetenen");
  SetPersonalData(&brp);
  AddField(&brp, "bsn", true);
  steward_->CreateDatasetOk(brp);
  steward_->CreatePartyOk(ValidParty("belastingdienst"));
  LineageEdge input =
      ValidEdge("datasets/brp-ingezetenen", PartyNode("belastingdienst"));
  input.set_purpose("Heffing gemeentelijke belastingen");
  input.set_legal_basis_explanation("Wet BRP art. 3.3");
  catalog::v1::ColumnMapping* mapping = input.add_column_mappings();
  mapping->set_source_field(
      "bsn");  // No target field: the party's are not catalogued.
  const LineageEdge stored = steward_->CreateEdgeOk(input);

  EXPECT_EQ(stored.name(), "lineage/brp-ingezetenen/parties/belastingdienst");
  EXPECT_EQ(stored.target(), "parties/belastingdienst");
  EXPECT_EQ(stored.relation(), catalog::v1::LINEAGE_RELATION_DELIVERY);
  EXPECT_EQ(stored.purpose(), "Heffing gemeentelijke belastingen");
  EXPECT_EQ(stored.legal_basis(),
            catalog::v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  EXPECT_EQ(stored.legal_basis_explanation(), "Wet BRP art. 3.3");
  ASSERT_EQ(stored.column_mappings_size(), 1);
  EXPECT_EQ(stored.column_mappings(0).source_field(), "bsn");
}

TEST_F(LineageServiceTest,
       DeliveryOfASourceWithoutPersonalDataNeedsNoPurposeOrLegalBasis) {
  CreateDatasets({"bomen-open-data"});
  steward_->CreatePartyOk(ValidParty("cbs"));
  LineageEdge input = ValidEdge("bomen-open-data", PartyNode("cbs"));
  input.clear_purpose();
  input.clear_legal_basis();
  const LineageEdge stored = steward_->CreateEdgeOk(input);
  EXPECT_EQ(stored.relation(), catalog::v1::LINEAGE_RELATION_DELIVERY);
}

// One way to make an edge invalid, and the field the error must start with.
struct InvalidEdgeCase {
  const char* name;
  void (*mutate)(LineageEdge*);
  const char* field;
};

void PrintTo(const InvalidEdgeCase& c, std::ostream* os) { *os << c.name; }

// The base edge: "bron" (personal data; fields bsn, naam) -> "doel" (fields
// bsn_hash, naam), DERIVED, mapping naam -> naam. Party "cbs" exists.
const InvalidEdgeCase kInvalidEdgeCases[] = {
    {"MissingSource", [](LineageEdge* e) { e->clear_source(); }, "edge.source"},
    {"SourceBadSlug", [](LineageEdge* e) { e->set_source("datasets/Bad_Id"); },
     "edge.source"},
    {"SourceIsAParty", [](LineageEdge* e) { e->set_source("parties/cbs"); },
     "edge.source"},
    {"MissingTarget", [](LineageEdge* e) { e->clear_target(); }, "edge.target"},
    {"TargetOfAnotherCollection",
     [](LineageEdge* e) { e->set_target("zaken/doel"); }, "edge.target"},
    {"TargetBadDatasetSlug",
     [](LineageEdge* e) { e->set_target("datasets/Bad_Id"); }, "edge.target"},
    {"TargetBadPartySlug",
     [](LineageEdge* e) {
       e->set_target("parties/Bad Party");
       e->set_relation(catalog::v1::LINEAGE_RELATION_DELIVERY);
     },
     "edge.target"},
    {"RelationUnspecified", [](LineageEdge* e) { e->clear_relation(); },
     "edge.relation"},
    {"RelationUnknownNumber",
     [](LineageEdge* e) {
       e->set_relation(static_cast<catalog::v1::LineageRelation>(99));
     },
     "edge.relation"},
    {"DeliveryToADataset",
     [](LineageEdge* e) {
       e->set_relation(catalog::v1::LINEAGE_RELATION_DELIVERY);
       e->set_purpose("Statistiek");
       e->set_legal_basis(catalog::v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
       e->clear_column_mappings();
     },
     "edge.relation"},
    {"SourceRelationToAParty",
     [](LineageEdge* e) {
       e->set_target("parties/cbs");
       e->set_relation(catalog::v1::LINEAGE_RELATION_SOURCE);
       e->clear_column_mappings();
     },
     "edge.relation"},
    {"DerivedRelationToAParty",
     [](LineageEdge* e) {
       e->set_target("parties/cbs");
       e->clear_column_mappings();
     },
     "edge.relation"},
    {"SourceEqualsTarget", [](LineageEdge* e) { e->set_target("bron"); },
     "edge.target"},
    {"SourceEqualsTargetByResourceName",
     [](LineageEdge* e) {
       e->set_source("bron");
       e->set_target("datasets/bron");
     },
     "edge.target"},
    {"PersonalDataDeliveryWithoutPurpose",
     [](LineageEdge* e) {
       *e = ValidEdge("bron", "parties/cbs");
       e->clear_purpose();
     },
     "edge.purpose"},
    {"PersonalDataDeliveryWithoutLegalBasis",
     [](LineageEdge* e) {
       *e = ValidEdge("bron", "parties/cbs");
       e->clear_legal_basis();
     },
     "edge.legal_basis"},
    {"MappingOfUnknownSourceField",
     [](LineageEdge* e) {
       e->mutable_column_mappings(0)->set_source_field("onbekend");
     },
     "edge.column_mappings[0].source_field"},
    {"MappingToUnknownTargetField",
     [](LineageEdge* e) {
       e->mutable_column_mappings(0)->set_target_field("bsn");
     },
     "edge.column_mappings[0].target_field"},
    {"SecondMappingOfUnknownSourceField",
     [](LineageEdge* e) {
       catalog::v1::ColumnMapping* mapping = e->add_column_mappings();
       mapping->set_source_field("geboortedatum");
       mapping->set_target_field("bsn_hash");
     },
     "edge.column_mappings[1].source_field"},
};

class CreateEdgeInvalidTest
    : public LineageServiceTest,
      public ::testing::WithParamInterface<InvalidEdgeCase> {
 protected:
  void SetUp() override {
    LineageServiceTest::SetUp();
    Dataset bron = ValidDataset("bron");
    SetPersonalData(&bron);
    AddField(&bron, "bsn", true);
    AddField(&bron, "naam", true);
    steward_->CreateDatasetOk(bron);
    Dataset doel = ValidDataset("doel");
    AddField(&doel, "bsn_hash");
    AddField(&doel, "naam");
    steward_->CreateDatasetOk(doel);
    steward_->CreatePartyOk(ValidParty("cbs"));
  }

  static LineageEdge BaseEdge() {
    LineageEdge edge = ValidEdge("bron", "doel");
    catalog::v1::ColumnMapping* mapping = edge.add_column_mappings();
    mapping->set_source_field("naam");
    mapping->set_target_field("naam");
    return edge;
  }
};

TEST_F(CreateEdgeInvalidTest, TheBaseEdgeIsValid) {
  const LineageEdge stored = steward_->CreateEdgeOk(BaseEdge());
  EXPECT_EQ(stored.column_mappings_size(), 1);
}

TEST_P(CreateEdgeInvalidTest,
       ReturnsInvalidArgumentNamingTheFieldAndStoresNothing) {
  LineageEdge edge = BaseEdge();
  GetParam().mutate(&edge);
  LineageEdge ignored;
  const grpc::Status status = steward_->CreateEdge(edge, &ignored);
  EXPECT_TRUE(
      HasStatus(status, StatusCode::INVALID_ARGUMENT, GetParam().field));
  EXPECT_THAT(status.error_message(), StartsWith(GetParam().field));
  EXPECT_THAT(steward_->ListAllEdges({}), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Cases, CreateEdgeInvalidTest,
                         ::testing::ValuesIn(kInvalidEdgeCases),
                         [](const auto& info) {
                           return std::string(info.param.name);
                         });

TEST_F(LineageServiceTest, CreateEdgeWithAnUnknownEndpointReturnsNotFound) {
  CreateDatasets({"bekend"});
  LineageEdge ignored;
  EXPECT_TRUE(
      HasStatus(steward_->CreateEdge(ValidEdge("onbekend", "bekend"), &ignored),
                StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(
      HasStatus(steward_->CreateEdge(ValidEdge("bekend", "onbekend"), &ignored),
                StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(HasStatus(
      steward_->CreateEdge(ValidEdge("bekend", "datasets/onbekend"), &ignored),
      StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(
      HasStatus(steward_->CreateEdge(ValidEdge("bekend", PartyNode("onbekend")),
                                     &ignored),
                StatusCode::NOT_FOUND, ""));
  EXPECT_THAT(steward_->ListAllEdges({}), IsEmpty());
}

TEST_F(LineageServiceTest,
       CreateEdgeTwiceReturnsAlreadyExistsAndKeepsTheFirst) {
  CreateDatasets({"bron", "doel"});
  LineageEdge first = ValidEdge("bron", "doel");
  first.set_process("eerste");
  const LineageEdge stored = steward_->CreateEdgeOk(first);
  LineageEdge second = ValidEdge("datasets/bron", "datasets/doel");
  second.set_process("tweede");
  second.set_relation(catalog::v1::LINEAGE_RELATION_SOURCE);
  LineageEdge ignored;
  EXPECT_TRUE(HasStatus(steward_->CreateEdge(second, &ignored),
                        StatusCode::ALREADY_EXISTS, ""));
  LineageEdge got;
  ASSERT_TRUE(IsOk(steward_->GetEdge("bron", "doel", &got)));
  EXPECT_TRUE(SameMessage(got, stored));
  // The reverse direction is another pair.
  EXPECT_EQ(steward_->LinkOk("doel", "bron").source(), "datasets/doel");
}

TEST_F(LineageServiceTest, GetEdgeThatDoesNotExistReturnsNotFound) {
  CreateDatasets({"bron", "doel"});
  steward_->LinkOk("bron", "doel");
  LineageEdge ignored;
  EXPECT_TRUE(HasStatus(steward_->GetEdge("doel", "bron", &ignored),
                        StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(HasStatus(steward_->GetEdge("bron", "onbekend", &ignored),
                        StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(HasStatus(steward_->GetEdge("bron", PartyNode("cbs"), &ignored),
                        StatusCode::NOT_FOUND, ""));
}

TEST_F(LineageServiceTest, DeleteEdgeChecksTheEtagAndRemovesTheEdge) {
  CreateDatasets({"bron", "doel"});
  const LineageEdge stored = steward_->LinkOk("bron", "doel");

  EXPECT_TRUE(
      HasStatus(admin_->DeleteEdge("bron", "doel",
                                   absl::StrCat(stored.revision() + 1000)),
                StatusCode::ABORTED, ""));
  LineageEdge got;
  ASSERT_TRUE(IsOk(steward_->GetEdge("bron", "doel", &got)))
      << "kept after a stale etag";

  EXPECT_TRUE(IsOk(
      admin_->DeleteEdge("datasets/bron", "datasets/doel", stored.etag())));
  EXPECT_TRUE(HasStatus(steward_->GetEdge("bron", "doel", &got),
                        StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(
      HasStatus(admin_->DeleteEdge("bron", "doel"), StatusCode::NOT_FOUND, ""));
  EXPECT_THAT(steward_->ListAllEdges({}), IsEmpty());
  // Both datasets stay.
  steward_->GetDatasetOk("bron");
  steward_->GetDatasetOk("doel");
}

// ---------------------------------------------------------------------------
// DeleteDataset and DeleteParty with edges

TEST_F(LineageServiceTest,
       DeleteDatasetWithEdgesIsFailedPreconditionAndChangesNothing) {
  CreateChain({"bron", "midden", "doel"});
  for (const char* id : {"bron", "midden", "doel"}) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(HasStatus(admin_->DeleteDataset(id, false),
                          StatusCode::FAILED_PRECONDITION, ""));
    steward_->GetDatasetOk(id);
  }
  EXPECT_THAT(EdgeKeys(steward_->ListAllEdges({})),
              UnorderedElementsAre("datasets/bron -> datasets/midden",
                                   "datasets/midden -> datasets/doel"));
}

TEST_F(LineageServiceTest,
       ForcedDeleteRemovesTheDatasetWithItsEdgesConsistently) {
  CreateChain({"bron", "midden", "doel"});
  CreateDatasets({"zijtak"});
  steward_->LinkOk("bron", "zijtak");
  steward_->CreatePartyOk(ValidParty("cbs"));
  steward_->LinkOk("midden", PartyNode("cbs"));

  ASSERT_TRUE(IsOk(admin_->DeleteDataset("midden", true)));

  Dataset ignored;
  EXPECT_TRUE(HasStatus(steward_->GetDataset("midden", &ignored),
                        StatusCode::NOT_FOUND, ""));
  LineageEdge edge;
  EXPECT_TRUE(HasStatus(steward_->GetEdge("bron", "midden", &edge),
                        StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(HasStatus(steward_->GetEdge("midden", "doel", &edge),
                        StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(HasStatus(steward_->GetEdge("midden", PartyNode("cbs"), &edge),
                        StatusCode::NOT_FOUND, ""));
  EXPECT_THAT(EdgesOf("bron"), ElementsAre("datasets/bron -> datasets/zijtak"));
  EXPECT_THAT(EdgesOf("doel"), IsEmpty());
  EXPECT_THAT(EdgesOf(PartyNode("cbs")), IsEmpty());
  EXPECT_THAT(EdgeKeys(steward_->ListAllEdges({})),
              ElementsAre("datasets/bron -> datasets/zijtak"));
  EXPECT_THAT(NodeNames(Lineage(LineageOf("bron")).nodes()),
              ElementsAre("datasets/bron", "datasets/zijtak"));
  EXPECT_THAT(
      NodeNames(
          Lineage(LineageOf("doel", catalog::v1::LINEAGE_DIRECTION_UPSTREAM))
              .nodes()),
      ElementsAre("datasets/doel"));
  // The party has no deliveries left.
  EXPECT_TRUE(IsOk(admin_->DeleteParty("cbs")));

  std::unique_ptr<storage::CatalogStore> store = StopAndOpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<storage::CheckReport> report = store->Check();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << ::testing::PrintToString(report->problems);
  EXPECT_TRUE(store->Close().ok());
}

TEST_F(LineageServiceTest, ForcedDeleteOfADatasetWithoutEdgesWorksLikeADelete) {
  CreateDatasets({"alleen"});
  EXPECT_TRUE(IsOk(admin_->DeleteDataset("alleen", true)));
  Dataset ignored;
  EXPECT_TRUE(HasStatus(steward_->GetDataset("alleen", &ignored),
                        StatusCode::NOT_FOUND, ""));
}

TEST_F(LineageServiceTest, EdgesSurviveARestart) {
  CreateChain({"bron", "doel"});
  const LineageEdge stored = steward_->LinkOk("doel", "bron");
  server_->Restart();
  LineageClient steward(server_->Channel("steward"));
  LineageEdge got;
  ASSERT_TRUE(IsOk(steward.GetEdge("doel", "bron", &got)));
  EXPECT_TRUE(SameMessage(got, stored));
  const GetLineageResponse lineage = steward.GetLineageOk(LineageOf("bron"));
  EXPECT_THAT(NodeNames(lineage.nodes()),
              ElementsAre("datasets/bron", "datasets/doel"));
}

// ---------------------------------------------------------------------------
// ListEdges

TEST_F(LineageServiceTest, ListEdgesOfANodeFollowsTheDirection) {
  CreateDatasets({"bron", "midden", "doel-a", "doel-b", "los"});
  steward_->CreatePartyOk(ValidParty("cbs"));
  steward_->LinkOk("bron", "midden");
  steward_->LinkOk("midden", "doel-a");
  steward_->LinkOk("midden", "doel-b");
  steward_->LinkOk("midden", PartyNode("cbs"));
  steward_->LinkOk("bron", PartyNode("cbs"));

  const std::string in = "datasets/bron -> datasets/midden";
  const std::vector<std::string> out = {"datasets/midden -> datasets/doel-a",
                                        "datasets/midden -> datasets/doel-b",
                                        "datasets/midden -> parties/cbs"};
  EXPECT_THAT(EdgesOf("midden", catalog::v1::EDGE_DIRECTION_OUT),
              UnorderedElementsAreArray(out));
  EXPECT_THAT(EdgesOf("datasets/midden", catalog::v1::EDGE_DIRECTION_IN),
              ElementsAre(in));
  std::vector<std::string> both = out;
  both.push_back(in);
  EXPECT_THAT(EdgesOf("midden", catalog::v1::EDGE_DIRECTION_BOTH),
              UnorderedElementsAreArray(both));
  EXPECT_THAT(EdgesOf("midden"), UnorderedElementsAreArray(both))
      << "unspecified is both";
  EXPECT_THAT(EdgesOf(PartyNode("cbs"), catalog::v1::EDGE_DIRECTION_IN),
              UnorderedElementsAre("datasets/midden -> parties/cbs",
                                   "datasets/bron -> parties/cbs"));
  EXPECT_THAT(EdgesOf(PartyNode("cbs"), catalog::v1::EDGE_DIRECTION_OUT),
              IsEmpty());
  EXPECT_THAT(EdgesOf("los"), IsEmpty());
}

TEST_F(LineageServiceTest, ListAllEdgesPagesThroughEveryEdgeExactlyOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(absl::StrFormat("ds-%02d", i));
  CreateDatasets(ids);
  std::vector<std::string> expected;
  for (size_t i = 0; i < ids.size(); ++i) {
    for (size_t j = 0; j < ids.size(); ++j) {
      if ((i + j) % 3 != 0 || i == j) continue;
      steward_->LinkOk(ids[i], ids[j]);
      expected.push_back(
          absl::StrCat("datasets/", ids[i], " -> datasets/", ids[j]));
    }
  }
  ASSERT_GE(expected.size(), 8u);
  for (int page_size : {0, 1, 2, 3, 1000}) {
    SCOPED_TRACE(page_size);
    ListEdgesRequest request;
    request.set_page_size(page_size);
    std::vector<std::string> tokens;
    const std::vector<LineageEdge> edges =
        steward_->ListAllEdges(request, &tokens);
    EXPECT_THAT(EdgeKeys(edges), UnorderedElementsAreArray(expected));
    if (page_size == 1) {
      EXPECT_GE(tokens.size(), expected.size() - 1);
    }
  }
  // One node's edges, page by page.
  ListEdgesRequest request;
  request.set_node("ds-01");
  request.set_page_size(1);
  std::vector<std::string> of_node;
  for (const std::string& key : expected) {
    if (absl::StrContains(key, "datasets/ds-01")) of_node.push_back(key);
  }
  EXPECT_THAT(EdgeKeys(steward_->ListAllEdges(request)),
              UnorderedElementsAreArray(of_node));
}

TEST_F(LineageServiceTest, ListEdgesPageSizeOver1000MeansTheMaximum) {
  ListEdgesRequest request;
  request.set_page_size(1001);
  catalog::v1::ListEdgesResponse response;
  EXPECT_TRUE(IsOk(steward_->lineage().ListEdges(Context().get(), request, &response)));
}

// ---------------------------------------------------------------------------
// GetLineage

TEST_F(LineageServiceTest, GetLineageIsBreadthFirstWithShortestDepths) {
  // wortel -> a -> c -> d, wortel -> b -> c, wortel -> d (shortcut), and
  // upstream of wortel a dataset that a downstream traversal never sees.
  CreateDatasets({"wortel", "a-tak", "b-tak", "c-knoop", "d-eind", "herkomst"});
  steward_->LinkOk("wortel", "a-tak");
  steward_->LinkOk("wortel", "b-tak");
  steward_->LinkOk("a-tak", "c-knoop");
  steward_->LinkOk("b-tak", "c-knoop");
  steward_->LinkOk("c-knoop", "d-eind");
  steward_->LinkOk("wortel", "d-eind");
  steward_->LinkOk("herkomst", "wortel");

  const GetLineageResponse response = Lineage(LineageOf("wortel"));
  ASSERT_FALSE(response.nodes().empty());
  EXPECT_EQ(response.nodes(0).name(), "datasets/wortel");
  EXPECT_THAT(NodeDepths(response),
              (std::map<std::string, int>{{"datasets/wortel", 0},
                                          {"datasets/a-tak", 1},
                                          {"datasets/b-tak", 1},
                                          {"datasets/d-eind", 1},
                                          {"datasets/c-knoop", 2}}));
  EXPECT_THAT(EdgeKeys(response.edges()),
              UnorderedElementsAre("datasets/wortel -> datasets/a-tak",
                                   "datasets/wortel -> datasets/b-tak",
                                   "datasets/a-tak -> datasets/c-knoop",
                                   "datasets/b-tak -> datasets/c-knoop",
                                   "datasets/c-knoop -> datasets/d-eind",
                                   "datasets/wortel -> datasets/d-eind"));
  EXPECT_FALSE(response.truncated());
  EXPECT_EQ(response.truncation_reason(),
            catalog::v1::TRUNCATION_REASON_UNSPECIFIED);
  for (const LineageNode& node : response.nodes()) {
    EXPECT_FALSE(node.more_beyond_depth()) << node.name();
    EXPECT_FALSE(node.hidden()) << node.name();
  }
  // The root by resource name gives the same answer.
  EXPECT_TRUE(SameMessage(Lineage(LineageOf("datasets/wortel")), response));
}

TEST_F(LineageServiceTest, GetLineageFollowsTheDirection) {
  CreateChain({"oorsprong", "herkomst", "midden", "afnemer", "eindpunt"});
  const std::map<std::string, int> downstream = {{"datasets/midden", 0},
                                                 {"datasets/afnemer", 1},
                                                 {"datasets/eindpunt", 2}};
  const std::map<std::string, int> upstream = {{"datasets/midden", 0},
                                               {"datasets/herkomst", 1},
                                               {"datasets/oorsprong", 2}};
  std::map<std::string, int> both = downstream;
  both.insert(upstream.begin(), upstream.end());

  EXPECT_EQ(NodeDepths(Lineage(LineageOf("midden"))), downstream)
      << "unspecified is downstream";
  EXPECT_EQ(NodeDepths(Lineage(LineageOf(
                "midden", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM))),
            downstream);
  const GetLineageResponse up =
      Lineage(LineageOf("midden", catalog::v1::LINEAGE_DIRECTION_UPSTREAM));
  EXPECT_EQ(NodeDepths(up), upstream);
  EXPECT_THAT(EdgeKeys(up.edges()),
              UnorderedElementsAre("datasets/oorsprong -> datasets/herkomst",
                                   "datasets/herkomst -> datasets/midden"))
      << "edges keep their own direction";
  const GetLineageResponse all =
      Lineage(LineageOf("midden", catalog::v1::LINEAGE_DIRECTION_BOTH));
  EXPECT_EQ(NodeDepths(all), both);
  EXPECT_EQ(all.edges_size(), 4);
}

TEST_F(LineageServiceTest,
       GetLineageMaxDepthDefaultsToFiveAndMarksNodesWithMoreBeyond) {
  std::vector<std::string> chain;
  for (int i = 0; i < 8; ++i) chain.push_back(absl::StrFormat("keten-%d", i));
  CreateChain(chain);

  const GetLineageResponse deflt = Lineage(LineageOf("keten-0"));
  ASSERT_EQ(deflt.nodes_size(), 6) << deflt.DebugString();
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(deflt.nodes(i).name(), DatasetNode(chain[i]));
    EXPECT_EQ(deflt.nodes(i).depth(), i);
    EXPECT_EQ(deflt.nodes(i).more_beyond_depth(), i == 5) << chain[i];
  }
  EXPECT_EQ(deflt.edges_size(), 5) << "not the edge beyond the last node";
  EXPECT_FALSE(deflt.truncated()) << "the depth limit is not a truncation";
  EXPECT_EQ(deflt.truncation_reason(),
            catalog::v1::TRUNCATION_REASON_UNSPECIFIED);

  const GetLineageResponse two = Lineage(
      LineageOf("keten-0", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM, 2));
  EXPECT_THAT(
      NodeNames(two.nodes()),
      ElementsAre("datasets/keten-0", "datasets/keten-1", "datasets/keten-2"));
  EXPECT_THAT(EdgeKeys(two.edges()),
              UnorderedElementsAre("datasets/keten-0 -> datasets/keten-1",
                                   "datasets/keten-1 -> datasets/keten-2"));
  EXPECT_TRUE(two.nodes(2).more_beyond_depth());
  EXPECT_FALSE(two.truncated());

  // The end of the chain at exactly max_depth has nothing beyond.
  const GetLineageResponse whole = Lineage(
      LineageOf("keten-0", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM, 7));
  ASSERT_EQ(whole.nodes_size(), 8);
  for (const LineageNode& node : whole.nodes())
    EXPECT_FALSE(node.more_beyond_depth()) << node.name();

  // Upstream too.
  const GetLineageResponse up =
      Lineage(LineageOf("keten-7", catalog::v1::LINEAGE_DIRECTION_UPSTREAM, 1));
  EXPECT_THAT(NodeNames(up.nodes()),
              ElementsAre("datasets/keten-7", "datasets/keten-6"));
  EXPECT_TRUE(up.nodes(1).more_beyond_depth());
}

TEST_F(LineageServiceTest, GetLineageMaxDepthAbove50IsInvalidArgument) {
  CreateChain({"bron", "doel"});
  GetLineageResponse response;
  EXPECT_TRUE(HasStatus(
      steward_->GetLineage(
          LineageOf("bron", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM, 51),
          &response),
      StatusCode::INVALID_ARGUMENT, "max_depth"));
  EXPECT_TRUE(IsOk(steward_->GetLineage(
      LineageOf("bron", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM, 50),
      &response)));
  EXPECT_EQ(response.nodes_size(), 2);
}

TEST_F(LineageServiceTest, GetLineageNodeBudgetTruncates) {
  std::vector<std::string> leaves;
  for (int i = 0; i < 10; ++i)
    leaves.push_back(absl::StrFormat("blad-%02d", i));
  CreateDatasets({"ster"});
  CreateDatasets(leaves);
  for (const std::string& leaf : leaves) steward_->LinkOk("ster", leaf);

  const GetLineageResponse cut = Lineage(
      LineageOf("ster", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM, 0, 4));
  EXPECT_EQ(cut.nodes_size(), 4);
  EXPECT_EQ(cut.nodes(0).name(), "datasets/ster");
  EXPECT_TRUE(cut.truncated());
  EXPECT_EQ(cut.truncation_reason(),
            catalog::v1::TRUNCATION_REASON_NODE_BUDGET);
  EXPECT_EQ(cut.edges_size(), 3);

  for (int budget : {11, 0}) {
    SCOPED_TRACE(budget);
    const GetLineageResponse all = Lineage(LineageOf(
        "ster", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM, 0, budget));
    EXPECT_EQ(all.nodes_size(), 11);
    EXPECT_EQ(all.edges_size(), 10);
    EXPECT_FALSE(all.truncated());
    EXPECT_EQ(all.truncation_reason(),
              catalog::v1::TRUNCATION_REASON_UNSPECIFIED);
  }
  const GetLineageResponse root_only = Lineage(
      LineageOf("ster", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM, 0, 1));
  EXPECT_THAT(NodeNames(root_only.nodes()), ElementsAre("datasets/ster"));
  EXPECT_TRUE(root_only.truncated());
  EXPECT_THAT(root_only.edges(), IsEmpty());
}

TEST_F(LineageServiceTest, GetLineageNodeBudgetAbove100000IsResourceExhausted) {
  CreateChain({"bron", "doel"});
  GetLineageResponse response;
  EXPECT_TRUE(
      HasStatus(steward_->GetLineage(
                    LineageOf("bron", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM,
                              0, 100001),
                    &response),
                StatusCode::RESOURCE_EXHAUSTED, "node_budget"));
  EXPECT_TRUE(IsOk(steward_->GetLineage(
      LineageOf("bron", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM, 0, 100000),
      &response)));
  EXPECT_EQ(response.nodes_size(), 2);
}

TEST_F(LineageServiceTest, GetLineageNodeBudgetDefaultsTo1000) {
  // A root with 1000 children: 1001 nodes reachable. The datasets in two
  // batches of one stream (at most 1000 a batch).
  std::vector<catalog::v1::UpsertDatasetsRequest> batches(2);
  *batches[0].add_datasets() = ValidDataset("grote-ster");
  for (int i = 0; i < 1000; ++i) {
    *batches[1].add_datasets() = ValidDataset(absl::StrFormat("punt-%04d", i));
  }
  {
    auto context = Context();
    auto stream = steward_->catalog().UpsertDatasets(context.get());
    for (const catalog::v1::UpsertDatasetsRequest& batch : batches) {
      ASSERT_TRUE(stream->Write(batch));
      catalog::v1::UpsertDatasetsResponse answer;
      ASSERT_TRUE(stream->Read(&answer));
      for (const auto& result : answer.results())
        ASSERT_EQ(result.code(), 0) << result.message();
    }
    stream->WritesDone();
    ASSERT_TRUE(IsOk(stream->Finish()));
  }
  // Edges from a few threads: each is a synced write.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = t; i < 1000; i += 4) {
        steward_->LinkOk("grote-ster", absl::StrFormat("punt-%04d", i));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  const GetLineageResponse response = Lineage(LineageOf("grote-ster"));
  EXPECT_EQ(response.nodes_size(), 1000);
  EXPECT_EQ(response.edges_size(), 999);
  EXPECT_TRUE(response.truncated());
  EXPECT_EQ(response.truncation_reason(),
            catalog::v1::TRUNCATION_REASON_NODE_BUDGET);
  const GetLineageResponse all = Lineage(LineageOf(
      "grote-ster", catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM, 0, 1001));
  EXPECT_EQ(all.nodes_size(), 1001);
  EXPECT_FALSE(all.truncated());
}

TEST_F(LineageServiceTest, GetLineageOfACycleEndsWithEveryNodeOnce) {
  CreateChain({"kring-a", "kring-b", "kring-c"});
  steward_->LinkOk("kring-c", "kring-a");
  const std::vector<std::string> edges = {
      "datasets/kring-a -> datasets/kring-b",
      "datasets/kring-b -> datasets/kring-c",
      "datasets/kring-c -> datasets/kring-a"};

  const GetLineageResponse down = Lineage(LineageOf("kring-a"));
  EXPECT_EQ(NodeDepths(down),
            (std::map<std::string, int>{{"datasets/kring-a", 0},
                                        {"datasets/kring-b", 1},
                                        {"datasets/kring-c", 2}}));
  EXPECT_THAT(EdgeKeys(down.edges()), UnorderedElementsAreArray(edges));
  EXPECT_FALSE(down.truncated());

  const GetLineageResponse up = Lineage(
      LineageOf("kring-a", catalog::v1::LINEAGE_DIRECTION_UPSTREAM, 50));
  EXPECT_EQ(NodeDepths(up),
            (std::map<std::string, int>{{"datasets/kring-a", 0},
                                        {"datasets/kring-c", 1},
                                        {"datasets/kring-b", 2}}));
  EXPECT_THAT(EdgeKeys(up.edges()), UnorderedElementsAreArray(edges));

  const GetLineageResponse both =
      Lineage(LineageOf("kring-b", catalog::v1::LINEAGE_DIRECTION_BOTH, 50));
  EXPECT_EQ(both.nodes_size(), 3);
  EXPECT_THAT(EdgeKeys(both.edges()), UnorderedElementsAreArray(edges));
}

TEST_F(LineageServiceTest, GetLineageOfAnUnknownRootIsNotFound) {
  GetLineageResponse response;
  EXPECT_TRUE(
      HasStatus(steward_->GetLineage(LineageOf("bestaat-niet"), &response),
                StatusCode::NOT_FOUND, ""));
  EXPECT_TRUE(HasStatus(
      steward_->GetLineage(LineageOf("datasets/bestaat-niet"), &response),
      StatusCode::NOT_FOUND, ""));
}

TEST_F(LineageServiceTest, GetLineageNodesDescribeDatasetsAndParties) {
  Dataset brp =
      Classified("brp-ingezetenen", catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  brp.set_title("BRP ingezetenen");
  brp.set_domain("Burgerzaken");
  brp.set_registration_type(catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
  brp.set_basisregistratie(catalog::v1::BASISREGISTRATIE_BRP);
  brp.set_municipal_role(catalog::v1::MUNICIPAL_ROLE_BRONHOUDER);
  SetPersonalData(&brp);
  steward_->CreateDatasetOk(brp);
  ExternalParty party = ValidParty("belastingdienst");
  party.set_name("Belastingdienst");
  party.set_kind(catalog::v1::PARTY_KIND_BELASTINGDIENST);
  steward_->CreatePartyOk(party);
  steward_->LinkOk("brp-ingezetenen", PartyNode("belastingdienst"));

  // Every view gives names, depth, confidentiality and the personal-data
  // flag (from memory); the full view also the details from the records.
  for (catalog::v1::LineageView view :
       {catalog::v1::LINEAGE_VIEW_UNSPECIFIED, catalog::v1::LINEAGE_VIEW_BASIC,
        catalog::v1::LINEAGE_VIEW_FULL}) {
    SCOPED_TRACE(catalog::v1::LineageView_Name(view));
    const bool full = view == catalog::v1::LINEAGE_VIEW_FULL;
    GetLineageRequest request = LineageOf("brp-ingezetenen");
    request.set_view(view);
    const GetLineageResponse response = Lineage(request);
    ASSERT_EQ(response.nodes_size(), 2);
    const LineageNode& root = response.nodes(0);
    EXPECT_EQ(root.name(), "datasets/brp-ingezetenen");
    EXPECT_EQ(root.confidentiality(),
              catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
    EXPECT_TRUE(root.contains_personal_data());
    EXPECT_FALSE(root.hidden());
    EXPECT_EQ(root.title(), full ? "BRP ingezetenen" : "");
    EXPECT_EQ(root.domain(), full ? "Burgerzaken" : "");
    EXPECT_EQ(root.registration_type(),
              full ? catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE
                   : catalog::v1::REGISTRATION_TYPE_UNSPECIFIED);
    EXPECT_EQ(root.basisregistratie(), full ? catalog::v1::BASISREGISTRATIE_BRP
                                            : catalog::v1::BASISREGISTRATIE_UNSPECIFIED);
    const LineageNode& node = response.nodes(1);
    EXPECT_EQ(node.name(), "parties/belastingdienst");
    EXPECT_EQ(node.depth(), 1);
    EXPECT_EQ(node.title(), full ? "Belastingdienst" : "");
    EXPECT_EQ(node.party_kind(), full ? catalog::v1::PARTY_KIND_BELASTINGDIENST
                                      : catalog::v1::PARTY_KIND_UNSPECIFIED);
    ASSERT_EQ(response.edges_size(), 1);
    EXPECT_EQ(response.edges(0).relation(),
              catalog::v1::LINEAGE_RELATION_DELIVERY);
  }
}

TEST_F(LineageServiceTest,
       GetLineageViewFullReturnsEdgeFieldsAndBasicOnlyTheShape) {
  Dataset bron = ValidDataset("bron");
  AddField(&bron, "naam");
  steward_->CreateDatasetOk(bron);
  Dataset doel = ValidDataset("doel");
  AddField(&doel, "naam");
  steward_->CreateDatasetOk(doel);
  LineageEdge input = ValidEdge("bron", "doel");
  input.set_process("ETL nachtrun");
  input.set_description("Dagelijkse kopie");
  input.set_purpose("Beleidsinformatie");
  input.set_legal_basis(
      catalog::v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);
  input.set_frequency(catalog::v1::UPDATE_FREQUENCY_DAILY);
  catalog::v1::ColumnMapping* mapping = input.add_column_mappings();
  mapping->set_source_field("naam");
  mapping->set_target_field("naam");
  const LineageEdge stored = steward_->CreateEdgeOk(input);

  GetLineageRequest request = LineageOf("bron");
  request.set_view(catalog::v1::LINEAGE_VIEW_FULL);
  const GetLineageResponse full = Lineage(request);
  ASSERT_EQ(full.edges_size(), 1);
  EXPECT_EQ(full.edges(0).process(), "ETL nachtrun");
  EXPECT_EQ(full.edges(0).description(), "Dagelijkse kopie");
  EXPECT_EQ(full.edges(0).purpose(), "Beleidsinformatie");
  EXPECT_EQ(full.edges(0).legal_basis(),
            catalog::v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);
  EXPECT_EQ(full.edges(0).frequency(), catalog::v1::UPDATE_FREQUENCY_DAILY);
  EXPECT_EQ(full.edges(0).column_mappings_size(), 1);
  EXPECT_EQ(full.edges(0).revision(), stored.revision());

  for (catalog::v1::LineageView view :
       {catalog::v1::LINEAGE_VIEW_BASIC,
        catalog::v1::LINEAGE_VIEW_UNSPECIFIED}) {
    SCOPED_TRACE(catalog::v1::LineageView_Name(view));
    request.set_view(view);
    const GetLineageResponse basic = Lineage(request);
    ASSERT_EQ(basic.edges_size(), 1);
    LineageEdge shape;
    shape.set_source("datasets/bron");
    shape.set_target("datasets/doel");
    shape.set_relation(catalog::v1::LINEAGE_RELATION_DERIVED);
    LineageEdge got = basic.edges(0);
    got.clear_name();  // The name is derived from the endpoints: allowed either
                       // way.
    EXPECT_TRUE(SameMessage(got, shape));
  }
}

// Column lineage: brp-personen (bsn, geboortedatum, adres_id) feeds
// wmo-clienten (bsn, leeftijd) and adressen (adres_id); wmo-aanvragen
// (voorziening) feeds wmo-clienten (voorziening); wmo-clienten feeds
// wmo-rapport (aantal_clienten from bsn, leeftijdsklasse from leeftijd) and
// wmo-dashboard (no mappings).
class ColumnLineageTest : public LineageServiceTest {
 protected:
  void SetUp() override {
    LineageServiceTest::SetUp();
    CreateWithFields("brp-personen", {"bsn", "geboortedatum", "adres_id"});
    CreateWithFields("wmo-aanvragen", {"voorziening"});
    CreateWithFields("wmo-clienten", {"bsn", "leeftijd", "voorziening"});
    CreateWithFields("adressen", {"adres_id"});
    CreateWithFields("wmo-rapport", {"aantal_clienten", "leeftijdsklasse"});
    CreateWithFields("wmo-dashboard", {"bsn"});
    Map("brp-personen", "wmo-clienten",
        {{"bsn", "bsn"}, {"geboortedatum", "leeftijd"}});
    Map("brp-personen", "adressen", {{"adres_id", "adres_id"}});
    Map("wmo-aanvragen", "wmo-clienten", {{"voorziening", "voorziening"}});
    Map("wmo-clienten", "wmo-rapport",
        {{"bsn", "aantal_clienten"}, {"leeftijd", "leeftijdsklasse"}});
    Map("wmo-clienten", "wmo-dashboard", {});
  }

  void CreateWithFields(const std::string& id,
                        const std::vector<std::string>& fields) {
    Dataset dataset = ValidDataset(id);
    for (const std::string& field : fields) AddField(&dataset, field);
    steward_->CreateDatasetOk(dataset);
  }

  void Map(const std::string& source, const std::string& target,
           const std::vector<std::pair<std::string, std::string>>& mappings) {
    LineageEdge edge = ValidEdge(source, target);
    for (const auto& [from, to] : mappings) {
      catalog::v1::ColumnMapping* mapping = edge.add_column_mappings();
      mapping->set_source_field(from);
      mapping->set_target_field(to);
    }
    steward_->CreateEdgeOk(edge);
  }

  // Node name -> fields reached.
  using FieldMap = std::map<std::string, std::vector<std::string>>;
  FieldMap FieldsReached(const std::string& root, const std::string& field,
                         LineageDirection direction) {
    GetLineageRequest request = LineageOf(root, direction);
    request.set_field(field);
    const GetLineageResponse response = Lineage(request);
    std::map<std::string, std::vector<std::string>> fields;
    for (const LineageNode& node : response.nodes()) {
      fields[node.name()] =
          std::vector<std::string>(node.fields().begin(), node.fields().end());
    }
    return fields;
  }
};

TEST_F(ColumnLineageTest, DownstreamFollowsOnlyMappingsOfTheTrackedField) {
  EXPECT_EQ(FieldsReached("brp-personen", "bsn",
                          catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM),
            (FieldMap{{"datasets/brp-personen", {"bsn"}},
                      {"datasets/wmo-clienten", {"bsn"}},
                      {"datasets/wmo-rapport", {"aantal_clienten"}}}));
  EXPECT_EQ(FieldsReached("brp-personen", "geboortedatum",
                          catalog::v1::LINEAGE_DIRECTION_UNSPECIFIED),
            (FieldMap{{"datasets/brp-personen", {"geboortedatum"}},
                      {"datasets/wmo-clienten", {"leeftijd"}},
                      {"datasets/wmo-rapport", {"leeftijdsklasse"}}}));
  EXPECT_EQ(FieldsReached("brp-personen", "adres_id",
                          catalog::v1::LINEAGE_DIRECTION_DOWNSTREAM),
            (FieldMap{{"datasets/brp-personen", {"adres_id"}},
                      {"datasets/adressen", {"adres_id"}}}));
  // The whole-dataset traversal reaches every downstream dataset.
  EXPECT_EQ(Lineage(LineageOf("brp-personen")).nodes_size(), 5);
}

TEST_F(ColumnLineageTest, ColumnModeReturnsOnlyEdgesBetweenTheNodesReached) {
  GetLineageRequest request = LineageOf("brp-personen");
  request.set_field("bsn");
  const GetLineageResponse response = Lineage(request);
  EXPECT_THAT(
      EdgeKeys(response.edges()),
      UnorderedElementsAre("datasets/brp-personen -> datasets/wmo-clienten",
                           "datasets/wmo-clienten -> datasets/wmo-rapport"));
}

TEST_F(ColumnLineageTest, UpstreamFindsWhereAFieldComesFrom) {
  EXPECT_EQ(FieldsReached("wmo-rapport", "leeftijdsklasse",
                          catalog::v1::LINEAGE_DIRECTION_UPSTREAM),
            (FieldMap{{"datasets/wmo-rapport", {"leeftijdsklasse"}},
                      {"datasets/wmo-clienten", {"leeftijd"}},
                      {"datasets/brp-personen", {"geboortedatum"}}}));
  EXPECT_EQ(FieldsReached("wmo-clienten", "voorziening",
                          catalog::v1::LINEAGE_DIRECTION_UPSTREAM),
            (FieldMap{{"datasets/wmo-clienten", {"voorziening"}},
                      {"datasets/wmo-aanvragen", {"voorziening"}}}));
}

// ---------------------------------------------------------------------------
// AnalyzeImpact

TEST_F(LineageServiceTest, AnalyzeImpactReportsEverythingDownstreamByLevel) {
  // bron -> verwerkt -> rapport -> cbs (delivery); bron -> kopie
  // (vertrouwelijk); bron -> belastingdienst (delivery). Upstream of bron:
  // herkomst (not affected).
  Dataset bron = ValidDataset("bron");
  SetPersonalData(&bron);
  steward_->CreateDatasetOk(bron);
  Dataset verwerkt = ValidDataset("verwerkt");
  SetPersonalData(&verwerkt);
  steward_->CreateDatasetOk(verwerkt);
  Dataset kopie =
      Classified("kopie", catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  SetPersonalData(&kopie);
  steward_->CreateDatasetOk(kopie);
  CreateDatasets({"rapport", "herkomst"});
  steward_->CreatePartyOk(ValidParty("cbs"));
  steward_->CreatePartyOk(ValidParty("belastingdienst"));
  steward_->LinkOk("herkomst", "bron");
  steward_->LinkOk("bron", "verwerkt");
  steward_->LinkOk("verwerkt", "rapport");
  LineageEdge to_cbs = ValidEdge("rapport", PartyNode("cbs"));
  to_cbs.set_purpose("Statistiek");
  to_cbs.set_legal_basis(catalog::v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  steward_->CreateEdgeOk(to_cbs);
  steward_->LinkOk("bron", "kopie");
  LineageEdge to_bd = ValidEdge("bron", PartyNode("belastingdienst"));
  to_bd.set_purpose("Heffing");
  to_bd.set_legal_basis(
      catalog::v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);
  steward_->CreateEdgeOk(to_bd);

  AnalyzeImpactRequest request;
  request.set_root("bron");
  const AnalyzeImpactResponse impact = steward_->AnalyzeImpactOk(request);

  EXPECT_EQ(impact.root().name(), "datasets/bron");
  EXPECT_EQ(impact.root().depth(), 0);
  ASSERT_EQ(impact.levels_size(), 3) << impact.DebugString();
  const ImpactLevel& first = impact.levels(0);
  EXPECT_EQ(first.depth(), 1);
  EXPECT_THAT(NodeNames(first.datasets()),
              UnorderedElementsAre("datasets/verwerkt", "datasets/kopie"));
  EXPECT_THAT(NodeNames(first.parties()),
              ElementsAre("parties/belastingdienst"));
  EXPECT_EQ(first.hidden_datasets(), 0);
  const ImpactLevel& second = impact.levels(1);
  EXPECT_EQ(second.depth(), 2);
  EXPECT_THAT(NodeNames(second.datasets()), ElementsAre("datasets/rapport"));
  EXPECT_THAT(second.parties(), IsEmpty());
  const ImpactLevel& third = impact.levels(2);
  EXPECT_EQ(third.depth(), 3);
  EXPECT_THAT(third.datasets(), IsEmpty());
  EXPECT_THAT(NodeNames(third.parties()), ElementsAre("parties/cbs"));

  EXPECT_EQ(impact.datasets(), 3);
  EXPECT_EQ(impact.hidden_datasets(), 0);
  EXPECT_EQ(impact.personal_data_datasets(), 2);
  EXPECT_EQ(impact.highest_confidentiality(),
            catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  EXPECT_EQ(impact.parties(), 2);
  EXPECT_FALSE(impact.truncated());
  ASSERT_EQ(impact.deliveries_size(), 2);
  std::map<std::string, LineageEdge> deliveries;
  for (const LineageEdge& edge : impact.deliveries())
    deliveries[edge.target()] = edge;
  ASSERT_EQ(deliveries.count("parties/cbs"), 1u);
  EXPECT_EQ(deliveries["parties/cbs"].source(), "datasets/rapport");
  EXPECT_EQ(deliveries["parties/cbs"].relation(),
            catalog::v1::LINEAGE_RELATION_DELIVERY);
  EXPECT_EQ(deliveries["parties/cbs"].purpose(), "Statistiek");
  EXPECT_EQ(deliveries["parties/cbs"].legal_basis(),
            catalog::v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  ASSERT_EQ(deliveries.count("parties/belastingdienst"), 1u);
  EXPECT_EQ(deliveries["parties/belastingdienst"].purpose(), "Heffing");
  EXPECT_EQ(deliveries["parties/belastingdienst"].legal_basis(),
            catalog::v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);

  // From further down only what lies below.
  request.set_root("datasets/rapport");
  const AnalyzeImpactResponse below = steward_->AnalyzeImpactOk(request);
  EXPECT_EQ(below.datasets(), 0);
  EXPECT_EQ(below.parties(), 1);
  EXPECT_EQ(below.personal_data_datasets(), 0);
  EXPECT_EQ(below.deliveries_size(), 1);
}

TEST_F(LineageServiceTest, AnalyzeImpactFollows50LevelsByDefault) {
  std::vector<std::string> chain;
  for (int i = 0; i <= 52; ++i)
    chain.push_back(absl::StrFormat("schakel-%02d", i));
  CreateChain(chain);
  AnalyzeImpactRequest request;
  request.set_root("schakel-00");
  const AnalyzeImpactResponse impact = steward_->AnalyzeImpactOk(request);
  ASSERT_EQ(impact.levels_size(), 50);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(impact.levels(i).depth(), i + 1);
    ASSERT_EQ(impact.levels(i).datasets_size(), 1);
    EXPECT_EQ(impact.levels(i).datasets(0).name(), DatasetNode(chain[i + 1]));
  }
  EXPECT_EQ(impact.datasets(), 50);

  request.set_max_depth(3);
  const AnalyzeImpactResponse three = steward_->AnalyzeImpactOk(request);
  EXPECT_EQ(three.levels_size(), 3);
  EXPECT_EQ(three.datasets(), 3);
}

TEST_F(LineageServiceTest, AnalyzeImpactOfAnUnknownRootIsNotFound) {
  AnalyzeImpactRequest request;
  request.set_root("bestaat-niet");
  AnalyzeImpactResponse ignored;
  EXPECT_TRUE(HasStatus(steward_->AnalyzeImpact(request, &ignored),
                        StatusCode::NOT_FOUND, ""));
}

// ---------------------------------------------------------------------------
// ListLineageFindings

class FindingsTest : public LineageServiceTest {
 protected:
  std::vector<LineageFinding> Findings(const std::string& dataset = "") {
    ListLineageFindingsRequest request;
    request.set_dataset(dataset);
    return steward_->ListAllFindings(request);
  }
};

TEST_F(FindingsTest, ClassificationBelowSourceIsHighForPersonalDataElseMedium) {
  Dataset personal =
      Classified("persoonlijk", catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  SetPersonalData(&personal);
  steward_->CreateDatasetOk(personal);
  steward_->CreateDatasetOk(
      Classified("zakelijk", catalog::v1::CONFIDENTIALITY_VERTROUWELIJK));
  steward_->CreateDatasetOk(
      Classified("laag-a", catalog::v1::CONFIDENTIALITY_INTERN));
  steward_->CreateDatasetOk(
      Classified("laag-b", catalog::v1::CONFIDENTIALITY_OPENBAAR));
  steward_->CreateDatasetOk(
      Classified("gelijk", catalog::v1::CONFIDENTIALITY_VERTROUWELIJK));
  steward_->CreatePartyOk(ValidParty("cbs"));
  steward_->LinkOk("persoonlijk", "laag-a");  // DERIVED, lower: HIGH.
  LineageEdge copy = ValidEdge("zakelijk", "laag-b");
  copy.set_relation(catalog::v1::LINEAGE_RELATION_SOURCE);
  steward_->CreateEdgeOk(copy);               // SOURCE, lower: MEDIUM.
  steward_->LinkOk("persoonlijk", "gelijk");  // Same level: fine.
  steward_->LinkOk("laag-a", "zakelijk");     // Higher: fine.
  steward_->LinkOk("persoonlijk",
                   PartyNode("cbs"));  // A delivery: not this rule.

  const std::vector<LineageFinding> findings = Findings();
  ASSERT_EQ(findings.size(), 2u) << ::testing::PrintToString(findings);
  std::map<std::string, LineageFinding> by_target;
  for (const LineageFinding& f : findings) by_target[f.target()] = f;
  const LineageFinding& high = by_target["datasets/laag-a"];
  EXPECT_EQ(high.rule(),
            catalog::v1::LINEAGE_FINDING_RULE_CLASSIFICATION_BELOW_SOURCE);
  EXPECT_EQ(high.severity(), catalog::v1::SEVERITY_HIGH);
  EXPECT_EQ(high.source(), "datasets/persoonlijk");
  EXPECT_EQ(high.source_confidentiality(),
            catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  EXPECT_EQ(high.target_confidentiality(), catalog::v1::CONFIDENTIALITY_INTERN);
  EXPECT_FALSE(high.message().empty());
  const LineageFinding& medium = by_target["datasets/laag-b"];
  EXPECT_EQ(medium.rule(),
            catalog::v1::LINEAGE_FINDING_RULE_CLASSIFICATION_BELOW_SOURCE);
  EXPECT_EQ(medium.severity(), catalog::v1::SEVERITY_MEDIUM);
  EXPECT_EQ(medium.source(), "datasets/zakelijk");
  EXPECT_EQ(medium.source_confidentiality(),
            catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  EXPECT_EQ(medium.target_confidentiality(),
            catalog::v1::CONFIDENTIALITY_OPENBAAR);
  // By target.
  EXPECT_EQ(findings[0].target(), "datasets/laag-a");
  EXPECT_EQ(findings[1].target(), "datasets/laag-b");
}

TEST_F(FindingsTest, PersonalFieldMappedIntoADatasetWithoutPersonalDataIsHigh) {
  Dataset bron = ValidDataset("bron");
  SetPersonalData(&bron);
  AddField(&bron, "bsn", true);
  AddField(&bron, "wijk");
  steward_->CreateDatasetOk(bron);
  Dataset ongemarkeerd = ValidDataset("ongemarkeerd");
  AddField(&ongemarkeerd, "sleutel");
  AddField(&ongemarkeerd, "wijk");
  steward_->CreateDatasetOk(ongemarkeerd);
  Dataset gemarkeerd = ValidDataset("gemarkeerd");
  SetPersonalData(&gemarkeerd);
  AddField(&gemarkeerd, "bsn", true);
  steward_->CreateDatasetOk(gemarkeerd);

  LineageEdge leak = ValidEdge("bron", "ongemarkeerd");
  for (const auto& [from, to] :
       {std::pair{"bsn", "sleutel"}, std::pair{"wijk", "wijk"}}) {
    catalog::v1::ColumnMapping* mapping = leak.add_column_mappings();
    mapping->set_source_field(from);
    mapping->set_target_field(to);
  }
  steward_->CreateEdgeOk(leak);
  LineageEdge fine = ValidEdge("bron", "gemarkeerd");
  catalog::v1::ColumnMapping* mapping = fine.add_column_mappings();
  mapping->set_source_field("bsn");
  mapping->set_target_field("bsn");
  steward_->CreateEdgeOk(fine);

  const std::vector<LineageFinding> findings = Findings();
  ASSERT_EQ(findings.size(), 1u) << ::testing::PrintToString(findings);
  EXPECT_EQ(findings[0].rule(),
            catalog::v1::LINEAGE_FINDING_RULE_PERSONAL_DATA_NOT_MARKED);
  EXPECT_EQ(findings[0].severity(), catalog::v1::SEVERITY_HIGH);
  EXPECT_EQ(findings[0].source(), "datasets/bron");
  EXPECT_EQ(findings[0].target(), "datasets/ongemarkeerd");
  EXPECT_EQ(findings[0].source_field(), "bsn");
  EXPECT_EQ(findings[0].target_field(), "sleutel");
  EXPECT_FALSE(findings[0].message().empty());
}

TEST_F(FindingsTest, DatasetFilterKeepsFindingsAboutEdgesIntoThatDataset) {
  Dataset hoog = Classified("hoog", catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  steward_->CreateDatasetOk(hoog);
  steward_->CreateDatasetOk(
      Classified("laag-a", catalog::v1::CONFIDENTIALITY_INTERN));
  steward_->CreateDatasetOk(
      Classified("laag-b", catalog::v1::CONFIDENTIALITY_INTERN));
  steward_->LinkOk("hoog", "laag-a");
  steward_->LinkOk("hoog", "laag-b");

  for (const char* filter : {"laag-b", "datasets/laag-b"}) {
    SCOPED_TRACE(filter);
    const std::vector<LineageFinding> findings = Findings(filter);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].target(), "datasets/laag-b");
  }
  EXPECT_THAT(Findings("hoog"), IsEmpty()) << "only edges into the dataset";
  EXPECT_EQ(Findings().size(), 2u);

  ListLineageFindingsRequest request;
  request.set_page_size(1);
  const std::vector<LineageFinding> paged = steward_->ListAllFindings(request);
  EXPECT_EQ(paged.size(), 2u);
  request.set_page_size(1001);
  catalog::v1::ListLineageFindingsResponse all;
  EXPECT_TRUE(IsOk(steward_->lineage().ListLineageFindings(Context().get(), request, &all)));
  EXPECT_EQ(all.findings_size(), 2);
}

}  // namespace
}  // namespace catalog::testing
