#include "storage/catalog_store.h"

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <openssl/rand.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/match.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "storage/audit_chain.h"
#include "storage/column_families.h"
#include "storage/committer.h"
#include "storage/dataset_indexes.h"
#include "storage/key_codec.h"
#include "storage/proto/records.pb.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace catalog::storage {
namespace {

catalog::v1::ChangeKind ToApiKind(ChangeKind kind) {
  switch (kind) {
    case CHANGE_KIND_CREATE:
      return catalog::v1::CHANGE_KIND_CREATE;
    case CHANGE_KIND_UPDATE:
      return catalog::v1::CHANGE_KIND_UPDATE;
    case CHANGE_KIND_DELETE:
      return catalog::v1::CHANGE_KIND_DELETE;
    default:
      return catalog::v1::CHANGE_KIND_UNSPECIFIED;
  }
}

}  // namespace


CatalogStore::CatalogStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CatalogStore::~CatalogStore() {
  if (impl_ != nullptr) impl_->CloseDb().IgnoreError();
}

absl::StatusOr<std::unique_ptr<CatalogStore>> CatalogStore::Open(
    const StoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;

  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 4;
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 5;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.compression = rocksdb::kLZ4Compression;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const ColumnFamilySpec& spec : kColumnFamilies) {
    rocksdb::ColumnFamilyOptions options = cf_options;
    // Monthly quality aggregates are counters and latest scores keep the
    // newer: merged, never read first.
    if (spec.id == Cf::kMeasurements) {
      options.merge_operator = NewMeasurementsMergeOperator();
      // Fold an aggregate's merge operands in the memtable once a few have
      // stacked up, so that reading it never applies a month of them.
      options.max_successive_merges = 8;
    }
    // Read counts, and the daily operation counts of the processing log.
    if (spec.id == Cf::kDatasetReads || spec.id == Cf::kProcessing) {
      options.merge_operator = NewCounterMergeOperator();
    }
    // The processing log checks every operation of an export for an earlier
    // copy, nearly always absent: a bloom filter over the memtable answers
    // "absent" without a skiplist search.
    if (spec.id == Cf::kProcessing) {
      options.memtable_prefix_bloom_size_ratio = 0.05;
      options.memtable_whole_key_filtering = true;
    }
    descriptors.emplace_back(std::string(spec.name), options);
  }
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors,
                                        &impl->handles, &impl->db);
  if (!s.ok()) {
    if (s.IsInvalidArgument() && absl::StrContains(s.ToString(), "column famil")) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", options.path,
          " has column families this catalogd does not know (written by a "
          "newer version?): ",
          s.ToString()));
    }
    return FromRocksStatus(s, absl::StrCat("opening ", options.path));
  }
  if (absl::Status st = impl->CheckFormatVersion(); !st.ok()) {
    impl->CloseDb().IgnoreError();
    return st;
  }
  absl::StatusOr<Committer::Position> position = impl->LoadPosition();
  if (!position.ok()) {
    impl->CloseDb().IgnoreError();
    return position.status();
  }
  impl->committer = std::make_unique<Committer>(impl->db, impl->cf(Cf::kAudit),
                                                impl->cf(Cf::kDatasetReads), *position);
  for (absl::Status (Impl::*load)() : {&Impl::LoadDatasetFacts, &Impl::RebuildGraph,
                                         &Impl::LoadLatestScores, &Impl::LoadReportFacts}) {
    if (absl::Status st = (impl.get()->*load)(); !st.ok()) {
      impl->CloseDb().IgnoreError();
      return st;
    }
  }
  return std::unique_ptr<CatalogStore>(new CatalogStore(std::move(impl)));
}

absl::Status CatalogStore::Close() { return impl_->CloseDb(); }

const LandscapeFacts& CatalogStore::facts() const { return impl_->facts; }

