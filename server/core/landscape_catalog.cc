#include "server/core/landscape_catalog.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <queue>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "server/core/processing_landscape.h"
#include "server/core/request_rules.h"
#include "server/core/visibility.h"

namespace catalog::server {
void AddCounts(std::vector<std::pair<std::string, int64_t>> rows,
               google::protobuf::RepeatedPtrField<catalog::v1::Count>* out) {
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (auto& [key, count] : rows) {
    catalog::v1::Count* c = out->Add();
    c->set_key(std::move(key));
    c->set_count(count);
  }
}

namespace {

namespace v1 = ::catalog::v1;
using storage::DatasetFacts;

constexpr int kDimensions = v1::QualityDimension_ARRAYSIZE;

// Counts per enum value (all enums of the API are below 256).
using EnumCounts = std::array<int64_t, 256>;

// Enum-valued breakdowns: keyed by the value's name.
template <typename Enum>
void AddEnumCounts(const EnumCounts& counts, const std::string& (*name)(Enum),
                   google::protobuf::RepeatedPtrField<v1::Count>* out) {
  std::vector<std::pair<std::string, int64_t>> rows;
  for (size_t value = 0; value < counts.size(); ++value) {
    if (counts[value] == 0) continue;
    std::string key = name(static_cast<Enum>(value));
    rows.emplace_back(key.empty() ? absl::StrCat(value) : std::move(key), counts[value]);
  }
  AddCounts(std::move(rows), out);
}

// Text-valued breakdowns, by interned id.
void AddTextCounts(const storage::LandscapeFacts& facts,
                   const absl::flat_hash_map<uint32_t, int64_t>& counts,
                   google::protobuf::RepeatedPtrField<v1::Count>* out) {
  std::vector<std::pair<std::string, int64_t>> rows;
  for (const auto& [id, count] : counts) rows.emplace_back(facts.Text(id), count);
  AddCounts(std::move(rows), out);
}

// A running mean.
struct Mean {
  double sum = 0;
  int64_t n = 0;
  void Add(double v) {
    sum += v;
    ++n;
  }
  double value() const { return n == 0 ? 0 : sum / static_cast<double>(n); }
};

void AddScores(const std::array<Mean, kDimensions>& means,
               google::protobuf::RepeatedPtrField<v1::ScoreSummary>* out) {
  for (int d = 1; d < kDimensions; ++d) {
    if (means[d].n == 0) continue;
    v1::ScoreSummary* s = out->Add();
    s->set_dimension(static_cast<v1::QualityDimension>(d));
    s->set_mean(means[d].value());
    s->set_datasets(means[d].n);
  }
}

struct ProviderAcc {
  int64_t datasets = 0, personal = 0, agreement = 0, dpia = 0, exit = 0, outside = 0,
          integrated = 0;
  EnumCounts by_kind{}, by_confidentiality{};
  Mean quality;
};

// The datasets breaking one rule: the count, and the `limit` smallest ids.
class RuleHits {
 public:
  void Add(const std::string& id, size_t limit) {
    ++count_;
    if (limit == 0) return;
    if (first_.size() < limit) {
      first_.push(id);
    } else if (id < first_.top()) {
      first_.pop();
      first_.push(id);
    }
  }
  int64_t count() const { return count_; }
  std::vector<std::string> First() {
    std::vector<std::string> ids;
    for (; !first_.empty(); first_.pop()) ids.push_back(first_.top());
    std::reverse(ids.begin(), ids.end());
    return ids;
  }

