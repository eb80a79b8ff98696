// catalog_bench: throughput and latency of catalogd, each measured as a ratio
// against a reference in the same run on the same machine
// (docs/BENCHMARKS.md, /work/shared/design/performance.md).
//
// Starts catalogd in process (127.0.0.1, port 0, mutual TLS, durable writes,
// a temporary data directory, an access policy) and measures over mutual
// TLS as `steward` (authorized, and every call audited, as in production):
//   bulk    N generated datasets through client::BulkLoad (batches of 500):
//           datasets/s, durable.                          target >= 20,000/s
//   read    GetDataset of random loaded ids vs grpc.health.v1.Health/Check,
//           same server, TLS and channels, 32 calls outstanding: ratio of
//           the rates (target >= 0.8); and 1 call outstanding: ratio of the
//           p50 latencies (target <= 1.5).
//   create  CreateDataset of fresh valid datasets, 1 client vs 64 concurrent
//           clients (one connection each): ratio of the rates (target >= 20;
//           every create waits for its WAL sync, so only group commit can
//           make 64 clients faster than one).
// Reference and subject run alternately in R rounds (order flipped every
// round); rates and p50s are medians over the rounds, a ratio is the median
// of the per-round ratios (adjacent runs see the same machine load). Before
// the reads the program waits until background flushes and compactions of
// the bulk load are over. For every run it also records the CPU time of the
// process (client and server together) per call, which shows what a call
// costs even when other work shares the machine, and it calibrates what a
// disk sync and the encoding of a dataset cost here.
//
// Output: a table on stdout, then one line "BENCH_JSON {...}". Server logs
// go to stderr. Exit status 0 when every measurement ran without failed
// calls (whether targets were met is in the table and the JSON), 1 when a
// measurement failed, 2 for a bad command line.
//
// Bounded: every measurement loop stops at its time limit or call budget,
// whichever comes first; all traffic is on loopback.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "catalog/v1/catalog_service.grpc.pb.h"
#include "client/demo/landscape_generator.h"
#include "client/lib/bulk_loader.h"
#include "client/lib/connection.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/transport/catalog_server.h"
#include "tests/bench/bench_util.h"
#include "tests/support/test_support.h"

namespace catalog::bench {
namespace {

namespace v1 = ::catalog::v1;
namespace health = ::grpc::health::v1;
using Clock = std::chrono::steady_clock;

// ---- command line ----------------------------------------------------------

struct Options {
  std::string certs;
  int64_t datasets = 100000;
  double seconds = 5;
  int streams = 32;
  int create_clients = 64;
  int rounds = 3;
  int read_channels = 4;
  std::string only;  // "", "read", "bulk" or "create".
  uint64_t seed = 1;
  // Upper bound of the bulk load; the rest is not sent when reached.
  double bulk_max_seconds = 900;
  // Diagnostic: turn off Abseil's mutex deadlock detection (on in Debian's
  // Abseil build, and so in catalogd, which does not change it).
  bool no_deadlock_detection = false;
  // Diagnostic: ServerOptions::write_threads (0: catalogd's default).
  int write_threads = 0;
  // Access policy file; empty: a policy written for the benchmark.
  std::string policy;
};

constexpr char kUsage[] =
    "Usage: catalog_bench --certs DIR [--policy FILE] [--datasets N] [--seconds S]\n"
    "                     [--streams K] [--clients C] [--rounds R] [--channels H]\n"
    "                     [--only read|bulk|create] [--bulk-max-seconds T]\n"
    "                     [--write-threads N] [--no-mutex-deadlock-detection]\n"
    "\n"
    "  --certs DIR         development PKI (scripts/gen-dev-certs.sh): ca.pem,\n"
    "                      server.pem/.key, steward.pem/.key\n"
    "  --policy FILE       access policy (default: one written for the benchmark:\n"
    "                      steward of all domains, clearance zeer_geheim)\n"
    "  --datasets N        datasets bulk loaded from the generator (default 100000)\n"
    "  --seconds S         length of one measurement run (default 5)\n"
    "  --streams K         calls outstanding in the read throughput runs (default 32)\n"
    "  --clients C         concurrent clients of the create run (default 64)\n"
    "  --rounds R          alternating reference/subject rounds (default 3)\n"
    "  --channels H        connections shared by the read calls (default 4)\n"
    "  --only WHAT         run one measurement: read (loads first), bulk, create\n"
    "  --bulk-max-seconds T  stop sending the bulk load after T s (default 900)\n"
    "  --write-threads N   diagnostic: the server's blocking write threads\n"
    "                      (default: catalogd's default, 64)\n"
    "  --no-mutex-deadlock-detection  diagnostic: turn off Abseil's mutex deadlock\n"
    "                      detection (catalogd leaves it on)\n"
    "\n"
    "The data directory is a fresh directory under $TMPDIR (default /tmp); it\n"
    "must be on a real disk for durable writes to mean anything.\n";

bool ParseArgs(int argc, char** argv, Options* o, std::string* error) {
  if (!ParseOptions(argc, argv, kUsage,
                    {
                        StringOption("--certs", &o->certs),
                        StringOption("--policy", &o->policy),
                        IntOption("--datasets", 1, 10000000, &o->datasets),
                        DoubleOption("--seconds", 0.2, 600, &o->seconds),
                        IntOption("--streams", 1, 1024, &o->streams),
                        IntOption("--clients", 2, 512, &o->create_clients),
                        IntOption("--rounds", 1, 50, &o->rounds),
                        IntOption("--channels", 1, 64, &o->read_channels),
                        IntOption("--write-threads", 1, 1024, &o->write_threads),
                        DoubleOption("--bulk-max-seconds", 1, 86400, &o->bulk_max_seconds),
                        ChoiceOption("--only", {"read", "bulk", "create"}, &o->only),
                        SwitchOption("--no-mutex-deadlock-detection", &o->no_deadlock_detection),
                    },
                    error)) {
    return false;
  }
  if (o->certs.empty()) {
    *error = "--certs DIR is required";
    return false;
  }
  return true;
}

// ---- calibration -----------------------------------------------------------
//
// What a disk sync and the encoding of a dataset cost on this machine: they
// bound the single-client create rate and the extra work of a GetDataset
// over a health check.

// fdatasync of 4 KiB written to a file in `dir`, 100 times or 1 s each:
// appended (the file grows: a journal commit as well) and overwritten in
// place in a file written and synced before (data only). A RocksDB WAL sync
// of a small write costs somewhere between the two.
nlohmann::ordered_json SyncProbe(const std::string& dir) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  const std::string path = dir + "/sync-probe";
  const std::string block(4096, 'x');
  constexpr int kSamples = 100;
  auto probe = [&](bool overwrite) -> std::vector<int64_t> {
    std::vector<int64_t> ns;
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return ns;
    bool ok = true;
    if (overwrite) {
      for (int i = 0; i < kSamples && ok; ++i) {
        ok = ::write(fd, block.data(), block.size()) == static_cast<ssize_t>(block.size());
      }
      ok = ok && ::fsync(fd) == 0;
    }
    const Clock::time_point end = Clock::now() + std::chrono::seconds(1);
    for (int i = 0; ok && i < kSamples && Clock::now() < end; ++i) {
      const off_t offset = static_cast<off_t>(i) * static_cast<off_t>(block.size());
      if (::pwrite(fd, block.data(), block.size(), offset) !=
          static_cast<ssize_t>(block.size())) {
        break;
      }
      const Clock::time_point t = Clock::now();
      if (::fdatasync(fd) != 0) break;
      ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t).count());
    }
    ::close(fd);
    ::unlink(path.c_str());
    return ns;
  };
  std::vector<int64_t> append = probe(false);
  std::vector<int64_t> overwrite = probe(true);
  if (!append.empty()) {
    j["fdatasync_append_4k_p50_us"] = std::round(QuantileMicros(append, 0.5) * 10) / 10;
  }
  if (!overwrite.empty()) {
    j["fdatasync_overwrite_4k_p50_us"] = std::round(QuantileMicros(overwrite, 0.5) * 10) / 10;
  }
  return j;
}

