// CatalogStore: the catalogue's records in an embedded RocksDB.
//
// Every mutation is one atomic, synced WriteBatch holding the record, its
// revision-history entry, its secondary-index changes, its change-log entry
// with the global revision and the audit entry of the call. A write returns
// only once it is durable. Concurrent writers to different datasets never
// wait for each other here: they take per-dataset lock stripes and meet in
// the Committer (committer.h), which commits them with a single WAL sync per
// group, in the order their revisions and audit sequence numbers were
// handed out.
//
// Reads see a consistent snapshot. Everything is thread-safe: a CatalogStore
// may be used from any number of threads without external synchronization.
//
// Errors are absl::Status with canonical codes: NOT_FOUND (no such dataset or
// revision), ALREADY_EXISTS (create of an existing id), ABORTED (expected
// revision does not match), FAILED_PRECONDITION (data directory of another
// format version), INTERNAL / DATA_LOSS / UNAVAILABLE from RocksDB.
#ifndef CATALOG_STORAGE_CATALOG_STORE_H_
#define CATALOG_STORAGE_CATALOG_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog/v1/catalog_service.pb.h"
#include "catalog/v1/dataset.pb.h"
#include "catalog/v1/accountability_service.pb.h"
#include "catalog/v1/processing_service.pb.h"
#include "catalog/v1/lineage.pb.h"
#include "catalog/v1/quality.pb.h"
#include "storage/landscape_facts.h"
#include "storage/lineage_graph.h"
#include "storage/proto/records.pb.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace catalog::storage {

struct StoreOptions {
  // Data directory; created when missing.
  std::string path;
  // Sync the WAL before acknowledging a write. Only tests and benchmarks of
  // the non-durable case turn this off.
  bool sync_writes = true;
  // Shared block cache for all column families.
  size_t block_cache_bytes = 256 << 20;
};

// Who makes a change, and when. Recorded with every revision and change-log
// entry.
struct WriteContext {
  std::string principal;
  std::string request_id;
  absl::Time time = absl::Now();
  // The audit entry of the call, committed in the same write as the change
  // (its sequence and hashes are set by the store). None: not audited here.
  std::optional<AuditEntry> audit;
  // Called once `audit` is committed with the change (on the committer's
  // thread, before the write returns), so that the caller knows it need not
  // append the entry again. Optional.
  std::function<void()> audit_committed;
};

// How a dataset write treats an existing dataset of the same id.
enum class WriteMode {
  kCreate,   // ALREADY_EXISTS if it exists.
  kReplace,  // NOT_FOUND if it does not exist.
  kUpsert,   // Either.
};

struct DatasetWrite {
  // The full new state; bookkeeping fields are set by the store.
  catalog::v1::Dataset dataset;
  WriteMode mode = WriteMode::kUpsert;
  // When > 0, the write fails with ABORTED unless the current revision of the
  // dataset equals this.
  int64_t expected_revision = 0;
};

struct DatasetWriteResult {
  absl::Status status;
  // The stored dataset, when status is OK.
  catalog::v1::Dataset stored;
  // Whether the dataset did not exist before.
  bool created = false;
  // Whether the write equals the stored dataset (bookkeeping fields aside):
  // nothing was written, and `stored` is the dataset as it is.
  bool unchanged = false;
};

// Which datasets a caller may see. Applied on every read path that returns
// more than one dataset, so that hidden datasets are skipped rather than
// counted. Must be thread-safe.
using VisibilityFn = std::function<bool(const catalog::v1::Dataset&)>;

struct DatasetQuery {
  catalog::v1::DatasetFilter filter;
  catalog::v1::DatasetOrder order = catalog::v1::DATASET_ORDER_ID;
  // Maximum datasets to return.
  size_t limit = 100;
  // Maximum records to examine in this call; the page ends early (with a
  // cursor) when reached, so no listing can take the server down.
  size_t scan_budget = 20000;
  // Resume after this position: the `next_cursor` of the previous page.
  std::string cursor;
  // Optional: datasets for which it returns false are skipped.
  VisibilityFn visible;
};

struct DatasetPage {
  std::vector<catalog::v1::Dataset> datasets;
  // Opaque position to resume from; empty at the end.
  std::string next_cursor;
};

