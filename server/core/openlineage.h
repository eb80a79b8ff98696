// OpenLineage run events (spec 2-0-x), parsed and checked: the part of an
// event the catalogue uses. Pure functions, thread-safe.
//
// Used: eventType, eventTime, run.runId, run.facets.errorMessage.message,
// job.namespace, job.name, job.facets.documentation.description, and per
// input/output dataset: namespace, name, facets.schema.fields[].{name,type}
// and (outputs) facets.columnLineage.fields.{field}.{inputFields[],
// transformationDescription}. Everything else is ignored, as the spec asks
// of consumers.
#ifndef CATALOG_SERVER_CORE_OPENLINEAGE_H_
#define CATALOG_SERVER_CORE_OPENLINEAGE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "catalog/v1/lineage.pb.h"

namespace catalog::server::openlineage {

// A field of an output fed by fields of inputs.
struct ColumnLineage {
  struct Input {
    std::string ns, name, field;
  };
  std::string field;  // Output field.
  std::vector<Input> inputs;
  std::string transformation;
};

struct DatasetRef {
  std::string ns, name;
  // Schema facet: (name, type) pairs; has_schema when the facet was sent.
  bool has_schema = false;
  std::vector<std::pair<std::string, std::string>> fields;
  // Column-lineage facet (outputs); has_column_lineage when it was sent.
  bool has_column_lineage = false;
  std::vector<ColumnLineage> column_lineage;
};

struct RunEvent {
  catalog::v1::RunState state = catalog::v1::RUN_STATE_UNSPECIFIED;
  absl::Time time;
  std::string run_id;
  std::string job_ns, job_name, job_description;
  std::string error_message;
  std::vector<DatasetRef> inputs, outputs;
};

// Parses one event (JSON text). INVALID_ARGUMENT naming the problem with
// `path` as prefix, e.g. "events[3].eventTime: required".
absl::StatusOr<RunEvent> ParseRunEvent(absl::string_view json, const std::string& path);

}  // namespace catalog::server::openlineage

#endif  // CATALOG_SERVER_CORE_OPENLINEAGE_H_
