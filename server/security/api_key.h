// Bearer API keys of standard emitters (the OpenLineage HTTP transport):
// the policy holds only their SHA-256 digests (hex), compared in constant
// time. Pure functions; thread-safe.
#ifndef CATALOG_SERVER_SECURITY_API_KEY_H_
#define CATALOG_SERVER_SECURITY_API_KEY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace catalog::server {

// Shortest key `catalogd hash-api-key` accepts (e.g. `openssl rand -hex 32`
// makes 64 characters).
inline constexpr size_t kMinApiKeyLength = 32;

// The SHA-256 digest of `key`, lower-case hex (64 characters).
std::string ApiKeyDigest(absl::string_view key);

// OK when `digest` is 64 lower-case hex characters; INVALID_ARGUMENT
// otherwise.
absl::Status CheckApiKeyDigest(absl::string_view digest);

// Whether two digests are equal, in time independent of where they differ.
bool SameDigest(absl::string_view a, absl::string_view b);

// The key `catalogd hash-api-key` was given (stdin, one trailing newline
// dropped), checked: INVALID_ARGUMENT when shorter than kMinApiKeyLength or
// holding whitespace or control characters (which an Authorization header
// cannot carry).
absl::Status CheckNewApiKey(absl::string_view key);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SECURITY_API_KEY_H_
