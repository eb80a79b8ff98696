// CatalogStore: quality measurements and their monthly aggregates. A
// measurement is written with a merge into the aggregate of its dataset,
// dimension and month, in the same atomic write, so a quality report reads
// at most a year of aggregates per dimension instead of every measurement.
#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "api/resource_names.h"
#include "storage/store_impl.h"

namespace catalog::storage {
namespace {

using catalog::v1::Measurement;

int64_t ScoreE4(double score) { return std::llround(score * 10000.0); }

// Month index (year*12 + month - 1) of a time, in UTC.
uint32_t MonthOf(int64_t micros) {
  const absl::CivilMonth month =
      absl::ToCivilMonth(absl::FromUnixMicros(micros), absl::UTCTimeZone());
  return static_cast<uint32_t>(month.year() * 12 + month.month() - 1);
}

int64_t MeasuredMicros(const Measurement& m) {
  return TimeUtil::TimestampToMicroseconds(m.measured_at());
}

// The merge operator of the measurements column family. Aggregates add up:
// (count, sum) + (count, sum). A latest-score entry keeps the newer of the
// two (by measured_at; the later operand on a tie), so that batches
// committed in any order leave the newest score.
class MeasurementsMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    if (key.starts_with(latest_prefix_)) {
      int64_t micros = 0, add_micros = 0, score = 0;
      if (!ParseLatestScoreValue(value.ToStringView(), &add_micros, &score)) return false;
      if (existing != nullptr) {
        if (!ParseLatestScoreValue(existing->ToStringView(), &micros, &score)) return false;
        if (micros > add_micros) {
          new_value->assign(existing->data(), existing->size());
          return true;
        }
      }
      new_value->assign(value.data(), value.size());
      return true;
    }
    uint64_t count = 0, add_count = 0;
    int64_t sum = 0, add_sum = 0;
    if (existing != nullptr && !ParseAggregateValue(existing->ToStringView(), &count, &sum)) {
      return false;
    }
    if (!ParseAggregateValue(value.ToStringView(), &add_count, &add_sum)) return false;
    *new_value = AggregateValue(count + add_count, sum + add_sum);
    return true;
  }
  // The name of the first version, which merged aggregates only.
  const char* Name() const override { return "catalog.QualityAggregate"; }

 private:
  const std::string latest_prefix_ = LatestScorePrefix();
};

struct MeasurementEntry {
  std::string dataset;
  uint8_t dimension = 0;
  int64_t micros = 0;
  Measurement measurement;
};

// Calls `fn` for every measurement, in key order (per dataset and
// dimension, oldest first), and `corrupt` for an entry that does not parse;
// the scan stops when `corrupt` returns false.
absl::Status ForEachMeasurement(rocksdb::Iterator* it,
                                const std::function<void(const MeasurementEntry&)>& fn,
                                const std::function<bool(const rocksdb::Slice& key)>& corrupt) {
  const std::string measurements = MeasurementPrefix();
  MeasurementEntry e;
  for (it->Seek(measurements); it->Valid() && it->key().starts_with(measurements); it->Next()) {
    uint64_t revision = 0;
    if (!ParseMeasurementKey(it->key().ToStringView(), &e.dataset, &e.dimension, &e.micros,
                             &revision) ||
        !e.measurement.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      if (!corrupt(it->key())) return absl::OkStatus();
      continue;
    }
    fn(e);
  }
  return FromRocksStatus(it->status(), "reading measurements");
}

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewMeasurementsMergeOperator() {
  return std::make_shared<MeasurementsMergeOperator>();
}

