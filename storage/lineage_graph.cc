#include "storage/lineage_graph.h"

#include <algorithm>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace catalog::storage {
namespace {

constexpr uint8_t kDown = 1;
constexpr uint8_t kUp = 2;

}  // namespace

LineageGraph::NodeId LineageGraph::Intern(std::string_view name) {
  auto found = ids_.find(name);
  if (found != ids_.end()) return found->second;
  const NodeId id = static_cast<NodeId>(nodes_.size());
  Node& node = nodes_.emplace_back();
  node.name = std::string(name);
  ids_.emplace(node.name, id);
  return id;
}

const LineageGraph::Node* LineageGraph::Find(std::string_view name) const {
  auto found = ids_.find(name);
  return found == ids_.end() ? nullptr : &nodes_[found->second];
}

void LineageGraph::SetArc(std::vector<Arc>& arcs, NodeId node, uint8_t relation, bool mapped) {
  for (Arc& arc : arcs) {
    if (arc.node == node) {
      arc.relation = relation;
      arc.mapped = mapped;
      return;
    }
  }
  arcs.push_back({node, relation, mapped});
}

void LineageGraph::RemoveArc(std::vector<Arc>& arcs, NodeId node) {
  arcs.erase(std::remove_if(arcs.begin(), arcs.end(), [&](const Arc& a) { return a.node == node; }),
             arcs.end());
}

void LineageGraph::Apply(const GraphDelta& delta) {
  if (delta.empty()) return;
  std::unique_lock lock(mutex_);
  for (const GraphDelta::DatasetNode& d : delta.datasets) {
    Node& node = nodes_[Intern(absl::StrCat("datasets/", d.id))];
    node.info = NodeInfo{true, false, d.confidentiality, d.personal_data};
  }
  for (const std::string& id : delta.parties) {
    NodeInfo& info = nodes_[Intern(absl::StrCat("parties/", id))].info;
    if (!info.present) ++parties_;
    info = NodeInfo{true, true, 0, false};
  }
  for (const GraphDelta::Edge& e : delta.removed_edges) {
    auto s = ids_.find(e.source);
    auto t = ids_.find(e.target);
    if (s == ids_.end() || t == ids_.end()) continue;
    const size_t before = nodes_[s->second].out.size();
    RemoveArc(nodes_[s->second].out, t->second);
    RemoveArc(nodes_[t->second].in, s->second);
    edges_ -= before - nodes_[s->second].out.size();
  }
  for (const GraphDelta::Edge& e : delta.edges) {
    const NodeId s = Intern(e.source);
    const NodeId t = Intern(e.target);
    const size_t before = nodes_[s].out.size();
    SetArc(nodes_[s].out, t, e.relation, e.mapped);
    SetArc(nodes_[t].in, s, e.relation, e.mapped);
    edges_ += nodes_[s].out.size() - before;
  }
  for (const std::string& id : delta.removed_datasets) {
    auto found = ids_.find(absl::StrCat("datasets/", id));
    if (found != ids_.end()) nodes_[found->second].info = NodeInfo{};
  }
  for (const std::string& id : delta.removed_parties) {
    auto found = ids_.find(absl::StrCat("parties/", id));
    if (found == ids_.end() || !nodes_[found->second].info.present) continue;
    nodes_[found->second].info = NodeInfo{};
    --parties_;
  }
}

bool LineageGraph::HasEdges(std::string_view name) const {
  std::shared_lock lock(mutex_);
  const Node* node = Find(name);
  return node != nullptr && (!node->out.empty() || !node->in.empty());
}

NodeInfo LineageGraph::Info(std::string_view name) const {
  std::shared_lock lock(mutex_);
  const Node* node = Find(name);
  return node == nullptr ? NodeInfo{} : node->info;
}

void LineageGraph::ForEachReached(
    const std::vector<std::string>& roots,
    const std::function<void(const std::string&, const NodeInfo&, uint64_t)>& fn) const {
  std::shared_lock lock(mutex_);
  // 1. Everything reachable from a root, and each one's number of edges
  //    from reachable nodes.
  std::vector<uint64_t> roots_of(nodes_.size());  // Roots reaching n (or n itself).
  std::vector<uint32_t> pending(nodes_.size());   // In-edges not yet propagated.
  std::vector<bool> reachable(nodes_.size());
  std::vector<NodeId> order;  // The reachable nodes.
  std::vector<std::pair<NodeId, uint64_t>> own;
  for (size_t i = 0; i < roots.size() && i < 64; ++i) {
    auto found = ids_.find(roots[i]);
    if (found == ids_.end() || !nodes_[found->second].info.present) continue;
    roots_of[found->second] |= uint64_t{1} << i;
    own.emplace_back(found->second, uint64_t{1} << i);
    if (!reachable[found->second]) {
      reachable[found->second] = true;
      order.push_back(found->second);
    }
  }
  for (size_t k = 0; k < order.size(); ++k) {
    for (const Arc& arc : nodes_[order[k]].out) {
      if (!nodes_[arc.node].info.present) continue;
      ++pending[arc.node];
      if (!reachable[arc.node]) {
        reachable[arc.node] = true;
        order.push_back(arc.node);
      }
    }
  }
  // 2. Propagate in topological order (Kahn): each node passes its roots on
  //    once, when all its reachable sources have.
  std::vector<NodeId> ready;
  for (NodeId id : order) {
    if (pending[id] == 0) ready.push_back(id);
  }
  std::vector<bool> done(nodes_.size());
  while (!ready.empty()) {
    const NodeId id = ready.back();
    ready.pop_back();
    done[id] = true;
    for (const Arc& arc : nodes_[id].out) {
      if (!nodes_[arc.node].info.present) continue;
      roots_of[arc.node] |= roots_of[id];
      if (--pending[arc.node] == 0) ready.push_back(arc.node);
    }
  }
  // 3. Cycles (and what follows them) never became ready: propagate among
  //    those nodes until nothing changes.
  std::vector<NodeId> work;
  for (NodeId id : order) {
    if (!done[id]) work.push_back(id);
  }
  while (!work.empty()) {
    const NodeId id = work.back();
    work.pop_back();
    for (const Arc& arc : nodes_[id].out) {
      if (!nodes_[arc.node].info.present) continue;
      const uint64_t gained = roots_of[id] & ~roots_of[arc.node];
      if (gained == 0) continue;
      roots_of[arc.node] |= gained;
      work.push_back(arc.node);
    }
  }
  for (const auto& [id, bit] : own) roots_of[id] &= ~bit;  // Not its own reach.
  for (NodeId id : order) {
    if (roots_of[id] != 0) fn(nodes_[id].name, nodes_[id].info, roots_of[id]);
  }
}

