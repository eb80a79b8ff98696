// Server transport credentials.
#ifndef CATALOG_SERVER_TRANSPORT_TLS_H_
#define CATALOG_SERVER_TRANSPORT_TLS_H_

#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>

#include "absl/status/statusor.h"

namespace catalog::server {

struct TlsFiles {
  std::string cert;       // PEM certificate chain of the server.
  std::string key;        // PEM private key of the server.
  std::string client_ca;  // PEM bundle of CAs whose client certificates are accepted.
  // Optional PEM certificate revocation list of the client CA: certificates
  // it revokes are refused. Empty: no CRL.
  std::string crl;
  // Where the CRL is placed under its issuer-hash name for gRPC's lookup
  // (required with `crl`).
  std::string crl_dir;
  // How often the files are re-read, so that rotated certificates are picked
  // up without a restart.
  unsigned refresh_seconds = 30;
};

// Mutual TLS (TLS 1.2 or newer): clients must present a certificate signed by
// `client_ca`. The files are checked first so that a wrong path or a key that
// does not belong to the certificate is a clear start-up error naming the
// file (INVALID_ARGUMENT / NOT_FOUND) rather than failed handshakes later.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsCredentials(
    const TlsFiles& files);

// True when `address` ("host:port") is on the loopback interface.
bool IsLoopbackAddress(const std::string& address);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_TRANSPORT_TLS_H_
