// Resource names of catalog.v1 ("datasets/{id}") and the dataset id rules,
// shared by server and clients. Thread-safe (pure functions).
#ifndef CATALOG_PROTOS_API_RESOURCE_NAMES_H_
#define CATALOG_PROTOS_API_RESOURCE_NAMES_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace catalog::api {

inline constexpr absl::string_view kDatasetCollection = "datasets/";
inline constexpr absl::string_view kPartyCollection = "parties/";
inline constexpr absl::string_view kActivityCollection = "processing-activities/";
inline constexpr size_t kMinIdLength = 3;
inline constexpr size_t kMaxIdLength = 63;

// OK when `id` is a valid dataset slug: 3..63 characters of [a-z0-9-],
// starting with a letter, not ending with '-'. INVALID_ARGUMENT naming
// `field` otherwise.
absl::Status ValidateDatasetId(absl::string_view id, absl::string_view field);

// Accepts "brp-ingezetenen" or "datasets/brp-ingezetenen"; returns the id.
// INVALID_ARGUMENT naming `field` when the id part is not a valid slug.
absl::StatusOr<std::string> ParseDatasetName(absl::string_view name,
                                             absl::string_view field);

// NOT_FOUND for a dataset: the one message used for missing and for hidden
// datasets alike, so that the two cannot be told apart.
absl::Status DatasetNotFoundError(absl::string_view id);

// ABORTED for a write conditional on a revision (etag) that is no longer
// current: the one message of every resource. `what` names the resource
// ("dataset brp"); `now` is its current revision, 0 when not known.
absl::Status StaleRevisionError(absl::string_view what, int64_t expected, int64_t now);

// "datasets/{id}".
std::string DatasetName(absl::string_view id);

// Accepts "cbs" or "parties/cbs"; returns the id (same slug rules as
// datasets). INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParsePartyName(absl::string_view name, absl::string_view field);

// "parties/{id}".
std::string PartyName(absl::string_view id);

// "processing-activities/{id}".
std::string ActivityName(absl::string_view id);

// The id of a resource name ("datasets/brp" -> "brp", "parties/cbs" ->
// "cbs"); a name without a collection is returned as it is.
std::string IdOf(absl::string_view name);

// A lineage node: "datasets/{id}", "parties/{id}", or a bare dataset id.
// Returns the full resource name. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseNodeName(absl::string_view name, absl::string_view field);

// A valid slug derived from free text ("BRP Ingezetenen!" ->
// "brp-ingezetenen"), truncated to leave room for `reserve` more characters.
// Falls back to "dataset" when nothing usable remains.
std::string SlugFromText(absl::string_view text, size_t reserve);

}  // namespace catalog::api

#endif  // CATALOG_PROTOS_API_RESOURCE_NAMES_H_
