// Page tokens: opaque to clients, bound to the query that produced them, and
// sealed so that they reveal nothing.
//
// A token is base64url(version | nonce | AES-256-GCM(fingerprint of the query
// | position) | tag). The position may be a storage key of a dataset the
// caller cannot see (a page can end on one when the scan budget runs out);
// sealing keeps it secret, and the tag makes an altered token, or one used
// with another query, INVALID_ARGUMENT. The key is kept in the store, so
// tokens stay valid across restarts. Thread-safe (const).
#ifndef CATALOG_SERVER_CORE_PAGE_TOKEN_H_
#define CATALOG_SERVER_CORE_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace catalog::server {

// A stable 64-bit hash (FNV-1a) of the bytes that define a query.
uint64_t QueryFingerprint(absl::string_view query_bytes);

class PageTokens {
 public:
  static constexpr size_t kKeySize = 32;

  // `key`: kKeySize secret bytes.
  explicit PageTokens(std::string key);

  // Seals a position; an empty position gives an empty token (the end).
  std::string Encode(uint64_t fingerprint, absl::string_view position) const;

  // Opens a token made by Encode with the same fingerprint and key. An empty
  // token gives an empty position (the start). INVALID_ARGUMENT otherwise.
  absl::StatusOr<std::string> Decode(absl::string_view token, uint64_t fingerprint) const;

 private:
  std::string key_;
};

// The paging of one List call: the position its page token resumes from,
// bound to the query (the bytes that define it: everything but page size
// and token), and the token of the page after it.
class Paging {
 public:
  // INVALID_ARGUMENT for a token altered or made for another query.
  static absl::StatusOr<Paging> Open(const PageTokens& tokens, absl::string_view query,
                                     absl::string_view page_token);

  // Empty at the start.
  const std::string& position() const { return position_; }
  // The token that resumes at `next`; empty (the end) for an empty `next`.
  std::string NextToken(absl::string_view next) const;

 private:
  Paging(const PageTokens& tokens, uint64_t fingerprint, std::string position)
      : tokens_(&tokens), fingerprint_(fingerprint), position_(std::move(position)) {}

  const PageTokens* tokens_;
  uint64_t fingerprint_;
  std::string position_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_PAGE_TOKEN_H_
