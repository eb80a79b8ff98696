// The processing log's intake: operations exported by applications (over
// OTLP or logboek.v1, converted by processing_wire.h into OperationInput)
// are checked, their activity resolved to the register version current at
// their start, their subject id replaced by its keyed hash, and stored
// durably in one write with the call's audit entry. The rules are listed in
// protos/catalog/v1/accountability_service.proto and docs/ARCHITECTURE.md.
// Thread-safe (the store is).
#ifndef CATALOG_SERVER_CORE_PROCESSING_LOG_H_
#define CATALOG_SERVER_CORE_PROCESSING_LOG_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog/v1/accountability_service.pb.h"
#include "server/core/caller.h"
#include "server/core/subject_key.h"
#include "storage/catalog_store.h"

namespace catalog::server {

// The attribute keys of the Logboek Dataverwerkingen standard.
namespace dpl {
inline constexpr char kActivity[] = "dpl.core.processing_activity_id";
// The key the reference Go library sends (a typo there); accepted as the
// same.
inline constexpr char kActivityMisspelled[] = "dpl.core.procsssing_activity_id";
inline constexpr char kSubjectId[] = "dpl.core.data_subject_id";
inline constexpr char kSubjectIdType[] = "dpl.core.data_subject_id_type";
inline constexpr char kForeignSpanId[] = "dpl.core.foreign_operation.span_id";
inline constexpr char kForeignProcessor[] = "dpl.core.foreign_operation.processor";
}  // namespace dpl

// The names a wire protocol gives the fields that differ (for errors).
struct WireNames {
  const char* span_id;
  const char* parent_span_id;
  const char* foreign_span_id;
};

// One operation as it arrived, before any check.
struct OperationInput {
  const WireNames* names = nullptr;
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;
  std::string name;
  // Unset: absent on the wire.
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;
  catalog::v1::OperationStatus status = catalog::v1::OPERATION_STATUS_UNSET;
  std::string activity;  // The attribute's value.
  std::string subject_id;
  std::string subject_id_type;
  catalog::v1::ForeignOperation foreign;
  std::string application;
  std::string application_version;
  // A problem the wire conversion found (an attribute of the wrong type),
  // reported as this operation's error.
  absl::Status wire_problem;
};

struct ProcessingLogLimits {
  // How far an operation's start may lie ahead of the server's clock.
  absl::Duration max_clock_skew = absl::Minutes(5);
  size_t max_name_bytes = 1024;
  // Operations per export call.
  size_t max_operations = 10000;
};

// What became of an export.
struct ExportResult {
  int64_t stored = 0;
  int64_t duplicates = 0;  // Stored before with the same content.
  // Index of each rejected operation and why, in order.
  std::vector<std::pair<size_t, absl::Status>> rejected;
};

class ProcessingLog {
 public:
  // `store` must outlive this object. Without a key (null) every export
  // fails FAILED_PRECONDITION: the server was not given a subject key.
  ProcessingLog(storage::CatalogStore* store, std::shared_ptr<const SubjectKey> key,
                ProcessingLogLimits limits);

  // Checks, resolves and stores `inputs`. All-or-nothing (logboek.v1): the
  // first invalid operation is returned as INVALID_ARGUMENT (its message
  // starting with `path(i)`) and nothing is stored. Otherwise (OTLP) the
  // valid ones are stored and the others listed in `rejected`.
  absl::StatusOr<ExportResult> Export(std::vector<OperationInput> inputs, bool all_or_nothing,
                                      const std::function<std::string(size_t)>& path,
                                      const Caller& caller);

  const SubjectKey* key() const { return key_.get(); }
  const ProcessingLogLimits& limits() const { return limits_; }

 private:
  class Resolver;
  // The record of one input, or why it is refused (a field error without
  // the operation's path).
  absl::StatusOr<storage::OperationWrite> Check(const OperationInput& input, Resolver& resolver,
                                                const Caller& caller) const;

  storage::CatalogStore* store_;
  std::shared_ptr<const SubjectKey> key_;
  ProcessingLogLimits limits_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_PROCESSING_LOG_H_
