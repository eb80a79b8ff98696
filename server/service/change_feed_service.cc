#include "server/service/change_feed_service.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "server/security/authorization.h"
#include "server/service/grpc_status.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;

constexpr int64_t kNotWriting = -1;

// One WatchChanges stream. Owns itself (self_) from Begin until OnDone;
// work queued on the executor or parked with the feed holds a reference, so
// a wake-up that comes late finds the reactor alive. Its steps run one at a
// time: read, write, then read again or park; nothing else touches the
// cursor or the response in between.
class WatchReactor final : public grpc::ServerWriteReactor<v1::WatchChangesResponse>,
                           public std::enable_shared_from_this<WatchReactor> {
 public:
  WatchReactor(grpc::CallbackServerContext* context, const v1::WatchChangesRequest& request,
               ChangeFeed* feed, const ServiceDeps& deps)
      : context_(context),
        request_(request),
        feed_(feed),
        deps_(deps),
        caller_(CallerFrom(*context, method::kWatchChanges, deps)) {}

  // Authorizes, audits the start of the watch and reads the first step.
  void Begin() {
    self_ = shared_from_this();
    const absl::Status allowed = Authorize(caller_.method, caller_.grant, caller_.principal);
    const absl::StatusOr<uint64_t> first =
        allowed.ok() ? feed_->FirstRevision(request_) : absl::StatusOr<uint64_t>(allowed);
    FinishCall(deps_, caller_, first.status());
    if (!first.ok()) {
      Finish(ToGrpcStatus(first.status()));
      return;
    }
    cursor_ = *first;
    ArmWatchdog();
    Schedule();
  }

  void OnWriteDone(bool ok) override {
    writing_since_.store(kNotWriting);
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed by the client"));
      return;
    }
    last_write_ = absl::Now();
    if (caught_up_) {
      Wait();
    } else {
      Schedule();
    }
  }

  void OnCancel() override { cancelled_.store(true); }

  void OnDone() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      context_ = nullptr;
    }
    self_.reset();
  }

 private:
  void Schedule() {
    deps_.executor->Submit([self = shared_from_this()] { self->Step(); });
  }

  // On the executor: reads the next entries and writes what the caller may
  // see, or a heartbeat, or parks.
  void Step() {
    if (cancelled_.load()) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
      return;
    }
    if (feed_->stopping()) return Stopping();
    absl::StatusOr<ChangeFeed::Step> step = feed_->Read(request_, caller_, &cursor_);
    if (!step.ok()) {
      Finish(ToGrpcStatus(step.status()));
      return;
    }
    caught_up_ = step->caught_up;
    const bool heartbeat =
        caught_up_ &&
        (!announced_ || absl::Now() - last_write_ >= feed_->options().heartbeat_interval);
    if (step->response.changes_size() == 0 && !heartbeat) return Wait();
    announced_ = announced_ || caught_up_;
    response_ = std::move(step->response);
    writing_since_.store(absl::ToUnixMicros(absl::Now()));
    StartWrite(&response_);
  }

  void Wait() {
    switch (feed_->Park(cursor_, [self = shared_from_this()] { self->Schedule(); })) {
      case ChangeFeed::Parking::kParked:
        return;
      case ChangeFeed::Parking::kReady:
        return Schedule();
      case ChangeFeed::Parking::kStopping:
        return Stopping();
    }
  }

  void Stopping() {
    Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        absl::StrCat("catalogd is shutting down; resume from revision ", cursor_)));
  }

  // Every second: a client that has not taken a response for
  // stall_timeout is cut off (it resumes from its last caught_up_revision
  // + 1), so a stalled consumer holds a stream only that long.
  void ArmWatchdog() {
    feed_->Tick([weak = weak_from_this()] {
      std::shared_ptr<WatchReactor> self = weak.lock();
      return self != nullptr && self->CheckStalled();
    });
  }

  // False once the stream is done or cut off.
  bool CheckStalled() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (context_ == nullptr) return false;
    const int64_t since = writing_since_.load();
    if (since == kNotWriting ||
        absl::Now() - absl::FromUnixMicros(since) < feed_->options().stall_timeout) {
      return true;
    }
    context_->TryCancel();
    return false;
  }

  std::mutex mutex_;
  grpc::CallbackServerContext* context_;  // Guarded by mutex_; null after OnDone.
  const v1::WatchChangesRequest request_;
  ChangeFeed* const feed_;
  const ServiceDeps deps_;
  const Caller caller_;
  std::shared_ptr<WatchReactor> self_;
  std::atomic<bool> cancelled_{false};
  // When the response in flight was handed to gRPC (Unix microseconds).
  std::atomic<int64_t> writing_since_{kNotWriting};

  // Touched by one step at a time.
  uint64_t cursor_ = 0;
  bool caught_up_ = false;
  bool announced_ = false;  // A response was sent since the stream caught up.
  absl::Time last_write_ = absl::Now();
  v1::WatchChangesResponse response_;
};

}  // namespace

grpc::ServerWriteReactor<v1::WatchChangesResponse>* ChangeFeedServiceImpl::WatchChanges(
    grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) {
  auto reactor = std::make_shared<WatchReactor>(context, *request, feed_, deps_);
  reactor->Begin();
  return reactor.get();
}

}  // namespace catalog::server
