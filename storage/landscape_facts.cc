#include "storage/landscape_facts.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <mutex>

#include "api/dcat_profile.h"
#include "api/personal_data_names.h"
#include "api/resource_names.h"

namespace catalog::storage {
namespace {

using catalog::v1::Dataset;
using google::protobuf::util::TimeUtil;

// The entry of `dimension` in `dimensions` (kept sorted), added when
// missing.
DimensionFacts& DimensionEntry(std::vector<DimensionFacts>& dimensions, uint8_t dimension) {
  auto it = std::lower_bound(
      dimensions.begin(), dimensions.end(), dimension,
      [](const DimensionFacts& d, uint8_t wanted) { return d.dimension < wanted; });
  if (it == dimensions.end() || it->dimension != dimension) {
    it = dimensions.insert(it, DimensionFacts{});
    it->dimension = dimension;
  }
  return *it;
}

// Debian's Abseil has its own string_view: lookups take that one.
absl::string_view Key(std::string_view id) { return absl::string_view(id.data(), id.size()); }

}  // namespace

const DimensionFacts* DatasetFacts::Dimension(uint8_t dimension) const {
  for (const DimensionFacts& d : dimensions) {
    if (d.dimension == dimension) return &d;
  }
  return nullptr;
}

uint32_t LandscapeFacts::Intern(const std::string& text) {
  auto [it, added] = text_ids_.try_emplace(text, static_cast<uint32_t>(texts_.size()));
  if (added) texts_.push_back(text);
  return it->second;
}

DatasetFacts* LandscapeFacts::Find(std::string_view id) {
  auto it = by_id_.find(Key(id));
  return it == by_id_.end() ? nullptr : &datasets_[it->second];
}

void LandscapeFacts::PutDataset(const Dataset& d) {
  std::unique_lock lock(mu_);
  DatasetFacts* f = Find(d.id());
  if (f == nullptr) {
    by_id_.emplace(d.id(), datasets_.size());
    f = &datasets_.emplace_back();
    f->id = d.id();
  }
  f->title = d.basisregistratie() != 0 ? d.title() : std::string();
  if (d.basisregistratie() != 0) {
    basis_ids_.insert(d.id());
  } else {
    basis_ids_.erase(d.id());
  }
  f->domain = Intern(d.domain());
  f->provider = Intern(d.hosting().provider());
  f->country = Intern(d.hosting().country());
  f->region = Intern(d.hosting().region());
  f->registration_type = static_cast<uint8_t>(d.registration_type());
  f->basisregistratie = static_cast<uint8_t>(d.basisregistratie());
  f->municipal_role = static_cast<uint8_t>(d.municipal_role());
  f->origin = static_cast<uint8_t>(d.origin());
  f->status = static_cast<uint8_t>(d.status());
  f->openness = static_cast<uint8_t>(d.openness().level());
  f->hosting_kind = static_cast<uint8_t>(d.hosting().kind());
  f->confidentiality = static_cast<uint8_t>(d.classification().confidentiality());
  f->availability = static_cast<uint8_t>(d.classification().availability());
  f->integrity = static_cast<uint8_t>(d.classification().integrity());
  f->confidentiality_level = static_cast<uint8_t>(d.classification().confidentiality_level());
  f->bbn = static_cast<uint8_t>(d.classification().bbn());
  f->special_categories = 0;
  for (int c : d.personal_data().special_categories()) {
    if (c > 0 && c < 16) f->special_categories |= static_cast<uint16_t>(1u << c);
  }
  f->inside_eea = d.hosting().inside_eea();
  f->processor_agreement = !d.hosting().processor_agreement_ref().empty();
  f->dpia_ref = !d.hosting().dpia_ref().empty();
  f->exit_strategy = !d.hosting().exit_strategy_ref().empty();
  f->personal_data = d.personal_data().contains_personal_data();
  f->criminal_data = d.personal_data().criminal_data();
  f->legal_basis = d.personal_data().legal_basis() != 0;
  f->dcat_incomplete = api::IsOpenData(d) && !api::MissingDcatProperties(d).empty();
  f->purposes = !d.personal_data().purposes().empty();
  f->publication_url = !d.openness().publication_url().empty();
  f->owner = !d.roles().owner().empty();
  f->personal_fields = false;
  for (const catalog::v1::SchemaField& field : d.schema_fields()) {
    if (field.personal_data() || api::LooksLikePersonalData(field.name())) {
      f->personal_fields = true;
      break;
    }
  }
  f->create_micros = TimeUtil::TimestampToMicroseconds(d.create_time());
  // Norms as now recorded; measured dimensions stay.
  std::vector<DimensionFacts> dimensions;
  for (DimensionFacts& old : f->dimensions) {
    if (old.measured) {
      old.has_norm = false;
      dimensions.push_back(old);
    }
  }
  for (const catalog::v1::QualityNorm& norm : d.quality_norms()) {
    DimensionFacts& entry = DimensionEntry(dimensions, static_cast<uint8_t>(norm.dimension()));
    entry.has_norm = true;
    entry.norm = static_cast<float>(norm.target());
  }
  f->dimensions = std::move(dimensions);
}

void LandscapeFacts::RemoveDataset(std::string_view id) {
  std::unique_lock lock(mu_);
  auto it = by_id_.find(Key(id));
  if (it == by_id_.end()) return;
  const size_t slot = it->second;
  by_id_.erase(it);
  basis_ids_.erase(Key(id));
  if (slot + 1 != datasets_.size()) {
    datasets_[slot] = std::move(datasets_.back());
    by_id_[datasets_[slot].id] = slot;
  }
  datasets_.pop_back();
}

void LandscapeFacts::RecordScore(std::string_view id, uint8_t dimension, double score,
                                 int64_t micros) {
  std::unique_lock lock(mu_);
  DatasetFacts* f = Find(id);
  if (f == nullptr) return;
  DimensionFacts& d = DimensionEntry(f->dimensions, dimension);
  if (d.measured && d.latest_micros > micros) return;
  d.measured = true;
  d.latest = static_cast<float>(score);
  d.latest_micros = micros;
}

bool LandscapeFacts::LatestScore(std::string_view id, uint8_t dimension, int64_t* micros) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(Key(id));
  if (it == by_id_.end()) return false;
  const DimensionFacts* d = datasets_[it->second].Dimension(dimension);
  if (d == nullptr || !d->measured) return false;
  *micros = d->latest_micros;
  return true;
}