// Parse and serialize of generated datasets, in microseconds each (up to
// 20000 of each or 1 s).
nlohmann::ordered_json CodecProbe(const demo::LandscapeGenerator& generator) {
  std::vector<std::string> encoded;
  for (int64_t i = 0; i < std::min<int64_t>(generator.size(), 100); ++i) {
    encoded.push_back(generator.Dataset(i).SerializeAsString());
  }
  v1::Dataset d;
  int n = 0;
  Clock::time_point start = Clock::now();
  const Clock::time_point parse_end = start + std::chrono::seconds(1);
  for (; n < 20000 && Clock::now() < parse_end; ++n) {
    d.ParseFromString(encoded[static_cast<size_t>(n) % encoded.size()]);
  }
  const double parse_us =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() / std::max(n, 1);
  std::vector<v1::Dataset> decoded(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) decoded[i].ParseFromString(encoded[i]);
  std::string out;
  int m = 0;
  start = Clock::now();
  const Clock::time_point ser_end = start + std::chrono::seconds(1);
  for (; m < 20000 && Clock::now() < ser_end; ++m) {
    out.clear();
    decoded[static_cast<size_t>(m) % decoded.size()].SerializeToString(&out);
  }
  const double serialize_us =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() / std::max(m, 1);
  nlohmann::ordered_json j;
  j["dataset_parse_us"] = std::round(parse_us * 100) / 100;
  j["dataset_serialize_us"] = std::round(serialize_us * 100) / 100;
  return j;
}

// ---- the closed-loop harness ---------------------------------------------
//
// Keeps `concurrency` unary calls outstanding with the gRPC callback API:
// every completion starts the next call at once, until `duration` has passed
// or `max_calls` have been started. One harness for every measurement, so
// the reference and the subject are driven identically.

struct LoopResult {
  int64_t ok = 0;
  int64_t errors = 0;
  double seconds = 0;
  double cpu_seconds = 0;  // Of the whole process (client and server).
  std::string first_error;
  std::vector<int64_t> latencies_ns;  // When recorded.

  double rate() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  double cpu_us_per_call() const {
    return ok > 0 ? cpu_seconds * 1e6 / static_cast<double>(ok) : 0;
  }
};

