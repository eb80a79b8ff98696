// CatalogStore::Impl and the helpers its implementation files share
// (catalog_store.cc: datasets, audit, maintenance; lineage_store.cc: parties,
// edges, OpenLineage jobs; terugmelding_store.cc: terugmeldingen). Internal
// to storage/.
#ifndef CATALOG_STORAGE_STORE_IMPL_H_
#define CATALOG_STORAGE_STORE_IMPL_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/util/time_util.h>
#include <rocksdb/db.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/str_cat.h"
#include "storage/audit_chain.h"
#include "storage/catalog_store.h"
#include "storage/column_families.h"
#include "storage/committer.h"
#include "storage/dataset_indexes.h"
#include "storage/key_codec.h"
#include "storage/landscape_facts.h"
#include "storage/lineage_graph.h"
#include "storage/proto/records.pb.h"
#include "storage/rocks_status.h"

namespace catalog::storage {

using catalog::v1::Dataset;
using google::protobuf::util::TimeUtil;

// Number of lock stripes for per-dataset write locks. Writers of different
// datasets collide only when their ids hash to the same stripe.
constexpr size_t kLockStripes = 4096;

inline int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }

inline google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(ToMicros(t));
}

// Parses the value under `it` into `*record`; false when it is corrupt.
template <typename T>
bool ParseValue(const rocksdb::Iterator& it, T* record) {
  return record->ParseFromArray(it.value().data(), static_cast<int>(it.value().size()));
}

// An RAII owner of a RocksDB snapshot.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~ScopedSnapshot() { db_->ReleaseSnapshot(snapshot_); }
  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;

  rocksdb::ReadOptions Options() const {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot_;
    return options;
  }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

// Sorted difference a - b of two sorted vectors.
inline std::vector<std::string> Minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// Appends `bytes` (a serialized message) to the serialized message
// `message` as its field `number`: the bytes protobuf would write with that
// field set (fields are written in number order, so it must be the highest
// set), without copying the field's message into the outer one first.
inline void AppendMessageField(std::string* message, uint32_t number, std::string_view bytes) {
  using google::protobuf::io::CodedOutputStream;
  std::array<uint8_t, 10> header;  // Two varint32s of at most 5 bytes.
  uint8_t* end = CodedOutputStream::WriteVarint32ToArray((number << 3) | 2, header.data());
  end = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(bytes.size()), end);
  message->append(reinterpret_cast<const char*>(header.data()),
                  static_cast<size_t>(end - header.data()));
  message->append(bytes);
}

struct CatalogStore::Impl {
  StoreOptions options;
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // Indexed by Cf.
  std::unique_ptr<Committer> committer;
  std::array<std::shared_mutex, kLockStripes> stripes;
  // Derived: the lineage adjacency (lineage_graph.h).
  LineageGraph graph;
  // Derived: the landscape facts (landscape_facts.h).
  LandscapeFacts facts;
  // Trace and span ids of processing operations being written, so that two
  // calls never write the same operation at once (processing_log_store.cc).
  std::mutex operations_mutex;
  std::unordered_set<std::string> operations_in_flight;  // Guarded by it.

  // First retained change-log revision (change_log_store.cc); mirrors
  // meta/change_log_oldest, read in the snapshot where it matters.
  std::atomic<uint64_t> change_log_oldest{1};

  // meta/change_log_oldest as seen by `read` (1 when absent).
  absl::StatusOr<uint64_t> ReadChangeLogOldest(const rocksdb::ReadOptions& read) const;

  rocksdb::ColumnFamilyHandle* cf(Cf id) const {
    return handles[static_cast<size_t>(id)];
  }

  // Writes the audit entries still gathering in the committer, for readers
  // of the audit trail and the read counters. A failed write is the
  // writers' error; the reader reads what is there.
  void FlushQueued() const {
    if (committer != nullptr) committer->Flush().IgnoreError();
  }


