// Page tokens: opaque to clients, bound to the query that produced them.
//
// A token is base64url(version | fingerprint of the query | position). A
// token used with another query, or altered, is INVALID_ARGUMENT. Tokens stay
// valid across server restarts (the fingerprint is a stable hash).
#ifndef CATALOG_SERVER_CORE_PAGE_TOKEN_H_
#define CATALOG_SERVER_CORE_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace catalog::server {

// A stable 64-bit hash (FNV-1a) of the bytes that define a query.
uint64_t QueryFingerprint(absl::string_view query_bytes);

// Encodes a position; an empty position gives an empty token (the end).
std::string EncodePageToken(uint64_t fingerprint, absl::string_view position);

// Decodes a token made by EncodePageToken with the same fingerprint. An empty
// token gives an empty position (the start).
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, uint64_t fingerprint);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_PAGE_TOKEN_H_
