#include "storage/committer.h"

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

}  // namespace

Committer::Committer(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit_cf, Position start)
    : db_(db), audit_cf_(audit_cf), position_(std::move(start)),
      last_revision_(position_.revision) {
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
  }
  ready_.notify_one();
  return result.get();
}

void Committer::CommitAsync(Request request) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [this] { return stopping_ || queue_.size() < kMaxQueued; });
    if (stopping_) return;
    queue_.push_back({std::move(request), nullptr});
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
      while (!queue_.empty() && group.size() < kMaxGroupRequests) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    space_.notify_all();
    const absl::Status status = WriteGroup(group);
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
  return status;
}

}  // namespace catalog::storage
