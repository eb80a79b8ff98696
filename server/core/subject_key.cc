#include "server/core/subject_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

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

std::string SubjectKey::Hash(absl::string_view id_type, absl::string_view id) const {
  std::string message;
  message.reserve(id_type.size() + 1 + id.size());
  message.append(id_type.data(), id_type.size());
  message.push_back('\0');
  message.append(id.data(), id.size());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
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