// How to make one kind of call. `prepare` fills the request of call number
// `seq` (0, 1, ...); `start` starts it on the connection of `slot` and must
// call `done` exactly once; `check` judges an OK response (false with a
// reason to count it as an error). All three run concurrently for
// different slots.
template <typename Request, typename Response>
struct CallSpec {
  std::function<void(int64_t seq, Request*)> prepare;
  std::function<void(int slot, grpc::ClientContext*, const Request*, Response*,
                      std::function<void(grpc::Status)>)>
      start;
  std::function<bool(const Request&, const Response&, std::string*)> check;
};

struct LoopLimits {
  int concurrency = 1;
  absl::Duration duration = absl::Seconds(1);
  int64_t max_calls = 100'000'000;
  // Latencies kept per slot when recording (bounds memory).
  size_t max_latencies_per_slot = 0;
  // Stop starting calls after this many failures.
  int64_t max_errors = 100;
  absl::Duration call_timeout = absl::Seconds(30);
};

template <typename Request, typename Response>
class ClosedLoop {
 public:
  ClosedLoop(const CallSpec<Request, Response>& spec, const LoopLimits& limits)
      : spec_(spec), limits_(limits), slots_(static_cast<size_t>(limits.concurrency)) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].index = static_cast<int>(i);
      slots_[i].latencies.reserve(std::min<size_t>(limits.max_latencies_per_slot, 1 << 20));
    }
  }

  LoopResult Run() {
    const double cpu_start = ProcessCpuSeconds();
    start_ = Clock::now();
    deadline_ = start_ + absl::ToChronoNanoseconds(limits_.duration);
    active_ = static_cast<int>(slots_.size());
    for (Slot& slot : slots_) Next(slot);
    Clock::time_point end;
    {
      std::unique_lock<std::mutex> lock(mu_);
      done_.wait(lock, [this] { return active_ == 0; });
      end = last_done_;
    }
    LoopResult result;
    result.seconds = std::chrono::duration<double>(end - start_).count();
    result.cpu_seconds = ProcessCpuSeconds() - cpu_start;
    result.errors = errors_.load();
    result.first_error = first_error_;
    for (Slot& slot : slots_) {
      result.ok += slot.ok;
      result.latencies_ns.insert(result.latencies_ns.end(), slot.latencies.begin(),
                                 slot.latencies.end());
    }
    return result;
  }

 private:
  struct Slot {
    int index = 0;
    std::unique_ptr<grpc::ClientContext> context;
    Request request;
    Response response;
    Clock::time_point started;
    int64_t ok = 0;
    std::vector<int64_t> latencies;
  };

  // Starts the next call of `slot`, or retires the slot.
  void Next(Slot& slot) {
    const Clock::time_point now = Clock::now();
    const int64_t seq = issued_.fetch_add(1);
    if (now >= deadline_ || seq >= limits_.max_calls || errors_.load() >= limits_.max_errors) {
      std::lock_guard<std::mutex> lock(mu_);
      last_done_ = std::max(last_done_, now);
      if (--active_ == 0) done_.notify_all();
      return;
    }
    // Replacing the context inside the previous call's callback is fine: the
    // finished call holds its own reference until its callback returns.
    slot.context = std::make_unique<grpc::ClientContext>();
    slot.context->set_deadline(std::chrono::system_clock::now() +
                               absl::ToChronoNanoseconds(limits_.call_timeout));
    slot.request.Clear();
    slot.response.Clear();
    spec_.prepare(seq, &slot.request);
    slot.started = Clock::now();
    spec_.start(slot.index, slot.context.get(), &slot.request, &slot.response,
                [this, &slot](grpc::Status status) { Done(slot, std::move(status)); });
  }

  void Done(Slot& slot, grpc::Status status) {
    const Clock::time_point now = Clock::now();
    std::string why;
    if (!status.ok()) {
      why = absl::StrCat("gRPC status ", static_cast<int>(status.error_code()), ": ",
                         status.error_message());
    } else if (spec_.check && !spec_.check(slot.request, slot.response, &why)) {
      if (why.empty()) why = "unexpected response";
    }
    if (why.empty()) {
      ++slot.ok;
      if (slot.latencies.size() < limits_.max_latencies_per_slot) {
        slot.latencies.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - slot.started).count());
      }
    } else {
      if (errors_.fetch_add(1) == 0) {
        std::lock_guard<std::mutex> lock(mu_);
        first_error_ = why;
      }
    }
    Next(slot);
  }

  const CallSpec<Request, Response>& spec_;
  const LoopLimits limits_;
  std::vector<Slot> slots_;
  Clock::time_point start_, deadline_;
  std::atomic<int64_t> issued_{0};
  std::atomic<int64_t> errors_{0};

  std::mutex mu_;
  std::condition_variable done_;
  int active_ = 0;               // Guarded by mu_.
  Clock::time_point last_done_;  // Guarded by mu_.
  std::string first_error_;      // Guarded by mu_.
};

template <typename Request, typename Response>
LoopResult RunLoop(const CallSpec<Request, Response>& spec, const LoopLimits& limits) {
  ClosedLoop<Request, Response> loop(spec, limits);
  return loop.Run();
}

// ---- connections -----------------------------------------------------------

