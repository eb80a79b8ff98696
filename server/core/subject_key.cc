#include "server/core/subject_key.h"

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace catalog::server {
namespace {

// Whether `path` lies inside directory `dir` (both made absolute, with
// symbolic links resolved as far as they exist).
bool Inside(const std::string& path, const std::string& dir) {
  std::error_code error;
  const std::filesystem::path file = std::filesystem::weakly_canonical(path, error);
  const std::filesystem::path root = std::filesystem::weakly_canonical(dir, error);
  if (root.empty()) return false;
  auto [root_end, file_at] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  return root_end == root.end();
}

}  // namespace

absl::StatusOr<SubjectKey> SubjectKey::Load(const std::string& path,
                                            const std::string& data_dir) {
  const std::string what = absl::StrCat("processing_subject_key_file ", path);
  if (!data_dir.empty() && Inside(path, data_dir)) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " lies inside the data directory ", data_dir,
        "; keep the key apart, so that a copy of the data holds no way back to the ids"));
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat(what, " cannot be read"));
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " may be read by others than its owner; chmod 600 it"));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) return absl::NotFoundError(absl::StrCat(what, " cannot be read"));
  std::string key = bytes.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.size() < kMinKeyBytes) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " holds ", key.size(), " bytes; a subject key needs at least ", kMinKeyBytes,
        " (for example: openssl rand -hex 32 > FILE)"));
  }
  return SubjectKey(std::move(key));
}

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

}  // namespace

struct SubjectKey::Pads {
  MdCtx inner{EVP_MD_CTX_new()};
  MdCtx outer{EVP_MD_CTX_new()};
};

namespace {

constexpr size_t kSha256BlockBytes = 64;

// Starts `ctx` as SHA-256 with `key` XOR `pad` (one block) absorbed.
void AbsorbPaddedKey(EVP_MD_CTX* ctx, const unsigned char* key, unsigned char pad) {
  unsigned char block[kSha256BlockBytes];
  for (size_t i = 0; i < kSha256BlockBytes; ++i) block[i] = key[i] ^ pad;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, block, sizeof(block));
  OPENSSL_cleanse(block, sizeof(block));
}

// SHA-256 of `data` continued from the state `start`.
void Continue(const EVP_MD_CTX* start, const void* data, size_t size, unsigned char* out) {
  MdCtx ctx(EVP_MD_CTX_new());
  unsigned int written = 0;
  EVP_MD_CTX_copy_ex(ctx.get(), start);
  EVP_DigestUpdate(ctx.get(), data, size);
  EVP_DigestFinal_ex(ctx.get(), out, &written);
}

}  // namespace

SubjectKey::SubjectKey(std::string key) {
  // RFC 2104: a key longer than a block is hashed first; shorter ones are
  // padded with zeros.
  unsigned char block[kSha256BlockBytes] = {};
  if (key.size() > kSha256BlockBytes) {
    unsigned int written = 0;
    EVP_Digest(key.data(), key.size(), block, &written, EVP_sha256(), nullptr);
  } else {
    std::copy(key.begin(), key.end(), block);
  }
  OPENSSL_cleanse(key.data(), key.size());
  auto pads = std::make_shared<Pads>();
  AbsorbPaddedKey(pads->inner.get(), block, 0x36);
  AbsorbPaddedKey(pads->outer.get(), block, 0x5c);
  OPENSSL_cleanse(block, sizeof(block));
  pads_ = std::move(pads);
}

std::string SubjectKey::Hash(absl::string_view id_type, absl::string_view id) const {
  std::string message;
  message.reserve(id_type.size() + 1 + id.size());
  message.append(id_type.data(), id_type.size());
  message.push_back('\0');
  message.append(id.data(), id.size());
  unsigned char inner[kHashBytes];
  Continue(pads_->inner.get(), message.data(), message.size(), inner);
  std::string out(kHashBytes, '\0');
  Continue(pads_->outer.get(), inner, sizeof(inner), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string NormalizeIdType(absl::string_view id_type) {
  id_type = absl::StripAsciiWhitespace(id_type);
  if (absl::StrContains(id_type, ':') || absl::StrContains(id_type, '/')) {
    return std::string(id_type);
  }
  return absl::AsciiStrToUpper(id_type);
}

bool IsValidBsn(absl::string_view id) {
  if (id.size() != 9) return false;
  int sum = 0;
  for (size_t i = 0; i < 9; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) return false;
    const int digit = id[i] - '0';
    sum += (i == 8 ? -1 : static_cast<int>(9 - i)) * digit;
  }
  return sum % 11 == 0 && id != "000000000";
}

}  // namespace catalog::server
