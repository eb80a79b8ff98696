// The rules a dataset must meet to be stored. One place, used by every write
// path (create, update, bulk upsert).
#ifndef CATALOG_SERVER_CORE_DATASET_VALIDATION_H_
#define CATALOG_SERVER_CORE_DATASET_VALIDATION_H_

#include <google/protobuf/message.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/strings/string_view.h"
#include "catalog/v1/dataset.pb.h"

namespace catalog::server {

// Clears the output-only fields (times, revision, etag, redaction marks) and
// normalizes what has one canonical form (tags lower-case and trimmed,
// unspecified status -> COMPLETED, unspecified origin -> INTERNAL).
void NormalizeDataset(catalog::v1::Dataset* dataset);

// OK when the dataset is complete and consistent; otherwise
// INVALID_ARGUMENT whose message starts with the path of the field at fault
// ("hosting.kind: required"). Checks: id slug; required fields; every enum a
// known value; lengths; OINs, country codes, ISO 8601 durations; unique schema
// field names, quality-norm dimensions and tags; contradictions
// (basisregistratie fields on a non-basisregistratie, personal-data details
// or personal schema fields without contains_personal_data, personal data
// without legal basis, external origin without providing organisation).
// Public cloud outside the EEA without a processor agreement is allowed: it
// is a compliance finding, not an invalid entry.
absl::Status ValidateDataset(const catalog::v1::Dataset& dataset);

// OK when `oin` is empty or an OIN (exactly 20 digits); INVALID_ARGUMENT
// naming `path` otherwise.
absl::Status ValidateOin(const std::string& oin, absl::string_view path);

// An ISO 8601 duration with years, months, weeks and days: P20Y, P6M,
// P10Y6M, P2W, P30D.
bool IsIsoDuration(const std::string& s);
// `t` less the ISO 8601 duration `s` (years and months in the calendar,
// UTC); nullopt when `s` is not one (IsIsoDuration).
std::optional<absl::Time> SubtractIsoDuration(absl::Time t, const std::string& s);

// The generic part of the rules, for any API message (e.g. a list filter):
// every enum value known (and not UNSPECIFIED inside repeated fields),
// strings and repeated fields within their limits. Paths in errors start
// with `prefix`.
absl::Status ValidateMessageFields(const google::protobuf::Message& message,
                                   absl::string_view prefix);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_DATASET_VALIDATION_H_
