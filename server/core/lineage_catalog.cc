#include "server/core/lineage_catalog.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/enum_text.h"
#include "api/resource_names.h"
#include "server/core/access.h"
#include "server/core/audit_recorder.h"
#include "server/core/dataset_validation.h"
#include "server/core/openlineage_intake.h"
#include "server/core/request_rules.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::TimeUtil;
using v1::Dataset;
using v1::ExternalParty;
using v1::LineageEdge;
using v1::LineageNode;

constexpr size_t kMaxPartyName = 200;

bool IsParty(const std::string& node) { return absl::StartsWith(node, api::kPartyCollection); }

std::string EdgeName(const LineageEdge& edge) {
  return absl::StrCat("lineage/", api::IdOf(edge.source()), "/", edge.target());
}

// Clears what a client may not set on an edge.
void ClearOutputOnly(LineageEdge* edge) {
  edge->clear_name();
  edge->clear_last_run();
  edge->clear_create_time();
  edge->clear_update_time();
  edge->clear_revision();
  edge->clear_etag();
}

const v1::SchemaField* FieldOf(const Dataset& dataset, const std::string& name) {
  for (const v1::SchemaField& field : dataset.schema_fields()) {
    if (field.name() == name) return &field;
  }
  return nullptr;
}

absl::Status ValidateParty(const ExternalParty& party) {
  if (absl::Status s = api::ValidateDatasetId(party.id(), "party.id"); !s.ok()) return s;
  if (party.name().empty()) return FieldError("party.name", "required");
  if (party.name().size() > kMaxPartyName) {
    return FieldError("party.name", absl::StrCat("at most ", kMaxPartyName, " characters"));
  }
  if (party.kind() == v1::PARTY_KIND_UNSPECIFIED) return FieldError("party.kind", "required");
  if (!party.oin().empty() &&
      (party.oin().size() != 20 ||
       !std::all_of(party.oin().begin(), party.oin().end(), [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }))) {
    return FieldError("party.oin", "an OIN has 20 digits");
  }
  return ValidateMessageFields(party, "party");
}

LineageNode NodeOfDataset(const Dataset& d, int depth) {
  LineageNode node;
  node.set_name(api::DatasetName(d.id()));
  node.set_depth(depth);
  node.set_title(d.title());
  node.set_confidentiality(d.classification().confidentiality());
  node.set_contains_personal_data(d.personal_data().contains_personal_data());
  node.set_registration_type(d.registration_type());
  node.set_basisregistratie(d.basisregistratie());
  node.set_domain(d.domain());
  return node;
}

LineageNode NodeOfParty(const ExternalParty& p, int depth) {
  LineageNode node;
  node.set_name(api::PartyName(p.id()));
  node.set_depth(depth);
  node.set_title(p.name());
  node.set_party_kind(p.kind());
  return node;
}

// The caller's view of the nodes of one response: what they may see, and
// for hidden datasets placeholders numbered in order of first appearance
// ("hidden/1", ...), so the graph keeps its shape without naming them. The
// basic view comes from the in-memory graph alone; the full view reads the
// records.
class NodeView {
 public:
  NodeView(const storage::CatalogStore& store, const Visibility& visibility, bool full)
      : store_(store), visibility_(visibility), full_(full) {}

  // Describes node `name` at `depth`.
  LineageNode Describe(const std::string& name, int depth, const storage::NodeInfo& info) {
    auto known = names_.find(name);
    if (known != names_.end()) {
      LineageNode node = known->second;
      node.set_depth(depth);
      return node;
    }
    LineageNode node;
    if (!full_) {
      if (!visibility_.Sees(info)) {
        node = Placeholder(depth);
      } else {
        node.set_name(name);
        node.set_depth(depth);
        node.set_confidentiality(static_cast<v1::Confidentiality>(info.confidentiality));
        node.set_contains_personal_data(info.personal_data);
      }
    } else if (IsParty(name)) {
      absl::StatusOr<ExternalParty> party = store_.GetParty(api::IdOf(name));
      node = party.ok() ? NodeOfParty(*party, depth) : Placeholder(depth);
    } else {
      absl::StatusOr<Dataset> dataset = store_.GetDataset(api::IdOf(name));
      node = dataset.ok() && visibility_.Sees(*dataset) ? NodeOfDataset(*dataset, depth)
                                                        : Placeholder(depth);
    }
    names_.emplace(name, node);
    return node;
  }

  // The name to show for `name` (after Describe).
  const std::string& Shown(const std::string& name) const { return names_.at(name).name(); }
  bool Hidden(const std::string& name) const { return names_.at(name).hidden(); }

