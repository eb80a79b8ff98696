// LineageGraph: the lineage graph's adjacency in memory, so that traversals
// touch no disk and stay fast at national scale (millions of edges).
//
// Derived state: CatalogStore rebuilds it on open from the column families
// of record (the confidentiality and personal-data indexes, the parties and
// the small lineage_in values) and applies every committed change to it
// while still holding the locks of the records changed, so it follows the
// store in commit order per node. A traversal reads under a shared lock and
// returns names and the little it needs to decide visibility; details come
// from the store.
//
// Nodes are named by resource name ("datasets/{id}", "parties/{id}"). Node
// numbers are internal and never reused while the process runs; a removed
// node keeps its slot (absent) until the next start.
//
// Thread-safe.
#ifndef CATALOG_STORAGE_LINEAGE_GRAPH_H_
#define CATALOG_STORAGE_LINEAGE_GRAPH_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace catalog::storage {

// What the graph knows of a node.
struct NodeInfo {
  bool present = false;  // The dataset or party exists.
  bool party = false;
  // catalog.v1.Confidentiality of a dataset.
  uint8_t confidentiality = 0;
  bool personal_data = false;
};

// A set of changes, applied at once under one exclusive lock.
struct GraphDelta {
  struct DatasetNode {
    std::string id;
    uint8_t confidentiality = 0;
    bool personal_data = false;
  };
  struct Edge {
    std::string source;  // "datasets/{id}"
    std::string target;  // "datasets/{id}" or "parties/{id}"
    uint8_t relation = 0;
    bool mapped = false;
  };
  std::vector<DatasetNode> datasets;
  std::vector<std::string> removed_datasets;  // Ids.
  std::vector<std::string> parties;           // Ids.
  std::vector<std::string> removed_parties;
  std::vector<Edge> edges;                    // Added or changed.
  std::vector<Edge> removed_edges;            // Only source and target used.
  bool empty() const {
    return datasets.empty() && removed_datasets.empty() && parties.empty() &&
           removed_parties.empty() && edges.empty() && removed_edges.empty();
  }
};

struct TraversalOptions {
  std::string root;  // Resource name.
  bool downstream = true;
  bool upstream = false;
  int max_depth = 5;
  size_t node_budget = 1000;
};

struct Traversal {
  struct Node {
    std::string name;
    int depth = 0;
    NodeInfo info;
    // Has edges (in the direction followed) to nodes not returned, beyond
    // max_depth.
    bool more_beyond_depth = false;
  };
  struct Edge {
    size_t source;  // Index into nodes.
    size_t target;
    uint8_t relation = 0;
    bool mapped = false;
  };
  // Breadth-first order, root first. Empty when the root is absent.
  std::vector<Node> nodes;
  // Every edge between returned nodes.
  std::vector<Edge> edges;
  // More nodes were reachable within max_depth than node_budget.
  bool truncated = false;
};

class LineageGraph {
 public:
  LineageGraph() = default;
  LineageGraph(const LineageGraph&) = delete;
  LineageGraph& operator=(const LineageGraph&) = delete;

  void Apply(const GraphDelta& delta);

  // Whether any edge starts or ends at `name`.
  bool HasEdges(std::string_view name) const;
  NodeInfo Info(std::string_view name) const;

  Traversal Traverse(const TraversalOptions& options) const;

  // The reach of up to 64 roots at once: calls `fn` once for every present
  // node downstream of at least one root (at any depth; a root itself only
  // when another root reaches it), with bit i of `roots_reaching` set when
  // roots[i] reaches it. One propagation over the graph instead of a
  // traversal per root. Under the shared lock: `fn` must not call back into
  // the graph.
  void ForEachReached(const std::vector<std::string>& roots,
                      const std::function<void(const std::string& name, const NodeInfo& info,
                                               uint64_t roots_reaching)>& fn) const;
  // The present nodes one edge downstream of `root`.
  std::vector<std::pair<std::string, NodeInfo>> Consumers(std::string_view root) const;

  // Calls `fn` for every edge between present nodes (under the shared lock:
  // `fn` must not call back into the graph).
  void ForEachEdge(const std::function<void(const std::string& source, const NodeInfo& s,
                                            const std::string& target, const NodeInfo& t,
                                            uint8_t relation, bool mapped)>& fn) const;

  size_t node_count() const;
  // Parties present.
  size_t party_count() const;
  size_t edge_count() const;

 private:
  using NodeId = uint32_t;
  struct Arc {
    NodeId node;
    uint8_t relation;
    bool mapped;
  };
  struct Node {
    std::string name;
    NodeInfo info;
    std::vector<Arc> out;
    std::vector<Arc> in;
  };

  NodeId Intern(std::string_view name);  // Requires the exclusive lock.
  const Node* Find(std::string_view name) const;
  void SetArc(std::vector<Arc>& arcs, NodeId node, uint8_t relation, bool mapped);
  void RemoveArc(std::vector<Arc>& arcs, NodeId node);

  mutable std::shared_mutex mutex_;
  std::deque<Node> nodes_;  // Stable addresses: ids_ keys point into names.
  absl::flat_hash_map<std::string_view, NodeId> ids_;
  size_t edges_ = 0;
  size_t parties_ = 0;  // Present parties.
};

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_LINEAGE_GRAPH_H_
