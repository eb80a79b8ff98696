#include "server/service/catalog_service.h"

#include <chrono>
#include <deque>

#include <grpcpp/alarm.h>
#include <mutex>
#include <optional>

#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {
namespace {

using catalog::v1::UpsertDatasetsRequest;
using catalog::v1::UpsertDatasetsResponse;

// One bulk-load stream. Batches are processed one at a time, in order, on the
// blocking executor; while batch k's results are written back, batch k+1 is
// read and processed, so network and disk overlap. A batch the core rejects
// as a whole (over the size limit) ends the stream with that status once the
// results already queued are written.
class UpsertReactor final
    : public grpc::ServerBidiReactor<UpsertDatasetsRequest, UpsertDatasetsResponse> {
 public:
  UpsertReactor(grpc::CallbackServerContext* context, DatasetCatalog* catalog,
                const ServiceDeps& deps)
      : caller_(CallerFrom(*context, method::kUpsertDatasets, *deps.policy)),
        catalog_(catalog),
        deps_(deps) {
    const absl::Status allowed = Authorize(caller_.method, caller_.grant, caller_.principal);
    if (!allowed.ok()) {
      AuditCall(*deps_.store, caller_, allowed);
      finished_ = true;
      Finish(ToGrpcStatus(allowed));
      return;
    }
    ArmDeadline(context);
    reading_ = true;
    StartRead(&request_);
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
    absl::StatusOr<UpsertDatasetsResponse> result = catalog_->Upsert(request_, caller_);
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
      Finish(*failure_or_ok_);
    } else if (start_read) {
      StartRead(&request_);
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
    StartWrite(&current_);
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
    if (ReadyToFinishLocked()) Finish(*failure_or_ok_);
  }

  struct Watchdog {
    std::mutex mutex;
    grpc::CallbackServerContext* context = nullptr;  // Guarded by mutex.
  };

  Caller caller_;
  DatasetCatalog* catalog_;
  const ServiceDeps& deps_;
  std::shared_ptr<Watchdog> watchdog_ = std::make_shared<Watchdog>();
  grpc::Alarm alarm_;
  UpsertDatasetsRequest request_;  // Owned by the read in flight or ProcessBatch.

  std::mutex mutex_;
  std::deque<UpsertDatasetsResponse> pending_;  // Guarded by mutex_.
  UpsertDatasetsResponse current_;              // The write in flight.
  bool reading_ = false;                        // Guarded by mutex_.
  bool processing_ = false;                     // Guarded by mutex_.
  bool writing_ = false;                        // Guarded by mutex_.
  bool reads_done_ = false;                     // Guarded by mutex_.
  bool finished_ = false;                       // Guarded by mutex_.
  std::optional<grpc::Status> failure_;         // Guarded by mutex_.
  std::optional<grpc::Status> failure_or_ok_;   // Set once, when finishing.
};

}  // namespace

grpc::ServerUnaryReactor* CatalogServiceImpl::CreateDataset(
    grpc::CallbackServerContext* context, const catalog::v1::CreateDatasetRequest* request,
    catalog::v1::Dataset* response) {
  return RunBlocking(deps_, context, method::kCreateDataset, request, response,
                     [this, request](const Caller& c) { return catalog_->Create(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetDataset(
    grpc::CallbackServerContext* context, const catalog::v1::GetDatasetRequest* request,
    catalog::v1::Dataset* response) {
  return RunInline(deps_, context, method::kGetDataset, request, response,
                   [this, request](const Caller& c) { return catalog_->Get(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::UpdateDataset(
    grpc::CallbackServerContext* context, const catalog::v1::UpdateDatasetRequest* request,
    catalog::v1::Dataset* response) {
  return RunBlocking(deps_, context, method::kUpdateDataset, request, response,
                     [this, request](const Caller& c) { return catalog_->Update(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::DeleteDataset(
    grpc::CallbackServerContext* context, const catalog::v1::DeleteDatasetRequest* request,
    catalog::v1::DeleteDatasetResponse* response) {
  return RunBlocking(deps_, context, method::kDeleteDataset, request, response,
                     [this, request](const Caller& c) { return catalog_->Delete(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListDatasets(
    grpc::CallbackServerContext* context, const catalog::v1::ListDatasetsRequest* request,
    catalog::v1::ListDatasetsResponse* response) {
  return RunInline(deps_, context, method::kListDatasets, request, response,
                   [this, request](const Caller& c) { return catalog_->List(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListDatasetRevisions(
    grpc::CallbackServerContext* context,
    const catalog::v1::ListDatasetRevisionsRequest* request,
    catalog::v1::ListDatasetRevisionsResponse* response) {
  return RunInline(deps_, context, method::kListDatasetRevisions, request, response,
                   [this, request](const Caller& c) {
    return catalog_->ListRevisions(*request, c);
  });
}

grpc::ServerBidiReactor<UpsertDatasetsRequest, UpsertDatasetsResponse>*
CatalogServiceImpl::UpsertDatasets(grpc::CallbackServerContext* context) {
  return new UpsertReactor(context, catalog_, deps_);
}

}  // namespace catalog::server
