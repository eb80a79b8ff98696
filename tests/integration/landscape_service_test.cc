// LandscapeService over real mutual TLS against a real store: a hand-built
// landscape where every breakdown and every finding rule has a known
// answer; clearance (hidden datasets counted nowhere, never named);
// basisregistratie reads counted from the audit trail in the period; the
// facts surviving a restart; request validation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "catalog/v1/landscape_service.grpc.pb.h"
#include "catalog/v1/quality_service.grpc.pb.h"
#include "storage/catalog_store.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::TimeUtil;
using grpc::StatusCode;
using ::testing::ElementsAre;

// The landscape's clock runs 40 days ahead of the real one, so that the
// datasets created now are "old" (concept too long, reports overdue).
const absl::Duration kAhead = absl::Hours(24 * 40);

std::map<std::string, int64_t> Counts(const google::protobuf::RepeatedPtrField<v1::Count>& rows) {
  std::map<std::string, int64_t> m;
  for (const v1::Count& c : rows) m[c.key()] = c.count();
  return m;
}

google::protobuf::Timestamp Ts(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

class LandscapeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer() {
    server::ServerOptions options;
    options.data_dir = dir_.path() + "/data";
    const auto clock = [] { return absl::Now() + kAhead; };
    options.quality.now = clock;
    options.terugmelding.now = clock;
    options.landscape.now = clock;
    server_ = TestServer::Start(options);
    ASSERT_NE(server_, nullptr);
    admin_ = std::make_unique<LineageClient>(server_->Channel("admin"));
  }

  v1::Landscape Get(const std::string& who, v1::GetLandscapeRequest request = {}) {
    v1::Landscape out;
    const grpc::Status s = v1::LandscapeService::NewStub(server_->Channel(who))
                               ->GetLandscape(Context().get(), request, &out);
    EXPECT_TRUE(IsOk(s));
    return out;
  }

  grpc::Status GetStatus(const v1::GetLandscapeRequest& request, const std::string& who = "admin") {
    v1::Landscape out;
    return v1::LandscapeService::NewStub(server_->Channel(who))
        ->GetLandscape(Context().get(), request, &out);
  }

  static void Personal(v1::Dataset* d, bool purposes = true) {
    d->mutable_personal_data()->set_contains_personal_data(true);
    d->mutable_personal_data()->set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
    if (purposes) d->mutable_personal_data()->add_purposes("Uitvoering wettelijke taak");
  }

  void Measure(const std::string& id, v1::QualityDimension dim, double score, absl::Time at) {
    v1::RecordMeasurementRequest r;
    v1::Measurement* m = r.mutable_measurement();
    m->set_dataset(api_name(id));
    m->set_dimension(dim);
    m->set_score(score);
    *m->mutable_measured_at() = Ts(at);
    v1::Measurement out;
    ASSERT_TRUE(IsOk(v1::QualityService::NewStub(server_->Channel("admin"))
                         ->RecordMeasurement(Context().get(), r, &out)));
  }

  // ValidDataset, hosted inside the EEA.
  static v1::Dataset Local(const std::string& id) {
    v1::Dataset d = ValidDataset(id);
    d.mutable_hosting()->set_inside_eea(true);
    return d;
  }

  static std::string api_name(const std::string& id) { return "datasets/" + id; }

  // A dataset without a confidentiality marking, as a store written before
  // the API required one holds: written with the server stopped.
  void WriteUnclassified(const std::string& id) {
    server_.reset();
    {
      storage::StoreOptions store_options;
      store_options.path = dir_.path() + "/data";
      auto store = storage::CatalogStore::Open(store_options);
      ASSERT_TRUE(store.ok()) << store.status();
      v1::Dataset d = Local(id);
      d.clear_classification();
      d.mutable_roles()->set_owner("Afdeling Oud");
      storage::WriteContext context{"admin", "migratie", absl::Now(), std::nullopt, {}};
      ASSERT_TRUE((*store)->CreateDataset(d, context).ok());
      ASSERT_TRUE((*store)->Close().ok());
    }
    StartServer();
  }

  // The hand-built landscape (clearances: reader intern, steward
  // vertrouwelijk, admin zeer_geheim):
  //   brp          BRP bronhouder, Burgerzaken, on premises, intern, personal
  //                data; JUISTHEID 90 against a norm of 95 (below norm);
  //                one terugmelding filed now (overdue 40 days on).
  //   wmo          Sociaal domein, SaaS "Suite4" in the EEA, intern, personal
  //                data without processor agreement; COMPLEETHEID 85 (norm
  //                80) measured 200 days ago (stale). Derived from brp.
  //   rapport      Sociaal domein, beperkt openbaar, derived from brp
  //                (intern): classified below its source.
  //   gezondheid   Sociaal domein, public cloud "Azure" in the US,
  //                vertrouwelijk, special category gezondheid, with processor
  //                agreement and DPIA (only: special categories outside EEA).
  //   geheim       Burgerzaken, geheim (above the steward), derived from brp.
  //   bomen        Ruimte, openbaar, not published.
  //   export       Belastingen, intern, personal data without purposes,
  //                delivering to party cbs without purpose or legal basis.
  //   + two OpenLineage stubs (no owner, concept, intern by default); the
  //     output dwh.adressen has a field "bsn" but no personal data marked.
  void BuildLandscape() {
    v1::Dataset brp = Local("brp");
    brp.set_registration_type(v1::REGISTRATION_TYPE_BASISREGISTRATIE);
    brp.set_basisregistratie(v1::BASISREGISTRATIE_BRP);
    brp.set_municipal_role(v1::MUNICIPAL_ROLE_BRONHOUDER);
    brp.set_domain("Burgerzaken");
    brp.set_title("Basisregistratie Personen");
    Personal(&brp);
    v1::QualityNorm* norm = brp.add_quality_norms();
    norm->set_dimension(v1::QUALITY_DIMENSION_JUISTHEID);
    norm->set_target(95);
    admin_->CreateDatasetOk(brp);

    v1::Dataset wmo = ValidDataset("wmo");
    wmo.mutable_hosting()->set_kind(v1::HOSTING_KIND_SAAS);
    wmo.mutable_hosting()->set_provider("Suite4");
    wmo.mutable_hosting()->set_country("NL");
    wmo.mutable_hosting()->set_inside_eea(true);
    wmo.set_origin(v1::ORIGIN_EXTERNAL);
    wmo.mutable_providing_organisation()->set_name("Suite4 BV");
    Personal(&wmo);
    norm = wmo.add_quality_norms();
    norm->set_dimension(v1::QUALITY_DIMENSION_COMPLEETHEID);
    norm->set_target(80);
    admin_->CreateDatasetOk(wmo);

    v1::Dataset rapport = Local("rapport");
    rapport.mutable_classification()->set_confidentiality(v1::CONFIDENTIALITY_BEPERKT_OPENBAAR);
    rapport.mutable_openness()->set_level(v1::OPENNESS_LEVEL_OPEN);
    rapport.mutable_openness()->set_publication_url("https://data.voorbeeldstad.nl/rapport");
    admin_->CreateDatasetOk(rapport);

    v1::Dataset gezondheid = ValidDataset("gezondheid");
    gezondheid.mutable_hosting()->set_kind(v1::HOSTING_KIND_PUBLIC_CLOUD);
    gezondheid.mutable_hosting()->set_provider("Azure");
    gezondheid.mutable_hosting()->set_country("US");
    gezondheid.mutable_hosting()->set_region("us-east");
    gezondheid.mutable_classification()->set_availability(v1::BIV_LEVEL_HOOG);
    gezondheid.mutable_classification()->set_integrity(v1::BIV_LEVEL_MIDDEN);
    gezondheid.mutable_classification()->set_confidentiality_level(v1::BIV_LEVEL_HOOG);
    gezondheid.mutable_classification()->set_bbn(v1::BBN_LEVEL_BBN2);
    gezondheid.mutable_hosting()->set_inside_eea(false);
    gezondheid.mutable_hosting()->set_processor_agreement_ref("VWO-2026-7");
    gezondheid.mutable_hosting()->set_dpia_ref("DPIA-2026-3");
    gezondheid.mutable_classification()->set_confidentiality(v1::CONFIDENTIALITY_VERTROUWELIJK);
    Personal(&gezondheid);
    gezondheid.mutable_personal_data()->add_special_categories(
        v1::SPECIAL_CATEGORY_GEZONDHEID);
    admin_->CreateDatasetOk(gezondheid);

    v1::Dataset geheim = Local("geheim");
    geheim.set_domain("Burgerzaken");
    geheim.mutable_classification()->set_confidentiality(v1::CONFIDENTIALITY_GEHEIM);
    admin_->CreateDatasetOk(geheim);

    v1::Dataset bomen = Local("bomen");
    bomen.set_domain("Ruimte");
    bomen.set_registration_type(v1::REGISTRATION_TYPE_OVERIG);
    bomen.mutable_classification()->set_confidentiality(v1::CONFIDENTIALITY_OPENBAAR);
    admin_->CreateDatasetOk(bomen);

    v1::Dataset exported = Local("export");
    exported.set_domain("Belastingen");
    admin_->CreateDatasetOk(exported);
    admin_->CreatePartyOk(ValidParty("cbs"));
    v1::LineageEdge delivery;
    delivery.set_source("datasets/export");
    delivery.set_target("parties/cbs");
    delivery.set_relation(v1::LINEAGE_RELATION_DELIVERY);
    delivery.set_process("bestandsoverdracht");
    admin_->CreateEdgeOk(delivery);  // Allowed: no personal data yet.
    Personal(&exported, /*purposes=*/false);
    exported.mutable_personal_data()->set_criminal_data(true);
    v1::UpdateDatasetRequest update;
    *update.mutable_dataset() = exported;
    update.mutable_update_mask()->add_paths("personal_data");
    v1::Dataset updated;
    ASSERT_TRUE(IsOk(admin_->catalog().UpdateDataset(Context().get(), update, &updated)));

    admin_->LinkOk("datasets/brp", "datasets/wmo");
    admin_->LinkOk("datasets/brp", "datasets/rapport");
    admin_->LinkOk("datasets/brp", "datasets/geheim");

    v1::IngestOpenLineageRequest ingest;
    ingest.add_events(
        R"({"eventType":"COMPLETE","eventTime":"2026-11-01T02:00:00Z",)"
        R"("run":{"runId":"0190f1c2-7a41-7c3e-9b1a-2f4d6e8a1b99"},)"
        R"("job":{"namespace":"dwh","name":"laad_adressen"},)"
        R"("inputs":[{"namespace":"postgres://dwh","name":"stg.adressen"}],)"
        R"("outputs":[{"namespace":"postgres://dwh","name":"dwh.adressen","facets":{"schema":)"
        R"({"_producer":"https://example.gemeente.nl/airflow","_schemaURL":)"
        R"("https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",)"
        R"("fields":[{"name":"bsn","type":"VARCHAR"},{"name":"straat","type":"VARCHAR"}]}}}],)"
        R"("producer":"https://example.gemeente.nl/airflow",)"
        R"("schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"})");
    v1::IngestOpenLineageResponse ingested;
    ASSERT_TRUE(IsOk(admin_->lineage().IngestOpenLineage(Context().get(), ingest, &ingested)));

    const absl::Time now = absl::Now() + kAhead;
    Measure("brp", v1::QUALITY_DIMENSION_JUISTHEID, 80, now - absl::Hours(24 * 20));
    Measure("brp", v1::QUALITY_DIMENSION_JUISTHEID, 90, now - absl::Hours(24));
    Measure("wmo", v1::QUALITY_DIMENSION_COMPLEETHEID, 85, now - absl::Hours(24 * 200));

    v1::FileTerugmeldingRequest file;
    file.mutable_terugmelding()->set_dataset("datasets/brp");
    file.mutable_terugmelding()->set_explanation("Adres klopt niet.");
    v1::Terugmelding filed;
    ASSERT_TRUE(IsOk(v1::TerugmeldingService::NewStub(server_->Channel("reader"))
                         ->FileTerugmelding(Context().get(), file, &filed)));
  }

  static const v1::ComplianceFinding* Finding(const v1::Landscape& l, v1::ComplianceRule rule) {
    for (const v1::ComplianceFinding& f : l.findings()) {
      if (f.rule() == rule) return &f;
    }
    return nullptr;
  }

  static std::vector<std::string> Named(const v1::Landscape& l, v1::ComplianceRule rule) {
    const v1::ComplianceFinding* f = Finding(l, rule);
    if (f == nullptr) return {};
    EXPECT_EQ(f->count(), f->datasets_size()) << v1::ComplianceRule_Name(rule);
    return {f->datasets().begin(), f->datasets().end()};
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<LineageClient> admin_;
};

TEST_F(LandscapeServiceTest, BreakdownsOfTheAdmin) {
  BuildLandscape();
  const v1::Landscape l = Get("admin");
  EXPECT_EQ(l.total_datasets(), 9);
  EXPECT_GT(l.revision(), 0);
  EXPECT_GT(TimeUtil::TimestampToMicroseconds(l.generated_at()), 0);
  EXPECT_EQ(Counts(l.by_domain()),
            (std::map<std::string, int64_t>{{"", 2},
                                            {"Belastingen", 1},
                                            {"Burgerzaken", 2},
                                            {"Ruimte", 1},
                                            {"Sociaal domein", 3}}));
  EXPECT_EQ(Counts(l.by_registration_type())["REGISTRATION_TYPE_BASISREGISTRATIE"], 1);
  EXPECT_EQ(Counts(l.by_registration_type())["REGISTRATION_TYPE_OVERIG"], 3);
  EXPECT_EQ(Counts(l.by_basisregistratie()),  // Of the basisregistraties only.
            (std::map<std::string, int64_t>{{"BASISREGISTRATIE_BRP", 1}}));
  EXPECT_EQ(Counts(l.by_municipal_role()),
            (std::map<std::string, int64_t>{{"MUNICIPAL_ROLE_BRONHOUDER", 1}}));
  EXPECT_EQ(Counts(l.by_status())["DATASET_STATUS_CONCEPT"], 2);
  EXPECT_EQ(Counts(l.by_origin()),
            (std::map<std::string, int64_t>{{"ORIGIN_EXTERNAL", 1}, {"ORIGIN_INTERNAL", 8}}));
  EXPECT_EQ(Counts(l.by_openness()), (std::map<std::string, int64_t>{
                                         {"OPENNESS_LEVEL_OPEN", 1},
                                         {"OPENNESS_LEVEL_UNSPECIFIED", 8}}));
  EXPECT_EQ(l.external_parties(), 1);
  // brp->wmo, brp->rapport, brp->geheim, export->cbs, stub->stub.
  EXPECT_EQ(l.lineage_edges(), 5);
  // The largest first.
  EXPECT_EQ(l.by_domain(0).key(), "Sociaal domein");

  const v1::CloudOverview& cloud = l.cloud();
  EXPECT_EQ(Counts(cloud.by_hosting_kind())["HOSTING_KIND_SAAS"], 1);
  EXPECT_EQ(Counts(cloud.by_hosting_kind())["HOSTING_KIND_PUBLIC_CLOUD"], 1);
  EXPECT_EQ(Counts(cloud.by_country()), (std::map<std::string, int64_t>{{"NL", 1}, {"US", 1}}));
  EXPECT_EQ(Counts(cloud.by_region()), (std::map<std::string, int64_t>{{"us-east", 1}}));
  EXPECT_EQ(cloud.inside_eea(), 6);
  EXPECT_EQ(cloud.outside_eea(), 1);
  ASSERT_EQ(cloud.providers_size(), 2);
  std::map<std::string, v1::ProviderSummary> providers;
  for (const auto& p : cloud.providers()) providers[p.provider()] = p;
  const v1::ProviderSummary& suite = providers["Suite4"];
  EXPECT_EQ(suite.datasets(), 1);
  EXPECT_EQ(suite.personal_data(), 1);
  EXPECT_DOUBLE_EQ(suite.personal_data_share(), 1.0);
  EXPECT_DOUBLE_EQ(suite.mean_quality(), 85);
  EXPECT_EQ(suite.with_processor_agreement(), 0);
  EXPECT_EQ(suite.integrated(), 1);
  const v1::ProviderSummary& azure = providers["Azure"];
  EXPECT_EQ(azure.with_processor_agreement(), 1);
  EXPECT_EQ(azure.with_dpia(), 1);
  EXPECT_EQ(azure.outside_eea(), 1);
  EXPECT_EQ(Counts(azure.by_confidentiality())["CONFIDENTIALITY_VERTROUWELIJK"], 1);

  const v1::SecurityOverview& security = l.security();
  // 3 recorded intern, and the two stubs (intern until a steward says otherwise).
  EXPECT_EQ(Counts(security.by_confidentiality())["CONFIDENTIALITY_INTERN"], 5);
  EXPECT_EQ(Counts(security.by_confidentiality())["CONFIDENTIALITY_UNSPECIFIED"], 0);
  EXPECT_EQ(security.personal_data(), 4);
  EXPECT_EQ(security.criminal_data(), 1);
  EXPECT_EQ(Counts(security.by_availability())["BIV_LEVEL_HOOG"], 1);
  EXPECT_EQ(Counts(security.by_integrity())["BIV_LEVEL_MIDDEN"], 1);
  EXPECT_EQ(Counts(security.by_confidentiality_level())["BIV_LEVEL_HOOG"], 1);
  EXPECT_EQ(Counts(security.by_bbn())["BBN_LEVEL_BBN2"], 1);
  EXPECT_EQ(Counts(security.by_bbn())["BBN_LEVEL_UNSPECIFIED"], 8);
  EXPECT_EQ(security.special_categories(), 1);
  EXPECT_EQ(Counts(security.by_special_category()),
            (std::map<std::string, int64_t>{{"SPECIAL_CATEGORY_GEZONDHEID", 1}}));

  const v1::QualityOverview& q = l.quality();
  EXPECT_EQ(q.measured_datasets(), 2);
  EXPECT_DOUBLE_EQ(q.mean_score(), (90 + 85) / 2.0);
  EXPECT_EQ(q.below_norm(), 1);
  EXPECT_EQ(q.stale(), 1);
  EXPECT_EQ(q.open_terugmeldingen(), 1);
  EXPECT_EQ(q.overdue_terugmeldingen(), 1);
  ASSERT_EQ(q.by_dimension_size(), 2);
  EXPECT_EQ(q.by_dimension(0).dimension(), v1::QUALITY_DIMENSION_JUISTHEID);
  EXPECT_DOUBLE_EQ(q.by_dimension(0).mean(), 90);  // The latest, not the mean of both.
  ASSERT_EQ(q.by_domain_size(), 2);
  EXPECT_EQ(q.by_domain(0).domain(), "Burgerzaken");
  EXPECT_EQ(q.by_domain(1).domain(), "Sociaal domein");
  EXPECT_DOUBLE_EQ(q.by_domain(1).scores(0).mean(), 85);

  ASSERT_EQ(l.basisregistratie_use_size(), 1);
  const v1::BasisregistratieUse& use = l.basisregistratie_use(0);
  EXPECT_EQ(use.dataset(), "datasets/brp");
  EXPECT_EQ(use.title(), "Basisregistratie Personen");
  EXPECT_EQ(use.downstream_datasets(), 3);
  EXPECT_EQ(use.hidden_downstream_datasets(), 0);
  EXPECT_THAT(use.direct_consumers(),
              ElementsAre("datasets/geheim", "datasets/rapport", "datasets/wmo"));
}

TEST_F(LandscapeServiceTest, EveryFindingRule) {
  BuildLandscape();
  WriteUnclassified("ongeclassificeerd");
  const v1::Landscape l = Get("admin");
  std::vector<std::string> stubs = Named(l, v1::COMPLIANCE_RULE_NO_OWNER);
  ASSERT_EQ(stubs.size(), 2u);
  // Stubs are classified (intern) until a steward reviews them.
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_NO_CLASSIFICATION),
              ElementsAre("datasets/ongeclassificeerd"));
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_PERSONAL_DATA_NOT_MARKED),
              ElementsAre("datasets/dwh-adressen"));
  EXPECT_EQ(Named(l, v1::COMPLIANCE_RULE_CONCEPT_TOO_LONG), stubs);
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_BASIS_OR_PURPOSE),
              ElementsAre("datasets/export"));
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_CLOUD_PERSONAL_DATA_WITHOUT_AGREEMENT),
              ElementsAre("datasets/wmo"));
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_OUTSIDE_EEA),
              ElementsAre("datasets/gezondheid"));
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_DERIVED_BELOW_SOURCE),
              ElementsAre("datasets/rapport"));
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_DELIVERY_WITHOUT_PURPOSE_OR_BASIS),
              ElementsAre("datasets/export"));
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_QUALITY_BELOW_NORM), ElementsAre("datasets/brp"));
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_QUALITY_STALE), ElementsAre("datasets/wmo"));
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_TERUGMELDINGEN_OVERDUE), ElementsAre("datasets/brp"));
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_OPENBAAR_NOT_PUBLISHED), ElementsAre("datasets/bomen"));
  EXPECT_EQ(l.findings_size(), 13) << "every rule";
  for (const v1::ComplianceFinding& f : l.findings()) EXPECT_FALSE(f.fix().empty());
  // Most severe first.
  for (int i = 1; i < l.findings_size(); ++i) {
    EXPECT_GE(l.findings(i - 1).severity(), l.findings(i).severity());
  }
  // At most max_datasets_per_finding named; the count stays complete.
  v1::GetLandscapeRequest one;
  one.set_max_datasets_per_finding(1);
  const v1::Landscape limited = Get("admin", one);
  const v1::ComplianceFinding* owner = Finding(limited, v1::COMPLIANCE_RULE_NO_OWNER);
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->count(), 2);
  EXPECT_THAT(owner->datasets(), ElementsAre(stubs[0]));
}

