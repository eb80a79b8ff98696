#include "client/lib/status.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace catalog::client {
namespace {

// Status payload type URLs. They never leave the process.
constexpr absl::string_view kUsagePayload = "catalog.client/usage-error";
constexpr absl::string_view kServerPayload = "catalog.client/server";
constexpr absl::string_view kCheckFailedPayload = "catalog.client/check-failed";

std::string CodeName(absl::StatusCode code) {
  return absl::StatusCodeToString(code);
}

// "<CODE>: <message>", or just the code when the message is empty.
std::string CodeAndMessage(const absl::Status& status) {
  if (status.message().empty()) return CodeName(status.code());
  return absl::StrCat(CodeName(status.code()), ": ", status.message());
}

// `word` must be lower case.
bool MessageMentions(const absl::Status& status, absl::string_view word) {
  return absl::StrContains(absl::AsciiStrToLower(status.message()), word);
}

// A likely TLS problem rather than "nothing is listening".
bool LooksLikeTlsFailure(const absl::Status& status) {
  for (absl::string_view word :
       {"handshake", "ssl", "tls", "certificate", "alpn"}) {
    if (MessageMentions(status, word)) return true;
  }
  return false;
}

absl::optional<std::string> Hint(const absl::Status& status) {
  absl::optional<absl::Cord> server_payload = status.GetPayload(kServerPayload);
  const std::string server =
      server_payload ? std::string(*server_payload) : std::string();
  const std::string at_server = server.empty()
                                    ? std::string("the server")
                                    : absl::StrCat("the server at ", server);
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      if (LooksLikeTlsFailure(status)) {
        return absl::StrCat(
            "the TLS handshake with ", at_server,
            " failed; check that --ca holds the CA that signed the server's "
            "certificate, that --cert/--key are your client certificate and "
            "its key, and that --server names the host in the certificate");
      }
      if (MessageMentions(status, "socket closed") ||
          MessageMentions(status, "connection reset")) {
        if (MessageMentions(status, "failed to connect")) {
          return absl::StrCat(
              at_server,
              " closed the connection while it was set up; catalogd "
              "requires a client certificate (--cert/--key), and "
              "--plaintext must match how the server was started");
        }
        return absl::StrCat("the connection to ", at_server,
                            " was lost; is catalogd still running?");
      }
      return absl::StrCat("cannot reach ", at_server,
                          "; is catalogd running? check --server "
                          "(or CATALOG_SERVER)");
    case absl::StatusCode::kUnauthenticated:
      return std::string(
          "the server did not accept your client certificate; check "
          "--cert/--key/--ca (or CATALOG_CERT/CATALOG_KEY/CATALOG_CA)");
    case absl::StatusCode::kPermissionDenied:
      // The server names the principal in its message, shown after this.
      if (MessageMentions(status, "principal \"anonymous\"")) {
        return std::string(
            "permission denied: the server saw no client certificate (a "
            "--plaintext connection carries none), so your principal is "
            "\"anonymous\" and not allowed to do this; connect over TLS "
            "with --cert/--key, or (development only) grant \"anonymous\" "
            "a role in the server's policy");
      }
      if (MessageMentions(status, "not known to the access policy")) {
        return std::string(
            "permission denied: your certificate's principal is not allowed "
            "to do anything here, as the server's access policy does not "
            "know it; ask the catalogue's administrator to grant it a role, "
            "or check that --cert (CATALOG_CERT) is the certificate you "
            "mean");
      }
      if (MessageMentions(status, "doelbinding")) {
        return std::string(
            "permission denied: the purpose you stated (--purpose) is not one "
            "the dataset declares (doelbinding); state one of its declared "
            "purposes, or ask its owner to record yours");
      }
      return std::string(
          "permission denied: your certificate's principal is not allowed "
          "to do this; ask the catalogue's administrator for a role that "
          "may, or use the certificate of one (--cert/--key)");
    case absl::StatusCode::kFailedPrecondition:
      if (MessageMentions(status, "purpose")) {
        return std::string(
            "the server needs to know why you ask (doelbinding: metadata "
            "x-purpose); state one of the dataset's declared purposes with "
            "--purpose or CATALOG_PURPOSE, e.g. --purpose \"onderzoek\"");
      }
      return absl::nullopt;
    case absl::StatusCode::kDeadlineExceeded:
      return absl::StrCat(
          at_server,
          " did not answer in time; raise --timeout or try again later");
    case absl::StatusCode::kAborted:
      return std::string(
          "someone else changed the dataset since you read it; read it "
          "again and retry with the new etag");
    default:
      return absl::nullopt;
  }
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::Status UsageError(absl::string_view message) {
  return MarkUsageError(absl::InvalidArgumentError(message));
}

bool IsUsageError(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kUsagePayload).has_value();
}

absl::Status MarkUsageError(absl::Status status) {
  if (!status.ok()) status.SetPayload(kUsagePayload, absl::Cord("1"));
  return status;
}

absl::Status CheckFailedError(absl::string_view message) {
  absl::Status status = absl::DataLossError(message);
  status.SetPayload(kCheckFailedPayload, absl::Cord("1"));
  return status;
}

bool IsCheckFailed(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kCheckFailedPayload).has_value();
}

absl::Status WithServer(absl::Status status, absl::string_view server) {
  if (!status.ok() && !server.empty()) {
    status.SetPayload(kServerPayload, absl::Cord(server));
  }
  return status;
}

absl::Status AddContext(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  absl::Status result(status.code(),
                      absl::StrCat(prefix, ": ", status.message()));
  status.ForEachPayload(
      [&result](absl::string_view type_url, const absl::Cord& payload) {
        result.SetPayload(type_url, payload);
      });
  return result;
}

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return 0;
  if (IsUsageError(status)) return kUsageExitCode;
  if (IsCheckFailed(status)) return kCheckFailedExitCode;
  return static_cast<int>(status.code());
}

std::string DescribeError(const absl::Status& status) {
  if (status.ok()) return "OK";
  if (IsUsageError(status) || IsCheckFailed(status)) {
    return std::string(status.message());
  }
  absl::optional<std::string> hint = Hint(status);
  if (!hint) return CodeAndMessage(status);
  return absl::StrCat(*hint, " (", CodeAndMessage(status), ")");
}

}  // namespace catalog::client
