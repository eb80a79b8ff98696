#include "storage/dataset_indexes.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace catalog::storage {
namespace {

uint8_t Id(DatasetIndex index) { return static_cast<uint8_t>(index); }

}  // namespace

IndexValueKind ValueKindOf(DatasetIndex index) {
  switch (index) {
    case DatasetIndex::kDomain:
    case DatasetIndex::kProvider:
    case DatasetIndex::kOwner:
    case DatasetIndex::kTag:
    case DatasetIndex::kOpenLineageName:
      return IndexValueKind::kString;
    case DatasetIndex::kRevision:
      return IndexValueKind::kUint64;
    default:
      return IndexValueKind::kUint32;
  }
}

std::string TextIndexValue(std::string_view text) {
  return IndexStringValue(absl::AsciiStrToLower(absl::string_view(text.data(), text.size())));
}

std::string OpenLineageIndexValue(std::string_view ns, std::string_view name) {
  std::string joined(ns);
  joined.push_back('\0');
  joined.append(name);
  return IndexStringValue(joined);
}

std::vector<std::string> DatasetIndexKeys(const catalog::v1::Dataset& d) {
  std::vector<std::string> keys;
  const std::string& id = d.id();
  auto add_text = [&](DatasetIndex index, std::string_view text) {
    if (!text.empty()) keys.push_back(IndexKey(Id(index), TextIndexValue(text), id));
  };
  auto add_number = [&](DatasetIndex index, uint32_t value) {
    keys.push_back(IndexKey(Id(index), IndexUint32Value(value), id));
  };
  add_text(DatasetIndex::kDomain, d.domain());
  add_number(DatasetIndex::kRegistrationType, d.registration_type());
  if (d.basisregistratie() != catalog::v1::BASISREGISTRATIE_UNSPECIFIED) {
    add_number(DatasetIndex::kBasisregistratie, d.basisregistratie());
  }
  add_number(DatasetIndex::kHostingKind, d.hosting().kind());
  add_text(DatasetIndex::kProvider, d.hosting().provider());
  add_number(DatasetIndex::kInsideEea, d.hosting().inside_eea() ? 1 : 0);
  add_number(DatasetIndex::kConfidentiality, d.classification().confidentiality());
  add_text(DatasetIndex::kOwner, d.roles().owner());
  for (const std::string& tag : d.tags()) add_text(DatasetIndex::kTag, tag);
  add_number(DatasetIndex::kPersonalData,
             d.personal_data().contains_personal_data() ? 1 : 0);
  for (const catalog::v1::OpenLineageName& name : d.openlineage_names()) {
    keys.push_back(IndexKey(Id(DatasetIndex::kOpenLineageName),
                            OpenLineageIndexValue(name.namespace_(), name.name()), id));
  }
  keys.push_back(IndexKey(Id(DatasetIndex::kRevision),
                          IndexUint64Value(static_cast<uint64_t>(d.revision())), id));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

namespace {

bool SameText(const std::string& a, const std::string& b) {
  return absl::EqualsIgnoreCase(a, b);
}

}  // namespace

bool MatchesFilter(const catalog::v1::DatasetFilter& f,
                   const catalog::v1::Dataset& d) {
  if (!f.domain().empty() && !SameText(f.domain(), d.domain())) return false;
  if (f.registration_type() != catalog::v1::REGISTRATION_TYPE_UNSPECIFIED &&
      f.registration_type() != d.registration_type()) {
    return false;
  }
  if (f.basisregistratie() != catalog::v1::BASISREGISTRATIE_UNSPECIFIED &&
      f.basisregistratie() != d.basisregistratie()) {
    return false;
  }
  if (f.hosting_kind() != catalog::v1::HOSTING_KIND_UNSPECIFIED &&
      f.hosting_kind() != d.hosting().kind()) {
    return false;
  }
  if (!f.provider().empty() && !SameText(f.provider(), d.hosting().provider())) {
    return false;
  }
  // As the landscape counts: a dataset whose hosting is not recorded is
  // neither inside nor outside the EEA (its inside_eea is only a default).
  if (f.has_inside_eea() && (d.hosting().kind() == catalog::v1::HOSTING_KIND_UNSPECIFIED ||
                             f.inside_eea() != d.hosting().inside_eea())) {
    return false;
  }
  if (f.min_confidentiality() != catalog::v1::CONFIDENTIALITY_UNSPECIFIED &&
      d.classification().confidentiality() < f.min_confidentiality()) {
    return false;
  }
  if (!f.owner().empty() && !SameText(f.owner(), d.roles().owner())) return false;
  if (!f.tag().empty() &&
      std::none_of(d.tags().begin(), d.tags().end(),
                   [&](const std::string& t) { return SameText(t, f.tag()); })) {
    return false;
  }
  if (f.has_contains_personal_data() &&
      f.contains_personal_data() != d.personal_data().contains_personal_data()) {
    return false;
  }
  return true;
}

std::string BestIndexPrefix(const catalog::v1::DatasetFilter& f) {
  // Most selective first, by what municipal landscapes look like: a
  // basisregistratie or an owner picks out a few datasets, a boolean half.
  if (f.basisregistratie() != catalog::v1::BASISREGISTRATIE_UNSPECIFIED) {
    return IndexValuePrefix(Id(DatasetIndex::kBasisregistratie),
                            IndexUint32Value(f.basisregistratie()));
  }
  if (!f.owner().empty()) {
    return IndexValuePrefix(Id(DatasetIndex::kOwner), TextIndexValue(f.owner()));
  }
  if (!f.provider().empty()) {
    return IndexValuePrefix(Id(DatasetIndex::kProvider), TextIndexValue(f.provider()));
  }
  if (!f.tag().empty()) {
    return IndexValuePrefix(Id(DatasetIndex::kTag), TextIndexValue(f.tag()));
  }
  if (!f.domain().empty()) {
    return IndexValuePrefix(Id(DatasetIndex::kDomain), TextIndexValue(f.domain()));
  }
  if (f.registration_type() != catalog::v1::REGISTRATION_TYPE_UNSPECIFIED) {
    return IndexValuePrefix(Id(DatasetIndex::kRegistrationType),
                            IndexUint32Value(f.registration_type()));
  }
  if (f.hosting_kind() != catalog::v1::HOSTING_KIND_UNSPECIFIED) {
    return IndexValuePrefix(Id(DatasetIndex::kHostingKind),
                            IndexUint32Value(f.hosting_kind()));
  }
  if (f.has_inside_eea()) {
    return IndexValuePrefix(Id(DatasetIndex::kInsideEea),
                            IndexUint32Value(f.inside_eea() ? 1 : 0));
  }
  if (f.has_contains_personal_data()) {
    return IndexValuePrefix(Id(DatasetIndex::kPersonalData),
                            IndexUint32Value(f.contains_personal_data() ? 1 : 0));
  }
  return {};
}

}  // namespace catalog::storage