struct RevisionPage {
  std::vector<catalog::v1::DatasetRevision> revisions;
  // Revision to resume below (exclusive); 0 at the end.
  int64_t next_before = 0;
};

// Which audit entries to list. Empty fields match everything.
struct AuditQuery {
  std::string principal;
  // Entries naming this resource ("datasets/brp-ingezetenen").
  std::string resource;
  // Full method name or its last part ("GetDataset").
  std::string method;
  // Only entries with this gRPC status code; -1: any.
  int code = -1;
  // Time range [from, to); InfinitePast/InfiniteFuture: unbounded.
  absl::Time from = absl::InfinitePast();
  absl::Time to = absl::InfiniteFuture();
  // Newest first when true.
  bool descending = true;
  // Resume after this sequence (exclusive); 0: from the start or end.
  uint64_t after_sequence = 0;
  // Ascending listings stop after this sequence (0: no bound), so that a
  // client paging oldest-first reaches an end although every call, its own
  // included, appends to the trail.
  uint64_t up_to_sequence = 0;
  size_t limit = 100;
  // Entries examined per call at most; the page ends early when reached.
  size_t scan_budget = 50000;
};

struct AuditPage {
  std::vector<AuditEntry> entries;
  // Sequence to resume after; 0 at the end.
  uint64_t next_after = 0;
};

// One edge to write. The edge's `source` is "datasets/{id}" and its
// `target` "datasets/{id}" or "parties/{id}" (normalized by the caller).
struct EdgeWrite {
  catalog::v1::LineageEdge edge;
  WriteMode mode = WriteMode::kUpsert;
  // When > 0, ABORTED unless the edge's current revision equals this.
  int64_t expected_revision = 0;
};

// A lineage change applied as one atomic write: all of it or nothing.
struct LineageWrite {
  // Datasets to create first (OpenLineage stubs); ALREADY_EXISTS if any
  // exists.
  std::vector<catalog::v1::Dataset> create_datasets;
  // Edges to create or replace; NOT_FOUND when an endpoint does not exist
  // (after the datasets above are created). At most one write per edge.
  std::vector<EdgeWrite> edges;
  // OpenLineage job records to store (bookkeeping of the intake; no
  // revision of their own).
  std::vector<OpenLineageJob> jobs;
};

struct LineageWriteResult {
  std::vector<catalog::v1::Dataset> datasets;  // As stored.
  std::vector<catalog::v1::LineageEdge> edges;  // As stored, in order.
};

// Which edges to list.
struct EdgeQuery {
  // "datasets/{id}" or "parties/{id}"; empty: every edge, by source.
  std::string node;
  bool out = true;  // Edges from `node` (ignored when node is empty).
  bool in = true;   // Edges into `node`.
  // Resume after this position: the `next_cursor` of the previous page.
  std::string cursor;
  size_t limit = 100;
  // Edges examined per call at most.
  size_t scan_budget = 20000;
  // Optional: edges for which it returns false are skipped.
  std::function<bool(const catalog::v1::LineageEdge&)> visible;
};

struct EdgePage {
  std::vector<catalog::v1::LineageEdge> edges;
  std::string next_cursor;  // Empty at the end.
};

// Which measurements to list: one dataset, optionally one dimension, a
// measured_at range [from, to); newest first.
struct MeasurementQuery {
  std::string dataset;  // Id.
  catalog::v1::QualityDimension dimension = catalog::v1::QUALITY_DIMENSION_UNSPECIFIED;
  absl::Time from = absl::InfinitePast();
  absl::Time to = absl::InfiniteFuture();
  std::string cursor;
  size_t limit = 100;
  size_t scan_budget = 20000;
};

struct MeasurementPage {
  std::vector<catalog::v1::Measurement> measurements;
  std::string next_cursor;  // Empty at the end.
};

// Count and sum of the scores of one dataset, dimension and calendar month
// (UTC), maintained with every measurement written.
struct MonthlyAggregate {
  int year = 0;
  int month = 0;  // 1..12
  int64_t count = 0;
  double sum = 0;
};

struct MeasurementWriteResult {
  absl::Status status;
  catalog::v1::Measurement stored;
};

