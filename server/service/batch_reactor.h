// BatchReactor: the server side of a bulk stream of batches
// (UpsertDatasets, RecordMeasurements): authorized once, batches processed
// on the blocking executor (one at a time, or several at once where their
// order does not matter) and answered in order, with a default deadline for
// streams whose client set none.
#ifndef CATALOG_SERVER_SERVICE_BATCH_REACTOR_H_
#define CATALOG_SERVER_SERVICE_BATCH_REACTOR_H_

#include <grpcpp/alarm.h>
#include <grpcpp/support/server_callback.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "absl/status/statusor.h"
#include "server/security/authorization.h"
#include "server/service/caller_context.h"
#include "server/service/grpc_status.h"

namespace catalog::server {

// One bulk stream (UpsertDatasets, RecordMeasurements), authorized once.
// Each batch is processed on the blocking executor as a change of its own
// and answered in order. With `depth` 1 a batch is processed only when the
// one before it is, so a batch sees the effects of every earlier one
// (dataset upserts may change the same dataset twice). With a larger depth
// up to `depth` batches are processed at once, so that batches whose order
// does not matter (measurements) share durable commits and use every core;
// their results are still written back in request order. Either way up to
// kReadAhead further batches are received (decrypted, parsed, admitted)
// while others are processed, so that the transport's work overlaps the
// store's.
//
// `admit` (optional) rejects a batch as a whole before it is processed (the
// size limit): the stream then ends with that status once the results of
// the batches before it are written, and no batch after it is processed.
// A batch that `process` fails as a whole ends the stream the same way;
// with depth 1 nothing after it is processed either, with a larger depth
// batches after it may already be processing, and their results are not
// returned: services with a depth above 1 reject whole batches only in
// `admit`.
template <typename Request, typename Response>
class BatchReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  // Processes one batch for the caller: per-item results, or a status that
  // ends the stream (a store failure).
  // The request is handed over: `process` may take its items apart.
  using Process = std::function<absl::StatusOr<Response>(Request, const Caller&)>;
  using Admit = std::function<absl::Status(const Request&)>;

  BatchReactor(grpc::CallbackServerContext* context, const char* method, Process process,
               const ServiceDeps& deps, int depth = 1, Admit admit = nullptr)
      : caller_(CallerFrom(*context, method, deps)),
        process_(std::move(process)),
        admit_(std::move(admit)),
        deps_(deps),
        depth_(std::max(1, depth)) {
    const absl::Status allowed = Authorize(caller_.method, caller_.grant, caller_.principal);
    if (!allowed.ok()) {
      FinishCall(deps_, caller_, allowed);
      finished_ = true;
      this->Finish(ToGrpcStatus(allowed));
      return;
    }
    ArmDeadline(context);
    reading_ = true;
    this->StartRead(next_.get());
  }

