// The column families of the catalogue, registered in this one place.
//
// DO NOT CHANGE the ids, names or order of existing entries: they are
// embedded in the on-disk data. Append new families at the end. Families for
// later capabilities (lineage, quality, terugmeldingen, audit, ...) are
// registered from the start so that every data directory has the same set.
#ifndef CATALOG_STORAGE_COLUMN_FAMILIES_H_
#define CATALOG_STORAGE_COLUMN_FAMILIES_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace catalog::storage {

// Version of the on-disk format. Checked on open: a data directory written
// with another version is refused rather than misread.
inline constexpr uint32_t kFormatVersion = 1;

enum class Cf : uint8_t {
  kDefault = 0,           // RocksDB's own; unused.
  kMeta = 1,              // format version and other store-wide values.
  kDatasets = 2,          // ordered(id) -> catalog.v1.Dataset
  kDatasetRevisions = 3,  // ordered(id) | u64(revision) -> DatasetRevisionRecord
  kLineageOut = 4,        // ordered(src id) | ordered(target name) -> LineageEdge
  kLineageIn = 5,         // ordered(target name) | ordered(src id) -> EdgeSummary
  kMeasurements = 6,      // dataset | dimension | time (quality issue)
  kTerugmeldingen = 7,    // dataset | report (quality issue)
  kProcessing = 8,        // processing records
  kAudit = 9,             // u64(sequence) -> audit entry (security issue)
  kChangeLog = 10,        // u64(revision) -> ChangeLogEntry
  kIndexes = 11,          // u8(index) | value | ordered(id) -> empty
  kParties = 12,          // ordered(party id) -> catalog.v1.ExternalParty
  kOpenLineageJobs = 13,  // ordered(namespace) | ordered(name) -> OpenLineageJob
  kDatasetReads = 14,     // ordered(id) | u32(day) | ordered(principal) -> u64 count
  kProcessingActivities = 15,       // ordered(id) -> ProcessingActivity (current version)
  kProcessingActivityVersions = 16, // ordered(id) | u64(version) -> ProcessingActivity
};

struct ColumnFamilySpec {
  Cf id;
  std::string_view name;
};

inline constexpr std::array<ColumnFamilySpec, 17> kColumnFamilies = {{
    {Cf::kDefault, "default"},
    {Cf::kMeta, "meta"},
    {Cf::kDatasets, "datasets"},
    {Cf::kDatasetRevisions, "dataset_revisions"},
    {Cf::kLineageOut, "lineage_out"},
    {Cf::kLineageIn, "lineage_in"},
    {Cf::kMeasurements, "measurements"},
    {Cf::kTerugmeldingen, "terugmeldingen"},
    {Cf::kProcessing, "processing"},
    {Cf::kAudit, "audit"},
    {Cf::kChangeLog, "change_log"},
    {Cf::kIndexes, "indexes"},
    {Cf::kParties, "parties"},
    {Cf::kOpenLineageJobs, "openlineage_jobs"},
    {Cf::kDatasetReads, "dataset_reads"},
    {Cf::kProcessingActivities, "processing_activities"},
    {Cf::kProcessingActivityVersions, "processing_activity_versions"},
}};

// Keys of the meta column family.
inline constexpr std::string_view kMetaFormatVersion = "format_version";
// First retained change-log revision (u64 big-endian); absent: 1.
inline constexpr std::string_view kMetaChangeLogOldest = "change_log_oldest";
// Prefix of store secrets ("secret/page-tokens").
inline constexpr char kMetaSecretPrefix[] = "secret/";

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_COLUMN_FAMILIES_H_
