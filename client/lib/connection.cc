#include "client/lib/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>


#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "client/lib/status.h"
#include "client/lib/tls_files.h"

namespace catalog::client {
namespace {

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const ConnectionOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return UsageError(
        options.cert_file.empty()
            ? "--key was given without --cert: give both the client "
              "certificate and its private key"
            : "--cert was given without --key: give both the client "
              "certificate and its private key");
  }
  // Every file is read before any is checked, so that a missing file is
  // reported as missing whatever the others hold.
  grpc::SslCredentialsOptions ssl;
  auto read = [](const std::string& path, absl::string_view flag, absl::string_view what,
                 std::string* pem) -> absl::Status {
    if (path.empty()) return absl::OkStatus();
    absl::StatusOr<std::string> content = ReadPemFile(path, flag, what);
    if (!content.ok()) return content.status();
    *pem = *std::move(content);
    return absl::OkStatus();
  };
  for (absl::Status s : {read(options.ca_file, "--ca", "CA certificate", &ssl.pem_root_certs),
                         read(options.cert_file, "--cert", "client certificate",
                              &ssl.pem_cert_chain),
                         read(options.key_file, "--key", "client key", &ssl.pem_private_key)}) {
    if (!s.ok()) return s;
  }
  if (!options.ca_file.empty()) {
    if (absl::Status s = CheckCaCertificates(ssl.pem_root_certs, options.ca_file); !s.ok()) {
      return s;
    }
  }
  if (!options.cert_file.empty()) {
    absl::Status pair = CheckKeyPair(ssl.pem_cert_chain, options.cert_file,
                                     ssl.pem_private_key, options.key_file);
    if (!pair.ok()) return pair;
  }
  return grpc::SslCredentials(ssl);
}

// host:port, [v6-address]:port, optionally after "dns:///", or a "unix:"
// socket: gRPC would take a missing port as 443 (or try port 0).
absl::Status ValidateServer(absl::string_view server) {
  if (server.empty()) return UsageError("--server is empty: give host:port of catalogd");
  if (absl::StartsWith(server, "unix:") || absl::StartsWith(server, "unix-abstract:")) {
    return absl::OkStatus();
  }
  absl::string_view address = server;
  absl::ConsumePrefix(&address, "dns:///");
  const size_t bracket = address.rfind(']');
  const size_t colon = address.rfind(':');
  const bool bare_v6 = bracket == absl::string_view::npos && address.find(':') != colon;
  int port = 0;
  if (colon == absl::string_view::npos || (bracket != absl::string_view::npos && colon < bracket) ||
      bare_v6 || colon == 0 || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 1 || port > 65535 || !absl::ascii_isdigit(address[colon + 1])) {
    return UsageError(absl::StrCat("--server \"", server,
                                   "\" is not host:port (port 1-65535), e.g. localhost:7443 "
                                   "or [::1]:7443"));
  }
  return absl::OkStatus();
}

// gRPC rejects metadata values outside printable ASCII.
absl::Status ValidatePurpose(absl::string_view purpose) {
  for (char c : purpose) {
    if (c < 0x20 || c > 0x7e) {
      return UsageError(
          "--purpose must be printable ASCII (it is sent as metadata "
          "x-purpose)");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const ConnectionOptions& options) {
  if (absl::Status s = ValidateServer(options.server); !s.ok()) return s;
  if (absl::Status s = ValidatePurpose(options.purpose); !s.ok()) return s;

  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.plaintext) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> tls =
        TlsCredentials(options);
    if (!tls.ok()) return tls.status();
    credentials = *std::move(tls);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  return grpc::CreateCustomChannel(options.server, credentials, args);
}

std::unique_ptr<grpc::ClientContext> NewContext(
    const ConnectionOptions& options) {
  return NewContextWithTimeout(options, options.timeout);
}

std::unique_ptr<grpc::ClientContext> NewContextWithTimeout(
    const ConnectionOptions& options, absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (timeout != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }
  if (!options.purpose.empty()) {
    context->AddMetadata("x-purpose", options.purpose);
  }
  return context;
}

}  // namespace catalog::client
