// The client's TLS files, read and checked before any connection attempt:
// a wrong file would otherwise surface as a failed handshake that reads like
// "cannot reach the server".
//
// Every error is a usage error (exit 64) naming the file and its flag.
#ifndef CATALOG_CLIENT_LIB_TLS_FILES_H_
#define CATALOG_CLIENT_LIB_TLS_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace catalog::client {

// The PEM text of `path` (given as `flag`, described as `what`: "client
// certificate"). NOT_FOUND when missing; INVALID_ARGUMENT when it is a
// directory, unreadable, empty or holds no PEM block.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view flag,
                                        absl::string_view what);

// INVALID_ARGUMENT unless `ca_pem` (from `ca_path`) holds at least one
// certificate.
absl::Status CheckCaCertificates(absl::string_view ca_pem, const std::string& ca_path);

// INVALID_ARGUMENT when `cert_pem` is not a certificate, `key_pem` not a
// private key, the key does not belong to the certificate, or the
// certificate is not valid now (not yet, or expired); each names the files.
absl::Status CheckKeyPair(absl::string_view cert_pem, const std::string& cert_path,
                          absl::string_view key_pem, const std::string& key_path);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_TLS_FILES_H_
