#include "server/service/lineage_service.h"

#include "server/security/authorization.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace v1 = ::catalog::v1;


grpc::ServerUnaryReactor* LineageServiceImpl::CreateParty(grpc::CallbackServerContext* context,
                                                   const v1::CreatePartyRequest* request,
                                                   v1::ExternalParty* response) {
  return RunBlocking(deps_, context, method::kCreateParty, request, response,
                   [this, request](const Caller& c) { return lineage_->CreateParty(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::GetParty(grpc::CallbackServerContext* context,
                                                   const v1::GetPartyRequest* request,
                                                   v1::ExternalParty* response) {
  return RunInline(deps_, context, method::kGetParty, request, response,
                   [this, request](const Caller& c) { return lineage_->GetParty(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::ListParties(grpc::CallbackServerContext* context,
                                                   const v1::ListPartiesRequest* request,
                                                   v1::ListPartiesResponse* response) {
  return RunInline(deps_, context, method::kListParties, request, response,
                   [this, request](const Caller& c) { return lineage_->ListParties(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::DeleteParty(grpc::CallbackServerContext* context,
                                                   const v1::DeletePartyRequest* request,
                                                   v1::DeletePartyResponse* response) {
  return RunBlocking(deps_, context, method::kDeleteParty, request, response,
                   [this, request](const Caller& c) { return lineage_->DeleteParty(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::CreateEdge(grpc::CallbackServerContext* context,
                                                   const v1::CreateEdgeRequest* request,
                                                   v1::LineageEdge* response) {
  return RunBlocking(deps_, context, method::kCreateEdge, request, response,
                   [this, request](const Caller& c) { return lineage_->CreateEdge(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::GetEdge(grpc::CallbackServerContext* context,
                                                   const v1::GetEdgeRequest* request,
                                                   v1::LineageEdge* response) {
  return RunInline(deps_, context, method::kGetEdge, request, response,
                   [this, request](const Caller& c) { return lineage_->GetEdge(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::ListEdges(grpc::CallbackServerContext* context,
                                                   const v1::ListEdgesRequest* request,
                                                   v1::ListEdgesResponse* response) {
  return RunInline(deps_, context, method::kListEdges, request, response,
                   [this, request](const Caller& c) { return lineage_->ListEdges(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::DeleteEdge(grpc::CallbackServerContext* context,
                                                   const v1::DeleteEdgeRequest* request,
                                                   v1::DeleteEdgeResponse* response) {
  return RunBlocking(deps_, context, method::kDeleteEdge, request, response,
                   [this, request](const Caller& c) { return lineage_->DeleteEdge(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::GetLineage(grpc::CallbackServerContext* context,
                                                   const v1::GetLineageRequest* request,
                                                   v1::GetLineageResponse* response) {
  return RunInline(deps_, context, method::kGetLineage, request, response,
                   [this, request](const Caller& c) { return lineage_->GetLineage(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::AnalyzeImpact(grpc::CallbackServerContext* context,
                                                   const v1::AnalyzeImpactRequest* request,
                                                   v1::AnalyzeImpactResponse* response) {
  return RunBlocking(deps_, context, method::kAnalyzeImpact, request, response,
                   [this, request](const Caller& c) { return lineage_->AnalyzeImpact(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::ListLineageFindings(grpc::CallbackServerContext* context,
                                                   const v1::ListLineageFindingsRequest* request,
                                                   v1::ListLineageFindingsResponse* response) {
  return RunBlocking(deps_, context, method::kListLineageFindings, request, response,
                   [this, request](const Caller& c) { return lineage_->ListFindings(*request, c); });
}

grpc::ServerUnaryReactor* LineageServiceImpl::IngestOpenLineage(grpc::CallbackServerContext* context,
                                                   const v1::IngestOpenLineageRequest* request,
                                                   v1::IngestOpenLineageResponse* response) {
  return RunBlocking(deps_, context, method::kIngestOpenLineage, request, response,
                   [this, request](const Caller& c) { return lineage_->IngestOpenLineage(*request, c); });
}

}  // namespace catalog::server
