// The gRPC faces of the processing log's intake, on catalogd's own listener
// with its mTLS: logboek.v1.LogboekService (the reference implementation's
// protocol, all-or-nothing) and OTLP's TraceService (partial success).
// Thin: the wire is converted by server/core/processing_wire.h and the rules
// are ProcessingLog's.
#ifndef CATALOG_SERVER_SERVICE_PROCESSING_LOG_SERVICE_H_
#define CATALOG_SERVER_SERVICE_PROCESSING_LOG_SERVICE_H_

#include "logboek/v1/logboek.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "server/core/processing_log.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class LogboekServiceImpl final : public logboek::v1::LogboekService::CallbackService {
 public:
  LogboekServiceImpl(ProcessingLog* log, ServiceDeps deps) : log_(log), deps_(deps) {}

  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const logboek::v1::ExportOperationsRequest* request,
                                   logboek::v1::ExportOperationsResponse* response) override;

 private:
  ProcessingLog* log_;
  ServiceDeps deps_;
};

class OtlpTraceServiceImpl final
    : public opentelemetry::proto::collector::trace::v1::TraceService::CallbackService {
 public:
  OtlpTraceServiceImpl(ProcessingLog* log, ServiceDeps deps) : log_(log), deps_(deps) {}

  grpc::ServerUnaryReactor* Export(
      grpc::CallbackServerContext* context,
      const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest* request,
      opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse* response) override;

 private:
  ProcessingLog* log_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_PROCESSING_LOG_SERVICE_H_
