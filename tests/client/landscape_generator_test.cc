#include "client/demo/landscape_generator.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <google/protobuf/util/time_util.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/resource_names.h"
#include "server/core/dataset_validation.h"

namespace catalog::demo {
namespace {

using catalog::v1::Dataset;
using catalog::v1::LineageEdge;

TEST(LandscapeGenerator, SameSeedSameDataset) {
  LandscapeGenerator a({1000, 42});
  LandscapeGenerator b({1000, 42});
  for (int64_t i : {0, 5, 10, 11, 500, 999}) {
    EXPECT_EQ(a.Dataset(i).SerializeAsString(), b.Dataset(i).SerializeAsString()) << i;
  }
}

TEST(LandscapeGenerator, DifferentSeedsDiffer) {
  LandscapeGenerator a({1000, 1});
  LandscapeGenerator b({1000, 2});
  int differing = 0;
  for (int64_t i = 0; i < 100; ++i) {
    differing += a.Dataset(i).SerializeAsString() != b.Dataset(i).SerializeAsString();
  }
  EXPECT_GT(differing, 90);
}

// `dataset list` sorts by id, which groups a subject's datasets: their
// titles must still tell them apart.
TEST(LandscapeGenerator, TitlesOfOneSubjectVary) {
  LandscapeGenerator g({180, 1});
  std::map<std::string, std::string> title_by_id;
  for (int64_t i = 0; i < 180; ++i) {
    const Dataset d = g.Dataset(i);
    title_by_id[d.id()] = d.title();
  }
  std::set<std::string> titles;
  int longest_run = 0, run = 0;
  std::string previous;
  for (const auto& [id, title] : title_by_id) {
    titles.insert(title);
    run = title == previous ? run + 1 : 1;
    longest_run = std::max(longest_run, run);
    previous = title;
  }
  EXPECT_LE(longest_run, 2) << "the same title on more than two rows in a row";
  EXPECT_GT(titles.size(), 150u) << "of 180 datasets";
  EXPECT_EQ(title_by_id["brp-ingezetenen"], "BRP ingezetenen");
}

TEST(LandscapeGenerator, ARegisterOfProcessingActivitiesOnItsOwnDatasetsAndParties) {
  LandscapeGenerator g({180, 1});
  std::set<std::string> datasets, parties, ids;
  for (int64_t i = 0; i < g.size(); ++i) datasets.insert("datasets/" + g.Dataset(i).id());
  for (const auto& p : g.Parties()) parties.insert("parties/" + p.id());
  const auto activities = g.ProcessingActivities();
  ASSERT_EQ(activities.size(), 7u);
  int ended = 0;
  for (const auto& a : activities) {
    SCOPED_TRACE(a.id());
    EXPECT_TRUE(ids.insert(a.id()).second) << "ids are unique";
    EXPECT_FALSE(a.purpose().empty());
    EXPECT_NE(a.legal_basis(), catalog::v1::LEGAL_BASIS_UNSPECIFIED);
    EXPECT_NE(a.legal_basis(), catalog::v1::LEGAL_BASIS_GERECHTVAARDIGD_BELANG)
        << "a public body's tasks do not rest on it";
    EXPECT_FALSE(a.datasets().empty());
    for (const std::string& d : a.datasets()) EXPECT_TRUE(datasets.contains(d)) << d;
    for (const std::string& p : a.recipient_parties()) EXPECT_TRUE(parties.contains(p)) << p;
    ended += a.status() == catalog::v1::PROCESSING_ACTIVITY_STATUS_ENDED;
  }
  EXPECT_EQ(ended, 1);
  EXPECT_EQ(activities[0].id(), "brp-bijhouding");
  EXPECT_THAT(activities[0].datasets(), ::testing::ElementsAre("datasets/brp-ingezetenen"));
  // A landscape of three datasets names only those.
  LandscapeGenerator small({3, 1});
  for (const auto& a : small.ProcessingActivities()) {
    for (const std::string& d : a.datasets()) {
      EXPECT_TRUE(d == "datasets/brp-ingezetenen" || d == "datasets/bag-adressen-gebouwen" ||
                  d == "datasets/bgt-topografie")
          << d;
    }
  }
}

TEST(LandscapeGenerator, StartsWithTheBasisregistraties) {
  LandscapeGenerator g({100, 1});
  EXPECT_EQ(g.Dataset(0).id(), "brp-ingezetenen");
  EXPECT_EQ(g.Dataset(0).basisregistratie(), catalog::v1::BASISREGISTRATIE_BRP);
  EXPECT_EQ(g.Dataset(0).municipal_role(), catalog::v1::MUNICIPAL_ROLE_BRONHOUDER);
  EXPECT_EQ(g.Dataset(1).id(), "bag-adressen-gebouwen");
  EXPECT_EQ(g.Dataset(4).origin(), catalog::v1::ORIGIN_EXTERNAL);
  for (int64_t i = 0; i < 10; ++i) {
    EXPECT_EQ(g.Dataset(i).registration_type(), catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
  }
  EXPECT_NE(g.Dataset(10).registration_type(), catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE);
}

TEST(LandscapeGenerator, IdsAreUniqueValidSlugs) {
  LandscapeGenerator g({20000, 3});
  std::set<std::string> ids;
  for (int64_t i = 0; i < g.size(); ++i) {
    const std::string id = g.Dataset(i).id();
    ASSERT_TRUE(api::ValidateDatasetId(id, "id").ok()) << id;
    ASSERT_TRUE(ids.insert(id).second) << "duplicate " << id;
  }
}

TEST(LandscapeGenerator, EveryDatasetPassesServerValidation) {
  LandscapeGenerator g({5000, 4});
  for (int64_t i = 0; i < g.size(); ++i) {
    Dataset d = g.Dataset(i);
    server::NormalizeDataset(&d);
    absl::Status status = server::ValidateDataset(d);
    ASSERT_TRUE(status.ok()) << d.id() << ": " << status;
  }
}

TEST(LandscapeGenerator, MixIsRealistic) {
  LandscapeGenerator g({10000, 5});
  int personal = 0, on_premises = 0, public_cloud = 0, saas = 0, outside_eea = 0,
      without_agreement = 0, special = 0;
  for (int64_t i = 0; i < g.size(); ++i) {
    const Dataset d = g.Dataset(i);
    personal += d.personal_data().contains_personal_data();
    special += d.personal_data().special_categories_size() > 0;
    const auto kind = d.hosting().kind();
    on_premises += kind == catalog::v1::HOSTING_KIND_ON_PREMISES;
    public_cloud += kind == catalog::v1::HOSTING_KIND_PUBLIC_CLOUD;
    saas += kind == catalog::v1::HOSTING_KIND_SAAS;
    outside_eea += !d.hosting().inside_eea();
    without_agreement += (kind == catalog::v1::HOSTING_KIND_PUBLIC_CLOUD ||
                          kind == catalog::v1::HOSTING_KIND_SAAS) &&
                         d.hosting().processor_agreement_ref().empty();
    if (!d.personal_data().contains_personal_data()) {
      for (const auto& f : d.schema_fields()) ASSERT_FALSE(f.personal_data()) << d.id();
    }
  }
  EXPECT_GT(personal, 3000);
  EXPECT_LT(personal, 8000);
  EXPECT_NEAR(on_premises, 4500, 600);
  EXPECT_NEAR(public_cloud, 2000, 500);
  EXPECT_NEAR(saas, 2000, 500);
  EXPECT_GT(outside_eea, 100);
  EXPECT_GT(without_agreement, 100);
  EXPECT_GT(special, 50);
}

// ---- lineage ----

TEST(LandscapeGenerator, PartiesAreAFixedListOfValidParties) {
  const std::vector<catalog::v1::ExternalParty> parties = LandscapeGenerator({10, 1}).Parties();
  EXPECT_GE(parties.size(), 10u);
  EXPECT_LE(parties.size(), 15u);
  std::set<std::string> ids;
  for (const catalog::v1::ExternalParty& p : parties) {
    EXPECT_TRUE(api::ValidateDatasetId(p.id(), "id").ok()) << p.id();  // Same slug rule.
    EXPECT_TRUE(ids.insert(p.id()).second) << "duplicate " << p.id();
    EXPECT_FALSE(p.name().empty()) << p.id();
    EXPECT_NE(p.kind(), catalog::v1::PARTY_KIND_UNSPECIFIED) << p.id();
    EXPECT_EQ(p.oin().size(), 20u) << p.id();
    EXPECT_EQ(p.oin().find_first_not_of("0123456789"), std::string::npos) << p.id();
  }
  for (const char* expected : {"belastingdienst", "cbs", "uwv", "svb", "rvig", "politie"}) {
    EXPECT_TRUE(ids.count(expected)) << expected;
  }
  EXPECT_EQ(LandscapeGenerator({5, 9}).Parties().size(), parties.size()) << "independent of seed";
}

TEST(LandscapeGenerator, EdgesAreDeterministic) {
  LandscapeGenerator a({3000, 42});
  LandscapeGenerator b({3000, 42});
  LandscapeGenerator other({3000, 43});
  int differing = 0;
  for (int64_t i : {0, 1, 3, 10, 11, 500, 2999}) {
    const std::vector<LineageEdge> ea = a.Edges(i);
    const std::vector<LineageEdge> eb = b.Edges(i, b.Dataset(i));
    ASSERT_EQ(ea.size(), eb.size()) << i;
    for (size_t k = 0; k < ea.size(); ++k) {
      EXPECT_EQ(ea[k].SerializeAsString(), eb[k].SerializeAsString()) << i;
    }
  }
  for (int64_t i = 10; i < 110; ++i) {
    std::string x, y;
    for (const LineageEdge& e : a.Edges(i)) x += e.SerializeAsString();
    for (const LineageEdge& e : other.Edges(i)) y += e.SerializeAsString();
    differing += x != y;
  }
  EXPECT_GT(differing, 80);
  // Depends only on (seed, i): the size of the landscape does not matter.
  LandscapeGenerator larger({100000, 42});
  for (int64_t i : {20, 1234, 2999}) {
    std::string x, y;
    for (const LineageEdge& e : a.Edges(i)) x += e.SerializeAsString();
    for (const LineageEdge& e : larger.Edges(i)) y += e.SerializeAsString();
    EXPECT_EQ(x, y) << i;
  }
}

// One landscape of 20,000 datasets with its edges, generated once for the
// tests below.
class GeneratedLineage : public ::testing::Test {
 protected:
  static constexpr int64_t kSize = 20000;

  static void SetUpTestSuite() {
    const LandscapeGenerator g({kSize, 7});
    datasets_ = new std::vector<Dataset>();
    edges_ = new std::vector<std::vector<LineageEdge>>();
    index_ = new std::unordered_map<std::string, int64_t>();
    for (int64_t i = 0; i < kSize; ++i) {
      datasets_->push_back(g.Dataset(i));
      (*index_)[datasets_->back().id()] = i;
    }
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < kSize; ++i) edges_->push_back(g.Edges(i, (*datasets_)[i]));
    edge_micros_ =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count() /
        kSize;
  }
  static void TearDownTestSuite() {
    delete datasets_;
    delete edges_;
    delete index_;
  }

  // Index of the dataset "datasets/{id}"; -1 when unknown.
  static int64_t IndexOf(const std::string& name) {
    if (name.rfind("datasets/", 0) != 0) return -1;
    auto it = index_->find(name.substr(9));
    return it == index_->end() ? -1 : it->second;
  }
  static const catalog::v1::SchemaField* Field(const Dataset& d, const std::string& name) {
    for (const catalog::v1::SchemaField& f : d.schema_fields()) {
      if (f.name() == name) return &f;
    }
    return nullptr;
  }

  static std::vector<Dataset>* datasets_;
  static std::vector<std::vector<LineageEdge>>* edges_;
  static std::unordered_map<std::string, int64_t>* index_;
  static double edge_micros_;
};

std::vector<Dataset>* GeneratedLineage::datasets_ = nullptr;
std::vector<std::vector<LineageEdge>>* GeneratedLineage::edges_ = nullptr;
std::unordered_map<std::string, int64_t>* GeneratedLineage::index_ = nullptr;
double GeneratedLineage::edge_micros_ = 0;

TEST_F(GeneratedLineage, SourcesComeBeforeTheirTargetAndNoPairRepeats) {
  std::set<std::string> parties;
  for (const auto& p : LandscapeGenerator({1, 1}).Parties()) {
    EXPECT_TRUE(server::ValidateMessageFields(p, "party").ok()) << p.id();
    parties.insert("parties/" + p.id());
  }
  for (int64_t i = 0; i < kSize; ++i) {
    std::set<std::pair<std::string, std::string>> pairs;
    for (const LineageEdge& e : (*edges_)[static_cast<size_t>(i)]) {
      ASSERT_TRUE(pairs.insert({e.source(), e.target()}).second)
          << "duplicate " << e.source() << " -> " << e.target();
      const int64_t source = IndexOf(e.source());
      ASSERT_GE(source, 0) << e.source();
      if (e.relation() == catalog::v1::LINEAGE_RELATION_DELIVERY) {
        // Deliveries are listed with their source.
        ASSERT_EQ(source, i) << e.source();
        ASSERT_TRUE(parties.count(e.target())) << e.target();
      } else {
        ASSERT_LT(source, i) << e.source() << " -> " << e.target();
        ASSERT_EQ(e.target(), "datasets/" + (*datasets_)[static_cast<size_t>(i)].id());
        ASSERT_TRUE(e.relation() == catalog::v1::LINEAGE_RELATION_SOURCE ||
                    e.relation() == catalog::v1::LINEAGE_RELATION_DERIVED);
      }
      ASSERT_FALSE(e.process().empty());
      ASSERT_NE(e.frequency(), catalog::v1::UPDATE_FREQUENCY_UNSPECIFIED);
      ASSERT_FALSE(e.description().empty());
      const absl::Status valid = server::ValidateMessageFields(e, "edge");
      ASSERT_TRUE(valid.ok()) << e.source() << " -> " << e.target() << ": " << valid;
    }
  }
}

TEST_F(GeneratedLineage, BasisregistratiesAndOpenDataAreRoots) {
  for (int64_t i = 0; i < kSize; ++i) {
    const Dataset& d = (*datasets_)[static_cast<size_t>(i)];
    if (d.registration_type() != catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE &&
        d.origin() != catalog::v1::ORIGIN_EXTERNAL) {
      continue;
    }
    for (const LineageEdge& e : (*edges_)[static_cast<size_t>(i)]) {
      ASSERT_EQ(e.relation(), catalog::v1::LINEAGE_RELATION_DELIVERY) << d.id();
    }
  }
}

TEST_F(GeneratedLineage, DeliveriesCarryPurposeAndLegalBasis) {
  int personal_deliveries = 0;
  for (int64_t i = 0; i < kSize; ++i) {
    for (const LineageEdge& e : (*edges_)[static_cast<size_t>(i)]) {
      if (e.relation() != catalog::v1::LINEAGE_RELATION_DELIVERY) continue;
      // Required for personal data; the generator sets them on every delivery.
      ASSERT_FALSE(e.purpose().empty()) << e.source() << " -> " << e.target();
      ASSERT_NE(e.legal_basis(), catalog::v1::LEGAL_BASIS_UNSPECIFIED) << e.source();
      ASSERT_NE(e.legal_basis(), catalog::v1::LEGAL_BASIS_GERECHTVAARDIGD_BELANG) << e.source();
      personal_deliveries +=
          (*datasets_)[static_cast<size_t>(i)].personal_data().contains_personal_data();
    }
  }
  EXPECT_GT(personal_deliveries, 1000);
}

TEST_F(GeneratedLineage, MappedFieldsExistInBothSchemas) {
  int mapped = 0, total = 0;
  for (int64_t i = 0; i < kSize; ++i) {
    for (const LineageEdge& e : (*edges_)[static_cast<size_t>(i)]) {
      ++total;
      mapped += e.column_mappings_size() > 0;
      const Dataset& source = (*datasets_)[static_cast<size_t>(IndexOf(e.source()))];
      for (const catalog::v1::ColumnMapping& m : e.column_mappings()) {
        ASSERT_NE(Field(source, m.source_field()), nullptr)
            << e.source() << " has no field " << m.source_field();
        if (e.relation() == catalog::v1::LINEAGE_RELATION_DELIVERY) {
          ASSERT_TRUE(m.target_field().empty()) << e.target();
        } else {
          ASSERT_NE(Field((*datasets_)[static_cast<size_t>(i)], m.target_field()), nullptr)
              << e.target() << " has no field " << m.target_field();
        }
      }
    }
  }
  EXPECT_GT(mapped, total / 5);
  EXPECT_LT(mapped, total / 2);
}

TEST_F(GeneratedLineage, AboutThreeEdgesPerDatasetAndSomeDeliveries) {
  int64_t edges = 0, deliveries = 0;
  std::map<std::string, int> per_party;
  for (const auto& list : *edges_) {
    edges += static_cast<int64_t>(list.size());
    for (const LineageEdge& e : list) {
      if (e.relation() != catalog::v1::LINEAGE_RELATION_DELIVERY) continue;
      ++deliveries;
      ++per_party[e.target()];
    }
  }
  const double per_dataset = static_cast<double>(edges) / kSize;
  std::printf("lineage: %.2f edges per dataset (%.2f deliveries), %.2f us per dataset\n",
              per_dataset, static_cast<double>(deliveries) / kSize, edge_micros_);
  EXPECT_GT(per_dataset, 2.7);
  EXPECT_LT(per_dataset, 3.3);
  // A fraction of the datasets delivers, to every party.
  EXPECT_GT(deliveries, kSize / 10);
  EXPECT_LT(deliveries, kSize / 2);
  EXPECT_EQ(per_party.size(), LandscapeGenerator({1, 1}).Parties().size());
}

TEST_F(GeneratedLineage, MostEdgesKeepTheClassificationAFewDoNot) {
  int dataset_edges = 0, below_source = 0;
  for (int64_t i = 0; i < kSize; ++i) {
    const auto target = (*datasets_)[static_cast<size_t>(i)].classification().confidentiality();
    for (const LineageEdge& e : (*edges_)[static_cast<size_t>(i)]) {
      if (e.relation() == catalog::v1::LINEAGE_RELATION_DELIVERY) continue;
      ++dataset_edges;
      const Dataset& source = (*datasets_)[static_cast<size_t>(IndexOf(e.source()))];
      below_source += target < source.classification().confidentiality();
    }
  }
  // Findings of LINEAGE_FINDING_RULE_CLASSIFICATION_BELOW_SOURCE: some, not many.
  EXPECT_GT(below_source, dataset_edges / 200);
  EXPECT_LT(below_source, dataset_edges / 10);
}

TEST_F(GeneratedLineage, LineageFromTheBrpIsDeep) {
  // Shortest distances downstream of brp-ingezetenen (dataset 0).
  std::vector<std::vector<int64_t>> out(kSize);
  for (int64_t i = 0; i < kSize; ++i) {
    for (const LineageEdge& e : (*edges_)[static_cast<size_t>(i)]) {
      if (e.relation() != catalog::v1::LINEAGE_RELATION_DELIVERY) {
        out[static_cast<size_t>(IndexOf(e.source()))].push_back(i);
      }
    }
  }
  std::vector<int> depth(kSize, -1);
  depth[0] = 0;
  std::deque<int64_t> queue{0};
  int deepest = 0;
  int64_t reached = 0;
  while (!queue.empty()) {
    const int64_t u = queue.front();
    queue.pop_front();
    ++reached;
    for (int64_t v : out[static_cast<size_t>(u)]) {
      if (depth[static_cast<size_t>(v)] >= 0) continue;
      depth[static_cast<size_t>(v)] = depth[static_cast<size_t>(u)] + 1;
      deepest = std::max(deepest, depth[static_cast<size_t>(v)]);
      queue.push_back(v);
    }
  }
  EXPECT_GE(deepest, 6);
  EXPECT_LE(deepest, 20);
  EXPECT_GT(reached, kSize / 4);
}

// ---- measurement histories and terugmeldingen ----

using catalog::v1::Measurement;
using catalog::v1::Terugmelding;
using catalog::v1::TerugmeldingStatus;
using google::protobuf::util::TimeUtil;

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(t));
}

