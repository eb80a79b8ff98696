#include "server/core/visibility.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/enum_text.h"
#include "api/resource_names.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using v1::Dataset;

constexpr absl::string_view kLineageCollection = "lineage/";

const v1::SchemaField* FieldOf(const Dataset& dataset, const std::string& name) {
  for (const v1::SchemaField& field : dataset.schema_fields()) {
    if (field.name() == name) return &field;
  }
  return nullptr;
}

// The id after `collection` up to the next '/', or empty.
// Whether `dataset` declares the purpose `stated` (case and surrounding
// white space aside).
bool Declares(const Dataset& dataset, absl::string_view stated) {
  const auto& declared = dataset.personal_data().purposes();
  return std::any_of(declared.begin(), declared.end(), [&](const std::string& purpose) {
    return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(purpose), stated);
  });
}

absl::string_view SegmentAfter(absl::string_view name, absl::string_view collection) {
  if (!absl::StartsWith(name, collection)) return {};
  name.remove_prefix(collection.size());
  return name.substr(0, name.find('/'));
}

}  // namespace

bool Visibility::Reaches(int confidentiality) const {
  return confidentiality <= static_cast<int>(caller_.grant.clearance);
}

bool Visibility::Sees(const Dataset& dataset) const {
  return Reaches(dataset.classification().confidentiality());
}

bool Visibility::Sees(const storage::DatasetFacts& facts) const {
  return Reaches(facts.confidentiality);
}

bool Visibility::Sees(const storage::DatasetAccess& access) const {
  return Reaches(access.confidentiality);
}

bool Visibility::Sees(const catalog::v1::ProcessingOperation& operation) const {
  return Reaches(operation.confidentiality());
}

bool Visibility::Sees(const storage::NodeInfo& node) const {
  return node.party || Reaches(node.confidentiality);
}

bool Visibility::SeesEdge(const storage::NodeInfo& source,
                          const storage::NodeInfo& target) const {
  return Sees(source) && Sees(target);
}

bool Visibility::SeesField(const v1::SchemaField& field) const {
  return Reaches(field.confidentiality());
}

absl::Status Visibility::CheckClassification(const Dataset& dataset) const {
  if (Sees(dataset)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "dataset.classification.confidentiality: ",
      api::EnumShortName(dataset.classification().confidentiality()),
      " is above the clearance of principal \"", caller_.principal, "\" (",
      api::EnumShortName(caller_.grant.clearance), ")"));
}

bool Visibility::Lists(const Dataset& dataset) const {
  if (!Sees(dataset)) return false;
  // Checked per dataset of a listing: no refusal message is built.
  const absl::string_view stated = absl::StripAsciiWhitespace(caller_.purpose);
  return stated.empty() || !caller_.grant.purpose_required ||
         !dataset.personal_data().contains_personal_data() || Declares(dataset, stated);
}

std::vector<v1::Confidentiality> Visibility::SearchFilter() const {
  std::vector<v1::Confidentiality> levels;
  const google::protobuf::EnumDescriptor* descriptor = v1::Confidentiality_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    if (Reaches(number)) levels.push_back(static_cast<v1::Confidentiality>(number));
  }
  return levels;
}

bool Visibility::SeesReaders() const {
  return caller_.grant.HasAny(Bit(Role::kAuditor) | Bit(Role::kAdmin));
}

bool Visibility::DatasetVisible(const storage::CatalogStore& store, absl::string_view id) const {
  storage::DatasetAccess access;
  if (!store.facts().Access(std::string_view(id.data(), id.size()), &access)) {
    return Reaches(v1::Confidentiality_MAX);
  }
  return Sees(access);
}

template <typename DatasetRule>
bool Visibility::ResourceVisible(absl::string_view name, const DatasetRule& visible) {
  if (absl::string_view id = SegmentAfter(name, api::kDatasetCollection); !id.empty()) {
    return visible(id);
  }
  absl::string_view source = SegmentAfter(name, kLineageCollection);
  if (source.empty()) return true;  // Parties and other resources.
  if (!visible(source)) return false;
  const absl::string_view target = name.substr(kLineageCollection.size() + source.size() + 1);
  const absl::string_view target_id = SegmentAfter(target, api::kDatasetCollection);
  return target_id.empty() || visible(target_id);
}

bool Visibility::SeesResource(const storage::CatalogStore& store, absl::string_view name) const {
  return ResourceVisible(name, [&](absl::string_view id) { return DatasetVisible(store, id); });
}

bool Visibility::DatasetVisibleAt(const storage::CatalogStore& store, absl::string_view id,
                                  int64_t revision) const {
  const std::string key(id);
  for (int64_t at : {revision, revision - 1}) {
    if (at <= 0) break;
    absl::StatusOr<Dataset> then = store.GetDatasetAt(key, at);
    if (then.ok()) return Sees(*then);
  }
  return Reaches(v1::Confidentiality_MAX);
}

