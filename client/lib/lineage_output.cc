#include "client/lib/lineage_output.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/resource_names.h"
#include "client/lib/lineage_input.h"
#include "client/lib/output.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::RepeatedPtrField;

// Display width of free-text columns (process, purpose, explanation).
constexpr size_t kTextWidth = 30;

// An edge endpoint as a node name: a bare id (accepted on input) means a
// dataset, so that it still matches the traversal's node names.
std::string EndpointName(const std::string& endpoint) {
  if (absl::StrContains(endpoint, '/')) return endpoint;
  return catalog::api::DatasetName(endpoint);
}

bool IsParty(const v1::LineageNode& node) {
  return absl::StartsWith(node.name(), kPartyCollection);
}

// "1 party", "2 parties".
std::string Count(int n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

// The NOTES cell of a tree row: fields reached, more beyond depth.
std::string NodeNotes(const v1::LineageNode& node) {
  std::vector<std::string> notes;
  if (node.fields_size() > 0) {
    notes.push_back(
        absl::StrCat("fields: ", absl::StrJoin(node.fields(), ", ")));
  }
  if (node.more_beyond_depth()) notes.push_back("more beyond depth");
  return absl::StrJoin(notes, "; ");
}

// How each node of a traversal was reached: the tree FormatLineageTree
// draws. Index 0 is the root.
struct LineageTree {
  // Per node: the node it hangs under (-1 for the root), the edge joining
  // them (-1 when none does), and whether data flows from parent to node.
  std::vector<int> parent;
  std::vector<int> via;
  std::vector<bool> downstream;
  std::vector<std::vector<int>> children;
  // Edges between returned nodes that are not in the tree.
  std::vector<int> other_edges;
};

LineageTree BuildTree(const v1::GetLineageResponse& lineage, v1::LineageDirection direction) {
  const int n = lineage.nodes_size();
  std::map<std::string, int> position;
  for (int i = 0; i < n; ++i) position.emplace(lineage.nodes(i).name(), i);
  LineageTree tree{std::vector<int>(n, -1),
                   std::vector<int>(n, -1),
                   std::vector<bool>(n, false),
                   std::vector<std::vector<int>>(n),
                   {}};

  // A node hangs under the earliest node (breadth-first order) one level
  // nearer the root that an edge joins it to: the one the traversal
  // reached it from.
  auto consider = [&](int child, int from, int edge, bool downstream) {
    if (child == 0 ||
        lineage.nodes(from).depth() != lineage.nodes(child).depth() - 1) {
      return;
    }
    if (tree.parent[child] == -1 || from < tree.parent[child]) {
      tree.parent[child] = from;
      tree.via[child] = edge;
      tree.downstream[child] = downstream;
    }
  };
  for (int e = 0; e < lineage.edges_size(); ++e) {
    const auto source = position.find(EndpointName(lineage.edges(e).source()));
    const auto target = position.find(EndpointName(lineage.edges(e).target()));
    if (source == position.end() || target == position.end()) continue;
    // Only along the traversal: a downstream tree has no upstream rows.
    if (direction != v1::LINEAGE_DIRECTION_UPSTREAM) {
      consider(target->second, source->second, e, /*downstream=*/true);
    }
    if (direction != v1::LINEAGE_DIRECTION_DOWNSTREAM) {
      consider(source->second, target->second, e, /*downstream=*/false);
    }
  }
  std::set<int> in_tree;
  for (int i = 1; i < n; ++i) {
    if (tree.parent[i] == -1) tree.parent[i] = 0;  // Reached somehow.
    tree.children[tree.parent[i]].push_back(i);
    if (tree.via[i] != -1) in_tree.insert(tree.via[i]);
  }
  for (int e = 0; e < lineage.edges_size(); ++e) {
    if (!in_tree.contains(e)) tree.other_edges.push_back(e);
  }
  return tree;
}

// Appends the rows of node `i` and, indented, those under it.
void AddTreeRows(const v1::GetLineageResponse& lineage, const LineageTree& tree,
                 int i, int level, bool with_notes, TextTable& table) {
  const v1::LineageNode& node = lineage.nodes(i);
  std::string cell(2 * static_cast<size_t>(level), ' ');
  if (level > 0) {
    // "??": no edge of the response leads to it (not expected).
    absl::StrAppend(&cell, tree.via[i] == -1    ? "?? "
                           : tree.downstream[i] ? "-> "
                                                : "<- ");
  }
  absl::StrAppend(&cell, Cell(node.name()));
  const std::string relation =
      tree.via[i] == -1 ? "-" : EnumCell(lineage.edges(tree.via[i]).relation());
  std::vector<std::string> row = {std::move(cell), Cell(NodeLabel(node)), relation,
                                  absl::StrCat(node.depth())};
  if (with_notes) row.push_back(Cell(NodeNotes(node)));
  table.AddRow(std::move(row));
  for (int child : tree.children[i]) {
    AddTreeRows(lineage, tree, child, level + 1, with_notes, table);
  }
}

// A DOT attribute list "[a=b, c=d]" from its parts.
std::string DotAttributes(const std::vector<std::string>& attributes) {
  return absl::StrCat("[", absl::StrJoin(attributes, ", "), "]");
}

std::string DotLabel(absl::string_view escaped) {
  return absl::StrCat("label=\"", escaped, "\"");
}

// The name of the party `target` among the parties of `impact`, else
// `target` itself.
std::string PartyLabel(const v1::AnalyzeImpactResponse& impact,
                       const std::string& target) {
  for (const v1::ImpactLevel& level : impact.levels()) {
    for (const v1::LineageNode& party : level.parties()) {
      if (party.name() == target) return NodeLabel(party);
    }
  }
  return target;
}

std::string FindingDetail(const v1::LineageFinding& f) {
  if (!f.source_field().empty() || !f.target_field().empty()) {
    return absl::StrCat(Cell(f.source_field()), " -> ", Cell(f.target_field()));
  }
  if (f.source_confidentiality() != v1::CONFIDENTIALITY_UNSPECIFIED ||
      f.target_confidentiality() != v1::CONFIDENTIALITY_UNSPECIFIED) {
    return absl::StrCat(EnumCell(f.source_confidentiality()), " -> ",
                        EnumCell(f.target_confidentiality()));
  }
  return "-";
}

}  // namespace

