#include "server/core/page_token.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "storage/key_codec.h"

namespace catalog::server {
namespace {

constexpr uint8_t kTokenVersion = 1;

}  // namespace

uint64_t QueryFingerprint(absl::string_view query_bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : query_bytes) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string EncodePageToken(uint64_t fingerprint, absl::string_view position) {
  if (position.empty()) return {};
  std::string raw;
  storage::AppendUint8(&raw, kTokenVersion);
  storage::AppendUint64(&raw, fingerprint);
  raw.append(position.data(), position.size());
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, uint64_t fingerprint) {
  if (token.empty()) return std::string();
  std::string raw;
  const auto invalid = absl::InvalidArgumentError(
      "page_token: not a token of this query (use next_page_token of the previous "
      "response, with the same filter and order)");
  if (!absl::WebSafeBase64Unescape(token, &raw)) return invalid;
  std::string_view in = raw;
  uint8_t version = 0;
  uint64_t stored = 0;
  if (!storage::ConsumeUint8(&in, &version) || version != kTokenVersion ||
      !storage::ConsumeUint64(&in, &stored) || stored != fingerprint || in.empty()) {
    return invalid;
  }
  return std::string(in);
}

}  // namespace catalog::server
