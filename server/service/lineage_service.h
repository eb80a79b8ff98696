// The gRPC face of LineageService: thin handlers over LineageCatalog.
// Reads that stay in memory run inline; writes, impact analysis and
// findings (which may read many records) run on the blocking executor.
#ifndef CATALOG_SERVER_SERVICE_LINEAGE_SERVICE_H_
#define CATALOG_SERVER_SERVICE_LINEAGE_SERVICE_H_

#include "catalog/v1/lineage_service.grpc.pb.h"
#include "server/core/lineage_catalog.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class LineageServiceImpl final : public catalog::v1::LineageService::CallbackService {
 public:
  // `lineage` and what `deps` points to must outlive the service.
  LineageServiceImpl(LineageCatalog* lineage, ServiceDeps deps) : lineage_(lineage), deps_(deps) {}

  grpc::ServerUnaryReactor* CreateParty(grpc::CallbackServerContext* context,
                                      const catalog::v1::CreatePartyRequest* request,
                                      catalog::v1::ExternalParty* response) override;
  grpc::ServerUnaryReactor* GetParty(grpc::CallbackServerContext* context,
                                      const catalog::v1::GetPartyRequest* request,
                                      catalog::v1::ExternalParty* response) override;
  grpc::ServerUnaryReactor* ListParties(grpc::CallbackServerContext* context,
                                      const catalog::v1::ListPartiesRequest* request,
                                      catalog::v1::ListPartiesResponse* response) override;
  grpc::ServerUnaryReactor* DeleteParty(grpc::CallbackServerContext* context,
                                      const catalog::v1::DeletePartyRequest* request,
                                      catalog::v1::DeletePartyResponse* response) override;
  grpc::ServerUnaryReactor* CreateEdge(grpc::CallbackServerContext* context,
                                      const catalog::v1::CreateEdgeRequest* request,
                                      catalog::v1::LineageEdge* response) override;
  grpc::ServerUnaryReactor* GetEdge(grpc::CallbackServerContext* context,
                                      const catalog::v1::GetEdgeRequest* request,
                                      catalog::v1::LineageEdge* response) override;
  grpc::ServerUnaryReactor* ListEdges(grpc::CallbackServerContext* context,
                                      const catalog::v1::ListEdgesRequest* request,
                                      catalog::v1::ListEdgesResponse* response) override;
  grpc::ServerUnaryReactor* DeleteEdge(grpc::CallbackServerContext* context,
                                      const catalog::v1::DeleteEdgeRequest* request,
                                      catalog::v1::DeleteEdgeResponse* response) override;
  grpc::ServerUnaryReactor* GetLineage(grpc::CallbackServerContext* context,
                                      const catalog::v1::GetLineageRequest* request,
                                      catalog::v1::GetLineageResponse* response) override;
  grpc::ServerUnaryReactor* AnalyzeImpact(grpc::CallbackServerContext* context,
                                      const catalog::v1::AnalyzeImpactRequest* request,
                                      catalog::v1::AnalyzeImpactResponse* response) override;
  grpc::ServerUnaryReactor* ListLineageFindings(grpc::CallbackServerContext* context,
                                      const catalog::v1::ListLineageFindingsRequest* request,
                                      catalog::v1::ListLineageFindingsResponse* response) override;
  grpc::ServerUnaryReactor* IngestOpenLineage(grpc::CallbackServerContext* context,
                                      const catalog::v1::IngestOpenLineageRequest* request,
                                      catalog::v1::IngestOpenLineageResponse* response) override;

 private:
  LineageCatalog* lineage_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_LINEAGE_SERVICE_H_