const absl::Time kNow = absl::FromUnixSeconds(1795860000);  // 2026-11-28.

TEST(LandscapeGenerator, MeasurementsAreDeterministic) {
  LandscapeGenerator a({1000, 42});
  LandscapeGenerator b({1000, 42});
  for (int64_t i : {0, 3, 10, 500, 999}) {
    const std::vector<Measurement> ma = a.Measurements(i, kNow);
    const std::vector<Measurement> mb = b.Measurements(i, kNow);
    ASSERT_EQ(ma.size(), mb.size()) << i;
    for (size_t k = 0; k < ma.size(); ++k) {
      EXPECT_EQ(ma[k].SerializeAsString(), mb[k].SerializeAsString()) << i << " " << k;
    }
  }
  // Generating measurements does not change the datasets.
  EXPECT_EQ(a.Dataset(7).SerializeAsString(), LandscapeGenerator({1000, 42}).Dataset(7).SerializeAsString());
}

TEST(LandscapeGenerator, MeasurementsCoverTheNormsMonthlyAndStayInRange) {
  LandscapeGenerator g({500, 3});
  for (int64_t i = 0; i < g.size(); ++i) {
    const Dataset d = g.Dataset(i);
    const std::vector<Measurement> ms = g.Measurements(i, kNow);
    ASSERT_EQ(ms.size(), static_cast<size_t>(d.quality_norms_size() * LandscapeGenerator::kHistoryMonths))
        << d.id();
    std::set<int> dims;
    for (const auto& n : d.quality_norms()) dims.insert(n.dimension());
    absl::Time previous = absl::InfinitePast();
    for (const Measurement& m : ms) {
      EXPECT_EQ(m.dataset(), "datasets/" + d.id());
      EXPECT_TRUE(dims.count(m.dimension())) << d.id();
      EXPECT_GE(m.score(), 0);
      EXPECT_LE(m.score(), 100);
      const absl::Time at = TimeOf(m.measured_at());
      EXPECT_LE(at, kNow);
      EXPECT_GE(at, previous) << "oldest first";
      EXPECT_GT(at, kNow - absl::Hours(24) * (31 * LandscapeGenerator::kHistoryMonths + 300));
      previous = at;
    }
  }
}

