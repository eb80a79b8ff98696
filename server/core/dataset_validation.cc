#include "server/core/dataset_validation.h"

#include <set>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/resource_names.h"

namespace catalog::server {
namespace {

using catalog::v1::Dataset;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxDescription = 20000;
constexpr size_t kMaxText = 2000;
constexpr int kMaxRepeated = 2000;
constexpr size_t kMaxTag = 64;

absl::Status Invalid(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

std::string Join(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

// Walks every field of `message`: enum values must be known, strings within
// their length limit, repeated fields within their count limit. Generic, so
// that a field added to the proto is covered without another rule.
absl::Status CheckFieldsGenerically(const Message& message, absl::string_view prefix) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const std::string path = Join(prefix, field->name());
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      if (size > kMaxRepeated) {
        return Invalid(path, absl::StrCat("at most ", kMaxRepeated, " entries"));
      }
      for (int j = 0; j < size; ++j) {
        const std::string item = absl::StrCat(path, "[", j, "]");
        switch (field->cpp_type()) {
          case FieldDescriptor::CPPTYPE_ENUM: {
            const int value = reflection->GetRepeatedEnumValue(message, field, j);
            if (field->enum_type()->FindValueByNumber(value) == nullptr || value == 0) {
              return Invalid(item, absl::StrCat("unknown or unspecified value ", value));
            }
            break;
          }
          case FieldDescriptor::CPPTYPE_STRING:
            if (reflection->GetRepeatedStringReference(message, field, j, nullptr).size() >
                kMaxText) {
              return Invalid(item, absl::StrCat("longer than ", kMaxText, " characters"));
            }
            break;
          case FieldDescriptor::CPPTYPE_MESSAGE:
            if (absl::Status s = CheckFieldsGenerically(
                    reflection->GetRepeatedMessage(message, field, j), item);
                !s.ok()) {
              return s;
            }
            break;
          default:
            break;
        }
      }
      continue;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int value = reflection->GetEnumValue(message, field);
        if (field->enum_type()->FindValueByNumber(value) == nullptr) {
          return Invalid(path, absl::StrCat("unknown value ", value));
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        const size_t limit = field->name() == "description" ? kMaxDescription : kMaxText;
        if (reflection->GetStringReference(message, field, nullptr).size() > limit) {
          return Invalid(path, absl::StrCat("longer than ", limit, " characters"));
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (reflection->HasField(message, field)) {
          if (absl::Status s =
                  CheckFieldsGenerically(reflection->GetMessage(message, field), path);
              !s.ok()) {
            return s;
          }
        }
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

bool AllDigits(const std::string& s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status CheckOin(const std::string& oin, absl::string_view path) {
  if (!oin.empty() && (oin.size() != 20 || !AllDigits(oin))) {
    return Invalid(path, "an OIN has exactly 20 digits");
  }
  return absl::OkStatus();
}


absl::Status CheckRequired(const Dataset& d) {
  if (d.title().empty()) return Invalid("title", "required");
  if (d.title().size() > kMaxTitle) {
    return Invalid("title", absl::StrCat("at most ", kMaxTitle, " characters"));
  }
  if (d.registration_type() == catalog::v1::REGISTRATION_TYPE_UNSPECIFIED) {
    return Invalid("registration_type", "required");
  }
  if (d.domain().empty()) return Invalid("domain", "required");
  if (d.roles().owner().empty()) return Invalid("roles.owner", "required");
  if (d.hosting().kind() == catalog::v1::HOSTING_KIND_UNSPECIFIED) {
    return Invalid("hosting.kind", "required");
  }
  if (d.classification().confidentiality() == catalog::v1::CONFIDENTIALITY_UNSPECIFIED) {
    return Invalid("classification.confidentiality", "required");
  }
  return absl::OkStatus();
}

absl::Status CheckRegistration(const Dataset& d) {
  const bool is_basis =
      d.registration_type() == catalog::v1::REGISTRATION_TYPE_BASISREGISTRATIE;
  const bool has_basis = d.basisregistratie() != catalog::v1::BASISREGISTRATIE_UNSPECIFIED;
  const bool has_role = d.municipal_role() != catalog::v1::MUNICIPAL_ROLE_UNSPECIFIED;
  if (is_basis && !has_basis) {
    return Invalid("basisregistratie", "required when registration_type is basisregistratie");
  }
  if (is_basis && !has_role) {
    return Invalid("municipal_role",
                   "required when registration_type is basisregistratie "
                   "(bronhouder or afnemer)");
  }
  if (!is_basis && has_basis) {
    return Invalid("basisregistratie",
                   "only allowed when registration_type is basisregistratie");
  }
  if (!is_basis && has_role) {
    return Invalid("municipal_role", "only allowed when registration_type is basisregistratie");
  }
  if (d.origin() == catalog::v1::ORIGIN_EXTERNAL && d.providing_organisation().name().empty()) {
    return Invalid("providing_organisation.name", "required when origin is external");
  }
  for (const auto& [oin, path] : {std::pair{&d.publisher().oin(), "publisher.oin"},
                                  std::pair{&d.creator().oin(), "creator.oin"},
                                  std::pair{&d.providing_organisation().oin(),
                                            "providing_organisation.oin"}}) {
    if (absl::Status s = CheckOin(*oin, path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckHosting(const catalog::v1::Hosting& h) {
  for (const auto& [code, path] :
       {std::pair{&h.country(), "hosting.country"},
        std::pair{&h.provider_jurisdiction(), "hosting.provider_jurisdiction"}}) {
    if (!code->empty() &&
        (code->size() != 2 || !absl::ascii_isupper(static_cast<unsigned char>((*code)[0])) ||
         !absl::ascii_isupper(static_cast<unsigned char>((*code)[1])))) {
      return Invalid(path, "an ISO 3166-1 alpha-2 code in capitals, e.g. NL");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPersonalData(const Dataset& d) {
  const catalog::v1::PersonalData& p = d.personal_data();
  if (p.contains_personal_data()) {
    if (p.legal_basis() == catalog::v1::LEGAL_BASIS_UNSPECIFIED) {
      return Invalid("personal_data.legal_basis",
                     "required when the dataset contains personal data (grondslag, AVG art. 6)");
    }
    return absl::OkStatus();
  }
  const char* contradiction = nullptr;
  if (p.special_categories_size() > 0) contradiction = "personal_data.special_categories";
  if (p.criminal_data()) contradiction = "personal_data.criminal_data";
  if (p.data_subject_categories_size() > 0) {
    contradiction = "personal_data.data_subject_categories";
  }
  if (contradiction != nullptr) {
    return Invalid(contradiction, "set, but personal_data.contains_personal_data is false");
  }
  for (int i = 0; i < d.schema_fields_size(); ++i) {
    if (d.schema_fields(i).personal_data()) {
      return Invalid(absl::StrCat("schema_fields[", i, "].personal_data"),
                     "true, but personal_data.contains_personal_data is false");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCollections(const Dataset& d) {
  std::set<std::string> names;
  for (int i = 0; i < d.schema_fields_size(); ++i) {
    const std::string& name = d.schema_fields(i).name();
    const std::string path = absl::StrCat("schema_fields[", i, "].name");
    if (name.empty()) return Invalid(path, "required");
    if (!names.insert(name).second) return Invalid(path, absl::StrCat("duplicate \"", name, "\""));
  }
  std::set<int> dimensions;
  for (int i = 0; i < d.quality_norms_size(); ++i) {
    const catalog::v1::QualityNorm& norm = d.quality_norms(i);
    const std::string path = absl::StrCat("quality_norms[", i, "]");
    if (norm.dimension() == catalog::v1::QUALITY_DIMENSION_UNSPECIFIED) {
      return Invalid(Join(path, "dimension"), "required");
    }
    if (!dimensions.insert(norm.dimension()).second) {
      return Invalid(Join(path, "dimension"), "duplicate: one norm per dimension");
    }
    if (!(norm.target() >= 0 && norm.target() <= 100)) {
      return Invalid(Join(path, "target"), "must be within 0..100");
    }
  }
  std::set<std::string> tags;
  for (int i = 0; i < d.tags_size(); ++i) {
    const std::string& tag = d.tags(i);
    const std::string path = absl::StrCat("tags[", i, "]");
    if (tag.empty()) return Invalid(path, "empty");
    if (tag.size() > kMaxTag) return Invalid(path, absl::StrCat("at most ", kMaxTag, " characters"));
    if (!tags.insert(tag).second) return Invalid(path, absl::StrCat("duplicate \"", tag, "\""));
  }
  if (!d.retention().retention_period().empty() &&
      !IsIsoDuration(d.retention().retention_period())) {
    return Invalid("retention.retention_period", "an ISO 8601 duration such as P20Y or P10Y6M");
  }
  return absl::OkStatus();
}

}  // namespace

bool IsIsoDuration(const std::string& s) {
  if (s.size() < 3 || s[0] != 'P') return false;
  std::string order = "YMWD";
  size_t next_unit = 0;
  bool digits = false;
  for (size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits = true;
      continue;
    }
    const size_t unit = order.find(c, next_unit);
    if (!digits || unit == std::string::npos) return false;
    next_unit = unit + 1;
    digits = false;
  }
  return !digits;
}

std::optional<absl::Time> SubtractIsoDuration(absl::Time t, const std::string& s) {
  if (!IsIsoDuration(s)) return std::nullopt;
  int64_t years = 0, months = 0, days = 0;
  int64_t number = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      if (number > 100000) return std::nullopt;
      number = number * 10 + (c - '0');
      continue;
    }
    if (c == 'Y') years = number;
    if (c == 'M') months = number;
    if (c == 'W') days += 7 * number;
    if (c == 'D') days += number;
    number = 0;
  }
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond at = absl::ToCivilSecond(t, utc);
  const absl::CivilMonth month = absl::CivilMonth(at) - (years * 12 + months);
  // The same day of the month, or the month's last day when it is shorter.
  absl::CivilDay day(month.year(), month.month(), at.day());
  if (day.month() != month.month()) day = absl::CivilDay(absl::CivilMonth(month) + 1) - 1;
  const absl::CivilSecond shifted(day.year(), day.month(), day.day(), at.hour(), at.minute(),
                                  at.second());
  return absl::FromCivil(shifted, utc) - absl::Hours(24 * days) +
         (t - absl::FromCivil(at, utc));
}

absl::Status ValidateOin(const std::string& oin, absl::string_view path) {
  return CheckOin(oin, path);
}

void NormalizeDataset(Dataset* d) {
  d->clear_create_time();
  d->clear_update_time();
  d->clear_revision();
  d->clear_etag();
  for (catalog::v1::SchemaField& field : *d->mutable_schema_fields()) field.clear_redacted();
  for (std::string& tag : *d->mutable_tags()) {
    tag = absl::AsciiStrToLower(absl::StripAsciiWhitespace(tag));
  }
  if (d->status() == catalog::v1::DATASET_STATUS_UNSPECIFIED) {
    d->set_status(catalog::v1::DATASET_STATUS_COMPLETED);
  }
  if (d->origin() == catalog::v1::ORIGIN_UNSPECIFIED) d->set_origin(catalog::v1::ORIGIN_INTERNAL);
}

absl::Status ValidateMessageFields(const google::protobuf::Message& message,
                                   absl::string_view prefix) {
  return CheckFieldsGenerically(message, prefix);
}

absl::Status ValidateDataset(const Dataset& d) {
  if (absl::Status s = api::ValidateDatasetId(d.id(), "id"); !s.ok()) return s;
  for (absl::Status s : {CheckRequired(d), CheckFieldsGenerically(d, ""), CheckRegistration(d),
                         CheckHosting(d.hosting()), CheckPersonalData(d), CheckCollections(d)}) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace catalog::server
