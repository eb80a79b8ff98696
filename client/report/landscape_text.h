// The words of the landscape report, in Dutch and English: readable labels
// for the enum keys of breakdowns ("HOSTING_KIND_SAAS" -> "SaaS"), the
// title and the fix of every compliance rule (the server's `fix` is English
// only), and numbers written the way each language writes them.
//
// All functions are pure and thread-safe.
#ifndef CATALOG_CLIENT_REPORT_LANDSCAPE_TEXT_H_
#define CATALOG_CLIENT_REPORT_LANDSCAPE_TEXT_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/v1/landscape_service.pb.h"

namespace catalog::report {

enum class Language { kDutch, kEnglish };

// "nl" or "en", case-insensitively; INVALID_ARGUMENT naming `flag`
// otherwise.
absl::StatusOr<Language> ParseLanguage(absl::string_view text,
                                       absl::string_view flag);

// "nl" or "en" (the HTML lang attribute).
absl::string_view LanguageCode(Language language);

// One text in both languages.
struct Text {
  absl::string_view nl;
  absl::string_view en;

  absl::string_view In(Language language) const {
    return language == Language::kDutch ? nl : en;
  }
};

// The label of breakdown key `key` of the enum `type`: a translated label
// for the values that need one, otherwise the value's short name
// capitalized ("CONFIDENTIALITY_BEPERKT_OPENBAAR" -> "Beperkt openbaar";
// acronyms such as BRP upper-case). "" and the UNSPECIFIED value (no value
// recorded) are "(niet vastgelegd)"; a key that is not a value of `type` (a
// newer server) is returned as is.
std::string EnumLabel(const google::protobuf::EnumDescriptor& type,
                      absl::string_view key, Language language);

template <typename E>
std::string EnumLabel(E value, Language language) {
  const google::protobuf::EnumDescriptor& type =
      *google::protobuf::GetEnumDescriptor<E>();
  const google::protobuf::EnumValueDescriptor* v =
      type.FindValueByNumber(static_cast<int>(value));
  return EnumLabel(type, v == nullptr ? "" : v->name(), language);
}

// The label of a text-valued breakdown key (domain, provider, country):
// the key itself, "(niet vastgelegd)" when it is empty.
std::string TextLabel(absl::string_view key, Language language);

// What to do about `finding`, in `language`. For a rule this client does not
// know (a newer server), the server's English `fix`.
std::string RuleFix(const catalog::v1::ComplianceFinding& finding,
                    Language language);

// "87,4" / "87.4": one decimal.
std::string FormatDecimal(double value, Language language);

// `part` of `whole` as "42,3%" / "42.3%"; "–" when `whole` is 0.
std::string FormatPercent(int64_t part, int64_t whole, Language language);

// "1 dataset", "12 datasets".
std::string DatasetCount(int64_t count);

// "1 verwerkingsactiviteit", "12 verwerkingsactiviteiten" / "1 processing
// activity", "12 processing activities".
std::string ActivityCount(int64_t count, Language language);

// "2026-11-28 10:00 UTC"; "–" for an unset timestamp.
std::string FormatTime(const google::protobuf::Timestamp& time);

}  // namespace catalog::report

#endif  // CATALOG_CLIENT_REPORT_LANDSCAPE_TEXT_H_
