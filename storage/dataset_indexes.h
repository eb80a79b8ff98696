// Secondary indexes over datasets: which exist, and which entries a dataset
// has. The store writes exactly these entries with every dataset change (in
// the same WriteBatch) and `CatalogStore::Check` verifies them.
//
// DO NOT CHANGE existing index ids or value encodings (on disk). Text values
// are indexed lower-cased so that filters ignore case.
#ifndef CATALOG_STORAGE_DATASET_INDEXES_H_
#define CATALOG_STORAGE_DATASET_INDEXES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/v1/catalog_service.pb.h"
#include "catalog/v1/dataset.pb.h"
#include "storage/key_codec.h"

namespace catalog::storage {

enum class DatasetIndex : uint8_t {
  kDomain = 1,             // lower(domain)
  kRegistrationType = 2,   // u32(registration_type)
  kBasisregistratie = 3,   // u32(basisregistratie), only when set
  kHostingKind = 4,        // u32(hosting.kind)
  kProvider = 5,           // lower(hosting.provider), only when set
  kInsideEea = 6,          // u32(0|1)
  kConfidentiality = 7,    // u32(classification.confidentiality)
  kOwner = 8,              // lower(roles.owner), only when set
  kTag = 9,                // lower(tag), one entry per tag
  kPersonalData = 10,      // u32(0|1)
  kRevision = 11,          // u64(revision): order by last change
  kOpenLineageName = 12,   // string(namespace \0 name), one per OpenLineage name
};

inline constexpr DatasetIndex kAllDatasetIndexes[] = {
    DatasetIndex::kDomain,       DatasetIndex::kRegistrationType,
    DatasetIndex::kBasisregistratie, DatasetIndex::kHostingKind,
    DatasetIndex::kProvider,     DatasetIndex::kInsideEea,
    DatasetIndex::kConfidentiality, DatasetIndex::kOwner,
    DatasetIndex::kTag,          DatasetIndex::kPersonalData,
    DatasetIndex::kRevision,     DatasetIndex::kOpenLineageName,
};

// How the values of `index` are encoded.
IndexValueKind ValueKindOf(DatasetIndex index);

// The index keys (column family `indexes`) of a dataset, sorted and unique.
std::vector<std::string> DatasetIndexKeys(const catalog::v1::Dataset& dataset);

// Encoded value of a text index entry (lower-cased).
std::string TextIndexValue(std::string_view text);

// Encoded value of an OpenLineage-name index entry (exact, not lower-cased).
std::string OpenLineageIndexValue(std::string_view ns, std::string_view name);

// Whether `dataset` meets every condition of `filter` (text ignoring case).
bool MatchesFilter(const catalog::v1::DatasetFilter& filter,
                   const catalog::v1::Dataset& dataset);

// The most selective equality condition of `filter` that an index can serve,
// as the prefix of its index entries (IndexValuePrefix). Empty when the
// filter has no such condition.
std::string BestIndexPrefix(const catalog::v1::DatasetFilter& filter);

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_DATASET_INDEXES_H_
