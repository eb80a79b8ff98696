#include "tests/bench/store_loader.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/core/dataset_validation.h"
#include "storage/catalog_store.h"
#include "tests/bench/bench_util.h"

namespace catalog::bench {
namespace {

namespace v1 = ::catalog::v1;
using Clock = std::chrono::steady_clock;
using google::protobuf::util::TimeUtil;

constexpr size_t kBatch = 1000;


// The newest measurement per dimension of `history`.
std::vector<v1::Measurement> Newest(std::vector<v1::Measurement> history) {
  std::map<int, v1::Measurement> newest;
  for (v1::Measurement& m : history) {
    auto [it, added] = newest.try_emplace(m.dimension(), m);
    if (!added && TimeUtil::TimestampToMicroseconds(it->second.measured_at()) <
                      TimeUtil::TimestampToMicroseconds(m.measured_at())) {
      it->second = std::move(m);
    }
  }
  std::vector<v1::Measurement> out;
  for (auto& [dimension, m] : newest) out.push_back(std::move(m));
  return out;
}

}  // namespace

absl::Status LoadStore(const demo::LandscapeGenerator& g, const StoreLoadSpec& spec,
                       StoreLoad* r) {
  std::error_code ec;
  std::filesystem::remove_all(spec.data_dir, ec);
  storage::StoreOptions so;
  so.path = spec.data_dir;
  so.sync_writes = false;  // The load is not measured.
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store = storage::CatalogStore::Open(so);
  if (!store.ok()) return store.status();
  auto context = [&](std::string request) {
    storage::WriteContext c;
    c.principal = spec.principal;
    c.request_id = std::move(request);
    return c;
  };

  const Clock::time_point start = Clock::now();
  for (const v1::ExternalParty& party : g.Parties()) {
    absl::StatusOr<v1::ExternalParty> stored = (*store)->CreateParty(party, context("parties"));
    if (!stored.ok()) return stored.status();
    ++r->parties;
  }
  for (int64_t first = 0; first < g.size(); first += static_cast<int64_t>(kBatch)) {
    const int64_t end = std::min<int64_t>(g.size(), first + static_cast<int64_t>(kBatch));
    const Clock::time_point generate = Clock::now();
    std::vector<storage::DatasetWrite> datasets;
    std::vector<storage::EdgeWrite> edges;
    std::vector<v1::Measurement> measurements;
    std::vector<v1::Terugmelding> reports;
    for (int64_t i = first; i < end; ++i) {
      v1::Dataset d = g.Dataset(i);
      for (v1::LineageEdge& e : g.Edges(i, d)) {
        r->deliveries += e.relation() == v1::LINEAGE_RELATION_DELIVERY;
        if (spec.on_edge) spec.on_edge(e);
        edges.push_back({std::move(e), storage::WriteMode::kCreate, 0});
      }
      if (spec.quality) {
        for (v1::Measurement& m : Newest(g.Measurements(i, spec.now))) {
          measurements.push_back(std::move(m));
        }
        for (v1::Terugmelding& t : g.Terugmeldingen(i)) reports.push_back(std::move(t));
      }
      server::NormalizeDataset(&d);  // As catalogd stores it.
      datasets.push_back({std::move(d), storage::WriteMode::kCreate, 0});
    }
    r->generate_seconds += SecondsSince(generate);
    const std::string batch = absl::StrCat("batch-", first / static_cast<int64_t>(kBatch));
    for (const storage::DatasetWriteResult& written :
         (*store)->WriteDatasets(std::move(datasets), context(batch))) {
      if (!written.status.ok()) return written.status;
      ++r->datasets;
    }
    // Every source has a smaller index and every target is in this batch or
    // a party: all exist now.
    for (size_t k = 0; k < edges.size(); k += kBatch) {
      storage::LineageWrite write;
      const size_t k_end = std::min(edges.size(), k + kBatch);
      write.edges.assign(std::make_move_iterator(edges.begin() + static_cast<ptrdiff_t>(k)),
                         std::make_move_iterator(edges.begin() + static_cast<ptrdiff_t>(k_end)));
      absl::StatusOr<storage::LineageWriteResult> written =
          (*store)->WriteLineage(std::move(write), context(batch));
      if (!written.ok()) return written.status();
      r->edges += static_cast<int64_t>(written->edges.size());
    }
    for (size_t k = 0; k < measurements.size(); k += kBatch) {
      const size_t k_end = std::min(measurements.size(), k + kBatch);
      std::vector<v1::Measurement> chunk(
          std::make_move_iterator(measurements.begin() + static_cast<ptrdiff_t>(k)),
          std::make_move_iterator(measurements.begin() + static_cast<ptrdiff_t>(k_end)));
      for (const storage::MeasurementWriteResult& written :
           (*store)->RecordMeasurements(std::move(chunk), context(batch))) {
        if (!written.status.ok()) return written.status;
        ++r->measurements;
      }
    }
    for (v1::Terugmelding& t : reports) {
      t.set_id(absl::StrCat("t", ++r->terugmeldingen));
      t.set_status(v1::TERUGMELDING_STATUS_GEMELD);
      absl::StatusOr<v1::Terugmelding> filed = (*store)->CreateTerugmelding(t, context(batch));
      if (!filed.ok()) return filed.status();
    }
    if (end % 100000 == 0 || end == g.size()) {
      std::printf("  loaded %lld datasets, %lld edges, %lld measurements (%.0f s)\n",
                  static_cast<long long>(end), static_cast<long long>(r->edges),
                  static_cast<long long>(r->measurements), SecondsSince(start));
      std::fflush(stdout);
    }
  }
  absl::Status closed = (*store)->Close();
  r->seconds = SecondsSince(start);
  return closed;
}

nlohmann::ordered_json StoreLoadJson(const StoreLoad& r) {
  nlohmann::ordered_json j;
  j["datasets"] = r.datasets;
  j["edges"] = r.edges;
  j["deliveries"] = r.deliveries;
  j["parties"] = r.parties;
  j["measurements"] = r.measurements;
  j["terugmeldingen"] = r.terugmeldingen;
  j["seconds"] = Round(r.seconds, 10);
  j["generate_seconds"] = Round(r.generate_seconds, 10);
  return j;
}

}  // namespace catalog::bench
