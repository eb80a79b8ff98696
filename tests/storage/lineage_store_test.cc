// LineageGraph traversal and the lineage half of CatalogStore: edges and
// parties in atomic writes with their change-log entries, delete rules, the
// in-memory graph kept in step and rebuilt on open, and `check`.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "storage/column_families.h"
#include "storage/key_codec.h"
#include "storage/lineage_graph.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

using storage::GraphDelta;
using storage::LineageGraph;
using storage::Traversal;
using storage::TraversalOptions;

// ---- LineageGraph ----

class GraphTest : public ::testing::Test {
 protected:
  // Datasets d0..d{n-1} (confidentiality 1) and edges "a>b" between them.
  void Build(int n, const std::vector<std::pair<int, int>>& edges) {
    GraphDelta delta;
    for (int i = 0; i < n; ++i) delta.datasets.push_back({absl::StrCat("d", i), 1, false});
    for (auto [a, b] : edges) delta.edges.push_back({Name(a), Name(b), 2, false});
    graph_.Apply(delta);
  }
  static std::string Name(int i) { return absl::StrCat("datasets/d", i); }

  Traversal Down(int root, int depth, size_t budget = 1000) const {
    return graph_.Traverse(TraversalOptions{Name(root), true, false, depth, budget});
  }

  static std::map<std::string, int> Depths(const Traversal& t) {
    std::map<std::string, int> depths;
    for (const auto& n : t.nodes) depths[n.name] = n.depth;
    return depths;
  }

  LineageGraph graph_;
};

TEST_F(GraphTest, DownstreamFollowsDepthAndShortestDistance) {
  // 0 -> 1 -> 2 -> 3, and a shortcut 0 -> 2.
  Build(4, {{0, 1}, {1, 2}, {2, 3}, {0, 2}});
  Traversal t = Down(0, 5);
  EXPECT_EQ(Depths(t), (std::map<std::string, int>{
                           {Name(0), 0}, {Name(1), 1}, {Name(2), 1}, {Name(3), 2}}));
  EXPECT_EQ(t.nodes[0].name, Name(0));
  EXPECT_EQ(t.edges.size(), 4u);
  EXPECT_FALSE(t.truncated);

  t = Down(0, 1);
  EXPECT_EQ(t.nodes.size(), 3u);
  for (const auto& n : t.nodes) {
    EXPECT_EQ(n.more_beyond_depth, n.name == Name(2)) << n.name;
  }
}

TEST_F(GraphTest, UpstreamAndBoth) {
  Build(5, {{0, 1}, {1, 2}, {3, 1}, {2, 4}});
  Traversal up = graph_.Traverse(TraversalOptions{Name(2), false, true, 5, 100});
  EXPECT_EQ(Depths(up), (std::map<std::string, int>{
                            {Name(2), 0}, {Name(1), 1}, {Name(0), 2}, {Name(3), 2}}));
  Traversal both = graph_.Traverse(TraversalOptions{Name(1), true, true, 5, 100});
  // Upstream of 1: 0 and 3; downstream: 2 and 4. Not 3's other children.
  EXPECT_EQ(both.nodes.size(), 5u);
}

TEST_F(GraphTest, CyclesTerminateWithEveryNodeOnce) {
  Build(3, {{0, 1}, {1, 2}, {2, 0}});
  Traversal t = Down(0, 50);
  EXPECT_EQ(t.nodes.size(), 3u);
  EXPECT_EQ(t.edges.size(), 3u);
  EXPECT_FALSE(t.truncated);
}

TEST_F(GraphTest, BudgetTruncatesAndSaysSo) {
  std::vector<std::pair<int, int>> star;
  for (int i = 1; i <= 10; ++i) star.emplace_back(0, i);
  Build(11, star);
  Traversal t = Down(0, 5, 4);
  EXPECT_EQ(t.nodes.size(), 4u);
  EXPECT_TRUE(t.truncated);
  EXPECT_FALSE(Down(0, 5, 11).truncated) << "exactly the budget is not truncated";
}