TEST(LandscapeGenerator, MeasurementCoursesImproveDeclineAndGoStale) {
  LandscapeGenerator g({2000, 9});
  std::map<LandscapeGenerator::Course, int> courses;
  for (int64_t i = 0; i < g.size(); ++i) {
    const LandscapeGenerator::Course course = g.CourseOf(i);
    ++courses[course];
    if (i % 20 != 0) continue;  // Check the shape of a sample.
    const std::vector<Measurement> ms = g.Measurements(i, kNow);
    const Measurement& first = ms.front();
    double first_score = 0, last_score = 0;
    // The first and last measurement of the first dimension.
    for (const Measurement& m : ms) {
      if (m.dimension() != first.dimension()) continue;
      if (first_score == 0) first_score = m.score();
      last_score = m.score();
    }
    const absl::Duration age = kNow - TimeOf(ms.back().measured_at());
    if (course == LandscapeGenerator::Course::kStale) {
      EXPECT_GT(age, absl::Hours(24) * 120) << i;
    } else {
      EXPECT_LT(age, absl::Hours(24) * 31) << i;
    }
    if (course == LandscapeGenerator::Course::kImproving && first_score < 95) {
      EXPECT_GT(last_score, first_score) << i;
    }
    if (course == LandscapeGenerator::Course::kDeclining && last_score > 5) {
      EXPECT_LT(last_score, first_score) << i;
    }
  }
  for (auto course : {LandscapeGenerator::Course::kImproving, LandscapeGenerator::Course::kDeclining,
                      LandscapeGenerator::Course::kSteady, LandscapeGenerator::Course::kStale}) {
    EXPECT_GT(courses[course], 200) << static_cast<int>(course);
  }
}

