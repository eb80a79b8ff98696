// The key that turns a data subject's id into the keyed hash the processing
// log stores and looks up (HMAC-SHA256 over the id type, a zero byte and the
// id). The plain id is never stored: without the key, the hashes cannot be
// tested against candidate ids (a BSN has only 10^9 values, so an unkeyed
// hash would be no protection).
//
// The key lives in a file named by the configuration
// (processing_subject_key_file), outside the data directory, so that a copy
// of the data directory (a backup) holds no way back to the ids. The file
// holds at least 32 bytes (any bytes; scripts/run.sh writes 32 random bytes
// in hex). Thread-safe after Load.
#ifndef CATALOG_SERVER_CORE_SUBJECT_KEY_H_
#define CATALOG_SERVER_CORE_SUBJECT_KEY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace catalog::server {

class SubjectKey {
 public:
  static constexpr size_t kMinKeyBytes = 32;
  static constexpr size_t kHashBytes = 32;

  // Reads the key from `path`. FAILED_PRECONDITION when the file lies inside
  // `data_dir`, is readable by others than its owner, or is shorter than
  // kMinKeyBytes; NOT_FOUND when it cannot be read.
  static absl::StatusOr<SubjectKey> Load(const std::string& path, const std::string& data_dir);
  // A key from bytes (tests, benchmarks).
  explicit SubjectKey(std::string key);

  // HMAC-SHA256(key, id_type || 0x00 || id): kHashBytes bytes (RFC 2104).
  std::string Hash(absl::string_view id_type, absl::string_view id) const;

 private:
  // SHA-256 states with the inner and outer padded key absorbed, computed
  // once: each hash copies them instead of re-keying (a fifth of the cost).
  struct Pads;
  std::shared_ptr<const Pads> pads_;
};

// The id type as it is hashed: surrounding white space removed, and a short
// code ("bsn", "Bsn") in capitals ("BSN"); a URI is kept as given.
std::string NormalizeIdType(absl::string_view id_type);

// Whether `id` is a BSN: nine digits that pass the elfproef (11-test).
bool IsValidBsn(absl::string_view id);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_SUBJECT_KEY_H_
