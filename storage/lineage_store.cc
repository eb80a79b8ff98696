// CatalogStore: external parties, lineage edges and OpenLineage job records
// (the dataset half is in catalog_store.cc). Edge writes lock both
// endpoints, so a dataset or party delete, holding its own lock, sees every
// edge that touches it.
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "storage/store_impl.h"

namespace catalog::storage {
namespace {

using catalog::v1::ExternalParty;
using catalog::v1::LineageEdge;

constexpr char kDatasetPrefix[] = "datasets/";
constexpr char kPartyPrefix[] = "parties/";

// The lock stripe key of a node: a dataset locks under its id (as dataset
// writes do), a party under its resource name.
std::string LockKeyOf(const std::string& node) {
  return absl::StartsWith(node, kDatasetPrefix) ? api::IdOf(node) : node;
}

std::string EdgeName(const std::string& source, const std::string& target) {
  return absl::StrCat("lineage/", api::IdOf(source), "/", target);
}

absl::Status EdgeNotFound(const std::string& source, const std::string& target) {
  return absl::NotFoundError(absl::StrCat("edge ", EdgeName(source, target), " not found"));
}

absl::Status PartyNotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("party ", id, " not found"));
}

// A delivery without a purpose or a legal basis (a landscape finding when
// its source holds personal data).
bool UndocumentedDelivery(const LineageEdge& e) {
  return e.relation() == catalog::v1::LINEAGE_RELATION_DELIVERY &&
         (e.purpose().empty() || e.legal_basis() == catalog::v1::LEGAL_BASIS_UNSPECIFIED);
}

std::string EdgeSummaryOf(const LineageEdge& e) {
  return EdgeSummaryValue(static_cast<uint8_t>(e.relation()), e.column_mappings_size() > 0,
                          UndocumentedDelivery(e));
}

GraphDelta::Edge GraphEdgeOf(const LineageEdge& e) {
  return {e.source(), e.target(), static_cast<uint8_t>(e.relation()),
          e.column_mappings_size() > 0};
}

}  // namespace

// ---- Impl helpers ----

void CatalogStore::Impl::AddEdgeChange(rocksdb::WriteBatch* batch, const LineageEdge* before,
                                       const LineageEdge* after, uint64_t revision,
                                       const WriteContext& context) const {
  const LineageEdge& subject = after != nullptr ? *after : *before;
  const std::string source_id = api::IdOf(subject.source());
  const std::string out_key = EdgeOutKey(source_id, subject.target());
  const std::string in_key = EdgeInKey(subject.target(), source_id);
  if (after != nullptr) {
    batch->Put(cf(Cf::kLineageOut), out_key, after->SerializeAsString());
    batch->Put(cf(Cf::kLineageIn), in_key, EdgeSummaryOf(*after));
  } else {
    batch->Delete(cf(Cf::kLineageOut), out_key);
    batch->Delete(cf(Cf::kLineageIn), in_key);
  }
  const ChangeKind kind = before == nullptr  ? CHANGE_KIND_CREATE
                          : after == nullptr ? CHANGE_KIND_DELETE
                                             : CHANGE_KIND_UPDATE;
  AddChangeLog(batch, revision, kind, EdgeName(subject.source(), subject.target()), context);
}

absl::StatusOr<bool> CatalogStore::Impl::NodeExists(const rocksdb::ReadOptions& read,
                                                    const std::string& node) const {
  if (absl::StartsWith(node, kDatasetPrefix)) {
    absl::StatusOr<std::optional<Dataset>> d = ReadCurrent(read, api::IdOf(node));
    if (!d.ok()) return d.status();
    return d->has_value();
  }
  if (absl::StartsWith(node, kPartyPrefix)) {
    absl::StatusOr<std::optional<ExternalParty>> p =
        ReadRecord<ExternalParty>(read, Cf::kParties, PartyKey(api::IdOf(node)), "party");
    if (!p.ok()) return p.status();
    return p->has_value();
  }
  return absl::InvalidArgumentError(absl::StrCat("not a lineage node: ", node));
}