struct TerugmeldingPage {
  std::vector<catalog::v1::Terugmelding> terugmeldingen;
  std::string next_cursor;  // Empty at the end.
};

// One operation of the processing log to store: the record (validated and
// resolved by the caller, data_subject_hash set) and the register version
// it was resolved to.
struct OperationWrite {
  catalog::v1::ProcessingOperation operation;
  std::string activity_id;
  uint64_t activity_version = 0;
};

// What became of one operation of a WriteOperations call.
enum class OperationOutcome {
  kStored,
  kDuplicate,  // Stored before with the same content: nothing written.
  kConflict,   // Its trace and span id are stored with other content.
};

// Which operations to list: of one subject, one activity (version 0: every
// version) or one trace; started in [from, to); oldest first.
struct OperationQuery {
  std::string subject_hash;
  std::string activity_id;
  uint64_t activity_version = 0;
  std::string trace_id;
  absl::Time from = absl::InfinitePast();
  absl::Time to = absl::InfiniteFuture();
  // Resume after this position: the `next_cursor` of the previous page.
  std::string cursor;
  size_t limit = 100;
  size_t scan_budget = 20000;
  // Optional: operations for which it returns false are counted in
  // `hidden` and skipped.
  std::function<bool(const catalog::v1::ProcessingOperation&)> visible;
};

struct OperationPage {
  std::vector<catalog::v1::ProcessingOperation> operations;
  int64_t hidden = 0;
  std::string next_cursor;  // Empty at the end.
};

struct AuditVerification {
  // Entries checked.
  int64_t entries = 0;
  // First sequence whose entry is missing, malformed or does not chain to
  // the one before; 0 when the whole trail verifies.
  uint64_t first_broken = 0;
  // What is wrong with it.
  std::string problem;
  bool ok() const { return first_broken == 0; }
};

// Result of an integrity check.
struct CheckReport {
  int64_t datasets = 0;
  int64_t index_entries = 0;
  int64_t revisions = 0;
  int64_t change_log_entries = 0;
  int64_t edges = 0;
  int64_t terugmeldingen = 0;
  int64_t processing_operations = 0;
  int64_t audit_entries = 0;
  // One line per problem found; empty means consistent.
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

class CatalogStore {
 public:
  // Opens (creating if needed) the store at options.path. FAILED_PRECONDITION
  // when the directory holds another format version.
  static absl::StatusOr<std::unique_ptr<CatalogStore>> Open(
      const StoreOptions& options);

  CatalogStore(const CatalogStore&) = delete;
  CatalogStore& operator=(const CatalogStore&) = delete;
  // Closes if Close() was not called (errors are then only logged).
  ~CatalogStore();

  // Flushes and closes. REQUIRES: no call in progress and none after.
  absl::Status Close();

  // ---- Datasets ----

  // Applies the writes in order; writes to the same id see the earlier ones.
  // All successful items are committed in one atomic, synced write batch; an
  // item that fails (ALREADY_EXISTS, NOT_FOUND, ABORTED) is left out alone.
  // An item equal to the stored dataset (bookkeeping fields aside) writes
  // nothing and reports `unchanged`; when no item writes anything, nothing
  // is committed, not even the context's audit entry. If the commit itself
  // fails, every item reports that error.
  std::vector<DatasetWriteResult> WriteDatasets(std::vector<DatasetWrite> writes,
                                                const WriteContext& context);

  // Single-item conveniences over WriteDatasets.
  absl::StatusOr<catalog::v1::Dataset> CreateDataset(catalog::v1::Dataset dataset,
                                                     const WriteContext& context);
  absl::StatusOr<catalog::v1::Dataset> ReplaceDataset(
      catalog::v1::Dataset dataset, int64_t expected_revision,
      const WriteContext& context);

  // Deletes a dataset; its revision history stays. Returns the revision of
  // the deletion. NOT_FOUND if absent; ABORTED if expected_revision > 0 and
  // differs from the current one; FAILED_PRECONDITION if lineage edges
  // refer to it, unless `force`: then they are deleted in the same write.
  absl::StatusOr<int64_t> DeleteDataset(const std::string& id,
                                        int64_t expected_revision,
                                        const WriteContext& context, bool force = false);