TEST_F(GraphTest, RemovedNodesAndEdgesAreNotFollowed) {
  Build(3, {{0, 1}, {1, 2}});
  GraphDelta delta;
  delta.removed_edges.push_back({Name(1), Name(2), 0, false});
  graph_.Apply(delta);
  EXPECT_EQ(Down(0, 5).nodes.size(), 2u);
  EXPECT_EQ(graph_.edge_count(), 1u);
  delta = GraphDelta();
  delta.removed_datasets.push_back("d1");
  graph_.Apply(delta);
  EXPECT_EQ(Down(0, 5).nodes.size(), 1u);
  EXPECT_TRUE(Down(1, 5).nodes.empty()) << "an absent root has no lineage";
}

// ---- CatalogStore ----

class LineageStoreTest : public StoreTest {
 protected:
  void AddDataset(const std::string& id, int confidentiality = 3) {
    catalog::v1::Dataset d = ValidDataset(id);
    d.mutable_classification()->set_confidentiality(
        static_cast<catalog::v1::Confidentiality>(confidentiality));
    AddField(&d, "bsn");
    ASSERT_TRUE(store_->CreateDataset(d, Context()).ok());
  }

  absl::StatusOr<storage::LineageWriteResult> Edge(const std::string& source,
                                                   const std::string& target,
                                                   storage::WriteMode mode =
                                                       storage::WriteMode::kCreate) {
    storage::LineageWrite write;
    catalog::v1::LineageEdge edge = ValidEdge(source, target);
    edge.set_source(absl::StrCat("datasets/", source));
    write.edges.push_back({edge, mode, 0});
    return store_->WriteLineage(write, Context());
  }

  static storage::WriteContext Context() {
    storage::WriteContext context;
    context.principal = "tester";
    context.request_id = "req-1";
    return context;
  }

  void ExpectCheckOk() {
    absl::StatusOr<storage::CheckReport> report = store_->Check();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok()) << report->problems.front();
  }
};

TEST_F(LineageStoreTest, EdgesNeedExistingEndpointsAndAreUnique) {
  AddDataset("bron");
  AddDataset("doel");
  EXPECT_EQ(Edge("bron", "datasets/onbekend").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Edge("bron", "parties/cbs").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<storage::LineageWriteResult> created = Edge("bron", "datasets/doel");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->edges[0].name(), "lineage/bron/datasets/doel");
  EXPECT_GT(created->edges[0].revision(), 0);
  EXPECT_EQ(Edge("bron", "datasets/doel").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Edge("bron", "datasets/doel", storage::WriteMode::kUpsert).ok());
  EXPECT_EQ(store_->graph().edge_count(), 1u);
  ExpectCheckOk();
}

TEST_F(LineageStoreTest, DeletingADatasetWithEdgesNeedsForceAndRemovesThemAtomically) {
  AddDataset("a");
  AddDataset("b");
  AddDataset("c");
  ASSERT_TRUE(Edge("a", "datasets/b").ok());
  ASSERT_TRUE(Edge("b", "datasets/c").ok());
  const int64_t before = store_->LatestRevision();
  absl::StatusOr<int64_t> refused = store_->DeleteDataset("b", 0, Context());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->LatestRevision(), before) << "a refused delete writes nothing";
  absl::StatusOr<int64_t> deleted = store_->DeleteDataset("b", 0, Context(), /*force=*/true);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, before + 1);
  EXPECT_EQ(store_->LatestRevision(), before + 3) << "one revision per record changed";
  EXPECT_EQ(store_->GetEdge("datasets/a", "datasets/b").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->graph().edge_count(), 0u);
  ExpectCheckOk();
}