 private:
  LineageNode Placeholder(int depth) {
    LineageNode node;
    node.set_name(absl::StrCat("hidden/", next_hidden_++));
    node.set_depth(depth);
    node.set_hidden(true);
    return node;
  }

  const storage::CatalogStore& store_;
  const Visibility& visibility_;
  const bool full_;
  std::map<std::string, LineageNode> names_;
  int next_hidden_ = 1;
};

// Presents the edges of one response: the transformation notes of column
// mappings that touch a field the caller sees redacted are withheld. Reads
// each endpoint's record once.
class EdgePresenter {
 public:
  EdgePresenter(const storage::CatalogStore& store, const Visibility& visibility)
      : store_(store), visibility_(visibility) {}

  void Present(LineageEdge* edge) {
    if (edge->column_mappings_size() == 0) return;
    const Dataset* source = Record(edge->source());
    const Dataset* target = IsParty(edge->target()) ? nullptr : Record(edge->target());
    if (source == nullptr || (target == nullptr && !IsParty(edge->target()))) {
      // Changed meanwhile: withhold every note rather than guess.
      for (v1::ColumnMapping& m : *edge->mutable_column_mappings()) {
        m.clear_transformation();
        m.set_redacted(true);
      }
      return;
    }
    visibility_.RedactMappings(*source, target, edge);
  }

 private:
  const Dataset* Record(const std::string& name) {
    auto [slot, inserted] = records_.try_emplace(name);
    if (inserted) {
      absl::StatusOr<Dataset> dataset = store_.GetDataset(api::IdOf(name));
      if (dataset.ok()) slot->second = *std::move(dataset);
    }
    return slot->second.has_value() ? &*slot->second : nullptr;
  }

  const storage::CatalogStore& store_;
  const Visibility& visibility_;
  std::map<std::string, std::optional<Dataset>> records_;
};

absl::Status CheckDepthAndBudget(int depth, int budget, const LineageLimits& limits) {
  if (depth < 0 || depth > limits.max_depth) {
    return FieldError("max_depth", absl::StrCat("must be 0..", limits.max_depth));
  }
  if (budget < 0) return FieldError("node_budget", "must not be negative");
  if (budget > limits.max_node_budget) {
    return absl::ResourceExhaustedError(
        absl::StrCat("node_budget: at most ", limits.max_node_budget));
  }
  return absl::OkStatus();
}

}  // namespace

LineageCatalog::LineageCatalog(storage::CatalogStore* store, LineageLimits limits,
                               const PageTokens* tokens)
    : store_(store), limits_(limits), tokens_(tokens) {}

// ---- Parties ----

absl::StatusOr<ExternalParty> LineageCatalog::CreateParty(const v1::CreatePartyRequest& request,
                                                          const Caller& caller) {
  ExternalParty party = request.party();
  if (party.id().empty() && !party.name().empty()) party.set_id(api::SlugFromText(party.name(), 0));
  if (absl::StartsWith(party.id(), api::kPartyCollection)) {
    party.set_id(party.id().substr(api::kPartyCollection.size()));
  }
  party.clear_create_time();
  party.clear_update_time();
  party.clear_revision();
  party.clear_etag();
  caller.audit->Concern(api::PartyName(party.id()));
  if (absl::Status s = ValidateParty(party); !s.ok()) return s;
  return store_->CreateParty(std::move(party), AuditRecorder::Write(caller));
}

absl::StatusOr<ExternalParty> LineageCatalog::GetParty(const v1::GetPartyRequest& request,
                                                       const Caller& caller) const {
  absl::StatusOr<std::string> id = api::ParsePartyName(request.id(), "id");
  if (!id.ok()) return id.status();
  caller.audit->Concern(api::PartyName(*id));
  return store_->GetParty(*id);
}

absl::StatusOr<v1::ListPartiesResponse> LineageCatalog::ListParties(
    const v1::ListPartiesRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), limits_.default_page_size, limits_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<Paging> paging = Paging::Open(*tokens_, "parties", request.page_token());
  if (!paging.ok()) return paging.status();
  absl::StatusOr<std::vector<ExternalParty>> parties =
      store_->ListParties(paging->position(), *page_size + 1);
  if (!parties.ok()) return parties.status();
  v1::ListPartiesResponse response;
  for (size_t i = 0; i < parties->size() && i < *page_size; ++i) {
    *response.add_parties() = std::move((*parties)[i]);
  }
  if (parties->size() > *page_size) {
    response.set_next_page_token(
        paging->NextToken(response.parties(response.parties_size() - 1).id()));
  }
  return response;
}

