#include "server/core/access.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

using catalog::v1::Dataset;

constexpr RoleSet kClassifiers = Bit(Role::kOwner) | Bit(Role::kAdmin);

absl::Status CheckDomain(const Caller& caller, const std::string& domain) {
  // A dataset without a domain yet (an OpenLineage stub) may be completed by
  // any writer; completing it assigns the domain, which is then checked.
  if (domain.empty() || caller.grant.Has(Role::kAdmin) || caller.grant.CoversDomain(domain)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "dataset.domain: principal \"", caller.principal, "\" may not change datasets of domain \"",
      domain, "\""));
}

}  // namespace

absl::Status CheckWrite(const Caller& caller, const Dataset* before, const Dataset& after) {
  if (absl::Status s = Visibility(caller).CheckClassification(after); !s.ok()) return s;
  if (absl::Status s = CheckDomain(caller, after.domain()); !s.ok()) return s;
  if (before == nullptr) return absl::OkStatus();
  if (absl::Status s = CheckDomain(caller, before->domain()); !s.ok()) return s;
  if (!caller.grant.HasAny(kClassifiers) &&
      !google::protobuf::util::MessageDifferencer::Equals(before->classification(),
                                                           after.classification())) {
    return absl::PermissionDeniedError(
        "dataset.classification: changing the classification of a dataset needs the owner "
        "role (eigenaar)");
  }
  return absl::OkStatus();
}

absl::Status CheckDelete(const Caller& caller, const Dataset& dataset) {
  return CheckDomain(caller, dataset.domain());
}

absl::Status CheckStewardship(const Caller& caller, const Dataset& owner) {
  return CheckDomain(caller, owner.domain());
}

absl::Status CheckStewardship(const storage::CatalogStore& store, const Caller& caller,
                              const std::string& id) {
  storage::DatasetAccess access;
  if (!store.facts().Access(id, &access) || !Visibility(caller).Sees(access)) {
    return api::DatasetNotFoundError(id);
  }
  return CheckDomain(caller, access.domain);
}

absl::Status CheckHandle(const Caller& caller, const Dataset& dataset) {
  constexpr RoleSet kHandlers = Bit(Role::kSteward) | Bit(Role::kOwner) | Bit(Role::kAdmin);
  if (caller.grant.Has(Role::kAdmin) ||
      (caller.grant.HasAny(kHandlers) &&
       (dataset.domain().empty() || caller.grant.CoversDomain(dataset.domain())))) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "principal \"", caller.principal, "\" does not handle terugmeldingen of domain \"",
      dataset.domain(), "\" (stewards and owners of the domain, and admins, do)"));
}

}  // namespace catalog::server