TEST_F(LineageStoreTest, PartiesWithDeliveriesCannotBeDeleted) {
  AddDataset("a");
  ASSERT_TRUE(store_->CreateParty(ValidParty("cbs"), Context()).ok());
  EXPECT_EQ(store_->CreateParty(ValidParty("cbs"), Context()).status().code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(Edge("a", "parties/cbs").ok());
  EXPECT_EQ(store_->DeleteParty("cbs", 0, Context()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->DeleteEdge("datasets/a", "parties/cbs", 0, Context()).ok());
  EXPECT_TRUE(store_->DeleteParty("cbs", 0, Context()).ok());
  EXPECT_EQ(store_->GetParty("cbs").status().code(), absl::StatusCode::kNotFound);
  ExpectCheckOk();
}

TEST_F(LineageStoreTest, AFailedLineageWriteWritesNothing) {
  AddDataset("a");
  storage::LineageWrite write;
  write.create_datasets.push_back(ValidDataset("stub"));
  catalog::v1::LineageEdge good = ValidEdge("a", "datasets/stub");
  good.set_source("datasets/a");
  catalog::v1::LineageEdge bad = ValidEdge("a", "datasets/missing");
  bad.set_source("datasets/a");
  write.edges.push_back({good, storage::WriteMode::kCreate, 0});
  write.edges.push_back({bad, storage::WriteMode::kCreate, 0});
  const int64_t before = store_->LatestRevision();
  EXPECT_EQ(store_->WriteLineage(write, Context()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->LatestRevision(), before);
  EXPECT_EQ(store_->GetDataset("stub").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->graph().edge_count(), 0u);
}

TEST_F(LineageStoreTest, GraphIsRebuiltOnOpen) {
  AddDataset("a", 2);
  AddDataset("b", 5);
  ASSERT_TRUE(store_->CreateParty(ValidParty("uwv"), Context()).ok());
  ASSERT_TRUE(Edge("a", "datasets/b").ok());
  ASSERT_TRUE(Edge("b", "parties/uwv").ok());
  const Traversal before = store_->graph().Traverse(TraversalOptions{"datasets/a"});
  ASSERT_TRUE(store_->Close().ok());
  Reopen();
  const Traversal after = store_->graph().Traverse(TraversalOptions{"datasets/a"});
  ASSERT_EQ(after.nodes.size(), 3u);
  ASSERT_EQ(after.nodes.size(), before.nodes.size());
  for (size_t i = 0; i < after.nodes.size(); ++i) {
    EXPECT_EQ(after.nodes[i].name, before.nodes[i].name);
    EXPECT_EQ(after.nodes[i].info.confidentiality, before.nodes[i].info.confidentiality);
    EXPECT_EQ(after.nodes[i].info.party, before.nodes[i].info.party);
  }
  EXPECT_EQ(after.nodes[1].info.confidentiality, 5);
  EXPECT_TRUE(after.nodes[2].info.party);
  EXPECT_EQ(after.edges.size(), 2u);
}

TEST_F(LineageStoreTest, CheckFindsAnInEdgeWithoutItsEdge) {
  AddDataset("a");
  AddDataset("b");
  ASSERT_TRUE(Edge("a", "datasets/b").ok());
  ExpectCheckOk();
  rocksdb::DB* db = store_->RawDbForTesting();
  ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(),
                         store_->RawColumnFamilyForTesting(
                             static_cast<int>(storage::Cf::kLineageOut)),
                         storage::EdgeOutKey("a", "datasets/b"))
                  .ok());
  absl::StatusOr<storage::CheckReport> report = store_->Check();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems.front().find("lineage/a/datasets/b"), std::string::npos)
      << report->problems.front();
}

TEST_F(LineageStoreTest, ListEdgesPagesEveryEdgeOnce) {
  for (int i = 0; i < 7; ++i) AddDataset(absl::StrCat("n", i));
  for (int i = 1; i < 7; ++i) ASSERT_TRUE(Edge("n0", absl::StrCat("datasets/n", i)).ok());
  ASSERT_TRUE(Edge("n1", "datasets/n0").ok());
  for (const std::string& node : {std::string(), std::string("datasets/n0")}) {
    storage::EdgeQuery query;
    query.node = node;
    query.limit = 2;
    std::set<std::string> seen;
    for (int pages = 0; pages < 20; ++pages) {
      absl::StatusOr<storage::EdgePage> page = store_->ListEdges(query);
      ASSERT_TRUE(page.ok()) << page.status();
      for (const auto& e : page->edges) EXPECT_TRUE(seen.insert(e.name()).second) << e.name();
      if (page->next_cursor.empty()) break;
      query.cursor = page->next_cursor;
    }
    EXPECT_EQ(seen.size(), 7u) << "node '" << node << "'";
  }
}

}  // namespace
}  // namespace catalog::testing