absl::StatusOr<v1::DeletePartyResponse> LineageCatalog::DeleteParty(
    const v1::DeletePartyRequest& request, const Caller& caller) {
  absl::StatusOr<std::string> id = api::ParsePartyName(request.id(), "id");
  if (!id.ok()) return id.status();
  caller.audit->Concern(api::PartyName(*id));
  absl::StatusOr<int64_t> expected = ParseEtag(request.etag(), "etag");
  if (!expected.ok()) return expected.status();
  absl::StatusOr<int64_t> revision =
      store_->DeleteParty(*id, *expected, AuditRecorder::Write(caller));
  if (!revision.ok()) return revision.status();
  v1::DeletePartyResponse response;
  response.set_revision(*revision);
  return response;
}

// ---- Edges ----

absl::Status LineageCatalog::CheckEdgeOwner(const Caller& caller, const LineageEdge& edge) const {
  const std::string owner =
      edge.relation() == v1::LINEAGE_RELATION_DELIVERY ? edge.source() : edge.target();
  absl::StatusOr<Dataset> dataset = Visibility(caller).Read(*store_, api::IdOf(owner));
  if (!dataset.ok()) return dataset.status();
  return CheckStewardship(caller, *dataset);
}

absl::Status LineageCatalog::CheckEdge(const Caller& caller, LineageEdge* edge) const {
  ClearOutputOnly(edge);
  absl::StatusOr<std::string> source = api::ParseDatasetName(edge->source(), "edge.source");
  if (!source.ok()) return source.status();
  edge->set_source(api::DatasetName(*source));
  if (edge->target().empty()) return FieldError("edge.target", "required");
  absl::StatusOr<std::string> target = api::ParseNodeName(edge->target(), "edge.target");
  if (!target.ok()) return target.status();
  edge->set_target(*target);
  if (edge->source() == edge->target()) return FieldError("edge.target", "must differ from edge.source");
  if (absl::Status s = ValidateMessageFields(*edge, "edge"); !s.ok()) return s;
  if (edge->relation() == v1::LINEAGE_RELATION_UNSPECIFIED) {
    return FieldError("edge.relation", "required");
  }
  const bool to_party = IsParty(edge->target());
  if (to_party != (edge->relation() == v1::LINEAGE_RELATION_DELIVERY)) {
    return FieldError("edge.relation",
                   "DELIVERY goes to an external party (parties/{id}), and only DELIVERY does");
  }

  const Visibility visibility(caller);
  absl::StatusOr<Dataset> from = visibility.Read(*store_, *source);
  if (!from.ok()) return from.status();
  std::optional<Dataset> to;
  if (to_party) {
    if (absl::StatusOr<ExternalParty> party = store_->GetParty(api::IdOf(*target)); !party.ok()) {
      return party.status();
    }
  } else {
    absl::StatusOr<Dataset> dataset = visibility.Read(*store_, api::IdOf(*target));
    if (!dataset.ok()) return dataset.status();
    to = *std::move(dataset);
  }
  if (to_party && from->personal_data().contains_personal_data()) {
    if (edge->purpose().empty()) {
      return FieldError("edge.purpose",
                     "required for a delivery of personal data (doelbinding, AVG art. 5)");
    }
    if (edge->legal_basis() == v1::LEGAL_BASIS_UNSPECIFIED) {
      return FieldError("edge.legal_basis",
                     "required for a delivery of personal data (grondslag, AVG art. 6)");
    }
  }
  for (int i = 0; i < edge->column_mappings_size(); ++i) {
    edge->mutable_column_mappings(i)->clear_redacted();  // Output only.
    const v1::ColumnMapping& m = edge->column_mappings(i);
    const std::string path = absl::StrCat("edge.column_mappings[", i, "]");
    if (FieldOf(*from, m.source_field()) == nullptr) {
      return FieldError(path + ".source_field",
                     absl::StrCat("\"", m.source_field(), "\" is not a field of ", edge->source()));
    }
    if (to.has_value() && FieldOf(*to, m.target_field()) == nullptr) {
      return FieldError(path + ".target_field",
                     absl::StrCat("\"", m.target_field(), "\" is not a field of ", edge->target()));
    }
  }
  return CheckStewardship(caller, to_party || !to.has_value() ? *from : *to);
}

absl::StatusOr<LineageEdge> LineageCatalog::CreateEdge(const v1::CreateEdgeRequest& request,
                                                       const Caller& caller) {
  LineageEdge edge = request.edge();
  absl::Status checked = CheckEdge(caller, &edge);
  caller.audit->Concern(EdgeName(edge));
  if (!checked.ok()) return checked;
  storage::LineageWrite write;
  write.edges.push_back({std::move(edge), storage::WriteMode::kCreate, 0});
  absl::StatusOr<storage::LineageWriteResult> result =
      store_->WriteLineage(std::move(write), AuditRecorder::Write(caller));
  if (!result.ok()) return result.status();
  const Visibility visibility(caller);
  EdgePresenter(*store_, visibility).Present(&result->edges[0]);
  return std::move(result->edges[0]);
}