absl::StatusOr<std::map<std::string, int64_t>> CatalogStore::DatasetReads(
    const std::string& id, absl::Time since, absl::Time until) const {
  impl_->FlushQueued();
  auto day = [](absl::Time t) {
    return static_cast<uint32_t>(std::max<int64_t>(0, absl::ToUnixSeconds(t) / 86400));
  };
  std::map<std::string, int64_t> reads;
  const std::string prefix = DatasetReadPrefix(id);
  const uint32_t last = day(until);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kDatasetReads)));
  for (it->Seek(DatasetReadKey(id, day(since), "")); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    std::string dataset, principal;
    uint32_t d = 0;
    uint64_t count = 0;
    std::string_view value = it->value().ToStringView();
    if (!ParseDatasetReadKey(it->key().ToStringView(), &dataset, &d, &principal) ||
        !ConsumeUint64(&value, &count) || !value.empty()) {
      return absl::DataLossError("a dataset read counter is corrupt");
    }
    if (d > last) break;
    reads[principal] += static_cast<int64_t>(count);
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading dataset reads");
  return reads;
}

absl::Status CatalogStore::Impl::LoadDatasetFacts() {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf(Cf::kDatasets)));
  Dataset d;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!d.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a dataset record is corrupt");
    }
    facts.PutDataset(d);
  }
  return FromRocksStatus(it->status(), "reading datasets");
}

absl::StatusOr<std::string> CatalogStore::GetOrCreateSecret(const std::string& name,
                                                            size_t size) {
  const std::string key = absl::StrCat(kMetaSecretPrefix, name);
  std::string value;
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), impl_->cf(Cf::kMeta), key, &value);
  if (s.ok()) {
    if (value.size() != size) return absl::DataLossError(absl::StrCat("secret ", name, " is corrupt"));
    return value;
  }
  if (!s.IsNotFound()) return FromRocksStatus(s, "reading a secret");
  value.resize(size);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(value.data()), static_cast<int>(size)) != 1) {
    return absl::InternalError("no random bytes for a secret");
  }
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (absl::Status st = FromRocksStatus(impl_->db->Put(sync, impl_->cf(Cf::kMeta), key, value),
                                        "storing a secret");
      !st.ok()) {
    return st;
  }
  return value;
}

int64_t CatalogStore::LatestRevision() const {
  return static_cast<int64_t>(impl_->committer->last_revision());
}

namespace {

// Whether `proposed` says what `stored` says, bookkeeping fields aside.
bool SameContent(const Dataset& proposed, const Dataset& stored) {
  Dataset probe = proposed;
  *probe.mutable_create_time() = stored.create_time();
  *probe.mutable_update_time() = stored.update_time();
  probe.set_revision(stored.revision());
  probe.set_etag(stored.etag());
  return google::protobuf::util::MessageDifferencer::Equals(probe, stored);
}

}  // namespace