std::string NodeLabel(const v1::LineageNode& node) {
  if (node.hidden()) return std::string(kHiddenNodeLabel);
  return node.title().empty() ? node.name() : node.title();
}

std::string FormatEdgeTable(const RepeatedPtrField<v1::LineageEdge>& edges) {
  TextTable table({"SOURCE", "TARGET", "RELATION", "PROCESS", "FREQUENCY",
                   "LAST RUN", "REVISION"});
  for (const v1::LineageEdge& e : edges) {
    table.AddRow({Cell(e.source()), Cell(e.target()), EnumCell(e.relation()),
                  Cell(e.process()), EnumCell(e.frequency()), EnumCell(e.last_run().state()),
                  absl::StrCat(e.revision())});
  }
  table.Limit(3, kTextWidth);
  return table.Render();
}

std::string FormatEdgeDetail(const v1::LineageEdge& e) {
  KeyValueBlock block;
  block.Add("name", e.name());
  block.Add("source", e.source());
  block.Add("target", e.target());
  block.Add("relation", EnumText(e.relation()));
  block.Add("process", e.process());
  block.Add("frequency", EnumText(e.frequency()));
  block.Add("description", e.description());
  block.Add("purpose", e.purpose());
  block.Add("legal basis", EnumText(e.legal_basis()));
  block.Add("legal basis explanation", e.legal_basis_explanation());
  AddBookkeeping(block, e.revision(), e.etag(), e.create_time(),
                 e.update_time());
  if (e.has_last_run()) {
    const v1::JobRun& run = e.last_run();
    block.Group("Last run");
    block.Add("job namespace", run.job_namespace());
    block.Add("job", run.job_name());
    block.Add("run id", run.run_id());
    block.Add("state", EnumText(run.state()));
    block.Add("time", FormatTimestamp(run.event_time()));
    block.Add("error", run.error_message());
  }
  std::string out = block.Render();
  if (e.column_mappings_size() > 0) {
    TextTable table({"SOURCE FIELD", "TARGET FIELD", "TRANSFORMATION"},
                    /*indent=*/2);
    for (const v1::ColumnMapping& m : e.column_mappings()) {
      table.AddRow({Cell(m.source_field()), Cell(m.target_field()),
                    Cell(m.transformation())});
    }
    absl::StrAppend(&out, "\nColumn mappings (", e.column_mappings_size(),
                    "):\n", table.Render());
  }
  return out;
}