TEST_F(LandscapeServiceTest, HiddenDatasetsAreCountedNowhere) {
  BuildLandscape();
  // The steward (vertrouwelijk) does not see geheim.
  const v1::Landscape steward = Get("steward");
  EXPECT_EQ(steward.total_datasets(), 8);
  EXPECT_EQ(Counts(steward.by_domain())["Burgerzaken"], 1);
  EXPECT_EQ(steward.lineage_edges(), 4);
  ASSERT_EQ(steward.basisregistratie_use_size(), 1);
  EXPECT_EQ(steward.basisregistratie_use(0).downstream_datasets(), 2);
  EXPECT_EQ(steward.basisregistratie_use(0).hidden_downstream_datasets(), 1);
  EXPECT_THAT(steward.basisregistratie_use(0).direct_consumers(),
              ElementsAre("datasets/rapport", "datasets/wmo"));
  // The reader (intern) sees neither geheim nor gezondheid.
  const v1::Landscape reader = Get("reader");
  EXPECT_EQ(reader.total_datasets(), 7);
  EXPECT_EQ(reader.security().special_categories(), 0);
  EXPECT_EQ(reader.cloud().providers_size(), 1);
  EXPECT_EQ(reader.cloud().outside_eea(), 0);
  EXPECT_EQ(Finding(reader, v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_OUTSIDE_EEA), nullptr);
  for (const v1::Landscape* l : {&steward, &reader}) {
    const std::string text = l->DebugString();
    EXPECT_EQ(text.find("geheim"), std::string::npos) << "no trace of a hidden dataset";
  }
  EXPECT_EQ(reader.DebugString().find("gezondheid"), std::string::npos);
}

