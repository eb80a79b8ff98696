#include "server/service/quality_service.h"

#include "server/security/authorization.h"
#include "server/service/batch_reactor.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace v1 = ::catalog::v1;

// Measurement batches of one stream processed at once: the order of
// measurements does not matter (each is a record of its own, the latest
// score is the newest by measured_at), so batches share durable commits.
constexpr int kMeasurementBatchesInFlight = 4;

grpc::ServerUnaryReactor* QualityServiceImpl::RecordMeasurement(
    grpc::CallbackServerContext* context, const v1::RecordMeasurementRequest* request,
    v1::Measurement* response) {
  return RunBlocking(deps_, context, method::kRecordMeasurement, request, response,
                     [this, request](const Caller& c) { return quality_->Record(*request, c); });
}

grpc::ServerBidiReactor<v1::RecordMeasurementsRequest, v1::RecordMeasurementsResponse>*
QualityServiceImpl::RecordMeasurements(grpc::CallbackServerContext* context) {
  return new BatchReactor<v1::RecordMeasurementsRequest, v1::RecordMeasurementsResponse>(
      context, method::kRecordMeasurements,
      [this](const v1::RecordMeasurementsRequest& r, const Caller& c) {
        return quality_->RecordBatch(r, c);
      },
      deps_, kMeasurementBatchesInFlight,
      [this](const v1::RecordMeasurementsRequest& r) { return quality_->AdmitBatch(r); });
}

grpc::ServerUnaryReactor* QualityServiceImpl::ListMeasurements(
    grpc::CallbackServerContext* context, const v1::ListMeasurementsRequest* request,
    v1::ListMeasurementsResponse* response) {
  return RunInline(deps_, context, method::kListMeasurements, request, response,
                   [this, request](const Caller& c) { return quality_->List(*request, c); });
}

grpc::ServerUnaryReactor* QualityServiceImpl::GetQualityReport(
    grpc::CallbackServerContext* context, const v1::GetQualityReportRequest* request,
    v1::QualityReport* response) {
  return RunInline(deps_, context, method::kGetQualityReport, request, response,
                   [this, request](const Caller& c) { return quality_->Report(*request, c); });
}

}  // namespace catalog::server
