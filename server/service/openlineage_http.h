// POST /api/v1/lineage: the OpenLineage HTTP transport (as Airflow, dbt and
// Spark send it: one RunEvent as the JSON body) into the same intake, the
// same authorization entry and the same audit record as the gRPC
// LineageService.IngestOpenLineage. 200 with the IngestOpenLineageResponse
// as JSON; 400 naming the problem ("event.eventTime: required"), 401, 403.
#ifndef CATALOG_SERVER_SERVICE_OPENLINEAGE_HTTP_H_
#define CATALOG_SERVER_SERVICE_OPENLINEAGE_HTTP_H_

#include <vector>

#include "server/core/lineage_catalog.h"
#include "server/http/http_listener.h"
#include "server/service/caller_context.h"

namespace catalog::server {

inline constexpr char kOpenLineagePath[] = "/api/v1/lineage";

class OpenLineageHttp {
 public:
  // `lineage` and what `deps` points to must outlive the routes.
  OpenLineageHttp(LineageCatalog* lineage, ServiceDeps deps) : lineage_(lineage), deps_(deps) {}

  // The routes for the HTTPS listener.
  std::vector<http::HttpRoute> Routes();

  http::HttpResponse Ingest(const http::HttpRequest& request);

 private:
  LineageCatalog* lineage_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_OPENLINEAGE_HTTP_H_
