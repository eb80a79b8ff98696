#include "server/service/catalog_service.h"

#include <deque>
#include <mutex>
#include <optional>

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
                BlockingExecutor* executor)
      : caller_(CallerFrom(*context)), catalog_(catalog), executor_(executor) {
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
    executor_->Submit([this] { ProcessBatch(); });
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

  void OnDone() override { delete this; }

 private:
  void ProcessBatch() {
    caller_.time = absl::Now();
    absl::StatusOr<UpsertDatasetsResponse> result = catalog_->Upsert(request_, caller_);
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

  Caller caller_;
  DatasetCatalog* catalog_;
  BlockingExecutor* executor_;
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
  return RunBlocking(context, response, executor_,
                     [this, request](const Caller& c) { return catalog_->Create(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetDataset(
    grpc::CallbackServerContext* context, const catalog::v1::GetDatasetRequest* request,
    catalog::v1::Dataset* response) {
  return RunInline(context, response,
                   [this, request](const Caller& c) { return catalog_->Get(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::UpdateDataset(
    grpc::CallbackServerContext* context, const catalog::v1::UpdateDatasetRequest* request,
    catalog::v1::Dataset* response) {
  return RunBlocking(context, response, executor_,
                     [this, request](const Caller& c) { return catalog_->Update(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::DeleteDataset(
    grpc::CallbackServerContext* context, const catalog::v1::DeleteDatasetRequest* request,
    catalog::v1::DeleteDatasetResponse* response) {
  return RunBlocking(context, response, executor_,
                     [this, request](const Caller& c) { return catalog_->Delete(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListDatasets(
    grpc::CallbackServerContext* context, const catalog::v1::ListDatasetsRequest* request,
    catalog::v1::ListDatasetsResponse* response) {
  return RunInline(context, response,
                   [this, request](const Caller& c) { return catalog_->List(*request, c); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListDatasetRevisions(
    grpc::CallbackServerContext* context,
    const catalog::v1::ListDatasetRevisionsRequest* request,
    catalog::v1::ListDatasetRevisionsResponse* response) {
  return RunInline(context, response, [this, request](const Caller& c) {
    return catalog_->ListRevisions(*request, c);
  });
}

grpc::ServerBidiReactor<UpsertDatasetsRequest, UpsertDatasetsResponse>*
CatalogServiceImpl::UpsertDatasets(grpc::CallbackServerContext* context) {
  return new UpsertReactor(context, catalog_, executor_);
}

}  // namespace catalog::server
