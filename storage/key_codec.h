// Key codec: the only place where RocksDB keys are built and parsed.
//
// Encodings are order-preserving, so that RocksDB's bytewise order of keys is
// the logical order of their parts:
//   - unsigned integers are fixed-width big-endian;
//   - strings are "memcomparable": every 0x00 byte is escaped as 0x00 0xFF
//     and the string ends with 0x00 0x01, so a string sorts before any longer
//     string it is a prefix of, and composite keys never run into each other.
// Every function is pure and thread-safe. Decoders consume from the front of
// a string_view and return false on malformed input (never crash).
//
// DO NOT CHANGE these encodings or the key layouts below: they are embedded in
// the on-disk data. Bump kFormatVersion (column_families.h) if you must.
#ifndef CATALOG_STORAGE_KEY_CODEC_H_
#define CATALOG_STORAGE_KEY_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace catalog::storage {

// ---- Primitive encodings ----

void AppendUint8(std::string* out, uint8_t value);
void AppendUint32(std::string* out, uint32_t value);
void AppendUint64(std::string* out, uint64_t value);
void AppendOrderedString(std::string* out, std::string_view value);

bool ConsumeUint8(std::string_view* in, uint8_t* value);
bool ConsumeUint32(std::string_view* in, uint32_t* value);
bool ConsumeUint64(std::string_view* in, uint64_t* value);
bool ConsumeOrderedString(std::string_view* in, std::string* value);

// ---- Key layouts, one per column family ----

// datasets: ordered(id).
std::string DatasetKey(std::string_view id);
bool ParseDatasetKey(std::string_view key, std::string* id);

// dataset_revisions: ordered(id) | u64(revision).
std::string DatasetRevisionKey(std::string_view id, uint64_t revision);
// Prefix of all revisions of one dataset.
std::string DatasetRevisionPrefix(std::string_view id);
bool ParseDatasetRevisionKey(std::string_view key, std::string* id,
                             uint64_t* revision);

// lineage_out: ordered(source dataset id) | ordered(target resource name),
// the target being "datasets/{id}" or "parties/{id}".
std::string EdgeOutKey(std::string_view source_id, std::string_view target);
// Prefix of all out-edges of one dataset.
std::string EdgeOutPrefix(std::string_view source_id);
bool ParseEdgeOutKey(std::string_view key, std::string* source_id, std::string* target);

// lineage_in: ordered(target resource name) | ordered(source dataset id).
std::string EdgeInKey(std::string_view target, std::string_view source_id);
// Prefix of all in-edges of one node.
std::string EdgeInPrefix(std::string_view target);
bool ParseEdgeInKey(std::string_view key, std::string* target, std::string* source_id);

// lineage_in values: u8(relation) | u8(1 if the edge has column mappings).
// Small, so that the in-memory graph is rebuilt without parsing edges.
std::string EdgeSummaryValue(uint8_t relation, bool mapped, bool undocumented);
bool ParseEdgeSummaryValue(std::string_view value, uint8_t* relation, bool* mapped,
                           bool* undocumented);

// parties: ordered(id).
std::string PartyKey(std::string_view id);
bool ParsePartyKey(std::string_view key, std::string* id);

// processing_activities: ordered(activity id).
std::string ProcessingActivityKey(std::string_view id);
// processing_activity_versions: ordered(activity id) | u64(version).
std::string ProcessingActivityVersionKey(std::string_view id, uint64_t version);
// Prefix of all versions of one activity.
std::string ProcessingActivityVersionPrefix(std::string_view id);

// openlineage_jobs: ordered(namespace) | ordered(name).
std::string OpenLineageJobKey(std::string_view ns, std::string_view name);

// measurements: u8(1) | ordered(dataset id) | u8(dimension) |
// u64(measured_at micros, sign bit flipped) | u64(revision) -> Measurement;
// u8(2) | ordered(dataset id) | u8(dimension) | u32(month: year*12+month-1)
// -> aggregate value (merged).
std::string MeasurementKey(std::string_view dataset, uint8_t dimension, int64_t micros,
                           uint64_t revision);
// Prefix of all measurements, of those of a dataset, or of one of its
// dimensions.
std::string MeasurementPrefix();
std::string MeasurementPrefix(std::string_view dataset);
std::string MeasurementPrefix(std::string_view dataset, uint8_t dimension);
bool ParseMeasurementKey(std::string_view key, std::string* dataset, uint8_t* dimension,
                         int64_t* micros, uint64_t* revision);
std::string AggregateKey(std::string_view dataset, uint8_t dimension, uint32_t month);
// Prefix of all aggregates, of a dataset's (all dimensions) or of one
// dimension's.
std::string AggregatePrefix();
std::string AggregatePrefix(std::string_view dataset);
std::string AggregatePrefix(std::string_view dataset, uint8_t dimension);
bool ParseAggregateKey(std::string_view key, std::string* dataset, uint8_t* dimension,
                       uint32_t* month);
// The newest measurement of a dataset on a dimension, for the landscape
// facts to load on open: u8(3) | ordered(dataset) | u8(dimension) ->
// LatestScoreValue.
std::string LatestScoreKey(std::string_view dataset, uint8_t dimension);
std::string LatestScorePrefix();
bool ParseLatestScoreKey(std::string_view key, std::string* dataset, uint8_t* dimension);
// u64(measured_at micros, sign bit flipped) | u64(score x 10^4, two's
// complement).
std::string LatestScoreValue(int64_t micros, int64_t score_e4);
bool ParseLatestScoreValue(std::string_view value, int64_t* micros, int64_t* score_e4);

