#include "server/service/openlineage_http.h"

#include <google/protobuf/util/json_util.h>

#include "server/security/authorization.h"
#include "server/service/http_caller.h"
#include "server/service/unary.h"

namespace catalog::server {

namespace v1 = ::catalog::v1;

std::vector<http::HttpRoute> OpenLineageHttp::Routes() {
  return {{"POST", kOpenLineagePath,
           [this](const http::HttpRequest& request) { return Ingest(request); }}};
}

http::HttpResponse OpenLineageHttp::Ingest(const http::HttpRequest& request) {
  absl::StatusOr<Caller> caller = HttpCallerFrom(request, method::kIngestOpenLineage, deps_);
  if (!caller.ok()) return Unauthenticated(request, caller.status());
  auto operation = [this, &request](const Caller& c) {
    return lineage_->IngestOpenLineageEvent(request.body, c);
  };
  v1::IngestOpenLineageResponse response;
  const absl::Status status =
      RunCall(deps_, *caller, v1::IngestOpenLineageRequest(), &response, operation);
  if (!status.ok()) return http::StatusResponse(status);
  http::HttpResponse ok;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  if (!google::protobuf::util::MessageToJsonString(response, &ok.body, options).ok()) {
    ok.body = "{}";
  }
  return ok;
}

}  // namespace catalog::server
