// The structured dataset filter flags (--domain, --registration-type, ...),
// shared by `dataset list` and `search`: one set of flags, one parser.
#ifndef CATALOG_CLIENT_CATALOGCTL_DATASET_FILTER_FLAGS_H_
#define CATALOG_CLIENT_CATALOGCTL_DATASET_FILTER_FLAGS_H_

#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "catalog/v1/catalog_service.pb.h"

namespace catalog::catalogctl {

// The flags as given; empty means not given.
struct DatasetFilterFlags {
  std::string domain, registration_type, basisregistratie, hosting_kind, provider, inside_eea,
      min_confidentiality, owner, tag, personal_data;
};

// Binds the filter flags to `command`.
void AddDatasetFilterFlags(CLI::App* command, DatasetFilterFlags* flags);

// The filter of the flags; a usage error naming the flag of a bad value.
absl::StatusOr<catalog::v1::DatasetFilter> BuildDatasetFilter(const DatasetFilterFlags& flags);

}  // namespace catalog::catalogctl

#endif  // CATALOG_CLIENT_CATALOGCTL_DATASET_FILTER_FLAGS_H_