struct Connections {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::CatalogService::Stub>> catalog;
  std::vector<std::unique_ptr<health::Health::Stub>> health;
};

// `count` independent connections (each its own subchannel and TLS session)
// as `principal`, connected before returning.
absl::StatusOr<Connections> Connect(const std::string& address, const std::string& certs,
                                    int count, const std::string& principal) {
  Connections c;
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      testing::ClientCredentials(principal, certs, certs);
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("catalog.bench.channel", i);
    args.SetMaxReceiveMessageSize(client::kMaxReceiveMessageBytes);
    std::shared_ptr<grpc::Channel> channel =
        grpc::CreateCustomChannel(address, credentials, args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(15))) {
      return absl::UnavailableError(
          absl::StrCat("connection ", i, " to ", address, " did not become ready in 15 s"));
    }
    c.catalog.push_back(v1::CatalogService::NewStub(channel));
    c.health.push_back(health::Health::NewStub(channel));
    c.channels.push_back(std::move(channel));
  }
  return c;
}

// ---- call specs ------------------------------------------------------------

CallSpec<health::HealthCheckRequest, health::HealthCheckResponse> HealthSpec(
    Connections& conn) {
  CallSpec<health::HealthCheckRequest, health::HealthCheckResponse> spec;
  spec.prepare = [](int64_t, health::HealthCheckRequest*) {};  // Service "" = the server.
  spec.start = [&conn](int slot, grpc::ClientContext* ctx, const health::HealthCheckRequest* req,
                       health::HealthCheckResponse* resp,
                       std::function<void(grpc::Status)> done) {
    conn.health[static_cast<size_t>(slot) % conn.health.size()]->async()->Check(
        ctx, req, resp, std::move(done));
  };
  spec.check = [](const health::HealthCheckRequest&, const health::HealthCheckResponse& resp,
                  std::string* why) {
    if (resp.status() == health::HealthCheckResponse::SERVING) return true;
    *why = absl::StrCat("health status ", static_cast<int>(resp.status()));
    return false;
  };
  return spec;
}

CallSpec<v1::GetDatasetRequest, v1::Dataset> GetSpec(Connections& conn,
                                                     const std::vector<std::string>& ids,
                                                     uint64_t salt) {
  CallSpec<v1::GetDatasetRequest, v1::Dataset> spec;
  spec.prepare = [&ids, salt](int64_t seq, v1::GetDatasetRequest* req) {
    const uint64_t r = SplitMix64(static_cast<uint64_t>(seq) ^ (salt << 32));
    req->set_id(ids[r % ids.size()]);
  };
  spec.start = [&conn](int slot, grpc::ClientContext* ctx, const v1::GetDatasetRequest* req,
                       v1::Dataset* resp, std::function<void(grpc::Status)> done) {
    conn.catalog[static_cast<size_t>(slot) % conn.catalog.size()]->async()->GetDataset(
        ctx, req, resp, std::move(done));
  };
  spec.check = [](const v1::GetDatasetRequest& req, const v1::Dataset& resp, std::string* why) {
    if (resp.id() == req.id() && resp.revision() > 0) return true;
    *why = absl::StrCat("GetDataset(", req.id(), ") returned id \"", resp.id(), "\"");
    return false;
  };
  return spec;
}

// Creates of fresh, valid datasets: generated ones (cycling through
// `templates`) with unique ids "<generated id, shortened>-n<k>".
CallSpec<v1::CreateDatasetRequest, v1::Dataset> CreateSpec(
    Connections& conn, const std::vector<v1::Dataset>& templates, std::atomic<int64_t>* counter) {
  CallSpec<v1::CreateDatasetRequest, v1::Dataset> spec;
  spec.prepare = [&templates, counter](int64_t, v1::CreateDatasetRequest* req) {
    const int64_t k = counter->fetch_add(1);
    v1::Dataset* d = req->mutable_dataset();
    *d = templates[static_cast<size_t>(k) % templates.size()];
    std::string base = d->id().substr(0, 40);
    while (!base.empty() && base.back() == '-') base.pop_back();
    d->set_id(absl::StrCat(base, "-n", k));
  };
  spec.start = [&conn](int slot, grpc::ClientContext* ctx, const v1::CreateDatasetRequest* req,
                       v1::Dataset* resp, std::function<void(grpc::Status)> done) {
    conn.catalog[static_cast<size_t>(slot) % conn.catalog.size()]->async()->CreateDataset(
        ctx, req, resp, std::move(done));
  };
  spec.check = [](const v1::CreateDatasetRequest& req, const v1::Dataset& resp,
                  std::string* why) {
    if (resp.id() == req.dataset().id() && resp.revision() > 0) return true;
    *why = absl::StrCat("CreateDataset(", req.dataset().id(), ") returned id \"", resp.id(),
                        "\"");
    return false;
  };
  return spec;
}

// ---- measurements ----------------------------------------------------------

// A measurement for the table and the JSON line.
struct Row {
  std::string key;        // JSON key.
  std::string measure;    // For people.
  std::string unit;       // Of value and reference.
  double value = 0;
  double reference = 0;   // 0: no reference.
  std::string reference_name;
  double ratio = 0;       // Ratio as judged (median of per-round ratios).
  std::string target;     // For people.
  bool pass = false;
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
};

