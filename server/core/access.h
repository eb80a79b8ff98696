// Access rules that depend on the data: the one way a dataset reaches a
// caller, and the checks on what a caller may write. Every read path (Get,
// List, history, bulk results, and those of later capabilities) returns
// datasets only through ForCaller/Visible, so hidden datasets and redacted
// fields are handled in this one place.
#ifndef CATALOG_SERVER_CORE_ACCESS_H_
#define CATALOG_SERVER_CORE_ACCESS_H_

#include "absl/status/statusor.h"
#include "catalog/v1/dataset.pb.h"
#include "server/core/caller.h"
#include "storage/catalog_store.h"

namespace catalog::server {

// Whether the caller's clearance reaches the dataset's confidentiality.
bool Visible(const Grant& grant, const catalog::v1::Dataset& dataset);

// The dataset as `caller` may see it: NOT_FOUND, with the message of a
// missing dataset, when hidden; FAILED_PRECONDITION when it holds personal
// data and the caller must but did not state a purpose; otherwise the dataset
// with every schema field above the caller's clearance redacted.
// The dataset `id` from `store` if the caller may see it; NOT_FOUND with
// the message of a missing dataset otherwise (hidden and missing cannot be
// told apart). For the paths that name a dataset without returning it.
absl::StatusOr<catalog::v1::Dataset> VisibleDataset(const storage::CatalogStore& store,
                                                    const Caller& caller, const std::string& id);

absl::StatusOr<catalog::v1::Dataset> ForCaller(const Caller& caller,
                                               catalog::v1::Dataset dataset);

// Removes the details of schema fields above the clearance (name kept).
void Redact(const Grant& grant, catalog::v1::Dataset* dataset);

// FAILED_PRECONDITION when the caller must state a purpose to read personal
// data, did not, and `dataset` contains personal data.
absl::Status CheckPurpose(const Caller& caller, const catalog::v1::Dataset& dataset);

// May the caller store `after`, replacing `before` (null for a new dataset)?
// PERMISSION_DENIED when the dataset's domain (old or new) is outside the
// caller's steward/owner domains, when its confidentiality is above the
// caller's clearance, or when a non-owner changes the classification.
absl::Status CheckWrite(const Caller& caller, const catalog::v1::Dataset* before,
                        const catalog::v1::Dataset& after);

// Keeps the schema fields of `stored` that the caller cannot see exactly as
// stored in `proposed` (re-adding any it left out): the caller saw them
// redacted, so a write based on that view must not blank or drop them.
void PreserveHiddenFields(const Grant& grant, const catalog::v1::Dataset& stored,
                          catalog::v1::Dataset* proposed);

// May the caller delete `dataset`? PERMISSION_DENIED outside their domains.
absl::Status CheckDelete(const Caller& caller, const catalog::v1::Dataset& dataset);

// Whether the caller may maintain records about `owner` (its domain):
// lineage edges it documents (the target of a SOURCE or DERIVED edge, the
// source of a DELIVERY) and quality measurements of it. PERMISSION_DENIED
// outside the caller's domains.
absl::Status CheckStewardship(const Caller& caller, const catalog::v1::Dataset& owner);

// VisibleDataset and CheckStewardship in one, for the dataset `id`, from the
// store's in-memory facts instead of its record: NOT_FOUND when missing or
// hidden, PERMISSION_DENIED outside the caller's domains. For bulk paths
// that name many datasets (measurements).
absl::Status CheckStewardship(const storage::CatalogStore& store, const Caller& caller,
                              const std::string& id);

// May the caller handle terugmeldingen of `dataset` (list them, change their
// status)? Stewards and owners whose domains cover the dataset, and admins.
// PERMISSION_DENIED otherwise.
absl::Status CheckHandle(const Caller& caller, const catalog::v1::Dataset& dataset);

// The write context of a mutation by `caller`, carrying the call's audit
// entry so that it is committed with the change.
storage::WriteContext AuditedWrite(const Caller& caller);

// The audit entry of a call with outcome `code`.
storage::AuditEntry AuditEntryFor(const Caller& caller, int code);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_ACCESS_H_