std::vector<std::pair<std::string, NodeInfo>> LineageGraph::Consumers(
    std::string_view root) const {
  std::shared_lock lock(mutex_);
  std::vector<std::pair<std::string, NodeInfo>> consumers;
  auto found = ids_.find(root);
  if (found == ids_.end() || !nodes_[found->second].info.present) return consumers;
  for (const Arc& arc : nodes_[found->second].out) {
    const Node& node = nodes_[arc.node];
    if (node.info.present) consumers.emplace_back(node.name, node.info);
  }
  return consumers;
}

Traversal LineageGraph::Traverse(const TraversalOptions& options) const {
  std::shared_lock lock(mutex_);
  Traversal result;
  auto root = ids_.find(options.root);
  if (root == ids_.end() || !nodes_[root->second].info.present) return result;

  // visited[i] is the node returned at result.nodes[i], with the
  // directions it is expanded in: the root both ways asked for, every other
  // node only the way it was reached (the ancestors' other descendants are
  // not the root's lineage).
  struct Visit {
    NodeId id;
    uint8_t directions;
  };
  std::vector<Visit> visited;
  absl::flat_hash_map<NodeId, size_t> index;
  auto add = [&](NodeId id, int depth, uint8_t directions) {
    index.emplace(id, visited.size());
    visited.push_back({id, directions});
    const Node& node = nodes_[id];
    result.nodes.push_back({node.name, depth, node.info, false});
  };
  add(root->second, 0,
      static_cast<uint8_t>((options.downstream ? kDown : 0) | (options.upstream ? kUp : 0)));

  for (size_t head = 0; head < visited.size() && !result.truncated; ++head) {
    const int depth = result.nodes[head].depth;
    if (depth >= options.max_depth) continue;
    const Visit current = visited[head];
    for (uint8_t direction : {kDown, kUp}) {
      if ((current.directions & direction) == 0) continue;
      const Node& node = nodes_[current.id];
      for (const Arc& arc : direction == kDown ? node.out : node.in) {
        if (!nodes_[arc.node].info.present || index.contains(arc.node)) continue;
        if (result.nodes.size() >= options.node_budget) {
          result.truncated = true;
          break;
        }
        add(arc.node, depth + 1, direction);
      }
      if (result.truncated) break;
    }
  }

  for (size_t i = 0; i < visited.size(); ++i) {
    const Node& node = nodes_[visited[i].id];
    for (const Arc& arc : node.out) {
      auto target = index.find(arc.node);
      if (target != index.end()) result.edges.push_back({i, target->second, arc.relation, arc.mapped});
    }
    if (result.nodes[i].depth != options.max_depth) continue;
    auto leads_on = [&](const std::vector<Arc>& arcs) {
      return std::any_of(arcs.begin(), arcs.end(), [&](const Arc& a) {
        return nodes_[a.node].info.present && !index.contains(a.node);
      });
    };
    result.nodes[i].more_beyond_depth =
        ((visited[i].directions & kDown) != 0 && leads_on(node.out)) ||
        ((visited[i].directions & kUp) != 0 && leads_on(node.in));
  }
  return result;
}

void LineageGraph::ForEachEdge(
    const std::function<void(const std::string&, const NodeInfo&, const std::string&,
                             const NodeInfo&, uint8_t, bool)>& fn) const {
  std::shared_lock lock(mutex_);
  for (const Node& node : nodes_) {
    if (!node.info.present) continue;
    for (const Arc& arc : node.out) {
      const Node& target = nodes_[arc.node];
      if (target.info.present) fn(node.name, node.info, target.name, target.info, arc.relation, arc.mapped);
    }
  }
}

size_t LineageGraph::node_count() const {
  std::shared_lock lock(mutex_);
  return ids_.size();
}

size_t LineageGraph::party_count() const {
  std::shared_lock lock(mutex_);
  return parties_;
}

size_t LineageGraph::edge_count() const {
  std::shared_lock lock(mutex_);
  return edges_;
}

}  // namespace catalog::storage
