// Bulk loading through the batch streams: datasets through UpsertDatasets,
// measurements through RecordMeasurements. Both are driven the same way.
#ifndef CATALOG_CLIENT_LIB_BULK_LOADER_H_
#define CATALOG_CLIENT_LIB_BULK_LOADER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog/v1/catalog_service.grpc.pb.h"
#include "catalog/v1/quality_service.grpc.pb.h"
#include "client/lib/connection.h"

namespace catalog::client {

// Largest batch the server accepts (UpsertDatasetsRequest,
// RecordMeasurementsRequest).
inline constexpr int kMaxBatchSize = 1000;
// Batches sent but not yet answered. Enough to keep the server busy while
// a response travels back; bounded so memory stays bounded.
inline constexpr int kMaxBatchesInFlight = 8;
// Number of failed items whose result BulkLoad keeps.
inline constexpr int kMaxFailuresKept = 1000;
// The stream's deadline is the longer of this and ConnectionOptions::timeout:
// a load of a million datasets takes minutes, not the 30 s of a unary call.
inline constexpr absl::Duration kBulkLoadMinTimeout = absl::Hours(1);

struct BulkLoadResult {
  int64_t created = 0;
  int64_t replaced = 0;
  // Equal to what was stored: nothing written for them.
  int64_t unchanged = 0;
  int64_t failed = 0;
  // The results of the first kMaxFailuresKept failed items, and the 0-based
  // position of each in the load.
  std::vector<catalog::v1::UpsertResult> failures;
  std::vector<int64_t> failure_positions;

  int64_t total() const { return created + replaced + unchanged + failed; }
};

// Streams datasets to the server in batches of at most `batch_size`
// (1..kMaxBatchSize) and counts the outcomes. `next` is called on the
// calling thread to fill the next dataset into an empty Dataset and return
// true, or to return false at the end; it is never called again after
// returning false. Responses are read on a second thread while the next
// batches are sent, with up to kMaxBatchesInFlight batches unanswered.
//
// Items fail independently: a failed item is counted in `failed`, and the
// load goes on. With `validate_only` every batch is only checked by the
// server (nothing is written) and the counts say what would happen. Returns INVALID_ARGUMENT for a bad `batch_size`, and the
// stream's status when the stream itself fails (server unreachable,
// rejected, cut off); its message then says how many datasets had been
// stored. Thread-compatible: `stub` may be shared, the call blocks.
absl::StatusOr<BulkLoadResult> BulkLoad(
    catalog::v1::CatalogService::Stub& stub, const ConnectionOptions& options,
    const std::function<bool(catalog::v1::Dataset*)>& next,
    int batch_size = 500, bool validate_only = false);

// A failed measurement of RecordMeasurementsBulk.
struct MeasurementFailure {
  // 0-based position of the measurement in the load.
  int64_t index = 0;
  int32_t code = 0;
  std::string message;
};

struct MeasurementLoadResult {
  int64_t recorded = 0;
  int64_t failed = 0;
  // The first kMaxFailuresKept failed items.
  std::vector<MeasurementFailure> failures;

  int64_t total() const { return recorded + failed; }
};

// As BulkLoad, for measurements through RecordMeasurements: the same
// batching, flow control, per-item failures and stream errors.
absl::StatusOr<MeasurementLoadResult> RecordMeasurementsBulk(
    catalog::v1::QualityService::Stub& stub, const ConnectionOptions& options,
    const std::function<bool(catalog::v1::Measurement*)>& next,
    int batch_size = kMaxBatchSize, bool validate_only = false);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_BULK_LOADER_H_
