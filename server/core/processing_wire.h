// The two wire protocols of the processing log, turned into OperationInput
// (processing_log.h): OTLP spans (opentelemetry.proto.trace.v1, the
// protocol the Logboek Dataverwerkingen standard recommends) and the
// reference implementation's logboek.v1 operations. Only conversion here;
// the rules are applied by ProcessingLog.
#ifndef CATALOG_SERVER_CORE_PROCESSING_WIRE_H_
#define CATALOG_SERVER_CORE_PROCESSING_WIRE_H_

#include <string>
#include <vector>

#include "logboek/v1/logboek.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "server/core/processing_log.h"

namespace catalog::server {

// The operations of a logboek.v1 request; operation i's errors start with
// LogboekPath(i).
std::vector<OperationInput> FromLogboek(const logboek::v1::ExportOperationsRequest& request);
std::string LogboekPath(size_t i);

// The spans of an OTLP request, in order, with the path of each
// ("resource_spans[0].scope_spans[1].spans[7]").
struct OtlpOperations {
  std::vector<OperationInput> inputs;
  std::vector<std::string> paths;
};
OtlpOperations FromOtlp(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_PROCESSING_WIRE_H_
