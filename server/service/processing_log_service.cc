#include "server/service/processing_log_service.h"

#include "absl/strings/str_cat.h"
#include "server/core/processing_wire.h"
#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace otlp = ::opentelemetry::proto::collector::trace::v1;

grpc::ServerUnaryReactor* LogboekServiceImpl::Export(
    grpc::CallbackServerContext* context, const logboek::v1::ExportOperationsRequest* request,
    logboek::v1::ExportOperationsResponse* response) {
  return RunBlocking(
      deps_, context, method::kLogboekExport, request, response,
      [this, request](const Caller& c) -> absl::StatusOr<logboek::v1::ExportOperationsResponse> {
        if (!request->has_resource()) {
          return absl::InvalidArgumentError("resource: required (the application that logs)");
        }
        absl::StatusOr<ExportResult> result =
            log_->Export(FromLogboek(*request), true, LogboekPath, c);
        if (!result.ok()) return result.status();
        return logboek::v1::ExportOperationsResponse();
      });
}

grpc::ServerUnaryReactor* OtlpTraceServiceImpl::Export(
    grpc::CallbackServerContext* context, const otlp::ExportTraceServiceRequest* request,
    otlp::ExportTraceServiceResponse* response) {
  return RunBlocking(
      deps_, context, method::kOtlpTraceExport, request, response,
      [this, request](const Caller& c) -> absl::StatusOr<otlp::ExportTraceServiceResponse> {
        OtlpOperations operations = FromOtlp(*request);
        absl::StatusOr<ExportResult> result = log_->Export(
            std::move(operations.inputs), false,
            [&operations](size_t i) { return operations.paths[i]; }, c);
        if (!result.ok()) return result.status();
        otlp::ExportTraceServiceResponse answer;
        if (!result->rejected.empty()) {
          // OTLP's partial success: the count, and the first problem.
          otlp::ExportTracePartialSuccess* partial = answer.mutable_partial_success();
          partial->set_rejected_spans(static_cast<int64_t>(result->rejected.size()));
          partial->set_error_message(
              absl::StrCat(result->rejected.size(), " of ", operations.paths.size(),
                           " spans rejected; the first: ", result->rejected.front().second.message()));
        }
        return answer;
      });
}

}  // namespace catalog::server
