// Status handling on the client side: gRPC status -> absl::Status (the only
// place this conversion happens in the client), absl::Status -> process exit
// code, and absl::Status -> a message a person can act on.
//
// All functions are pure and thread-safe.
#ifndef CATALOG_CLIENT_LIB_STATUS_H_
#define CATALOG_CLIENT_LIB_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace catalog::client {

// Exit code of a command-line usage error (bad flag, bad argument), as in
// BSD sysexits.h EX_USAGE.
inline constexpr int kUsageExitCode = 64;

// Exit code of a check that ran to the end and found a problem (`audit
// verify` on a broken trail), as diff(1) and grep(1) use 1: the result is
// printed as usual, and the command fails.
inline constexpr int kCheckFailedExitCode = 1;

// absl and gRPC share the canonical codes, so the conversion is a cast. The
// message is kept as is.
absl::Status FromGrpcStatus(const grpc::Status& status);

// An INVALID_ARGUMENT status marked as a usage error: the caller got the
// command line wrong, nothing was sent. ExitCodeFor maps it to
// kUsageExitCode.
absl::Status UsageError(absl::string_view message);

// True when `status` was made by UsageError (or marked by MarkUsageError).
bool IsUsageError(const absl::Status& status);

// Marks a non-OK `status` as a usage error, keeping its code and message.
// Returns OK unchanged.
absl::Status MarkUsageError(absl::Status status);

// A DATA_LOSS status marked as a failed check: the call succeeded and its
// result says that something is wrong. ExitCodeFor maps it to
// kCheckFailedExitCode; DescribeError shows `message` as is.
absl::Status CheckFailedError(absl::string_view message);

// True when `status` was made by CheckFailedError.
bool IsCheckFailed(const absl::Status& status);

// Records the server address on a non-OK `status` so DescribeError can name
// it. Returns OK unchanged.
absl::Status WithServer(absl::Status status, absl::string_view server);

// `status` with its message prefixed by "<prefix>: ", keeping its code and
// payloads (usage mark, server). Returns OK unchanged.
absl::Status AddContext(const absl::Status& status, absl::string_view prefix);

// Process exit code for `status`: 0 for OK, kUsageExitCode for usage errors,
// kCheckFailedExitCode for failed checks, otherwise the canonical code
// number (1..16).
int ExitCodeFor(const absl::Status& status);

// One paragraph describing a non-OK `status`, with a hint on what to do for
// the errors a person can usually fix (server unreachable, certificate not
// accepted, permission, missing purpose, deadline). Returns "OK" for OK.
std::string DescribeError(const absl::Status& status);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_STATUS_H_
