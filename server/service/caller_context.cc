#include "server/service/caller_context.h"

#include <random>
#include <unordered_map>

#include <grpc/grpc_security_constants.h>
#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "api/resource_names.h"

namespace catalog::server {
namespace {

constexpr size_t kMaxPurposeLength = 200;
constexpr size_t kIdentityCacheSize = 4096;

std::string Metadata(const grpc::ServerContextBase& context, const char* key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

// Keeps printable ASCII and UTF-8 bytes only, so that audit entries and logs
// hold what the caller meant and nothing that controls a terminal.
std::string Printable(std::string text, size_t limit) {
  if (text.size() > limit) text.resize(limit);
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text;
}

// Accepts a caller's request id only if it is short and plain.
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

Identity CertificateIdentity(const std::string& pem) {
  static std::mutex mutex;
  static auto* cache = new std::unordered_map<std::string, Identity>();
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache->find(pem);
    if (it != cache->end()) return it->second;
  }
  absl::StatusOr<Identity> identity = IdentityFromPem(pem);
  if (!identity.ok()) return Identity();
  std::lock_guard<std::mutex> lock(mutex);
  if (cache->size() >= kIdentityCacheSize) cache->clear();
  cache->emplace(pem, *identity);
  return *identity;
}

namespace {

Identity IdentityOf(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return Identity{kAnonymousPrincipal, {}, {}};
  }
  std::vector<grpc::string_ref> pems = auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) return Identity{kAnonymousPrincipal, {}, {}};
  return CertificateIdentity(std::string(pems.front().data(), pems.front().size()));
}

}  // namespace

Caller CallerFrom(const grpc::ServerContextBase& context, const char* method,
                  const ServiceDeps& deps) {
  return CallerOf(IdentityOf(context), context.peer(), method,
                  Metadata(context, kRequestIdHeader), Metadata(context, kPurposeHeader), deps);
}

Caller CallerOf(const Identity& identity, std::string peer, const char* method,
                const std::string& request_id, const std::string& purpose,
                const ServiceDeps& deps) {
  Caller caller;
  caller.principal = identity.principal.empty() ? kAnonymousPrincipal : identity.principal;
  caller.grant = deps.policy->Current()->Resolve(identity);
  caller.peer = std::move(peer);
  caller.method = method;
  caller.request_id = IsSafeRequestId(request_id) ? request_id : NewRequestId();
  caller.purpose = Printable(purpose, kMaxPurposeLength);
  if (deps.purpose_activity && !caller.purpose.empty()) {
    caller.purpose_activity = deps.purpose_activity(caller.purpose);
  }
  return caller;
}

std::vector<std::string> ResourcesOf(const google::protobuf::Message& request) {
  std::vector<std::string> names;
  const google::protobuf::Descriptor* descriptor = request.GetDescriptor();
  const google::protobuf::Reflection* reflection = request.GetReflection();
  auto add_id = [&](const google::protobuf::Message& message) {
    const google::protobuf::FieldDescriptor* id = message.GetDescriptor()->FindFieldByName("id");
    if (id == nullptr || id->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING ||
        id->is_repeated()) {
      return;
    }
    const std::string value = message.GetReflection()->GetString(message, id);
    if (!value.empty()) names.push_back(api::DatasetName(api::ParseDatasetName(value, "id").value_or(value)));
  };
  add_id(request);
  if (const auto* dataset = descriptor->FindFieldByName("dataset");
      dataset != nullptr && dataset->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
      !dataset->is_repeated()) {
    add_id(reflection->GetMessage(request, dataset));
  }
  if (const auto* datasets = descriptor->FindFieldByName("datasets");
      datasets != nullptr && datasets->is_repeated() &&
      datasets->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
    for (int i = 0; i < reflection->FieldSize(request, datasets); ++i) {
      add_id(reflection->GetRepeatedMessage(request, datasets, i));
    }
  }
  return names;
}

void FinishCall(const ServiceDeps& deps, const Caller& caller, const absl::Status& outcome) {
  deps.audit->Finish(caller, outcome);
  if (outcome.code() == absl::StatusCode::kPermissionDenied ||
      outcome.code() == absl::StatusCode::kUnauthenticated) {
    spdlog::warn("msg=\"call denied\" principal={} method={} peer={} request_id={}",
                 caller.principal, caller.method, caller.peer, caller.request_id);
  }
}

}  // namespace catalog::server
