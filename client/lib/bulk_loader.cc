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
using catalog::v1::Measurement;

// What differs between the batch streams: the messages, how a request holds
// its items, and how a response's results are counted into the Result.
struct DatasetStream {
  using Request = catalog::v1::UpsertDatasetsRequest;
  using Response = catalog::v1::UpsertDatasetsResponse;
  using Item = Dataset;
  using Result = BulkLoadResult;
  static constexpr const char* kItems = "datasets";

  static google::protobuf::RepeatedPtrField<Item>* Items(Request* r) {
    return r->mutable_datasets();
  }
  // Counts the results of a response; `first` is the load position of its
  // first item.
  static void Count(Response* response, int64_t first, Result* result) {
    for (int i = 0; i < response->results_size(); ++i) {
      catalog::v1::UpsertResult& r = *response->mutable_results(i);
      if (r.code() != 0) {
        ++result->failed;
        if (static_cast<int>(result->failures.size()) < kMaxFailuresKept) {
          result->failures.push_back(std::move(r));
          result->failure_positions.push_back(first + i);
        }
      } else if (r.unchanged()) {
        ++result->unchanged;
      } else if (r.created()) {
        ++result->created;
      } else {
        ++result->replaced;
      }
    }
  }
  static int64_t Stored(const Result& r) { return r.created + r.replaced + r.unchanged; }
};

struct MeasurementStream {
  using Request = catalog::v1::RecordMeasurementsRequest;
  using Response = catalog::v1::RecordMeasurementsResponse;
  using Item = Measurement;
  using Result = MeasurementLoadResult;
  static constexpr const char* kItems = "measurements";

  static google::protobuf::RepeatedPtrField<Item>* Items(Request* r) {
    return r->mutable_measurements();
  }
  static void Count(Response* response, int64_t first, Result* result) {
    for (int i = 0; i < response->results_size(); ++i) {
      catalog::v1::MeasurementResult& r = *response->mutable_results(i);
      if (r.code() == 0) {
        ++result->recorded;
        continue;
      }
      ++result->failed;
      if (static_cast<int>(result->failures.size()) < kMaxFailuresKept) {
        result->failures.push_back(
            {first + i, r.code(), std::move(*r.mutable_message())});
      }
    }
  }
  static int64_t Stored(const Result& r) { return r.recorded; }
};

// State shared by the writer (calling thread) and the reader thread.
template <typename Kind>
class LoadState {
 public:
  using Response = typename Kind::Response;
  using Result = typename Kind::Result;

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
  void RecordResponse(Response* response) {
    absl::MutexLock lock(&mu_);
    if (in_flight_.empty()) {
      SetProtocolError("the server answered a batch that was not sent");
      return;
    }
    const int expected = in_flight_.front();
    in_flight_.pop_front();
    if (response->results_size() != expected) {
      SetProtocolError(absl::StrCat("the server answered a batch of ", expected,
                                    " ", Kind::kItems, " with ",
                                    response->results_size(), " results"));
    }
    Kind::Count(response, answered_, &result_);
    answered_ += expected;
  }

  void ReaderDone() {
    absl::MutexLock lock(&mu_);
    reader_done_ = true;
  }

  // The outcome once both threads are done and `stream_status` (from
  // Finish) is known.
  absl::StatusOr<Result> Outcome(absl::Status stream_status,
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
                     Kind::Stored(result_), " ", Kind::kItems, " stored, ",
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
  Result result_ ABSL_GUARDED_BY(mu_);
  // Items of the batches answered so far.
  int64_t answered_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status protocol_error_ ABSL_GUARDED_BY(mu_);
};

// Streams the items `next` gives through the stream `open` starts, as
// documented at BulkLoad.
template <typename Kind, typename Stub, typename Open>
absl::StatusOr<typename Kind::Result> StreamBatches(
    Stub& stub, Open open, const ConnectionOptions& options,
    const std::function<bool(typename Kind::Item*)>& next, int batch_size,
    bool validate_only) {
  using Request = typename Kind::Request;
  using Response = typename Kind::Response;
  if (batch_size < 1 || batch_size > kMaxBatchSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch size must be 1..", kMaxBatchSize, ", not ", batch_size));
  }
  std::unique_ptr<grpc::ClientContext> context = NewContextWithTimeout(
      options, std::max(options.timeout, kBulkLoadMinTimeout));
  std::unique_ptr<grpc::ClientReaderWriter<Request, Response>> stream =
      (stub.*open)(context.get());

  LoadState<Kind> state;
  std::thread reader([&stream, &state] {
    Response response;
    while (stream->Read(&response)) state.RecordResponse(&response);
    state.ReaderDone();
  });

  // The request is reused: Clear() keeps the item objects allocated, so
  // after the first batch filling one costs no allocations of its own.
  Request request;
  auto* items = Kind::Items(&request);
  bool more = true;
  while (more) {
    request.Clear();
    request.set_validate_only(validate_only);
    while (items->size() < batch_size) {
      if (!next(items->Add())) {
        items->RemoveLast();
        more = false;
        break;
      }
    }
    if (items->empty()) break;
    if (!state.AwaitSlotAndRecordBatch(items->size())) break;
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

}  // namespace

absl::StatusOr<BulkLoadResult> BulkLoad(
    catalog::v1::CatalogService::Stub& stub, const ConnectionOptions& options,
    const std::function<bool(Dataset*)>& next, int batch_size, bool validate_only) {
  return StreamBatches<DatasetStream>(
      stub, &catalog::v1::CatalogService::Stub::UpsertDatasets, options, next,
      batch_size, validate_only);
}

absl::StatusOr<MeasurementLoadResult> RecordMeasurementsBulk(
    catalog::v1::QualityService::Stub& stub, const ConnectionOptions& options,
    const std::function<bool(Measurement*)>& next, int batch_size,
    bool validate_only) {
  return StreamBatches<MeasurementStream>(
      stub, &catalog::v1::QualityService::Stub::RecordMeasurements, options,
      next, batch_size, validate_only);
}

}  // namespace catalog::client