std::vector<DatasetWriteResult> CatalogStore::WriteDatasets(
    std::vector<DatasetWrite> writes, const WriteContext& context) {
  std::vector<DatasetWriteResult> results(writes.size());
  std::vector<std::string_view> ids;
  ids.reserve(writes.size());
  for (const DatasetWrite& w : writes) ids.push_back(w.dataset.id());
  auto locks = impl_->LockIds(ids);

  // Plan under the locks: which writes go ahead, against which state. The
  // revisions are assigned by the committer, in commit order.
  struct Planned {
    size_t result;
    const Dataset* before;  // As committed, or as planned earlier in this batch; null if new.
    Dataset after;
  };
  std::vector<Planned> planned;
  planned.reserve(writes.size());  // Stable: later writes point at earlier ones.
  std::deque<Dataset> committed;   // States read from the store.
  // The latest state of each id looked at: null while absent.
  std::unordered_map<std::string, const Dataset*> latest;
  std::unordered_map<std::string, bool> changed_here;  // Ids written earlier in this batch.
  const rocksdb::ReadOptions read;
  for (size_t i = 0; i < writes.size(); ++i) {
    DatasetWrite& w = writes[i];
    const std::string& id = w.dataset.id();
    auto found = latest.find(id);
    if (found == latest.end()) {
      absl::StatusOr<std::optional<Dataset>> current = impl_->ReadCurrent(read, id);
      if (!current.ok()) {
        results[i].status = current.status();
        continue;
      }
      const Dataset* state = nullptr;
      if (current->has_value()) state = &committed.emplace_back(**std::move(current));
      found = latest.emplace(id, state).first;
    }
    const Dataset* before = found->second;
    if (before != nullptr && w.mode == WriteMode::kCreate) {
      results[i].status = absl::AlreadyExistsError(
          absl::StrCat("dataset ", id, " already exists"));
      continue;
    }
    if (before == nullptr && w.mode == WriteMode::kReplace) {
      results[i].status = api::DatasetNotFoundError(id);
      continue;
    }
    if (w.expected_revision > 0 &&
        (before == nullptr || changed_here[id] || before->revision() != w.expected_revision)) {
      results[i].status = api::StaleRevisionError(
          absl::StrCat("dataset ", id), w.expected_revision,
          before != nullptr && !changed_here[id] ? before->revision() : 0);
      continue;
    }
    if (before != nullptr && !changed_here[id] && SameContent(w.dataset, *before)) {
      results[i].stored = *before;
      results[i].unchanged = true;
      continue;
    }
    Impl::Stamp(&w.dataset, before, 0, context);
    results[i].created = before == nullptr;
    found->second = &planned.emplace_back(Planned{i, before, std::move(w.dataset)}).after;
    changed_here[id] = true;
  }
  // Nothing to change: no write at all, not even the audit entry (the
  // caller audits the call with its real outcome).
  if (planned.empty()) return results;

  const absl::Status committed_status = impl_->Commit(
      planned.size(),
      [&](uint64_t first_revision, rocksdb::WriteBatch* batch) {
        // In order, so that an earlier write of this batch to the same id
        // (a later one's `before`) is stamped before it is used.
        uint64_t revision = first_revision;
        for (Planned& p : planned) {
          p.after.set_revision(static_cast<int64_t>(revision));
          p.after.set_etag(absl::StrCat(revision));
          impl_->AddDatasetChange(batch, p.before, &p.after, revision, context);
          ++revision;
        }
      },
      context);
  if (committed_status.ok()) {
    GraphDelta delta;
    for (const Planned& p : planned) {
      delta.datasets.push_back(GraphNodeOf(p.after));
      impl_->facts.PutDataset(p.after);
    }
    impl_->graph.Apply(delta);
  }
  for (Planned& p : planned) {
    DatasetWriteResult& result = results[p.result];
    if (committed_status.ok()) {
      result.stored = std::move(p.after);
    } else {
      result = DatasetWriteResult{committed_status, Dataset(), false};
    }
  }
  return results;
}

absl::StatusOr<Dataset> CatalogStore::CreateDataset(Dataset dataset,
                                                    const WriteContext& context) {
  std::vector<DatasetWrite> writes(1);
  writes[0] = {std::move(dataset), WriteMode::kCreate, 0};
  DatasetWriteResult result = std::move(WriteDatasets(std::move(writes), context)[0]);
  if (!result.status.ok()) return result.status;
  return std::move(result.stored);
}

absl::StatusOr<Dataset> CatalogStore::ReplaceDataset(Dataset dataset,
                                                     int64_t expected_revision,
                                                     const WriteContext& context) {
  std::vector<DatasetWrite> writes(1);
  writes[0] = {std::move(dataset), WriteMode::kReplace, expected_revision};
  DatasetWriteResult result = std::move(WriteDatasets(std::move(writes), context)[0]);
  if (!result.status.ok()) return result.status;
  return std::move(result.stored);
}

