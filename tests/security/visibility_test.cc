// The read paths the one visibility rule (server/core/visibility.h) closed:
// the audit listing for an auditor of low clearance, per-principal read
// counts in the landscape, transformation notes of redacted fields, and
// purpose binding (doelbinding) against the declared purposes.
//
// Policy: the auditor has clearance intern here (not zeer_geheim as in the
// rest of the suite), the reader intern and must state a purpose, the admin
// zeer_geheim. Hidden things carry the word "Zwaluw": no answer to a caller
// who may not see them may contain it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "catalog/v1/landscape_service.grpc.pb.h"
#include "catalog/v1/quality_service.grpc.pb.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/security/security_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using grpc::StatusCode;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kSecret[] = "Zwaluw";
constexpr char kPurpose[] = "Uitvoering Wmo";
// A basisregistratie at intern with personal data; its field bsn is geheim.
constexpr char kBrp[] = "brp-personen";
// Derived from it, intern; its field bsn_hash is geheim too.
constexpr char kDerived[] = "wmo-clienten";
// Geheim as a whole.
constexpr char kHidden[] = "zwaluw-informanten";

class VisibilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = SecureServer::Start(
        PolicyToml({{"admin", "", {"admin"}, "zeer_geheim", {}},
                    {"auditor", "", {"auditor"}, "intern", {}},
                    {"reader", "", {"reader"}, "intern", {}},
                    {"steward", "", {"steward"}, "vertrouwelijk", {}}},
                   /*purpose_required_for=*/{"reader"}),
        {});
    ASSERT_NE(server_, nullptr);
    v1::Dataset brp = DatasetAt(kBrp, v1::CONFIDENTIALITY_INTERN);
    brp.set_registration_type(v1::REGISTRATION_TYPE_BASISREGISTRATIE);
    brp.set_basisregistratie(v1::BASISREGISTRATIE_BRP);
    brp.set_municipal_role(v1::MUNICIPAL_ROLE_BRONHOUDER);
    brp.mutable_personal_data()->set_contains_personal_data(true);
    brp.mutable_personal_data()->set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
    brp.mutable_personal_data()->add_purposes(kPurpose);
    AddField(&brp, "bsn", v1::CONFIDENTIALITY_GEHEIM);
    AddField(&brp, "straat", v1::CONFIDENTIALITY_OPENBAAR);
    Create(brp);
    v1::Dataset derived = DatasetAt(kDerived, v1::CONFIDENTIALITY_INTERN);
    AddField(&derived, "bsn_hash", v1::CONFIDENTIALITY_GEHEIM);
    AddField(&derived, "straat", v1::CONFIDENTIALITY_OPENBAAR);
    Create(derived);
    v1::Dataset hidden = DatasetAt(kHidden, v1::CONFIDENTIALITY_GEHEIM);
    hidden.set_title(absl::StrCat("Operatie ", kSecret));
    Create(hidden);

    v1::CreateEdgeRequest edge;
    edge.mutable_edge()->set_source(kBrp);
    edge.mutable_edge()->set_target(kDerived);
    edge.mutable_edge()->set_relation(v1::LINEAGE_RELATION_DERIVED);
    AddMapping(edge.mutable_edge(), "bsn", "bsn_hash", absl::StrCat("SHA-256 met ", kSecret, "-zout"));
    AddMapping(edge.mutable_edge(), "straat", "straat", "hoofdletters");
    v1::LineageEdge created;
    ASSERT_TRUE(IsOk(server_->Lineage("admin")->CreateEdge(CallContext().get(), edge, &created)));
  }

  static void AddField(v1::Dataset* d, const std::string& name, v1::Confidentiality level) {
    v1::SchemaField* f = d->add_schema_fields();
    f->set_name(name);
    f->set_type("string");
    f->set_description(absl::StrCat("Veld ", name, level == v1::CONFIDENTIALITY_GEHEIM
                                                       ? absl::StrCat(" ", kSecret)
                                                       : ""));
    f->set_confidentiality(level);
  }

  static void AddMapping(v1::LineageEdge* edge, const std::string& from, const std::string& to,
                         const std::string& how) {
    v1::ColumnMapping* m = edge->add_column_mappings();
    m->set_source_field(from);
    m->set_target_field(to);
    m->set_transformation(how);
  }

  void Create(const v1::Dataset& dataset) {
    v1::CreateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    v1::Dataset stored;
    ASSERT_TRUE(IsOk(server_->Catalog("admin")->CreateDataset(CallContext().get(), request,
                                                              &stored)))
        << dataset.id();
  }

  grpc::Status GetDataset(const std::string& who, const std::string& id,
                          const std::string& purpose) {
    v1::GetDatasetRequest request;
    request.set_id(id);
    v1::Dataset out;
    return server_->Catalog(who)->GetDataset(CallContext("", purpose).get(), request, &out);
  }

  grpc::Status GetLineage(const std::string& who, v1::LineageView view,
                          const std::string& purpose, v1::GetLineageResponse* out) {
    v1::GetLineageRequest request;
    request.set_root(kBrp);
    request.set_view(view);
    return server_->Lineage(who)->GetLineage(CallContext("", purpose).get(), request, out);
  }

  std::vector<v1::AuditEvent> Events(const std::string& who, v1::ListAuditEventsRequest request) {
    std::vector<v1::AuditEvent> events;
    EXPECT_TRUE(IsOk(ListAllEvents(*server_->Audit(who), request, &events)));
    return events;
  }

  v1::Landscape Landscape(const std::string& who) {
    v1::Landscape out;
    EXPECT_TRUE(IsOk(v1::LandscapeService::NewStub(server_->Channel(who))
                         ->GetLandscape(CallContext().get(), {}, &out)));
    return out;
  }

  // The mappings of the kBrp -> kDerived edge, by source field.
  static std::map<std::string, v1::ColumnMapping> Mappings(const v1::LineageEdge& edge) {
    std::map<std::string, v1::ColumnMapping> by_field;
    for (const v1::ColumnMapping& m : edge.column_mappings()) by_field[m.source_field()] = m;
    return by_field;
  }

  static void ExpectBsnNoteWithheld(const v1::LineageEdge& edge) {
    std::map<std::string, v1::ColumnMapping> m = Mappings(edge);
    ASSERT_EQ(m.size(), 2u) << edge.ShortDebugString();
    EXPECT_EQ(m["bsn"].target_field(), "bsn_hash") << "field names stay, as in the schema";
    EXPECT_EQ(m["bsn"].transformation(), "");
    EXPECT_TRUE(m["bsn"].redacted());
    EXPECT_EQ(m["straat"].transformation(), "hoofdletters");
    EXPECT_FALSE(m["straat"].redacted());
    EXPECT_THAT(edge.ShortDebugString(), Not(HasSubstr(kSecret)));
  }

  std::unique_ptr<SecureServer> server_;
};