  // The current dataset. NOT_FOUND if absent.
  absl::StatusOr<catalog::v1::Dataset> GetDataset(const std::string& id) const;

  // The dataset as it was at `revision`: its newest revision <= `revision`.
  // NOT_FOUND if it did not exist then (never created, or deleted).
  absl::StatusOr<catalog::v1::Dataset> GetDatasetAt(const std::string& id,
                                                    int64_t revision) const;

  // Revisions of a dataset, newest first, below `before` (0: from the
  // newest). NOT_FOUND if the dataset never existed.
  absl::StatusOr<RevisionPage> ListRevisions(const std::string& id,
                                             int64_t before, size_t limit) const;

  // One page of datasets matching the query. INVALID_ARGUMENT for a cursor
  // that was not produced by this query.
  absl::StatusOr<DatasetPage> ListDatasets(const DatasetQuery& query) const;

  // A secret of `size` random bytes kept in the store under `name` (e.g. the
  // key that seals page tokens), created on first use. Not exported or
  // logged anywhere.
  absl::StatusOr<std::string> GetOrCreateSecret(const std::string& name, size_t size);

  // The newest revision committed so far (0 for an empty catalogue).
  int64_t LatestRevision() const;

  // ---- External parties ----

  // ALREADY_EXISTS when the id is taken.
  absl::StatusOr<catalog::v1::ExternalParty> CreateParty(catalog::v1::ExternalParty party,
                                                         const WriteContext& context);
  // NOT_FOUND, ABORTED (expected_revision), FAILED_PRECONDITION while edges
  // lead to the party. Returns the revision of the deletion.
  absl::StatusOr<int64_t> DeleteParty(const std::string& id, int64_t expected_revision,
                                      const WriteContext& context);
  absl::StatusOr<catalog::v1::ExternalParty> GetParty(const std::string& id) const;
  // Parties with id > after_id, by id.
  absl::StatusOr<std::vector<catalog::v1::ExternalParty>> ListParties(
      const std::string& after_id, size_t limit) const;

  // ---- Processing activities (the register of AVG art. 30) ----
  // Versioned: the current version under its id, every version (the
  // current one included) under id | version. Never deleted.

  // Stores `activity` (validated by the caller) as version 1, valid from
  // its valid_from when set (a backdated create), else from now.
  // ALREADY_EXISTS when the id is taken.
  absl::StatusOr<catalog::v1::ProcessingActivity> CreateProcessingActivity(
      catalog::v1::ProcessingActivity activity, const WriteContext& context);
  // Replaces the current version of activity `next.id()`: with a new version
  // when `new_version` (the old one is closed: valid_until now), else in
  // place. NOT_FOUND; ABORTED unless its revision is `expected_revision`.
  absl::StatusOr<catalog::v1::ProcessingActivity> ReplaceProcessingActivity(
      catalog::v1::ProcessingActivity next, bool new_version, int64_t expected_revision,
      const WriteContext& context);
  // The current version of `id`, or its version `version` when > 0.
  // NOT_FOUND.
  absl::StatusOr<catalog::v1::ProcessingActivity> GetProcessingActivity(
      const std::string& id, int64_t version = 0) const;
  // Current versions with id > after_id, by id.
  absl::StatusOr<std::vector<catalog::v1::ProcessingActivity>> ListProcessingActivities(
      const std::string& after_id, size_t limit) const;
  // Versions of `id` below `before_version` (0: all), newest first.
  absl::StatusOr<std::vector<catalog::v1::ProcessingActivity>> ListProcessingActivityVersions(
      const std::string& id, int64_t before_version, size_t limit) const;

  // ---- The processing log (processing_log_store.cc) ----
  // Append-only: records leave only through PurgeOperations.

