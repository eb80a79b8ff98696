// landscape_bench: LandscapeService.GetLandscape at scale (docs/BENCHMARKS.md,
// section "Landscape overview"; target at 1M datasets: <= 1 s).
//
//   1. load (not measured): the generated landscape of N datasets straight
//      into a store in --work (client/demo/landscape_generator.h: datasets,
//      ~3 lineage edges each, parties, the newest measurement per normed
//      dimension, terugmeldingen), as tests/bench/store_loader.h does;
//   2. catalogd starts in process on that store (127.0.0.1:0, mutual TLS,
//      the benchmark policy of bench_util.h: steward, clearance
//      zeer_geheim, so every dataset counts); the start-up time, which
//      builds the in-memory landscape facts and lineage graph, is reported;
//   3. C calls of GetLandscape (no filter, 30-day usage period), one after
//      another from one client as `steward`, authorized and audited as in
//      production: p50/p90/max wall time, server CPU per call, response size.
//
// Output: a table, then one line "BENCH_JSON {...}". Exit status 0 when every
// call succeeded (target met or not), 1 when calls failed, 2 for a bad
// command line.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "catalog/v1/landscape_service.grpc.pb.h"
#include "client/demo/landscape_generator.h"
#include "server/transport/catalog_server.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/store_loader.h"
#include "tests/support/test_support.h"

