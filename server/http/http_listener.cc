#include "server/http/http_listener.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace catalog::server::http {
namespace {

// Session id context: OpenSSL refuses to resume sessions of verified
// clients without one.
constexpr unsigned char kSessionContext[] = "catalogd-http";

// "host:port" split; the host loses IPv6 brackets.
absl::Status SplitAddress(const std::string& address, std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), port) || *port < 0 || *port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-listen: expected HOST:PORT, got \"", address, "\""));
  }
  *host = address.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return absl::OkStatus();
}

absl::Status LoadCrl(SSL_CTX& ctx, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return absl::InvalidArgumentError(absl::StrCat("--crl: cannot read ", path));
  X509_CRL* crl = PEM_read_X509_CRL(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (crl == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--crl: ", path, " holds no readable CRL"));
  }
  X509_STORE* store = SSL_CTX_get_cert_store(&ctx);
  const int added = X509_STORE_add_crl(store, crl);
  X509_CRL_free(crl);
  if (added != 1) return absl::InvalidArgumentError(absl::StrCat("--crl: cannot use ", path));
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  return absl::OkStatus();
}

// The server's TLS: certificate, key, client CA (and CRL), peer
// verification.
absl::Status SetUpTls(SSL_CTX& ctx, const HttpListenerOptions& options) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(&ctx, options.tls_cert.c_str()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-cert: ", options.tls_cert, " holds no readable certificate chain"));
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, options.tls_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-key: ", options.tls_key, " is not the private key of ", options.tls_cert));
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.client_ca.c_str());
  if (names == nullptr ||
      SSL_CTX_load_verify_locations(&ctx, options.client_ca.c_str(), nullptr) != 1) {
    if (names != nullptr) sk_X509_NAME_pop_free(names, X509_NAME_free);
    return absl::InvalidArgumentError(
        absl::StrCat("--client-ca: ", options.client_ca, " holds no readable CA certificate"));
  }
  SSL_CTX_set_client_CA_list(&ctx, names);
  if (!options.crl.empty()) {
    if (absl::Status s = LoadCrl(ctx, options.crl); !s.ok()) return s;
  }
  SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof(kSessionContext) - 1);
  SSL_CTX_set_verify(
      &ctx, SSL_VERIFY_PEER | (options.require_client_cert ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
      nullptr);
  return absl::OkStatus();
}

// PEM of the verified client certificate of `ssl`; empty when there is none.
std::string VerifiedClientCertificate(const SSL* ssl) {
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return {};
  std::string pem;
  if (BIO* bio = BIO_new(BIO_s_mem()); bio != nullptr) {
    if (PEM_write_bio_X509(bio, cert) == 1) {
      char* data = nullptr;
      const long size = BIO_get_mem_data(bio, &data);
      pem.assign(data, static_cast<size_t>(size));
    }
    BIO_free(bio);
  }
  X509_free(cert);
  return pem;
}

std::string PeerOf(const httplib::Request& in) {
  const bool v6 = in.remote_addr.find(':') != std::string::npos;
  return v6 ? absl::StrCat("ipv6:[", in.remote_addr, "]:", in.remote_port)
            : absl::StrCat("ipv4:", in.remote_addr, ":", in.remote_port);
}

HttpRequest ToRequest(const httplib::Request& in) {
  HttpRequest out;
  out.method = in.method;
  out.path = in.path;
  out.body = in.body;
  for (const auto& [name, value] : in.headers) out.headers[absl::AsciiStrToLower(name)] = value;
  out.peer = PeerOf(in);
  out.client_certificate = VerifiedClientCertificate(in.ssl);
  return out;
}

void Write(const HttpResponse& from, httplib::Response& to) {
  to.status = from.status;
  for (const auto& [name, value] : from.headers) to.set_header(name, value);
  to.set_content(from.body, from.content_type);
}

const char* CodeOfStatus(int status) {
  switch (status) {
    case 400: return "INVALID_ARGUMENT";
    case 404: return "NOT_FOUND";
    case 405: return "METHOD_NOT_ALLOWED";
    case 408: return "DEADLINE_EXCEEDED";
    case 413: return "PAYLOAD_TOO_LARGE";
    case 414: return "URI_TOO_LONG";
    default: return status < 500 ? "INVALID_ARGUMENT" : "INTERNAL";
  }
}

}  // namespace