  // Stores the operations with their three index entries in one atomic,
  // synced write with the context's audit entry. An operation whose trace
  // and span id are already stored (or earlier in `writes`) is a duplicate
  // when its content is equal, a conflict otherwise; neither is written.
  // With `all_or_nothing`, one conflict writes nothing at all (and no audit
  // entry). UNAVAILABLE when another call is writing one of the same
  // operations (retry).
  absl::StatusOr<std::vector<OperationOutcome>> WriteOperations(
      std::vector<OperationWrite> writes, bool all_or_nothing, const WriteContext& context);
  // One page of operations (see OperationQuery). INVALID_ARGUMENT for a
  // cursor of another query.
  absl::StatusOr<OperationPage> ListOperations(const OperationQuery& query) const;
  // Removes the operations of activity `activity_id` version `version` that
  // ended before `cutoff`; with `dry_run` only counts them. The context's
  // audit entry is committed with the last removal (or on its own when
  // there is none). Returns the number of operations.
  absl::StatusOr<int64_t> PurgeOperations(const std::string& activity_id, uint64_t version,
                                          absl::Time cutoff, bool dry_run,
                                          const WriteContext& context);
  // Operations of activity `activity_id` (every version) that started on
  // the days (UTC) of [from, to), from counters kept with every write and
  // purge.
  absl::StatusOr<int64_t> CountOperations(const std::string& activity_id, absl::Time from,
                                          absl::Time to) const;
  // ---- Lineage ----

  // Applies `write` atomically (see LineageWrite).
  absl::StatusOr<LineageWriteResult> WriteLineage(LineageWrite write,
                                                  const WriteContext& context);
  // Deletes the edge; NOT_FOUND, ABORTED. Returns the revision.
  absl::StatusOr<int64_t> DeleteEdge(const std::string& source, const std::string& target,
                                     int64_t expected_revision, const WriteContext& context);
  // `source` "datasets/{id}", `target` "datasets/{id}" or "parties/{id}".
  absl::StatusOr<catalog::v1::LineageEdge> GetEdge(const std::string& source,
                                                   const std::string& target) const;
  absl::StatusOr<EdgePage> ListEdges(const EdgeQuery& query) const;
  // The in-memory adjacency of the lineage graph, kept in step with every
  // committed change and rebuilt on open.
  const LineageGraph& graph() const;
  // The landscape facts of every dataset, kept in step with the store.
  const LandscapeFacts& facts() const;
  // Allowed reads of dataset `id` and the resources under it, counted from
  // the audit trail per day (UTC), on the days from `since` to `until`
  // inclusive: per principal.
  absl::StatusOr<std::map<std::string, int64_t>> DatasetReads(const std::string& id,
                                                              absl::Time since,
                                                              absl::Time until) const;

  // The OpenLineage job record, or nullopt.
  absl::StatusOr<std::optional<OpenLineageJob>> GetOpenLineageJob(const std::string& ns,
                                                                 const std::string& name) const;

  // Ids of the datasets carrying this OpenLineage name.
  absl::StatusOr<std::vector<std::string>> FindByOpenLineageName(
      const std::string& ns, const std::string& name) const;

  // ---- Quality measurements (quality_store.cc) ----

  // Stores measurements (dataset id in `dataset`, normalized, validated);
  // those of existing datasets in one atomic, synced write, one revision
  // each, with their monthly aggregates. Per item: NOT_FOUND when its
  // dataset does not exist.
  std::vector<MeasurementWriteResult> RecordMeasurements(
      std::vector<catalog::v1::Measurement> measurements, const WriteContext& context);
  absl::StatusOr<MeasurementPage> ListMeasurements(const MeasurementQuery& query) const;
  // The measurement with the latest measured_at of a dataset and dimension,
  // or nullopt.
  absl::StatusOr<std::optional<catalog::v1::Measurement>> LatestMeasurement(
      const std::string& dataset, catalog::v1::QualityDimension dimension) const;
  // Monthly aggregates of [first, last] (inclusive, as year*12 + month - 1),
  // oldest first; months without measurements are left out.
  absl::StatusOr<std::vector<MonthlyAggregate>> MonthlyAggregates(
      const std::string& dataset, catalog::v1::QualityDimension dimension, int first_month,
      int last_month) const;

  // ---- Terugmeldingen (terugmelding_store.cc) ----

