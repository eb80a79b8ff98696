// catalogd's HTTPS listener (--http-listen): a route table served over TLS
// with cpp-httplib (Debian's libcpp-httplib). It knows nothing of what it
// serves: POST /api/v1/lineage (the OpenLineage HTTP transport) and, later,
// GET /metrics are routes handed to Start().
//
// TLS 1.2 or newer with the server certificate and key of the gRPC port.
// Client certificates are verified against the client CA (and CRL): with
// require_client_cert a connection without one fails the handshake;
// without it a certificate is optional (but verified when sent) and the
// routes decide (an API key). A request to no route is 404, to a route's
// path with another method 405 (with Allow), a body above max_body_bytes
// 413; every error has a JSON body {"code": ..., "message": ...}.
//
// Lifecycle: Start() binds (port 0: any free port; port() tells which) and
// serves on its own threads; Stop() stops accepting, lets requests in
// flight finish and joins. Thread-safe.
#ifndef CATALOG_SERVER_HTTP_HTTP_LISTENER_H_
#define CATALOG_SERVER_HTTP_HTTP_LISTENER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace catalog::server::http {

struct HttpRequest {
  std::string method;  // "POST"
  std::string path;    // "/api/v1/lineage", without the query
  std::string body;
  // Header names in lower case.
  std::map<std::string, std::string> headers;
  // "ipv4:127.0.0.1:51234" (the form gRPC uses for its peers).
  std::string peer;
  // PEM of the client certificate the handshake verified; empty: none.
  std::string client_certificate;

  // The header's value, empty when absent (`name` in lower case).
  std::string Header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpRoute {
  std::string method;  // "GET", "POST", ...
  std::string path;    // Exact path.
  HttpHandler handler;
};

struct HttpListenerOptions {
  std::string listen;  // host:port; port 0 binds any free port.
  std::string tls_cert;
  std::string tls_key;
  std::string client_ca;
  std::string crl;  // Optional.
  bool require_client_cert = true;
  size_t max_body_bytes = 1 << 20;
  // Called after every response (the access log); never given the headers'
  // values (Authorization).
  std::function<void(const HttpRequest&, int status)> log;
};

// The JSON error body of `status` (HTTP) with `code` ("INVALID_ARGUMENT")
// and `message`.
HttpResponse JsonError(int status, absl::string_view code, absl::string_view message);

// The HTTP status of an absl code: INVALID_ARGUMENT 400, UNAUTHENTICATED
// 401, PERMISSION_DENIED 403, NOT_FOUND 404, ALREADY_EXISTS / ABORTED /
// FAILED_PRECONDITION 409, RESOURCE_EXHAUSTED 413, UNAVAILABLE 503, the
// rest 500.
int HttpStatusOf(absl::StatusCode code);

// JsonError of a failed status, with its mapped HTTP status.
HttpResponse StatusResponse(const absl::Status& status);

class HttpListener {
 public:
  // INVALID_ARGUMENT for a bad address or TLS files (naming the file),
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(const HttpListenerOptions& options,
                                                             std::vector<HttpRoute> routes);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const;
  // Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit HttpListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace catalog::server::http

#endif  // CATALOG_SERVER_HTTP_HTTP_LISTENER_H_
