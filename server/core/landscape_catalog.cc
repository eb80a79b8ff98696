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
#include "server/core/request_rules.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using storage::DatasetFacts;

constexpr int kDimensions = v1::QualityDimension_ARRAYSIZE;

// Counts per enum value (all enums of the API are below 256).
using EnumCounts = std::array<int64_t, 256>;

// Appends `rows` to `out`, most first, ties by key.
void AddCounts(std::vector<std::pair<std::string, int64_t>> rows,
               google::protobuf::RepeatedPtrField<v1::Count>* out) {
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (auto& [key, count] : rows) {
    v1::Count* c = out->Add();
    c->set_key(std::move(key));
    c->set_count(count);
  }
}

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

struct RuleSpec {
  v1::ComplianceRule rule;
  v1::FindingSeverity severity;
  const char* fix;
};

constexpr RuleSpec kRules[] = {
    {v1::COMPLIANCE_RULE_NO_OWNER, v1::FINDING_SEVERITY_MEDIUM,
     "Record the owner (eigenaar) accountable for the dataset."},
    {v1::COMPLIANCE_RULE_NO_CLASSIFICATION, v1::FINDING_SEVERITY_MEDIUM,
     "Classify the dataset: set its confidentiality marking and BIV levels."},
    {v1::COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_BASIS_OR_PURPOSE, v1::FINDING_SEVERITY_HIGH,
     "Record the legal basis (grondslag) and the purposes of the processing."},
    {v1::COMPLIANCE_RULE_CLOUD_PERSONAL_DATA_WITHOUT_AGREEMENT, v1::FINDING_SEVERITY_HIGH,
     "Conclude a processor agreement (verwerkersovereenkomst) and carry out a DPIA; record "
     "both."},
    {v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_OUTSIDE_EEA, v1::FINDING_SEVERITY_HIGH,
     "Move special categories of personal data into the EEA, or document the transfer "
     "safeguards."},
    {v1::COMPLIANCE_RULE_DERIVED_BELOW_SOURCE, v1::FINDING_SEVERITY_HIGH,
     "Classify the derived dataset at least as high as its sources and mark its personal "
     "data."},
    {v1::COMPLIANCE_RULE_DELIVERY_WITHOUT_PURPOSE_OR_BASIS, v1::FINDING_SEVERITY_HIGH,
     "Record purpose and legal basis of every delivery of personal data, or stop it."},
    {v1::COMPLIANCE_RULE_QUALITY_BELOW_NORM, v1::FINDING_SEVERITY_MEDIUM,
     "Improve the data or revisit the norm with the owner; report the plan."},
    {v1::COMPLIANCE_RULE_QUALITY_STALE, v1::FINDING_SEVERITY_LOW,
     "Measure the quality of the normed dimensions again."},
    {v1::COMPLIANCE_RULE_TERUGMELDINGEN_OVERDUE, v1::FINDING_SEVERITY_MEDIUM,
     "Handle the overdue terugmeldingen and inform the reporters."},
    {v1::COMPLIANCE_RULE_OPENBAAR_NOT_PUBLISHED, v1::FINDING_SEVERITY_LOW,
     "Publish the dataset (open tenzij) with a publication URL and licence, or record the "
     "Woo ground."},
    {v1::COMPLIANCE_RULE_CONCEPT_TOO_LONG, v1::FINDING_SEVERITY_LOW,
     "Complete the catalogue entry and set its status, or remove it."},
};

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
  const size_t limit = request.max_datasets_per_finding() == 0
                           ? static_cast<size_t>(options_.default_finding_datasets)
                           : static_cast<size_t>(request.max_datasets_per_finding());

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
  const bool no_match = (!filter.domain().empty() && !facts.FindText(filter.domain(), &domain_filter)) ||
                        (!filter.provider().empty() && !facts.FindText(filter.provider(), &provider_filter));
  const uint8_t clearance = static_cast<uint8_t>(caller.grant.clearance);
  const bool filtered = !filter.domain().empty() || !filter.provider().empty() ||
                        filter.registration_type() != 0 || filter.hosting_kind() != 0;
  auto included = [&](const DatasetFacts& f) {
    return f.confidentiality <= clearance && !no_match &&
           (filter.domain().empty() || f.domain == domain_filter) &&
           (filter.provider().empty() || f.provider == provider_filter) &&
           (filter.registration_type() == 0 || f.registration_type == filter.registration_type()) &&
           (filter.hosting_kind() == 0 || f.hosting_kind == filter.hosting_kind());
  };

  EnumCounts registration{}, basis{}, role{}, origin{}, status{}, openness{}, kind{},
      confidentiality{}, availability{}, integrity{}, confidentiality_level{}, bbn{}, special{};
  absl::flat_hash_map<uint32_t, int64_t> domains, countries, regions;
  absl::flat_hash_map<uint32_t, ProviderAcc> providers;
  std::array<Mean, kDimensions> by_dimension;
  absl::flat_hash_map<uint32_t, std::array<Mean, kDimensions>> by_domain;
  std::array<RuleHits, v1::ComplianceRule_ARRAYSIZE> hits;
  Mean overall_scores;  // Of the measured datasets.
  absl::flat_hash_set<std::string> matching;  // Only when filtered.
  int64_t total = 0, inside_eea = 0, outside_eea = 0, personal = 0, with_special = 0,
          criminal = 0, below_norm = 0, stale = 0, open_reports = 0, overdue = 0;
  const int64_t now_micros = absl::ToUnixMicros(now);
  const int64_t stale_micros = absl::ToInt64Microseconds(StalePeriod(quality_));
  const int64_t concept_micros = absl::ToInt64Microseconds(options_.concept_period);

  // The reach of the basisregistraties (one propagation through the
  // lineage graph) runs on a second thread beside the pass over the datasets
  // and the pass over the edges, which take about as long together.
  std::vector<DatasetFacts> basisregistraties;
  for (DatasetFacts& f : facts.Basisregistraties()) {
    if (included(f)) basisregistraties.push_back(std::move(f));
  }
  std::sort(basisregistraties.begin(), basisregistraties.end(),
            [](const DatasetFacts& a, const DatasetFacts& b) { return a.id < b.id; });
  if (basisregistraties.size() > 64) basisregistraties.resize(64);  // There are ten kinds.
  std::vector<std::string> roots;
  for (const DatasetFacts& f : basisregistraties) roots.push_back(api::DatasetName(f.id));
  std::vector<int64_t> visible(roots.size()), hidden(roots.size());
  std::vector<std::vector<std::string>> parties(roots.size());
  std::thread reach([&] {
    graph.ForEachReached(roots, [&](const std::string& name, const storage::NodeInfo& info,
                                    uint64_t reaching) {
      for (; reaching != 0; reaching &= reaching - 1) {
        const int i = __builtin_ctzll(reaching);
        if (info.party) {
          parties[i].push_back(name);
        } else {
          ++(info.confidentiality > clearance ? hidden[i] : visible[i]);
        }
      }
    });
  });

  facts.ForEach([&](const DatasetFacts& f) {
    if (!included(f)) return;
    if (filtered) matching.insert(f.id);
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
    const bool hosted = f.hosting_kind != v1::HOSTING_KIND_UNSPECIFIED;
    const bool outside = hosted && !f.inside_eea;
    if (hosted) ++(f.inside_eea ? inside_eea : outside_eea);
    if (f.personal_data) ++personal;
    if (f.special_categories != 0) ++with_special;
    for (int c = 1; c < 16; ++c) {
      if ((f.special_categories >> c) & 1) ++special[static_cast<size_t>(c)];
    }
    if (f.criminal_data) ++criminal;

    // Quality.
    Mean overall;
    bool any_below = false, any_stale = false;
    std::array<Mean, kDimensions>* domain_means = nullptr;
    for (const storage::DimensionFacts& d : f.dimensions) {
      if (d.measured) {
        overall.Add(d.latest);
        by_dimension[d.dimension].Add(d.latest);
        if (domain_means == nullptr) domain_means = &by_domain[f.domain];
        (*domain_means)[d.dimension].Add(d.latest);
      }
      if (!d.has_norm) continue;
      if (d.measured && d.latest < d.norm) any_below = true;
      if (!d.measured || now_micros - d.latest_micros > stale_micros) any_stale = true;
    }
    if (overall.n > 0) overall_scores.Add(overall.value());
    if (any_below) ++below_norm;
    if (any_stale) ++stale;
    bool any_overdue = false;
    const int64_t period = absl::ToInt64Microseconds(
        HandlingPeriod(terugmelding_, static_cast<v1::RegistrationType>(f.registration_type)));
    for (const storage::ReportFacts& r : f.reports) {
      if (!IsOpen(static_cast<v1::TerugmeldingStatus>(r.status))) continue;
      ++open_reports;
      if (now_micros > r.filed_micros + period) {
        ++overdue;
        any_overdue = true;
      }
    }

    // Cloud.
    if (f.provider != 0) {
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

    // Findings.
    auto hit = [&](v1::ComplianceRule rule) { hits[rule].Add(f.id, limit); };
    if (!f.owner) hit(v1::COMPLIANCE_RULE_NO_OWNER);
    if (f.confidentiality == v1::CONFIDENTIALITY_UNSPECIFIED) {
      hit(v1::COMPLIANCE_RULE_NO_CLASSIFICATION);
    }
    if (f.personal_data && (!f.legal_basis || !f.purposes)) {
      hit(v1::COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_BASIS_OR_PURPOSE);
    }
    const bool cloud = f.hosting_kind == v1::HOSTING_KIND_PUBLIC_CLOUD ||
                       f.hosting_kind == v1::HOSTING_KIND_SAAS;
    if (f.personal_data && (cloud || outside) && (!f.processor_agreement || !f.dpia_ref)) {
      hit(v1::COMPLIANCE_RULE_CLOUD_PERSONAL_DATA_WITHOUT_AGREEMENT);
    }
    if (f.special_categories != 0 && outside) {
      hit(v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_OUTSIDE_EEA);
    }
    if (f.personal_data && !f.undocumented_deliveries.empty()) {
      hit(v1::COMPLIANCE_RULE_DELIVERY_WITHOUT_PURPOSE_OR_BASIS);
    }
    if (any_below) hit(v1::COMPLIANCE_RULE_QUALITY_BELOW_NORM);
    if (any_stale) hit(v1::COMPLIANCE_RULE_QUALITY_STALE);
    if (any_overdue) hit(v1::COMPLIANCE_RULE_TERUGMELDINGEN_OVERDUE);
    if (f.confidentiality == v1::CONFIDENTIALITY_OPENBAAR &&
        (f.openness != v1::OPENNESS_LEVEL_OPEN || !f.publication_url)) {
      hit(v1::COMPLIANCE_RULE_OPENBAAR_NOT_PUBLISHED);
    }
    if (f.status == v1::DATASET_STATUS_CONCEPT && now_micros - f.create_micros > concept_micros) {
      hit(v1::COMPLIANCE_RULE_CONCEPT_TOO_LONG);
    }
  });

  // Edges between visible nodes, and derived datasets below a source
  // (classified lower, or a mapped source with personal data into a target
  // not marked as holding any) among the datasets matching the filter.
  int64_t edges = 0;
  absl::flat_hash_set<std::string> derived_below;
  graph.ForEachEdge([&](const std::string& source, const storage::NodeInfo& s,
                        const std::string& target, const storage::NodeInfo& t,
                        uint8_t relation, bool mapped) {
    if (s.confidentiality > clearance || (!t.party && t.confidentiality > clearance)) return;
    ++edges;
    if (t.party || relation == v1::LINEAGE_RELATION_DELIVERY) return;
    const bool below = t.confidentiality < s.confidentiality;
    const bool unmarked = mapped && s.personal_data && !t.personal_data;
    if (!below && !unmarked) return;
    std::string id = api::IdOf(target);
    if (!filtered || matching.contains(id)) derived_below.insert(std::move(id));
  });
  reach.join();
  for (const std::string& id : derived_below) {
    hits[v1::COMPLIANCE_RULE_DERIVED_BELOW_SOURCE].Add(id, limit);
  }

  out.set_total_datasets(total);
  out.set_external_parties(static_cast<int64_t>(graph.party_count()));
  out.set_lineage_edges(edges);
  AddTextCounts(facts, domains, out.mutable_by_domain());
  AddEnumCounts(registration, &v1::RegistrationType_Name<v1::RegistrationType>,
                out.mutable_by_registration_type());
  AddEnumCounts(basis, &v1::Basisregistratie_Name<v1::Basisregistratie>,
                out.mutable_by_basisregistratie());
  AddEnumCounts(role, &v1::MunicipalRole_Name<v1::MunicipalRole>,
                out.mutable_by_municipal_role());
  AddEnumCounts(origin, &v1::Origin_Name<v1::Origin>, out.mutable_by_origin());
  AddEnumCounts(status, &v1::DatasetStatus_Name<v1::DatasetStatus>, out.mutable_by_status());
  AddEnumCounts(openness, &v1::OpennessLevel_Name<v1::OpennessLevel>,
                out.mutable_by_openness());

  v1::CloudOverview* cloud = out.mutable_cloud();
  AddEnumCounts(kind, &v1::HostingKind_Name<v1::HostingKind>, cloud->mutable_by_hosting_kind());
  absl::flat_hash_map<uint32_t, int64_t> provider_counts;
  for (const auto& [id, p] : providers) provider_counts[id] = p.datasets;
  AddTextCounts(facts, provider_counts, cloud->mutable_by_provider());
  AddTextCounts(facts, countries, cloud->mutable_by_country());
  AddTextCounts(facts, regions, cloud->mutable_by_region());
  cloud->set_inside_eea(inside_eea);
  cloud->set_outside_eea(outside_eea);
  for (const v1::Count& row : cloud->by_provider()) {
    uint32_t id = 0;
    if (!facts.FindText(row.key(), &id)) continue;
    const ProviderAcc& p = providers[id];
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

  v1::SecurityOverview* security = out.mutable_security();
  AddEnumCounts(confidentiality, &v1::Confidentiality_Name<v1::Confidentiality>,
                security->mutable_by_confidentiality());
  AddEnumCounts(availability, &v1::BivLevel_Name<v1::BivLevel>, security->mutable_by_availability());
  AddEnumCounts(integrity, &v1::BivLevel_Name<v1::BivLevel>, security->mutable_by_integrity());
  AddEnumCounts(confidentiality_level, &v1::BivLevel_Name<v1::BivLevel>,
                security->mutable_by_confidentiality_level());
  AddEnumCounts(bbn, &v1::BbnLevel_Name<v1::BbnLevel>, security->mutable_by_bbn());
  security->set_personal_data(personal);
  security->set_special_categories(with_special);
  AddEnumCounts(special, &v1::SpecialCategory_Name<v1::SpecialCategory>,
                security->mutable_by_special_category());
  security->set_criminal_data(criminal);

  v1::QualityOverview* quality = out.mutable_quality();
  AddScores(by_dimension, quality->mutable_by_dimension());
  std::vector<std::pair<std::string, const std::array<Mean, kDimensions>*>> domain_rows;
  for (const auto& [id, means] : by_domain) domain_rows.emplace_back(facts.Text(id), &means);
  std::sort(domain_rows.begin(), domain_rows.end());
  for (const auto& [name, means] : domain_rows) {
    v1::DomainQuality* row = quality->add_by_domain();
    row->set_domain(name);
    AddScores(*means, row->mutable_scores());
  }
  quality->set_measured_datasets(overall_scores.n);
  quality->set_mean_score(overall_scores.value());
  quality->set_below_norm(below_norm);
  quality->set_stale(stale);
  quality->set_open_terugmeldingen(open_reports);
  quality->set_overdue_terugmeldingen(overdue);

  for (size_t i = 0; i < basisregistraties.size(); ++i) {
    const DatasetFacts& f = basisregistraties[i];
    v1::BasisregistratieUse* use = out.add_basisregistratie_use();
    use->set_dataset(roots[i]);
    use->set_title(f.title);
    use->set_basisregistratie(static_cast<v1::Basisregistratie>(f.basisregistratie));
    use->set_municipal_role(static_cast<v1::MunicipalRole>(f.municipal_role));
    use->set_downstream_datasets(visible[i]);
    use->set_hidden_downstream_datasets(hidden[i]);
    std::sort(parties[i].begin(), parties[i].end());
    for (std::string& p : parties[i]) use->add_external_parties(std::move(p));
    std::vector<std::string> direct, datasets;
    for (auto& [name, info] : graph.Consumers(roots[i])) {
      if (info.party) {
        direct.push_back(std::move(name));
      } else if (info.confidentiality <= clearance) {
        datasets.push_back(std::move(name));
      }
    }
    std::sort(direct.begin(), direct.end());  // Parties first.
    std::sort(datasets.begin(), datasets.end());
    direct.insert(direct.end(), datasets.begin(), datasets.end());
    if (direct.size() > 12) direct.resize(12);
    for (std::string& d : direct) use->add_direct_consumers(std::move(d));

    absl::StatusOr<std::map<std::string, int64_t>> reads = store_->DatasetReads(f.id, since, until);
    if (!reads.ok()) return reads.status();
    for (const auto& [principal, n] : *reads) use->set_reads(use->reads() + n);
    use->set_distinct_readers(static_cast<int64_t>(reads->size()));
    AddCounts({reads->begin(), reads->end()}, use->mutable_readers());
  }

  // Findings: most severe first, then by count.
  for (const RuleSpec& spec : kRules) {
    RuleHits& rule = hits[spec.rule];
    if (rule.count() == 0) continue;
    v1::ComplianceFinding* finding = out.add_findings();
    finding->set_rule(spec.rule);
    finding->set_severity(spec.severity);
    finding->set_count(rule.count());
    for (std::string& id : rule.First()) finding->add_datasets(api::DatasetName(id));
    finding->set_fix(spec.fix);
  }
  std::stable_sort(out.mutable_findings()->begin(), out.mutable_findings()->end(),
                   [](const v1::ComplianceFinding& a, const v1::ComplianceFinding& b) {
                     return a.severity() != b.severity() ? a.severity() > b.severity()
                                                         : a.count() > b.count();
                   });
  return out;
}

}  // namespace catalog::server