  // Stores a new terugmelding (id set by the caller) under its dataset
  // ("datasets/{id}" in `dataset`). NOT_FOUND when the dataset does not
  // exist; ALREADY_EXISTS for a taken id.
  absl::StatusOr<catalog::v1::Terugmelding> CreateTerugmelding(
      catalog::v1::Terugmelding terugmelding, const WriteContext& context);
  // Replaces a stored terugmelding (a status change). NOT_FOUND; ABORTED
  // when expected_revision > 0 differs from the stored revision.
  absl::StatusOr<catalog::v1::Terugmelding> ReplaceTerugmelding(
      catalog::v1::Terugmelding terugmelding, int64_t expected_revision,
      const WriteContext& context);
  absl::StatusOr<catalog::v1::Terugmelding> GetTerugmelding(const std::string& dataset,
                                                            const std::string& id) const;
  // Terugmeldingen of one dataset, by id.
  absl::StatusOr<TerugmeldingPage> ListTerugmeldingen(const std::string& dataset,
                                                      const std::string& cursor,
                                                      size_t limit) const;
  // Terugmeldingen filed by one principal, any dataset.
  absl::StatusOr<TerugmeldingPage> ListTerugmeldingenOf(const std::string& principal,
                                                        const std::string& cursor,
                                                        size_t limit) const;

  // ---- Audit trail ----

  // Appends an audit entry for a call that changed nothing (reads, denied or
  // failed calls). With `wait`, returns once written; otherwise queues it
  // (it is written in order, durable with the next synced write).
  // `read_datasets` (ids) are counted as read by the entry's principal when
  // the entry records success (DatasetReads).
  absl::Status AppendAudit(AuditEntry entry, bool wait,
                           std::vector<std::string> read_datasets = {});

  // Entries matching the query, one page at a time.
  absl::StatusOr<AuditPage> ListAudit(const AuditQuery& query) const;

  // The entry with `sequence`; NOT_FOUND when there is none.
  absl::StatusOr<AuditEntry> GetAuditEntry(uint64_t sequence) const;

  // Sequence of the newest audit entry written so far (0: none).
  uint64_t LatestAuditSequence() const;

  // Recomputes the hash chain over the whole trail.
  absl::StatusOr<AuditVerification> VerifyAuditTrail() const;

  // ---- Change log (change_log_store.cc) ----
  // Every committed change has an entry, keyed by its global revision, in
  // revision order without gaps from OldestChangeLogRevision() on. Older
  // entries are removed by PruneChangeLog (retention); the first kept
  // revision is recorded durably in the meta column family.

  // Entries with revision >= from_revision, ascending, at most `limit`, from
  // one snapshot. OUT_OF_RANGE ("the oldest available revision is N") when
  // from_revision is below the oldest retained revision (pruned).
  absl::StatusOr<std::vector<ChangeLogEntry>> ReadChangeLog(uint64_t from_revision,
                                                            size_t limit) const;
  // The first retained revision: 1 until something is pruned;
  // LatestRevision() + 1 when everything committed so far was pruned.
  uint64_t OldestChangeLogRevision() const;
  // Removes the entries of changes made before `cutoff` (by change time;
  // the scan stops at the first newer entry), through the Committer, with
  // the new oldest revision in the same write. Revision histories of
  // datasets are kept. Returns the oldest retained revision afterwards.
  absl::StatusOr<uint64_t> PruneChangeLog(absl::Time cutoff);
  // Returns the latest revision once it is above `revision`, or at
  // `deadline`. Never delays writers (see RevisionNotifier).
  uint64_t WaitForRevisionAfter(uint64_t revision, absl::Time deadline) const;
  // Wakes every WaitForRevisionAfter now (shutdown of a waiting thread).
  void WakeRevisionWaiters() const;

  // ---- Maintenance ----

  // Verifies every secondary-index entry against the records (both
  // directions), every dataset against its revision history and change log,
  // and the audit trail's hash chain.
  absl::StatusOr<CheckReport> Check() const;

  // Test-only access for corruption tests; not for production code.
  rocksdb::DB* RawDbForTesting() const;
  rocksdb::ColumnFamilyHandle* RawColumnFamilyForTesting(int cf) const;
  // The number of writes the committer has made since open.
  uint64_t CommitGroupsForTesting() const;

 private:
  struct Impl;
  explicit CatalogStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_CATALOG_STORE_H_
