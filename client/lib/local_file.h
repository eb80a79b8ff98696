// Reading the caller's own files (input files, certificates and keys).
//
// A file that is missing or cannot be read is the caller's mistake, not the
// server's answer: every error is marked as a usage error (exit 64), so that
// a script does not read NOT_FOUND as "no such dataset". Messages name the
// file as `what` describes it ("input file \"ds.json\"", "client key file
// \"me.key\" (--key)").
#ifndef CATALOG_CLIENT_LIB_LOCAL_FILE_H_
#define CATALOG_CLIENT_LIB_LOCAL_FILE_H_

#include <fstream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace catalog::client {

// Opens `path` for reading: NOT_FOUND when it does not exist,
// INVALID_ARGUMENT when it is a directory or cannot be opened.
absl::StatusOr<std::unique_ptr<std::ifstream>> OpenLocalFile(const std::string& path,
                                                             absl::string_view what);

// The whole content of `path`; errors as OpenLocalFile, and INVALID_ARGUMENT
// when reading fails part-way.
absl::StatusOr<std::string> ReadLocalFile(const std::string& path, absl::string_view what);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_LOCAL_FILE_H_
