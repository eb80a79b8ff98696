// The gRPC face of QualityService: thin handlers over QualityCatalog.
#ifndef CATALOG_SERVER_SERVICE_QUALITY_SERVICE_H_
#define CATALOG_SERVER_SERVICE_QUALITY_SERVICE_H_

#include "catalog/v1/quality_service.grpc.pb.h"
#include "server/core/quality_catalog.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class QualityServiceImpl final : public catalog::v1::QualityService::CallbackService {
 public:
  // `quality` and what `deps` points to must outlive the service.
  QualityServiceImpl(QualityCatalog* quality, ServiceDeps deps) : quality_(quality), deps_(deps) {}

  grpc::ServerUnaryReactor* RecordMeasurement(
      grpc::CallbackServerContext* context, const catalog::v1::RecordMeasurementRequest* request,
      catalog::v1::Measurement* response) override;
  grpc::ServerBidiReactor<catalog::v1::RecordMeasurementsRequest,
                          catalog::v1::RecordMeasurementsResponse>*
  RecordMeasurements(grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* ListMeasurements(
      grpc::CallbackServerContext* context, const catalog::v1::ListMeasurementsRequest* request,
      catalog::v1::ListMeasurementsResponse* response) override;
  grpc::ServerUnaryReactor* GetQualityReport(
      grpc::CallbackServerContext* context, const catalog::v1::GetQualityReportRequest* request,
      catalog::v1::QualityReport* response) override;

 private:
  QualityCatalog* quality_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_QUALITY_SERVICE_H_