TEST(LandscapeGenerator, TerugmeldingenOnEveryBasisregistratieAndSomeOthers) {
  LandscapeGenerator g({2000, 5});
  LandscapeGenerator again({2000, 5});
  int with_reports = 0;
  std::set<TerugmeldingStatus> basis_targets;
  for (int64_t i = 0; i < g.size(); ++i) {
    const std::vector<Terugmelding> ts = g.Terugmeldingen(i);
    const std::vector<Terugmelding> ts2 = again.Terugmeldingen(i);
    ASSERT_EQ(ts.size(), ts2.size());
    const bool basis = i < 10;
    if (basis) {
      EXPECT_GE(ts.size(), 2u) << i;
    }
    if (ts.empty()) continue;
    ++with_reports;
    const Dataset d = g.Dataset(i);
    std::set<std::string> fields;
    for (const auto& f : d.schema_fields()) fields.insert(f.name());
    for (size_t k = 0; k < ts.size(); ++k) {
      const Terugmelding& t = ts[k];
      EXPECT_EQ(t.SerializeAsString(), ts2[k].SerializeAsString());
      EXPECT_EQ(t.dataset(), "datasets/" + d.id());
      EXPECT_FALSE(t.explanation().empty());
      EXPECT_LE(t.reference().size(), 12u) << t.reference();
      EXPECT_EQ(t.reporter_organisation().oin().size(), 20u);
      EXPECT_EQ(t.status(), catalog::v1::TERUGMELDING_STATUS_UNSPECIFIED);
      for (const auto& a : t.attributes()) EXPECT_TRUE(fields.count(a.name())) << a.name();
      const TerugmeldingStatus target = g.TargetStatus(i, static_cast<int64_t>(k));
      EXPECT_EQ(target, again.TargetStatus(i, static_cast<int64_t>(k)));
      if (basis) basis_targets.insert(target);
    }
  }
  EXPECT_GT(with_reports, 100);
  EXPECT_LT(with_reports, 400);
  EXPECT_EQ(basis_targets.size(), 7u) << "every status among the basisregistraties";
}

