// Helpers that make every unary handler one line: build the Caller, run the
// core operation (inline, or on the blocking executor for writes), copy the
// result into the response, finish with the mapped status.
#ifndef CATALOG_SERVER_SERVICE_UNARY_H_
#define CATALOG_SERVER_SERVICE_UNARY_H_

#include <grpcpp/support/server_callback.h>

#include "absl/status/statusor.h"
#include "server/service/blocking_executor.h"
#include "server/service/caller_context.h"
#include "server/service/grpc_status.h"

namespace catalog::server {

template <typename Response, typename Operation>
void RunAndFinish(grpc::ServerUnaryReactor* reactor, const Caller& caller, Response* response,
                  Operation& operation) {
  absl::StatusOr<Response> result = operation(caller);
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
}

// For reads: runs `operation(caller)` on the calling (gRPC) thread.
template <typename Response, typename Operation>
grpc::ServerUnaryReactor* RunInline(grpc::CallbackServerContext* context, Response* response,
                                    Operation operation) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RunAndFinish(reactor, CallerFrom(*context), response, operation);
  return reactor;
}

// For writes: runs `operation(caller)` on the blocking executor.
template <typename Response, typename Operation>
grpc::ServerUnaryReactor* RunBlocking(grpc::CallbackServerContext* context, Response* response,
                                      BlockingExecutor* executor, Operation operation) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  executor->Submit([reactor, caller = CallerFrom(*context), response,
                    operation = std::move(operation)]() mutable {
    RunAndFinish(reactor, caller, response, operation);
  });
  return reactor;
}

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_UNARY_H_