// Reads of a dataset per day and principal, counted from the audit trail:
// ordered(dataset) | u32(days since the Unix epoch, UTC) |
// ordered(principal) -> u64(count), merged.
std::string DatasetReadKey(std::string_view dataset, uint32_t day, std::string_view principal);
std::string DatasetReadPrefix(std::string_view dataset);
bool ParseDatasetReadKey(std::string_view key, std::string* dataset, uint32_t* day,
                         std::string* principal);

// Aggregate values: u64(count) | u64(sum of scores x 10^4, two's complement).
std::string AggregateValue(uint64_t count, int64_t sum_e4);
bool ParseAggregateValue(std::string_view value, uint64_t* count, int64_t* sum_e4);

// terugmeldingen: two kinds of entries, told apart by their first byte
// (frozen values, see TerugmeldingEntry):
//   u8(1) | ordered(dataset id) | ordered(report id) -> catalog.v1.Terugmelding
//   u8(2) | ordered(reporter principal) | ordered(dataset id) | ordered(report id)
//         -> empty (the reporter index, for ListMyTerugmeldingen)
enum class TerugmeldingEntry : uint8_t { kRecord = 1, kByReporter = 2 };
std::string TerugmeldingKey(std::string_view dataset_id, std::string_view id);
// Prefix of the records of one dataset.
std::string TerugmeldingPrefix(std::string_view dataset_id);
bool ParseTerugmeldingKey(std::string_view key, std::string* dataset_id, std::string* id);
std::string ReporterIndexKey(std::string_view principal, std::string_view dataset_id,
                             std::string_view id);
// Prefix of the index entries of one principal.
std::string ReporterIndexPrefix(std::string_view principal);
bool ParseReporterIndexKey(std::string_view key, std::string* principal,
                           std::string* dataset_id, std::string* id);
// Prefix of every entry of one kind.
std::string TerugmeldingEntryPrefix(TerugmeldingEntry kind);

// processing (the processing log): four kinds of entries, told apart by
// their first byte (frozen values, see OperationEntry). An operation's id
// within the log is u64(start micros) | trace id (16) | span id (8), so
// that records are in time order:
//   u8(1) | operation id -> catalog.v1.ProcessingOperation
//   u8(2) | subject hash (32) | operation id -> empty
//   u8(3) | ordered(activity id) | u64(version) | operation id -> empty
//   u8(4) | trace id | span id -> u64(start micros)
//   u8(5) | ordered(activity id) | u64(version) | u32(day of start, UTC)
//         -> u64 count of operations (merged counter)
enum class OperationEntry : uint8_t {
  kRecord = 1,
  kBySubject = 2,
  kByActivity = 3,
  kByTrace = 4,
  kDayCount = 5
};
inline constexpr size_t kOperationIdSize = 8 + 16 + 8;
std::string OperationId(uint64_t start_micros, std::string_view trace_id,
                        std::string_view span_id);
std::string OperationRecordKey(std::string_view operation_id);
std::string SubjectIndexPrefix(std::string_view subject_hash);
std::string ActivityIndexPrefix(std::string_view activity_id);
std::string ActivityIndexPrefix(std::string_view activity_id, uint64_t version);
std::string TraceIndexPrefix(std::string_view trace_id);
// Each index key is its prefix followed by the operation id (the trace
// index: by the span id); these give the operation id back.
bool OperationIdOfIndexKey(std::string_view key, std::string_view* operation_id);
bool ParseActivityIndexKey(std::string_view key, std::string* activity_id, uint64_t* version,
                           std::string_view* operation_id);
std::string OperationEntryPrefix(OperationEntry kind);
std::string OperationDayCountKey(std::string_view activity_id, uint64_t version, uint32_t day);
std::string OperationDayCountPrefix(std::string_view activity_id);
bool ParseOperationDayCountKey(std::string_view key, std::string* activity_id, uint64_t* version,
                               uint32_t* day);

// change_log: u64(revision).
std::string ChangeLogKey(uint64_t revision);
bool ParseChangeLogKey(std::string_view key, uint64_t* revision);

// audit: u64(sequence).
std::string AuditKey(uint64_t sequence);
bool ParseAuditKey(std::string_view key, uint64_t* sequence);

// indexes: u8(index id) | value (already order-encoded by the caller through
// the Index*Value helpers) | ordered(dataset id). The value is empty.
std::string IndexKey(uint8_t index_id, std::string_view encoded_value,
                     std::string_view dataset_id);
// Prefix of all entries of one index with one value.
std::string IndexValuePrefix(uint8_t index_id, std::string_view encoded_value);
// Prefix of all entries of one index.
std::string IndexPrefix(uint8_t index_id);
// How an index encodes its values; fixed per index (see dataset_indexes.h).
enum class IndexValueKind { kString, kUint32, kUint64 };

// Splits an index key into its parts. The value stays encoded.
bool ParseIndexKey(std::string_view key, IndexValueKind kind, uint8_t* index_id,
                   std::string_view* encoded_value, std::string* dataset_id);

// Encoded index values.
std::string IndexStringValue(std::string_view value);
std::string IndexUint32Value(uint32_t value);
std::string IndexUint64Value(uint64_t value);

// The smallest key greater than every key starting with `prefix` (for an
// iterate_upper_bound). Empty if there is none (prefix all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_KEY_CODEC_H_