 private:
  int64_t count_ = 0;
  std::priority_queue<std::string> first_;  // Largest on top.
};

// What the compliance rules look at of one dataset: its facts and what the
// pass over them derived.
struct RuleInput {
  const DatasetFacts& f;
  bool outside_eea;     // Hosted, and outside the EEA.
  bool below_norm;      // A normed dimension scores below its norm.
  bool stale;           // A normed dimension is unmeasured or measured too long ago.
  bool overdue;         // An open terugmelding is past its handling period.
  bool concept_too_long;
  bool without_activity;  // The register is kept here and no active activity uses it.
};

// One compliance rule: what it is, how bad, how to fix it, and which
// datasets break it. A null predicate marks the rule decided over lineage
// (derived below source), not per dataset.
struct ComplianceRuleSpec {
  v1::ComplianceRule rule;
  v1::FindingSeverity severity;
  const char* fix;
  bool (*broken)(const RuleInput&);
};

bool IsCloud(const DatasetFacts& f) {
  return f.hosting_kind == v1::HOSTING_KIND_PUBLIC_CLOUD || f.hosting_kind == v1::HOSTING_KIND_SAAS;
}

constexpr ComplianceRuleSpec kRules[] = {
    {v1::COMPLIANCE_RULE_NO_OWNER, v1::FINDING_SEVERITY_MEDIUM,
     "Record the owner (eigenaar) accountable for the dataset.",
     [](const RuleInput& in) { return !in.f.owner; }},
    {v1::COMPLIANCE_RULE_NO_CLASSIFICATION, v1::FINDING_SEVERITY_MEDIUM,
     "Classify the dataset: set its confidentiality marking and BIV levels.",
     [](const RuleInput& in) { return in.f.confidentiality == v1::CONFIDENTIALITY_UNSPECIFIED; }},
    {v1::COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_BASIS_OR_PURPOSE, v1::FINDING_SEVERITY_HIGH,
     "Record the legal basis (grondslag) and the purposes of the processing.",
     [](const RuleInput& in) { return in.f.personal_data && (!in.f.legal_basis || !in.f.purposes); }},
    {v1::COMPLIANCE_RULE_CLOUD_PERSONAL_DATA_WITHOUT_AGREEMENT, v1::FINDING_SEVERITY_HIGH,
     "Conclude a processor agreement (verwerkersovereenkomst) and carry out a DPIA; record "
     "both.",
     [](const RuleInput& in) {
       return in.f.personal_data && (IsCloud(in.f) || in.outside_eea) &&
              (!in.f.processor_agreement || !in.f.dpia_ref);
     }},
    {v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_OUTSIDE_EEA, v1::FINDING_SEVERITY_HIGH,
     "Move special categories of personal data into the EEA, or document the transfer "
     "safeguards.",
     [](const RuleInput& in) { return in.f.special_categories != 0 && in.outside_eea; }},
    {v1::COMPLIANCE_RULE_DERIVED_BELOW_SOURCE, v1::FINDING_SEVERITY_HIGH,
     "Classify the derived dataset at least as high as its sources and mark its personal "
     "data.",
     nullptr},
    {v1::COMPLIANCE_RULE_DELIVERY_WITHOUT_PURPOSE_OR_BASIS, v1::FINDING_SEVERITY_HIGH,
     "Record purpose and legal basis of every delivery of personal data, or stop it.",
     [](const RuleInput& in) { return in.f.personal_data && !in.f.undocumented_deliveries.empty(); }},
    {v1::COMPLIANCE_RULE_QUALITY_BELOW_NORM, v1::FINDING_SEVERITY_MEDIUM,
     "Improve the data or revisit the norm with the owner; report the plan.",
     [](const RuleInput& in) { return in.below_norm; }},
    {v1::COMPLIANCE_RULE_QUALITY_STALE, v1::FINDING_SEVERITY_LOW,
     "Measure the quality of the normed dimensions again.",
     [](const RuleInput& in) { return in.stale; }},
    {v1::COMPLIANCE_RULE_TERUGMELDINGEN_OVERDUE, v1::FINDING_SEVERITY_MEDIUM,
     "Handle the overdue terugmeldingen and inform the reporters.",
     [](const RuleInput& in) { return in.overdue; }},
    {v1::COMPLIANCE_RULE_OPENBAAR_NOT_PUBLISHED, v1::FINDING_SEVERITY_LOW,
     "Publish the dataset (open tenzij) with a publication URL and licence, or record the "
     "Woo ground.",
     [](const RuleInput& in) {
       return in.f.confidentiality == v1::CONFIDENTIALITY_OPENBAAR &&
              (in.f.openness != v1::OPENNESS_LEVEL_OPEN || !in.f.publication_url);
     }},
    {v1::COMPLIANCE_RULE_DCAT_INCOMPLETE, v1::FINDING_SEVERITY_LOW,
     "Record the DCAT-AP-NL properties the open-data export reports missing (catalogctl "
     "export dcat): publisher, creator, contact point, themes, access rights, description, "
     "publication URL and a licence from the DCAT-AP-NL list.",
     [](const RuleInput& in) { return in.f.dcat_incomplete; }},
    {v1::COMPLIANCE_RULE_PERSONAL_DATA_NOT_MARKED, v1::FINDING_SEVERITY_HIGH,
     "Check the fields named like personal data; mark the dataset (and the fields) as "
     "personal data with legal basis and purposes, or rename the fields.",
     [](const RuleInput& in) { return in.f.personal_fields && !in.f.personal_data; }},
    {v1::COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_ACTIVITY, v1::FINDING_SEVERITY_MEDIUM,
     "Record the processing activity that uses the dataset in the register (AVG art. 30), "
     "or remove the personal data.",
     [](const RuleInput& in) { return in.f.personal_data && in.without_activity; }},
    {v1::COMPLIANCE_RULE_CONCEPT_TOO_LONG, v1::FINDING_SEVERITY_LOW,
     "Complete the catalogue entry and set its status, or remove it.",
     [](const RuleInput& in) { return in.concept_too_long; }},
};

// The periods and limits one GetLandscape call counts with.
struct TallyRules {
  int64_t now_micros;
  int64_t stale_micros;
  int64_t concept_micros;
  size_t limit;  // Datasets named per finding.
  const TerugmeldingOptions* terugmelding;
  const RegisterFacts* register_facts;
};

// Everything one GetLandscape call counts: one pass over the facts of the
// datasets in scope (AddDataset) and one over the lineage edges between
// visible nodes (AddEdge).
struct Tally {
  EnumCounts registration{}, basis{}, role{}, origin{}, status{}, openness{}, kind{},
      confidentiality{}, availability{}, integrity{}, confidentiality_level{}, bbn{}, special{};
  absl::flat_hash_map<uint32_t, int64_t> domains, countries, regions;
  absl::flat_hash_map<uint32_t, ProviderAcc> providers;
  std::array<Mean, kDimensions> by_dimension;
  absl::flat_hash_map<uint32_t, std::array<Mean, kDimensions>> by_domain;
  std::array<RuleHits, v1::ComplianceRule_ARRAYSIZE> hits;
  Mean overall_scores;  // Of the measured datasets.
  int64_t total = 0, inside_eea = 0, outside_eea = 0, personal = 0, with_special = 0,
          criminal = 0, below_norm = 0, stale = 0, open_reports = 0, overdue = 0, edges = 0;
  absl::flat_hash_set<std::string> derived_below;

