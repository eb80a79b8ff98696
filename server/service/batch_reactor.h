// BatchReactor: the server side of a bulk stream of batches
// (UpsertDatasets, RecordMeasurements): authorized once, each batch
// processed on the blocking executor in order and answered in order, with
// a default deadline for streams whose client set none.
#ifndef CATALOG_SERVER_SERVICE_BATCH_REACTOR_H_
#define CATALOG_SERVER_SERVICE_BATCH_REACTOR_H_

#include <grpcpp/alarm.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "absl/status/statusor.h"
#include "server/security/authorization.h"
#include "server/service/caller_context.h"
#include "server/service/grpc_status.h"

namespace catalog::server {

// One bulk stream (UpsertDatasets, RecordMeasurements). Batches are processed one at a time, in order, on the
// blocking executor; while batch k's results are written back, batch k+1 is
// read and processed, so network and disk overlap. A batch the core rejects
// as a whole (over the size limit) ends the stream with that status once the
// results already queued are written.
template <typename Request, typename Response>
class BatchReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  // Processes one batch for the caller: per-item results, or a status that
  // ends the stream (a batch over the limit, a store failure).
  using Process = std::function<absl::StatusOr<Response>(const Request&, const Caller&)>;

  BatchReactor(grpc::CallbackServerContext* context, const char* method, Process process,
               const ServiceDeps& deps)
      : caller_(CallerFrom(*context, method, *deps.policy)),
        process_(std::move(process)),
        deps_(deps) {
    const absl::Status allowed = Authorize(caller_.method, caller_.grant, caller_.principal);
    if (!allowed.ok()) {
      AuditCall(*deps_.store, caller_, allowed);
      finished_ = true;
      this->Finish(ToGrpcStatus(allowed));
      return;
    }
    ArmDeadline(context);
    reading_ = true;
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mutex_);
    reading_ = false;
    if (!ok) {
      reads_done_ = true;
      MaybeFinishLocked();
      return;
    }
    if (reads_done_) {  // Failed meanwhile: the batch is dropped.
      MaybeFinishLocked();
      return;
    }
    processing_ = true;
    deps_.executor->Submit([this] { ProcessBatch(); });
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mutex_);
    writing_ = false;
    if (!ok) {
      // The client went away; stop reading results back.
      failure_ = grpc::Status(grpc::StatusCode::CANCELLED, "stream closed by the client");
      reads_done_ = true;
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
  void ProcessBatch() {
    // Each batch is a change of its own, with its own audit entry.
    caller_.time = absl::Now();
    caller_.audit = std::make_shared<CallAudit>();
    absl::StatusOr<Response> result = process_(request_, caller_);
    AuditCall(*deps_.store, caller_, result.status());
    bool finish = false;
    bool start_read = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      processing_ = false;
      if (!result.ok()) {
        failure_ = ToGrpcStatus(result.status());
        reads_done_ = true;
      } else if (!reads_done_) {
        pending_.push_back(*std::move(result));
        WriteNextLocked();
      }
      if (reads_done_) {
        finish = ReadyToFinishLocked();
      } else {
        reading_ = true;  // Holds off finishing until the read completes.
        start_read = true;
      }
    }
    // Outside the lock: this is not a gRPC reaction, so once Finish() is
    // called gRPC may run OnDone() (delete this) at once on another thread;
    // nothing may touch the reactor after it. The next read, likewise, may
    // complete on another thread at once.
    if (finish) {
      this->Finish(*failure_or_ok_);
    } else if (start_read) {
      this->StartRead(&request_);
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
  // calls Finish(*failure_or_ok_).
  bool ReadyToFinishLocked() {
    if (finished_ || !reads_done_ || reading_ || processing_ || writing_ || !pending_.empty()) {
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

  Caller caller_;
  Process process_;
  const ServiceDeps& deps_;
  std::shared_ptr<Watchdog> watchdog_ = std::make_shared<Watchdog>();
  grpc::Alarm alarm_;
  Request request_;  // Owned by the read in flight or ProcessBatch.

  std::mutex mutex_;
  std::deque<Response> pending_;  // Guarded by mutex_.
  Response current_;                    // The write in flight.
  bool reading_ = false;                        // Guarded by mutex_.
  bool processing_ = false;                     // Guarded by mutex_.
  bool writing_ = false;                        // Guarded by mutex_.
  bool reads_done_ = false;                     // Guarded by mutex_.
  bool finished_ = false;                       // Guarded by mutex_.
  std::optional<grpc::Status> failure_;         // Guarded by mutex_.
  std::optional<grpc::Status> failure_or_ok_;   // Set once, when finishing.
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_BATCH_REACTOR_H_
