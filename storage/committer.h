// Committer: forms write groups and commits them in order, one synced
// RocksDB write per group.
//
// Why not RocksDB's own group commit alone: the audit trail is a hash chain,
// and the catalogue revision a clock that change feeds resume from. Both
// need the order on disk to equal the order in which sequence numbers were
// handed out, which independent concurrent DB::Write calls do not promise
// (a later writer can land in an earlier group). Here one thread takes every
// request queued since its last write, assigns revisions and audit sequence
// numbers in queue order, builds one WriteBatch and writes it with a single
// WAL sync. While it syncs, the next group queues up: concurrent writers
// share syncs exactly as in RocksDB's group commit, and no lock is held
// across the sync. If a write fails, nothing of the group was written and
// the counters are rolled back, so revisions and the trail have no gaps.
//
// Thread-safe. Stop() commits what is queued and joins the thread.
#ifndef CATALOG_STORAGE_COMMITTER_H_
#define CATALOG_STORAGE_COMMITTER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/write_batch.h>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "storage/proto/records.pb.h"

namespace catalog::storage {

// Adds to `batch` a count of one read of each of `datasets` (ids) by the
// principal of `entry` on its day, when the call succeeded: merges of the
// counter DatasetReadKey(id, day, principal). Which datasets a call read is
// the caller's to say (the core's audit recorder); the store does not
// interpret method names.
void CountDatasetReads(const AuditEntry& entry, const std::vector<std::string>& datasets,
                       rocksdb::ColumnFamilyHandle* reads_cf, rocksdb::WriteBatch* batch);

// The merge operator of counters: u64 big-endian sums.
std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator();

// The last committed revision, published after each group write, and a way
// to wait for the next one. Writers never wait for readers: Publish is one
// atomic store and a notify (the mutex is only held by waiters between
// checks, never across anything slow). Thread-safe.
class RevisionNotifier {
 public:
  explicit RevisionNotifier(uint64_t start) : latest_(start) {}
  uint64_t latest() const { return latest_.load(); }
  // Called by the Committer after a group is written, outside its lock.
  void Publish(uint64_t revision);
  // Returns the latest revision once it is above `revision`, or at
  // `deadline` (then possibly still <= `revision`).
  uint64_t WaitForRevisionAfter(uint64_t revision, absl::Time deadline) const;
  // Wakes every waiter now (at shutdown); they return the latest revision.
  void WakeAll() const;

 private:
  std::atomic<uint64_t> latest_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  mutable uint64_t generation_ = 0;  // Guarded by mutex_; bumped by WakeAll.
};

class Committer {
 public:
  // The counters a store resumes from.
  struct Position {
    uint64_t revision = 0;        // Last committed catalogue revision.
    uint64_t audit_sequence = 0;  // Last committed audit entry.
    std::string audit_hash;       // Its hash (GenesisHash() when none).
  };

  struct Request {
    // Catalogue revisions this request needs (one per changed record).
    uint64_t revisions = 0;
    // Adds the request's records to `batch`, given the first of its
    // revisions. Runs on the committer thread, in commit order; must not
    // block. May be empty.
    std::function<void(uint64_t first_revision, rocksdb::WriteBatch* batch)> build;
    // Audit entry committed in the same write; sequence, prev_hash and hash
    // are filled in here.
    std::optional<AuditEntry> audit;
    // Datasets whose read counters the audit entry counts (CountDatasetReads).
    std::vector<std::string> read_datasets;
    // Called once the audit entry is written, before Commit returns.
    std::function<void()> audit_committed;
    // Wait for the WAL sync (durable). Unsynced requests become durable with
    // the next synced group, and are never reordered before earlier ones.
    bool sync = true;
  };

  // Audit entries go to `audit_cf`; the reads they come with are counted per
  // dataset, day and principal in `reads_cf` (CountDatasetReads).
  Committer(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit_cf,
            rocksdb::ColumnFamilyHandle* reads_cf, Position start);
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;
  ~Committer();

  // Commits `request` and returns once it is written (and synced when
  // request.sync). The write's status: OK, or the RocksDB error mapped.
  absl::Status Commit(Request request);

  // Queues `request` and returns (audit entries of reads); waits only while
  // the queue is full. Requests nobody waits for are gathered for up to
  // kAsyncLinger (or until kAsyncBatch are queued, or a waited-for request
  // arrives), so that a stream of reads costs one write per burst instead
  // of a wake-up and a write each.
  void CommitAsync(Request request);

  // Returns once everything queued before the call is written: for readers
  // of what CommitAsync writes (the audit trail, the read counters).
  absl::Status Flush();

  // The last committed revision.
  uint64_t last_revision() const { return last_revision_.load(); }
  // Published after each group write (change feeds, the search indexer).
  const RevisionNotifier& notifier() const { return notifier_; }
  RevisionNotifier& notifier() { return notifier_; }
  // Writes made (groups of requests), for tests.
  uint64_t groups() const { return groups_.load(); }

  // Commits everything queued, then stops. Later requests fail UNAVAILABLE.
  void Stop();

 private:
  struct Queued {
    Request request;
    std::promise<absl::Status>* done = nullptr;  // Null for CommitAsync.
  };

  void Run();
  absl::Status WriteGroup(std::deque<Queued>& group);

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* audit_cf_;
  rocksdb::ColumnFamilyHandle* reads_cf_;
  Position position_;  // Only the committer thread touches it.
  std::atomic<uint64_t> last_revision_;
  std::atomic<uint64_t> groups_{0};
  RevisionNotifier notifier_;

  std::mutex mutex_;
  std::condition_variable ready_;  // Work queued, or stopping.
  std::condition_variable space_;  // The queue has room again.
  std::deque<Queued> queue_;  // Guarded by mutex_.
  size_t waited_for_ = 0;     // Queued requests with a waiter; guarded by mutex_.
  bool stopping_ = false;     // Guarded by mutex_.
  std::thread thread_;
};

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_COMMITTER_H_
