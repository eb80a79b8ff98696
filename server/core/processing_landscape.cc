#include "server/core/processing_landscape.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "server/core/landscape_catalog.h"
#include "server/core/register_reads.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using v1::ProcessingActivity;

bool Active(const ProcessingActivity& a) {
  return a.status() != v1::PROCESSING_ACTIVITY_STATUS_ENDED;
}

// The first `limit` of `names` (sorted) into `finding`, with its count.
void AddFinding(v1::ComplianceRule rule, v1::FindingSeverity severity, const char* fix,
                std::vector<std::string> names, bool activities, size_t limit,
                v1::Landscape* out) {
  if (names.empty()) return;
  std::sort(names.begin(), names.end());
  v1::ComplianceFinding* finding = out->add_findings();
  finding->set_rule(rule);
  finding->set_severity(severity);
  finding->set_count(static_cast<int64_t>(names.size()));
  finding->set_fix(fix);
  for (size_t i = 0; i < names.size() && i < limit; ++i) {
    *(activities ? finding->add_activities() : finding->add_datasets()) = names[i];
  }
}

// Datasets ("datasets/{id}") in scope delivering personal data to a party
// that no active activity using them lists as a recipient.
absl::StatusOr<std::vector<std::string>> UnregisteredDeliveries(
    const storage::CatalogStore& store, const RegisterFacts& facts, const Visibility& visibility,
    const std::function<bool(const storage::DatasetFacts&)>& included) {
  std::vector<std::string> datasets;
  absl::Status walked =
      ForEachDelivery(store, [&](const v1::ExternalParty&, const v1::LineageEdge& e) {
        storage::DatasetFacts f;
        if (!store.facts().Get(api::IdOf(e.source()), &f) || !included(f) || !f.personal_data ||
            !visibility.Sees(f)) {
          return;
        }
        if (!facts.covered_deliveries.contains(absl::StrCat(e.source(), "|", e.target()))) {
          datasets.push_back(e.source());
        }
      });
  if (!walked.ok()) return walked;
  std::sort(datasets.begin(), datasets.end());
  datasets.erase(std::unique(datasets.begin(), datasets.end()), datasets.end());
  return datasets;
}

}  // namespace

absl::StatusOr<RegisterFacts> LoadRegisterFacts(const storage::CatalogStore& store) {
  RegisterFacts facts;
  absl::StatusOr<std::vector<ProcessingActivity>> activities = AllActivities(store);
  if (!activities.ok()) return activities.status();
  facts.activities = *std::move(activities);
  for (const ProcessingActivity& a : facts.activities) {
    if (!Active(a)) continue;
    for (const std::string& dataset : a.datasets()) {
      facts.used_datasets.insert(api::IdOf(dataset));
      for (const std::string& party : a.recipient_parties()) {
        facts.covered_deliveries.insert(absl::StrCat(dataset, "|", party));
      }
    }
  }
  return facts;
}

absl::Status WriteProcessing(const storage::CatalogStore& store, const RegisterFacts& facts,
                             const Visibility& visibility,
                             const std::function<bool(const storage::DatasetFacts&)>& included,
                             absl::Time since, absl::Time until, size_t limit,
                             v1::Landscape* out) {
  v1::ProcessingOverview* overview = out->mutable_processing();
  std::map<std::string, int64_t> by_basis;
  std::vector<std::pair<std::string, int64_t>> operations;
  std::vector<std::string> basis_not_allowed, transfers_without_safeguards;
  for (const ProcessingActivity& a : facts.activities) {
    absl::StatusOr<int64_t> count = store.CountOperations(a.id(), since, until);
    if (!count.ok()) return count.status();
    if (*count > 0) operations.emplace_back(a.name(), *count);
    overview->set_operations(overview->operations() + *count);
    if (!Active(a)) {
      overview->set_ended_activities(overview->ended_activities() + 1);
      continue;
    }
    overview->set_active_activities(overview->active_activities() + 1);
    ++by_basis[v1::LegalBasis_Name(a.legal_basis())];
    if (a.legal_basis() == v1::LEGAL_BASIS_GERECHTVAARDIGD_BELANG ||
        a.legal_basis() == v1::LEGAL_BASIS_UNSPECIFIED) {
      basis_not_allowed.push_back(a.name());
    }
    const bool unsafe_transfer =
        std::any_of(a.transfers().begin(), a.transfers().end(),
                    [](const v1::ThirdCountryTransfer& t) { return t.safeguards().empty(); });
    if (a.special_categories_size() > 0 && unsafe_transfer) {
      transfers_without_safeguards.push_back(a.name());
    }
  }
  AddCounts({by_basis.begin(), by_basis.end()}, overview->mutable_by_legal_basis());
  AddCounts(std::move(operations), overview->mutable_operations_by_activity());

  AddFinding(v1::COMPLIANCE_RULE_ACTIVITY_BASIS_NOT_ALLOWED, v1::FINDING_SEVERITY_HIGH,
             "Base the processing on a public task or a legal obligation (a public body may "
             "not rely on gerechtvaardigd belang for its public tasks), or end it.",
             std::move(basis_not_allowed), true, limit, out);
  AddFinding(v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_TRANSFER_WITHOUT_SAFEGUARDS,
             v1::FINDING_SEVERITY_HIGH,
             "Record the safeguards of every transfer outside the EEA (adequacy decision, "
             "standard contractual clauses) or stop the transfer.",
             std::move(transfers_without_safeguards), true, limit, out);
  if (!facts.kept()) return absl::OkStatus();
  absl::StatusOr<std::vector<std::string>> unregistered =
      UnregisteredDeliveries(store, facts, visibility, included);
  if (!unregistered.ok()) return unregistered.status();
  AddFinding(v1::COMPLIANCE_RULE_DELIVERY_RECIPIENT_NOT_REGISTERED, v1::FINDING_SEVERITY_HIGH,
             "List the party as a recipient of a processing activity that uses the dataset, or "
             "stop the delivery.",
             *std::move(unregistered), false, limit, out);
  return absl::OkStatus();
}

}  // namespace catalog::server