struct BulkOutcome {
  bool ok = false;
  std::vector<std::string> ids;  // Ids stored.
};

BulkOutcome MeasureBulk(const Options& o, const demo::LandscapeGenerator& generator,
                        v1::CatalogService::Stub& stub, const std::string& address,
                        std::vector<Row>* rows, nlohmann::ordered_json* extra) {
  BulkOutcome out;
  // Generate first, so that the generator's CPU time is not charged to the
  // server; the loader then only parses the serialized datasets.
  const Clock::time_point gen_start = Clock::now();
  std::vector<std::string> serialized;
  serialized.reserve(static_cast<size_t>(o.datasets));
  out.ids.reserve(static_cast<size_t>(o.datasets));
  size_t bytes = 0;
  for (int64_t i = 0; i < o.datasets; ++i) {
    v1::Dataset d = generator.Dataset(i);
    out.ids.push_back(d.id());
    serialized.push_back(d.SerializeAsString());
    bytes += serialized.back().size();
  }
  const double gen_seconds = std::chrono::duration<double>(Clock::now() - gen_start).count();
  std::printf("generated %lld datasets in %.2f s (%.0f/s, %.0f bytes each on average)\n",
              static_cast<long long>(o.datasets), gen_seconds,
              static_cast<double>(o.datasets) / std::max(gen_seconds, 1e-9),
              static_cast<double>(bytes) / static_cast<double>(o.datasets));
  std::fflush(stdout);

  client::ConnectionOptions copts;
  copts.server = address;
  size_t next = 0;
  bool cut_short = false;
  const double cpu_start = ProcessCpuSeconds();
  const Clock::time_point start = Clock::now();
  const Clock::time_point limit =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(o.bulk_max_seconds));
  absl::StatusOr<client::BulkLoadResult> result = client::BulkLoad(
      stub, copts,
      [&](v1::Dataset* d) {
        if (next >= serialized.size()) return false;
        if (next % 1000 == 0 && Clock::now() >= limit) {
          cut_short = true;
          return false;
        }
        return d->ParseFromString(serialized[next++]);
      },
      500);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu_seconds = ProcessCpuSeconds() - cpu_start;
  serialized.clear();
  serialized.shrink_to_fit();

  Row row;
  row.key = "bulk_load";
  row.measure = "Bulk load (UpsertDatasets, batch 500)";
  row.unit = "datasets/s";
  row.target = ">= 20000/s";
  if (!result.ok()) {
    std::fprintf(stderr, "bulk load failed: %s\n", result.status().ToString().c_str());
    row.details["error"] = result.status().ToString();
    rows->push_back(row);
    return out;
  }
  row.value = static_cast<double>(result->created + result->replaced) / seconds;
  row.pass = row.value >= 20000 && result->failed == 0 && !cut_short;
  row.details["datasets"] = o.datasets;
  row.details["created"] = result->created;
  row.details["replaced"] = result->replaced;
  row.details["failed"] = result->failed;
  row.details["seconds"] = seconds;
  row.details["cpu_us_per_dataset"] =
      std::round(cpu_seconds * 1e7 / std::max<double>(1, static_cast<double>(result->total()))) / 10;
  row.details["cut_short"] = cut_short;
  row.details["generate_seconds"] = gen_seconds;
  row.details["avg_dataset_bytes"] = static_cast<double>(bytes) / static_cast<double>(o.datasets);
  if (result->failed > 0) {
    std::fprintf(stderr, "bulk load: %lld datasets failed; first: %s\n",
                 static_cast<long long>(result->failed),
                 result->failures.empty() ? "?" : result->failures[0].message().c_str());
  }
  if (result->replaced > 0) {
    std::fprintf(stderr,
                 "bulk load: %lld datasets replaced an earlier one (duplicate ids from the "
                 "generator)\n",
                 static_cast<long long>(result->replaced));
  }
  rows->push_back(row);
  (*extra)["bulk_load_rows_stored"] = result->created + result->replaced;
  out.ok = result->failed == 0 && !cut_short;
  if (cut_short) out.ids.resize(next);
  return out;
}

// Runs `reference` and `subject` alternately for `rounds` rounds (order
// flipped each round); returns the per-round results.
template <typename RefReq, typename RefResp, typename SubReq, typename SubResp>
std::pair<std::vector<LoopResult>, std::vector<LoopResult>> Alternate(
    int rounds, const CallSpec<RefReq, RefResp>& reference, const LoopLimits& ref_limits,
    const CallSpec<SubReq, SubResp>& subject, const LoopLimits& sub_limits) {
  std::vector<LoopResult> ref, sub;
  for (int r = 0; r < rounds; ++r) {
    if (r % 2 == 0) {
      ref.push_back(RunLoop(reference, ref_limits));
      sub.push_back(RunLoop(subject, sub_limits));
    } else {
      sub.push_back(RunLoop(subject, sub_limits));
      ref.push_back(RunLoop(reference, ref_limits));
    }
  }
  return {std::move(ref), std::move(sub)};
}

bool AnyErrors(const std::vector<LoopResult>& results, const char* what) {
  bool any = false;
  for (const LoopResult& r : results) {
    if (r.errors > 0) {
      std::fprintf(stderr, "%s: %lld failed calls; first: %s\n", what,
                   static_cast<long long>(r.errors), r.first_error.c_str());
      any = true;
    }
  }
  return any;
}

