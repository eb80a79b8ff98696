#include "server/core/access.h"

#include <algorithm>

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "api/enum_text.h"
#include "api/resource_names.h"

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

bool Visible(const Grant& grant, const Dataset& dataset) {
  return dataset.classification().confidentiality() <= grant.clearance;
}

void Redact(const Grant& grant, Dataset* dataset) {
  for (catalog::v1::SchemaField& field : *dataset->mutable_schema_fields()) {
    if (field.confidentiality() > grant.clearance) {
      field.clear_type();
      field.clear_description();
      field.set_redacted(true);
    }
  }
}

absl::Status CheckPurpose(const Caller& caller, const Dataset& dataset) {
  if (!caller.grant.purpose_required || !caller.purpose.empty() ||
      !dataset.personal_data().contains_personal_data()) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "x-purpose: reading datasets that contain personal data requires a stated purpose "
      "(doelbinding); send it as x-purpose request metadata (catalogctl --purpose)");
}

absl::StatusOr<Dataset> VisibleDataset(const storage::CatalogStore& store, const Caller& caller,
                                       const std::string& id) {
  absl::StatusOr<Dataset> dataset = store.GetDataset(id);
  if (!dataset.ok()) return dataset.status();
  if (!Visible(caller.grant, *dataset)) return api::DatasetNotFoundError(id);
  return dataset;
}

absl::StatusOr<Dataset> ForCaller(const Caller& caller, Dataset dataset) {
  if (!Visible(caller.grant, dataset)) return api::DatasetNotFoundError(dataset.id());
  if (absl::Status s = CheckPurpose(caller, dataset); !s.ok()) return s;
  Redact(caller.grant, &dataset);
  return dataset;
}

absl::Status CheckWrite(const Caller& caller, const Dataset* before, const Dataset& after) {
  if (after.classification().confidentiality() > caller.grant.clearance) {
    return absl::PermissionDeniedError(absl::StrCat(
        "dataset.classification.confidentiality: ",
        api::EnumShortName(after.classification().confidentiality()),
        " is above the clearance of principal \"", caller.principal, "\" (",
        api::EnumShortName(caller.grant.clearance), ")"));
  }
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

void PreserveHiddenFields(const Grant& grant, const Dataset& stored, Dataset* proposed) {
  for (const catalog::v1::SchemaField& hidden : stored.schema_fields()) {
    if (hidden.confidentiality() <= grant.clearance) continue;
    auto* fields = proposed->mutable_schema_fields();
    auto same = std::find_if(fields->begin(), fields->end(),
                             [&](const auto& f) { return f.name() == hidden.name(); });
    if (same != fields->end()) {
      *same = hidden;
    } else {
      *proposed->add_schema_fields() = hidden;
    }
  }
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
  if (!store.facts().Access(id, &access) || access.confidentiality > caller.grant.clearance) {
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

storage::AuditEntry AuditEntryFor(const Caller& caller, int code) {
  storage::AuditEntry entry;
  entry.set_time_micros(absl::ToUnixMicros(caller.time));
  entry.set_principal(caller.principal);
  entry.set_peer(caller.peer);
  entry.set_method(caller.method);
  for (const std::string& resource : caller.audit->resources) entry.add_resources(resource);
  entry.set_purpose(caller.purpose);
  entry.set_code(code);
  entry.set_request_id(caller.request_id);
  return entry;
}

storage::WriteContext AuditedWrite(const Caller& caller) {
  return storage::WriteContext{caller.principal, caller.request_id, caller.time,
                               AuditEntryFor(caller, 0)};
}

}  // namespace catalog::server
