// quality_bench: the two quality workloads of catalogd against their targets
// (docs/BENCHMARKS.md, section "Quality"):
//   bulk    N measurements spread over D datasets, streamed through
//           QualityService.RecordMeasurements by client::RecordMeasurementsBulk
//           (batches of 1000, every batch durable before its response):
//           measurements/s.                               target >= 50,000/s
//   report  GetQualityReport of one dataset with Y years of daily
//           measurements on 9 dimensions (loaded through the stream first),
//           C calls one after another from one client: p50/p90/p99.
//                                                         target p99 <= 5 ms
//           Reference in the same run: GetDataset of the same dataset, same
//           client, alternating with the reports in blocks.
//
// catalogd runs in process (127.0.0.1:0, mutual TLS, sync_writes, the
// benchmark policy of bench_util.h) and is called through the client library
// as `steward`, authorized and audited as in production. Generation happens
// before the clock starts. Output: a table, then one line "BENCH_JSON {...}".
// Exit status 0 when every call succeeded (targets met or not), 1 when calls
// failed, 2 for a bad command line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/util/time_util.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/demo/landscape_generator.h"
#include "client/lib/catalog_client.h"
#include "tests/bench/bench_util.h"
#include "tests/support/test_support.h"

namespace catalog::bench {
namespace {

namespace v1 = ::catalog::v1;
using Clock = std::chrono::steady_clock;
using google::protobuf::util::TimeUtil;

constexpr double kBulkTarget = 50000;   // measurements/s
constexpr double kReportP99Target = 5;  // ms
constexpr int kReportDimensions = 9;
constexpr char kReportDataset[] = "quality-bench-report";

struct Options {
  std::string certs, policy, only;
  int64_t measurements = 500000;
  int64_t datasets = 1000;
  int report_years = 10;
  int report_calls = 2000;
  int write_threads = 0;
  // Order of the bulk measurements: "interleaved" (round robin over the
  // datasets: every batch of 1000 touches 1000 datasets) or "grouped" (each
  // dataset's measurements one after another, as a monitor measuring one
  // dataset at a time sends them).
  std::string order = "interleaved";
};

constexpr char kUsage[] =
    "Usage: quality_bench --certs DIR [--policy FILE] [--measurements N] [--datasets D]\n"
    "                     [--report-years Y] [--report-calls C] [--only bulk|report]\n"
    "                     [--order interleaved|grouped] [--write-threads N]\n"
    "\n"
    "  --certs DIR         development PKI (scripts/gen-dev-certs.sh)\n"
    "  --measurements N    measurements of the bulk run (default 500000)\n"
    "  --datasets D        datasets they are spread over (default 1000)\n"
    "  --report-years Y    years of daily measurements on 9 dimensions of the\n"
    "                      report's dataset (default 10: 32,850 measurements)\n"
    "  --report-calls C    GetQualityReport calls measured (default 2000)\n"
    "  --only WHAT         bulk or report\n"
    "  --order ORDER       bulk order: interleaved (round robin over the datasets,\n"
    "                      the default) or grouped (dataset by dataset)\n"
    "  --write-threads N   diagnostic: the server's blocking write threads\n";

bool ParseArgs(int argc, char** argv, Options* o, std::string* error) {
  if (!ParseOptions(argc, argv, kUsage,
                    {
                        StringOption("--certs", &o->certs),
                        StringOption("--policy", &o->policy),
                        ChoiceOption("--only", {"bulk", "report"}, &o->only),
                        ChoiceOption("--order", {"interleaved", "grouped"}, &o->order),
                        IntOption("--measurements", 1, 100'000'000, &o->measurements),
                        IntOption("--datasets", 1, 1'000'000, &o->datasets),
                        IntOption("--report-years", 1, 50, &o->report_years),
                        IntOption("--report-calls", 1, 1'000'000, &o->report_calls),
                        IntOption("--write-threads", 1, 1024, &o->write_threads),
                    },
                    error)) {
    return false;
  }
  if (o->certs.empty()) *error = "--certs DIR is required";
  return error->empty();
}

// One measured result: the table row and its JSON.
struct Row {
  std::string key, measure, value, target;
  bool pass = false;
  nlohmann::ordered_json json;
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Streams `measurements` through RecordMeasurements; false on failures.
bool Record(client::CatalogClient& client, std::vector<v1::Measurement>& measurements,
            double* seconds, double* cpu_seconds) {
  size_t next = 0;
  const double cpu = ProcessCpuSeconds();
  const Clock::time_point start = Clock::now();
  absl::StatusOr<client::MeasurementLoadResult> result =
      client.RecordMeasurements([&](v1::Measurement* m) {
        if (next == measurements.size()) return false;
        m->Swap(&measurements[next++]);
        return true;
      });
  *seconds = Seconds(Clock::now() - start);
  *cpu_seconds = ProcessCpuSeconds() - cpu;
  if (!result.ok()) {
    std::fprintf(stderr, "quality_bench: RecordMeasurements: %s\n",
                 result.status().ToString().c_str());
    return false;
  }
  if (result->failed > 0) {
    std::fprintf(stderr, "quality_bench: %lld measurements refused, first: %s\n",
                 static_cast<long long>(result->failed),
                 result->failures.empty() ? "?" : result->failures[0].message.c_str());
    return false;
  }
  return true;
}

v1::Measurement MakeMeasurement(const std::string& dataset, v1::QualityDimension dimension,
                                double score, absl::Time at) {
  v1::Measurement m;
  m.set_dataset(dataset);
  m.set_dimension(dimension);
  m.set_score(score);
  *m.mutable_measured_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(at));
  m.set_method("quality_bench");
  m.set_sample_size(1000);
  return m;
}

// (a) Bulk recording of o.measurements over the generated datasets.
bool MeasureBulk(const Options& o, client::CatalogClient& client,
                 const demo::LandscapeGenerator& generator, std::vector<Row>* rows) {
  // Measurement k: dataset k % D (interleaved) or k / (N / D) (grouped),
  // one of its norm dimensions, an hour further back for every round.
  std::vector<std::string> names;
  std::vector<std::vector<v1::QualityDimension>> dims;
  for (int64_t i = 0; i < generator.size(); ++i) {
    const v1::Dataset d = generator.Dataset(i);
    names.push_back("datasets/" + d.id());
    dims.emplace_back();
    for (const v1::QualityNorm& n : d.quality_norms()) dims.back().push_back(n.dimension());
  }
  const absl::Time now = absl::Now();
  std::vector<v1::Measurement> measurements;
  measurements.reserve(static_cast<size_t>(o.measurements));
  const bool grouped = o.order == "grouped";
  const int64_t per_dataset = std::max<int64_t>(1, o.measurements / generator.size());
  for (int64_t k = 0; k < o.measurements; ++k) {
    const size_t i = static_cast<size_t>(grouped ? std::min(k / per_dataset, generator.size() - 1)
                                                 : k % generator.size());
    const int64_t round = grouped ? k % per_dataset : k / generator.size();
    measurements.push_back(MakeMeasurement(
        names[i], dims[i][static_cast<size_t>(round) % dims[i].size()],
        static_cast<double>(50 + (k * 7919) % 500) / 10.0, now - absl::Hours(round + 1)));
  }
  double seconds = 0, cpu = 0;
  const bool ok = Record(client, measurements, &seconds, &cpu);
  const double rate = ok && seconds > 0 ? static_cast<double>(o.measurements) / seconds : 0;
  Row row;
  row.key = "record_bulk";
  row.measure = absl::StrFormat("RecordMeasurements, %lld over %lld datasets, %s",
                                static_cast<long long>(o.measurements),
                                static_cast<long long>(o.datasets), o.order);
  row.value = absl::StrFormat("%.0f measurements/s", rate);
  row.target = ">= 50,000/s";
  row.pass = rate >= kBulkTarget;
  row.json = {{"value", std::round(rate)},
              {"unit", "measurements/s"},
              {"order", o.order},
              {"seconds", std::round(seconds * 100) / 100},
              {"cpu_us_per_measurement",
               std::round(cpu / static_cast<double>(o.measurements) * 1e7) / 10},
              {"target", row.target},
              {"pass", row.pass}};
  rows->push_back(row);
  std::printf("bulk: %lld measurements in %.2f s (%.0f/s), %.1f us CPU each\n",
              static_cast<long long>(o.measurements), seconds, rate,
              cpu / static_cast<double>(o.measurements) * 1e6);
  std::fflush(stdout);
  return ok;
}

// Latencies in ns of `calls` calls of `call` (false: a failed call).
template <typename Call>
bool Time(int calls, const Call& call, std::vector<int64_t>* ns) {
  for (int i = 0; i < calls; ++i) {
    const Clock::time_point start = Clock::now();
    if (!call()) return false;
    ns->push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
  }
  return true;
}

// (b) GetQualityReport of one dataset with report_years of daily history.
bool MeasureReport(const Options& o, client::CatalogClient& client,
                   const demo::LandscapeGenerator& generator, std::vector<Row>* rows) {
  constexpr v1::QualityDimension kDims[kReportDimensions] = {
      v1::QUALITY_DIMENSION_JUISTHEID,       v1::QUALITY_DIMENSION_COMPLEETHEID,
      v1::QUALITY_DIMENSION_VALIDITEIT,      v1::QUALITY_DIMENSION_CONSISTENTIE,
      v1::QUALITY_DIMENSION_ACTUALITEIT,     v1::QUALITY_DIMENSION_PRECISIE,
      v1::QUALITY_DIMENSION_PLAUSIBILITEIT,  v1::QUALITY_DIMENSION_TRACEERBAARHEID,
      v1::QUALITY_DIMENSION_BEGRIJPELIJKHEID};
  v1::Dataset dataset = generator.Dataset(generator.size() > 20 ? 20 : 0);
  dataset.set_id(kReportDataset);
  dataset.clear_quality_norms();
  for (v1::QualityDimension d : kDims) {
    v1::QualityNorm* n = dataset.add_quality_norms();
    n->set_dimension(d);
    n->set_target(90);
  }
  v1::CreateDatasetRequest create;
  *create.mutable_dataset() = dataset;
  if (absl::StatusOr<v1::Dataset> created = client.CreateDataset(create); !created.ok()) {
    std::fprintf(stderr, "quality_bench: CreateDataset: %s\n", created.status().ToString().c_str());
    return false;
  }
  const absl::Time now = absl::Now();
  const int days = 365 * o.report_years;
  std::vector<v1::Measurement> history;
  history.reserve(static_cast<size_t>(days) * kReportDimensions);
  for (int day = days; day >= 1; --day) {
    for (int d = 0; d < kReportDimensions; ++d) {
      history.push_back(MakeMeasurement(kReportDataset, kDims[d],
                                        80 + static_cast<double>((day * 31 + d * 17) % 200) / 10.0,
                                        now - absl::Hours(24) * day + absl::Minutes(d)));
    }
  }
  const int64_t loaded = static_cast<int64_t>(history.size());
  double seconds = 0, cpu = 0;
  if (!Record(client, history, &seconds, &cpu)) return false;
  std::printf("report: loaded %lld measurements of %s in %.2f s\n", static_cast<long long>(loaded),
              kReportDataset, seconds);
  std::printf("waited %.1f s for background flushes and compactions to finish\n", WaitForIdle(120));
  std::fflush(stdout);

  v1::GetQualityReportRequest report_request;
  report_request.set_dataset(kReportDataset);
  v1::GetDatasetRequest get_request;
  get_request.set_id(kReportDataset);
  absl::Status failure;
  auto report = [&] {
    absl::StatusOr<v1::QualityReport> r = client.GetQualityReport(report_request);
    if (!r.ok()) {
      failure = r.status();
      return false;
    }
    if (r->dimensions_size() != kReportDimensions) {
      failure = absl::InternalError(absl::StrCat("report with ", r->dimensions_size(), " dimensions"));
      return false;
    }
    return true;
  };
  auto get = [&] {
    absl::StatusOr<v1::Dataset> d = client.GetDataset(get_request);
    if (!d.ok()) failure = d.status();
    return d.ok();
  };
  std::vector<int64_t> warm;
  bool ok = Time(50, report, &warm) && Time(50, get, &warm);
  // Blocks of 100 reports and 100 gets alternate, so both see the same
  // machine load.
  std::vector<int64_t> report_ns, get_ns;
  const double cpu_start = ProcessCpuSeconds();
  double report_cpu = 0;
  for (int done = 0; ok && done < o.report_calls; done += 100) {
    const int block = std::min(100, o.report_calls - done);
    const double c0 = ProcessCpuSeconds();
    ok = Time(block, report, &report_ns);
    report_cpu += ProcessCpuSeconds() - c0;
    ok = ok && Time(block, get, &get_ns);
  }
  const double total_cpu = ProcessCpuSeconds() - cpu_start;
  if (!ok) {
    std::fprintf(stderr, "quality_bench: %s\n", failure.ToString().c_str());
    return false;
  }
  const double p50 = QuantileMicros(report_ns, 0.5) / 1000, p90 = QuantileMicros(report_ns, 0.9) / 1000,
               p99 = QuantileMicros(report_ns, 0.99) / 1000;
  const double g50 = QuantileMicros(get_ns, 0.5) / 1000, g99 = QuantileMicros(get_ns, 0.99) / 1000;
  Row row;
  row.key = "quality_report";
  row.measure = absl::StrFormat("GetQualityReport, %lld measurements, 1 client",
                                static_cast<long long>(loaded));
  row.value = absl::StrFormat("p50 %.2f ms, p99 %.2f ms", p50, p99);
  row.target = "p99 <= 5 ms";
  row.pass = p99 <= kReportP99Target;
  const double calls = static_cast<double>(report_ns.size());
  row.json = {{"measurements", loaded},
              {"calls", report_ns.size()},
              {"p50_ms", std::round(p50 * 1000) / 1000},
              {"p90_ms", std::round(p90 * 1000) / 1000},
              {"p99_ms", std::round(p99 * 1000) / 1000},
              {"cpu_us_per_call", std::round(report_cpu / calls * 1e7) / 10},
              {"get_dataset_p50_ms", std::round(g50 * 1000) / 1000},
              {"get_dataset_p99_ms", std::round(g99 * 1000) / 1000},
              {"get_dataset_cpu_us_per_call",
               std::round((total_cpu - report_cpu) / static_cast<double>(get_ns.size()) * 1e7) / 10},
              {"target", row.target},
              {"pass", row.pass}};
  rows->push_back(row);
  std::printf("report: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms over %zu calls; GetDataset of the "
              "same dataset p50 %.2f ms, p99 %.2f ms\n",
              p50, p90, p99, report_ns.size(), g50, g99);
  std::fflush(stdout);
  return true;
}

int Main(int argc, char** argv) {
  Options o;
  std::string error;
  if (!ParseArgs(argc, argv, &o, &error)) {
    std::fprintf(stderr, "quality_bench: %s\n\n%s", error.c_str(), kUsage);
    return 2;
  }
  if (!CheckBenchCerts(o.certs, "quality_bench")) return 2;
  spdlog::set_default_logger(spdlog::stderr_color_mt("catalogd"));
  spdlog::set_level(spdlog::level::warn);

  const std::string load_start = LoadAverage();
  const std::string started_at = UtcNow();
  testing::TempDir dir;
  server::ServerOptions so;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> server =
      StartBenchServer(o.certs, dir.path() + "/data", o.policy, dir.path(), o.write_threads, &so);
  if (!server.ok()) {
    std::fprintf(stderr, "quality_bench: cannot start catalogd: %s\n",
                 server.status().ToString().c_str());
    return 1;
  }
  client::ConnectionOptions connection;
  connection.server = absl::StrCat("127.0.0.1:", (*server)->port());
  connection.ca_file = o.certs + "/ca.pem";
  connection.cert_file = o.certs + "/steward.pem";
  connection.key_file = o.certs + "/steward.key";
  absl::StatusOr<std::unique_ptr<client::CatalogClient>> client =
      client::CatalogClient::Create(connection);
  if (!client.ok()) {
    std::fprintf(stderr, "quality_bench: %s\n", client.status().ToString().c_str());
    return 1;
  }
  const std::string fs = FileSystemType(dir.path());
  std::printf("quality_bench: catalogd on %s (mTLS, sync_writes), data %s (%s)\n",
              connection.server.c_str(), so.data_dir.c_str(), fs.c_str());
  std::printf("machine: %u CPUs, %s; load average %s\n", std::thread::hardware_concurrency(),
              CpuModel().c_str(), load_start.c_str());
  if (fs == "tmpfs") std::printf("WARNING: the data directory is on tmpfs: syncs cost nothing\n");
  std::fflush(stdout);

  // The datasets the measurements belong to.
  const demo::LandscapeGenerator generator({o.datasets, 1});
  int64_t next = 0;
  absl::StatusOr<client::BulkLoadResult> datasets = (*client)->BulkLoad([&](v1::Dataset* d) {
    if (next >= generator.size()) return false;
    *d = generator.Dataset(next++);
    return true;
  });
  bool ok = datasets.ok() && datasets->failed == 0;
  if (!ok) {
    std::fprintf(stderr, "quality_bench: loading the datasets failed: %s\n",
                 datasets.ok() ? "items refused" : datasets.status().ToString().c_str());
  }
  std::vector<Row> rows;
  if (ok && o.only != "report") ok = MeasureBulk(o, **client, generator, &rows) && ok;
  if (ok && o.only != "bulk") ok = MeasureReport(o, **client, generator, &rows) && ok;

  client->reset();
  if (absl::Status closed = (*server)->Shutdown(absl::Seconds(10)); !closed.ok()) {
    std::fprintf(stderr, "quality_bench: shutdown: %s\n", closed.ToString().c_str());
    ok = false;
  }
  const std::string load_end = LoadAverage();

  std::printf("\n%-52s %-32s %-14s %s\n", "measure", "value", "target", "result");
  std::printf("%s\n", std::string(110, '-').c_str());
  for (const Row& r : rows) {
    std::printf("%-52s %-32s %-14s %s\n", r.measure.c_str(), r.value.c_str(), r.target.c_str(),
                r.pass ? "PASS" : "FAIL");
  }
  std::printf("\n");
  PrintLoad(load_start, load_end);

  nlohmann::ordered_json j = RunJson("quality_bench", started_at, fs, load_start);
  j["loadavg_end"] = load_end;
  j["measurements"] = o.measurements;
  j["datasets"] = o.datasets;
  j["report_years"] = o.report_years;
  bool all_pass = !rows.empty();
  for (const Row& r : rows) {
    j[r.key] = r.json;
    all_pass = all_pass && r.pass;
  }
  return FinishRun(j, all_pass, ok);
}

}  // namespace
}  // namespace catalog::bench

int main(int argc, char** argv) { return catalog::bench::Main(argc, argv); }
