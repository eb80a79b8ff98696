// What DCAT-AP-NL 3.0 asks of a dataset in the open-data catalogue ("open
// tenzij"), shared by the export (server/core/dcat_export.h) and the
// landscape's finding on incomplete open datasets, so that both apply the
// same rule. The vocabularies: the EU access-right and data-theme
// authority tables, and the DCAT-AP-NL licence list
// (definities.geostandaarden.nl/dcat-ap-nl/id/waardelijst/licenties).
#ifndef CATALOG_PROTOS_API_DCAT_PROFILE_H_
#define CATALOG_PROTOS_API_DCAT_PROFILE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "catalog/v1/dataset.pb.h"

namespace catalog::api {

// Open data: openness OPEN and classified openbaar. Only these are
// exported.
bool IsOpenData(const catalog::v1::Dataset& dataset);

// The licence IRI of the DCAT-AP-NL licence list for `licence`: an SPDX-like
// code ("CC0-1.0", "CC-BY-4.0", case-insensitive) or the IRI itself. Empty
// when the licence is not on the list.
std::string LicenceIri(absl::string_view licence);

// Whether `text` can stand in an IRI as it is: no spaces, quotes, angle
// brackets or other characters Turtle forbids in an IRIREF.
bool IsIriSafe(absl::string_view text);
// An http or https URL that IsIriSafe.
bool IsPublishableUrl(absl::string_view url);

// The mandatory properties `dataset` lacks for DCAT-AP-NL 3.0, named as in
// the profile ("dct:publisher", "dcat:theme", "dcat:accessURL",
// "dct:license", ...), in the profile's order; empty when complete.
std::vector<std::string> MissingDcatProperties(const catalog::v1::Dataset& dataset);

}  // namespace catalog::api

#endif  // CATALOG_PROTOS_API_DCAT_PROFILE_H_
