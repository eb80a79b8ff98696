// CatalogClient::WatchChanges: a WatchChanges stream that survives server
// restarts and stalls by resuming from the position it last received.
#include <grpcpp/client_context.h>

#include <algorithm>
#include <thread>

#include "client/lib/catalog_client.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;

// Interruptions that a new stream from the last position cures.
bool Resumable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsCancelled(status) || absl::IsAborted(status);
}

}  // namespace

absl::Status CatalogClient::WatchChanges(
    v1::WatchChangesRequest request,
    const std::function<bool(const v1::WatchChangesResponse&)>& on_response,
    int max_reconnects) {
  absl::Duration backoff = absl::Milliseconds(200);
  int failures = 0;
  for (;;) {
    std::unique_ptr<grpc::ClientContext> context =
        NewContextWithTimeout(options_, absl::InfiniteDuration());
    std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> reader =
        change_feed_stub_->WatchChanges(context.get(), request);
    v1::WatchChangesResponse response;
    bool received = false;
    while (reader->Read(&response)) {
      received = true;
      // Resume after what this response covers, whatever comes next.
      request.set_from_revision(response.caught_up_revision() + 1);
      if (!on_response(response)) {
        context->TryCancel();
        reader->Finish();  // Cancelled by us: the outcome is ours.
        return absl::OkStatus();
      }
    }
    absl::Status status = FromGrpcStatus(reader->Finish());
    if (status.ok() || !Resumable(status)) return WithServer(std::move(status), options_.server);
    if (received) {
      failures = 0;
      backoff = absl::Milliseconds(200);
    }
    if (max_reconnects >= 0 && failures++ >= max_reconnects) {
      return WithServer(std::move(status), options_.server);
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
    backoff = std::min(backoff * 2, absl::Seconds(5));
  }
}

}  // namespace catalog::client