std::vector<MeasurementWriteResult> CatalogStore::RecordMeasurements(
    std::vector<Measurement> measurements, const WriteContext& context) {
  std::vector<MeasurementWriteResult> results(measurements.size());
  std::vector<std::string> ids;
  for (const Measurement& m : measurements) ids.push_back(api::IdOf(m.dataset()));
  auto locks = impl_->LockIdsShared({ids.begin(), ids.end()});
  // Existence from the facts, which follow every committed dataset change
  // made under these locks.
  std::vector<size_t> planned;
  for (size_t i = 0; i < measurements.size(); ++i) {
    if (!impl_->facts.Contains(ids[i])) {
      results[i].status = api::DatasetNotFoundError(ids[i]);
      continue;
    }
    planned.push_back(i);
  }
  if (planned.empty()) return results;
  // The newest measurement per (dataset, dimension) of this batch that is
  // also newer than the one recorded: its latest-score entry is rewritten.
  std::map<std::pair<std::string, uint8_t>, size_t> newest;
  for (size_t i : planned) {
    const Measurement& m = measurements[i];
    const auto dimension = static_cast<uint8_t>(m.dimension());
    int64_t known = 0;
    if (impl_->facts.LatestScore(ids[i], dimension, &known) && known > MeasuredMicros(m)) continue;
    auto [it, added] = newest.try_emplace({ids[i], dimension}, i);
    if (!added && MeasuredMicros(measurements[it->second]) <= MeasuredMicros(m)) it->second = i;
  }
  const absl::Status committed = impl_->Commit(
      planned.size(),
      [&](uint64_t revision, rocksdb::WriteBatch* batch) {
        // Each kind of key goes into the batch in key order: the memtable
        // then inserts every key next to the one before it instead of
        // searching the whole skip list, which is most of a batch's cost
        // when it names many datasets.
        std::vector<std::pair<std::string, size_t>> records;
        std::vector<std::pair<std::string, std::string>> aggregates;
        records.reserve(planned.size());
        aggregates.reserve(planned.size());
        for (size_t i : planned) {
          Measurement& m = measurements[i];
          const auto dimension = static_cast<uint8_t>(m.dimension());
          const int64_t micros = MeasuredMicros(m);
          m.set_revision(static_cast<int64_t>(revision));
          m.set_name(absl::StrCat(m.dataset(), "/measurements/",
                                  catalog::v1::QualityDimension_Name(m.dimension()), "/",
                                  revision));
          records.emplace_back(MeasurementKey(ids[i], dimension, micros, revision), i);
          aggregates.emplace_back(AggregateKey(ids[i], dimension, MonthOf(micros)),
                                  AggregateValue(1, ScoreE4(m.score())));
          impl_->AddChangeLog(batch, revision, CHANGE_KIND_CREATE, m.name(), context);
          ++revision;
        }
        for (const auto& [key, i] : newest) {
          batch->Merge(impl_->cf(Cf::kMeasurements), LatestScoreKey(key.first, key.second),
                     LatestScoreValue(MeasuredMicros(measurements[i]),
                                      ScoreE4(measurements[i].score())));
        }
        std::sort(records.begin(), records.end());
        for (const auto& [key, i] : records) {
          batch->Put(impl_->cf(Cf::kMeasurements), key, measurements[i].SerializeAsString());
        }
        std::sort(aggregates.begin(), aggregates.end());
        for (const auto& [key, value] : aggregates) {
          batch->Merge(impl_->cf(Cf::kMeasurements), key, value);
        }
      },
      context);
  if (committed.ok()) {
    for (const auto& [key, i] : newest) {
      impl_->facts.RecordScore(key.first, key.second, measurements[i].score(),
                               MeasuredMicros(measurements[i]));
    }
  }
  for (size_t i : planned) {
    results[i].status = committed;
    if (committed.ok()) results[i].stored = std::move(measurements[i]);
  }
  return results;
}

