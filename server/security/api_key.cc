#include "server/security/api_key.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace catalog::server {

std::string ApiKeyDigest(absl::string_view key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(key.data(), key.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::Status CheckApiKeyDigest(absl::string_view digest) {
  bool hex = digest.size() == 64;
  for (char c : digest) hex = hex && absl::ascii_isxdigit(c) && !absl::ascii_isupper(c);
  if (hex) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "sha256 must be the SHA-256 digest of the key as 64 lower-case hex characters "
      "(catalogd hash-api-key prints it)");
}

bool SameDigest(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::Status CheckNewApiKey(absl::string_view key) {
  if (key.size() < kMinApiKeyLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the key has ", key.size(), " characters; use at least ", kMinApiKeyLength,
        " random ones, e.g. from `openssl rand -hex 32`"));
  }
  for (char c : key) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          "the key holds whitespace or control characters; an Authorization header cannot "
          "carry them");
    }
  }
  return absl::OkStatus();
}

}  // namespace catalog::server