absl::StatusOr<int64_t> CatalogStore::DeleteDataset(const std::string& id,
                                                    int64_t expected_revision,
                                                    const WriteContext& context, bool force) {
  auto locks = impl_->LockIds({id});
  const rocksdb::ReadOptions read;
  absl::StatusOr<std::optional<Dataset>> current = impl_->ReadCurrent(read, id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    return api::DatasetNotFoundError(id);
  }
  const Dataset& before = **current;
  if (expected_revision > 0 && before.revision() != expected_revision) {
    return api::StaleRevisionError(absl::StrCat("dataset ", id), expected_revision,
                                   before.revision());
  }
  // Edge writes lock both endpoints, so holding this dataset's lock keeps
  // its edges as they are read here.
  absl::StatusOr<std::vector<catalog::v1::LineageEdge>> edges = impl_->EdgesOf(read, id);
  if (!edges.ok()) return edges.status();
  if (!edges->empty() && !force) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dataset ", id, " still has ", edges->size(),
        " lineage edge(s); delete them first, or delete with force to remove them too"));
  }
  uint64_t revision = 0;
  absl::Status committed = impl_->Commit(
      1 + edges->size(),
      [&](uint64_t assigned, rocksdb::WriteBatch* batch) {
        revision = assigned;
        impl_->AddDatasetChange(batch, &before, nullptr, revision, context);
        uint64_t edge_revision = revision;
        for (const catalog::v1::LineageEdge& edge : *edges) {
          impl_->AddEdgeChange(batch, &edge, nullptr, ++edge_revision, context);
        }
      },
      context);
  if (!committed.ok()) return committed;
  GraphDelta delta;
  delta.removed_datasets.push_back(id);
  for (const catalog::v1::LineageEdge& edge : *edges) {
    delta.removed_edges.push_back({edge.source(), edge.target()});
    impl_->facts.ApplyEdge(api::IdOf(edge.source()), edge.target(), {.removed = true});
  }
  impl_->facts.RemoveDataset(id);
  impl_->graph.Apply(delta);
  return static_cast<int64_t>(revision);
}

absl::StatusOr<Dataset> CatalogStore::GetDataset(const std::string& id) const {
  absl::StatusOr<std::optional<Dataset>> current =
      impl_->ReadCurrent(rocksdb::ReadOptions(), id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    return api::DatasetNotFoundError(id);
  }
  return **std::move(current);
}

absl::StatusOr<Dataset> CatalogStore::GetDatasetAt(const std::string& id,
                                                   int64_t revision) const {
  const std::string prefix = DatasetRevisionPrefix(id);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kDatasetRevisions)));
  it->SeekForPrev(DatasetRevisionKey(id, static_cast<uint64_t>(revision)));
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading revisions");
  if (it->Valid() && it->key().starts_with(prefix)) {
    DatasetRevisionRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("revision record of ", id, " is corrupt"));
    }
    if (record.kind() != CHANGE_KIND_DELETE) return std::move(*record.mutable_dataset());
  }
  return api::DatasetNotFoundError(id);
}

absl::StatusOr<RevisionPage> CatalogStore::ListRevisions(const std::string& id,
                                                         int64_t before,
                                                         size_t limit) const {
  const std::string prefix = DatasetRevisionPrefix(id);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kDatasetRevisions)));
  const uint64_t start =
      before > 0 ? static_cast<uint64_t>(before) - 1 : std::numeric_limits<uint64_t>::max();
  it->SeekForPrev(DatasetRevisionKey(id, start));
  RevisionPage page;
  for (; it->Valid() && it->key().starts_with(prefix); it->Prev()) {
    if (page.revisions.size() == limit) {
      page.next_before = page.revisions.back().revision();
      break;
    }
    DatasetRevisionRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("revision record of ", id, " is corrupt"));
    }
    catalog::v1::DatasetRevision& out = page.revisions.emplace_back();
    out.set_revision(static_cast<int64_t>(record.revision()));
    *out.mutable_change_time() =
        TimeUtil::MicrosecondsToTimestamp(record.change_time_micros());
    out.set_kind(ToApiKind(record.kind()));
    out.set_principal(record.principal());
    *out.mutable_dataset() = std::move(*record.mutable_dataset());
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading revisions");
  if (page.revisions.empty() && before == 0) {
    return api::DatasetNotFoundError(id);
  }
  return page;
}

