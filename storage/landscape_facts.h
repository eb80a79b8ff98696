// LandscapeFacts: a compact in-memory projection of every dataset -- the
// fields the landscape overview counts, the latest quality score per
// dimension and the status of its terugmeldingen -- so that an overview of
// a million datasets is one pass over memory instead of parsing a million
// records.
//
// Derived state, like LineageGraph: CatalogStore builds it on open from
// the column families of record (datasets, the latest-score entries of
// measurements, terugmeldingen) and applies every committed change while
// still holding the locks of the records changed. It holds facts, not
// rules: what counts as below norm, stale, open or overdue is decided in
// server/core.
//
// Thread-safe: readers share a lock; changes take it exclusively.
#ifndef CATALOG_STORAGE_LANDSCAPE_FACTS_H_
#define CATALOG_STORAGE_LANDSCAPE_FACTS_H_

#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "catalog/v1/dataset.pb.h"
#include "catalog/v1/quality.pb.h"

namespace catalog::storage {

// The quality of a dataset on one dimension.
struct DimensionFacts {
  uint8_t dimension = 0;      // catalog.v1.QualityDimension
  bool has_norm = false;
  bool measured = false;
  float norm = 0;
  float latest = 0;           // Latest score, when measured.
  int64_t latest_micros = 0;  // Its measured_at.
};

// A terugmelding of a dataset.
struct ReportFacts {
  std::string id;
  uint8_t status = 0;     // catalog.v1.TerugmeldingStatus
  uint8_t dimension = 0;  // catalog.v1.QualityDimension, 0 when none
  int64_t filed_micros = 0;
};

// One dataset. Text values are interned: `Text(domain)` etc.; 0 is "".
struct DatasetFacts {
  std::string id;
  std::string title;  // Kept for basisregistraties only (others: empty).
  uint32_t domain = 0, provider = 0, country = 0, region = 0;
  uint8_t registration_type = 0, basisregistratie = 0, municipal_role = 0, origin = 0,
          status = 0, openness = 0, hosting_kind = 0, confidentiality = 0, availability = 0,
          integrity = 0, confidentiality_level = 0, bbn = 0;
  uint16_t special_categories = 0;  // Bit (1 << SpecialCategory value).
  bool inside_eea = false, processor_agreement = false, dpia_ref = false,
       exit_strategy = false, personal_data = false, criminal_data = false,
       legal_basis = false, purposes = false, publication_url = false, owner = false;
  // Open data (api::IsOpenData) lacking a property DCAT-AP-NL 3.0 makes
  // mandatory (api::MissingDcatProperties): left out of the DCAT export.
  bool dcat_incomplete = false;
  // A schema field is marked as personal data, or its name looks like it
  // (api::LooksLikePersonalData).
  bool personal_fields = false;
  int64_t create_micros = 0;
  std::vector<DimensionFacts> dimensions;  // Normed or measured, by dimension.
  std::vector<ReportFacts> reports;
  // Targets ("parties/{id}") of its deliveries without purpose or legal
  // basis.
  std::vector<std::string> undocumented_deliveries;
  // Lineage edges from or to it.
  uint32_t edges = 0;

  // The entry of `dimension`, or null.
  const DimensionFacts* Dimension(uint8_t dimension) const;
};

// What authorizing a write about a dataset needs to know of it.
struct DatasetAccess {
  uint8_t confidentiality = 0;  // catalog.v1.Confidentiality
  std::string domain;
};

class LandscapeFacts {
 public:
  // Sets the record fields of a created or changed dataset; its quality
  // scores and terugmeldingen are kept.
  void PutDataset(const catalog::v1::Dataset& dataset);
  void RemoveDataset(std::string_view id);
  // Records a score when it is the dataset's newest on its dimension
  // (ignored for an unknown dataset).
  void RecordScore(std::string_view id, uint8_t dimension, double score, int64_t micros);
  // The newest score known on a dimension: false when none.
  bool LatestScore(std::string_view id, uint8_t dimension, int64_t* micros) const;
  // Adds or updates a terugmelding of its dataset.
  void PutReport(const catalog::v1::Terugmelding& report);
  // An edge from dataset `source_id` to `target` ("datasets/{id}" or
  // "parties/{id}") was added (`added`: it did not exist before), changed
  // (neither) or removed (`removed`); `undocumented`: it is a delivery
  // without purpose or legal basis.
  struct EdgeChange {
    bool added = false;
    bool removed = false;
    bool undocumented = false;
  };
  void ApplyEdge(std::string_view source_id, const std::string& target, EdgeChange change);

  // Calls `fn` for every dataset, under the shared lock (changes wait).
  void ForEach(const std::function<void(const DatasetFacts&)>& fn) const;
  // The facts of every basisregistratie (basisregistratie set), copied.
  std::vector<DatasetFacts> Basisregistraties() const;
  // The facts of one dataset, copied; false when unknown.
  bool Get(std::string_view id, DatasetFacts* out) const;
  bool Contains(std::string_view id) const;
  // The confidentiality and domain of one dataset; false when unknown.
  bool Access(std::string_view id, DatasetAccess* out) const;
  // An interned text, and the id of a text (false when no dataset ever had
  // it).
  std::string Text(uint32_t id) const;
  bool FindText(const std::string& text, uint32_t* id) const;
  size_t size() const;

 private:
  uint32_t Intern(const std::string& text);  // Under the exclusive lock.
  DatasetFacts* Find(std::string_view id);   // Under a lock.

  mutable std::shared_mutex mu_;
  std::vector<DatasetFacts> datasets_;
  absl::flat_hash_map<std::string, size_t> by_id_;
  absl::flat_hash_set<std::string> basis_ids_;
  std::vector<std::string> texts_{""};
  absl::flat_hash_map<std::string, uint32_t> text_ids_{{"", 0}};
};

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_LANDSCAPE_FACTS_H_