absl::StatusOr<std::vector<LineageEdge>> CatalogStore::Impl::EdgesOf(
    const rocksdb::ReadOptions& read, const std::string& id) const {
  std::vector<LineageEdge> edges;
  const std::string out_prefix = EdgeOutPrefix(id);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf(Cf::kLineageOut)));
  for (it->Seek(out_prefix); it->Valid() && it->key().starts_with(out_prefix); it->Next()) {
    if (!ParseValue(*it, &edges.emplace_back())) {
      return absl::DataLossError(absl::StrCat("an edge record of ", id, " is corrupt"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading edges");
  const std::string node = absl::StrCat(kDatasetPrefix, id);
  const std::string in_prefix = EdgeInPrefix(node);
  it.reset(db->NewIterator(read, cf(Cf::kLineageIn)));
  for (it->Seek(in_prefix); it->Valid() && it->key().starts_with(in_prefix); it->Next()) {
    std::string target, source_id;
    if (!ParseEdgeInKey(it->key().ToStringView(), &target, &source_id)) {
      return absl::DataLossError("an in-edge key is corrupt");
    }
    if (source_id == id) continue;  // A self-edge, listed above.
    absl::StatusOr<std::optional<LineageEdge>> edge = ReadRecord<LineageEdge>(
        read, Cf::kLineageOut, EdgeOutKey(source_id, node), "edge");
    if (!edge.ok()) return edge.status();
    if (!edge->has_value()) {
      return absl::DataLossError(absl::StrCat("in-edge from ", source_id, " to ", node,
                                              " has no out-edge record"));
    }
    edges.push_back(**std::move(edge));
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading edges");
  return edges;
}

absl::Status CatalogStore::Impl::RebuildGraph() {
  const rocksdb::ReadOptions read;
  // Datasets: confidentiality and personal data from the facts, loaded
  // from the records just before (LoadDatasetFacts).
  GraphDelta nodes;
  facts.ForEach([&](const DatasetFacts& f) {
    nodes.datasets.push_back({f.id, f.confidentiality, f.personal_data});
  });
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf(Cf::kParties)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string id;
    if (!ParsePartyKey(it->key().ToStringView(), &id)) {
      return absl::DataLossError("a party key is corrupt");
    }
    nodes.parties.push_back(std::move(id));
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading parties");
  graph.Apply(nodes);
  nodes = GraphDelta();

  // Edges from the small in-edge summaries, in chunks to bound memory.
  constexpr size_t kChunk = 100000;
  GraphDelta edges;
  it.reset(db->NewIterator(read, cf(Cf::kLineageIn)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    GraphDelta::Edge edge;
    std::string source_id;
    bool undocumented = false;
    if (!ParseEdgeInKey(it->key().ToStringView(), &edge.target, &source_id) ||
        !ParseEdgeSummaryValue(it->value().ToStringView(), &edge.relation, &edge.mapped,
                               &undocumented)) {
      return absl::DataLossError("an in-edge entry is corrupt (run catalogd check)");
    }
    facts.ApplyEdge(source_id, edge.target, {.added = true, .undocumented = undocumented});
    edge.source = absl::StrCat(kDatasetPrefix, source_id);
    edges.edges.push_back(std::move(edge));
    if (edges.edges.size() == kChunk) {
      graph.Apply(edges);
      edges.edges.clear();
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading edges");
  graph.Apply(edges);
  return absl::OkStatus();
}

absl::Status CatalogStore::Impl::CheckLineage(
    const rocksdb::ReadOptions& read, CheckReport* report,
    const std::function<void(std::string)>& problem) const {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf(Cf::kLineageOut)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report->edges;
    std::string source_id, target;
    LineageEdge edge;
    if (!ParseEdgeOutKey(it->key().ToStringView(), &source_id, &target) ||
        !ParseValue(*it, &edge) || edge.source() != absl::StrCat(kDatasetPrefix, source_id) ||
        edge.target() != target) {
      problem(absl::StrCat("edge record ", absl::CHexEscape(it->key().ToString()),
                           " is corrupt or names other endpoints"));
      continue;
    }
    const std::string name = EdgeName(edge.source(), target);
    std::string summary;
    rocksdb::Status s = db->Get(read, cf(Cf::kLineageIn), EdgeInKey(target, source_id), &summary);
    if (!s.ok() || summary != EdgeSummaryOf(edge)) {
      problem(absl::StrCat(name, ": in-edge entry missing or different"));
    }
    for (const std::string& node : {edge.source(), target}) {
      absl::StatusOr<bool> exists = NodeExists(read, node);
      if (!exists.ok()) return exists.status();
      if (!*exists) problem(absl::StrCat(name, ": endpoint ", node, " does not exist"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "checking edges");
  it.reset(db->NewIterator(read, cf(Cf::kLineageIn)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string target, source_id, ignored;
    if (!ParseEdgeInKey(it->key().ToStringView(), &target, &source_id)) {
      problem(absl::StrCat("in-edge key ", absl::CHexEscape(it->key().ToString()), " is corrupt"));
      continue;
    }
    if (!db->Get(read, cf(Cf::kLineageOut), EdgeOutKey(source_id, target), &ignored).ok()) {
      problem(absl::StrCat(EdgeName(source_id, target), ": in-edge entry without edge record"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "checking edges");
  return absl::OkStatus();
}

// ---- External parties ----

absl::StatusOr<ExternalParty> CatalogStore::CreateParty(ExternalParty party,
                                                        const WriteContext& context) {
  const std::string node = absl::StrCat(kPartyPrefix, party.id());
  auto locks = impl_->LockIds({node});
  const rocksdb::ReadOptions read;
  absl::StatusOr<std::optional<ExternalParty>> current =
      impl_->ReadRecord<ExternalParty>(read, Cf::kParties, PartyKey(party.id()), "party");
  if (!current.ok()) return current.status();
  if (current->has_value()) {
    return absl::AlreadyExistsError(absl::StrCat("party ", party.id(), " already exists"));
  }
  absl::Status committed = impl_->Commit(
      1,
      [&](uint64_t revision, rocksdb::WriteBatch* batch) {
        Impl::Stamp(&party, static_cast<const ExternalParty*>(nullptr), revision, context);
        batch->Put(impl_->cf(Cf::kParties), PartyKey(party.id()), party.SerializeAsString());
        impl_->AddChangeLog(batch, revision, CHANGE_KIND_CREATE, node, context);
      },
      context);
  if (!committed.ok()) return committed;
  GraphDelta delta;
  delta.parties.push_back(party.id());
  impl_->graph.Apply(delta);
  return party;
}

absl::StatusOr<int64_t> CatalogStore::DeleteParty(const std::string& id,
                                                  int64_t expected_revision,
                                                  const WriteContext& context) {
  const std::string node = absl::StrCat(kPartyPrefix, id);
  auto locks = impl_->LockIds({node});
  const rocksdb::ReadOptions read;
  absl::StatusOr<std::optional<ExternalParty>> current =
      impl_->ReadRecord<ExternalParty>(read, Cf::kParties, PartyKey(id), "party");
  if (!current.ok()) return current.status();
  if (!current->has_value()) return PartyNotFound(id);
  if (expected_revision > 0 && (*current)->revision() != expected_revision) {
    return api::StaleRevisionError(absl::StrCat("party ", id), expected_revision, (*current)->revision());
  }
  const std::string in_prefix = EdgeInPrefix(node);
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read, impl_->cf(Cf::kLineageIn)));
  it->Seek(in_prefix);
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading edges");
  if (it->Valid() && it->key().starts_with(in_prefix)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "party ", id, " still receives deliveries; delete those edges first"));
  }
  uint64_t revision = 0;
  absl::Status committed = impl_->Commit(
      1,
      [&](uint64_t assigned, rocksdb::WriteBatch* batch) {
        revision = assigned;
        batch->Delete(impl_->cf(Cf::kParties), PartyKey(id));
        impl_->AddChangeLog(batch, revision, CHANGE_KIND_DELETE, node, context);
      },
      context);
  if (!committed.ok()) return committed;
  GraphDelta delta;
  delta.removed_parties.push_back(id);
  impl_->graph.Apply(delta);
  return static_cast<int64_t>(revision);
}

absl::StatusOr<ExternalParty> CatalogStore::GetParty(const std::string& id) const {
  absl::StatusOr<std::optional<ExternalParty>> party = impl_->ReadRecord<ExternalParty>(
      rocksdb::ReadOptions(), Cf::kParties, PartyKey(id), "party");
  if (!party.ok()) return party.status();
  if (!party->has_value()) return PartyNotFound(id);
  return **std::move(party);
}

absl::StatusOr<std::vector<ExternalParty>> CatalogStore::ListParties(const std::string& after_id,
                                                                    size_t limit) const {
  std::vector<ExternalParty> parties;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kParties)));
  const std::string after = PartyKey(after_id);
  for (after_id.empty() ? it->SeekToFirst() : it->Seek(after); it->Valid(); it->Next()) {
    if (it->key() == after) continue;
    if (parties.size() == limit) break;
    if (!ParseValue(*it, &parties.emplace_back())) {
      return absl::DataLossError("a party record is corrupt");
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "listing parties");
  return parties;
}

// ---- Lineage ----

absl::StatusOr<LineageWriteResult> CatalogStore::WriteLineage(LineageWrite write,
                                                              const WriteContext& context) {
  std::vector<std::string> lock_keys;
  for (const Dataset& d : write.create_datasets) lock_keys.push_back(d.id());
  for (const EdgeWrite& w : write.edges) {
    lock_keys.push_back(api::IdOf(w.edge.source()));
    lock_keys.push_back(LockKeyOf(w.edge.target()));
  }
  auto locks = impl_->LockIds({lock_keys.begin(), lock_keys.end()});
  const rocksdb::ReadOptions read;

  std::set<std::string> created;  // Nodes created by this write.
  for (Dataset& d : write.create_datasets) {
    absl::StatusOr<std::optional<Dataset>> current = impl_->ReadCurrent(read, d.id());
    if (!current.ok()) return current.status();
    if (current->has_value() || !created.insert(absl::StrCat(kDatasetPrefix, d.id())).second) {
      return absl::AlreadyExistsError(absl::StrCat("dataset ", d.id(), " already exists"));
    }
    Impl::Stamp(&d, static_cast<const Dataset*>(nullptr), 0, context);
  }
  auto exists = [&](const std::string& node) -> absl::Status {
    if (created.contains(node)) return absl::OkStatus();
    absl::StatusOr<bool> found = impl_->NodeExists(read, node);
    if (!found.ok()) return found.status();
    if (*found) return absl::OkStatus();
    return absl::StartsWith(node, kPartyPrefix) ? PartyNotFound(api::IdOf(node))
                                                : api::DatasetNotFoundError(api::IdOf(node));
  };
  std::vector<std::optional<LineageEdge>> before(write.edges.size());
  std::set<std::string> seen;
  for (size_t i = 0; i < write.edges.size(); ++i) {
    EdgeWrite& w = write.edges[i];
    LineageEdge& edge = w.edge;
    const std::string key = EdgeOutKey(api::IdOf(edge.source()), edge.target());
    if (!seen.insert(key).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "edge ", EdgeName(edge.source(), edge.target()), " is written twice in one change"));
    }
    for (const std::string& node : {edge.source(), edge.target()}) {
      if (absl::Status s = exists(node); !s.ok()) return s;
    }
    absl::StatusOr<std::optional<LineageEdge>> current =
        impl_->ReadRecord<LineageEdge>(read, Cf::kLineageOut, key, "edge");
    if (!current.ok()) return current.status();
    before[i] = *std::move(current);
    if (before[i].has_value() && w.mode == WriteMode::kCreate) {
      return absl::AlreadyExistsError(absl::StrCat(
          "edge ", EdgeName(edge.source(), edge.target()), " already exists"));
    }
    if (!before[i].has_value() && w.mode == WriteMode::kReplace) {
      return EdgeNotFound(edge.source(), edge.target());
    }
    if (w.expected_revision > 0 &&
        (!before[i].has_value() || before[i]->revision() != w.expected_revision)) {
      return api::StaleRevisionError(absl::StrCat("edge ", EdgeName(edge.source(), edge.target())),
                        w.expected_revision, before[i].has_value() ? before[i]->revision() : 0);
    }
    edge.set_name(EdgeName(edge.source(), edge.target()));
  }

  const absl::Status committed = impl_->Commit(
      write.create_datasets.size() + write.edges.size(),
      [&](uint64_t revision, rocksdb::WriteBatch* batch) {
        for (Dataset& d : write.create_datasets) {
          d.set_revision(static_cast<int64_t>(revision));
          d.set_etag(absl::StrCat(revision));
          impl_->AddDatasetChange(batch, nullptr, &d, revision++, context);
        }
        for (size_t i = 0; i < write.edges.size(); ++i) {
          LineageEdge& edge = write.edges[i].edge;
          const LineageEdge* old = before[i].has_value() ? &*before[i] : nullptr;
          Impl::Stamp(&edge, old, revision, context);
          impl_->AddEdgeChange(batch, old, &edge, revision++, context);
        }
        for (const OpenLineageJob& job : write.jobs) {
          batch->Put(impl_->cf(Cf::kOpenLineageJobs), OpenLineageJobKey(job.namespace_(), job.name()),
                     job.SerializeAsString());
        }
      },
      context);
  if (!committed.ok()) return committed;

  LineageWriteResult result;
  GraphDelta delta;
  for (Dataset& d : write.create_datasets) {
    delta.datasets.push_back(GraphNodeOf(d));
    impl_->facts.PutDataset(d);
    result.datasets.push_back(std::move(d));
  }
  for (size_t i = 0; i < write.edges.size(); ++i) {
    EdgeWrite& w = write.edges[i];
    delta.edges.push_back(GraphEdgeOf(w.edge));
    impl_->facts.ApplyEdge(
        api::IdOf(w.edge.source()), w.edge.target(),
        {.added = !before[i].has_value(), .undocumented = UndocumentedDelivery(w.edge)});
    result.edges.push_back(std::move(w.edge));
  }
  impl_->graph.Apply(delta);
  return result;
}

absl::StatusOr<int64_t> CatalogStore::DeleteEdge(const std::string& source,
                                                 const std::string& target,
                                                 int64_t expected_revision,
                                                 const WriteContext& context) {
  auto locks = impl_->LockIds({api::IdOf(source), LockKeyOf(target)});
  absl::StatusOr<LineageEdge> current = GetEdge(source, target);
  if (!current.ok()) return current.status();
  if (expected_revision > 0 && current->revision() != expected_revision) {
    return api::StaleRevisionError(absl::StrCat("edge ", current->name()), expected_revision,
                      current->revision());
  }
  uint64_t revision = 0;
  absl::Status committed = impl_->Commit(
      1,
      [&](uint64_t assigned, rocksdb::WriteBatch* batch) {
        revision = assigned;
        impl_->AddEdgeChange(batch, &*current, nullptr, revision, context);
      },
      context);
  if (!committed.ok()) return committed;
  GraphDelta delta;
  delta.removed_edges.push_back(GraphEdgeOf(*current));
  impl_->facts.ApplyEdge(api::IdOf(source), target, {.removed = true});
  impl_->graph.Apply(delta);
  return static_cast<int64_t>(revision);
}

absl::StatusOr<LineageEdge> CatalogStore::GetEdge(const std::string& source,
                                                  const std::string& target) const {
  absl::StatusOr<std::optional<LineageEdge>> edge = impl_->ReadRecord<LineageEdge>(
      rocksdb::ReadOptions(), Cf::kLineageOut, EdgeOutKey(api::IdOf(source), target), "edge");
  if (!edge.ok()) return edge.status();
  if (!edge->has_value()) return EdgeNotFound(source, target);
  return **std::move(edge);
}

absl::StatusOr<EdgePage> CatalogStore::ListEdges(const EdgeQuery& query) const {
  // The cursor is "o" or "i" (which column family) and the last key seen.
  ScopedSnapshot snapshot(impl_->db);
  const rocksdb::ReadOptions read = snapshot.Options();
  char phase = query.node.empty() || query.out ? 'o' : 'i';
  std::string after;
  if (!query.cursor.empty()) {
    if (query.cursor[0] != 'o' && query.cursor[0] != 'i') {
      return absl::InvalidArgumentError("page_token: not a token of this listing");
    }
    phase = query.cursor[0];
    after = query.cursor.substr(1);
  }
  EdgePage page;
  size_t scanned = 0;
  for (; phase != 0; phase = phase == 'o' && query.in && !query.node.empty() ? 'i' : 0) {
    const bool out = phase == 'o';
    std::string prefix;
    if (!query.node.empty()) {
      prefix = out ? EdgeOutPrefix(api::IdOf(query.node)) : EdgeInPrefix(query.node);
      if (out && !absl::StartsWith(query.node, kDatasetPrefix)) continue;  // Parties send nothing.
    }
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(read, impl_->cf(out ? Cf::kLineageOut : Cf::kLineageIn)));
    it->Seek(after.empty() ? prefix : after);
    if (it->Valid() && !after.empty() && it->key() == after) it->Next();
    // The last key examined in this phase: where the next page resumes
    // (empty: at the start of the phase).
    std::string last = std::move(after);
    after.clear();
    for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (page.edges.size() == query.limit || scanned == query.scan_budget) {
        page.next_cursor = absl::StrCat(std::string(1, phase), last);
        return page;
      }
      ++scanned;
      last = it->key().ToString();
      LineageEdge edge;
      if (out) {
        if (!ParseValue(*it, &edge)) return absl::DataLossError("an edge record is corrupt");
      } else {
        std::string target, source_id;
        if (!ParseEdgeInKey(it->key().ToStringView(), &target, &source_id)) {
          return absl::DataLossError("an in-edge key is corrupt");
        }
        if (source_id == api::IdOf(query.node) && query.out) continue;  // Self-edge, listed as out.
        absl::StatusOr<std::optional<LineageEdge>> record = impl_->ReadRecord<LineageEdge>(
            read, Cf::kLineageOut, EdgeOutKey(source_id, target), "edge");
        if (!record.ok()) return record.status();
        if (!record->has_value()) continue;
        edge = **std::move(record);
      }
      if (!query.visible || query.visible(edge)) page.edges.push_back(std::move(edge));
    }
    if (!it->status().ok()) return FromRocksStatus(it->status(), "listing edges");
  }
  return page;
}

const LineageGraph& CatalogStore::graph() const { return impl_->graph; }

absl::StatusOr<std::optional<OpenLineageJob>> CatalogStore::GetOpenLineageJob(
    const std::string& ns, const std::string& name) const {
  return impl_->ReadRecord<OpenLineageJob>(rocksdb::ReadOptions(), Cf::kOpenLineageJobs,
                                           OpenLineageJobKey(ns, name), "OpenLineage job");
}

absl::StatusOr<std::vector<std::string>> CatalogStore::FindByOpenLineageName(
    const std::string& ns, const std::string& name) const {
  const auto index = static_cast<uint8_t>(DatasetIndex::kOpenLineageName);
  const std::string prefix = IndexValuePrefix(index, OpenLineageIndexValue(ns, name));
  std::vector<std::string> ids;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kIndexes)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    uint8_t index_id = 0;
    std::string_view value;
    std::string id;
    if (!ParseIndexKey(it->key().ToStringView(), IndexValueKind::kString, &index_id, &value,
                       &id)) {
      return absl::DataLossError("an OpenLineage index entry is corrupt");
    }
    ids.push_back(std::move(id));
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading the OpenLineage index");
  return ids;
}

}  // namespace catalog::storage
