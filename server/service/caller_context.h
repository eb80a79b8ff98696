// Builds the core's Caller from a gRPC call: the principal from the verified
// client certificate, the peer, the request id and the stated purpose.
#ifndef CATALOG_SERVER_SERVICE_CALLER_CONTEXT_H_
#define CATALOG_SERVER_SERVICE_CALLER_CONTEXT_H_

#include <grpcpp/server_context.h>

#include "server/core/caller.h"

namespace catalog::server {

// Principal on a plaintext development listener, where there is no
// certificate.
inline constexpr char kAnonymousPrincipal[] = "anonymous";

// Metadata keys read from requests.
inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kPurposeHeader[] = "x-purpose";

Caller CallerFrom(const grpc::ServerContextBase& context);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_CALLER_CONTEXT_H_
