#include "server/service/caller_context.h"

#include <random>

#include <grpc/grpc_security_constants.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace catalog::server {
namespace {

std::string Metadata(const grpc::ServerContextBase& context, const char* key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

// Accepts a caller's request id only if it is short and printable, so that it
// can be logged and stored safely.
bool IsSafeRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrFormat("%016x", random());
}

}  // namespace

Caller CallerFrom(const grpc::ServerContextBase& context) {
  Caller caller;
  caller.peer = context.peer();
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr) {
    std::vector<grpc::string_ref> names = auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
    if (!names.empty()) caller.principal.assign(names.front().data(), names.front().size());
  }
  if (caller.principal.empty()) caller.principal = kAnonymousPrincipal;
  const std::string request_id = Metadata(context, kRequestIdHeader);
  caller.request_id = IsSafeRequestId(request_id) ? request_id : NewRequestId();
  caller.purpose = Metadata(context, kPurposeHeader);
  return caller;
}

}  // namespace catalog::server
