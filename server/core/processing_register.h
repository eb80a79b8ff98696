// The register of processing activities (AVG art. 30): validation,
// versioning (a relevant change makes a new version, an editorial one
// changes the current version in place, no change writes nothing), and the
// reads. The rules are described in protos/catalog/v1/processing_service.proto.
// Thread-safe (the store is).
#ifndef CATALOG_SERVER_CORE_PROCESSING_REGISTER_H_
#define CATALOG_SERVER_CORE_PROCESSING_REGISTER_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/v1/processing_service.pb.h"
#include "server/core/caller.h"
#include "server/core/page_token.h"
#include "server/core/visibility.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct ProcessingLimits {
  int default_page_size = 100;
  int max_page_size = 1000;
};

class ProcessingRegister {
 public:
  // `store` and `tokens` must outlive this object.
  ProcessingRegister(storage::CatalogStore* store, ProcessingLimits limits,
                     const PageTokens* tokens);

  absl::StatusOr<catalog::v1::ProcessingActivity> Create(
      const catalog::v1::CreateProcessingActivityRequest& request, const Caller& caller);
  absl::StatusOr<catalog::v1::ProcessingActivity> Get(
      const catalog::v1::GetProcessingActivityRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::ListProcessingActivitiesResponse> List(
      const catalog::v1::ListProcessingActivitiesRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::ProcessingActivity> Update(
      const catalog::v1::UpdateProcessingActivityRequest& request, const Caller& caller);
  absl::StatusOr<catalog::v1::ListProcessingActivityVersionsResponse> ListVersions(
      const catalog::v1::ListProcessingActivityVersionsRequest& request,
      const Caller& caller) const;

 private:
  // OK when `a` is complete and consistent and every dataset and party it
  // names exists; a dataset it adds to `stored` (null for a new activity)
  // must also be visible to the caller (one already there may be hidden).
  absl::Status Validate(const catalog::v1::ProcessingActivity& a,
                        const catalog::v1::ProcessingActivity* stored,
                        const Caller& caller) const;

  storage::CatalogStore* store_;
  ProcessingLimits limits_;
  const PageTokens* tokens_;
};

// "processing-activities/{id}[/versions/{n}]" or the id: the id and the
// version (0: current). INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::pair<std::string, int64_t>> ParseActivityName(absl::string_view name,
                                                                  absl::string_view field);

// The activity a stated purpose names ("processing-activities/{id}",
// compared ignoring surrounding white space), as doelbinding checks it;
// null when the purpose names none.
std::shared_ptr<const PurposeActivity> ResolvePurposeActivity(const storage::CatalogStore& store,
                                                              const std::string& purpose);

// `a` as the caller may see it: a dataset above their clearance (or no
// longer in the catalogue) is named "hidden". Every read of the register
// returns activities through here.
catalog::v1::ProcessingActivity PresentActivity(catalog::v1::ProcessingActivity a,
                                                const Visibility& visibility,
                                                const storage::CatalogStore& store);

// Whether going from `before` to `after` changes a relevant field (one
// whose change makes a new version).
bool ChangesRelevantFields(const catalog::v1::ProcessingActivity& before,
                           const catalog::v1::ProcessingActivity& after);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_PROCESSING_REGISTER_H_