  void OnReadDone(bool ok) override {
    bool start_read = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      reading_ = false;
      if (!ok) reads_done_ = true;
      if (reads_done_) {  // The end, or failed meanwhile: nothing more is read.
        MaybeFinishLocked();
        return;
      }
      if (absl::Status admitted = admit_ ? admit_(*next_) : absl::OkStatus(); !admitted.ok()) {
        Caller refused = caller_;
        refused.time = absl::Now();
        refused.audit = std::make_shared<CallAudit>();
        FinishCall(deps_, refused, admitted);
        Fail(submitted_++, admitted);
        MaybeFinishLocked();
        return;
      }
      received_.push_back({submitted_++, std::move(next_)});
      SubmitLocked();
      start_read = NextReadLocked();
    }
    // Still inside this reaction, so the reactor cannot be done yet.
    if (start_read) this->StartRead(next_.get());
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mutex_);
    writing_ = false;
    if (!ok) {
      // The client went away; stop reading results back.
      failure_ = grpc::Status(grpc::StatusCode::CANCELLED, "stream closed by the client");
      reads_done_ = true;
      received_.clear();
      pending_.clear();
    }
    WriteNextLocked();
    MaybeFinishLocked();
  }

  void OnDone() override {
    {
      std::lock_guard<std::mutex> lock(watchdog_->mutex);
      watchdog_->context = nullptr;
    }
    delete this;
  }

 private:
  // A batch read and admitted, waiting for its turn.
  struct Received {
    uint64_t sequence;
    std::unique_ptr<Request> request;
  };

  // Hands received batches to the executor while fewer than `depth_` are
  // being processed.
  void SubmitLocked() {
    while (processing_ < depth_ && !received_.empty()) {
      ++processing_;
      auto batch = std::make_shared<Received>(std::move(received_.front()));
      received_.pop_front();
      deps_.executor->Submit(
          [this, batch] { ProcessBatch(batch->sequence, std::move(*batch->request)); });
    }
  }

  void ProcessBatch(uint64_t sequence, Request request) {
    // Each batch is a change of its own, with its own audit entry.
    Caller caller = caller_;
    caller.time = absl::Now();
    caller.audit = std::make_shared<CallAudit>();
    absl::StatusOr<Response> result = process_(std::move(request), caller);
    FinishCall(deps_, caller, result.status());
    bool finish = false;
    bool start_read = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --processing_;
      if (result.ok()) {
        done_.emplace(sequence, *std::move(result));
        EmitInOrderLocked();
      } else {
        Fail(sequence, result.status());
      }
      WriteNextLocked();
      SubmitLocked();
      if (reads_done_) {
        finish = ReadyToFinishLocked();
      } else {
        start_read = NextReadLocked();
      }
    }
    // Outside the lock: this is not a gRPC reaction, so once Finish() is
    // called gRPC may run OnDone() (delete this) at once on another thread;
    // nothing may touch the reactor after it. The next read, likewise, may
    // complete on another thread at once.
    if (finish) {
      this->Finish(*failure_or_ok_);
    } else if (start_read) {
      this->StartRead(next_.get());
    }
  }

  // Whether to read the next batch now: there is room in the pipeline and
  // no read in flight. Marks the read as started (which holds off finishing
  // until it completes) and prepares its message.
  bool NextReadLocked() {
    if (reading_ || reads_done_ ||
        processing_ + static_cast<int>(received_.size()) >= depth_ + kReadAhead) {
      return false;
    }
    reading_ = true;
    next_ = std::make_unique<Request>();
    return true;
  }

  // Batch `sequence` failed as a whole: the stream ends with `status` after
  // the results of the batches before it (received ones are still
  // processed); no later batch is read or processed.
  void Fail(uint64_t sequence, const absl::Status& status) {
    if (!failed_at_.has_value() || sequence < *failed_at_) {
      failed_at_ = sequence;
      failure_status_ = ToGrpcStatus(status);
    }
    reads_done_ = true;
    while (!received_.empty() && received_.back().sequence > sequence) received_.pop_back();
    EmitInOrderLocked();
  }

  // Moves the results that are next in request order to the write queue.
  void EmitInOrderLocked() {
    for (auto it = done_.begin(); it != done_.end() && it->first == emitted_;
         it = done_.erase(it), ++emitted_) {
      if (!failure_.has_value()) pending_.push_back(std::move(it->second));
    }
    if (failed_at_.has_value() && emitted_ == *failed_at_ && !failure_.has_value()) {
      failure_ = failure_status_;
    }
  }

  // Cancels the call at the server's default stream deadline when the client
  // set none (or a later one). The alarm's callback may run after OnDone, so
  // it reaches the context only through the shared watchdog, which OnDone
  // clears.
  void ArmDeadline(grpc::CallbackServerContext* context) {
    const auto limit = std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(deps_.default_stream_deadline);
    if (context->deadline() <= limit) return;
    watchdog_->context = context;
    alarm_.Set(limit, [watchdog = watchdog_](bool fired) {
      if (!fired) return;
      std::lock_guard<std::mutex> lock(watchdog->mutex);
      if (watchdog->context != nullptr) watchdog->context->TryCancel();
    });
  }

  void WriteNextLocked() {
    if (writing_ || pending_.empty()) return;
    writing_ = true;
    current_ = std::move(pending_.front());
    pending_.pop_front();
    this->StartWrite(&current_);
  }

  // Whether the stream can finish now; marks it finished. The caller then
  // calls Finish(*failure_or_ok_). A failed stream does not wait for a read
  // still in flight (a client may send no more, nor half-close, until it has
  // its answers): gRPC completes that read when the call finishes, and runs
  // OnDone only after it.
  bool ReadyToFinishLocked() {
    if (finished_ || !reads_done_ || (reading_ && !failure_.has_value()) || processing_ > 0 ||
        !received_.empty() ||
        writing_ || !pending_.empty() || (failed_at_.has_value() && !failure_.has_value())) {
      return false;
    }
    finished_ = true;
    failure_or_ok_ = failure_.value_or(grpc::Status::OK);
    return true;
  }

  // From gRPC reactions (OnReadDone, OnWriteDone), which gRPC guarantees to
  // complete before OnDone, so finishing under the lock is safe there.
  void MaybeFinishLocked() {
    if (ReadyToFinishLocked()) this->Finish(*failure_or_ok_);
  }

  struct Watchdog {
    std::mutex mutex;
    grpc::CallbackServerContext* context = nullptr;  // Guarded by mutex.
  };

  // Batches received beyond those being processed, at most.
  static constexpr int kReadAhead = 2;

  const Caller caller_;
  const Process process_;
  const Admit admit_;
  const ServiceDeps& deps_;
  const int depth_;
  std::shared_ptr<Watchdog> watchdog_ = std::make_shared<Watchdog>();
  grpc::Alarm alarm_;
  // The message of the read in flight (or of the next read).
  std::unique_ptr<Request> next_ = std::make_unique<Request>();

  std::mutex mutex_;
  uint64_t submitted_ = 0;                   // Batches read and admitted or refused.
  uint64_t emitted_ = 0;                     // Results moved to pending_, in order.
  std::map<uint64_t, Response> done_;        // Processed, waiting for earlier ones.
  std::deque<Received> received_;            // Guarded by mutex_; in request order.
  std::deque<Response> pending_;             // Guarded by mutex_.
  Response current_;                         // The write in flight.
  int processing_ = 0;                       // Guarded by mutex_.
  bool reading_ = false;                     // Guarded by mutex_.
  bool writing_ = false;                     // Guarded by mutex_.
  bool reads_done_ = false;                  // Guarded by mutex_.
  bool finished_ = false;                    // Guarded by mutex_.
  std::optional<uint64_t> failed_at_;        // The first batch that failed.
  grpc::Status failure_status_;              // Its status.
  std::optional<grpc::Status> failure_;      // Guarded by mutex_; set once reached.
  std::optional<grpc::Status> failure_or_ok_;   // Set once, when finishing.
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_BATCH_REACTOR_H_