std::string FormatPartyTable(
    const RepeatedPtrField<v1::ExternalParty>& parties) {
  // PARTY as commands accept it ("parties/cbs" in lineage commands).
  TextTable table({"PARTY", "NAME", "KIND", "OIN", "REVISION"});
  for (const v1::ExternalParty& p : parties) {
    table.AddRow({Cell(api::PartyName(p.id())), Cell(p.name()), EnumCell(p.kind()),
                  Cell(p.oin()), absl::StrCat(p.revision())});
  }
  table.Limit(1, kTitleWidth);
  return table.Render();
}

std::string FormatPartyDetail(const v1::ExternalParty& p) {
  KeyValueBlock block;
  block.Add("id", p.id());
  block.Add("name", p.name());
  block.Add("kind", EnumText(p.kind()));
  block.Add("OIN", p.oin());
  block.Add("description", p.description());
  AddBookkeeping(block, p.revision(), p.etag(), p.create_time(),
                 p.update_time());
  return block.Render();
}

std::string FormatTruncation(bool truncated, v1::TruncationReason reason) {
  if (!truncated) return "";
  if (reason == v1::TRUNCATION_REASON_NODE_BUDGET) {
    return "truncated: more nodes are reachable than the node budget allows "
           "(raise --budget or lower --depth)\n";
  }
  return absl::StrCat("truncated: the server cut the traversal short (",
                      EnumCell(reason), ")\n");
}

namespace {

// Rows beyond which a tree no longer fits a screen.
constexpr int kScreenRows = 40;

absl::string_view DirectionWord(v1::LineageDirection direction) {
  switch (direction) {
    case v1::LINEAGE_DIRECTION_UPSTREAM:
      return "upstream of";
    case v1::LINEAGE_DIRECTION_DOWNSTREAM:
      return "downstream of";
    default:
      return "around";
  }
}

// A traversal that reached nothing but its root.
std::string NothingReached(const std::string& root, v1::LineageDirection direction) {
  switch (direction) {
    case v1::LINEAGE_DIRECTION_UPSTREAM:
      return absl::StrCat(root, " has no recorded sources (nothing upstream); record one with "
                          "'catalogctl lineage add SOURCE ", catalog::api::IdOf(root),
                          " --relation source'\n");
    case v1::LINEAGE_DIRECTION_DOWNSTREAM:
      return absl::StrCat("nothing downstream of ", root,
                          ": no dataset is made from it and it is delivered to no party "
                          "(see its sources with --up)\n");
    default:
      return absl::StrCat(root, " has no recorded lineage, upstream or downstream\n");
  }
}

// "7 nodes downstream of datasets/brp, depth 3 reached, complete", and what
// to do when the tree is cut short or longer than a screen.
std::string Summary(const v1::GetLineageResponse& lineage, v1::LineageDirection direction) {
  int depth = 0;
  bool beyond = false;
  for (const v1::LineageNode& node : lineage.nodes()) {
    depth = std::max(depth, node.depth());
    beyond = beyond || node.more_beyond_depth();
  }
  std::string out = absl::StrCat(Count(lineage.nodes_size(), "node", "nodes"), " ",
                                 DirectionWord(direction), " ", lineage.nodes(0).name(),
                                 ", depth ", depth, " reached, ",
                                 lineage.truncated() ? "truncated"
                                 : beyond            ? "more beyond that depth (raise --depth)"
                                                     : "complete",
                                 "\n");
  if (lineage.nodes_size() > kScreenRows) {
    absl::StrAppend(&out, "a long tree: narrow it with --depth N, follow one field with "
                          "--field NAME, or draw it with --format dot\n");
  }
  return out;
}

}  // namespace