  void AddDataset(const DatasetFacts& f, const TallyRules& rules);
  // An edge between visible nodes; `in_scope(id)` tells whether its target
  // matches the request's filter.
  template <typename InScope>
  void AddEdge(const std::string& target, const storage::NodeInfo& s, const storage::NodeInfo& t,
               uint8_t relation, bool mapped, const InScope& in_scope);

 private:
  void AddBreakdowns(const DatasetFacts& f, bool outside);
  // The quality pass of one dataset: whether it is below a norm or stale,
  // and its overall score (n == 0 when unmeasured).
  Mean AddQuality(const DatasetFacts& f, int64_t now_micros, int64_t stale_micros,
                  bool* any_below, bool* any_stale);
  bool AddReports(const DatasetFacts& f, const TallyRules& rules);
  void AddProvider(const DatasetFacts& f, const Mean& overall, bool outside);
};

void Tally::AddDataset(const DatasetFacts& f, const TallyRules& rules) {
  const bool hosted = f.hosting_kind != v1::HOSTING_KIND_UNSPECIFIED;
  const bool outside = hosted && !f.inside_eea;
  AddBreakdowns(f, outside);
  bool any_below = false, any_stale = false;
  const Mean overall = AddQuality(f, rules.now_micros, rules.stale_micros, &any_below, &any_stale);
  const bool any_overdue = AddReports(f, rules);
  if (f.provider != 0) AddProvider(f, overall, outside);
  const RuleInput input{f, outside, any_below, any_stale, any_overdue,
                        f.status == v1::DATASET_STATUS_CONCEPT &&
                            rules.now_micros - f.create_micros > rules.concept_micros,
                        rules.register_facts->kept() &&
                            !rules.register_facts->used_datasets.contains(f.id)};
  for (const ComplianceRuleSpec& spec : kRules) {
    if (spec.broken != nullptr && spec.broken(input)) hits[spec.rule].Add(f.id, rules.limit);
  }
}

void Tally::AddBreakdowns(const DatasetFacts& f, bool outside) {
  ++total;
  ++domains[f.domain];
  ++registration[f.registration_type];
  if (f.basisregistratie != 0) {
    ++basis[f.basisregistratie];
    ++role[f.municipal_role];
  }
  ++origin[f.origin];
  ++status[f.status];
  ++openness[f.openness];
  ++kind[f.hosting_kind];
  ++confidentiality[f.confidentiality];
  ++availability[f.availability];
  ++integrity[f.integrity];
  ++confidentiality_level[f.confidentiality_level];
  ++bbn[f.bbn];
  if (f.country != 0) ++countries[f.country];
  if (f.region != 0) ++regions[f.region];
  if (f.hosting_kind != v1::HOSTING_KIND_UNSPECIFIED) ++(outside ? outside_eea : inside_eea);
  if (f.personal_data) ++personal;
  if (f.special_categories != 0) ++with_special;
  for (int c = 1; c < 16; ++c) {
    if ((f.special_categories >> c) & 1) ++special[static_cast<size_t>(c)];
  }
  if (f.criminal_data) ++criminal;
}

Mean Tally::AddQuality(const DatasetFacts& f, int64_t now_micros, int64_t stale_micros,
                       bool* any_below, bool* any_stale) {
  Mean overall;
  std::array<Mean, kDimensions>* domain_means = nullptr;
  for (const storage::DimensionFacts& d : f.dimensions) {
    if (d.measured) {
      overall.Add(d.latest);
      by_dimension[d.dimension].Add(d.latest);
      if (domain_means == nullptr) domain_means = &by_domain[f.domain];
      (*domain_means)[d.dimension].Add(d.latest);
    }
    if (BelowNorm(d)) *any_below = true;
    if (!d.has_norm) continue;
    if (!d.measured || now_micros - d.latest_micros > stale_micros) *any_stale = true;
  }
  if (overall.n > 0) overall_scores.Add(overall.value());
  if (*any_below) ++below_norm;
  if (*any_stale) ++stale;
  return overall;
}

bool Tally::AddReports(const DatasetFacts& f, const TallyRules& rules) {
  bool any_overdue = false;
  const int64_t period = absl::ToInt64Microseconds(HandlingPeriod(
      *rules.terugmelding, static_cast<v1::RegistrationType>(f.registration_type)));
  for (const storage::ReportFacts& r : f.reports) {
    if (!IsOpen(static_cast<v1::TerugmeldingStatus>(r.status))) continue;
    ++open_reports;
    if (rules.now_micros > r.filed_micros + period) {
      ++overdue;
      any_overdue = true;
    }
  }
  return any_overdue;
}

void Tally::AddProvider(const DatasetFacts& f, const Mean& overall, bool outside) {
  ProviderAcc& p = providers[f.provider];
  ++p.datasets;
  ++p.by_kind[f.hosting_kind];
  ++p.by_confidentiality[f.confidentiality];
  if (f.personal_data) ++p.personal;
  if (overall.n > 0) p.quality.Add(overall.value());
  if (f.processor_agreement) ++p.agreement;
  if (f.dpia_ref) ++p.dpia;
  if (f.exit_strategy) ++p.exit;
  if (outside) ++p.outside;
  if (f.edges > 0) ++p.integrated;
}

// Derived datasets below a source: classified lower, or a mapped source
// with personal data into a target not marked as holding any.
template <typename InScope>
void Tally::AddEdge(const std::string& target, const storage::NodeInfo& s,
                    const storage::NodeInfo& t, uint8_t relation, bool mapped,
                    const InScope& in_scope) {
  ++edges;
  if (t.party || relation == v1::LINEAGE_RELATION_DELIVERY) return;
  const bool below = t.confidentiality < s.confidentiality;
  const bool unmarked = mapped && s.personal_data && !t.personal_data;
  if (!below && !unmarked) return;
  std::string id = api::IdOf(target);
  if (in_scope(id)) derived_below.insert(std::move(id));
}

// ---- The response ----

void WriteBreakdowns(const Tally& t, const storage::LandscapeFacts& facts, v1::Landscape* out) {
  out->set_total_datasets(t.total);
  out->set_lineage_edges(t.edges);
  AddTextCounts(facts, t.domains, out->mutable_by_domain());
  AddEnumCounts(t.registration, &v1::RegistrationType_Name<v1::RegistrationType>,
                out->mutable_by_registration_type());
  AddEnumCounts(t.basis, &v1::Basisregistratie_Name<v1::Basisregistratie>,
                out->mutable_by_basisregistratie());
  AddEnumCounts(t.role, &v1::MunicipalRole_Name<v1::MunicipalRole>,
                out->mutable_by_municipal_role());
  AddEnumCounts(t.origin, &v1::Origin_Name<v1::Origin>, out->mutable_by_origin());
  AddEnumCounts(t.status, &v1::DatasetStatus_Name<v1::DatasetStatus>, out->mutable_by_status());
  AddEnumCounts(t.openness, &v1::OpennessLevel_Name<v1::OpennessLevel>,
                out->mutable_by_openness());
}

void WriteCloud(const Tally& t, const storage::LandscapeFacts& facts, v1::CloudOverview* cloud) {
  AddEnumCounts(t.kind, &v1::HostingKind_Name<v1::HostingKind>, cloud->mutable_by_hosting_kind());
  absl::flat_hash_map<uint32_t, int64_t> provider_counts;
  for (const auto& [id, p] : t.providers) provider_counts[id] = p.datasets;
  AddTextCounts(facts, provider_counts, cloud->mutable_by_provider());
  AddTextCounts(facts, t.countries, cloud->mutable_by_country());
  AddTextCounts(facts, t.regions, cloud->mutable_by_region());
  cloud->set_inside_eea(t.inside_eea);
  cloud->set_outside_eea(t.outside_eea);
  for (const v1::Count& row : cloud->by_provider()) {
    uint32_t id = 0;
    if (!facts.FindText(row.key(), &id)) continue;
    const ProviderAcc& p = t.providers.at(id);
    v1::ProviderSummary* s = cloud->add_providers();
    s->set_provider(row.key());
    s->set_datasets(p.datasets);
    AddEnumCounts(p.by_kind, &v1::HostingKind_Name<v1::HostingKind>, s->mutable_by_hosting_kind());
    AddEnumCounts(p.by_confidentiality, &v1::Confidentiality_Name<v1::Confidentiality>,
                  s->mutable_by_confidentiality());
    s->set_personal_data(p.personal);
    s->set_personal_data_share(static_cast<double>(p.personal) / static_cast<double>(p.datasets));
    s->set_mean_quality(p.quality.value());
    s->set_measured_datasets(p.quality.n);
    s->set_with_processor_agreement(p.agreement);
    s->set_with_dpia(p.dpia);
    s->set_with_exit_strategy(p.exit);
    s->set_outside_eea(p.outside);
    s->set_integrated(p.integrated);
  }
}

void WriteSecurity(const Tally& t, v1::SecurityOverview* security) {
  AddEnumCounts(t.confidentiality, &v1::Confidentiality_Name<v1::Confidentiality>,
                security->mutable_by_confidentiality());
  AddEnumCounts(t.availability, &v1::BivLevel_Name<v1::BivLevel>,
                security->mutable_by_availability());
  AddEnumCounts(t.integrity, &v1::BivLevel_Name<v1::BivLevel>, security->mutable_by_integrity());
  AddEnumCounts(t.confidentiality_level, &v1::BivLevel_Name<v1::BivLevel>,
                security->mutable_by_confidentiality_level());
  AddEnumCounts(t.bbn, &v1::BbnLevel_Name<v1::BbnLevel>, security->mutable_by_bbn());
  security->set_personal_data(t.personal);
  security->set_special_categories(t.with_special);
  AddEnumCounts(t.special, &v1::SpecialCategory_Name<v1::SpecialCategory>,
                security->mutable_by_special_category());
  security->set_criminal_data(t.criminal);
}

void WriteQuality(const Tally& t, const storage::LandscapeFacts& facts,
                  v1::QualityOverview* quality) {
  AddScores(t.by_dimension, quality->mutable_by_dimension());
  std::vector<std::pair<std::string, const std::array<Mean, kDimensions>*>> domain_rows;
  for (const auto& [id, means] : t.by_domain) domain_rows.emplace_back(facts.Text(id), &means);
  std::sort(domain_rows.begin(), domain_rows.end());
  for (const auto& [name, means] : domain_rows) {
    v1::DomainQuality* row = quality->add_by_domain();
    row->set_domain(name);
    AddScores(*means, row->mutable_scores());
  }
  quality->set_measured_datasets(t.overall_scores.n);
  quality->set_mean_score(t.overall_scores.value());
  quality->set_below_norm(t.below_norm);
  quality->set_stale(t.stale);
  quality->set_open_terugmeldingen(t.open_reports);
  quality->set_overdue_terugmeldingen(t.overdue);
}

// Findings: most severe first, then by count.
void WriteFindings(Tally& t, v1::Landscape* out) {
  for (const ComplianceRuleSpec& spec : kRules) {
    RuleHits& rule = t.hits[spec.rule];
    if (rule.count() == 0) continue;
    v1::ComplianceFinding* finding = out->add_findings();
    finding->set_rule(spec.rule);
    finding->set_severity(spec.severity);
    finding->set_count(rule.count());
    for (std::string& id : rule.First()) finding->add_datasets(api::DatasetName(id));
    finding->set_fix(spec.fix);
  }
  std::stable_sort(out->mutable_findings()->begin(), out->mutable_findings()->end(),
                   [](const v1::ComplianceFinding& a, const v1::ComplianceFinding& b) {
                     return a.severity() != b.severity() ? a.severity() > b.severity()
                                                         : a.count() > b.count();
                   });
}

// The reach of the basisregistraties in scope: datasets (visible and
// hidden) and parties downstream, found by one propagation through the
// lineage graph.
struct Reach {
  std::vector<DatasetFacts> roots;      // By id, at most 64 (there are ten kinds).
  std::vector<std::string> names;       // "datasets/{id}" of each root.
  std::vector<int64_t> visible, hidden;
  std::vector<std::vector<std::string>> parties;