// ---- The audit listing ----

TEST_F(VisibilityTest, LowClearanceAuditorSeesHiddenResourcesRedacted) {
  ASSERT_TRUE(IsOk(GetDataset("admin", kHidden, "")));
  v1::ListAuditEventsRequest oldest_first;
  oldest_first.set_oldest_first(true);
  const std::vector<v1::AuditEvent> all = Events("admin", oldest_first);
  const std::vector<v1::AuditEvent> seen = Events("auditor", oldest_first);

  // The same entries, in the same order: redacted, not left out.
  ASSERT_GE(seen.size(), all.size());
  int redacted = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const v1::AuditEvent& full = all[i];
    const v1::AuditEvent& shown = seen[i];
    ASSERT_EQ(shown.sequence(), full.sequence());
    EXPECT_THAT(shown.ShortDebugString(), Not(HasSubstr("zwaluw")));
    const bool names_hidden = absl::StrContains(full.ShortDebugString(), kHidden);
    if (names_hidden) {
      ++redacted;
      EXPECT_THAT(shown.resources(), ::testing::Contains("hidden"));
      EXPECT_EQ(shown.hash(), "") << "a hash would let the auditor test guesses of the name";
      EXPECT_EQ(shown.principal(), full.principal());
      EXPECT_EQ(shown.method(), full.method());
    } else {
      EXPECT_EQ(shown.resources_size(), full.resources_size());
      EXPECT_EQ(shown.hash(), full.hash());
    }
    if (i > 0 && absl::StrContains(all[i - 1].ShortDebugString(), kHidden)) {
      EXPECT_EQ(shown.prev_hash(), "") << "the hash of the redacted entry before it";
    } else if (!names_hidden) {
      EXPECT_EQ(shown.prev_hash(), full.prev_hash());
    }
  }
  EXPECT_EQ(redacted, 2) << "its creation and the admin's read";
}

TEST_F(VisibilityTest, LowClearanceAuditorCannotProbeForHiddenNames) {
  ASSERT_TRUE(IsOk(GetDataset("admin", kHidden, "")));
  v1::ListAuditEventsRequest about;
  about.set_resource(absl::StrCat("datasets/", kHidden));
  EXPECT_THAT(Events("auditor", about), IsEmpty());
  EXPECT_EQ(Events("admin", about).size(), 2u);
  // Exactly as for a name that never existed.
  about.set_resource("datasets/bestaat-niet");
  EXPECT_THAT(Events("auditor", about), IsEmpty());
  // A visible dataset is found as before.
  about.set_resource(absl::StrCat("datasets/", kBrp));
  EXPECT_FALSE(Events("auditor", about).empty());
}

