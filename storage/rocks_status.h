// The one place where rocksdb::Status becomes absl::Status.
#ifndef CATALOG_STORAGE_ROCKS_STATUS_H_
#define CATALOG_STORAGE_ROCKS_STATUS_H_

#include "absl/strings/string_view.h"

#include <rocksdb/status.h>

#include "absl/status/status.h"

namespace catalog::storage {

// Maps a RocksDB status to the canonical code that tells a caller what to do:
// NoSpace -> RESOURCE_EXHAUSTED, IOError/Busy/TimedOut -> UNAVAILABLE,
// Corruption -> DATA_LOSS, NotFound -> NOT_FOUND, InvalidArgument ->
// INVALID_ARGUMENT, anything else INTERNAL. `what` says what was being done.
absl::Status FromRocksStatus(const rocksdb::Status& status, absl::string_view what);

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_ROCKS_STATUS_H_