nlohmann::ordered_json Rates(const std::vector<LoopResult>& results) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const LoopResult& r : results) j.push_back(std::round(r.rate() * 10) / 10);
  return j;
}

// Median over the rounds of the process CPU time per successful call.
double CpuPerCall(const std::vector<LoopResult>& results) {
  std::vector<double> v;
  for (const LoopResult& r : results) v.push_back(r.cpu_us_per_call());
  return std::round(Median(v) * 10) / 10;
}

int64_t Calls(const std::vector<LoopResult>& results) {
  int64_t n = 0;
  for (const LoopResult& r : results) n += r.ok;
  return n;
}

// Read throughput and single-client latency, GetDataset vs Health/Check.
bool MeasureReads(const Options& o, Connections& conn, const std::vector<std::string>& ids,
                  std::vector<Row>* rows) {
  const auto health_spec = HealthSpec(conn);
  const auto get_spec = GetSpec(conn, ids, o.seed);
  const absl::Duration run = absl::Seconds(o.seconds);

  LoopLimits many;
  many.concurrency = o.streams;
  many.duration = run;
  LoopLimits one;
  one.concurrency = 1;
  one.duration = run;
  one.max_latencies_per_slot = 4'000'000;

  // Warm-up: connections, server threads, caches, allocator.
  LoopLimits warm = many;
  warm.duration = std::min(run, absl::Seconds(2));
  const LoopResult wh = RunLoop(health_spec, warm);
  const LoopResult wg = RunLoop(get_spec, warm);
  std::printf("warm-up: health %.0f/s, get %.0f/s\n", wh.rate(), wg.rate());
  std::fflush(stdout);
  bool ok = wh.errors == 0 && wg.errors == 0;
  if (!ok) AnyErrors({wh, wg}, "warm-up");

  // Throughput at `streams` outstanding calls.
  auto [th, tg] = Alternate(o.rounds, health_spec, many, get_spec, many);
  ok = !AnyErrors(th, "health (throughput)") && ok;
  ok = !AnyErrors(tg, "GetDataset (throughput)") && ok;
  std::vector<double> h_rates, g_rates, ratios;
  for (int r = 0; r < o.rounds; ++r) {
    h_rates.push_back(th[r].rate());
    g_rates.push_back(tg[r].rate());
    ratios.push_back(th[r].rate() > 0 ? tg[r].rate() / th[r].rate() : 0);
  }
  Row tput;
  tput.key = "get_throughput";
  tput.measure = absl::StrCat("GetDataset throughput, ", o.streams, " streams");
  tput.unit = "calls/s";
  tput.value = Median(g_rates);
  tput.reference = Median(h_rates);
  tput.reference_name = "Health/Check";
  tput.ratio = Median(ratios);
  tput.target = "ratio >= 0.8";
  tput.pass = tput.ratio >= 0.8;
  tput.details["streams"] = o.streams;
  tput.details["channels"] = static_cast<int>(conn.channels.size());
  tput.details["get_rates"] = Rates(tg);
  tput.details["health_rates"] = Rates(th);
  tput.details["get_calls"] = Calls(tg);
  tput.details["health_calls"] = Calls(th);
  tput.details["get_cpu_us_per_call"] = CpuPerCall(tg);
  tput.details["health_cpu_us_per_call"] = CpuPerCall(th);
  rows->push_back(tput);

  // Latency with one call outstanding.
  auto [lh, lg] = Alternate(o.rounds, health_spec, one, get_spec, one);
  ok = !AnyErrors(lh, "health (latency)") && ok;
  ok = !AnyErrors(lg, "GetDataset (latency)") && ok;
  std::vector<double> h_p50, g_p50, lat_ratios;
  std::vector<int64_t> all_h, all_g;
  for (int r = 0; r < o.rounds; ++r) {
    const double h = QuantileMicros(lh[r].latencies_ns, 0.5);
    const double g = QuantileMicros(lg[r].latencies_ns, 0.5);
    h_p50.push_back(h);
    g_p50.push_back(g);
    lat_ratios.push_back(h > 0 ? g / h : 0);
    all_h.insert(all_h.end(), lh[r].latencies_ns.begin(), lh[r].latencies_ns.end());
    all_g.insert(all_g.end(), lg[r].latencies_ns.begin(), lg[r].latencies_ns.end());
  }
  Row lat;
  lat.key = "get_latency_p50";
  lat.measure = "GetDataset p50 latency, 1 client";
  lat.unit = "us";
  lat.value = Median(g_p50);
  lat.reference = Median(h_p50);
  lat.reference_name = "Health/Check p50";
  lat.ratio = Median(lat_ratios);
  lat.target = "ratio <= 1.5";
  lat.pass = lat.ratio > 0 && lat.ratio <= 1.5;
  lat.details["get_p50_us"] = g_p50;
  lat.details["health_p50_us"] = h_p50;
  lat.details["get_p90_us"] = QuantileMicros(all_g, 0.9);
  lat.details["get_p99_us"] = QuantileMicros(all_g, 0.99);
  lat.details["health_p90_us"] = QuantileMicros(all_h, 0.9);
  lat.details["health_p99_us"] = QuantileMicros(all_h, 0.99);
  lat.details["get_calls"] = Calls(lg);
  lat.details["health_calls"] = Calls(lh);
  lat.details["get_cpu_us_per_call"] = CpuPerCall(lg);
  lat.details["health_cpu_us_per_call"] = CpuPerCall(lh);
  rows->push_back(lat);
  return ok;
}

