// Who an HTTP request of the HTTPS listener is (any route): the principal of
// its bearer API key when it sends `Authorization`, else its verified client
// certificate; and the Caller built from that, as for a gRPC call.
#ifndef CATALOG_SERVER_SERVICE_HTTP_CALLER_H_
#define CATALOG_SERVER_SERVICE_HTTP_CALLER_H_

#include "absl/status/statusor.h"
#include "server/core/caller.h"
#include "server/http/http_listener.h"
#include "server/service/caller_context.h"

namespace catalog::server {

// The Caller of `request` for `method` (the authorization table's entry).
// UNAUTHENTICATED (never naming the key) for an Authorization header that is
// not `Bearer KEY`, a key the policy does not list, or neither a key nor a
// client certificate.
absl::StatusOr<Caller> HttpCallerFrom(const http::HttpRequest& request, const char* method,
                                      const ServiceDeps& deps);

// The 401 answer of an UNAUTHENTICATED status (with WWW-Authenticate: Bearer),
// logged as a warning with the peer.
http::HttpResponse Unauthenticated(const http::HttpRequest& request, const absl::Status& status);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_HTTP_CALLER_H_
