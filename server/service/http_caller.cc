#include "server/service/http_caller.h"

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "server/transport/logging.h"

namespace catalog::server {
namespace {

absl::StatusOr<Identity> HttpIdentity(const http::HttpRequest& request, const Policy& policy) {
  const std::string authorization = request.Header("authorization");
  if (!authorization.empty()) {
    absl::string_view key = authorization;
    if (!absl::ConsumePrefix(&key, "Bearer ") && !absl::ConsumePrefix(&key, "bearer ")) {
      return absl::UnauthenticatedError(
          "Authorization: only bearer API keys are accepted (Authorization: Bearer KEY)");
    }
    key = absl::StripAsciiWhitespace(key);
    std::string principal = policy.ApiKeyPrincipal(key);
    if (principal.empty()) return absl::UnauthenticatedError("unknown API key");
    return Identity{std::move(principal), {}, {}};
  }
  if (!request.client_certificate.empty()) {
    Identity identity = CertificateIdentity(request.client_certificate);
    if (!identity.principal.empty()) return identity;
  }
  return absl::UnauthenticatedError(
      "no credentials: send a client certificate or Authorization: Bearer KEY");
}

}  // namespace

absl::StatusOr<Caller> HttpCallerFrom(const http::HttpRequest& request, const char* method,
                                      const ServiceDeps& deps) {
  absl::StatusOr<Identity> identity = HttpIdentity(request, *deps.policy->Current());
  if (!identity.ok()) return identity.status();
  return CallerOf(*identity, request.peer, method, request.Header(kRequestIdHeader),
                  request.Header(kPurposeHeader), deps);
}

http::HttpResponse Unauthenticated(const http::HttpRequest& request, const absl::Status& status) {
  spdlog::warn("msg=\"http request not authenticated\" method={} path={} peer={} reason={}",
               request.method, LogQuoted(request.path), request.peer,
               LogQuoted(status.message()));
  http::HttpResponse response = http::StatusResponse(status);
  response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace catalog::server
