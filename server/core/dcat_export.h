// DcatExport: InteropService.ExportDcat, the open data ("open tenzij") as a
// DCAT-AP-NL 3.0 catalogue (api/dcat_profile.h says which datasets and
// what they need). The candidates come from the landscape facts (openness
// and confidentiality), each read whole and passed through the one
// visibility rule. Thread-safe.
#ifndef CATALOG_SERVER_CORE_DCAT_EXPORT_H_
#define CATALOG_SERVER_CORE_DCAT_EXPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "catalog/v1/interop_service.pb.h"
#include "server/core/caller.h"
#include "storage/catalog_store.h"

namespace catalog::server {

// Configuration keys dcat_base_iri, dcat_catalog_title, dcat_publisher.
struct DcatOptions {
  // Datasets are "{base_iri}/datasets/{id}", the catalogue is base_iri.
  std::string base_iri = "https://data.gemeente.example/catalogus";
  std::string catalog_title = "Datacatalogus van de gemeente";
  // dct:publisher of the catalogue.
  std::string publisher = "Gemeente";
};

class DcatExport {
 public:
  // `store` must outlive the export.
  DcatExport(const storage::CatalogStore* store, DcatOptions options)
      : store_(store), options_(std::move(options)) {}

  absl::StatusOr<catalog::v1::ExportDcatResponse> Export(
      const catalog::v1::ExportDcatRequest& request, const Caller& caller) const;

 private:
  const storage::CatalogStore* store_;
  const DcatOptions options_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_DCAT_EXPORT_H_
