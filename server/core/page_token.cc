#include "server/core/page_token.h"

#include <memory>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "storage/key_codec.h"

namespace catalog::server {
namespace {

constexpr uint8_t kTokenVersion = 2;
constexpr int kNonceSize = 12;
constexpr int kTagSize = 16;

struct CipherDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Cipher = std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter>;

const unsigned char* Bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status InvalidToken() {
  return absl::InvalidArgumentError(
      "page_token: not a token of this query (use next_page_token of the previous response, "
      "with the same filter and order)");
}

}  // namespace

uint64_t QueryFingerprint(absl::string_view query_bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : query_bytes) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

PageTokens::PageTokens(std::string key) : key_(std::move(key)) {}

std::string PageTokens::Encode(uint64_t fingerprint, absl::string_view position) const {
  if (position.empty()) return {};
  std::string plain;
  storage::AppendUint64(&plain, fingerprint);
  plain.append(position.data(), position.size());

  std::string nonce(kNonceSize, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), kNonceSize);
  std::string sealed(plain.size(), '\0');
  std::string tag(kTagSize, '\0');
  Cipher cipher(EVP_CIPHER_CTX_new());
  int length = 0;
  if (cipher == nullptr || key_.size() != kKeySize ||
      EVP_EncryptInit_ex(cipher.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), Bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(cipher.get(), reinterpret_cast<unsigned char*>(sealed.data()), &length,
                        Bytes(plain), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(cipher.get(), nullptr, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag.data()) != 1) {
    return {};  // Unreachable with a valid key; an empty token ends the listing.
  }
  std::string raw;
  storage::AppendUint8(&raw, kTokenVersion);
  raw += nonce + sealed + tag;
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> PageTokens::Decode(absl::string_view token,
                                               uint64_t fingerprint) const {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) ||
      raw.size() < 1 + kNonceSize + 8 + kTagSize || static_cast<uint8_t>(raw[0]) != kTokenVersion) {
    return InvalidToken();
  }
  const std::string nonce = raw.substr(1, kNonceSize);
  const std::string sealed = raw.substr(1 + kNonceSize, raw.size() - 1 - kNonceSize - kTagSize);
  std::string tag = raw.substr(raw.size() - kTagSize);
  std::string plain(sealed.size(), '\0');
  Cipher cipher(EVP_CIPHER_CTX_new());
  int length = 0;
  if (cipher == nullptr || key_.size() != kKeySize ||
      EVP_DecryptInit_ex(cipher.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), Bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(cipher.get(), reinterpret_cast<unsigned char*>(plain.data()), &length,
                        Bytes(sealed), static_cast<int>(sealed.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(cipher.get(), nullptr, &length) != 1) {
    return InvalidToken();  // Altered, or sealed with another key.
  }
  std::string_view in = plain;
  uint64_t stored = 0;
  if (!storage::ConsumeUint64(&in, &stored) || stored != fingerprint || in.empty()) {
    return InvalidToken();
  }
  return std::string(in);
}

absl::StatusOr<Paging> Paging::Open(const PageTokens& tokens, absl::string_view query,
                                    absl::string_view page_token) {
  const uint64_t fingerprint = QueryFingerprint(query);
  absl::StatusOr<std::string> position = tokens.Decode(page_token, fingerprint);
  if (!position.ok()) return position.status();
  return Paging(tokens, fingerprint, *std::move(position));
}

std::string Paging::NextToken(absl::string_view next) const {
  return tokens_->Encode(fingerprint_, next);
}

}  // namespace catalog::server