namespace catalog::bench {
namespace {

namespace v1 = ::catalog::v1;
using Clock = std::chrono::steady_clock;

constexpr double kTargetSeconds = 1.0;  // At 1M datasets.

struct Options {
  std::string certs, work;
  int64_t datasets = 1000000;
  int64_t seed = 1;
  int calls = 20;
  bool reuse = false;
};

constexpr char kUsage[] =
    "Usage: landscape_bench --certs DIR [--work DIR [--reuse]] [--datasets N] [--seed S] [--calls C]\n"
    "\n"
    "  --certs DIR     development PKI (scripts/gen-dev-certs.sh)\n"
    "  --work DIR      working directory for the store (default: a fresh directory\n"
    "                  under $TMPDIR, removed at exit; must be on a real disk)\n"
    "  --reuse         keep the store a previous run left in --work (same\n"
    "                  --datasets and --seed) instead of loading it again\n"
    "  --datasets N    datasets in the landscape (default 1000000)\n"
    "  --seed S        seed of the landscape (default 1)\n"
    "  --calls C       GetLandscape calls measured (default 20)\n";


int Main(int argc, char** argv) {
  Options o;
  std::string error;
  if (!ParseOptions(argc, argv, kUsage,
                    {StringOption("--certs", &o.certs), StringOption("--work", &o.work),
                     IntOption("--datasets", 20, 10000000, &o.datasets),
                     IntOption("--seed", 0, INT64_MAX, &o.seed),
                     IntOption("--calls", 1, 100000, &o.calls),
                     SwitchOption("--reuse", &o.reuse)},
                    &error)) {
    std::fprintf(stderr, "landscape_bench: %s\n\n%s", error.c_str(), kUsage);
    return 2;
  }
  if (o.certs.empty()) {
    std::fprintf(stderr, "landscape_bench: --certs DIR is required\n\n%s", kUsage);
    return 2;
  }
  testing::TempDir scratch;  // The default working directory, removed at exit.
  if (o.work.empty()) {
    if (o.reuse) {
      std::fprintf(stderr, "landscape_bench: --reuse needs --work DIR\n\n%s", kUsage);
      return 2;
    }
    o.work = scratch.path();
  }
  if (!CheckBenchCerts(o.certs, "landscape_bench")) return 2;
  spdlog::set_default_logger(spdlog::stderr_color_mt("catalogd"));
  spdlog::set_level(spdlog::level::warn);
  std::filesystem::create_directories(o.work);

  const std::string load_start = LoadAverage();
  nlohmann::ordered_json j = RunJson("landscape_bench", UtcNow(), FileSystemType(o.work), load_start);
  j["datasets"] = o.datasets;
  std::printf("landscape_bench: %lld datasets, work %s (%s); %u CPUs, %s; load average %s\n",
              static_cast<long long>(o.datasets), o.work.c_str(), FileSystemType(o.work).c_str(),
              std::thread::hardware_concurrency(), CpuModel().c_str(), load_start.c_str());
  std::printf("load: straight into the store, sync_writes off (not measured)\n");
  std::fflush(stdout);

  const demo::LandscapeGenerator generator({o.datasets, static_cast<uint64_t>(o.seed)});
  StoreLoadSpec spec;
  spec.data_dir = o.work + "/data";
  spec.principal = "landscape_bench";
  spec.quality = true;
  StoreLoad load;
  const bool reusing = o.reuse && std::filesystem::exists(spec.data_dir + "/CURRENT");
  if (reusing) {
    std::printf("reusing the store in %s\n", spec.data_dir.c_str());
  } else if (absl::Status s = LoadStore(generator, spec, &load); !s.ok()) {
    std::fprintf(stderr, "landscape_bench: load failed: %s\n", s.ToString().c_str());
    return 1;
  }
  j["load"] = StoreLoadJson(load);
  j["reused_store"] = reusing;
  if (!reusing) std::printf("loaded %lld datasets, %lld edges, %lld measurements, %lld terugmeldingen in %.0f s\n",
              static_cast<long long>(load.datasets), static_cast<long long>(load.edges),
              static_cast<long long>(load.measurements), static_cast<long long>(load.terugmeldingen),
              load.seconds);
  std::fflush(stdout);

  const Clock::time_point start = Clock::now();
  server::ServerOptions so;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> server =
      StartBenchServer(o.certs, spec.data_dir, "", o.work, 0, &so);
  if (!server.ok()) {
    std::fprintf(stderr, "landscape_bench: cannot start catalogd: %s\n",
                 server.status().ToString().c_str());
    return 1;
  }
  const double start_seconds = SecondsSince(start);
  j["server_start_seconds"] = Round(start_seconds, 100);
  std::printf("catalogd started in %.1f s (store opened, landscape facts and lineage graph built)\n",
              start_seconds);
  const double waited = WaitForIdle(300);
  std::printf("waited %.1f s for background flushes and compactions to finish\n", waited);
  std::fflush(stdout);

  auto stub = v1::LandscapeService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*server)->port()),
      testing::ClientCredentials("steward", o.certs, o.certs)));
  bool ok = true;
  std::vector<int64_t> ns;
  double cpu = 0;
  size_t bytes = 0;
  v1::Landscape landscape;
  for (int call = 0; call <= o.calls && ok; ++call) {  // Call 0 warms up.
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    const double cpu_before = ProcessCpuSeconds();
    const Clock::time_point t = Clock::now();
    const grpc::Status s = stub->GetLandscape(&context, v1::GetLandscapeRequest(), &landscape);
    const int64_t elapsed =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t).count();
    if (!s.ok()) {
      std::fprintf(stderr, "landscape_bench: GetLandscape: %s\n", s.error_message().c_str());
      ok = false;
      break;
    }
    if (call == 0) continue;
    cpu += ProcessCpuSeconds() - cpu_before;
    ns.push_back(elapsed);
    bytes = landscape.ByteSizeLong();
  }
  stub.reset();
  if (absl::Status closed = (*server)->Shutdown(absl::Seconds(10)); !closed.ok()) ok = false;
  const std::string load_end = LoadAverage();

  bool pass = false;
  if (ok && !ns.empty()) {
    std::vector<int64_t> sorted = ns;
    const double p50 = QuantileMicros(sorted, 0.5) / 1000;
    const double p90 = QuantileMicros(sorted, 0.9) / 1000;
    const double max = QuantileMicros(sorted, 1.0) / 1000;
    pass = max / 1000 <= kTargetSeconds;
    std::printf("\nGetLandscape over %lld datasets (%lld visible, %d findings, %zu bytes), %zu calls:\n"
                "  p50 %.1f ms, p90 %.1f ms, max %.1f ms; %.1f ms CPU per call (client and server)\n"
                "  target at 1M datasets: <= %.0f ms: %s\n",
                static_cast<long long>(o.datasets),
                static_cast<long long>(landscape.total_datasets()), landscape.findings_size(), bytes,
                ns.size(), p50, p90, max, cpu * 1000 / static_cast<double>(ns.size()),
                kTargetSeconds * 1000,
                o.datasets >= 1000000 ? (pass ? "PASS" : "FAIL") : "(not at 1M)");
    nlohmann::ordered_json r;
    r["calls"] = ns.size();
    r["p50_ms"] = Round(p50, 10);
    r["p90_ms"] = Round(p90, 10);
    r["max_ms"] = Round(max, 10);
    r["cpu_ms_per_call"] = Round(cpu * 1000 / static_cast<double>(ns.size()), 10);
    r["response_bytes"] = bytes;
    r["total_datasets"] = landscape.total_datasets();
    r["target"] = "max <= 1000 ms at 1M datasets";
    r["pass"] = pass;
    j["get_landscape"] = r;
  }
  PrintLoad(load_start, load_end);
  j["loadavg_end"] = load_end;
  return FinishRun(j, pass && o.datasets >= 1000000, ok);
}

}  // namespace
}  // namespace catalog::bench

int main(int argc, char** argv) { return catalog::bench::Main(argc, argv); }