TEST_F(VisibilityTest, AuditorPagesThroughRedactedEntriesToTheEnd) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(IsOk(GetDataset("admin", kHidden, "")));
  v1::ListAuditEventsRequest request;
  request.set_page_size(2);
  request.set_method("GetDataset");
  request.set_principal("admin");
  const std::vector<v1::AuditEvent> events = Events("auditor", request);
  ASSERT_EQ(events.size(), 5u);
  for (const v1::AuditEvent& e : events) {
    EXPECT_THAT(e.resources(), ::testing::ElementsAre("hidden"));
  }
}

// ---- The landscape ----

TEST_F(VisibilityTest, ReadCountsPerPrincipalAreForAuditorsOnly) {
  ASSERT_TRUE(IsOk(GetDataset("reader", kBrp, kPurpose)));
  ASSERT_TRUE(IsOk(GetDataset("steward", kBrp, "")));
  ASSERT_TRUE(IsOk(GetDataset("steward", kBrp, "")));
  for (const std::string who : {"reader", "steward"}) {
    const v1::Landscape landscape = Landscape(who);
    ASSERT_EQ(landscape.basisregistratie_use_size(), 1) << who;
    const v1::BasisregistratieUse& use = landscape.basisregistratie_use(0);
    EXPECT_EQ(use.reads(), 3) << who;
    EXPECT_EQ(use.distinct_readers(), 2) << who;
    EXPECT_THAT(use.readers(), IsEmpty()) << who << " may not see who read how often";
  }
  for (const std::string who : {"auditor", "admin"}) {
    const v1::Landscape landscape = Landscape(who);
    ASSERT_EQ(landscape.basisregistratie_use_size(), 1) << who;
    const v1::BasisregistratieUse& use = landscape.basisregistratie_use(0);
    ASSERT_EQ(use.readers_size(), 2) << who;
    EXPECT_EQ(use.readers(0).key(), "steward");
    EXPECT_EQ(use.readers(0).count(), 2);
    EXPECT_EQ(use.readers(1).key(), "reader");
    EXPECT_EQ(use.readers(1).count(), 1);
  }
}

TEST_F(VisibilityTest, OnlyContentReadsCountAsUse) {
  // Refused and failed calls, and calls that only name the dataset, do not
  // count as reads of it.
  EXPECT_EQ(GetDataset("reader", kBrp, "iets anders").error_code(), StatusCode::PERMISSION_DENIED);
  v1::GetEdgeRequest edge;
  edge.set_source(kBrp);
  edge.set_target(kDerived);
  v1::LineageEdge out;
  ASSERT_TRUE(IsOk(server_->Lineage("steward")->GetEdge(CallContext().get(), edge, &out)));
  v1::GetLineageResponse lineage;
  ASSERT_TRUE(IsOk(GetLineage("steward", v1::LINEAGE_VIEW_BASIC, "", &lineage)));
  const v1::Landscape landscape = Landscape("admin");
  ASSERT_EQ(landscape.basisregistratie_use_size(), 1);
  const v1::BasisregistratieUse& use = landscape.basisregistratie_use(0);
  EXPECT_EQ(use.reads(), 1) << "only GetLineage read it";
  EXPECT_EQ(use.distinct_readers(), 1);
}

// ---- Transformation notes of redacted fields ----

TEST_F(VisibilityTest, TransformationOfARedactedFieldIsWithheldOnEveryPath) {
  v1::GetEdgeRequest get;
  get.set_source(kBrp);
  get.set_target(kDerived);
  v1::LineageEdge edge;
  ASSERT_TRUE(IsOk(server_->Lineage("steward")->GetEdge(CallContext().get(), get, &edge)));
  ExpectBsnNoteWithheld(edge);

  v1::ListEdgesRequest list;
  list.set_node(kBrp);
  v1::ListEdgesResponse listed;
  ASSERT_TRUE(IsOk(server_->Lineage("reader")->ListEdges(CallContext().get(), list, &listed)));
  ASSERT_EQ(listed.edges_size(), 1);
  ExpectBsnNoteWithheld(listed.edges(0));

  v1::GetLineageResponse lineage;
  ASSERT_TRUE(IsOk(GetLineage("reader", v1::LINEAGE_VIEW_FULL, kPurpose, &lineage)));
  ASSERT_EQ(lineage.edges_size(), 1);
  ExpectBsnNoteWithheld(lineage.edges(0));

  v1::GetLineageRequest column;
  column.set_root(kBrp);
  column.set_field("bsn");
  column.set_view(v1::LINEAGE_VIEW_FULL);
  v1::GetLineageResponse columns;
  ASSERT_TRUE(IsOk(server_->Lineage("steward")->GetLineage(CallContext().get(), column, &columns)));
  ASSERT_EQ(columns.edges_size(), 1);
  ASSERT_EQ(columns.edges(0).column_mappings_size(), 1);
  EXPECT_EQ(columns.edges(0).column_mappings(0).transformation(), "");
  EXPECT_TRUE(columns.edges(0).column_mappings(0).redacted());
}