void LandscapeFacts::PutReport(const catalog::v1::Terugmelding& report) {
  std::unique_lock lock(mu_);
  DatasetFacts* f = Find(api::IdOf(report.dataset()));
  if (f == nullptr) return;
  auto it = std::find_if(f->reports.begin(), f->reports.end(),
                         [&](const ReportFacts& r) { return r.id == report.name(); });
  ReportFacts& r = it != f->reports.end() ? *it : f->reports.emplace_back();
  r.id = report.name();
  r.status = static_cast<uint8_t>(report.status());
  r.dimension = static_cast<uint8_t>(report.dimension());
  r.filed_micros = TimeUtil::TimestampToMicroseconds(report.create_time());
}

void LandscapeFacts::ApplyEdge(std::string_view source_id, const std::string& target,
                               EdgeChange change) {
  std::unique_lock lock(mu_);
  const int delta = change.added ? 1 : change.removed ? -1 : 0;
  constexpr std::string_view kDatasets = "datasets/";
  if (std::string_view(target).starts_with(kDatasets)) {
    DatasetFacts* t = Find(std::string_view(target).substr(kDatasets.size()));
    if (t != nullptr) t->edges = static_cast<uint32_t>(static_cast<int64_t>(t->edges) + delta);
  }
  DatasetFacts* f = Find(source_id);
  if (f == nullptr) return;
  f->edges = static_cast<uint32_t>(static_cast<int64_t>(f->edges) + delta);
  std::vector<std::string>& list = f->undocumented_deliveries;
  const bool undocumented = change.undocumented && !change.removed;
  auto it = std::find(list.begin(), list.end(), target);
  if (undocumented && it == list.end()) list.push_back(target);
  if (!undocumented && it != list.end()) list.erase(it);
}

void LandscapeFacts::ForEach(const std::function<void(const DatasetFacts&)>& fn) const {
  std::shared_lock lock(mu_);
  for (const DatasetFacts& f : datasets_) fn(f);
}

std::vector<DatasetFacts> LandscapeFacts::Basisregistraties() const {
  std::shared_lock lock(mu_);
  std::vector<DatasetFacts> out;
  for (const std::string& id : basis_ids_) out.push_back(datasets_[by_id_.at(id)]);
  return out;
}

bool LandscapeFacts::Get(std::string_view id, DatasetFacts* out) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(Key(id));
  if (it == by_id_.end()) return false;
  *out = datasets_[it->second];
  return true;
}

bool LandscapeFacts::Contains(std::string_view id) const {
  std::shared_lock lock(mu_);
  return by_id_.contains(Key(id));
}

bool LandscapeFacts::Access(std::string_view id, DatasetAccess* out) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(Key(id));
  if (it == by_id_.end()) return false;
  const DatasetFacts& f = datasets_[it->second];
  out->confidentiality = f.confidentiality;
  out->domain = texts_[f.domain];
  return true;
}

std::string LandscapeFacts::Text(uint32_t id) const {
  std::shared_lock lock(mu_);
  return id < texts_.size() ? texts_[id] : std::string();
}

bool LandscapeFacts::FindText(const std::string& text, uint32_t* id) const {
  std::shared_lock lock(mu_);
  auto it = text_ids_.find(text);
  if (it == text_ids_.end()) return false;
  *id = it->second;
  return true;
}

size_t LandscapeFacts::size() const {
  std::shared_lock lock(mu_);
  return datasets_.size();
}

}  // namespace catalog::storage