std::string HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse JsonError(int status, absl::string_view code, absl::string_view message) {
  HttpResponse response;
  response.status = status;
  response.body = nlohmann::json{{"code", std::string(code)}, {"message", std::string(message)}}
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition: return 409;
    case absl::StatusCode::kResourceExhausted: return 413;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

HttpResponse StatusResponse(const absl::Status& status) {
  return JsonError(HttpStatusOf(status.code()), absl::StatusCodeToString(status.code()),
                   status.message());
}

struct HttpListener::Impl {
  HttpListenerOptions options;
  std::vector<HttpRoute> routes;
  std::unique_ptr<httplib::SSLServer> server;
  std::thread thread;
  int port = 0;
  std::mutex stop_mutex;
  bool stopped = false;  // Guarded by stop_mutex.

  HttpResponse Dispatch(const HttpRequest& request) const {
    std::vector<std::string> allowed;
    for (const HttpRoute& route : routes) {
      if (route.path != request.path) continue;
      if (route.method == request.method) return route.handler(request);
      allowed.push_back(route.method);
    }
    if (allowed.empty()) return JsonError(404, "NOT_FOUND", "no such path: " + request.path);
    HttpResponse response = JsonError(
        405, "METHOD_NOT_ALLOWED",
        absl::StrCat(request.path, " accepts ", absl::StrJoin(allowed, ", "), " only"));
    response.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    return response;
  }

  // Routes every method through Dispatch, sizes and logs.
  void Configure() {
    const httplib::Server::Handler handler = [this](const httplib::Request& in,
                                                    httplib::Response& out) {
      Write(Dispatch(ToRequest(in)), out);
    };
    server->Get(".*", handler);
    server->Post(".*", handler);
    server->Put(".*", handler);
    server->Patch(".*", handler);
    server->Delete(".*", handler);
    server->Options(".*", handler);
    server->set_payload_max_length(options.max_body_bytes);
    // Errors httplib answers itself (413, 400 for a malformed request) get
    // the JSON body too; those of the routes keep theirs.
    const httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request&,
                                                                httplib::Response& out) {
      if (!out.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      const std::string message =
          out.status == 413
              ? absl::StrCat("the body exceeds ", options.max_body_bytes, " bytes")
              : absl::StrCat("the request could not be served (HTTP ", out.status, ")");
      Write(JsonError(out.status, CodeOfStatus(out.status), message), out);
      return httplib::Server::HandlerResponse::Handled;
    };
    server->set_error_handler(on_error);
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which
    // would let a second server share the port (as gRPC is told not to).
    server->set_socket_options([](socket_t socket) {
      int yes = 1;
      setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    if (options.log) {
      server->set_logger([this](const httplib::Request& in, const httplib::Response& out) {
        HttpRequest request;
        request.method = in.method;
        request.path = in.path;
        request.peer = PeerOf(in);
        options.log(request, out.status);
      });
    }
  }
};

HttpListener::HttpListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpListener::~HttpListener() { Stop(); }

int HttpListener::port() const { return impl_->port; }

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    const HttpListenerOptions& options, std::vector<HttpRoute> routes) {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitAddress(options.listen, &host, &port); !s.ok()) return s;
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->routes = std::move(routes);
  absl::Status tls = absl::OkStatus();
  impl->server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
    tls = SetUpTls(ctx, options);
    return tls.ok();
  });
  if (!tls.ok()) return tls;
  if (!impl->server->is_valid()) return absl::InternalError("cannot set up TLS for --http-listen");
  impl->Configure();
  if (port == 0) {
    impl->port = impl->server->bind_to_any_port(host);
  } else if (impl->server->bind_to_port(host, port)) {
    impl->port = port;
  } else {
    impl->port = -1;
  }
  if (impl->port <= 0) {
    return absl::UnavailableError(absl::StrCat("--http-listen: cannot listen on ", options.listen,
                                               " (address in use or not local?)"));
  }
  httplib::SSLServer* server = impl->server.get();
  impl->thread = std::thread([server] { server->listen_after_bind(); });
  // stop() does nothing before the accept loop runs: wait for it.
  for (int i = 0; i < 5000 && !server->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(impl)));
}

void HttpListener::Stop() {
  std::lock_guard<std::mutex> lock(impl_->stop_mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace catalog::server::http
