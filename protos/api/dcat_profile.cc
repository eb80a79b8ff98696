#include "api/dcat_profile.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace catalog::api {
namespace {

namespace v1 = ::catalog::v1;

struct Licence {
  const char* code;
  const char* iri;
};

// The licences of the DCAT-AP-NL list that open data of a municipality
// uses, by the code a steward records.
constexpr Licence kLicences[] = {
    {"cc0-1.0", "http://creativecommons.org/publicdomain/zero/1.0/deed.nl"},
    {"cc-by-4.0", "http://creativecommons.org/licenses/by/4.0/deed.nl"},
    {"cc-by-sa-4.0", "http://creativecommons.org/licenses/by-sa/4.0/deed.nl"},
    {"cc-by-nd-4.0", "http://creativecommons.org/licenses/by-nd/4.0/deed.nl"},
    {"cc-by-nc-4.0", "http://creativecommons.org/licenses/by-nc/4.0/deed.nl"},
    {"pddl-1.0", "http://opendatacommons.org/licenses/pddl/1.0/"},
    {"odbl-1.0", "http://opendatacommons.org/licenses/odbl/1.0/"},
};

bool HasContact(const v1::Contact& contact) {
  return !contact.name().empty() || !contact.email().empty();
}

}  // namespace

bool IsOpenData(const v1::Dataset& dataset) {
  return dataset.openness().level() == v1::OPENNESS_LEVEL_OPEN &&
         dataset.classification().confidentiality() == v1::CONFIDENTIALITY_OPENBAAR;
}

std::string LicenceIri(absl::string_view licence) {
  const std::string code = absl::AsciiStrToLower(absl::StripAsciiWhitespace(licence));
  for (const Licence& known : kLicences) {
    if (code == known.code || code == absl::AsciiStrToLower(known.iri)) return known.iri;
  }
  return "";
}

bool IsIriSafe(absl::string_view text) {
  for (unsigned char c : text) {
    if (c <= 0x20 || c == 0x7f ||
        absl::string_view("<>\"{}|^`\\").find(static_cast<char>(c)) != absl::string_view::npos) {
      return false;
    }
  }
  return !text.empty();
}

bool IsPublishableUrl(absl::string_view url) {
  const bool web = absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://");
  return web && url.size() > 8 && url.size() <= 2000 && IsIriSafe(url);
}

std::vector<std::string> MissingDcatProperties(const v1::Dataset& d) {
  std::vector<std::string> missing;
  if (d.access_rights() == v1::ACCESS_RIGHTS_UNSPECIFIED) missing.push_back("dct:accessRights");
  if (!HasContact(d.contact_point())) missing.push_back("dcat:contactPoint");
  if (d.creator().name().empty()) missing.push_back("dct:creator");
  if (d.description().empty()) missing.push_back("dct:description");
  if (d.publisher().name().empty()) missing.push_back("dct:publisher");
  if (d.themes().empty()) missing.push_back("dcat:theme");
  if (d.title().empty()) missing.push_back("dct:title");
  if (!IsPublishableUrl(d.openness().publication_url())) missing.push_back("dcat:accessURL");
  if (LicenceIri(d.openness().licence()).empty()) missing.push_back("dct:license");
  return missing;
}

}  // namespace catalog::api