TEST_F(VisibilityTest, TransformationIsShownToWhoeverSeesTheField) {
  v1::GetEdgeRequest get;
  get.set_source(kBrp);
  get.set_target(kDerived);
  v1::LineageEdge edge;
  ASSERT_TRUE(IsOk(server_->Lineage("admin")->GetEdge(CallContext().get(), get, &edge)));
  std::map<std::string, v1::ColumnMapping> m = Mappings(edge);
  EXPECT_EQ(m["bsn"].transformation(), absl::StrCat("SHA-256 met ", kSecret, "-zout"));
  EXPECT_FALSE(m["bsn"].redacted());
}

// ---- Doelbinding ----

TEST_F(VisibilityTest, PurposeMustBeADeclaredPurposeOfTheDataset) {
  const grpc::Status other = GetDataset("reader", kBrp, "nieuwsgierigheid");
  EXPECT_EQ(other.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(other.error_message(), HasSubstr("doelbinding"));
  EXPECT_THAT(other.error_message(), HasSubstr(kPurpose)) << "names what would be accepted";
  EXPECT_EQ(GetDataset("reader", kBrp, "").error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(IsOk(GetDataset("reader", kBrp, kPurpose)));
  EXPECT_TRUE(IsOk(GetDataset("reader", kBrp, "  uitvoering wmo ")))
      << "case and surrounding white space do not matter";
  EXPECT_TRUE(IsOk(GetDataset("reader", kDerived, "nieuwsgierigheid")))
      << "no personal data: no purpose needed";
  EXPECT_TRUE(IsOk(GetDataset("steward", kBrp, "nieuwsgierigheid")))
      << "the policy requires a purpose of readers only";
}

TEST_F(VisibilityTest, ListingLeavesOutWhatTheStatedPurposeDoesNotCover) {
  auto list = [&](const std::string& purpose, grpc::Status* status) {
    v1::ListDatasetsResponse response;
    *status = server_->Catalog("reader")->ListDatasets(CallContext("", purpose).get(), {},
                                                       &response);
    std::vector<std::string> ids;
    for (const v1::Dataset& d : response.datasets()) ids.push_back(d.id());
    return ids;
  };
  grpc::Status status;
  EXPECT_THAT(list("nieuwsgierigheid", &status), ::testing::ElementsAre(kDerived));
  EXPECT_TRUE(IsOk(status));
  EXPECT_THAT(list(kPurpose, &status), ::testing::ElementsAre(kBrp, kDerived));
  EXPECT_TRUE(IsOk(status));
  list("", &status);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
}

TEST_F(VisibilityTest, PurposeIsCheckedOnLineageInTheFullViewAndQualityReports) {
  v1::GetLineageResponse lineage;
  EXPECT_EQ(GetLineage("reader", v1::LINEAGE_VIEW_FULL, "nieuwsgierigheid", &lineage).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(IsOk(GetLineage("reader", v1::LINEAGE_VIEW_FULL, kPurpose, &lineage)));
  EXPECT_TRUE(IsOk(GetLineage("reader", v1::LINEAGE_VIEW_BASIC, "nieuwsgierigheid", &lineage)))
      << "the basic view holds no content of the dataset";

  v1::AnalyzeImpactRequest impact;
  impact.set_root(kBrp);
  v1::AnalyzeImpactResponse analyzed;
  EXPECT_EQ(server_->Lineage("reader")
                ->AnalyzeImpact(CallContext("", "nieuwsgierigheid").get(), impact, &analyzed)
                .error_code(),
            StatusCode::PERMISSION_DENIED);

  auto quality = v1::QualityService::NewStub(server_->Channel("reader"));
  v1::GetQualityReportRequest report;
  report.set_dataset(kBrp);
  v1::QualityReport out;
  EXPECT_EQ(quality->GetQualityReport(CallContext("", "nieuwsgierigheid").get(), report, &out)
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(IsOk(quality->GetQualityReport(CallContext("", kPurpose).get(), report, &out)));
}

TEST_F(VisibilityTest, PurposeRefusalOfAHiddenDatasetSaysNotFound) {
  // Refusing for the purpose would tell the dataset is there.
  const grpc::Status hidden = GetDataset("reader", kHidden, "nieuwsgierigheid");
  EXPECT_EQ(hidden.error_code(), StatusCode::NOT_FOUND);
  EXPECT_THAT(hidden.error_message(), Not(HasSubstr("doelbinding")));
}

}  // namespace
}  // namespace catalog::testing
