// Human output of lineage (LineageService): edges and parties as tables and
// "key: value" blocks, a traversal as an indented tree or as Graphviz DOT,
// impact analyses, findings and the result of an OpenLineage intake. Same
// conventions as output.h: short enum names, "-" for empty cells.
//
// Datasets above the caller's clearance come back as placeholder nodes
// ("hidden/1"); they are shown as kHiddenNodeLabel, never guessed at.
//
// All functions are pure and thread-safe.
#ifndef CATALOG_CLIENT_LIB_LINEAGE_OUTPUT_H_
#define CATALOG_CLIENT_LIB_LINEAGE_OUTPUT_H_

#include <google/protobuf/repeated_ptr_field.h>

#include <string>

#include "absl/strings/string_view.h"
#include "catalog/v1/lineage.pb.h"
#include "catalog/v1/lineage_service.pb.h"

namespace catalog::client {

// How a placeholder node for a dataset above the caller's clearance is
// shown.
inline constexpr absl::string_view kHiddenNodeLabel =
    "hidden (above your clearance)";

// What a node is called in output: the dataset's title or the party's name,
// its resource name when it has none, kHiddenNodeLabel for a placeholder.
std::string NodeLabel(const catalog::v1::LineageNode& node);

// `lineage list`: SOURCE, TARGET, RELATION, PROCESS, FREQUENCY, LAST RUN
// (state of the job's last run), REVISION.
std::string FormatEdgeTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::LineageEdge>& edges);

// `lineage get|add`: "key: value" lines of the edge, its last run, then its
// column mappings as a table (SOURCE FIELD, TARGET FIELD, TRANSFORMATION).
std::string FormatEdgeDetail(const catalog::v1::LineageEdge& edge);

// `party list`: PARTY (parties/ID), NAME, KIND, OIN, REVISION.
std::string FormatPartyTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::ExternalParty>&
        parties);

// `party get|create`: "key: value" lines of the party.
std::string FormatPartyDetail(const catalog::v1::ExternalParty& party);

// One line saying that a traversal was cut short and why, with what to do
// about it; empty when `truncated` is false.
std::string FormatTruncation(bool truncated,
                             catalog::v1::TruncationReason reason);

// `lineage show`: the traversal (in `direction`, as requested) as a table
// whose first column is a tree of node names -- the names commands accept.
// The root comes first; every other node is indented under the node it was
// reached from along `direction` (a node one level nearer the root joined
// to it by an edge; the earliest such node in breadth-first order), marked
// "->" when the data flows from that node to it (downstream) and "<-" when
// it flows from it to that node (upstream). Columns: NODE, TITLE, RELATION,
// DEPTH and, when any node has them, NOTES (the fields reached in
// column-level mode; "more beyond depth"). Edges between returned nodes
// that are not part of the tree are listed after it; then a summary line
// (nodes, depth reached, complete or not; how to narrow a tree longer than
// a screen) and FormatTruncation. A node no edge leads to (an inconsistent
// response) is put under the root rather than left out. A traversal that
// reached only its root says so in one sentence instead of a table.
std::string FormatLineageTree(
    const catalog::v1::GetLineageResponse& lineage,
    catalog::v1::LineageDirection direction = catalog::v1::LINEAGE_DIRECTION_BOTH);

// `text` escaped for a double-quoted Graphviz DOT string, without the
// quotes: '"' and '\' escaped, a newline as the "\n" line break, other
// control characters as spaces. UTF-8 passes unchanged.
std::string DotEscape(absl::string_view text);

// `lineage show --format dot`: a Graphviz digraph of the traversal. Nodes
// are named by resource name and labelled by NodeLabel (plus the fields
// reached in column-level mode); datasets are boxes, parties ellipses,
// hidden placeholders grey, the root drawn bold. Edges are labelled by
// relation and process. A truncated traversal says so in the graph label.
std::string FormatLineageDot(const catalog::v1::GetLineageResponse& lineage);

// `lineage impact`: the counts (datasets, hidden, with personal data,
// highest confidentiality, parties), then per depth the datasets and
// parties reached (NODE, TITLE, KIND, CONFIDENTIALITY, PERSONAL) and the
// number of hidden datasets, then the deliveries (SOURCE, PARTY, PURPOSE,
// LEGAL BASIS, EXPLANATION), then FormatTruncation.
std::string FormatImpact(const catalog::v1::AnalyzeImpactResponse& impact);

// `lineage findings`: highest severity first, SEVERITY, RULE, TARGET (the
// dataset to fix), SOURCE, DETAIL (the fields, or the two classifications);
// then the count per severity and, once per rule, what to do. The message
// of each finding (which says the same per row) is in -o json.
std::string FormatFindingTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::LineageFinding>&
        findings);

// `lineage ingest`: events accepted, the datasets created (one per line),
// edges created and updated, the catalogue revision.
std::string FormatIngestResult(
    const catalog::v1::IngestOpenLineageResponse& result);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_LINEAGE_OUTPUT_H_