absl::StatusOr<DatasetPage> CatalogStore::ListDatasets(const DatasetQuery& query) const {
  // Plan: which key range drives the scan, in which direction.
  Cf driving = Cf::kDatasets;
  std::string lower;
  bool reverse = false;
  bool from_index = false;
  switch (query.order) {
    case catalog::v1::DATASET_ORDER_UPDATE_TIME_DESC:
    case catalog::v1::DATASET_ORDER_UPDATE_TIME_ASC:
      driving = Cf::kIndexes;
      lower = IndexPrefix(static_cast<uint8_t>(DatasetIndex::kRevision));
      reverse = query.order == catalog::v1::DATASET_ORDER_UPDATE_TIME_DESC;
      from_index = true;
      break;
    default:
      lower = BestIndexPrefix(query.filter);
      if (!lower.empty()) {
        driving = Cf::kIndexes;
        from_index = true;
      }
      break;
  }
  const std::string upper = lower.empty() ? std::string() : PrefixSuccessor(lower);
  if (!query.cursor.empty() &&
      (query.cursor < lower || (!upper.empty() && query.cursor >= upper))) {
    return absl::InvalidArgumentError("page_token does not belong to this query");
  }

  ScopedSnapshot snapshot(impl_->db);
  rocksdb::ReadOptions read = snapshot.Options();
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  if (!lower.empty()) read.iterate_lower_bound = &lower_slice;
  if (!upper.empty()) read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read, impl_->cf(driving)));

  const rocksdb::ReadOptions record_read = snapshot.Options();
  auto advance = [&] { reverse ? it->Prev() : it->Next(); };
  if (query.cursor.empty()) {
    reverse ? it->SeekToLast() : it->SeekToFirst();
  } else {
    reverse ? it->SeekForPrev(query.cursor) : it->Seek(query.cursor);
    if (it->Valid() && it->key() == rocksdb::Slice(query.cursor)) advance();
  }

  // A full page looks ahead (within the budget) for one more match, so that
  // the listing ends at the last dataset the caller may see instead of
  // handing out a token that leads to an empty page.
  DatasetPage page;
  size_t scanned = 0;
  std::string last_key;       // Last entry examined.
  std::string last_returned;  // Entry of the last dataset in the page.
  for (; it->Valid(); advance()) {
    if (scanned >= query.scan_budget) {
      page.next_cursor = last_key;
      break;
    }
    ++scanned;
    last_key = it->key().ToString();
    Dataset dataset;
    if (from_index) {
      uint8_t index_id = 0;
      std::string_view value;
      std::string id;
      const auto index = static_cast<DatasetIndex>(static_cast<uint8_t>(last_key[0]));
      if (!ParseIndexKey(last_key, ValueKindOf(index), &index_id, &value, &id)) {
        return absl::DataLossError("index key is corrupt");
      }
      absl::StatusOr<std::optional<Dataset>> record = impl_->ReadCurrent(record_read, id);
      if (!record.ok()) return record.status();
      if (!record->has_value()) {
        return absl::DataLossError(absl::StrCat("index entry for missing dataset ", id));
      }
      dataset = **std::move(record);
    } else if (!dataset.ParseFromArray(it->value().data(),
                                       static_cast<int>(it->value().size()))) {
      return absl::DataLossError("dataset record is corrupt");
    }
    if (!MatchesFilter(query.filter, dataset)) continue;
    if (query.visible && !query.visible(dataset)) continue;
    if (page.datasets.size() >= query.limit) {
      page.next_cursor = last_returned;
      break;
    }
    page.datasets.push_back(std::move(dataset));
    last_returned = last_key;
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "listing datasets");
  return page;
}

