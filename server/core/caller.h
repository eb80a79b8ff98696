// Who is calling, as established by the transport (verified client
// certificate) and the request metadata. Passed by value through the core;
// the core never looks at gRPC types.
#ifndef CATALOG_SERVER_CORE_CALLER_H_
#define CATALOG_SERVER_CORE_CALLER_H_

#include <string>

#include "absl/time/time.h"

namespace catalog::server {

struct Caller {
  // Principal from the verified client certificate (subject CN), or
  // "anonymous" on a development plaintext listener.
  std::string principal;
  // Peer address, e.g. "ipv4:127.0.0.1:51234".
  std::string peer;
  // Request id: the caller's x-request-id when well-formed, else generated.
  std::string request_id;
  // Stated purpose (x-purpose), may be empty.
  std::string purpose;
  // When the call arrived.
  absl::Time time = absl::Now();
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_CALLER_H_
