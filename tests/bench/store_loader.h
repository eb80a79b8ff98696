// Loads the generated landscape (client/demo/landscape_generator.h) straight
// into a store, without a server: the datasets, the parties and the lineage
// edges, optionally the latest measurement per normed dimension and the
// terugmeldingen. For benchmarks whose load is not what they measure
// (lineage_bench, landscape_bench); syncs are off while loading.
#ifndef CATALOG_TESTS_BENCH_STORE_LOADER_H_
#define CATALOG_TESTS_BENCH_STORE_LOADER_H_

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "catalog/v1/lineage.pb.h"
#include "client/demo/landscape_generator.h"

namespace catalog::bench {

struct StoreLoadSpec {
  // The store's data directory; removed first.
  std::string data_dir;
  // Principal recorded with the writes.
  std::string principal = "bench";
  // Also the newest measurement of every normed dimension of each dataset
  // (LandscapeGenerator::Measurements up to `now`), and the terugmeldingen
  // (LandscapeGenerator::Terugmeldingen, in status GEMELD).
  bool quality = false;
  absl::Time now = absl::Now();
  // Called for every edge written (e.g. to export it).
  std::function<void(const catalog::v1::LineageEdge&)> on_edge;
};

struct StoreLoad {
  int64_t datasets = 0, edges = 0, deliveries = 0, parties = 0, measurements = 0,
          terugmeldingen = 0;
  double seconds = 0;
  double generate_seconds = 0;
};

absl::Status LoadStore(const demo::LandscapeGenerator& g, const StoreLoadSpec& spec,
                       StoreLoad* r);

nlohmann::ordered_json StoreLoadJson(const StoreLoad& r);

}  // namespace catalog::bench

#endif  // CATALOG_TESTS_BENCH_STORE_LOADER_H_
