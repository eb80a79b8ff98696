#include "client/lib/bulk_loader.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "client/lib/status.h"

namespace catalog::client {
namespace {

using catalog::v1::Dataset;
using catalog::v1::UpsertDatasetsRequest;
using catalog::v1::UpsertDatasetsResponse;
using catalog::v1::UpsertResult;

using Stream =
    grpc::ClientReaderWriter<UpsertDatasetsRequest, UpsertDatasetsResponse>;

// State shared by the writer (calling thread) and the reader thread.
class LoadState {
 public:
  // Blocks until fewer than kMaxBatchesInFlight batches are unanswered, then
  // records a batch of `size` items as sent. Returns false when the reader
  // has stopped (the stream is over; sending more is pointless).
  bool AwaitSlotAndRecordBatch(int size) {
    absl::MutexLock lock(&mu_);
    auto can_send = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return reader_done_ ||
             static_cast<int>(in_flight_.size()) < kMaxBatchesInFlight;
    };
    mu_.Await(absl::Condition(&can_send));
    if (reader_done_) return false;
    in_flight_.push_back(size);
    return true;
  }

  // Undoes the last AwaitSlotAndRecordBatch (the write failed).
  void ForgetLastBatch() {
    absl::MutexLock lock(&mu_);
    if (!in_flight_.empty()) in_flight_.pop_back();
  }

  // Counts the results of the oldest unanswered batch.
  void RecordResponse(UpsertDatasetsResponse* response) {
    absl::MutexLock lock(&mu_);
    if (in_flight_.empty()) {
      SetProtocolError("the server answered a batch that was not sent");
      return;
    }
    const int expected = in_flight_.front();
    in_flight_.pop_front();
    if (response->results_size() != expected) {
      SetProtocolError(absl::StrCat("the server answered a batch of ", expected,
                                    " datasets with ", response->results_size(),
                                    " results"));
    }
    for (UpsertResult& r : *response->mutable_results()) {
      if (r.code() != 0) {
        ++result_.failed;
        if (static_cast<int>(result_.failures.size()) < kMaxFailuresKept) {
          result_.failures.push_back(std::move(r));
        }
      } else if (r.created()) {
        ++result_.created;
      } else {
        ++result_.replaced;
      }
    }
  }

  void ReaderDone() {
    absl::MutexLock lock(&mu_);
    reader_done_ = true;
  }

  // The outcome once both threads are done and `stream_status` (from
  // Finish) is known.
  absl::StatusOr<BulkLoadResult> Outcome(absl::Status stream_status,
                                         const std::string& server) {
    absl::MutexLock lock(&mu_);
    if (stream_status.ok() && protocol_error_.ok() && !in_flight_.empty()) {
      SetProtocolError(absl::StrCat("the server ended the stream with ",
                                    in_flight_.size(), " batches unanswered"));
    }
    absl::Status status =
        !stream_status.ok() ? std::move(stream_status) : protocol_error_;
    if (status.ok()) return std::move(result_);
    absl::Status annotated(
        status.code(),
        absl::StrCat(status.message(), " [bulk load stopped after ",
                     result_.created + result_.replaced, " datasets stored, ",
                     result_.failed, " failed]"));
    return WithServer(std::move(annotated), server);
  }

 private:
  void SetProtocolError(std::string message)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (protocol_error_.ok()) protocol_error_ = absl::InternalError(message);
  }

  absl::Mutex mu_;
  // Sizes of the batches sent and not yet answered, oldest first.
  std::deque<int> in_flight_ ABSL_GUARDED_BY(mu_);
  bool reader_done_ ABSL_GUARDED_BY(mu_) = false;
  BulkLoadResult result_ ABSL_GUARDED_BY(mu_);
  absl::Status protocol_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<BulkLoadResult> BulkLoad(
    catalog::v1::CatalogService::Stub& stub, const ConnectionOptions& options,
    const std::function<bool(Dataset*)>& next, int batch_size) {
  if (batch_size < 1 || batch_size > kMaxBatchSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch size must be 1..", kMaxBatchSize, ", not ", batch_size));
  }
  std::unique_ptr<grpc::ClientContext> context = NewContextWithTimeout(
      options, std::max(options.timeout, kBulkLoadMinTimeout));
  std::unique_ptr<Stream> stream = stub.UpsertDatasets(context.get());

  LoadState state;
  std::thread reader([&stream, &state] {
    UpsertDatasetsResponse response;
    while (stream->Read(&response)) state.RecordResponse(&response);
    state.ReaderDone();
  });

  // The request is reused: Clear() keeps the Dataset objects allocated, so
  // after the first batch filling one costs no allocations of its own.
  UpsertDatasetsRequest request;
  bool more = true;
  while (more) {
    request.Clear();
    while (request.datasets_size() < batch_size) {
      if (!next(request.add_datasets())) {
        request.mutable_datasets()->RemoveLast();
        more = false;
        break;
      }
    }
    if (request.datasets_size() == 0) break;
    if (!state.AwaitSlotAndRecordBatch(request.datasets_size())) break;
    if (!stream->Write(request)) {
      state.ForgetLastBatch();
      break;  // The stream is broken; Finish() tells why.
    }
  }
  stream->WritesDone();
  reader.join();
  absl::Status stream_status = FromGrpcStatus(stream->Finish());
  return state.Outcome(std::move(stream_status), options.server);
}

}  // namespace catalog::client
