// The register of processing activities in the landscape overview: the
// processing section (activities per legal basis, operations per activity
// in the usage period) and the compliance rules about activities and the
// deliveries they cover. Used by LandscapeCatalog (landscape_catalog.h).
#ifndef CATALOG_SERVER_CORE_PROCESSING_LANDSCAPE_H_
#define CATALOG_SERVER_CORE_PROCESSING_LANDSCAPE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog/v1/landscape_service.pb.h"
#include "catalog/v1/processing_service.pb.h"
#include "server/core/visibility.h"
#include "storage/catalog_store.h"

namespace catalog::server {

// What the overview needs of the register, read once per call.
struct RegisterFacts {
  std::vector<catalog::v1::ProcessingActivity> activities;  // Current versions.
  // Ids of the datasets the active activities use.
  absl::flat_hash_set<std::string> used_datasets;
  // "datasets/{id}|parties/{id}": a dataset an active activity uses and a
  // party it lists as a recipient.
  absl::flat_hash_set<std::string> covered_deliveries;

  // Whether the rule "personal data without activity" applies: only once
  // the register is kept here (it has an activity), so that a catalogue
  // whose register lives elsewhere does not flag every dataset.
  bool kept() const { return !activities.empty(); }
};

absl::StatusOr<RegisterFacts> LoadRegisterFacts(const storage::CatalogStore& store);

// Adds the processing section and the findings about activities and
// deliveries to `out` (before the findings are sorted). `included` tells
// whether a dataset is in the overview's scope and visible; `limit` is the
// number of datasets or activities named per finding.
absl::Status WriteProcessing(const storage::CatalogStore& store, const RegisterFacts& facts,
                             const Visibility& visibility,
                             const std::function<bool(const storage::DatasetFacts&)>& included,
                             absl::Time since, absl::Time until, size_t limit,
                             catalog::v1::Landscape* out);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_PROCESSING_LANDSCAPE_H_