  // Locks the stripes of `ids` in ascending order (no deadlock between
  // batches) and holds them for the lifetime of the returned locks.
  std::vector<std::unique_lock<std::shared_mutex>> LockIds(
      const std::vector<std::string_view>& ids) {
    return LockStripes<std::unique_lock<std::shared_mutex>>(ids);
  }
  // The same, shared: for writes that add records under a dataset without
  // changing it (measurements), which may run side by side and need only
  // that the dataset does not change meanwhile.
  std::vector<std::shared_lock<std::shared_mutex>> LockIdsShared(
      const std::vector<std::string_view>& ids) {
    return LockStripes<std::shared_lock<std::shared_mutex>>(ids);
  }

  template <typename Lock>
  std::vector<Lock> LockStripes(const std::vector<std::string_view>& ids) {
    std::vector<size_t> wanted;
    wanted.reserve(ids.size());
    for (std::string_view id : ids) {
      wanted.push_back(std::hash<std::string_view>{}(id) % kLockStripes);
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    std::vector<Lock> locks;
    locks.reserve(wanted.size());
    for (size_t stripe : wanted) locks.emplace_back(stripes[stripe]);
    return locks;
  }

  // The committed dataset, or nullopt when absent.
  absl::StatusOr<std::optional<Dataset>> ReadCurrent(
      const rocksdb::ReadOptions& read, std::string_view id) const {
    return ReadRecord<Dataset>(read, Cf::kDatasets, DatasetKey(id),
                               absl::StrCat("dataset ", std::string(id)));
  }

  // Adds one dataset change to `batch`: the record (or its deletion), the
  // index entries that differ, the revision-history entry and the change-log
  // entry. `before` is null for a create, `after` null for a delete.
  void AddDatasetChange(rocksdb::WriteBatch* batch, const Dataset* before,
                        const Dataset* after, uint64_t revision,
                        const WriteContext& context) const {
    const Dataset& subject = after != nullptr ? *after : *before;
    const std::string& id = subject.id();
    const std::vector<std::string> old_keys =
        before != nullptr ? DatasetIndexKeys(*before) : std::vector<std::string>();
    const std::vector<std::string> new_keys =
        after != nullptr ? DatasetIndexKeys(*after) : std::vector<std::string>();
    for (const std::string& key : Minus(old_keys, new_keys)) {
      batch->Delete(cf(Cf::kIndexes), key);
    }
    for (const std::string& key : Minus(new_keys, old_keys)) {
      batch->Put(cf(Cf::kIndexes), key, rocksdb::Slice());
    }
    // Serialized once, for the record and its revision-history entry.
    const std::string subject_bytes = subject.SerializeAsString();
    if (after != nullptr) {
      batch->Put(cf(Cf::kDatasets), DatasetKey(id), subject_bytes);
    } else {
      batch->Delete(cf(Cf::kDatasets), DatasetKey(id));
    }

    const ChangeKind kind = before == nullptr  ? CHANGE_KIND_CREATE
                            : after == nullptr ? CHANGE_KIND_DELETE
                                               : CHANGE_KIND_UPDATE;
    DatasetRevisionRecord record;
    record.set_revision(revision);
    record.set_change_time_micros(ToMicros(context.time));
    record.set_kind(kind);
    record.set_principal(context.principal);
    std::string record_bytes = record.SerializeAsString();
    AppendMessageField(&record_bytes, DatasetRevisionRecord::kDatasetFieldNumber,
                       subject_bytes);
    batch->Put(cf(Cf::kDatasetRevisions), DatasetRevisionKey(id, revision), record_bytes);

    AddChangeLog(batch, revision, kind, absl::StrCat("datasets/", id), context);
  }

  // Adds the change-log entry of one change to `batch`.
  void AddChangeLog(rocksdb::WriteBatch* batch, uint64_t revision, ChangeKind kind,
                    const std::string& resource, const WriteContext& context) const {
    ChangeLogEntry entry;
    entry.set_revision(revision);
    entry.set_change_time_micros(ToMicros(context.time));
    entry.set_kind(kind);
    entry.set_resource(resource);
    entry.set_principal(context.principal);
    entry.set_request_id(context.request_id);
    batch->Put(cf(Cf::kChangeLog), ChangeLogKey(revision), entry.SerializeAsString());
  }

  // Adds one edge change: the out-edge record, its in-edge summary and the
  // change-log entry. `before` null for a create, `after` null for a delete.
  void AddEdgeChange(rocksdb::WriteBatch* batch, const catalog::v1::LineageEdge* before,
                     const catalog::v1::LineageEdge* after, uint64_t revision,
                     const WriteContext& context) const;

  // Stamps the bookkeeping fields of a dataset or party about to be
  // written: create time kept from `before` (or now), update time now,
  // revision and etag.
  template <typename Record>
  static void Stamp(Record* record, const Record* before, uint64_t revision,
                    const WriteContext& context) {
    *record->mutable_create_time() =
        before != nullptr ? before->create_time() : ToTimestamp(context.time);
    *record->mutable_update_time() = ToTimestamp(context.time);
    record->set_revision(static_cast<int64_t>(revision));
    record->set_etag(absl::StrCat(revision));
  }

  // A record of type T under `key`, or nullopt when absent.
  template <typename T>
  absl::StatusOr<std::optional<T>> ReadRecord(const rocksdb::ReadOptions& read, Cf family,
                                              const std::string& key,
                                              std::string_view what) const {
    std::string value;
    rocksdb::Status s = db->Get(read, cf(family), key, &value);
    if (s.IsNotFound()) return std::optional<T>();
    if (!s.ok()) return FromRocksStatus(s, absl::StrCat("reading ", std::string(what)));
    T record;
    if (!record.ParseFromString(value)) {
      return absl::DataLossError(absl::StrCat(std::string(what), " record is corrupt"));
    }
    return std::optional<T>(std::move(record));
  }

  // Whether the node ("datasets/{id}" or "parties/{id}") exists.
  absl::StatusOr<bool> NodeExists(const rocksdb::ReadOptions& read,
                                  const std::string& node) const;

  // Fills `graph` from the facts (its datasets; after LoadDatasetFacts) and
  // the column families of record (parties, edges).
  absl::Status RebuildGraph();

  // Fill `facts` on open: the datasets (catalog_store.cc), their latest
  // scores (quality_store.cc; derived from the measurements once when a
  // store has none recorded), their terugmeldingen (terugmelding_store.cc).
  absl::Status LoadDatasetFacts();
  absl::Status LoadLatestScores();
  absl::Status LoadReportFacts();

  // Every edge from or to dataset `id`.
  absl::StatusOr<std::vector<catalog::v1::LineageEdge>> EdgesOf(
      const rocksdb::ReadOptions& read, const std::string& id) const;

  // Quality part of CatalogStore::Check: aggregates against measurements.
  absl::Status CheckMeasurements(const rocksdb::ReadOptions& read,
                                 const std::function<void(std::string)>& problem) const;

  // Lineage part of CatalogStore::Check.
  absl::Status CheckLineage(const rocksdb::ReadOptions& read, CheckReport* report,
                            const std::function<void(std::string)>& problem) const;

  // Terugmelding part of CatalogStore::Check (terugmelding_store.cc): every
  // record has its reporter index entry and change-log entry, every index
  // entry its record.
  absl::Status CheckTerugmeldingen(const rocksdb::ReadOptions& read, CheckReport* report,
                                   const std::function<void(std::string)>& problem) const;

  // Processing-log part of CatalogStore::Check (processing_log_store.cc):
  // every operation has its three index entries, every index entry its
  // operation, and the day counters equal the operations they count.
  absl::Status CheckProcessingLog(const rocksdb::ReadOptions& read, CheckReport* report,
                                  const std::function<void(std::string)>& problem) const;

  // Commits a change built by `build` together with the call's audit entry.
  absl::Status Commit(uint64_t revisions,
                      std::function<void(uint64_t, rocksdb::WriteBatch*)> build,
                      const WriteContext& context) {
    Committer::Request request;
    request.revisions = revisions;
    request.build = std::move(build);
    request.audit = context.audit;
    request.audit_committed = context.audit_committed;
    request.sync = options.sync_writes;
    return committer->Commit(std::move(request));
  }

  absl::Status CheckFormatVersion() {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cf(Cf::kMeta),
                                kMetaFormatVersion, &value);
    if (s.ok()) {
      std::string_view in = value;
      uint32_t version = 0;
      if (!ConsumeUint32(&in, &version) || !in.empty()) {
        return absl::DataLossError("format_version record is corrupt");
      }
      if (version != kFormatVersion) {
        return absl::FailedPreconditionError(absl::StrCat(
            "data directory ", options.path, " has format version ", version,
            "; this catalogd reads format version ", kFormatVersion));
      }
      return absl::OkStatus();
    }
    if (!s.IsNotFound()) return FromRocksStatus(s, "reading format version");
    // A new store: only an empty one may be stamped.
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), cf(Cf::kDatasets)));
    it->SeekToFirst();
    if (it->Valid()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", options.path, " holds data but no format version"));
    }
    std::string encoded;
    AppendUint32(&encoded, kFormatVersion);
    rocksdb::WriteOptions w;
    w.sync = true;
    return FromRocksStatus(db->Put(w, cf(Cf::kMeta), kMetaFormatVersion, encoded),
                           "writing format version");
  }

  // Where the committer resumes: the last change-log revision and the last
  // audit entry.
  absl::StatusOr<Committer::Position> LoadPosition() {
    Committer::Position position;
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), cf(Cf::kChangeLog)));
    it->SeekToLast();
    if (!it->status().ok()) return FromRocksStatus(it->status(), "reading change log");
    if (it->Valid() && !ParseChangeLogKey(it->key().ToStringView(), &position.revision)) {
      return absl::DataLossError("change log key is corrupt");
    }
    // When retention pruned every entry, the revision goes on from the
    // first one not yet written.
    absl::StatusOr<uint64_t> oldest = ReadChangeLogOldest(rocksdb::ReadOptions());
    if (!oldest.ok()) return oldest.status();
    change_log_oldest.store(*oldest);
    position.revision = std::max(position.revision, *oldest - 1);
    it.reset(db->NewIterator(rocksdb::ReadOptions(), cf(Cf::kAudit)));
    it->SeekToLast();
    if (!it->status().ok()) return FromRocksStatus(it->status(), "reading audit trail");
    position.audit_hash = GenesisHash();
    if (it->Valid()) {
      AuditEntry last;
      if (!ParseAuditKey(it->key().ToStringView(), &position.audit_sequence) ||
          !last.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("last audit entry is corrupt");
      }
      position.audit_hash = last.hash();
    }
    return position;
  }

  absl::Status CloseDb() {
    if (db == nullptr) return absl::OkStatus();
    if (committer != nullptr) committer->Stop();
    committer.reset();
    absl::Status result = FromRocksStatus(db->FlushWAL(/*sync=*/true), "syncing WAL");
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      rocksdb::Status s = db->DestroyColumnFamilyHandle(handle);
      if (result.ok() && !s.ok()) result = FromRocksStatus(s, "closing column family");
    }
    handles.clear();
    rocksdb::Status s = db->Close();
    if (result.ok() && !s.ok()) result = FromRocksStatus(s, "closing store");
    delete db;
    db = nullptr;
    return result;
  }
};

// The merge operator of the measurements column family: adds monthly
// aggregate values, keeps the newer latest score (quality_store.cc).
std::shared_ptr<rocksdb::MergeOperator> NewMeasurementsMergeOperator();

// The graph change of a dataset now stored.
inline GraphDelta::DatasetNode GraphNodeOf(const Dataset& d) {
  return {d.id(), static_cast<uint8_t>(d.classification().confidentiality()),
          d.personal_data().contains_personal_data()};
}

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_STORE_IMPL_H_