absl::StatusOr<LineageEdge> LineageCatalog::GetEdge(const v1::GetEdgeRequest& request,
                                                    const Caller& caller) const {
  absl::StatusOr<std::string> source = api::ParseDatasetName(request.source(), "source");
  if (!source.ok()) return source.status();
  absl::StatusOr<std::string> target = api::ParseNodeName(request.target(), "target");
  if (!target.ok()) return target.status();
  LineageEdge key;
  key.set_source(api::DatasetName(*source));
  key.set_target(*target);
  caller.audit->Concern(EdgeName(key));
  // Both endpoints must be visible: a hidden one is reported exactly like a
  // missing one.
  const Visibility visibility(caller);
  if (absl::Status s = visibility.CheckNamed(*store_, *source); !s.ok()) return s;
  if (!IsParty(*target)) {
    if (absl::Status s = visibility.CheckNamed(*store_, api::IdOf(*target)); !s.ok()) return s;
  }
  absl::StatusOr<LineageEdge> edge = store_->GetEdge(key.source(), key.target());
  if (edge.ok()) EdgePresenter(*store_, visibility).Present(&*edge);
  return edge;
}

absl::StatusOr<v1::ListEdgesResponse> LineageCatalog::ListEdges(
    const v1::ListEdgesRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), limits_.default_page_size, limits_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  if (absl::Status s = ValidateMessageFields(request, ""); !s.ok()) return s;
  const Visibility visibility(caller);
  storage::EdgeQuery query;
  if (!request.node().empty()) {
    absl::StatusOr<std::string> node = api::ParseNodeName(request.node(), "node");
    if (!node.ok()) return node.status();
    caller.audit->Concern(*node);
    if (IsParty(*node)) {
      if (absl::StatusOr<ExternalParty> p = store_->GetParty(api::IdOf(*node)); !p.ok()) {
        return p.status();
      }
    } else if (absl::Status s = visibility.CheckNamed(*store_, api::IdOf(*node)); !s.ok()) {
      return s;
    }
    query.node = *node;
    query.out = request.direction() != v1::EDGE_DIRECTION_IN;
    query.in = request.direction() != v1::EDGE_DIRECTION_OUT;
  }
  absl::StatusOr<Paging> paging = Paging::Open(
      *tokens_, absl::StrCat("edges|", query.node, "|", static_cast<int>(request.direction())),
      request.page_token());
  if (!paging.ok()) return paging.status();
  query.cursor = paging->position();
  query.limit = *page_size;
  const storage::LineageGraph& graph = store_->graph();
  query.visible = [&](const LineageEdge& e) {
    return visibility.SeesEdge(graph.Info(e.source()), graph.Info(e.target()));
  };
  absl::StatusOr<storage::EdgePage> page = store_->ListEdges(query);
  if (!page.ok()) return page.status();
  v1::ListEdgesResponse response;
  EdgePresenter presenter(*store_, visibility);
  for (LineageEdge& edge : page->edges) {
    presenter.Present(&edge);
    *response.add_edges() = std::move(edge);
  }
  response.set_next_page_token(paging->NextToken(page->next_cursor));
  return response;
}

absl::StatusOr<v1::DeleteEdgeResponse> LineageCatalog::DeleteEdge(
    const v1::DeleteEdgeRequest& request, const Caller& caller) {
  v1::GetEdgeRequest get;
  get.set_source(request.source());
  get.set_target(request.target());
  absl::StatusOr<LineageEdge> edge = GetEdge(get, caller);
  if (!edge.ok()) return edge.status();
  absl::StatusOr<int64_t> expected = ParseEtag(request.etag(), "etag");
  if (!expected.ok()) return expected.status();
  if (absl::Status s = CheckEdgeOwner(caller, *edge); !s.ok()) return s;
  absl::StatusOr<int64_t> revision =
      store_->DeleteEdge(edge->source(), edge->target(), *expected, AuditRecorder::Write(caller));
  if (!revision.ok()) return revision.status();
  v1::DeleteEdgeResponse response;
  response.set_revision(*revision);
  return response;
}

// ---- Traversal ----

