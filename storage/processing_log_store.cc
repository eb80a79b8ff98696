// The processing log: operations and their three indexes (subject,
// activity version, trace) in the `processing` column family, written
// together in one batch; see key_codec.h for the layout.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "storage/store_impl.h"

namespace catalog::storage {
namespace {

using catalog::v1::ProcessingOperation;

// The trace and span id of an operation, as one string.
std::string TraceSpan(const ProcessingOperation& op) {
  return absl::StrCat(op.trace_id(), op.span_id());
}

uint64_t StartMicros(const ProcessingOperation& op) {
  return static_cast<uint64_t>(TimeUtil::TimestampToMicroseconds(op.start_time()));
}

constexpr uint64_t kMicrosPerDay = uint64_t{86400} * 1000000;

uint32_t DayOf(uint64_t micros) { return static_cast<uint32_t>(micros / kMicrosPerDay); }

// Adds `delta` (two's complement for a decrease) to the day counters of the
// operations in `counts`.
void MergeDayCounts(const std::map<std::string, uint64_t>& counts,
                    rocksdb::ColumnFamilyHandle* cf, rocksdb::WriteBatch* batch) {
  for (const auto& [key, delta] : counts) {
    std::string value;
    AppendUint64(&value, delta);
    batch->Merge(cf, key, value);
  }
}

// Claims the operations of one call in the in-flight set for its lifetime.
class InFlight {
 public:
  InFlight(std::mutex* mutex, std::unordered_set<std::string>* set) : mutex_(mutex), set_(set) {}
  ~InFlight() {
    std::lock_guard<std::mutex> lock(*mutex_);
    for (const std::string& id : claimed_) set_->erase(id);
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

  // Claims `ids` (distinct); false when another call holds one of them
  // (then nothing is claimed).
  bool Claim(const std::vector<std::string>& ids) {
    std::lock_guard<std::mutex> lock(*mutex_);
    for (const std::string& id : ids) {
      if (set_->count(id) > 0) return false;
    }
    for (const std::string& id : ids) set_->insert(id);
    claimed_ = ids;
    return true;
  }

 private:
  std::mutex* mutex_;
  std::unordered_set<std::string>* set_;
  std::vector<std::string> claimed_;
};

// The keys and value of one operation to write.
struct PreparedOperation {
  std::string record_key;
  std::string record;
  std::string subject_key;
  std::string activity_key;
  std::string trace_key;
  std::string trace_value;
  std::string day_count_key;
};

PreparedOperation Prepare(const OperationWrite& write) {
  const ProcessingOperation& op = write.operation;
  const std::string id = OperationId(StartMicros(op), op.trace_id(), op.span_id());
  PreparedOperation p;
  p.record_key = OperationRecordKey(id);
  p.record = op.SerializeAsString();
  p.subject_key = SubjectIndexPrefix(op.data_subject_hash()) + id;
  p.activity_key = ActivityIndexPrefix(write.activity_id, write.activity_version) + id;
  p.trace_key = TraceIndexPrefix(op.trace_id()) + op.span_id();
  AppendUint64(&p.trace_value, StartMicros(op));
  p.day_count_key =
      OperationDayCountKey(write.activity_id, write.activity_version, DayOf(StartMicros(op)));
  return p;
}

// Puts the entries of `ops` into `batch` kind by kind, each kind in key
// order. The memtable inserts a batch's entries one after the other, and
// its skip list starts each search from where the previous insert ended:
// in key order the next place is near, where interleaved kinds send every
// insert across the whole list (the inserts are most of an operation's CPU).
void PutSorted(std::vector<const PreparedOperation*> ops, rocksdb::ColumnFamilyHandle* cf,
               rocksdb::WriteBatch* batch) {
  using Field = std::string PreparedOperation::*;
  static const std::string kEmpty;
  const std::pair<Field, Field> kinds[] = {{&PreparedOperation::record_key, &PreparedOperation::record},
                                           {&PreparedOperation::subject_key, nullptr},
                                           {&PreparedOperation::activity_key, nullptr},
                                           {&PreparedOperation::trace_key, &PreparedOperation::trace_value}};
  for (const auto& [key, value] : kinds) {
    std::sort(ops.begin(), ops.end(),
              [key = key](const PreparedOperation* a, const PreparedOperation* b) {
                return a->*key < b->*key;
              });
    for (const PreparedOperation* p : ops) batch->Put(cf, p->*key, value ? p->*value : kEmpty);
  }
}

// Whether a stored operation is the same as a new one: everything but the
// bookkeeping of its arrival (who exported it, when).
bool SameOperation(ProcessingOperation stored, ProcessingOperation incoming) {
  for (ProcessingOperation* op : {&stored, &incoming}) {
    op->clear_exporter();
    op->clear_receive_time();
  }
  return stored.SerializeAsString() == incoming.SerializeAsString();
}

}  // namespace

absl::StatusOr<std::vector<OperationOutcome>> CatalogStore::WriteOperations(
    std::vector<OperationWrite> writes, bool all_or_nothing, const WriteContext& context) {
  std::vector<OperationOutcome> outcomes(writes.size(), OperationOutcome::kStored);
  // Duplicates within the call: the first one counts.
  std::vector<std::string> ids;
  std::unordered_map<std::string, size_t> first;
  for (size_t i = 0; i < writes.size(); ++i) {
    std::string id = TraceSpan(writes[i].operation);
    auto [it, inserted] = first.emplace(id, i);
    if (!inserted) {
      outcomes[i] = SameOperation(writes[it->second].operation, writes[i].operation)
                        ? OperationOutcome::kDuplicate
                        : OperationOutcome::kConflict;
    } else {
      ids.push_back(std::move(id));
    }
  }
  InFlight in_flight(&impl_->operations_mutex, &impl_->operations_in_flight);
  if (!in_flight.Claim(ids)) {
    return absl::UnavailableError(
        "another call is writing some of these operations at this moment; retry");
  }

  // Operations stored before: look their trace index entries up at once.
  std::vector<PreparedOperation> prepared(writes.size());
  std::vector<size_t> fresh;  // Indexes of first occurrences.
  for (size_t i = 0; i < writes.size(); ++i) {
    if (outcomes[i] != OperationOutcome::kStored) continue;
    prepared[i] = Prepare(writes[i]);
    fresh.push_back(i);
  }
  std::vector<rocksdb::Slice> keys;
  keys.reserve(fresh.size());
  for (size_t i : fresh) keys.emplace_back(prepared[i].trace_key);
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  impl_->db->MultiGet(rocksdb::ReadOptions(), impl_->cf(Cf::kProcessing), keys.size(),
                      keys.data(), values.data(), statuses.data());
  for (size_t k = 0; k < fresh.size(); ++k) {
    if (statuses[k].IsNotFound()) continue;
    if (!statuses[k].ok()) return FromRocksStatus(statuses[k], "reading the processing log");
    const size_t i = fresh[k];
    const ProcessingOperation& op = writes[i].operation;
    std::string_view start = values[k].ToStringView();
    uint64_t micros = 0;
    if (!ConsumeUint64(&start, &micros)) {
      return absl::DataLossError("a trace index entry of the processing log is corrupt");
    }
    absl::StatusOr<std::optional<ProcessingOperation>> stored =
        impl_->ReadRecord<ProcessingOperation>(
            rocksdb::ReadOptions(), Cf::kProcessing,
            OperationRecordKey(OperationId(micros, op.trace_id(), op.span_id())),
            "processing operation");
    if (!stored.ok()) return stored.status();
    outcomes[i] = stored->has_value() && SameOperation(**stored, op)
                      ? OperationOutcome::kDuplicate
                      : OperationOutcome::kConflict;
  }
  std::vector<const PreparedOperation*> to_write;
  std::map<std::string, uint64_t> day_counts;
  for (size_t i : fresh) {
    if (outcomes[i] != OperationOutcome::kStored) continue;
    to_write.push_back(&prepared[i]);
    ++day_counts[prepared[i].day_count_key];
  }
  const bool conflict = std::find(outcomes.begin(), outcomes.end(),
                                  OperationOutcome::kConflict) != outcomes.end();
  if (all_or_nothing && conflict) return outcomes;

  rocksdb::ColumnFamilyHandle* cf = impl_->cf(Cf::kProcessing);
  absl::Status committed = impl_->Commit(
      0,
      [&](uint64_t, rocksdb::WriteBatch* batch) {
        PutSorted(to_write, cf, batch);
        MergeDayCounts(day_counts, cf, batch);
      },
      context);
  if (!committed.ok()) return committed;
  return outcomes;
}

namespace {

// Where a listing starts and ends, in index keys.
struct IndexRange {
  std::string prefix;  // Every key of the listing starts with it.
  std::string first;   // Seek here (inclusive).
  std::string limit;   // Stop before here.
};

IndexRange RangeOf(const OperationQuery& query) {
  IndexRange range;
  if (!query.subject_hash.empty()) {
    range.prefix = SubjectIndexPrefix(query.subject_hash);
  } else if (query.activity_version > 0) {
    range.prefix = ActivityIndexPrefix(query.activity_id, query.activity_version);
  } else if (!query.activity_id.empty()) {
    range.prefix = ActivityIndexPrefix(query.activity_id);
  } else {
    range.prefix = TraceIndexPrefix(query.trace_id);
  }
  range.first = range.prefix;
  range.limit = PrefixSuccessor(range.prefix);
  // Time bounds apply directly where the operation id follows the prefix.
  const bool timed = !query.subject_hash.empty() || query.activity_version > 0;
  if (timed && query.from != absl::InfinitePast()) {
    AppendUint64(&range.first, static_cast<uint64_t>(std::max<int64_t>(0, ToMicros(query.from))));
  }
  if (timed && query.to != absl::InfiniteFuture()) {
    range.limit = range.prefix;
    AppendUint64(&range.limit, static_cast<uint64_t>(std::max<int64_t>(0, ToMicros(query.to))));
  }
  return range;
}

bool InPeriod(const ProcessingOperation& op, const OperationQuery& query) {
  const absl::Time start = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(op.start_time()));
  return start >= query.from && start < query.to;
}

}  // namespace

absl::StatusOr<OperationPage> CatalogStore::ListOperations(const OperationQuery& query) const {
  const IndexRange range = RangeOf(query);
  if (!query.cursor.empty() && (query.cursor.compare(0, range.prefix.size(), range.prefix) != 0)) {
    return absl::InvalidArgumentError("page_token belongs to another listing");
  }
  ScopedSnapshot snapshot(impl_->db);
  rocksdb::ReadOptions read = snapshot.Options();
  rocksdb::Slice upper(range.limit);
  if (!range.limit.empty()) read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read, impl_->cf(Cf::kProcessing)));
  const bool by_trace = query.subject_hash.empty() && query.activity_id.empty();
  OperationPage page;
  size_t examined = 0;
  std::string last;  // Key of the last entry examined.
  it->Seek(query.cursor.empty() ? range.first : query.cursor);
  if (!query.cursor.empty() && it->Valid() && it->key() == query.cursor) it->Next();
  for (; it->Valid(); it->Next()) {
    if (page.operations.size() == query.limit || examined == query.scan_budget) {
      page.next_cursor = last;
      break;
    }
    ++examined;
    last = it->key().ToString();
    std::string operation_id;
    if (by_trace) {
      std::string_view value = it->value().ToStringView();
      uint64_t micros = 0;
      if (!ConsumeUint64(&value, &micros)) {
        return absl::DataLossError("a trace index entry of the processing log is corrupt");
      }
      operation_id = OperationId(micros, query.trace_id,
                                 it->key().ToStringView().substr(range.prefix.size()));
    } else {
      std::string_view id;
      if (!OperationIdOfIndexKey(it->key().ToStringView(), &id)) {
        return absl::DataLossError("an index entry of the processing log is corrupt");
      }
      operation_id = std::string(id);
    }
    absl::StatusOr<std::optional<ProcessingOperation>> op = impl_->ReadRecord<ProcessingOperation>(
        read, Cf::kProcessing, OperationRecordKey(operation_id), "processing operation");
    if (!op.ok()) return op.status();
    if (!op->has_value()) {
      return absl::DataLossError("an index entry of the processing log names no operation");
    }
    if (!InPeriod(**op, query)) continue;
    if (query.visible && !query.visible(**op)) {
      ++page.hidden;
      continue;
    }
    page.operations.push_back(**std::move(op));
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "listing the processing log");
  return page;
}

