// Builds the core's Caller from a gRPC call (identity from the verified
// client certificate, the policy's grant, the peer, request id and purpose)
// and records the audit entry of a finished call.
#ifndef CATALOG_SERVER_SERVICE_CALLER_CONTEXT_H_
#define CATALOG_SERVER_SERVICE_CALLER_CONTEXT_H_

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/core/audit_recorder.h"
#include "server/core/caller.h"
#include "server/security/policy.h"
#include "server/service/blocking_executor.h"

namespace catalog::server {

// Principal on a plaintext development listener, where there is no
// certificate.
inline constexpr char kAnonymousPrincipal[] = "anonymous";

// Metadata keys read from requests.
inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kPurposeHeader[] = "x-purpose";

// What every handler needs besides its core object.
struct ServiceDeps {
  const PolicyStore* policy;
  const AuditRecorder* audit;  // Ends every call with its audit entry.
  BlockingExecutor* executor;
  // Streams whose client set no (or a later) deadline are cancelled after
  // this long, so that no stream holds server resources indefinitely.
  absl::Duration default_stream_deadline = absl::Minutes(30);
  // Looks up a stated purpose that names a processing activity (null when
  // it names none); unset: purposes are only text.
  std::function<std::shared_ptr<const PurposeActivity>(const std::string&)> purpose_activity;
};

Caller CallerFrom(const grpc::ServerContextBase& context, const char* method,
                  const ServiceDeps& deps);

// The Caller of a call by `identity` (any transport): the policy's grant,
// the request id when well-formed (else a new one), the purpose made
// printable and looked up.
Caller CallerOf(const Identity& identity, std::string peer, const char* method,
                const std::string& request_id, const std::string& purpose,
                const ServiceDeps& deps);

// The identity of a verified client certificate (PEM), parsed once per
// certificate (cached); empty when it does not parse.
Identity CertificateIdentity(const std::string& pem);

// The dataset resource names a request message refers to ("id",
// "dataset.id", "datasets[].id"), for the audit entry of a call refused
// before the core saw it.
std::vector<std::string> ResourcesOf(const google::protobuf::Message& request);

// Ends a call with `outcome`: its audit entry (AuditRecorder::Finish), and a
// warning in the log when it was denied.
void FinishCall(const ServiceDeps& deps, const Caller& caller, const absl::Status& outcome);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_CALLER_CONTEXT_H_
