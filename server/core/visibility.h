// The one visibility rule. Everything catalogd returns passes through here:
// whether a dataset record, a landscape fact, a lineage node or edge, a
// quality report, a terugmelding or an audit entry's resource is visible to
// the caller, whether a processing-log record is, and how a dataset is presented to them (purpose check, field
// redaction, redacted column-mapping notes).
//
// The rule: a dataset is visible when its confidentiality marking is at or
// below the caller's clearance. Parties are visible to every caller. A
// schema field above the clearance keeps its name and loses its type and
// description; a column mapping that touches such a field loses its
// transformation note. Hidden and missing datasets cannot be told apart
// (NOT_FOUND with the message of a missing dataset).
//
// No other code compares a confidentiality with a clearance
// (tests/lint/visibility_rule_test.sh checks it). Cheap to construct; one per
// request, on the stack. Thread-compatible; holds a reference to the caller.
#ifndef CATALOG_SERVER_CORE_VISIBILITY_H_
#define CATALOG_SERVER_CORE_VISIBILITY_H_

#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "catalog/v1/accountability_service.pb.h"
#include "catalog/v1/dataset.pb.h"
#include "catalog/v1/lineage.pb.h"
#include "server/core/caller.h"
#include "storage/catalog_store.h"

namespace catalog::server {

class Visibility {
 public:
  explicit Visibility(const Caller& caller) : caller_(caller) {}

  // ---- Visible or hidden ----

  bool Sees(const catalog::v1::Dataset& dataset) const;
  // A dataset's landscape facts or its access facts.
  bool Sees(const storage::DatasetFacts& facts) const;
  bool Sees(const storage::DatasetAccess& access) const;
  // A node of the lineage graph: a party always, a dataset by the rule.
  bool Sees(const storage::NodeInfo& node) const;
  // An edge: both ends visible.
  bool SeesEdge(const storage::NodeInfo& source, const storage::NodeInfo& target) const;
  // The details (type, description) of a schema field.
  bool SeesField(const catalog::v1::SchemaField& field) const;
  // An audit entry's resource name ("datasets/x", "datasets/x/reports/y",
  // "lineage/x/datasets/y", "parties/p"): visible when every dataset it
  // names is in the catalogue and visible. A dataset no longer in the
  // catalogue counts as classified at the highest level (its marking is
  // gone with it), so only a caller cleared for everything sees its name.
  bool SeesResource(const storage::CatalogStore& store, absl::string_view name) const;
  // The resource of a change committed at `revision` (a change-log entry's
  // name, as above): visible when every dataset it names was visible at
  // that revision, by its classification then (from the revision history;
  // for a dataset deleted at that revision, the one before). A dataset not
  // in the history then counts as classified at the highest level. The
  // change feed's rule.
  bool SeesResourceAt(const storage::CatalogStore& store, absl::string_view name,
                      int64_t revision) const;
  // Whether a listing of datasets shows `dataset`: visible, and, when the
  // caller stated a purpose the policy requires, covered by it (see
  // CheckPurpose). A listing leaves out what the stated purpose does not
  // cover rather than failing; without a purpose, Present refuses.
  bool Lists(const catalog::v1::Dataset& dataset) const;
  // A record of the processing log: its confidentiality (that of its
  // activity version's log records) at or below the clearance.
  bool Sees(const catalog::v1::ProcessingOperation& operation) const;
  // Per-principal read counts are audit data: auditors and admins.
  bool SeesReaders() const;
  // The confidentiality markings the caller sees, for the search index's
  // filter (search::SearchQuery::visible_levels): the rule applied inside
  // the query, so that hidden datasets are in no total, facet or hit.
  std::vector<catalog::v1::Confidentiality> SearchFilter() const;

  // ---- Named datasets and presentation ----

  // OK when dataset `id` exists and is visible (from the store's in-memory
  // facts, no record read); NOT_FOUND with the message of a missing dataset
  // otherwise.
  absl::Status CheckNamed(const storage::CatalogStore& store, const std::string& id) const;
  // The record of dataset `id` as the caller may see it, for checks that
  // name a dataset (fields, domain, norms) without returning it: NOT_FOUND
  // when missing or hidden, otherwise the dataset with its hidden fields
  // redacted. No purpose check (see Present).
  absl::StatusOr<catalog::v1::Dataset> Read(const storage::CatalogStore& store,
                                            const std::string& id) const;
  // `dataset` as returned to the caller: NOT_FOUND when hidden; the purpose
  // check (CheckPurpose); every schema field above the clearance redacted.
  absl::StatusOr<catalog::v1::Dataset> Present(catalog::v1::Dataset dataset) const;
  // Purpose binding (doelbinding), for every read of content about a
  // dataset with personal data by a caller whom the policy requires to
  // state a purpose: FAILED_PRECONDITION when no purpose was stated,
  // PERMISSION_DENIED when the stated purpose is none of the dataset's
  // declared purposes (personal_data.purposes; compared ignoring case and
  // surrounding white space). A purpose that names a processing activity
  // ("processing-activities/{id}") instead requires that the activity is in
  // the register, not ended, and uses the dataset.
  absl::Status CheckPurpose(const catalog::v1::Dataset& dataset) const;
  // Clears the transformation notes of the column mappings of `edge` that
  // touch a redacted field of `source` or `target` (null: a party, whose
  // fields are not catalogued), and marks them redacted.
  void RedactMappings(const catalog::v1::Dataset& source, const catalog::v1::Dataset* target,
                      catalog::v1::LineageEdge* edge) const;
  // Whether the caller may store `dataset` with its classification: OK when
  // it is not above what they can see, PERMISSION_DENIED otherwise.
  absl::Status CheckClassification(const catalog::v1::Dataset& dataset) const;
  // Keeps the schema fields of `stored` that the caller cannot see exactly
  // as stored in `proposed` (re-adding any it left out): the caller saw
  // them redacted, so a write based on that view must not blank or drop
  // them.
  void PreserveHiddenFields(const catalog::v1::Dataset& stored,
                            catalog::v1::Dataset* proposed) const;

 private:
  // The rule itself.
  bool Reaches(int confidentiality) const;
  absl::Status CheckActivityPurpose(const PurposeActivity& activity,
                                    const catalog::v1::Dataset& dataset) const;
  void RedactFields(catalog::v1::Dataset* dataset) const;
  bool DatasetVisible(const storage::CatalogStore& store, absl::string_view id) const;
  bool DatasetVisibleAt(const storage::CatalogStore& store, absl::string_view id,
                        int64_t revision) const;
  // SeesResource with `visible` deciding each dataset id.
  template <typename DatasetRule>
  static bool ResourceVisible(absl::string_view name, const DatasetRule& visible);

  const Caller& caller_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_VISIBILITY_H_