namespace {

// Column-level traversal: follows column mappings from (root, field), reading
// edges from the store. Nodes are datasets and parties with the fields
// reached; the budget bounds the nodes.
struct ColumnTraversal {
  struct Node {
    std::string name;
    int depth;
    std::set<std::string> fields;
  };
  std::vector<Node> nodes;
  std::map<std::string, size_t> index;
  // (source name, target name) -> the mappings followed.
  std::map<std::pair<std::string, std::string>, LineageEdge> edges;
  bool truncated = false;
};

absl::StatusOr<ColumnTraversal> TraverseColumns(const storage::CatalogStore& store,
                                                const std::string& root, const std::string& field,
                                                bool downstream, bool upstream, int max_depth,
                                                size_t budget) {
  ColumnTraversal t;
  t.nodes.push_back({root, 0, {field}});
  t.index[root] = 0;
  // Work items: (node index, field, direction) not yet followed.
  struct Item {
    size_t node;
    std::string field;
    bool down;
  };
  std::vector<Item> work;
  if (downstream) work.push_back({0, field, true});
  if (upstream) work.push_back({0, field, false});
  for (size_t head = 0; head < work.size() && !t.truncated; ++head) {
    const Item item = work[head];
    const ColumnTraversal::Node& from = t.nodes[item.node];
    if (from.depth >= max_depth || IsParty(from.name)) continue;
    storage::EdgeQuery query;
    query.node = from.name;
    query.out = item.down;
    query.in = !item.down;
    query.limit = 100000;
    absl::StatusOr<storage::EdgePage> page = store.ListEdges(query);
    if (!page.ok()) return page.status();
    for (const LineageEdge& edge : page->edges) {
      const std::string& next = item.down ? edge.target() : edge.source();
      for (const v1::ColumnMapping& m : edge.column_mappings()) {
        if ((item.down ? m.source_field() : m.target_field()) != item.field) continue;
        const std::string next_field = item.down ? m.target_field() : m.source_field();
        auto found = t.index.find(next);
        if (found == t.index.end()) {
          if (t.nodes.size() >= budget) {
            t.truncated = true;
            break;
          }
          found = t.index.emplace(next, t.nodes.size()).first;
          t.nodes.push_back({next, t.nodes[item.node].depth + 1, {}});
        }
        LineageEdge& followed = t.edges[{edge.source(), edge.target()}];
        if (followed.source().empty()) {
          followed = edge;
          followed.clear_column_mappings();
        }
        *followed.add_column_mappings() = m;
        if (!next_field.empty() && t.nodes[found->second].fields.insert(next_field).second) {
          work.push_back({found->second, next_field, item.down});
        }
      }
      if (t.truncated) break;
    }
  }
  return t;
}

// An edge of a response: endpoints as shown to the caller; everything else
// only when both endpoints are visible and `full` (presented).
LineageEdge ShownEdge(const NodeView& view, EdgePresenter& presenter, const LineageEdge* record,
                      const std::string& source, const std::string& target, int relation) {
  LineageEdge edge;
  if (record != nullptr && !view.Hidden(source) && !view.Hidden(target)) {
    edge = *record;
    presenter.Present(&edge);
  }
  edge.set_source(view.Shown(source));
  edge.set_target(view.Shown(target));
  edge.set_relation(static_cast<v1::LineageRelation>(relation));
  if (view.Hidden(source) || view.Hidden(target)) edge.clear_name();
  return edge;
}

}  // namespace