  void Run(const storage::LineageGraph& graph, const Visibility& visibility) {
    visible.assign(names.size(), 0);
    hidden.assign(names.size(), 0);
    parties.assign(names.size(), {});
    graph.ForEachReached(names, [&](const std::string& name, const storage::NodeInfo& info,
                                    uint64_t reaching) {
      for (; reaching != 0; reaching &= reaching - 1) {
        const int i = __builtin_ctzll(reaching);
        if (info.party) {
          parties[i].push_back(name);
        } else {
          ++(visibility.Sees(info) ? visible[i] : hidden[i]);
        }
      }
    });
  }
};

absl::Status WriteBasisregistratieUse(Reach& reach, const storage::CatalogStore& store,
                                      const Visibility& visibility, absl::Time since,
                                      absl::Time until, v1::Landscape* out) {
  const storage::LineageGraph& graph = store.graph();
  for (size_t i = 0; i < reach.roots.size(); ++i) {
    const DatasetFacts& f = reach.roots[i];
    v1::BasisregistratieUse* use = out->add_basisregistratie_use();
    use->set_dataset(reach.names[i]);
    use->set_title(f.title);
    use->set_basisregistratie(static_cast<v1::Basisregistratie>(f.basisregistratie));
    use->set_municipal_role(static_cast<v1::MunicipalRole>(f.municipal_role));
    use->set_downstream_datasets(reach.visible[i]);
    use->set_hidden_downstream_datasets(reach.hidden[i]);
    std::sort(reach.parties[i].begin(), reach.parties[i].end());
    for (std::string& p : reach.parties[i]) use->add_external_parties(std::move(p));
    std::vector<std::string> direct, datasets;
    for (auto& [name, info] : graph.Consumers(reach.names[i])) {
      if (info.party) {
        direct.push_back(std::move(name));
      } else if (visibility.Sees(info)) {
        datasets.push_back(std::move(name));
      }
    }
    std::sort(direct.begin(), direct.end());  // Parties first.
    std::sort(datasets.begin(), datasets.end());
    direct.insert(direct.end(), datasets.begin(), datasets.end());
    if (direct.size() > 12) direct.resize(12);
    for (std::string& d : direct) use->add_direct_consumers(std::move(d));

    absl::StatusOr<std::map<std::string, int64_t>> reads = store.DatasetReads(f.id, since, until);
    if (!reads.ok()) return reads.status();
    for (const auto& [principal, n] : *reads) use->set_reads(use->reads() + n);
    use->set_distinct_readers(static_cast<int64_t>(reads->size()));
    // Who read how often is audit data.
    if (visibility.SeesReaders()) AddCounts({reads->begin(), reads->end()}, use->mutable_readers());
  }
  return absl::OkStatus();
}

absl::Status CheckRequest(const v1::GetLandscapeRequest& request, int max_datasets) {
  const v1::LandscapeFilter& f = request.filter();
  if (!v1::RegistrationType_IsValid(f.registration_type())) {
    return FieldError("filter.registration_type", "unknown value");
  }
  if (!v1::HostingKind_IsValid(f.hosting_kind())) {
    return FieldError("filter.hosting_kind", "unknown value");
  }
  if (request.max_datasets_per_finding() < 0 ||
      request.max_datasets_per_finding() > max_datasets) {
    return FieldError("max_datasets_per_finding", absl::StrCat("must be 0..", max_datasets));
  }
  for (const auto& [field, t] : {std::pair{"usage_since", &request.usage_since()},
                                 std::pair{"usage_until", &request.usage_until()}}) {
    if (!ValidTimestamp(*t)) return FieldError(field, "not a valid time");
  }
  return absl::OkStatus();
}

}  // namespace

LandscapeCatalog::LandscapeCatalog(const storage::CatalogStore* store, LandscapeOptions options,
                                   QualityOptions quality, TerugmeldingOptions terugmelding)
    : store_(store),
      options_(std::move(options)),
      quality_(std::move(quality)),
      terugmelding_(std::move(terugmelding)) {
  if (!options_.now) options_.now = [] { return absl::Now(); };
}

absl::StatusOr<v1::Landscape> LandscapeCatalog::Get(const v1::GetLandscapeRequest& request,
                                                    const Caller& caller) const {
  if (absl::Status s = CheckRequest(request, options_.max_finding_datasets); !s.ok()) return s;
  const absl::Time now = options_.now();
  const absl::Time until = request.has_usage_until() ? AbslTime(request.usage_until()) : now;
  const absl::Time since =
      request.has_usage_since() ? AbslTime(request.usage_since()) : until - options_.usage_period;
  if (since >= until) return FieldError("usage_since", "must be before usage_until");
  absl::StatusOr<RegisterFacts> register_facts = LoadRegisterFacts(*store_);
  if (!register_facts.ok()) return register_facts.status();
  const TallyRules rules{absl::ToUnixMicros(now),
                         absl::ToInt64Microseconds(StalePeriod(quality_)),
                         absl::ToInt64Microseconds(options_.concept_period),
                         request.max_datasets_per_finding() == 0
                             ? static_cast<size_t>(options_.default_finding_datasets)
                             : static_cast<size_t>(request.max_datasets_per_finding()),
                         &terugmelding_, &*register_facts};

  v1::Landscape out;
  // The revision first: everything counted below is at least as new.
  out.set_revision(store_->LatestRevision());
  *out.mutable_generated_at() = ProtoTimestamp(now);
  *out.mutable_filter() = request.filter();
  *out.mutable_usage_since() = ProtoTimestamp(since);
  *out.mutable_usage_until() = ProtoTimestamp(until);

  const storage::LandscapeFacts& facts = store_->facts();
  const storage::LineageGraph& graph = store_->graph();
  const v1::LandscapeFilter& filter = request.filter();
  // Text filters as interned ids; a text no dataset has matches nothing.
  uint32_t domain_filter = 0, provider_filter = 0;
  const bool no_match =
      (!filter.domain().empty() && !facts.FindText(filter.domain(), &domain_filter)) ||
      (!filter.provider().empty() && !facts.FindText(filter.provider(), &provider_filter));
  const Visibility visibility(caller);
  const bool filtered = !filter.domain().empty() || !filter.provider().empty() ||
                        filter.registration_type() != 0 || filter.hosting_kind() != 0;
  auto included = [&](const DatasetFacts& f) {
    return visibility.Sees(f) && !no_match &&
           (filter.domain().empty() || f.domain == domain_filter) &&
           (filter.provider().empty() || f.provider == provider_filter) &&
           (filter.registration_type() == 0 || f.registration_type == filter.registration_type()) &&
           (filter.hosting_kind() == 0 || f.hosting_kind == filter.hosting_kind());
  };

  // The reach of the basisregistraties runs on a second thread beside the
  // pass over the datasets and the pass over the edges, which take about as
  // long together.
  Reach reach;
  for (DatasetFacts& f : facts.Basisregistraties()) {
    if (included(f)) reach.roots.push_back(std::move(f));
  }
  std::sort(reach.roots.begin(), reach.roots.end(),
            [](const DatasetFacts& a, const DatasetFacts& b) { return a.id < b.id; });
  if (reach.roots.size() > 64) reach.roots.resize(64);
  for (const DatasetFacts& f : reach.roots) reach.names.push_back(api::DatasetName(f.id));
  std::thread reaching([&] { reach.Run(graph, visibility); });

  Tally tally;
  absl::flat_hash_set<std::string> matching;  // Only when filtered.
  facts.ForEach([&](const DatasetFacts& f) {
    if (!included(f)) return;
    if (filtered) matching.insert(f.id);
    tally.AddDataset(f, rules);
  });
  graph.ForEachEdge([&](const std::string& /*source*/, const storage::NodeInfo& s,
                        const std::string& target, const storage::NodeInfo& t, uint8_t relation,
                        bool mapped) {
    if (!visibility.SeesEdge(s, t)) return;
    tally.AddEdge(target, s, t, relation, mapped,
                  [&](const std::string& id) { return !filtered || matching.contains(id); });
  });
  reaching.join();
  for (const std::string& id : tally.derived_below) {
    tally.hits[v1::COMPLIANCE_RULE_DERIVED_BELOW_SOURCE].Add(id, rules.limit);
  }

  WriteBreakdowns(tally, facts, &out);
  out.set_external_parties(static_cast<int64_t>(graph.party_count()));
  WriteCloud(tally, facts, out.mutable_cloud());
  WriteSecurity(tally, out.mutable_security());
  WriteQuality(tally, facts, out.mutable_quality());
  if (absl::Status s = WriteBasisregistratieUse(reach, *store_, visibility, since, until, &out);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = WriteProcessing(*store_, *register_facts, visibility, included, since,
                                      until, rules.limit, &out);
      !s.ok()) {
    return s;
  }
  WriteFindings(tally, &out);
  return out;
}

}  // namespace catalog::server