// Durable single creates: 1 client vs `clients` concurrent clients.
bool MeasureCreates(const Options& o, const std::string& address,
                    const demo::LandscapeGenerator& generator, std::vector<Row>* rows) {
  absl::StatusOr<Connections> conn = Connect(address, o.certs, o.create_clients, "steward");
  if (!conn.ok()) {
    std::fprintf(stderr, "create: %s\n", conn.status().ToString().c_str());
    return false;
  }
  std::vector<v1::Dataset> templates;
  const int64_t n = std::min<int64_t>(generator.size(), 2000);
  templates.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) templates.push_back(generator.Dataset(i));
  std::atomic<int64_t> counter{0};
  const auto spec = CreateSpec(*conn, templates, &counter);
  const absl::Duration run = absl::Seconds(o.seconds);

  LoopLimits single;
  single.concurrency = 1;
  single.duration = run;
  single.max_latencies_per_slot = 1'000'000;
  LoopLimits multi = single;
  multi.max_latencies_per_slot = 100'000;
  multi.concurrency = o.create_clients;  // Slot i uses connection i.

  LoopLimits warm = multi;
  warm.duration = std::min(run, absl::Seconds(1));
  const LoopResult w = RunLoop(spec, warm);
  std::printf("warm-up: create %.0f/s with %d clients\n", w.rate(), o.create_clients);
  std::fflush(stdout);
  bool ok = !AnyErrors({w}, "create warm-up");

  auto [s, m] = Alternate(o.rounds, spec, single, spec, multi);
  ok = !AnyErrors(s, "create (1 client)") && ok;
  ok = !AnyErrors(m, "create (many clients)") && ok;
  std::vector<double> s_rates, m_rates, ratios;
  for (int r = 0; r < o.rounds; ++r) {
    s_rates.push_back(s[r].rate());
    m_rates.push_back(m[r].rate());
    ratios.push_back(s[r].rate() > 0 ? m[r].rate() / s[r].rate() : 0);
  }
  Row row;
  row.key = "create_concurrent";
  row.measure = absl::StrCat("CreateDataset durable, ", o.create_clients, " clients");
  row.unit = "creates/s";
  row.value = Median(m_rates);
  row.reference = Median(s_rates);
  row.reference_name = "1 client";
  row.ratio = Median(ratios);
  row.target = "ratio >= 20";
  row.pass = row.ratio >= 20;
  row.details["clients"] = o.create_clients;
  row.details["multi_rates"] = Rates(m);
  row.details["single_rates"] = Rates(s);
  std::vector<int64_t> all_s, all_m;
  for (int r = 0; r < o.rounds; ++r) {
    all_s.insert(all_s.end(), s[r].latencies_ns.begin(), s[r].latencies_ns.end());
    all_m.insert(all_m.end(), m[r].latencies_ns.begin(), m[r].latencies_ns.end());
  }
  row.details["single_p50_us"] = QuantileMicros(all_s, 0.5);
  row.details["multi_p50_us"] = QuantileMicros(all_m, 0.5);
  row.details["single_cpu_us_per_call"] = CpuPerCall(s);
  row.details["multi_cpu_us_per_call"] = CpuPerCall(m);
  row.details["creates_total"] = counter.load();
  rows->push_back(row);
  return ok;
}

// ---- output ----------------------------------------------------------------

std::string Num(double v, const std::string& unit) {
  if (unit == "us") return absl::StrFormat("%.1f us", v);
  return absl::StrFormat("%.0f %s", v, unit);
}

void PrintTable(const std::vector<Row>& rows) {
  const char* fmt = "%-42s %18s %28s %8s %14s  %s\n";
  std::printf("\n");
  std::printf(fmt, "measure", "value", "reference", "ratio", "target", "result");
  std::printf("%s\n", std::string(122, '-').c_str());
  for (const Row& r : rows) {
    const std::string ref =
        r.reference_name.empty() ? "-" : absl::StrCat(r.reference_name, " ", Num(r.reference, r.unit));
    const std::string ratio = r.reference_name.empty() ? "-" : absl::StrFormat("%.2f", r.ratio);
    std::printf(fmt, r.measure.c_str(), Num(r.value, r.unit).c_str(), ref.c_str(), ratio.c_str(),
                r.target.c_str(), r.pass ? "PASS" : "FAIL");
  }
  std::printf("\nCPU time of this process (client + server) per call, median of the rounds:\n");
  for (const Row& r : rows) {
    for (const auto& [k, v] : r.details.items()) {
      if (k.find("cpu_us_per") != std::string::npos && v.is_number()) {
        std::printf("  %-22s %-28s %8.1f us\n", r.key.c_str(), k.c_str(), v.get<double>());
      }
    }
  }
  std::printf("\n");
}

