#include "api/personal_data_names.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace catalog::api {
namespace {

// Whole words (after splitting): too short or too common to find inside
// other words.
constexpr absl::string_view kWords[] = {
    "bsn",       "anummer",     "iban",        "email",     "mail",       "kenteken",
    "geslacht",  "nationaliteit", "ssn",       "telefoon",  "mobiel",     "adres",
    "woonadres", "postadres",   "voornaam",    "voornamen", "achternaam", "geslachtsnaam",
    "tussenvoegsel", "voorletters", "surname", "firstname", "lastname",   "phone",
    "address",   "paspoort",    "passport",    "gender",    "nationality", "dob",
};

// Parts of the joined name ("geboortedatummoeder" holds "geboortedatum").
constexpr absl::string_view kParts[] = {
    "burgerservicenummer", "geboortedatum", "geboorteplaats", "geboorteland",
    "overlijdensdatum",    "emailadres",    "telefoonnummer", "mobielnummer",
    "rekeningnummer",      "dateofbirth",   "birthdate",      "placeofbirth",
    "firstname",           "lastname",      "ipadres",        "ipaddress",
    "rijbewijsnummer",     "woonadres",     "huisadres",      "paspoortnummer",
    "socialsecurity",      "burgerservice",
};

// "telefoonNummer_2" -> {"telefoon", "nummer", "2"}.
std::vector<std::string> Words(absl::string_view name) {
  std::vector<std::string> words(1);
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!absl::ascii_isalnum(c)) {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    const bool boundary = absl::ascii_isupper(c) && i > 0 && absl::ascii_islower(name[i - 1]);
    if (boundary && !words.back().empty()) words.emplace_back();
    words.back() += absl::ascii_tolower(c);
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

}  // namespace

bool LooksLikePersonalData(absl::string_view field_name) {
  const std::vector<std::string> words = Words(field_name);
  std::string joined;
  for (const std::string& w : words) {
    joined += w;
    for (absl::string_view known : kWords) {
      if (w == known) return true;
    }
  }
  for (absl::string_view part : kParts) {
    if (absl::StrContains(joined, part)) return true;
  }
  return false;
}

}  // namespace catalog::api
