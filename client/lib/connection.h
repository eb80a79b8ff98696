// Connecting to catalogd: channel over mutual TLS (or plaintext for a
// development server) and per-call contexts with deadline and purpose.
//
// Thread-safe: the functions keep no state; the returned channel may be
// shared by any number of threads, a context belongs to one call.
#ifndef CATALOG_CLIENT_LIB_CONNECTION_H_
#define CATALOG_CLIENT_LIB_CONNECTION_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace catalog::client {

// Largest response the client accepts (a page of 1000 large datasets fits).
inline constexpr int kMaxReceiveMessageBytes = 64 << 20;

struct ConnectionOptions {
  // host:port of catalogd.
  std::string server = "127.0.0.1:7443";
  // PEM files: the CA that signed the server's certificate (empty: the
  // system roots), and the client certificate and its private key (both or
  // neither).
  std::string ca_file, cert_file, key_file;
  // Deadline of each unary call, counted from the creation of its context.
  absl::Duration timeout = absl::Seconds(30);
  // Connect without TLS. Only for a development server started with
  // --insecure-plaintext.
  bool plaintext = false;
  // Why the data is requested; sent as metadata "x-purpose" when non-empty.
  std::string purpose;
};

// Creates a channel to `options.server`. Reads the PEM files now, so that a
// wrong path is reported before any call: NOT_FOUND when a file does not
// exist, INVALID_ARGUMENT when it cannot be read, is empty or holds no PEM
// block, or when only one of cert_file/key_file is given; both name the file
// and its flag. Does not contact the server (channels connect lazily).
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const ConnectionOptions& options);

// A fresh context for one unary call: deadline `options.timeout` from now
// and metadata "x-purpose" when `options.purpose` is set.
std::unique_ptr<grpc::ClientContext> NewContext(
    const ConnectionOptions& options);

// As NewContext, with deadline `timeout` from now instead (no deadline when
// `timeout` is absl::InfiniteDuration()). For long-running streams.
std::unique_ptr<grpc::ClientContext> NewContextWithTimeout(
    const ConnectionOptions& options, absl::Duration timeout);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_CONNECTION_H_
