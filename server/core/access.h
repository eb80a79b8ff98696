// Access rules that depend on the data: what a caller may write (domains,
// who may classify) and who handles terugmeldingen. What a caller may see is
// the visibility rule's (visibility.h).
#ifndef CATALOG_SERVER_CORE_ACCESS_H_
#define CATALOG_SERVER_CORE_ACCESS_H_

#include "absl/status/statusor.h"
#include "catalog/v1/dataset.pb.h"
#include "server/core/caller.h"
#include "storage/catalog_store.h"

namespace catalog::server {

// May the caller store `after`, replacing `before` (null for a new dataset)?
// PERMISSION_DENIED when the dataset's domain (old or new) is outside the
// caller's steward/owner domains, when its classification is above what the
// caller may see (Visibility::CheckClassification), or when a non-owner
// changes the classification.
absl::Status CheckWrite(const Caller& caller, const catalog::v1::Dataset* before,
                        const catalog::v1::Dataset& after);

// May the caller delete `dataset`? PERMISSION_DENIED outside their domains.
absl::Status CheckDelete(const Caller& caller, const catalog::v1::Dataset& dataset);

// Whether the caller may maintain records about `owner` (its domain):
// lineage edges it documents (the target of a SOURCE or DERIVED edge, the
// source of a DELIVERY) and quality measurements of it. PERMISSION_DENIED
// outside the caller's domains.
absl::Status CheckStewardship(const Caller& caller, const catalog::v1::Dataset& owner);

// Visibility::CheckNamed and CheckStewardship in one, for the dataset `id`,
// from the store's in-memory facts instead of its record: NOT_FOUND when
// missing or hidden, PERMISSION_DENIED outside the caller's domains. For bulk paths
// that name many datasets (measurements).
absl::Status CheckStewardship(const storage::CatalogStore& store, const Caller& caller,
                              const std::string& id);

// May the caller handle terugmeldingen of `dataset` (list them, change their
// status)? Stewards and owners whose domains cover the dataset, and admins.
// PERMISSION_DENIED otherwise.
absl::Status CheckHandle(const Caller& caller, const catalog::v1::Dataset& dataset);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_ACCESS_H_