TEST(LandscapeGenerator, TransitionPathsAreLegal) {
  using namespace catalog::v1;  // NOLINT: the statuses read as the domain's vocabulary.
  // The allowed transitions of quality.proto.
  const std::set<std::pair<TerugmeldingStatus, TerugmeldingStatus>> allowed = {
      {TERUGMELDING_STATUS_GEMELD, TERUGMELDING_STATUS_IN_BEHANDELING},
      {TERUGMELDING_STATUS_GEMELD, TERUGMELDING_STATUS_INGETROKKEN},
      {TERUGMELDING_STATUS_GEMELD, TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE},
      {TERUGMELDING_STATUS_GEMELD, TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER},
      {TERUGMELDING_STATUS_IN_BEHANDELING, TERUGMELDING_STATUS_INGETROKKEN},
      {TERUGMELDING_STATUS_IN_BEHANDELING, TERUGMELDING_STATUS_INGEPLAND},
      {TERUGMELDING_STATUS_IN_BEHANDELING, TERUGMELDING_STATUS_AFGEHANDELD},
      {TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER, TERUGMELDING_STATUS_GEMELD},
      {TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER, TERUGMELDING_STATUS_INGETROKKEN},
      {TERUGMELDING_STATUS_INGEPLAND, TERUGMELDING_STATUS_AFGEHANDELD},
  };
  for (int s = TERUGMELDING_STATUS_GEMELD; s <= TERUGMELDING_STATUS_AFGEHANDELD; ++s) {
    const auto target = static_cast<TerugmeldingStatus>(s);
    TerugmeldingStatus at = TERUGMELDING_STATUS_GEMELD;
    for (TerugmeldingStatus next : LandscapeGenerator::TransitionPath(target)) {
      EXPECT_TRUE(allowed.count({at, next})) << s << ": " << at << " -> " << next;
      at = next;
    }
    EXPECT_EQ(at, target);
  }
}

}  // namespace
}  // namespace catalog::demo