std::string FormatLineageTree(const v1::GetLineageResponse& lineage,
                              v1::LineageDirection direction) {
  const std::string truncation =
      FormatTruncation(lineage.truncated(), lineage.truncation_reason());
  if (lineage.nodes().empty()) return absl::StrCat("no lineage\n", truncation);
  if (lineage.nodes_size() == 1 && !lineage.truncated()) {
    return NothingReached(lineage.nodes(0).name(), direction);
  }

  bool with_notes = false;
  for (const v1::LineageNode& node : lineage.nodes()) {
    with_notes = with_notes || !NodeNotes(node).empty();
  }
  std::vector<std::string> header = {"NODE", "TITLE", "RELATION", "DEPTH"};
  if (with_notes) header.push_back("NOTES");
  TextTable table(std::move(header));
  const LineageTree tree = BuildTree(lineage, direction);
  AddTreeRows(lineage, tree, 0, 0, with_notes, table);
  table.Limit(1, kTitleWidth);
  std::string out = table.Render();

  if (!tree.other_edges.empty()) {
    TextTable others({"SOURCE", "TARGET", "RELATION"}, /*indent=*/2);
    for (int e : tree.other_edges) {
      const v1::LineageEdge& edge = lineage.edges(e);
      others.AddRow({Cell(edge.source()), Cell(edge.target()),
                     EnumCell(edge.relation())});
    }
    absl::StrAppend(&out, "\nOther edges between these nodes:\n",
                    others.Render());
  }
  absl::StrAppend(&out, "\n", Summary(lineage, direction), truncation);
  return out;
}

std::string DotEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (u < 0x20 || u == 0x7f) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string FormatLineageDot(const v1::GetLineageResponse& lineage) {
  std::string out =
      "digraph lineage {\n"
      "  rankdir=LR;\n"
      "  node [shape=box, style=rounded];\n";
  std::set<std::string> hidden;
  for (int i = 0; i < lineage.nodes_size(); ++i) {
    const v1::LineageNode& node = lineage.nodes(i);
    std::string label = DotEscape(NodeLabel(node));
    if (node.fields_size() > 0) {
      absl::StrAppend(&label, "\\n[",
                      DotEscape(absl::StrJoin(node.fields(), ", ")), "]");
    }
    std::vector<std::string> attributes = {DotLabel(label)};
    if (IsParty(node)) attributes.push_back("shape=ellipse");
    if (node.hidden()) {
      hidden.insert(node.name());
      attributes.push_back(
          "style=\"rounded,filled\", fillcolor=lightgrey, color=grey, "
          "fontcolor=grey40");
    }
    if (i == 0) attributes.push_back("penwidth=2");
    absl::StrAppend(&out, "  \"", DotEscape(node.name()), "\" ",
                    DotAttributes(attributes), ";\n");
  }
  for (const v1::LineageEdge& edge : lineage.edges()) {
    const std::string source = EndpointName(edge.source());
    const std::string target = EndpointName(edge.target());
    std::string label = DotEscape(EnumText(edge.relation()));
    if (!edge.process().empty()) {
      absl::StrAppend(&label, "\\n", DotEscape(edge.process()));
    }
    std::vector<std::string> attributes = {DotLabel(label)};
    if (hidden.contains(source) || hidden.contains(target)) {
      attributes.push_back("color=grey, fontcolor=grey40");
    }
    absl::StrAppend(&out, "  \"", DotEscape(source), "\" -> \"",
                    DotEscape(target), "\" ", DotAttributes(attributes), ";\n");
  }
  const std::string truncation =
      FormatTruncation(lineage.truncated(), lineage.truncation_reason());
  if (!truncation.empty()) {
    absl::StrAppend(
        &out, "  labelloc=b;\n  ",
        DotLabel(DotEscape(absl::StripTrailingAsciiWhitespace(truncation))),
        ";\n");
  }
  absl::StrAppend(&out, "}\n");
  return out;
}

