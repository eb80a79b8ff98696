// Who is calling, as established by the transport (verified client
// certificate) and the request metadata, with what the policy grants them.
// Passed by value through the core; the core never looks at gRPC types.
#ifndef CATALOG_SERVER_CORE_CALLER_H_
#define CATALOG_SERVER_CORE_CALLER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/security/policy.h"

namespace catalog::server {

// What the audit entry of a call will say, filled in as the call proceeds.
struct CallAudit {
  // Resource names the call concerned.
  std::vector<std::string> resources;
  // Set once the entry was committed with the call's change; the handler
  // then does not append another.
  bool committed = false;
};

struct Caller {
  // Principal from the verified client certificate (subject CN), or
  // "anonymous" on a development plaintext listener.
  std::string principal;
  // Peer address, e.g. "ipv4:127.0.0.1:51234".
  std::string peer;
  // Full RPC method name.
  std::string method;
  // Request id: the caller's x-request-id when well-formed, else generated.
  std::string request_id;
  // Stated purpose (x-purpose), may be empty.
  std::string purpose;
  // When the call arrived.
  absl::Time time = absl::Now();
  // Roles, clearance and domains from the access policy.
  Grant grant;
  // Shared so that the core can fill it in through a const Caller.
  std::shared_ptr<CallAudit> audit = std::make_shared<CallAudit>();
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_CALLER_H_
