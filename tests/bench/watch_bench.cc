// watch_bench: commit-to-delivery delay of WatchChanges under write load.
//
// catalogd in process (mTLS, durable writes, audit on). `--watchers` clients
// (10) each hold a WatchChanges stream from now on, on channels of their own;
// `--writers` threads create datasets at `--rate` writes per second in
// total (1,000) for `--seconds`. For every change a watcher receives, the
// delay is its arrival time minus the change's change_time, which the store
// stamps before the write is committed and synced: the delay therefore
// includes the commit itself and is an upper bound of commit-to-delivery.
// Both clocks are this machine's. Target (issue 20): p99 <= 50 ms. Also
// reports the write latency during the run and whether every watcher saw
// every write exactly once, in order.
//
// Run: scripts/bench.sh --watch [--seconds 20] (docs/BENCHMARKS.md).
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "catalog/v1/catalog_service.grpc.pb.h"
#include "catalog/v1/change_feed_service.grpc.pb.h"
#include "tests/bench/bench_util.h"
#include "tests/support/test_support.h"

namespace catalog::bench {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::TimeUtil;

struct Options {
  std::string certs, policy;
  int watchers = 10;
  int writers = 8;
  double rate = 1000;
  double seconds = 20;
};

constexpr char kUsage[] =
    "Usage: watch_bench --certs DIR [--policy FILE] [--watchers 10] [--writers 8]\n"
    "                   [--rate 1000] [--seconds 20]\n"
    "  --certs DIR   development PKI (scripts/gen-dev-certs.sh)\n"
    "  --rate R      dataset creations per second, all writers together\n";

// One watcher: every delay in microseconds, and whether revisions came in
// order without duplicates.
struct Watcher {
  std::vector<int64_t> delays_ns;
  int64_t last_revision = 0;
  bool ordered = true;
  grpc::Status status;
};

void Watch(const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* context,
           std::atomic<int>* started, Watcher* out) {
  auto stub = v1::ChangeFeedService::NewStub(channel);
  v1::WatchChangesRequest request;  // From now on.
  auto reader = stub->WatchChanges(context, request);
  v1::WatchChangesResponse response;
  bool first = true;
  while (reader->Read(&response)) {
    if (first) started->fetch_add(1);
    first = false;
    const absl::Time now = absl::Now();
    for (const v1::Change& change : response.changes()) {
      const absl::Time committed =
          absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(change.change_time()));
      out->delays_ns.push_back(absl::ToInt64Nanoseconds(now - committed));
      if (change.revision() <= out->last_revision) out->ordered = false;
      out->last_revision = change.revision();
    }
  }
  out->status = reader->Finish();
}