absl::Status CatalogStore::Impl::LoadLatestScores() {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), cf(Cf::kMeasurements)));
  const std::string prefix = LatestScorePrefix();
  it->Seek(prefix);
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading latest scores");
  if (!it->Valid() || !it->key().starts_with(prefix)) {
    // None recorded: a store written before they were (or without any
    // measurement). Derive them from the measurements once.
    rocksdb::WriteBatch batch;
    std::map<std::pair<std::string, uint8_t>, std::pair<int64_t, int64_t>> latest;
    bool corrupt = false;
    absl::Status scanned = ForEachMeasurement(
        it.get(),
        [&](const MeasurementEntry& e) {  // Keys ascend in time.
          latest[{e.dataset, e.dimension}] = {e.micros, ScoreE4(e.measurement.score())};
        },
        [&](const rocksdb::Slice&) { return !(corrupt = true); });
    if (!scanned.ok()) return scanned;
    if (corrupt) return absl::DataLossError("a measurement is corrupt");
    if (latest.empty()) return absl::OkStatus();
    for (const auto& [key, value] : latest) {
      batch.Put(cf(Cf::kMeasurements), LatestScoreKey(key.first, key.second),
                LatestScoreValue(value.first, value.second));
    }
    rocksdb::WriteOptions options;
    options.sync = true;
    if (absl::Status s = FromRocksStatus(db->Write(options, &batch), "writing latest scores");
        !s.ok()) {
      return s;
    }
    return LoadLatestScores();
  }
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string dataset;
    uint8_t dimension = 0;
    int64_t micros = 0, score = 0;
    if (!ParseLatestScoreKey(it->key().ToStringView(), &dataset, &dimension) ||
        !ParseLatestScoreValue(it->value().ToStringView(), &micros, &score)) {
      return absl::DataLossError("a latest-score entry is corrupt");
    }
    facts.RecordScore(dataset, dimension, static_cast<double>(score) / 10000.0, micros);
  }
  return FromRocksStatus(it->status(), "reading latest scores");
}

absl::StatusOr<MeasurementPage> CatalogStore::ListMeasurements(
    const MeasurementQuery& query) const {
  // Newest first within each dimension: iterate backwards from the end of
  // the dataset's (or dimension's) range. The cursor is the last key seen.
  const std::string prefix =
      query.dimension == catalog::v1::QUALITY_DIMENSION_UNSPECIFIED
          ? MeasurementPrefix(query.dataset)
          : MeasurementPrefix(query.dataset, static_cast<uint8_t>(query.dimension));
  ScopedSnapshot snapshot(impl_->db);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(snapshot.Options(), impl_->cf(Cf::kMeasurements)));
  if (query.cursor.empty()) {
    it->SeekForPrev(PrefixSuccessor(prefix));
    if (it->Valid() && !it->key().starts_with(prefix)) it->Prev();
  } else {
    if (!absl::StartsWith(query.cursor, prefix)) {
      return absl::InvalidArgumentError("page_token: not a token of this listing");
    }
    it->SeekForPrev(query.cursor);
    if (it->Valid() && it->key() == query.cursor) it->Prev();
  }
  // Per dimension newest first: with all dimensions the backward scan gives
  // the last dimension first; that order is documented as "by dimension".
  MeasurementPage page;
  size_t scanned = 0;
  std::string last;
  const int64_t from = query.from == absl::InfinitePast() ? INT64_MIN : absl::ToUnixMicros(query.from);
  const int64_t to = query.to == absl::InfiniteFuture() ? INT64_MAX : absl::ToUnixMicros(query.to);
  for (; it->Valid() && it->key().starts_with(prefix); it->Prev()) {
    if (page.measurements.size() == query.limit || scanned == query.scan_budget) {
      page.next_cursor = last;
      break;
    }
    ++scanned;
    last = it->key().ToString();
    std::string dataset;
    uint8_t dimension = 0;
    int64_t micros = 0;
    uint64_t revision = 0;
    if (!ParseMeasurementKey(it->key().ToStringView(), &dataset, &dimension, &micros, &revision)) {
      return absl::DataLossError("a measurement key is corrupt");
    }
    if (micros < from || micros >= to) continue;
    Measurement& m = page.measurements.emplace_back();
    if (!m.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("measurement ", revision, " is corrupt"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "listing measurements");
  return page;
}

absl::StatusOr<std::optional<Measurement>> CatalogStore::LatestMeasurement(
    const std::string& dataset, catalog::v1::QualityDimension dimension) const {
  const std::string prefix = MeasurementPrefix(dataset, static_cast<uint8_t>(dimension));
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kMeasurements)));
  it->SeekForPrev(PrefixSuccessor(prefix));
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading measurements");
  if (!it->Valid() || !it->key().starts_with(prefix)) return std::optional<Measurement>();
  Measurement m;
  if (!m.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
    return absl::DataLossError("a measurement is corrupt");
  }
  return std::optional<Measurement>(std::move(m));
}

