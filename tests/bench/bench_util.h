// Helpers shared by the benchmark programs (catalog_bench, lineage_bench,
// quality_bench): the command line, statistics, what the machine is doing,
// and the in-process catalogd with the access policy the benchmarks run
// under. See docs/BENCHMARKS.md.
#ifndef CATALOG_TESTS_BENCH_BENCH_UTIL_H_
#define CATALOG_TESTS_BENCH_BENCH_UTIL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "server/transport/catalog_server.h"

namespace catalog::bench {

// ---- command line ----

// One option of a program: "--name value" or "--name=value", or a switch
// without a value. `set` stores the value, or returns false with `*error`
// set when it is not acceptable.
struct OptionSpec {
  std::string name;
  bool takes_value = true;
  std::function<bool(const std::string& value, std::string* error)> set;
};

OptionSpec StringOption(std::string name, std::string* out);
OptionSpec SwitchOption(std::string name, bool* out);
OptionSpec DoubleOption(std::string name, double lo, double hi, double* out);
// One of `choices`.
OptionSpec ChoiceOption(std::string name, std::vector<std::string> choices, std::string* out);
// An integer in [lo, hi].
OptionSpec IntOption(std::string name, int64_t lo, int64_t hi,
                     std::function<void(int64_t)> store);
template <typename T>
OptionSpec IntOption(std::string name, int64_t lo, int64_t hi, T* out) {
  return IntOption(std::move(name), lo, hi, [out](int64_t v) { *out = static_cast<T>(v); });
}

// Parses the command line by `options`. "-h" or "--help" prints `usage` and
// exits with status 0. False with `*error` set for an unknown option, a
// missing value or a value `set` refuses.
bool ParseOptions(int argc, char** argv, const char* usage,
                  const std::vector<OptionSpec>& options, std::string* error);

// ---- statistics ----

uint64_t SplitMix64(uint64_t x);

double Median(std::vector<double> v);

// The q-quantile (0..1) of `ns` in microseconds; sorts `ns`.
double QuantileMicros(std::vector<int64_t>& ns, double q);

// Wall seconds since `since` (steady clock).
double SecondsSince(std::chrono::steady_clock::time_point since);

// `v` rounded to 1/scale (Round(x, 10): one decimal).
double Round(double v, double scale);

// ---- the machine ----

// CPU time (user + system) of this process so far, in seconds: server and
// client together. Less disturbed by other work on the machine than wall
// time, so it tells what a measurement costs even on a busy machine.
double ProcessCpuSeconds();

// "/proc/loadavg" 1, 5 and 15 minute averages.
std::string LoadAverage();
std::string CpuModel();
// "ext4", "tmpfs", ... of the file system holding `path`.
std::string FileSystemType(const std::string& path);

// "2026-11-28T18:00:00Z": now, in UTC.
std::string UtcNow();

// The first fields of a program's BENCH_JSON line: benchmark, started_at,
// cpus, cpu_model, data_fs, loadavg_start.
nlohmann::ordered_json RunJson(const std::string& benchmark, const std::string& started_at,
                               const std::string& data_fs, const std::string& load_start);

// The last line of a program: records all_targets_met and errors in `j`,
// prints "BENCH_JSON {...}" and returns the exit status (0 when every call
// succeeded, targets met or not; 1 otherwise).
int FinishRun(nlohmann::ordered_json& j, bool all_targets_met, bool ok);

// Prints the load averages at start and end, with how to read them.
void PrintLoad(const std::string& load_start, const std::string& load_end);

// Waits until this process (the in-process server) is nearly idle: after a
// bulk load RocksDB flushes and compacts in the background for a while, and
// that work would be charged to whichever measurement runs next. Returns the
// seconds waited; gives up after `max_seconds`.
double WaitForIdle(double max_seconds);

// ---- access policy ----

// Writes the benchmarks' access policy to `path`: `steward` is a steward of
// every domain with the highest clearance, so that every generated dataset
// can be loaded and read back whole (nothing hidden or redacted), and nobody
// must state a purpose. Authorization and the audit trail of every call
// stay on. False when the file cannot be written.
bool WriteBenchPolicy(const std::string& path);

// ---- the server ----

// Whether `certs` holds the development PKI the benchmarks use (ca.pem,
// server.pem/.key, steward.pem/.key); if not, says so on stderr, as
// `program`.
bool CheckBenchCerts(const std::string& certs, const char* program);

// Starts catalogd in this process on 127.0.0.1:0 with mTLS and durable
// writes, its store in `data_dir`. `policy` is the access policy file; when
// empty, WriteBenchPolicy's is written to `scratch_dir`/bench-policy.toml.
// `write_threads` > 0 overrides the server's default. The options used are
// stored in `*options`.
absl::StatusOr<std::unique_ptr<server::CatalogServer>> StartBenchServer(
    const std::string& certs, const std::string& data_dir, const std::string& policy,
    const std::string& scratch_dir, int write_threads, server::ServerOptions* options);

}  // namespace catalog::bench

#endif  // CATALOG_TESTS_BENCH_BENCH_UTIL_H_