int Run(const Options& o) {
  if (!CheckBenchCerts(o.certs, "watch_bench")) return 2;
  const std::string started_at = UtcNow();
  const std::string load_start = LoadAverage();
  testing::TempDir dir;
  server::ServerOptions so;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> server =
      StartBenchServer(o.certs, dir.path() + "/data", o.policy, dir.path(), 0, &so);
  if (!server.ok()) {
    std::fprintf(stderr, "watch_bench: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  auto credentials = testing::ClientCredentials("steward", o.certs, o.certs);

  std::vector<Watcher> watchers(o.watchers);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::thread> watch_threads;
  std::atomic<int> started{0};
  for (int i = 0; i < o.watchers; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("catalog.bench.watcher", i);  // A connection of its own.
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    watch_threads.emplace_back(Watch, grpc::CreateCustomChannel(address, credentials, args),
                               contexts.back().get(), &started, &watchers[i]);
  }
  while (started.load() < o.watchers) absl::SleepFor(absl::Milliseconds(10));

  const int64_t total = static_cast<int64_t>(o.rate * o.seconds);
  const absl::Duration interval = absl::Seconds(o.writers / o.rate);
  std::atomic<int64_t> next_id{0}, failed{0};
  std::mutex latency_mutex;
  std::vector<int64_t> write_ns;
  const absl::Time begin = absl::Now();
  std::vector<std::thread> writers;
  for (int w = 0; w < o.writers; ++w) {
    writers.emplace_back([&, w] {
      auto stub = v1::CatalogService::NewStub(grpc::CreateChannel(address, credentials));
      std::vector<int64_t> mine;
      absl::Time due = begin + interval * w / o.writers;
      for (int64_t n = next_id.fetch_add(1); n < total; n = next_id.fetch_add(1)) {
        absl::SleepFor(due - absl::Now());
        due += interval;
        v1::CreateDatasetRequest request;
        *request.mutable_dataset() = testing::ValidDataset(absl::StrCat("watch-", n));
        v1::Dataset created;
        grpc::ClientContext context;
        const absl::Time start = absl::Now();
        if (!stub->CreateDataset(&context, request, &created).ok()) failed.fetch_add(1);
        mine.push_back(absl::ToInt64Nanoseconds(absl::Now() - start));
      }
      std::lock_guard<std::mutex> lock(latency_mutex);
      write_ns.insert(write_ns.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& t : writers) t.join();
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - begin);
  absl::SleepFor(absl::Seconds(1));  // Let the last deliveries arrive.
  for (auto& context : contexts) context->TryCancel();
  for (std::thread& t : watch_threads) t.join();

  std::vector<int64_t> delays;
  bool complete = true;
  for (const Watcher& w : watchers) {
    delays.insert(delays.end(), w.delays_ns.begin(), w.delays_ns.end());
    complete = complete && w.ordered &&
               static_cast<int64_t>(w.delays_ns.size()) == total - failed.load();
  }
  std::vector<int64_t> delays_copy = delays;
  const double p50 = QuantileMicros(delays, 0.5) / 1000;
  const double p99 = QuantileMicros(delays_copy, 0.99) / 1000;
  const double max = delays.empty() ? 0 : static_cast<double>(delays.back()) / 1e6;
  std::vector<int64_t> write_copy = write_ns;
  const double write_p50 = QuantileMicros(write_ns, 0.5) / 1000;
  const double write_p99 = QuantileMicros(write_copy, 0.99) / 1000;
  const double achieved = static_cast<double>(total) / elapsed;
  const bool met = p99 <= 50;
  std::printf("watch_bench: %d watchers, %lld writes in %.1f s (%.0f/s; target %.0f/s), "
              "%lld failed\n",
              o.watchers, static_cast<long long>(total), elapsed, achieved, o.rate,
              static_cast<long long>(failed.load()));
  std::printf("  commit-to-delivery delay: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
              "(target p99 <= 50 ms: %s)\n",
              p50, p99, max, met ? "met" : "NOT met");
  std::printf("  write latency: p50 %.2f ms, p99 %.2f ms\n", write_p50, write_p99);
  std::printf("  every watcher saw every write once, in order: %s\n", complete ? "yes" : "NO");
  const std::string load_end = LoadAverage();
  PrintLoad(load_start, load_end);
  (void)(*server)->Shutdown(absl::Seconds(5));

  nlohmann::ordered_json j = RunJson("watch_bench", started_at, FileSystemType(dir.path()),
                                     load_start);
  j["watchers"] = o.watchers;
  j["writes"] = total;
  j["writes_per_second"] = Round(achieved, 1);
  j["delay_p50_ms"] = Round(p50, 100);
  j["delay_p99_ms"] = Round(p99, 100);
  j["delay_max_ms"] = Round(max, 100);
  j["write_p50_ms"] = Round(write_p50, 100);
  j["write_p99_ms"] = Round(write_p99, 100);
  j["complete"] = complete;
  j["loadavg_end"] = load_end;
  return FinishRun(j, met && complete, failed.load() == 0 && complete);
}

}  // namespace
}  // namespace catalog::bench

int main(int argc, char** argv) {
  using namespace catalog::bench;
  Options o;
  std::string error;
  if (!ParseOptions(argc, argv, kUsage,
                    {StringOption("--certs", &o.certs), StringOption("--policy", &o.policy),
                     IntOption("--watchers", 1, 1000, &o.watchers),
                     IntOption("--writers", 1, 256, &o.writers),
                     DoubleOption("--rate", 1, 100000, &o.rate),
                     DoubleOption("--seconds", 1, 3600, &o.seconds)},
                    &error)) {
    std::fprintf(stderr, "watch_bench: %s\n%s", error.c_str(), kUsage);
    return 2;
  }
  return Run(o);
}
