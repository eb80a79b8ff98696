#include "storage/key_codec.h"

namespace catalog::storage {
namespace {

constexpr char kEscape = '\x00';
constexpr char kEscapedZero = '\xff';
constexpr char kTerminator = '\x01';

template <typename T>
void AppendBigEndian(std::string* out, T value) {
  for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

template <typename T>
bool ConsumeBigEndian(std::string_view* in, T* value) {
  if (in->size() < sizeof(T)) return false;
  T result = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    result = static_cast<T>((result << 8) | static_cast<uint8_t>((*in)[i]));
  }
  in->remove_prefix(sizeof(T));
  *value = result;
  return true;
}

}  // namespace

void AppendUint8(std::string* out, uint8_t value) { AppendBigEndian(out, value); }
void AppendUint32(std::string* out, uint32_t value) { AppendBigEndian(out, value); }
void AppendUint64(std::string* out, uint64_t value) { AppendBigEndian(out, value); }

bool ConsumeUint8(std::string_view* in, uint8_t* value) { return ConsumeBigEndian(in, value); }
bool ConsumeUint32(std::string_view* in, uint32_t* value) { return ConsumeBigEndian(in, value); }
bool ConsumeUint64(std::string_view* in, uint64_t* value) { return ConsumeBigEndian(in, value); }

void AppendOrderedString(std::string* out, std::string_view value) {
  for (char c : value) {
    out->push_back(c);
    if (c == kEscape) out->push_back(kEscapedZero);
  }
  out->push_back(kEscape);
  out->push_back(kTerminator);
}

bool ConsumeOrderedString(std::string_view* in, std::string* value) {
  std::string result;
  for (size_t i = 0; i < in->size(); ++i) {
    char c = (*in)[i];
    if (c != kEscape) {
      result.push_back(c);
      continue;
    }
    if (i + 1 >= in->size()) return false;
    char next = (*in)[i + 1];
    if (next == kTerminator) {
      in->remove_prefix(i + 2);
      *value = std::move(result);
      return true;
    }
    if (next != kEscapedZero) return false;
    result.push_back(kEscape);
    ++i;
  }
  return false;  // No terminator.
}

std::string DatasetKey(std::string_view id) {
  std::string key;
  AppendOrderedString(&key, id);
  return key;
}

bool ParseDatasetKey(std::string_view key, std::string* id) {
  return ConsumeOrderedString(&key, id) && key.empty();
}

std::string DatasetRevisionKey(std::string_view id, uint64_t revision) {
  std::string key = DatasetRevisionPrefix(id);
  AppendUint64(&key, revision);
  return key;
}

std::string DatasetRevisionPrefix(std::string_view id) { return DatasetKey(id); }

bool ParseDatasetRevisionKey(std::string_view key, std::string* id,
                             uint64_t* revision) {
  return ConsumeOrderedString(&key, id) && ConsumeUint64(&key, revision) &&
         key.empty();
}

std::string ChangeLogKey(uint64_t revision) {
  std::string key;
  AppendUint64(&key, revision);
  return key;
}

bool ParseChangeLogKey(std::string_view key, uint64_t* revision) {
  return ConsumeUint64(&key, revision) && key.empty();
}

std::string AuditKey(uint64_t sequence) { return ChangeLogKey(sequence); }

bool ParseAuditKey(std::string_view key, uint64_t* sequence) {
  return ParseChangeLogKey(key, sequence);
}

std::string IndexPrefix(uint8_t index_id) {
  std::string key;
  AppendUint8(&key, index_id);
  return key;
}

std::string IndexValuePrefix(uint8_t index_id, std::string_view encoded_value) {
  std::string key = IndexPrefix(index_id);
  key.append(encoded_value);
  return key;
}

std::string IndexKey(uint8_t index_id, std::string_view encoded_value,
                     std::string_view dataset_id) {
  std::string key = IndexValuePrefix(index_id, encoded_value);
  AppendOrderedString(&key, dataset_id);
  return key;
}

bool ParseIndexKey(std::string_view key, IndexValueKind kind, uint8_t* index_id,
                   std::string_view* encoded_value, std::string* dataset_id) {
  if (!ConsumeUint8(&key, index_id)) return false;
  std::string_view value_start = key;
  bool value_ok = false;
  switch (kind) {
    case IndexValueKind::kString: {
      std::string ignored;
      value_ok = ConsumeOrderedString(&key, &ignored);
      break;
    }
    case IndexValueKind::kUint32: {
      uint32_t ignored;
      value_ok = ConsumeUint32(&key, &ignored);
      break;
    }
    case IndexValueKind::kUint64: {
      uint64_t ignored;
      value_ok = ConsumeUint64(&key, &ignored);
      break;
    }
  }
  if (!value_ok) return false;
  *encoded_value = value_start.substr(0, value_start.size() - key.size());
  return ConsumeOrderedString(&key, dataset_id) && key.empty();
}

std::string IndexStringValue(std::string_view value) {
  std::string out;
  AppendOrderedString(&out, value);
  return out;
}

std::string IndexUint32Value(uint32_t value) {
  std::string out;
  AppendUint32(&out, value);
  return out;
}

std::string IndexUint64Value(uint64_t value) {
  std::string out;
  AppendUint64(&out, value);
  return out;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string result(prefix);
  while (!result.empty()) {
    unsigned char last = static_cast<unsigned char>(result.back());
    if (last != 0xff) {
      result.back() = static_cast<char>(last + 1);
      return result;
    }
    result.pop_back();
  }
  return result;
}

namespace {

std::string Pair(std::string_view first, std::string_view second) {
  std::string key;
  AppendOrderedString(&key, first);
  AppendOrderedString(&key, second);
  return key;
}

bool ParsePair(std::string_view key, std::string* first, std::string* second) {
  return ConsumeOrderedString(&key, first) && ConsumeOrderedString(&key, second) && key.empty();
}

}  // namespace

std::string EdgeOutKey(std::string_view source_id, std::string_view target) {
  return Pair(source_id, target);
}
std::string EdgeOutPrefix(std::string_view source_id) { return DatasetKey(source_id); }
bool ParseEdgeOutKey(std::string_view key, std::string* source_id, std::string* target) {
  return ParsePair(key, source_id, target);
}

std::string EdgeInKey(std::string_view target, std::string_view source_id) {
  return Pair(target, source_id);
}
std::string EdgeInPrefix(std::string_view target) { return DatasetKey(target); }
bool ParseEdgeInKey(std::string_view key, std::string* target, std::string* source_id) {
  return ParsePair(key, target, source_id);
}

// Flags of an edge summary.
constexpr uint8_t kEdgeMapped = 1;
constexpr uint8_t kEdgeUndocumented = 2;

std::string EdgeSummaryValue(uint8_t relation, bool mapped, bool undocumented) {
  std::string value;
  AppendUint8(&value, relation);
  AppendUint8(&value, (mapped ? kEdgeMapped : 0) | (undocumented ? kEdgeUndocumented : 0));
  return value;
}

bool ParseEdgeSummaryValue(std::string_view value, uint8_t* relation, bool* mapped,
                           bool* undocumented) {
  uint8_t flags = 0;
  if (!ConsumeUint8(&value, relation) || !ConsumeUint8(&value, &flags) || !value.empty() ||
      (flags & ~(kEdgeMapped | kEdgeUndocumented)) != 0) {
    return false;
  }
  *mapped = (flags & kEdgeMapped) != 0;
  *undocumented = (flags & kEdgeUndocumented) != 0;
  return true;
}

std::string PartyKey(std::string_view id) { return DatasetKey(id); }
bool ParsePartyKey(std::string_view key, std::string* id) { return ParseDatasetKey(key, id); }

std::string ProcessingActivityKey(std::string_view id) { return DatasetKey(id); }

std::string ProcessingActivityVersionKey(std::string_view id, uint64_t version) {
  std::string key = ProcessingActivityVersionPrefix(id);
  AppendUint64(&key, version);
  return key;
}

std::string ProcessingActivityVersionPrefix(std::string_view id) { return DatasetKey(id); }

std::string OpenLineageJobKey(std::string_view ns, std::string_view name) {
  return Pair(ns, name);
}

namespace {

constexpr uint8_t kMeasurementTag = 1;
constexpr uint8_t kAggregateTag = 2;
constexpr uint8_t kLatestScoreTag = 3;

}  // namespace

std::string MeasurementPrefix() { return std::string(1, static_cast<char>(kMeasurementTag)); }

std::string MeasurementPrefix(std::string_view dataset) {
  std::string key = MeasurementPrefix();
  AppendOrderedString(&key, dataset);
  return key;
}

std::string MeasurementPrefix(std::string_view dataset, uint8_t dimension) {
  std::string key = MeasurementPrefix(dataset);
  AppendUint8(&key, dimension);
  return key;
}

std::string MeasurementKey(std::string_view dataset, uint8_t dimension, int64_t micros,
                           uint64_t revision) {
  std::string key = MeasurementPrefix(dataset, dimension);
  AppendUint64(&key, static_cast<uint64_t>(micros) ^ (uint64_t{1} << 63));
  AppendUint64(&key, revision);
  return key;
}

bool ParseMeasurementKey(std::string_view key, std::string* dataset, uint8_t* dimension,
                         int64_t* micros, uint64_t* revision) {
  uint8_t tag = 0;
  uint64_t biased = 0;
  if (!ConsumeUint8(&key, &tag) || tag != kMeasurementTag || !ConsumeOrderedString(&key, dataset) ||
      !ConsumeUint8(&key, dimension) || !ConsumeUint64(&key, &biased) ||
      !ConsumeUint64(&key, revision) || !key.empty()) {
    return false;
  }
  *micros = static_cast<int64_t>(biased ^ (uint64_t{1} << 63));
  return true;
}

std::string AggregatePrefix() { return std::string(1, static_cast<char>(kAggregateTag)); }

std::string AggregatePrefix(std::string_view dataset) {
  std::string key = AggregatePrefix();
  AppendOrderedString(&key, dataset);
  return key;
}

std::string AggregatePrefix(std::string_view dataset, uint8_t dimension) {
  std::string key = AggregatePrefix(dataset);
  AppendUint8(&key, dimension);
  return key;
}

std::string AggregateKey(std::string_view dataset, uint8_t dimension, uint32_t month) {
  std::string key = AggregatePrefix(dataset, dimension);
  AppendUint32(&key, month);
  return key;
}

bool ParseAggregateKey(std::string_view key, std::string* dataset, uint8_t* dimension,
                       uint32_t* month) {
  uint8_t tag = 0;
  return ConsumeUint8(&key, &tag) && tag == kAggregateTag && ConsumeOrderedString(&key, dataset) &&
         ConsumeUint8(&key, dimension) && ConsumeUint32(&key, month) && key.empty();
}

std::string DatasetReadPrefix(std::string_view dataset) {
  std::string key;
  AppendOrderedString(&key, dataset);
  return key;
}

std::string DatasetReadKey(std::string_view dataset, uint32_t day, std::string_view principal) {
  std::string key = DatasetReadPrefix(dataset);
  AppendUint32(&key, day);
  AppendOrderedString(&key, principal);
  return key;
}

bool ParseDatasetReadKey(std::string_view key, std::string* dataset, uint32_t* day,
                         std::string* principal) {
  return ConsumeOrderedString(&key, dataset) && ConsumeUint32(&key, day) &&
         ConsumeOrderedString(&key, principal) && key.empty();
}

std::string LatestScorePrefix() { return std::string(1, static_cast<char>(kLatestScoreTag)); }

std::string LatestScoreKey(std::string_view dataset, uint8_t dimension) {
  std::string key = LatestScorePrefix();
  AppendOrderedString(&key, dataset);
  AppendUint8(&key, dimension);
  return key;
}

bool ParseLatestScoreKey(std::string_view key, std::string* dataset, uint8_t* dimension) {
  uint8_t tag = 0;
  return ConsumeUint8(&key, &tag) && tag == kLatestScoreTag &&
         ConsumeOrderedString(&key, dataset) && ConsumeUint8(&key, dimension) && key.empty();
}

std::string LatestScoreValue(int64_t micros, int64_t score_e4) {
  std::string value;
  AppendUint64(&value, static_cast<uint64_t>(micros) ^ (uint64_t{1} << 63));
  AppendUint64(&value, static_cast<uint64_t>(score_e4));
  return value;
}

bool ParseLatestScoreValue(std::string_view value, int64_t* micros, int64_t* score_e4) {
  uint64_t biased = 0, score = 0;
  if (!ConsumeUint64(&value, &biased) || !ConsumeUint64(&value, &score) || !value.empty()) {
    return false;
  }
  *micros = static_cast<int64_t>(biased ^ (uint64_t{1} << 63));
  *score_e4 = static_cast<int64_t>(score);
  return true;
}

std::string AggregateValue(uint64_t count, int64_t sum_e4) {
  std::string value;
  AppendUint64(&value, count);
  AppendUint64(&value, static_cast<uint64_t>(sum_e4));
  return value;
}

bool ParseAggregateValue(std::string_view value, uint64_t* count, int64_t* sum_e4) {
  uint64_t sum = 0;
  if (!ConsumeUint64(&value, count) || !ConsumeUint64(&value, &sum) || !value.empty()) return false;
  *sum_e4 = static_cast<int64_t>(sum);
  return true;
}

std::string TerugmeldingEntryPrefix(TerugmeldingEntry kind) {
  std::string key;
  AppendUint8(&key, static_cast<uint8_t>(kind));
  return key;
}

std::string TerugmeldingKey(std::string_view dataset_id, std::string_view id) {
  return TerugmeldingEntryPrefix(TerugmeldingEntry::kRecord) + Pair(dataset_id, id);
}
std::string TerugmeldingPrefix(std::string_view dataset_id) {
  return TerugmeldingEntryPrefix(TerugmeldingEntry::kRecord) + DatasetKey(dataset_id);
}
bool ParseTerugmeldingKey(std::string_view key, std::string* dataset_id, std::string* id) {
  uint8_t kind = 0;
  return ConsumeUint8(&key, &kind) && kind == static_cast<uint8_t>(TerugmeldingEntry::kRecord) &&
         ParsePair(key, dataset_id, id);
}

std::string ReporterIndexKey(std::string_view principal, std::string_view dataset_id,
                             std::string_view id) {
  std::string key = ReporterIndexPrefix(principal);
  key += Pair(dataset_id, id);
  return key;
}
std::string ReporterIndexPrefix(std::string_view principal) {
  return TerugmeldingEntryPrefix(TerugmeldingEntry::kByReporter) + DatasetKey(principal);
}
bool ParseReporterIndexKey(std::string_view key, std::string* principal,
                           std::string* dataset_id, std::string* id) {
  uint8_t kind = 0;
  return ConsumeUint8(&key, &kind) &&
         kind == static_cast<uint8_t>(TerugmeldingEntry::kByReporter) &&
         ConsumeOrderedString(&key, principal) && ParsePair(key, dataset_id, id);
}


std::string OperationEntryPrefix(OperationEntry kind) {
  return std::string(1, static_cast<char>(kind));
}
std::string OperationId(uint64_t start_micros, std::string_view trace_id,
                        std::string_view span_id) {
  std::string id;
  id.reserve(kOperationIdSize);
  AppendUint64(&id, start_micros);
  id.append(trace_id);
  id.append(span_id);
  return id;
}
std::string OperationRecordKey(std::string_view operation_id) {
  std::string key = OperationEntryPrefix(OperationEntry::kRecord);
  key.append(operation_id);
  return key;
}
std::string SubjectIndexPrefix(std::string_view subject_hash) {
  std::string key = OperationEntryPrefix(OperationEntry::kBySubject);
  key.append(subject_hash);
  return key;
}
std::string ActivityIndexPrefix(std::string_view activity_id) {
  std::string key = OperationEntryPrefix(OperationEntry::kByActivity);
  AppendOrderedString(&key, activity_id);
  return key;
}
std::string ActivityIndexPrefix(std::string_view activity_id, uint64_t version) {
  std::string key = ActivityIndexPrefix(activity_id);
  AppendUint64(&key, version);
  return key;
}
std::string TraceIndexPrefix(std::string_view trace_id) {
  std::string key = OperationEntryPrefix(OperationEntry::kByTrace);
  key.append(trace_id);
  return key;
}
std::string OperationDayCountPrefix(std::string_view activity_id) {
  std::string key = OperationEntryPrefix(OperationEntry::kDayCount);
  AppendOrderedString(&key, activity_id);
  return key;
}
std::string OperationDayCountKey(std::string_view activity_id, uint64_t version, uint32_t day) {
  std::string key = OperationDayCountPrefix(activity_id);
  AppendUint64(&key, version);
  AppendUint32(&key, day);
  return key;
}
bool ParseOperationDayCountKey(std::string_view key, std::string* activity_id, uint64_t* version,
                               uint32_t* day) {
  uint8_t kind = 0;
  return ConsumeUint8(&key, &kind) && kind == static_cast<uint8_t>(OperationEntry::kDayCount) &&
         ConsumeOrderedString(&key, activity_id) && ConsumeUint64(&key, version) &&
         ConsumeUint32(&key, day) && key.empty();
}
bool OperationIdOfIndexKey(std::string_view key, std::string_view* operation_id) {
  if (key.size() < 1 + kOperationIdSize) return false;
  *operation_id = key.substr(key.size() - kOperationIdSize);
  return true;
}
bool ParseActivityIndexKey(std::string_view key, std::string* activity_id, uint64_t* version,
                           std::string_view* operation_id) {
  uint8_t kind = 0;
  if (!ConsumeUint8(&key, &kind) || kind != static_cast<uint8_t>(OperationEntry::kByActivity) ||
      !ConsumeOrderedString(&key, activity_id) || !ConsumeUint64(&key, version) ||
      key.size() != kOperationIdSize) {
    return false;
  }
  *operation_id = key;
  return true;
}

}  // namespace catalog::storage