absl::StatusOr<v1::GetLineageResponse> LineageCatalog::GetLineage(
    const v1::GetLineageRequest& request, const Caller& caller) const {
  absl::StatusOr<std::string> root = api::ParseDatasetName(request.root(), "root");
  if (!root.ok()) return root.status();
  caller.audit->Read(*root);
  if (absl::Status s = ValidateMessageFields(request, ""); !s.ok()) return s;
  if (absl::Status s = CheckDepthAndBudget(request.max_depth(), request.node_budget(), limits_);
      !s.ok()) {
    return s;
  }
  const Visibility visibility(caller);
  absl::StatusOr<Dataset> root_dataset = visibility.Read(*store_, *root);
  if (!root_dataset.ok()) return root_dataset.status();
  const bool full = request.view() == v1::LINEAGE_VIEW_FULL;
  if (full) {
    if (absl::Status s = visibility.CheckPurpose(*root_dataset); !s.ok()) return s;
  }
  const int depth = request.max_depth() == 0 ? limits_.default_depth : request.max_depth();
  const size_t budget = static_cast<size_t>(
      request.node_budget() == 0 ? limits_.default_node_budget : request.node_budget());
  const bool down = request.direction() != v1::LINEAGE_DIRECTION_UPSTREAM;
  const bool up = request.direction() == v1::LINEAGE_DIRECTION_UPSTREAM ||
                  request.direction() == v1::LINEAGE_DIRECTION_BOTH;
  const std::string root_name = api::DatasetName(*root);

  v1::GetLineageResponse response;
  NodeView view(*store_, visibility, full);
  EdgePresenter presenter(*store_, visibility);
  if (!request.field().empty()) {
    if (FieldOf(*root_dataset, request.field()) == nullptr) {
      return FieldError("field", absl::StrCat("\"", request.field(), "\" is not a field of ",
                                           root_name));
    }
    absl::StatusOr<ColumnTraversal> t =
        TraverseColumns(*store_, root_name, request.field(), down, up, depth, budget);
    if (!t.ok()) return t.status();
    for (const ColumnTraversal::Node& n : t->nodes) {
      LineageNode node = view.Describe(n.name, n.depth, store_->graph().Info(n.name));
      if (!node.hidden()) {
        for (const std::string& f : n.fields) node.add_fields(f);
      }
      *response.add_nodes() = std::move(node);
    }
    for (const auto& [key, edge] : t->edges) {
      *response.add_edges() =
          ShownEdge(view, presenter, &edge, key.first, key.second, edge.relation());
    }
    response.set_truncated(t->truncated);
  } else {
    storage::TraversalOptions options{root_name, down, up, depth, budget};
    const storage::Traversal t = store_->graph().Traverse(options);
    response.mutable_nodes()->Reserve(static_cast<int>(t.nodes.size()));
    response.mutable_edges()->Reserve(static_cast<int>(t.edges.size()));
    for (const storage::Traversal::Node& n : t.nodes) {
      LineageNode* node = response.add_nodes();
      *node = view.Describe(n.name, n.depth, n.info);
      node->set_more_beyond_depth(n.more_beyond_depth);
    }
    // Endpoints by position: no lookups by name for the (many) edges.
    for (const storage::Traversal::Edge& e : t.edges) {
      const LineageNode& source = response.nodes(static_cast<int>(e.source));
      const LineageNode& target = response.nodes(static_cast<int>(e.target));
      const bool hidden = source.hidden() || target.hidden();
      LineageEdge* edge = response.add_edges();
      if (full && !hidden) {
        absl::StatusOr<LineageEdge> stored =
            store_->GetEdge(t.nodes[e.source].name, t.nodes[e.target].name);
        if (stored.ok()) {
          *edge = *std::move(stored);
          presenter.Present(edge);
        }
      }
      edge->set_source(source.name());
      edge->set_target(target.name());
      edge->set_relation(static_cast<v1::LineageRelation>(e.relation));
    }
    response.set_truncated(t.truncated);
  }
  if (response.truncated()) response.set_truncation_reason(v1::TRUNCATION_REASON_NODE_BUDGET);
  return response;
}

absl::StatusOr<v1::AnalyzeImpactResponse> LineageCatalog::AnalyzeImpact(
    const v1::AnalyzeImpactRequest& request, const Caller& caller) const {
  absl::StatusOr<std::string> root = api::ParseDatasetName(request.root(), "root");
  if (!root.ok()) return root.status();
  caller.audit->Read(*root);
  if (absl::Status s = CheckDepthAndBudget(request.max_depth(), request.node_budget(), limits_);
      !s.ok()) {
    return s;
  }
  const Visibility visibility(caller);
  absl::StatusOr<Dataset> root_dataset = visibility.Read(*store_, *root);
  if (!root_dataset.ok()) return root_dataset.status();
  if (absl::Status s = visibility.CheckPurpose(*root_dataset); !s.ok()) return s;
  storage::TraversalOptions options;
  options.root = api::DatasetName(*root);
  options.max_depth = request.max_depth() == 0 ? limits_.max_depth : request.max_depth();
  options.node_budget = static_cast<size_t>(
      request.node_budget() == 0 ? limits_.max_node_budget : request.node_budget());
  const storage::Traversal t = store_->graph().Traverse(options);

  v1::AnalyzeImpactResponse response;
  NodeView view(*store_, visibility, /*full=*/true);
  EdgePresenter presenter(*store_, visibility);
  std::map<int, v1::ImpactLevel> levels;
  for (const storage::Traversal::Node& n : t.nodes) {
    LineageNode node = view.Describe(n.name, n.depth, n.info);
    if (n.depth == 0) {
      *response.mutable_root() = std::move(node);
      continue;
    }
    v1::ImpactLevel& level = levels[n.depth];
    level.set_depth(n.depth);
    if (IsParty(n.name)) {
      response.set_parties(response.parties() + 1);
      *level.add_parties() = std::move(node);
      continue;
    }
    response.set_datasets(response.datasets() + 1);
    if (node.hidden()) {
      response.set_hidden_datasets(response.hidden_datasets() + 1);
      level.set_hidden_datasets(level.hidden_datasets() + 1);
      continue;
    }
    if (node.contains_personal_data()) {
      response.set_personal_data_datasets(response.personal_data_datasets() + 1);
    }
    response.set_highest_confidentiality(
        std::max(response.highest_confidentiality(), node.confidentiality()));
    *level.add_datasets() = std::move(node);
  }
  for (auto& [depth, level] : levels) *response.add_levels() = std::move(level);
  for (const storage::Traversal::Edge& e : t.edges) {
    if (e.relation != v1::LINEAGE_RELATION_DELIVERY) continue;
    const std::string& source = t.nodes[e.source].name;
    if (view.Hidden(source)) continue;
    absl::StatusOr<LineageEdge> delivery = store_->GetEdge(source, t.nodes[e.target].name);
    if (!delivery.ok()) continue;
    presenter.Present(&*delivery);
    *response.add_deliveries() = *std::move(delivery);
  }
  response.set_truncated(t.truncated);
  if (t.truncated) response.set_truncation_reason(v1::TRUNCATION_REASON_NODE_BUDGET);
  return response;
}

