#include "tests/bench/bench_util.h"

#include <sys/resource.h>
#include <sys/statfs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace catalog::bench {

OptionSpec StringOption(std::string name, std::string* out) {
  return {std::move(name), true, [out](const std::string& value, std::string*) {
            *out = value;
            return true;
          }};
}

OptionSpec SwitchOption(std::string name, bool* out) {
  return {std::move(name), false, [out](const std::string&, std::string*) {
            *out = true;
            return true;
          }};
}

OptionSpec DoubleOption(std::string name, double lo, double hi, double* out) {
  return {name, true, [=](const std::string& value, std::string* error) {
            if (absl::SimpleAtod(value, out) && *out >= lo && *out <= hi) return true;
            *error = absl::StrCat(name, ": expected a number in ", lo, "..", hi, ", got \"",
                                  value, "\"");
            return false;
          }};
}

OptionSpec ChoiceOption(std::string name, std::vector<std::string> choices, std::string* out) {
  return {name, true, [=](const std::string& value, std::string* error) {
            if (std::find(choices.begin(), choices.end(), value) != choices.end()) {
              *out = value;
              return true;
            }
            *error = absl::StrCat(name, ": expected ", absl::StrJoin(choices, ", "), ", got \"",
                                  value, "\"");
            return false;
          }};
}

OptionSpec IntOption(std::string name, int64_t lo, int64_t hi,
                     std::function<void(int64_t)> store) {
  return {name, true, [=](const std::string& value, std::string* error) {
            int64_t v = 0;
            if (absl::SimpleAtoi(value, &v) && v >= lo && v <= hi) {
              store(v);
              return true;
            }
            *error = absl::StrCat(name, ": expected an integer in ", lo, "..", hi, ", got \"",
                                  value, "\"");
            return false;
          }};
}

bool ParseOptions(int argc, char** argv, const char* usage,
                  const std::vector<OptionSpec>& options, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(usage, stdout);
      std::exit(0);
    }
    const size_t eq = arg.rfind("--", 0) == 0 ? arg.find('=') : std::string::npos;
    const std::string name = arg.substr(0, eq);
    auto spec = std::find_if(options.begin(), options.end(),
                             [&](const OptionSpec& o) { return o.name == name; });
    if (spec == options.end()) {
      *error = absl::StrCat("unknown option ", name);
      return false;
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (spec->takes_value) {
      if (i + 1 >= argc) {
        *error = absl::StrCat(name, " needs a value");
        return false;
      }
      value = argv[++i];
    }
    if (!spec->set(value, error)) return false;
  }
  return true;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

double QuantileMicros(std::vector<int64_t>& ns, double q) {
  if (ns.empty()) return 0;
  std::sort(ns.begin(), ns.end());
  const size_t i = std::min(ns.size() - 1, static_cast<size_t>(q * static_cast<double>(ns.size())));
  return static_cast<double>(ns[i]) / 1000.0;
}

double Round(double v, double scale) { return std::round(v * scale) / scale; }

double ProcessCpuSeconds() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return absl::StrCat(a, " ", b, " ", c);
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::string FileSystemType(const std::string& path) {
  struct statfs fs {};
  if (statfs(path.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53UL:
      return "ext4";
    case 0x01021994UL:
      return "tmpfs";
    case 0x58465342UL:
      return "xfs";
    case 0x9123683EUL:
      return "btrfs";
    case 0x794C7630UL:
      return "overlayfs";
    default:
      return absl::StrFormat("0x%x", static_cast<unsigned long>(fs.f_type));
  }
}

double WaitForIdle(double max_seconds) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(max_seconds));
  int quiet = 0;
  while (Clock::now() < end && quiet < 2) {
    const double cpu = ProcessCpuSeconds();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    quiet = ProcessCpuSeconds() - cpu < 0.025 ? quiet + 1 : 0;  // < 5% of a core.
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool WriteBenchPolicy(const std::string& path) {
  std::ofstream out(path);
  out << R"(# Written by a benchmark program (tests/bench/).
[purpose]
required_for = []

[[grant]]
principal = "steward"
roles = ["steward"]
clearance = "zeer_geheim"
)";
  out.close();
  return static_cast<bool>(out);
}

double SecondsSince(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string UtcNow() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

nlohmann::ordered_json RunJson(const std::string& benchmark, const std::string& started_at,
                               const std::string& data_fs, const std::string& load_start) {
  nlohmann::ordered_json j;
  j["benchmark"] = benchmark;
  j["started_at"] = started_at;
  j["cpus"] = std::thread::hardware_concurrency();
  j["cpu_model"] = CpuModel();
  j["data_fs"] = data_fs;
  j["loadavg_start"] = load_start;
  return j;
}

int FinishRun(nlohmann::ordered_json& j, bool all_targets_met, bool ok) {
  j["all_targets_met"] = all_targets_met;
  j["errors"] = !ok;
  std::printf("BENCH_JSON %s\n", j.dump().c_str());
  std::fflush(stdout);
  return ok ? 0 : 1;
}

void PrintLoad(const std::string& load_start, const std::string& load_end) {
  std::printf("load average at start %s, at end %s (2 cores: anything above ~1 besides\n"
              "this benchmark means other work shared the CPUs)\n",
              load_start.c_str(), load_end.c_str());
}

bool CheckBenchCerts(const std::string& certs, const char* program) {
  for (const char* f : {"ca.pem", "server.pem", "server.key", "steward.pem", "steward.key"}) {
    const std::string path = absl::StrCat(certs, "/", f);
    if (!std::filesystem::exists(path)) {
      std::fprintf(stderr, "%s: %s not found (generate with scripts/gen-dev-certs.sh)\n", program,
                   path.c_str());
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::unique_ptr<server::CatalogServer>> StartBenchServer(
    const std::string& certs, const std::string& data_dir, const std::string& policy,
    const std::string& scratch_dir, int write_threads, server::ServerOptions* options) {
  server::ServerOptions& so = *options;
  so.listen = "127.0.0.1:0";
  so.data_dir = data_dir;
  so.tls_cert = certs + "/server.pem";
  so.tls_key = certs + "/server.key";
  so.client_ca = certs + "/ca.pem";
  so.policy_file = policy;
  if (so.policy_file.empty()) {
    so.policy_file = scratch_dir + "/bench-policy.toml";
    if (!WriteBenchPolicy(so.policy_file)) {
      return absl::InternalError(absl::StrCat("cannot write ", so.policy_file));
    }
  }
  so.sync_writes = true;
  if (write_threads > 0) so.write_threads = write_threads;
  return server::CatalogServer::Start(so);
}

}  // namespace catalog::bench
