// Reads of the register and of the deliveries that the accountability
// answers and the landscape both need, in one place: every current
// processing activity, and every DELIVERY edge into a party. No visibility
// here: callers apply the one rule to what they return.
#ifndef CATALOG_SERVER_CORE_REGISTER_READS_H_
#define CATALOG_SERVER_CORE_REGISTER_READS_H_

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catalog/v1/lineage.pb.h"
#include "catalog/v1/processing_service.pb.h"
#include "storage/catalog_store.h"

namespace catalog::server {

// The current version of every processing activity, by id.
absl::StatusOr<std::vector<catalog::v1::ProcessingActivity>> AllActivities(
    const storage::CatalogStore& store);

// Calls `visit` for every edge into every party (the deliveries), party by
// party in id order.
absl::Status ForEachDelivery(
    const storage::CatalogStore& store,
    const std::function<void(const catalog::v1::ExternalParty&, const catalog::v1::LineageEdge&)>&
        visit);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_REGISTER_READS_H_
