// Lineage input on the client side: node names from the command line,
// column mappings written as "--map SOURCE=TARGET:HOW", and files of
// OpenLineage run events for IngestOpenLineage.
//
// All functions are pure and thread-safe. Their INVALID_ARGUMENT errors
// describe bad input; the CLI marks them as usage errors.
#ifndef CATALOG_CLIENT_LIB_LINEAGE_INPUT_H_
#define CATALOG_CLIENT_LIB_LINEAGE_INPUT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/v1/lineage.pb.h"

namespace catalog::client {

// Most events one IngestOpenLineageRequest may carry.
inline constexpr int kMaxEventsPerRequest = 1000;

// Resource-name prefix of external parties.
inline constexpr absl::string_view kPartyCollection = "parties/";

// A node of the lineage graph as its resource name: "datasets/{id}" for a
// dataset id or "datasets/{id}", "parties/{id}" unchanged. INVALID_ARGUMENT
// naming `field` for an invalid dataset id, an empty or nested party id, or
// another collection.
absl::StatusOr<std::string> ParseLineageNode(absl::string_view text,
                                             absl::string_view field);

// A column mapping "SOURCE_FIELD=TARGET_FIELD[:TRANSFORMATION]". The
// transformation is everything after the first ':' (it may hold '=' and
// ':'); TARGET_FIELD may be empty (deliveries: "bsn=" or just "bsn").
// Surrounding spaces are trimmed. INVALID_ARGUMENT for an empty source
// field or a second '=' before the ':'.
absl::StatusOr<catalog::v1::ColumnMapping> ParseColumnMapping(
    absl::string_view text);

// The OpenLineage events in `content`, each one JSON object re-written
// compactly (one line, no spaces). `content` is either JSONL (one event per
// line; blank lines skipped), a JSON array of events, or a single event
// spread over several lines. `source` names the input in errors.
// INVALID_ARGUMENT "<source>:<line>: ..." for a line that is not valid JSON
// or not an object, "<source>: ..." for a bad array or array element.
// Returns an empty vector for empty input.
absl::StatusOr<std::vector<std::string>> ParseOpenLineageEvents(
    absl::string_view content, absl::string_view source);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_LINEAGE_INPUT_H_