absl::StatusOr<std::vector<MonthlyAggregate>> CatalogStore::MonthlyAggregates(
    const std::string& dataset, catalog::v1::QualityDimension dimension, int first_month,
    int last_month) const {
  const auto dim = static_cast<uint8_t>(dimension);
  const std::string prefix = AggregatePrefix(dataset, dim);
  std::vector<MonthlyAggregate> months;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kMeasurements)));
  for (it->Seek(AggregateKey(dataset, dim, static_cast<uint32_t>(first_month)));
       it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string id;
    uint8_t ignored = 0;
    uint32_t month = 0;
    uint64_t count = 0;
    int64_t sum = 0;
    if (!ParseAggregateKey(it->key().ToStringView(), &id, &ignored, &month) ||
        !ParseAggregateValue(it->value().ToStringView(), &count, &sum)) {
      return absl::DataLossError("a quality aggregate is corrupt");
    }
    if (static_cast<int>(month) > last_month) break;
    months.push_back({static_cast<int>(month / 12), static_cast<int>(month % 12) + 1,
                      static_cast<int64_t>(count), static_cast<double>(sum) / 10000.0});
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading quality aggregates");
  return months;
}

absl::Status CatalogStore::Impl::CheckMeasurements(
    const rocksdb::ReadOptions& read, const std::function<void(std::string)>& problem) const {
  // Recompute every aggregate and latest score from the measurements and
  // compare.
  std::map<std::string, std::pair<uint64_t, int64_t>> expected;
  std::map<std::string, std::pair<int64_t, int64_t>> expected_latest;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf(Cf::kMeasurements)));
  absl::Status scanned = ForEachMeasurement(
      it.get(),
      [&](const MeasurementEntry& e) {
        auto& [count, sum] = expected[AggregateKey(e.dataset, e.dimension, MonthOf(e.micros))];
        ++count;
        sum += ScoreE4(e.measurement.score());
        expected_latest[LatestScoreKey(e.dataset, e.dimension)] = {
            e.micros, ScoreE4(e.measurement.score())};
      },
      [&](const rocksdb::Slice& key) {
        problem(absl::StrCat("measurement ", absl::CHexEscape(key.ToString()), " is corrupt"));
        return true;
      });
  if (!scanned.ok()) return scanned;
  const std::string aggregates = AggregatePrefix();
  for (it->Seek(aggregates); it->Valid() && it->key().starts_with(aggregates); it->Next()) {
    uint64_t count = 0;
    int64_t sum = 0;
    auto found = expected.find(it->key().ToString());
    if (!ParseAggregateValue(it->value().ToStringView(), &count, &sum) || found == expected.end() ||
        found->second != std::make_pair(count, sum)) {
      problem(absl::StrCat("quality aggregate ", absl::CHexEscape(it->key().ToString()),
                           " does not match its measurements"));
    }
    if (found != expected.end()) expected.erase(found);
  }
  for (const auto& [key, value] : expected) {
    problem(absl::StrCat("quality aggregate ", absl::CHexEscape(key), " is missing"));
  }
  const std::string latest = LatestScorePrefix();
  for (it->Seek(latest); it->Valid() && it->key().starts_with(latest); it->Next()) {
    int64_t micros = 0, score = 0;
    auto found = expected_latest.find(it->key().ToString());
    // Of measurements at the same time, any may be the latest recorded.
    if (!ParseLatestScoreValue(it->value().ToStringView(), &micros, &score) ||
        found == expected_latest.end() || found->second.first != micros) {
      problem(absl::StrCat("latest score ", absl::CHexEscape(it->key().ToString()),
                           " does not match its measurements"));
    }
    if (found != expected_latest.end()) expected_latest.erase(found);
  }
  for (const auto& [key, value] : expected_latest) {
    problem(absl::StrCat("latest score ", absl::CHexEscape(key), " is missing"));
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "checking measurements");
  return absl::OkStatus();
}

}  // namespace catalog::storage