// ---- Findings ----

namespace {

struct Candidate {
  std::string source, target;
  uint8_t source_confidentiality, target_confidentiality;
  bool source_personal;
  bool below;   // Classified below its source.
  bool mapped;  // Has column mappings to check.
  std::string key;  // Order of the listing: target, then source.
};

std::string CandidateKey(const std::string& source, const std::string& target) {
  return absl::StrCat(target, std::string(1, '\0'), source);
}

void AddClassificationFinding(const Candidate& c, v1::ListLineageFindingsResponse* out) {
  v1::LineageFinding* f = out->add_findings();
  f->set_rule(v1::LINEAGE_FINDING_RULE_CLASSIFICATION_BELOW_SOURCE);
  f->set_severity(c.source_personal ? v1::SEVERITY_HIGH : v1::SEVERITY_MEDIUM);
  f->set_source(c.source);
  f->set_target(c.target);
  const auto s = static_cast<v1::Confidentiality>(c.source_confidentiality);
  const auto t = static_cast<v1::Confidentiality>(c.target_confidentiality);
  f->set_source_confidentiality(s);
  f->set_target_confidentiality(t);
  f->set_message(absl::StrCat(c.target, " is classified ", api::EnumShortName(t),
                              " but takes its data from ", c.source, " (",
                              api::EnumShortName(s), "); classify it at least ",
                              api::EnumShortName(s), " or record why it holds less"));
}

}  // namespace

