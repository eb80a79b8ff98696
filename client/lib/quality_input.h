// Quality and terugmelding input on the client side: times, doubted
// attributes ("--attribute NAME=DOUBTED:PROPOSED"), contacts
// ("--contact ROLE:NAME:EMAIL") and report names from the command line.
//
// All functions are pure and thread-safe. Their INVALID_ARGUMENT errors
// describe bad input; the CLI marks them as usage errors.
#ifndef CATALOG_CLIENT_LIB_QUALITY_INPUT_H_
#define CATALOG_CLIENT_LIB_QUALITY_INPUT_H_

#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/v1/quality.pb.h"

namespace catalog::client {

// Infix of a terugmelding's resource name: "datasets/{id}/reports/{id}".
inline constexpr absl::string_view kReportsInfix = "/reports/";

// An RFC 3339 time ("2026-11-28T10:00:00Z", "2026-11-28T11:00:00+01:00",
// fractions allowed) or a date ("2026-11-28", midnight UTC) as a Timestamp.
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<google::protobuf::Timestamp> ParseTimeText(
    absl::string_view text, absl::string_view field);

// A doubted attribute "NAME=DOUBTED[:PROPOSED]": the doubted value runs to
// the first ':', the proposed value is everything after it. Surrounding
// spaces of the name are trimmed. INVALID_ARGUMENT for an empty name or a
// missing '='.
absl::StatusOr<catalog::v1::DoubtedAttribute> ParseDoubtedAttribute(
    absl::string_view text);

// A contact "ROLE:NAME[:EMAIL]", ROLE melder or behandelaar (or the full
// enum name). INVALID_ARGUMENT for another role or an empty name.
absl::StatusOr<catalog::v1::TerugmeldingContact> ParseTerugmeldingContact(
    absl::string_view text);

// The resource name "datasets/{dataset}/reports/{report}" of a report of
// `dataset_id` (a valid id). `report` is the report's id ("tm-...") or its
// whole name, which must then name `dataset_id`. INVALID_ARGUMENT naming
// REPORT_ID otherwise.
absl::StatusOr<std::string> TerugmeldingName(absl::string_view dataset_id,
                                             absl::string_view report);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_QUALITY_INPUT_H_