std::string FormatImpact(const v1::AnalyzeImpactResponse& impact) {
  std::string out = absl::StrCat("Impact of ", Cell(NodeLabel(impact.root())),
                                 " (", Cell(impact.root().name()), ")\n\n");
  KeyValueBlock counts;
  counts.Add("datasets downstream", absl::StrCat(impact.datasets()));
  counts.Add(std::string(kHiddenNodeLabel),
             absl::StrCat(impact.hidden_datasets()));
  counts.Add("with personal data",
             absl::StrCat(impact.personal_data_datasets()));
  counts.Add("highest confidentiality",
             EnumCell(impact.highest_confidentiality()));
  counts.Add("external parties", absl::StrCat(impact.parties()));
  absl::StrAppend(&out, counts.Render());

  for (const v1::ImpactLevel& level : impact.levels()) {
    absl::StrAppend(&out, "\nDepth ", level.depth(), ": ",
                    Count(level.datasets_size(), "dataset", "datasets"), ", ",
                    level.hidden_datasets(), " hidden, ",
                    Count(level.parties_size(), "party", "parties"), "\n");
    TextTable table({"NODE", "TITLE", "KIND", "CONFIDENTIALITY", "PERSONAL"},
                    /*indent=*/2);
    for (const v1::LineageNode& d : level.datasets()) {
      table.AddRow({Cell(d.name()), Cell(d.title()),
                    EnumCell(d.registration_type()),
                    EnumCell(d.confidentiality()),
                    JaNee(d.contains_personal_data())});
    }
    for (const v1::LineageNode& p : level.parties()) {
      table.AddRow({Cell(p.name()), Cell(p.title()), EnumCell(p.party_kind()), "-", "-"});
    }
    table.Limit(1, kTitleWidth);
    if (level.datasets_size() + level.parties_size() > 0) {
      absl::StrAppend(&out, table.Render());
    }
  }

  if (impact.deliveries_size() > 0) {
    TextTable table(
        {"SOURCE", "PARTY", "PURPOSE", "LEGAL BASIS", "EXPLANATION"},
        /*indent=*/2);
    for (const v1::LineageEdge& d : impact.deliveries()) {
      table.AddRow({Cell(d.source()),
                    Cell(PartyLabel(impact, d.target())), Cell(d.purpose()),
                    EnumCell(d.legal_basis()), Cell(d.legal_basis_explanation())});
    }
    table.Limit(1, kTitleWidth);
    table.Limit(2, kTextWidth);
    table.Limit(4, kTextWidth);
    absl::StrAppend(&out, "\nDeliveries to external parties (",
                    impact.deliveries_size(), "):\n", table.Render());
  }
  const std::string truncation =
      FormatTruncation(impact.truncated(), impact.truncation_reason());
  if (!truncation.empty()) absl::StrAppend(&out, "\n", truncation);
  return out;
}

namespace {

// What to do about a finding of `rule`: said once under the table rather
// than in every row.
absl::string_view FindingAdvice(v1::LineageFindingRule rule) {
  switch (rule) {
    case v1::LINEAGE_FINDING_RULE_CLASSIFICATION_BELOW_SOURCE:
      return "classify the target at least as confidential as its source, or record why it "
             "holds less";
    case v1::LINEAGE_FINDING_RULE_PERSONAL_DATA_NOT_MARKED:
      return "mark the target (field) as personal data, or correct the column mapping";
    default:
      return "see the message with -o json";
  }
}

}  // namespace

std::string FormatFindingTable(const RepeatedPtrField<v1::LineageFinding>& findings) {
  if (findings.empty()) return "no findings\n";
  std::vector<const v1::LineageFinding*> sorted;
  for (const v1::LineageFinding& f : findings) sorted.push_back(&f);
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return a->severity() > b->severity();  // Highest first; else as listed.
  });
  TextTable table({"SEVERITY", "RULE", "TARGET", "SOURCE", "DETAIL"});
  std::map<v1::Severity, int, std::greater<>> per_severity;
  std::set<v1::LineageFindingRule> rules;
  for (const v1::LineageFinding* f : sorted) {
    table.AddRow({EnumCell(f->severity()), EnumCell(f->rule()), Cell(f->target()),
                  Cell(f->source()), FindingDetail(*f)});
    ++per_severity[f->severity()];
    rules.insert(f->rule());
  }
  std::vector<std::string> counts;
  for (const auto& [severity, n] : per_severity) {
    counts.push_back(absl::StrCat(n, " ", EnumCell(severity)));
  }
  std::string out = absl::StrCat(table.Render(), "\n",
                                 Count(findings.size(), "finding", "findings"), ": ",
                                 absl::StrJoin(counts, ", "), "\n");
  for (v1::LineageFindingRule rule : rules) {
    absl::StrAppend(&out, EnumCell(rule), ": ", FindingAdvice(rule), "\n");
  }
  return out;
}

std::string FormatIngestResult(const v1::IngestOpenLineageResponse& result) {
  KeyValueBlock block;
  block.Add("events accepted", absl::StrCat(result.events()));
  std::string created = absl::StrCat(result.datasets_created_size());
  for (const std::string& id : result.datasets_created()) {
    absl::StrAppend(&created, "\n", Cell(id));
  }
  block.Add("datasets created", std::move(created));
  block.Add("edges created", absl::StrCat(result.edges_created()));
  block.Add("edges updated", absl::StrCat(result.edges_updated()));
  block.Add("revision", absl::StrCat(result.revision()));
  return block.Render();
}

}  // namespace catalog::client
