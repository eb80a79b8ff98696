#include "client/lib/local_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/lib/status.h"

namespace catalog::client {

absl::StatusOr<std::unique_ptr<std::ifstream>> OpenLocalFile(const std::string& path,
                                                             absl::string_view what) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(st)) {
    return MarkUsageError(absl::NotFoundError(absl::StrCat(what, " does not exist")));
  }
  if (std::filesystem::is_directory(st)) {
    return MarkUsageError(absl::InvalidArgumentError(absl::StrCat(what, " is a directory")));
  }
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) {
    return MarkUsageError(absl::InvalidArgumentError(
        absl::StrCat("cannot read ", what, ": ", std::strerror(errno))));
  }
  return in;
}

absl::StatusOr<std::string> ReadLocalFile(const std::string& path, absl::string_view what) {
  absl::StatusOr<std::unique_ptr<std::ifstream>> in = OpenLocalFile(path, what);
  if (!in.ok()) return in.status();
  std::ostringstream content;
  content << (*in)->rdbuf();
  if ((*in)->bad()) {
    return MarkUsageError(absl::InvalidArgumentError(absl::StrCat("cannot read ", what)));
  }
  return std::move(content).str();
}

}  // namespace catalog::client
