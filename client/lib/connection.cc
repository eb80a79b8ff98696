#include "client/lib/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace catalog::client {
namespace {

// Reads a PEM file named by `flag`. `what` is how the error names it
// ("CA certificate").
absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        absl::string_view flag,
                                        absl::string_view what) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(st)) {
    return absl::NotFoundError(
        absl::StrCat(what, " file \"", path, "\" (", flag, ") does not exist"));
  }
  if (std::filesystem::is_directory(st)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " file \"", path, "\" (", flag, ") is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", what, " file \"", path, "\" (", flag,
                     "): ", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot read ", what, " file \"", path, "\" (", flag, ")"));
  }
  std::string pem = std::move(content).str();
  if (pem.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " file \"", path, "\" (", flag, ") is empty"));
  }
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " file \"", path, "\" (", flag,
                     ") holds no PEM block (\"-----BEGIN ...\")"));
  }
  return pem;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const ConnectionOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        options.cert_file.empty()
            ? "--key was given without --cert: give both the client "
              "certificate and its private key"
            : "--cert was given without --key: give both the client "
              "certificate and its private key");
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPemFile(options.ca_file, "--ca", "CA certificate");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
  }
  if (!options.cert_file.empty()) {
    absl::StatusOr<std::string> cert =
        ReadPemFile(options.cert_file, "--cert", "client certificate");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key =
        ReadPemFile(options.key_file, "--key", "client key");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

// gRPC rejects metadata values outside printable ASCII.
absl::Status ValidatePurpose(absl::string_view purpose) {
  for (char c : purpose) {
    if (c < 0x20 || c > 0x7e) {
      return absl::InvalidArgumentError(
          "--purpose must be printable ASCII (it is sent as metadata "
          "x-purpose)");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const ConnectionOptions& options) {
  if (options.server.empty()) {
    return absl::InvalidArgumentError(
        "--server is empty: give host:port of catalogd");
  }
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