bool Visibility::SeesResourceAt(const storage::CatalogStore& store, absl::string_view name,
                                int64_t revision) const {
  return ResourceVisible(
      name, [&](absl::string_view id) { return DatasetVisibleAt(store, id, revision); });
}

absl::Status Visibility::CheckNamed(const storage::CatalogStore& store,
                                    const std::string& id) const {
  storage::DatasetAccess access;
  if (!store.facts().Access(id, &access) || !Sees(access)) return api::DatasetNotFoundError(id);
  return absl::OkStatus();
}

absl::StatusOr<Dataset> Visibility::Read(const storage::CatalogStore& store,
                                         const std::string& id) const {
  absl::StatusOr<Dataset> dataset = store.GetDataset(id);
  if (!dataset.ok()) return dataset.status();
  if (!Sees(*dataset)) return api::DatasetNotFoundError(id);
  RedactFields(&*dataset);
  return dataset;
}

absl::StatusOr<Dataset> Visibility::Present(Dataset dataset) const {
  if (!Sees(dataset)) return api::DatasetNotFoundError(dataset.id());
  if (absl::Status s = CheckPurpose(dataset); !s.ok()) return s;
  RedactFields(&dataset);
  return dataset;
}

absl::Status Visibility::CheckActivityPurpose(const PurposeActivity& activity,
                                             const Dataset& dataset) const {
  const std::string name = api::DatasetName(dataset.id());
  if (!activity.registered) {
    return absl::PermissionDeniedError(absl::StrCat(
        "x-purpose: doelbinding: ", activity.name, " is not a processing activity of the register"));
  }
  if (!activity.active) {
    return absl::PermissionDeniedError(absl::StrCat(
        "x-purpose: doelbinding: processing activity ", activity.name, " has ended"));
  }
  if (std::find(activity.datasets.begin(), activity.datasets.end(), name) ==
      activity.datasets.end()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "x-purpose: doelbinding: processing activity ", activity.name, " does not use ", name,
        " (the register lists the datasets each activity may use)"));
  }
  return absl::OkStatus();
}

absl::Status Visibility::CheckPurpose(const Dataset& dataset) const {
  if (!caller_.grant.purpose_required || !dataset.personal_data().contains_personal_data()) {
    return absl::OkStatus();
  }
  const absl::string_view stated = absl::StripAsciiWhitespace(caller_.purpose);
  if (stated.empty()) {
    return absl::FailedPreconditionError(
        "x-purpose: reading datasets that contain personal data requires a stated purpose "
        "(doelbinding); send it as x-purpose request metadata (catalogctl --purpose)");
  }
  if (const PurposeActivity* activity = caller_.purpose_activity.get(); activity != nullptr) {
    return CheckActivityPurpose(*activity, dataset);
  }
  if (Declares(dataset, stated)) return absl::OkStatus();
  const auto& declared = dataset.personal_data().purposes();
  return absl::PermissionDeniedError(absl::StrCat(
      "x-purpose: doelbinding: the stated purpose \"", stated, "\" is not a declared purpose of ",
      api::DatasetName(dataset.id()),
      declared.empty() ? " (it declares none; its owner must record them)"
                       : absl::StrCat(" (declared: \"", absl::StrJoin(declared, "\", \""), "\")")));
}

void Visibility::RedactFields(Dataset* dataset) const {
  for (v1::SchemaField& field : *dataset->mutable_schema_fields()) {
    if (SeesField(field)) continue;
    field.clear_type();
    field.clear_description();
    field.set_redacted(true);
  }
}

void Visibility::RedactMappings(const Dataset& source, const Dataset* target,
                                v1::LineageEdge* edge) const {
  auto hidden = [this](const Dataset* dataset, const std::string& name) {
    if (dataset == nullptr || name.empty()) return false;
    const v1::SchemaField* field = FieldOf(*dataset, name);
    return field != nullptr && (field->redacted() || !SeesField(*field));
  };
  for (v1::ColumnMapping& m : *edge->mutable_column_mappings()) {
    if (!hidden(&source, m.source_field()) && !hidden(target, m.target_field())) continue;
    m.clear_transformation();
    m.set_redacted(true);
  }
}

void Visibility::PreserveHiddenFields(const Dataset& stored, Dataset* proposed) const {
  for (const v1::SchemaField& hidden : stored.schema_fields()) {
    if (SeesField(hidden)) continue;
    auto* fields = proposed->mutable_schema_fields();
    auto same = std::find_if(fields->begin(), fields->end(),
                             [&](const auto& f) { return f.name() == hidden.name(); });
    if (same != fields->end()) {
      *same = hidden;
    } else {
      *proposed->add_schema_fields() = hidden;
    }
  }
}

}  // namespace catalog::server