TEST_F(LandscapeServiceTest, FiltersNarrowEveryPart) {
  BuildLandscape();
  v1::GetLandscapeRequest request;
  request.mutable_filter()->set_domain("Sociaal domein");
  v1::Landscape l = Get("admin", request);
  EXPECT_EQ(l.total_datasets(), 3);
  EXPECT_EQ(l.filter().domain(), "Sociaal domein");
  EXPECT_THAT(Named(l, v1::COMPLIANCE_RULE_DERIVED_BELOW_SOURCE), ElementsAre("datasets/rapport"));
  EXPECT_EQ(Finding(l, v1::COMPLIANCE_RULE_NO_OWNER), nullptr);
  EXPECT_EQ(l.basisregistratie_use_size(), 0);

  request.mutable_filter()->Clear();
  request.mutable_filter()->set_hosting_kind(v1::HOSTING_KIND_PUBLIC_CLOUD);
  l = Get("admin", request);
  EXPECT_EQ(l.total_datasets(), 1);
  request.mutable_filter()->Clear();
  request.mutable_filter()->set_provider("Nobody");
  EXPECT_EQ(Get("admin", request).total_datasets(), 0);
}

// Datasets whose hosting is not recorded are neither inside nor outside the
// EEA, for the landscape and for ListDatasets' inside_eea filter alike.
TEST_F(LandscapeServiceTest, ListAndLandscapeCountTheEeaAlike) {
  v1::Dataset azure_us = ValidDataset("azure-us");
  azure_us.mutable_hosting()->set_kind(v1::HOSTING_KIND_PUBLIC_CLOUD);
  azure_us.mutable_hosting()->set_inside_eea(false);
  v1::Dataset saas_us = ValidDataset("saas-us");
  saas_us.mutable_hosting()->set_kind(v1::HOSTING_KIND_SAAS);
  saas_us.mutable_hosting()->set_inside_eea(false);
  for (const v1::Dataset& d : {Local("lokaal"), azure_us, saas_us}) admin_->CreateDatasetOk(d);
  // Two stubs of the OpenLineage intake: hosting unknown.
  v1::IngestOpenLineageRequest ingest;
  ingest.add_events(
      R"({"eventType":"COMPLETE","eventTime":"2026-11-01T02:00:00Z",)"
      R"("run":{"runId":"0190f1c2-7a41-7c3e-9b1a-2f4d6e8a1b98"},)"
      R"("job":{"namespace":"dwh","name":"laad"},)"
      R"("inputs":[{"namespace":"postgres://dwh","name":"stg.a"}],)"
      R"("outputs":[{"namespace":"postgres://dwh","name":"dwh.a"}],)"
      R"("producer":"https://example.gemeente.nl/airflow",)"
      R"("schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"})");
  v1::IngestOpenLineageResponse ingested;
  ASSERT_TRUE(IsOk(admin_->lineage().IngestOpenLineage(Context().get(), ingest, &ingested)));
  ASSERT_EQ(ingested.datasets_created_size(), 2);
  auto list = [&](bool inside) {
    v1::ListDatasetsRequest request;
    request.mutable_filter()->set_inside_eea(inside);
    v1::ListDatasetsResponse response;
    EXPECT_TRUE(IsOk(admin_->catalog().ListDatasets(Context().get(), request, &response)));
    std::vector<std::string> ids;
    for (const v1::Dataset& d : response.datasets()) ids.push_back(d.id());
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(list(false), (std::vector<std::string>{"azure-us", "saas-us"}));
  EXPECT_EQ(list(true), std::vector<std::string>{"lokaal"});
  const v1::Landscape l = Get("admin");
  EXPECT_EQ(l.total_datasets(), 5);
  EXPECT_EQ(l.cloud().outside_eea(), 2);
  EXPECT_EQ(l.cloud().inside_eea(), 1);
}

TEST_F(LandscapeServiceTest, BasisregistratieReadsComeFromTheAuditTrailInThePeriod) {
  BuildLandscape();
  LineageClient steward(server_->Channel("steward"));
  LineageClient reader(server_->Channel("reader"));
  steward.GetDatasetOk("brp");
  steward.GetDatasetOk("brp");
  reader.GetDatasetOk("brp");
  reader.GetDatasetOk("wmo");  // Not a basisregistratie.
  v1::GetLandscapeRequest request;
  *request.mutable_usage_since() = Ts(absl::Now() - absl::Hours(24));
  *request.mutable_usage_until() = Ts(absl::Now() + absl::Hours(24));
  // Read audits are committed asynchronously: wait for them.
  v1::BasisregistratieUse use;
  for (int i = 0; i < 100; ++i) {
    use = Get("admin", request).basisregistratie_use(0);
    if (use.reads() >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(use.reads(), 3);
  EXPECT_EQ(use.distinct_readers(), 2);
  EXPECT_EQ(Counts(use.readers()), (std::map<std::string, int64_t>{{"steward", 2}, {"reader", 1}}));
  EXPECT_EQ(use.readers(0).key(), "steward");
  // Outside the period: none (the default period ends at the landscape's
  // clock, 40 days ahead).
  EXPECT_EQ(Get("admin").basisregistratie_use(0).reads(), 0);
  *request.mutable_usage_since() = Ts(absl::Now() + absl::Hours(48));
  *request.mutable_usage_until() = Ts(absl::Now() + absl::Hours(72));
  EXPECT_EQ(Get("admin", request).basisregistratie_use(0).reads(), 0);
}

TEST_F(LandscapeServiceTest, FactsSurviveARestartAndFollowChanges) {
  BuildLandscape();
  const v1::Landscape before = Get("admin");
  server_.reset();
  StartServer();
  v1::Landscape after = Get("admin");
  v1::Landscape expected = before;
  for (v1::Landscape* l : {&after, &expected}) {  // The clock moved on.
    l->clear_generated_at();
    l->clear_usage_since();
    l->clear_usage_until();
  }
  EXPECT_EQ(after.DebugString(), expected.DebugString());
  // A deleted dataset leaves every count.
  ASSERT_TRUE(IsOk(admin_->DeleteDataset("bomen", false)));
  after = Get("admin");
  EXPECT_EQ(after.total_datasets(), 8);
  EXPECT_EQ(Finding(after, v1::COMPLIANCE_RULE_OPENBAAR_NOT_PUBLISHED), nullptr);
  // A documented delivery is no finding any more.
  v1::LineageEdge documented = ValidEdge("datasets/export", "parties/cbs");
  ASSERT_TRUE(IsOk(admin_->DeleteEdge("datasets/export", "parties/cbs")));
  admin_->CreateEdgeOk(documented);
  EXPECT_EQ(Finding(Get("admin"), v1::COMPLIANCE_RULE_DELIVERY_WITHOUT_PURPOSE_OR_BASIS), nullptr);
}

TEST_F(LandscapeServiceTest, BadRequestsNameTheField) {
  v1::GetLandscapeRequest r;
  r.set_max_datasets_per_finding(-1);
  EXPECT_TRUE(HasStatus(GetStatus(r), StatusCode::INVALID_ARGUMENT, "max_datasets_per_finding"));
  r.set_max_datasets_per_finding(1001);
  EXPECT_TRUE(HasStatus(GetStatus(r), StatusCode::INVALID_ARGUMENT, "max_datasets_per_finding"));
  r = {};
  r.mutable_filter()->set_registration_type(static_cast<v1::RegistrationType>(99));
  EXPECT_TRUE(HasStatus(GetStatus(r), StatusCode::INVALID_ARGUMENT, "filter.registration_type"));
  r = {};
  r.mutable_filter()->set_hosting_kind(static_cast<v1::HostingKind>(99));
  EXPECT_TRUE(HasStatus(GetStatus(r), StatusCode::INVALID_ARGUMENT, "filter.hosting_kind"));
  r = {};
  *r.mutable_usage_since() = Ts(absl::Now());
  *r.mutable_usage_until() = Ts(absl::Now() - absl::Hours(1));
  EXPECT_TRUE(HasStatus(GetStatus(r), StatusCode::INVALID_ARGUMENT, "usage_since"));
  r = {};
  r.mutable_usage_until()->set_nanos(-5);
  EXPECT_TRUE(HasStatus(GetStatus(r), StatusCode::INVALID_ARGUMENT, "usage_until"));
  // Every role may read the overview.
  for (const char* who : {"reader", "steward", "auditor", "admin"}) {
    EXPECT_TRUE(IsOk(GetStatus({}, who))) << who;
  }
}

}  // namespace
}  // namespace catalog::testing