absl::StatusOr<CheckReport> CatalogStore::Check() const {
  impl_->FlushQueued();
  CheckReport report;
  ScopedSnapshot snapshot(impl_->db);
  const rocksdb::ReadOptions read = snapshot.Options();
  auto problem = [&](std::string text) {
    if (report.problems.size() < 1000) report.problems.push_back(std::move(text));
  };

  // Entries below the oldest retained revision were pruned (retention):
  // their absence is no problem.
  absl::StatusOr<uint64_t> oldest = impl_->ReadChangeLogOldest(read);
  if (!oldest.ok()) return oldest.status();

  // 1. Every dataset: its index entries exist, its newest revision entry and
  //    its change-log entry (when retained) match it.
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(read, impl_->cf(Cf::kDatasets)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report.datasets;
    std::string key_id;
    Dataset dataset;
    if (!ParseDatasetKey(it->key().ToStringView(), &key_id) ||
        !dataset.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        dataset.id() != key_id) {
      problem(absl::StrCat("dataset record with key ", absl::CHexEscape(it->key().ToString()),
                           " is corrupt or has another id"));
      continue;
    }
    std::string ignored;
    for (const std::string& key : DatasetIndexKeys(dataset)) {
      rocksdb::Status s = impl_->db->Get(read, impl_->cf(Cf::kIndexes), key, &ignored);
      if (!s.ok()) {
        problem(absl::StrCat("dataset ", key_id, ": index entry missing (index ",
                             static_cast<int>(static_cast<uint8_t>(key[0])), ")"));
      }
    }
    absl::StatusOr<RevisionPage> newest = ListRevisions(key_id, 0, 1);
    if (!newest.ok() || newest->revisions.empty() ||
        newest->revisions[0].revision() != dataset.revision() ||
        newest->revisions[0].kind() == catalog::v1::CHANGE_KIND_DELETE) {
      problem(absl::StrCat("dataset ", key_id, ": newest revision entry does not match revision ",
                           dataset.revision()));
    }
    if (static_cast<uint64_t>(dataset.revision()) < *oldest) continue;
    std::string entry_value;
    ChangeLogEntry entry;
    rocksdb::Status s = impl_->db->Get(
        read, impl_->cf(Cf::kChangeLog),
        ChangeLogKey(static_cast<uint64_t>(dataset.revision())), &entry_value);
    if (!s.ok() || !entry.ParseFromString(entry_value) ||
        entry.resource() != absl::StrCat("datasets/", key_id)) {
      problem(absl::StrCat("dataset ", key_id, ": change-log entry for revision ",
                           dataset.revision(), " missing or for another resource"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "checking datasets");

  // 2. Every index entry points at a dataset that has exactly that entry.
  it.reset(impl_->db->NewIterator(read, impl_->cf(Cf::kIndexes)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report.index_entries;
    const std::string key = it->key().ToString();
    const auto index = static_cast<DatasetIndex>(static_cast<uint8_t>(key[0]));
    const bool known = std::find(std::begin(kAllDatasetIndexes), std::end(kAllDatasetIndexes),
                                 index) != std::end(kAllDatasetIndexes);
    uint8_t index_id = 0;
    std::string_view value;
    std::string id;
    if (!known || !ParseIndexKey(key, ValueKindOf(index), &index_id, &value, &id)) {
      problem(absl::StrCat("index entry ", absl::CHexEscape(key), " is malformed"));
      continue;
    }
    absl::StatusOr<std::optional<Dataset>> record = impl_->ReadCurrent(read, id);
    if (!record.ok() || !record->has_value()) {
      problem(absl::StrCat("index ", static_cast<int>(index_id), ": entry for missing dataset ", id));
      continue;
    }
    const std::vector<std::string> expected = DatasetIndexKeys(**record);
    if (!std::binary_search(expected.begin(), expected.end(), key)) {
      problem(absl::StrCat("index ", static_cast<int>(index_id),
                           ": stale entry for dataset ", id));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "checking indexes");

  // 3. Counts, and the change log is not ahead of the revision counter.
  it.reset(impl_->db->NewIterator(read, impl_->cf(Cf::kDatasetRevisions)));
  int64_t retained_revisions = 0;  // Those whose change-log entry is retained.
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report.revisions;
    std::string revision_id;
    uint64_t revision = 0;
    if (ParseDatasetRevisionKey(it->key().ToStringView(), &revision_id, &revision) &&
        revision >= *oldest) {
      ++retained_revisions;
    }
  }
  int64_t dataset_changes = 0;
  it.reset(impl_->db->NewIterator(read, impl_->cf(Cf::kChangeLog)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report.change_log_entries;
    ChangeLogEntry entry;
    if (!entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      problem(absl::StrCat("change-log entry ", absl::CHexEscape(it->key().ToString()),
                           " is corrupt"));
    } else if (absl::StartsWith(entry.resource(), "datasets/") &&
               entry.resource().find('/', 9) == std::string::npos) {
      // A dataset's own change, not one of a record under it (measurements,
      // reports).
      ++dataset_changes;
    }
  }
  if (retained_revisions != dataset_changes) {
    problem(absl::StrCat(retained_revisions, " revision entries but ", dataset_changes,
                         " dataset change-log entries",
                         *oldest > 1 ? absl::StrCat(" (from revision ", *oldest, " on)") : ""));
  }

  // 4. Quality: the monthly aggregates match the measurements.
  if (absl::Status s = impl_->CheckMeasurements(read, problem); !s.ok()) return s;

  // 5. Lineage: every out-edge has its in-edge summary and existing
  //    endpoints, and every in-edge summary its out-edge.
  if (absl::Status s = impl_->CheckLineage(read, &report, problem); !s.ok()) return s;

  // 5b. Terugmeldingen: records and the reporter index agree both ways.
  if (absl::Status s = impl_->CheckTerugmeldingen(read, &report, problem); !s.ok()) return s;

  // 5c. The processing log: records, their indexes and day counters agree.
  if (absl::Status s = impl_->CheckProcessingLog(read, &report, problem); !s.ok()) return s;

  // 6. The audit trail's hash chain.
  absl::StatusOr<AuditVerification> audit = VerifyAuditTrail();
  if (!audit.ok()) return audit.status();
  report.audit_entries = audit->entries;
  if (!audit->ok()) {
    problem(absl::StrCat("audit trail broken at sequence ", audit->first_broken, ": ",
                         audit->problem));
  }
  return report;
}

absl::Status CatalogStore::AppendAudit(AuditEntry entry, bool wait,
                                       std::vector<std::string> read_datasets) {
  Committer::Request request;
  request.audit = std::move(entry);
  request.read_datasets = std::move(read_datasets);
  request.sync = wait && impl_->options.sync_writes;
  if (!wait) {
    impl_->committer->CommitAsync(std::move(request));
    return absl::OkStatus();
  }
  return impl_->committer->Commit(std::move(request));
}

namespace {

bool MatchesAuditQuery(const AuditQuery& q, const AuditEntry& e) {
  if (!q.principal.empty() && e.principal() != q.principal) return false;
  if (q.code >= 0 && e.code() != q.code) return false;
  if (!q.method.empty() && e.method() != q.method &&
      !absl::EndsWith(e.method(), absl::StrCat("/", q.method))) {
    return false;
  }
  if (!q.resource.empty() &&
      std::find(e.resources().begin(), e.resources().end(), q.resource) == e.resources().end()) {
    return false;
  }
  const absl::Time time = absl::FromUnixMicros(e.time_micros());
  return time >= q.from && time < q.to;
}

}  // namespace

absl::StatusOr<AuditPage> CatalogStore::ListAudit(const AuditQuery& query) const {
  impl_->FlushQueued();
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kAudit)));
  if (query.after_sequence == 0) {
    query.descending ? it->SeekToLast() : it->SeekToFirst();
  } else if (query.descending) {
    it->SeekForPrev(AuditKey(query.after_sequence - 1));
  } else {
    it->Seek(AuditKey(query.after_sequence + 1));
  }
  AuditPage page;
  size_t scanned = 0;
  for (; it->Valid(); query.descending ? it->Prev() : it->Next()) {
    uint64_t sequence = 0;
    if (!ParseAuditKey(it->key().ToStringView(), &sequence)) {
      return absl::DataLossError("audit key is corrupt");
    }
    if (!query.descending && query.up_to_sequence > 0 && sequence > query.up_to_sequence) break;
    if (page.entries.size() >= query.limit || scanned >= query.scan_budget) {
      page.next_after = page.entries.empty() || scanned >= query.scan_budget
                            ? (query.descending ? sequence + 1 : sequence - 1)
                            : page.entries.back().sequence();
      break;
    }
    ++scanned;
    AuditEntry entry;
    if (!entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("audit entry ", sequence, " is corrupt"));
    }
    if (MatchesAuditQuery(query, entry)) page.entries.push_back(std::move(entry));
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading audit trail");
  return page;
}

absl::StatusOr<AuditEntry> CatalogStore::GetAuditEntry(uint64_t sequence) const {
  impl_->FlushQueued();
  std::string value;
  const rocksdb::Status s =
      impl_->db->Get(rocksdb::ReadOptions(), impl_->cf(Cf::kAudit), AuditKey(sequence), &value);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("audit entry ", sequence));
  if (!s.ok()) return FromRocksStatus(s, "reading audit trail");
  AuditEntry entry;
  if (!entry.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("audit entry ", sequence, " is corrupt"));
  }
  return entry;
}

