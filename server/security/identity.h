// Who a verified client certificate names: subject CN, SAN URIs and DNS
// names, and OUs (groups). Pure functions; thread-safe.
#ifndef CATALOG_SERVER_SECURITY_IDENTITY_H_
#define CATALOG_SERVER_SECURITY_IDENTITY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace catalog::server {

struct Identity {
  // Subject common name: the principal. Empty when there is no certificate.
  std::string principal;
  // Subject alternative names of type URI and DNS.
  std::vector<std::string> alt_names;
  // Organizational units of the subject: the principal's groups.
  std::vector<std::string> groups;
};

// Reads the identity from a PEM certificate. INVALID_ARGUMENT when it does
// not parse.
absl::StatusOr<Identity> IdentityFromPem(const std::string& pem);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SECURITY_IDENTITY_H_