int Main(int argc, char** argv) {
  Options o;
  std::string error;
  if (!ParseArgs(argc, argv, &o, &error)) {
    std::fprintf(stderr, "catalog_bench: %s\n\n%s", error.c_str(), kUsage);
    return 2;
  }
  if (!CheckBenchCerts(o.certs, "catalog_bench")) return 2;
  if (o.no_deadlock_detection) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  // The server's log lines go to stderr; stdout holds the table and JSON.
  spdlog::set_default_logger(spdlog::stderr_color_mt("catalogd"));
  spdlog::set_level(spdlog::level::warn);

  const bool do_bulk = o.only.empty() || o.only == "bulk" || o.only == "read";
  const bool do_read = o.only.empty() || o.only == "read";
  const bool do_create = o.only.empty() || o.only == "create";

  const std::string load_start = LoadAverage();
  const std::string started_at = UtcNow();
  testing::TempDir dir;
  server::ServerOptions so;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> server =
      StartBenchServer(o.certs, dir.path() + "/data", o.policy, dir.path(), o.write_threads, &so);
  if (!server.ok()) {
    std::fprintf(stderr, "catalog_bench: cannot start catalogd: %s\n",
                 server.status().ToString().c_str());
    return 1;
  }
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  const std::string fs = FileSystemType(dir.path());
  const unsigned cpus = std::thread::hardware_concurrency();
  std::printf("catalog_bench: catalogd on %s (mTLS, sync_writes, %d write threads), data %s (%s)\n",
              address.c_str(), so.write_threads, so.data_dir.c_str(), fs.c_str());
  std::printf("machine: %u CPUs, %s; load average %s\n", cpus, CpuModel().c_str(),
              load_start.c_str());
  std::printf("datasets %lld, %.1f s per run, %d rounds, %d streams over %d connections, %d create clients\n",
              static_cast<long long>(o.datasets), o.seconds, o.rounds, o.streams, o.read_channels,
              o.create_clients);
  if (fs == "tmpfs") {
    std::printf("WARNING: the data directory is on tmpfs: WAL syncs cost nothing there\n");
  }
  std::fflush(stdout);

  const demo::LandscapeGenerator generator({o.datasets, o.seed});
  std::vector<Row> rows;
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  nlohmann::ordered_json calibration = SyncProbe(dir.path());
  calibration.update(CodecProbe(generator));
  std::printf("calibration: %s\n", calibration.dump().c_str());
  std::fflush(stdout);
  bool ok = true;
  {
    absl::StatusOr<Connections> conn = Connect(address, o.certs, o.read_channels, "steward");
    if (!conn.ok()) {
      std::fprintf(stderr, "catalog_bench: %s\n", conn.status().ToString().c_str());
      ok = false;
    } else {
      BulkOutcome bulk;
      if (do_bulk) {
        bulk = MeasureBulk(o, generator, *conn->catalog[0], address, &rows, &extra);
        ok = bulk.ok && ok;
      }
      if (do_read && !bulk.ids.empty()) {
        const double waited = WaitForIdle(120);
        std::printf("waited %.1f s for background flushes and compactions to finish\n", waited);
        std::fflush(stdout);
        extra["idle_wait_seconds"] = std::round(waited * 10) / 10;
        ok = MeasureReads(o, *conn, bulk.ids, &rows) && ok;
      }
    }
  }
  if (do_create) ok = MeasureCreates(o, address, generator, &rows) && ok;

  absl::Status closed = (*server)->Shutdown(absl::Seconds(10));
  if (!closed.ok()) {
    std::fprintf(stderr, "catalog_bench: shutdown: %s\n", closed.ToString().c_str());
    ok = false;
  }
  const std::string load_end = LoadAverage();

  PrintTable(rows);
  PrintLoad(load_start, load_end);

  nlohmann::ordered_json j = RunJson("catalog_bench", started_at, fs, load_start);
  j["loadavg_end"] = load_end;
  j["datasets"] = o.datasets;
  j["seconds_per_run"] = o.seconds;
  j["rounds"] = o.rounds;
  j["streams"] = o.streams;
  j["create_clients"] = o.create_clients;
  bool all_pass = !rows.empty();
  for (const Row& r : rows) {
    nlohmann::ordered_json m;
    m["value"] = Round(r.value, 10);
    m["unit"] = r.unit;
    if (!r.reference_name.empty()) {
      m["reference"] = Round(r.reference, 10);
      m["reference_name"] = r.reference_name;
      m["ratio"] = Round(r.ratio, 1000);
    }
    m["target"] = r.target;
    m["pass"] = r.pass;
    for (auto& [k, v] : r.details.items()) m[k] = v;
    j[r.key] = m;
    all_pass = all_pass && r.pass;
  }
  for (auto& [k, v] : extra.items()) j[k] = v;
  j["calibration"] = calibration;
  j["mutex_deadlock_detection"] = !o.no_deadlock_detection;
  j["write_threads"] = so.write_threads;
  j["policy"] = o.policy.empty() ? "bench (steward, zeer_geheim)" : o.policy;
  return FinishRun(j, all_pass, ok);
}

}  // namespace
}  // namespace catalog::bench

int main(int argc, char** argv) { return catalog::bench::Main(argc, argv); }