absl::StatusOr<int64_t> CatalogStore::PurgeOperations(const std::string& activity_id,
                                                      uint64_t version, absl::Time cutoff,
                                                      bool dry_run, const WriteContext& context) {
  constexpr size_t kChunk = 20000;
  const std::string prefix = ActivityIndexPrefix(activity_id, version);
  std::string limit = prefix;
  AppendUint64(&limit, static_cast<uint64_t>(std::max<int64_t>(0, ToMicros(cutoff))));
  int64_t removed = 0;
  std::string resume = prefix;
  for (;;) {
    rocksdb::ReadOptions read;
    rocksdb::Slice upper(limit);
    read.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(read, impl_->cf(Cf::kProcessing)));
    std::vector<ProcessingOperation> expired;
    size_t examined = 0;
    for (it->Seek(resume); it->Valid() && examined < kChunk; it->Next(), ++examined) {
      resume = it->key().ToString() + '\0';
      std::string_view id;
      if (!OperationIdOfIndexKey(it->key().ToStringView(), &id)) {
        return absl::DataLossError("an index entry of the processing log is corrupt");
      }
      absl::StatusOr<std::optional<ProcessingOperation>> op =
          impl_->ReadRecord<ProcessingOperation>(read, Cf::kProcessing, OperationRecordKey(id),
                                                 "processing operation");
      if (!op.ok()) return op.status();
      if (!op->has_value()) continue;
      const int64_t end = TimeUtil::TimestampToMicroseconds((*op)->end_time());
      if (end < ToMicros(cutoff)) expired.push_back(**std::move(op));
    }
    if (!it->status().ok()) return FromRocksStatus(it->status(), "purging the processing log");
    const bool last = !it->Valid();
    removed += static_cast<int64_t>(expired.size());
    if (dry_run) {
      if (last) return removed;
      continue;
    }
    WriteContext chunk_context = context;
    if (!last) chunk_context.audit.reset();
    if (!expired.empty() || last) {
      rocksdb::ColumnFamilyHandle* cf = impl_->cf(Cf::kProcessing);
      absl::Status committed = impl_->Commit(
          0,
          [&](uint64_t, rocksdb::WriteBatch* batch) {
            std::map<std::string, uint64_t> day_counts;
            for (const ProcessingOperation& op : expired) {
              day_counts[OperationDayCountKey(activity_id, version, DayOf(StartMicros(op)))] -= 1;
              const std::string id = OperationId(StartMicros(op), op.trace_id(), op.span_id());
              batch->Delete(cf, OperationRecordKey(id));
              batch->Delete(cf, SubjectIndexPrefix(op.data_subject_hash()) + id);
              batch->Delete(cf, ActivityIndexPrefix(activity_id, version) + id);
              batch->Delete(cf, TraceIndexPrefix(op.trace_id()) + op.span_id());
            }
            MergeDayCounts(day_counts, cf, batch);
          },
          chunk_context);
      if (!committed.ok()) return committed;
    }
    if (last) return removed;
  }
}

