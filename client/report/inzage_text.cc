#include "client/report/inzage_text.h"

#include <iterator>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"

namespace catalog::report {
namespace {

namespace v1 = ::catalog::v1;

constexpr absl::string_view kMonths[] = {"januari",   "februari", "maart",    "april",
                                         "mei",       "juni",     "juli",     "augustus",
                                         "september", "oktober",  "november", "december"};

// A unit of an ISO 8601 period: its letter and its Dutch words.
struct PeriodUnit {
  char letter;
  absl::string_view one, more;
};

constexpr PeriodUnit kUnits[] = {{'Y', "jaar", "jaar"},
                                  {'M', "maand", "maanden"},
                                  {'W', "week", "weken"},
                                  {'D', "dag", "dagen"}};

// The words of "7Y6M" (the period without its "P"), units in ISO order; none
// for anything else.
std::optional<std::vector<std::string>> PeriodParts(absl::string_view rest) {
  std::vector<std::string> parts;
  size_t unit = 0;
  while (!rest.empty()) {
    size_t digits = 0;
    while (digits < rest.size() && absl::ascii_isdigit(static_cast<unsigned char>(rest[digits]))) {
      ++digits;
    }
    int64_t count = 0;
    if (digits == 0 || digits == rest.size() || !absl::SimpleAtoi(rest.substr(0, digits), &count)) {
      return std::nullopt;
    }
    while (unit < std::size(kUnits) && kUnits[unit].letter != rest[digits]) ++unit;
    if (unit == std::size(kUnits)) return std::nullopt;
    parts.push_back(absl::StrCat(count, " ", count == 1 ? kUnits[unit].one : kUnits[unit].more));
    ++unit;
    rest.remove_prefix(digits + 1);
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

// Indexed by LegalBasis value.
constexpr absl::string_view kLegalBases[] = {
    "",
    "Toestemming (artikel 6, lid 1, onder a AVG)",
    "Uitvoering van een overeenkomst (artikel 6, lid 1, onder b AVG)",
    "Wettelijke verplichting (artikel 6, lid 1, onder c AVG)",
    "Vitaal belang (artikel 6, lid 1, onder d AVG)",
    "Taak van algemeen belang of uitoefening van openbaar gezag (artikel 6, lid 1, onder e AVG)",
    "Gerechtvaardigd belang (artikel 6, lid 1, onder f AVG)",
};

// Indexed by GoverningBody value; OTHER says nothing to the resident.
constexpr absl::string_view kGoverningBodies[] = {
    "", "college van burgemeester en wethouders", "gemeenteraad", "burgemeester",
    "heffingsambtenaar", "",
};

// texts[value], "" for a value beyond them (a newer server).
template <size_t N>
std::string TextOf(const absl::string_view (&texts)[N], int value) {
  return value >= 0 && static_cast<size_t>(value) < N ? std::string(texts[value]) : "";
}

}  // namespace

LetterZone DutchTimeZone() {
  absl::TimeZone zone;
  if (absl::LoadTimeZone("Europe/Amsterdam", &zone)) return {zone, "Nederlandse tijd"};
  return {absl::UTCTimeZone(), "UTC"};
}

std::string DutchDate(absl::Time time, absl::TimeZone zone) {
  const absl::CivilDay day = absl::ToCivilDay(time, zone);
  return absl::StrCat(day.day(), " ", kMonths[day.month() - 1], " ", day.year());
}

std::string DutchDateTime(absl::Time time, absl::TimeZone zone) {
  return absl::FormatTime("%d-%m-%Y %H:%M", time, zone);
}

std::string RetentionText(absl::string_view period) {
  absl::string_view rest = absl::StripAsciiWhitespace(period);
  if (!absl::ConsumePrefix(&rest, "P")) return std::string(period);
  const std::optional<std::vector<std::string>> parts = PeriodParts(rest);
  if (!parts.has_value()) return std::string(period);
  if (parts->size() == 1) return parts->front();
  return absl::StrCat(absl::StrJoin(parts->begin(), parts->end() - 1, ", "), " en ",
                      parts->back());
}

std::string LegalBasisText(v1::LegalBasis basis) { return TextOf(kLegalBases, basis); }

std::string GoverningBodyText(v1::GoverningBody body) { return TextOf(kGoverningBodies, body); }

std::string IdTypeLabel(absl::string_view id_type) {
  const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(id_type));
  if (upper == "BSN") return "Burgerservicenummer";
  if (upper == "KVK") return "KvK-nummer";
  return std::string(id_type);
}

std::string PeriodText(std::optional<absl::Time> since, std::optional<absl::Time> until,
                       absl::TimeZone zone) {
  if (since && until) {
    return absl::StrCat("van ", DutchDate(*since, zone), " tot ", DutchDate(*until, zone));
  }
  if (since) return absl::StrCat("vanaf ", DutchDate(*since, zone));
  if (until) return absl::StrCat("tot ", DutchDate(*until, zone));
  return "alle vastgelegde verwerkingen";
}

}  // namespace catalog::report
