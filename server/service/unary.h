// Helpers that make every unary handler one line: build the Caller,
// authorize the method from the table, run the core operation (inline, or on
// the blocking executor for writes), copy the result into the response,
// audit the call and finish with the mapped status.
#ifndef CATALOG_SERVER_SERVICE_UNARY_H_
#define CATALOG_SERVER_SERVICE_UNARY_H_

#include <grpcpp/support/server_callback.h>

#include "absl/status/statusor.h"
#include "server/security/authorization.h"
#include "server/service/caller_context.h"
#include "server/service/grpc_status.h"

namespace catalog::server {

// The call of any transport (gRPC here, HTTP in openlineage_http.cc):
// authorizes caller.method from the table, runs `operation(caller)` into
// `response`, audits the call and returns its outcome.
template <typename Response, typename Operation>
absl::Status RunCall(const ServiceDeps& deps, const Caller& caller,
                     const google::protobuf::Message& request, Response* response,
                     Operation& operation) {
  absl::Status status = Authorize(caller.method, caller.grant, caller.principal);
  if (!status.ok()) {
    for (std::string& name : ResourcesOf(request)) caller.audit->Concern(std::move(name));
  } else {
    absl::StatusOr<Response> result = operation(caller);
    status = result.status();
    if (result.ok()) *response = *std::move(result);
  }
  FinishCall(deps, caller, status);
  return status;
}

template <typename Response, typename Operation>
void RunAndFinish(const ServiceDeps& deps, grpc::ServerUnaryReactor* reactor,
                  const Caller& caller, const google::protobuf::Message& request,
                  Response* response, Operation& operation) {
  reactor->Finish(ToGrpcStatus(RunCall(deps, caller, request, response, operation)));
}

// For reads: runs `operation(caller)` on the calling (gRPC) thread.
template <typename Request, typename Response, typename Operation>
grpc::ServerUnaryReactor* RunInline(const ServiceDeps& deps, grpc::CallbackServerContext* context,
                                    const char* method, const Request* request,
                                    Response* response, Operation operation) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RunAndFinish(deps, reactor, CallerFrom(*context, method, deps), *request, response,
               operation);
  return reactor;
}

// For writes: runs `operation(caller)` on the blocking executor.
template <typename Request, typename Response, typename Operation>
grpc::ServerUnaryReactor* RunBlocking(const ServiceDeps& deps,
                                      grpc::CallbackServerContext* context, const char* method,
                                      const Request* request, Response* response,
                                      Operation operation) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  deps.executor->Submit([&deps, reactor, caller = CallerFrom(*context, method, deps),
                         request, response, operation = std::move(operation)]() mutable {
    RunAndFinish(deps, reactor, caller, *request, response, operation);
  });
  return reactor;
}

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_UNARY_H_