absl::Status CatalogStore::Impl::CheckProcessingLog(
    const rocksdb::ReadOptions& read, CheckReport* report,
    const std::function<void(std::string)>& problem) const {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf(Cf::kProcessing)));
  auto present = [&](const std::string& key) {
    std::string ignored;
    return db->Get(read, cf(Cf::kProcessing), key, &ignored).ok();
  };
  // 1. Records: their index entries exist; count them per day counter.
  std::map<std::string, uint64_t> counted;
  const std::string records = OperationEntryPrefix(OperationEntry::kRecord);
  for (it->Seek(records); it->Valid() && it->key().starts_with(records); it->Next()) {
    ++report->processing_operations;
    const std::string_view id = it->key().ToStringView().substr(records.size());
    ProcessingOperation op;
    std::string activity_id;
    int64_t version = 0;
    const std::string shown = absl::BytesToHexString(std::string(id));
    if (!ParseValue(*it, &op) || id.size() != kOperationIdSize ||
        OperationId(StartMicros(op), op.trace_id(), op.span_id()) != id) {
      problem(absl::StrCat("processing operation ", shown, " is corrupt or under another key"));
      continue;
    }
    const size_t at = op.activity().rfind("/versions/");
    if (at == std::string::npos || !absl::SimpleAtoi(op.activity().substr(at + 10), &version)) {
      problem(absl::StrCat("processing operation ", shown, " names no activity version"));
      continue;
    }
    activity_id = op.activity().substr(0, at).substr(op.activity().find('/') + 1);
    const auto v = static_cast<uint64_t>(version);
    if (!present(SubjectIndexPrefix(op.data_subject_hash()) + std::string(id)) ||
        !present(ActivityIndexPrefix(activity_id, v) + std::string(id)) ||
        !present(TraceIndexPrefix(op.trace_id()) + op.span_id())) {
      problem(absl::StrCat("processing operation ", shown, ": an index entry is missing"));
    }
    ++counted[OperationDayCountKey(activity_id, v, DayOf(StartMicros(op)))];
  }
  // 2. Index entries name records; day counters equal the records.
  for (OperationEntry kind : {OperationEntry::kBySubject, OperationEntry::kByActivity}) {
    const std::string prefix = OperationEntryPrefix(kind);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      std::string_view id;
      if (!OperationIdOfIndexKey(it->key().ToStringView(), &id) ||
          !present(OperationRecordKey(id))) {
        problem(absl::StrCat("processing index entry ",
                             absl::BytesToHexString(it->key().ToString()),
                             " names no operation"));
      }
    }
  }
  const std::string traces = OperationEntryPrefix(OperationEntry::kByTrace);
  for (it->Seek(traces); it->Valid() && it->key().starts_with(traces); it->Next()) {
    const std::string_view key = it->key().ToStringView().substr(traces.size());
    std::string_view value = it->value().ToStringView();
    uint64_t micros = 0;
    if (key.size() != 24 || !ConsumeUint64(&value, &micros) ||
        !present(OperationRecordKey(OperationId(micros, key.substr(0, 16), key.substr(16))))) {
      problem(absl::StrCat("processing trace entry ", absl::BytesToHexString(std::string(key)),
                           " names no operation"));
    }
  }
  const std::string days = OperationEntryPrefix(OperationEntry::kDayCount);
  for (it->Seek(days); it->Valid() && it->key().starts_with(days); it->Next()) {
    std::string_view value = it->value().ToStringView();
    uint64_t count = 0;
    const std::string key = it->key().ToString();
    if (!ConsumeUint64(&value, &count) || (count != 0 && counted[key] != count)) {
      problem(absl::StrCat("processing day counter ", absl::BytesToHexString(key), " says ",
                           count, ", the log holds ", counted[key]));
    }
    counted.erase(key);
  }
  for (const auto& [key, count] : counted) {
    if (count > 0) {
      problem(absl::StrCat("processing day counter ", absl::BytesToHexString(key),
                           " is missing for ", count, " operations"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "checking the processing log");
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CatalogStore::CountOperations(const std::string& activity_id,
                                                      absl::Time from, absl::Time to) const {
  const uint64_t first_day = DayOf(static_cast<uint64_t>(std::max<int64_t>(0, ToMicros(from))));
  const uint64_t end_micros = static_cast<uint64_t>(std::max<int64_t>(0, ToMicros(to)));
  const std::string prefix = OperationDayCountPrefix(activity_id);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kProcessing)));
  uint64_t total = 0;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string id;
    uint64_t version = 0;
    uint32_t day = 0;
    std::string_view value = it->value().ToStringView();
    uint64_t count = 0;
    if (!ParseOperationDayCountKey(it->key().ToStringView(), &id, &version, &day) ||
        !ConsumeUint64(&value, &count)) {
      return absl::DataLossError("a day count of the processing log is corrupt");
    }
    if (day >= first_day && uint64_t{day} * kMicrosPerDay < end_micros) total += count;
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "counting the processing log");
  return static_cast<int64_t>(total);
}

}  // namespace catalog::storage