uint64_t CatalogStore::LatestAuditSequence() const {
  impl_->FlushQueued();
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kAudit)));
  it->SeekToLast();
  uint64_t sequence = 0;
  if (it->Valid() && ParseAuditKey(it->key().ToStringView(), &sequence)) return sequence;
  return 0;
}

absl::StatusOr<AuditVerification> CatalogStore::VerifyAuditTrail() const {
  impl_->FlushQueued();
  AuditVerification result;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kAudit)));
  std::string prev_hash = GenesisHash();
  uint64_t expected = 1;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    ++result.entries;
    uint64_t sequence = 0;
    AuditEntry entry;
    if (!ParseAuditKey(it->key().ToStringView(), &sequence)) {
      result.first_broken = expected;
      result.problem = "malformed key";
      return result;
    }
    if (sequence != expected) {
      result.first_broken = expected;
      result.problem = absl::StrCat("entry missing (next present is ", sequence, ")");
      return result;
    }
    if (!entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        entry.sequence() != sequence) {
      result.first_broken = sequence;
      result.problem = "entry is corrupt";
      return result;
    }
    if (entry.prev_hash() != prev_hash) {
      result.first_broken = sequence;
      result.problem = "does not chain to the entry before it";
      return result;
    }
    if (AuditEntryHash(prev_hash, entry) != entry.hash()) {
      result.first_broken = sequence;
      result.problem = "content does not match its hash (altered)";
      return result;
    }
    prev_hash = entry.hash();
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading audit trail");
  return result;
}

rocksdb::DB* CatalogStore::RawDbForTesting() const { return impl_->db; }

uint64_t CatalogStore::CommitGroupsForTesting() const { return impl_->committer->groups(); }

rocksdb::ColumnFamilyHandle* CatalogStore::RawColumnFamilyForTesting(int cf) const {
  return impl_->handles.at(static_cast<size_t>(cf));
}

}  // namespace catalog::storage