absl::StatusOr<v1::ListLineageFindingsResponse> LineageCatalog::ListFindings(
    const v1::ListLineageFindingsRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), limits_.default_page_size, limits_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  const Visibility visibility(caller);
  std::string only;
  if (!request.dataset().empty()) {
    absl::StatusOr<std::string> id = api::ParseDatasetName(request.dataset(), "dataset");
    if (!id.ok()) return id.status();
    if (absl::Status s = visibility.CheckNamed(*store_, *id); !s.ok()) return s;
    only = api::DatasetName(*id);
    caller.audit->Read(*id);
  }
  absl::StatusOr<Paging> paging =
      Paging::Open(*tokens_, absl::StrCat("findings|", only), request.page_token());
  if (!paging.ok()) return paging.status();
  const std::string& after = paging->position();

  // Candidates from the in-memory graph: edges between datasets the caller
  // may both see, classified lower than their source or carrying mappings.
  std::vector<Candidate> candidates;
  store_->graph().ForEachEdge([&](const std::string& source, const storage::NodeInfo& s,
                                  const std::string& target, const storage::NodeInfo& t,
                                  uint8_t relation, bool mapped) {
    if (t.party || !visibility.SeesEdge(s, t)) return;
    if (!only.empty() && target != only) return;
    const bool below = relation != v1::LINEAGE_RELATION_DELIVERY &&
                       t.confidentiality < s.confidentiality;
    if (!below && !mapped) return;
    std::string key = CandidateKey(source, target);
    if (key <= after) return;
    candidates.push_back(Candidate{source, target, s.confidentiality, t.confidentiality,
                                   s.personal_data, below, mapped, std::move(key)});
  });

  // Only the head of the order is needed: sort it a chunk at a time (most
  // pages end within the first chunk) rather than all candidates.
  const auto by_key = [](const Candidate& a, const Candidate& b) { return a.key < b.key; };
  const size_t chunk = std::max<size_t>(4 * *page_size, 1024);
  size_t sorted = 0;
  v1::ListLineageFindingsResponse response;
  size_t next = 0;
  for (; next < candidates.size() && static_cast<size_t>(response.findings_size()) < *page_size;
       ++next) {
    if (next == sorted) {
      const auto end = candidates.begin() + static_cast<std::ptrdiff_t>(
                                                std::min(candidates.size(), sorted + chunk));
      std::nth_element(candidates.begin() + static_cast<std::ptrdiff_t>(sorted), end - 1,
                       candidates.end(), by_key);
      std::sort(candidates.begin() + static_cast<std::ptrdiff_t>(sorted), end, by_key);
      sorted = static_cast<size_t>(end - candidates.begin());
    }
    const Candidate& c = candidates[next];
    if (c.below) AddClassificationFinding(c, &response);
    if (!c.mapped) continue;
    absl::StatusOr<LineageEdge> edge = store_->GetEdge(c.source, c.target);
    absl::StatusOr<Dataset> from = store_->GetDataset(api::IdOf(c.source));
    absl::StatusOr<Dataset> to = store_->GetDataset(api::IdOf(c.target));
    if (!edge.ok() || !from.ok() || !to.ok()) continue;  // Changed meanwhile.
    for (const v1::ColumnMapping& m : edge->column_mappings()) {
      const v1::SchemaField* in = FieldOf(*from, m.source_field());
      const v1::SchemaField* out = FieldOf(*to, m.target_field());
      if (in == nullptr || !in->personal_data()) continue;
      const bool unmarked = !to->personal_data().contains_personal_data() ||
                            (out != nullptr && !out->personal_data());
      if (!unmarked) continue;
      v1::LineageFinding* f = response.add_findings();
      f->set_rule(v1::LINEAGE_FINDING_RULE_PERSONAL_DATA_NOT_MARKED);
      f->set_severity(v1::SEVERITY_HIGH);
      f->set_source(c.source);
      f->set_target(c.target);
      f->set_source_field(m.source_field());
      f->set_target_field(m.target_field());
      f->set_message(absl::StrCat(
          c.source, " field ", m.source_field(), " holds personal data and flows into ",
          c.target, m.target_field().empty() ? "" : absl::StrCat(" field ", m.target_field()),
          ", which is not marked as personal data; mark it and record the legal basis"));
    }
  }
  if (next < candidates.size() && next > 0) {
    response.set_next_page_token(paging->NextToken(candidates[next - 1].key));
  }
  return response;
}

absl::StatusOr<v1::IngestOpenLineageResponse> LineageCatalog::IngestOpenLineage(
    const v1::IngestOpenLineageRequest& request, const Caller& caller) {
  if (request.events_size() == 0) return FieldError("events", "at least one event is required");
  if (request.events_size() > limits_.max_events) {
    return absl::ResourceExhaustedError(
        absl::StrCat("events: at most ", limits_.max_events, " per request"));
  }
  // Every event is checked before anything is written.
  std::vector<openlineage::RunEvent> events;
  for (int i = 0; i < request.events_size(); ++i) {
    absl::StatusOr<openlineage::RunEvent> event =
        openlineage::ParseRunEvent(request.events(i), absl::StrCat("events[", i, "]"));
    if (!event.ok()) return event.status();
    events.push_back(*std::move(event));
  }
  return Ingest(events, caller);
}

absl::StatusOr<v1::IngestOpenLineageResponse> LineageCatalog::IngestOpenLineageEvent(
    absl::string_view event, const Caller& caller) {
  absl::StatusOr<openlineage::RunEvent> parsed = openlineage::ParseRunEvent(event, "event");
  if (!parsed.ok()) return parsed.status();
  return Ingest({*std::move(parsed)}, caller);
}

absl::StatusOr<v1::IngestOpenLineageResponse> LineageCatalog::Ingest(
    const std::vector<openlineage::RunEvent>& events, const Caller& caller) {
  v1::IngestOpenLineageResponse response;
  response.set_events(static_cast<int32_t>(events.size()));
  absl::StatusOr<storage::LineageWrite> write =
      PlanOpenLineageIntake(*store_, caller, events, limits_.stub_confidentiality, &response);
  if (!write.ok()) return write.status();
  for (const Dataset& d : write->create_datasets) caller.audit->Concern(api::DatasetName(d.id()));
  for (const storage::EdgeWrite& w : write->edges) caller.audit->Concern(EdgeName(w.edge));
  if (write->create_datasets.empty() && write->edges.empty() && write->jobs.empty()) {
    response.set_revision(store_->LatestRevision());
    return response;
  }
  absl::StatusOr<storage::LineageWriteResult> result =
      store_->WriteLineage(*std::move(write), AuditRecorder::Write(caller));
  if (!result.ok()) return result.status();
  response.set_revision(store_->LatestRevision());
  return response;
}

}  // namespace catalog::server
