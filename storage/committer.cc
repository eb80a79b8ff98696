#include "storage/committer.h"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <vector>

#include "storage/audit_chain.h"
#include "storage/key_codec.h"
#include "storage/rocks_status.h"

namespace catalog::storage {
namespace {

// Requests per group at most: bounds the size of one WriteBatch.
constexpr size_t kMaxGroupRequests = 4096;
// Queued requests at most: beyond it, CommitAsync waits (back-pressure from a
// slow disk instead of unbounded memory).
constexpr size_t kMaxQueued = 65536;
// How long requests nobody waits for are gathered, and how many at most.
constexpr auto kAsyncLinger = std::chrono::milliseconds(2);
constexpr size_t kAsyncBatch = 256;

}  // namespace

namespace {

// Sums of u64 big-endian counters.
class CounterMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    uint64_t sum = 0, add = 0;
    std::string_view in = value.ToStringView();
    if (!ConsumeUint64(&in, &add) || !in.empty()) return false;
    if (existing != nullptr) {
      std::string_view old = existing->ToStringView();
      if (!ConsumeUint64(&old, &sum) || !old.empty()) return false;
    }
    new_value->clear();
    AppendUint64(new_value, sum + add);
    return true;
  }
  const char* Name() const override { return "catalog.Counter"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator() {
  return std::make_shared<CounterMergeOperator>();
}

void CountDatasetReads(const AuditEntry& entry, const std::vector<std::string>& datasets,
                       rocksdb::ColumnFamilyHandle* reads_cf, rocksdb::WriteBatch* batch) {
  if (entry.code() != 0) return;
  const auto day = static_cast<uint32_t>(entry.time_micros() / (int64_t{86400} * 1000000));
  std::string one;
  AppendUint64(&one, 1);
  std::vector<std::string_view> counted;
  for (const std::string& id : datasets) {
    if (id.empty() || std::find(counted.begin(), counted.end(), id) != counted.end()) continue;
    counted.push_back(id);
    batch->Merge(reads_cf, DatasetReadKey(id, day, entry.principal()), one);
  }
}

void RevisionNotifier::Publish(uint64_t revision) {
  if (revision <= latest_.load()) return;
  {
    // Empty critical section: a waiter between its check and its wait
    // cannot miss the notify.
    std::lock_guard<std::mutex> lock(mutex_);
    latest_.store(revision);
  }
  changed_.notify_all();
}

uint64_t RevisionNotifier::WaitForRevisionAfter(uint64_t revision, absl::Time deadline) const {
  std::unique_lock<std::mutex> lock(mutex_);
  const uint64_t generation = generation_;
  auto done = [&] { return latest_.load() > revision || generation_ != generation; };
  // In steps of at most an hour: an infinite deadline must not overflow the
  // clock arithmetic of the condition variable.
  for (absl::Time now = absl::Now(); !done() && now < deadline; now = absl::Now()) {
    changed_.wait_for(lock, absl::ToChronoMilliseconds(std::min(deadline - now, absl::Hours(1))),
                      done);
  }
  return latest_.load();
}

void RevisionNotifier::WakeAll() const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
  }
  changed_.notify_all();
}

Committer::Committer(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit_cf,
                     rocksdb::ColumnFamilyHandle* reads_cf, Position start)
    : db_(db), audit_cf_(audit_cf), reads_cf_(reads_cf), position_(std::move(start)),
      last_revision_(position_.revision), notifier_(position_.revision) {
  if (position_.audit_hash.empty()) position_.audit_hash = GenesisHash();
  thread_ = std::thread([this] { Run(); });
}

Committer::~Committer() { Stop(); }

absl::Status Committer::Commit(Request request) {
  std::promise<absl::Status> done;
  std::future<absl::Status> result = done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return absl::UnavailableError("store is closing");
    queue_.push_back({std::move(request), &done});
    ++waited_for_;
  }
  ready_.notify_one();
  return result.get();
}

absl::Status Committer::Flush() {
  Request barrier;
  barrier.sync = false;
  return Commit(std::move(barrier));
}

void Committer::CommitAsync(Request request) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [this] { return stopping_ || queue_.size() < kMaxQueued; });
    if (stopping_) return;
    queue_.push_back({std::move(request), nullptr});
    // Wake the committer to start gathering, and when a batch is full.
    if (queue_.size() != 1 && queue_.size() != kAsyncBatch) return;
  }
  ready_.notify_one();
}

void Committer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_one();
  space_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Committer::Run() {
  for (;;) {
    std::deque<Queued> group;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // Stopping and drained.
      ready_.wait_for(lock, kAsyncLinger, [this] {
        return stopping_ || waited_for_ > 0 || queue_.size() >= kAsyncBatch;
      });
      while (!queue_.empty() && group.size() < kMaxGroupRequests) {
        if (queue_.front().done != nullptr) --waited_for_;
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    space_.notify_all();
    const absl::Status status = WriteGroup(group);
    // Outside the lock, before the writers return: a feed that is woken
    // finds the group in the change log.
    if (status.ok()) notifier_.Publish(last_revision_.load());
    for (Queued& queued : group) {
      if (queued.done != nullptr) queued.done->set_value(status);
    }
  }
}

absl::Status Committer::WriteGroup(std::deque<Queued>& group) {
  const Position before = position_;
  rocksdb::WriteBatch batch;
  bool sync = false;
  for (Queued& queued : group) {
    Request& request = queued.request;
    const uint64_t first_revision = position_.revision + 1;
    position_.revision += request.revisions;
    if (request.build) request.build(first_revision, &batch);
    if (request.audit.has_value()) {
      AuditEntry& entry = *request.audit;
      entry.set_sequence(++position_.audit_sequence);
      entry.set_prev_hash(position_.audit_hash);
      entry.set_hash(AuditEntryHash(position_.audit_hash, entry));
      position_.audit_hash = entry.hash();
      batch.Put(audit_cf_, AuditKey(entry.sequence()), entry.SerializeAsString());
      CountDatasetReads(entry, request.read_datasets, reads_cf_, &batch);
    }
    sync = sync || request.sync;
  }
  if (batch.Count() == 0) return absl::OkStatus();
  rocksdb::WriteOptions options;
  options.sync = sync;
  const absl::Status status = FromRocksStatus(db_->Write(options, &batch), "committing");
  if (!status.ok()) {
    position_ = before;  // Nothing of the group was written.
    return status;
  }
  last_revision_.store(position_.revision);
  groups_.fetch_add(1);
  for (Queued& queued : group) {
    if (queued.request.audit_committed) queued.request.audit_committed();
  }
  return status;
}

}  // namespace catalog::storage
