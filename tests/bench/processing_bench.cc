// processing_bench: the processing log (Logboek Dataverwerkingen, issue 19)
// against PostgreSQL on the same machine in the same run
// (docs/BENCHMARKS.md "Processing log", /work/shared/design/performance.md:
// 8 exporters x 512 spans >= 50,000 operations/s durable and >= 1 x
// PostgreSQL; inzage p99 <= 10 ms at 10M operations; RSS flat).
//
// catalogd runs as a child process (the catalogd binary, `serve`, mutual
// TLS with the development certificates, durable writes as it ships), so
// that its RSS and CPU time are its own (/proc/PID/status, /proc/PID/stat).
//   ingest   C exporter clients (separate channels, principal
//            `application`) send OTLP ExportTraceServiceRequests of S spans
//            back to back: every span distinct (trace and span id), its
//            subject a BSN (elfproef) from a pool, one of a few activities.
//            Warm-up W s, then T s measured: operations acknowledged per
//            second (partial_success.rejected_spans must be 0), p50/p99 of
//            an Export call, CPU per operation of server and clients.
//   pg-ingest (with --pg) the same rows into PostgreSQL: a table shaped like
//            the log, primary key (trace_id, span_id), indexes
//            (data_subject_hash, start_time) and (activity, start_time),
//            synchronous_commit and fsync on; C connections, each one COPY
//            (binary) of S rows per transaction, back to back, T s.
//   floors   what bounds the ingest rate: the same requests through the
//            server's core in this process (FromOtlp + ProcessingLog::Export
//            on the ingest store, synced; no gRPC, no TLS), and raw RocksDB:
//            C writers of synced WriteBatches of the same bytes (4 entries
//            per operation and a merge), and of one 8-byte entry (what C
//            writers get from syncs alone).
//   inzage   a fresh log filled to N operations (1 in 10 of the operations
//            of each subject, N/10 subjects) straight through the storage
//            API in this process (FromOtlp + ProcessingLog::Export, the
//            server's own checks and hashes, sync_writes off: the load is
//            not measured), in steps (checkpoints 10 %, 50 %, 100 %). At each
//            checkpoint catalogd starts on the log, and after it is idle and
//            a warm-up of Q queries its RSS is read; then Q
//            GetSubjectAccount calls (principal `privacy`) for random
//            subjects that have operations, one client. At the last one
//            also with K clients, and (with --pg) the same subject query on
//            PostgreSQL holding the same N rows (COPY, then the indexes):
//            a prepared SELECT ... WHERE data_subject_hash = $1 ORDER BY
//            start_time LIMIT 100, from 1 and K connections. Both sides'
//            answers are checked against the known number of operations of
//            the subject. At every checkpoint, last, M more queries from K
//            clients and the RSS again (is it bounded by the block cache?),
//            and with the server stopped what its store holds: SST data,
//            index and filter bytes, memtables after the WAL replay.
//
// PostgreSQL is started by scripts/bench.sh --processing, which passes
// --pg 'CONNINFO' (TLS with the same development CA; see the script).
// Output: a table on stdout, then one line "BENCH_JSON {...}". Exit status
// 0 when every call succeeded and every answer had the expected operations
// (targets met or not: see the table and the JSON), 1 otherwise, 2 for a
// bad command line.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table_properties.h>
#include <rocksdb/write_batch.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "catalog/v1/accountability_service.grpc.pb.h"
#include "catalog/v1/catalog_service.grpc.pb.h"
#include "catalog/v1/processing_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "server/core/processing_log.h"
#include "server/core/processing_wire.h"
#include "server/core/subject_key.h"
#include "storage/catalog_store.h"
#include "storage/committer.h"
#include "tests/bench/bench_util.h"
#include "tests/support/test_support.h"

namespace catalog::bench {
namespace {

namespace v1 = ::catalog::v1;
namespace otlp = ::opentelemetry::proto;
using Clock = std::chrono::steady_clock;

constexpr char kProgram[] = "processing_bench";
constexpr char kIdType[] = "BSN";
constexpr char kOtlpExport[] = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
// How far back the inzage log reaches; its activities are in force since
// before that.
constexpr absl::Duration kLogSpan = absl::Hours(24 * 60);
constexpr absl::Duration kInForceFor = absl::Hours(24 * 90);
// Operations per call of the load (not measured).
constexpr int64_t kLoadBatch = 4096;
constexpr int kLoadThreads = 2;
// RSS at the last checkpoint at most this factor of the first: "flat".
constexpr double kRssFlatFactor = 1.2;

// ---- command line ----------------------------------------------------------

struct Options {
  std::string certs;
  std::string catalogd;  // The binary; default: next to this program.
  std::string work;      // Default: fresh under $TMPDIR, removed at the end.
  bool keep = false;
  std::string pg;        // libpq conninfo; empty: no PostgreSQL.
  int clients = 8;
  int spans = 512;
  double seconds = 20;
  double warmup = 3;
  double floor_seconds = 10;
  bool floors = true;
  int64_t operations = 10000000;
  int per_subject = 10;
  int activities = 4;
  int queries = 2000;
  int query_clients = 8;
  std::string checkpoints;  // "1000000,5000000"; default 10 % and 50 %.
  std::string only;         // "", "ingest", "inzage".
  double idle_max = 600;
  int64_t soak_queries = 20000;
  uint64_t seed = 1;
};

constexpr char kUsage[] =
    "Usage: processing_bench --certs DIR [--pg CONNINFO] [--seconds T] [--operations N]\n"
    "                        [options]\n"
    "\n"
    "  --certs DIR         development PKI (scripts/gen-dev-certs.sh): ca.pem,\n"
    "                      server.pem/.key, steward, application, privacy .pem/.key\n"
    "  --pg CONNINFO       libpq connection string of an empty PostgreSQL database\n"
    "                      (scripts/bench.sh --processing starts one); without it only\n"
    "                      catalogd is measured\n"
    "  --catalogd PATH     the catalogd binary (default: catalogd next to this program)\n"
    "  --work DIR          working directory (default: a fresh one under $TMPDIR,\n"
    "                      removed at the end); must be on a real disk\n"
    "  --keep              keep the working directory\n"
    "  --only WHAT         ingest (with the floors) or inzage\n"
    "ingest:\n"
    "  --clients C         concurrent exporters / PostgreSQL connections (default 8)\n"
    "  --spans S           spans per Export call / rows per transaction (default 512)\n"
    "  --seconds T         measured seconds per side (default 20)\n"
    "  --warmup W          seconds before measuring (default 3)\n"
    "  --floor-seconds F   seconds of each floor measurement (default 10)\n"
    "  --no-floors         skip the floors (core in process, raw RocksDB)\n"
    "inzage:\n"
    "  --operations N      operations in the log (default 10000000)\n"
    "  --per-subject P     operations per data subject (default 10: N/10 subjects)\n"
    "  --checkpoints LIST  stored operations at which catalogd is started and its RSS\n"
    "                      read before the last (N), comma separated\n"
    "                      (default N/10,N/2)\n"
    "  --queries Q         queries per measurement and of the warm-up (default 2000)\n"
    "  --query-clients K   concurrent clients of the second measurement (default 8)\n"
    "  --activities A      processing activities (default 4)\n"
    "  --soak-queries M    after the measurements at N, M more queries from K clients,\n"
    "                      then RSS again (default 20000; 0: none)\n"
    "  --idle-max S        wait at most S s for catalogd to finish compactions\n"
    "                      before measuring (default 600)\n"
    "  --seed S            (default 1)\n";

bool ParseArgs(int argc, char** argv, Options* o, std::string* error) {
  bool no_floors = false;
  if (!ParseOptions(argc, argv, kUsage,
                    {
                        StringOption("--certs", &o->certs),
                        StringOption("--pg", &o->pg),
                        StringOption("--catalogd", &o->catalogd),
                        StringOption("--work", &o->work),
                        SwitchOption("--keep", &o->keep),
                        ChoiceOption("--only", {"ingest", "inzage"}, &o->only),
                        IntOption("--clients", 1, 256, &o->clients),
                        IntOption("--spans", 1, 10000, &o->spans),
                        DoubleOption("--seconds", 0.5, 3600, &o->seconds),
                        DoubleOption("--warmup", 0, 600, &o->warmup),
                        DoubleOption("--floor-seconds", 0.5, 3600, &o->floor_seconds),
                        SwitchOption("--no-floors", &no_floors),
                        IntOption("--operations", 100, 100000000, &o->operations),
                        IntOption("--per-subject", 1, 1000, &o->per_subject),
                        StringOption("--checkpoints", &o->checkpoints),
                        IntOption("--queries", 10, 1000000, &o->queries),
                        IntOption("--query-clients", 1, 256, &o->query_clients),
                        IntOption("--activities", 1, 100, &o->activities),
                        DoubleOption("--idle-max", 0, 7200, &o->idle_max),
                        IntOption("--soak-queries", 0, 10000000, &o->soak_queries),
                        IntOption("--seed", 0, INT64_MAX, &o->seed),
                    },
                    error)) {
    return false;
  }
  o->floors = !no_floors;
  if (o->certs.empty()) {
    *error = "--certs DIR is required";
    return false;
  }
  return true;
}

// The operation counts at which the inzage phase stops to measure, rising,
// the last being N.
bool Checkpoints(const Options& o, std::vector<int64_t>* out, std::string* error) {
  std::vector<int64_t> points;
  if (o.checkpoints.empty()) {
    points = {o.operations / 10, o.operations / 2};
  } else {
    for (absl::string_view part : absl::StrSplit(o.checkpoints, ',', absl::SkipEmpty())) {
      int64_t v = 0;
      if (!absl::SimpleAtoi(part, &v) || v <= 0 || v >= o.operations) {
        *error = absl::StrCat("--checkpoints: \"", part, "\" is not a count in 1..N-1");
        return false;
      }
      points.push_back(v);
    }
  }
  points.push_back(o.operations);
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  points.erase(std::remove(points.begin(), points.end(), 0), points.end());
  *out = points;
  return true;
}

// ---- the synthetic log -----------------------------------------------------

// `count` valid BSNs (nine digits passing the elfproef) and their keyed
// hashes under the server's subject key.
class Subjects {
 public:
  Subjects(int64_t count, const server::SubjectKey& key) {
    bsns_.reserve(static_cast<size_t>(count));
    hashes_.reserve(static_cast<size_t>(count) * server::SubjectKey::kHashBytes);
    // Eight-digit prefixes with a stride, so that neighbours differ in more
    // than the last digits; the ninth digit makes the elfproef hold
    // (9*d1 + 8*d2 + ... + 2*d8 - d9 = 0 mod 11), prefixes where it would be
    // 10 are skipped.
    for (uint64_t p = 10000000; static_cast<int64_t>(bsns_.size()) < count; p += 7) {
      if (p > 99999999) p = 10000000 + (p % 7) + 1;
      uint64_t sum = 0, rest = p;
      for (int weight = 2; weight <= 9; ++weight, rest /= 10) sum += weight * (rest % 10);
      const uint64_t check = sum % 11;
      if (check > 9) continue;
      const std::string bsn = absl::StrFormat("%08u%u", p, check);
      bsns_.push_back(static_cast<uint32_t>(p * 10 + check));
      hashes_ += key.Hash(kIdType, bsn);
    }
  }
  int64_t size() const { return static_cast<int64_t>(bsns_.size()); }
  std::string Bsn(int64_t i) const {
    return absl::StrFormat("%09u", bsns_[static_cast<size_t>(i)]);
  }
  std::string_view Hash(int64_t i) const {
    return std::string_view(hashes_).substr(static_cast<size_t>(i) * server::SubjectKey::kHashBytes,
                                            server::SubjectKey::kHashBytes);
  }

 private:
  std::vector<uint32_t> bsns_;
  std::string hashes_;
};

// One operation of the synthetic log, as its exporter knows it.
struct Op {
  char trace_id[16];
  char span_id[8];
  int64_t start_us = 0;
  int64_t end_us = 0;
  int activity = 0;
  int64_t subject = 0;
};

void PutBigEndian(uint64_t v, char* out) {
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
}

// Operation `g` (a number unique in the run): distinct, never all-zero
// trace and span ids.
Op MakeOp(uint64_t g, int64_t start_us, int64_t subject, int activities) {
  Op op;
  PutBigEndian(SplitMix64(g ^ 0x7f4a7c159e3779b9ULL), op.trace_id);
  PutBigEndian(g + 1, op.trace_id + 8);
  PutBigEndian(SplitMix64(g) | 1, op.span_id);
  op.start_us = start_us;
  op.end_us = start_us + 50000 + static_cast<int64_t>(SplitMix64(g ^ 0xe7037ed1a0b428dbULL) % 2000000);
  op.activity = static_cast<int>(SplitMix64(g ^ 0xa0761d6478bd642fULL) % static_cast<uint64_t>(activities));
  op.subject = subject;
  return op;
}

// Which subject each operation of the inzage log belongs to: operation i
// (in time order) is position (a*i + b) mod N of a permutation whose
// consecutive runs of `per_subject` belong to one subject. So every subject
// has exactly per_subject operations (the last maybe fewer), spread over the
// whole period, and the log is written in time order as exporters would.
class LogLayout {
 public:
  LogLayout(int64_t operations, int per_subject, uint64_t seed)
      : n_(static_cast<uint64_t>(operations)), per_(static_cast<uint64_t>(per_subject)) {
    a_ = (SplitMix64(seed) % n_) | 1;
    while (std::gcd(a_, n_) != 1) a_ = (a_ + 2) % n_;
    b_ = SplitMix64(seed + 1) % n_;
    a_inverse_ = Inverse(a_, n_);
  }
  int64_t subjects() const { return static_cast<int64_t>((n_ + per_ - 1) / per_); }
  int64_t SubjectOf(int64_t i) const {
    return static_cast<int64_t>(MulMod(a_, static_cast<uint64_t>(i), n_) + b_) % static_cast<int64_t>(n_) /
           static_cast<int64_t>(per_);
  }
  // Operations of `subject` among the first `stored`.
  int64_t CountOf(int64_t subject, int64_t stored) const {
    int64_t count = 0;
    for (uint64_t k = static_cast<uint64_t>(subject) * per_;
         k < std::min(n_, (static_cast<uint64_t>(subject) + 1) * per_); ++k) {
      const uint64_t i = MulMod(a_inverse_, (k + n_ - b_) % n_, n_);
      count += static_cast<int64_t>(i) < stored;
    }
    return count;
  }

 private:
  // a * b mod m without overflow (m < 2^63).
  static uint64_t MulMod(uint64_t a, uint64_t b, uint64_t m) {
    uint64_t result = 0;
    a %= m;
    for (; b > 0; b >>= 1) {
      if (b & 1) result = (result + a) % m;
      a = (a * 2) % m;
    }
    return result;
  }
  static uint64_t Inverse(uint64_t a, uint64_t m) {
    int64_t t = 0, next = 1, r = static_cast<int64_t>(m), rn = static_cast<int64_t>(a);
    while (rn != 0) {
      const int64_t q = r / rn;
      std::tie(t, next) = std::make_pair(next, t - q * next);
      std::tie(r, rn) = std::make_pair(rn, r - q * rn);
    }
    return static_cast<uint64_t>(t < 0 ? t + static_cast<int64_t>(m) : t);
  }

  uint64_t n_, per_, a_ = 1, b_ = 0, a_inverse_ = 1;
};

// The processing activities of the run, as the register returned them.
struct Register {
  std::vector<v1::ProcessingActivity> activities;
  std::vector<std::string> references;  // "processing-activities/ID" as exporters send it.
  std::vector<std::string> operation_names;
};

const char* const kOperationNames[] = {
    "WOZ-beschikking opstellen",   "Aanvraag Wmo beoordelen",     "Parkeervergunning verlenen",
    "Bijstandsuitkering berekenen", "Verhuizing verwerken",        "Kwijtschelding beoordelen",
    "Leerlingenvervoer toekennen",  "Omgevingsvergunning toetsen",
};

// A reusable OTLP request of `spans` spans of one application; Set fills
// span j with an operation (ids, times, attributes) in place.
class SpanBatch {
 public:
  SpanBatch(int spans, const std::string& application) {
    otlp::trace::v1::ResourceSpans* rs = request_.add_resource_spans();
    for (auto [key, value] : {std::pair<const char*, std::string>{"service.name", application},
                              {"service.version", "1.4.2"}}) {
      otlp::common::v1::KeyValue* kv = rs->mutable_resource()->add_attributes();
      kv->set_key(key);
      kv->mutable_value()->set_string_value(value);
    }
    otlp::trace::v1::ScopeSpans* ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("logboek-dataverwerkingen");
    for (int j = 0; j < spans; ++j) {
      otlp::trace::v1::Span* span = ss->add_spans();
      span->mutable_status()->set_code(otlp::trace::v1::Status::STATUS_CODE_OK);
      for (const char* key : {server::dpl::kActivity, server::dpl::kSubjectId,
                              server::dpl::kSubjectIdType}) {
        otlp::common::v1::KeyValue* kv = span->add_attributes();
        kv->set_key(key);
        kv->mutable_value()->set_string_value(kIdType);
      }
      spans_.push_back(span);
    }
  }
  size_t size() const { return spans_.size(); }
  void Set(size_t j, const Op& op, const Subjects& subjects, const Register& r) {
    otlp::trace::v1::Span* span = spans_[j];
    span->set_trace_id(op.trace_id, sizeof op.trace_id);
    span->set_span_id(op.span_id, sizeof op.span_id);
    span->set_name(r.operation_names[static_cast<size_t>(op.activity)]);
    span->set_start_time_unix_nano(static_cast<uint64_t>(op.start_us) * 1000);
    span->set_end_time_unix_nano(static_cast<uint64_t>(op.end_us) * 1000);
    span->mutable_attributes(0)->mutable_value()->set_string_value(
        r.references[static_cast<size_t>(op.activity)]);
    span->mutable_attributes(1)->mutable_value()->set_string_value(subjects.Bsn(op.subject));
  }
  const otlp::collector::trace::v1::ExportTraceServiceRequest& request() const { return request_; }

 private:
  otlp::collector::trace::v1::ExportTraceServiceRequest request_;
  std::vector<otlp::trace::v1::Span*> spans_;
};

std::string ApplicationName(int client) { return absl::StrCat("zaaksysteem-", client + 1); }

// Operation k of ingest client `client` (its own number space), started
// just before `now_us`.
Op IngestOp(int client, int64_t k, int64_t now_us, const Subjects& subjects, int activities) {
  const uint64_t g = (static_cast<uint64_t>(client) + 1) << 40 | static_cast<uint64_t>(k);
  const int64_t subject =
      static_cast<int64_t>(SplitMix64(g ^ 0x51ed27bd2f9c3a1ULL) % static_cast<uint64_t>(subjects.size()));
  return MakeOp(g, now_us - 1000 * (k % 1000) - 3000000, subject, activities);
}

// Operation i of the inzage log.
Op LogOp(int64_t i, int64_t operations, int64_t base_us, const LogLayout& layout,
         int activities) {
  const double step = absl::ToDoubleMicroseconds(kLogSpan) / static_cast<double>(operations);
  return MakeOp(static_cast<uint64_t>(i), base_us + static_cast<int64_t>(static_cast<double>(i) * step),
                layout.SubjectOf(i), activities);
}

// ---- catalogd as a child process -------------------------------------------

struct Memory {
  int64_t rss_kb = 0, hwm_kb = 0, anon_kb = 0, file_kb = 0;
};

Memory MemoryOf(pid_t pid) {
  Memory m;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  auto field = [&line](const char* name, int64_t* out) {
    if (line.rfind(name, 0) != 0) return;
    std::istringstream(line.substr(std::strlen(name))) >> *out;
  };
  while (std::getline(in, line)) {
    field("VmRSS:", &m.rss_kb);
    field("VmHWM:", &m.hwm_kb);
    field("RssAnon:", &m.anon_kb);
    field("RssFile:", &m.file_kb);
  }
  return m;
}

// User + system CPU seconds of process `pid` (all its threads), or 0.
double CpuSecondsOf(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  // After the command: state (3), ... utime (14), stime (15).
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::atof(f.c_str());
    if (i == 15) stime = std::atof(f.c_str());
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

class ServerProcess {
 public:
  // Runs `binary serve ARGS...`, its stderr appended to `log`, and waits
  // (at most `timeout`) for its readiness line with the port.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(const std::string& binary,
                                                              const std::vector<std::string>& args,
                                                              const std::string& log,
                                                              absl::Duration timeout) {
    std::vector<std::string> all = {binary, "serve"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
    const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (err < 0) return absl::InternalError(absl::StrCat("cannot open ", log));
    const Clock::time_point started = Clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
      // Only async-signal-safe calls until exec. The server dies with us.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(out[1], 1);
      dup2(err, 2);
      execv(argv[0], argv.data());
      _exit(127);
    }
    ::close(out[1]);
    ::close(err);
    if (pid < 0) {
      ::close(out[0]);
      return absl::InternalError("fork failed");
    }
    auto process = std::unique_ptr<ServerProcess>(new ServerProcess(pid, out[0]));
    std::string line;
    const Clock::time_point deadline = Clock::now() + absl::ToChronoNanoseconds(timeout);
    for (;;) {
      const size_t at = line.find("listening on port ");
      if (at != std::string::npos && line.find('\n', at) != std::string::npos) {
        process->port_ = std::atoi(line.c_str() + at + std::strlen("listening on port "));
        break;
      }
      const int wait_ms = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
      pollfd p{out[0], POLLIN, 0};
      if (wait_ms <= 0 || poll(&p, 1, std::min(wait_ms, 1000)) < 0) {
        return absl::DeadlineExceededError(
            absl::StrCat("catalogd did not report its port within ", absl::FormatDuration(timeout),
                         "; see ", log));
      }
      if ((p.revents & (POLLIN | POLLHUP)) == 0) continue;
      char buffer[512];
      const ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n <= 0) {
        return absl::UnavailableError(absl::StrCat("catalogd exited before serving; see ", log));
      }
      line.append(buffer, static_cast<size_t>(n));
    }
    process->start_seconds_ = SecondsSince(started);
    return process;
  }

  ~ServerProcess() { Stop().IgnoreError(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  pid_t pid() const { return pid_; }
  double start_seconds() const { return start_seconds_; }
  double CpuSeconds() const { return CpuSecondsOf(pid_); }
  Memory memory() const { return MemoryOf(pid_); }

  // Waits until the server is nearly idle (RocksDB's flushes and
  // compactions after a load): two seconds in a row under 5 % of a core.
  // Returns the seconds waited.
  double WaitForIdle(double max_seconds) const {
    const Clock::time_point start = Clock::now();
    int quiet = 0;
    while (SecondsSince(start) < max_seconds && quiet < 2) {
      const double cpu = CpuSeconds();
      std::this_thread::sleep_for(std::chrono::seconds(1));
      quiet = CpuSeconds() - cpu < 0.05 ? quiet + 1 : 0;
    }
    return SecondsSince(start);
  }

  // SIGTERM (catalogd shuts down gracefully), SIGKILL after 60 s.
  absl::Status Stop() {
    if (pid_ <= 0) return absl::OkStatus();
    ::kill(pid_, SIGTERM);
    int status = 0;
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(60);
    pid_t done = 0;
    while ((done = waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (done == 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    ::close(out_);
    if (done == 0) return absl::DeadlineExceededError("catalogd did not stop in 60 s (killed)");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return absl::InternalError(absl::StrCat("catalogd exited with status ", status));
    }
    return absl::OkStatus();
  }

 private:
  ServerProcess(pid_t pid, int out) : pid_(pid), out_(out) {}
  pid_t pid_;
  int out_;
  int port_ = 0;
  double start_seconds_ = 0;
};

// ---- the run's files and the server ---------------------------------------

struct Setup {
  Options options;
  std::string work;
  std::string key_file;
  std::string policy;
  std::string log;  // catalogd's stderr.
  std::unique_ptr<server::SubjectKey> key;
};

// The access policy of the run: the benchmarks' policy (bench_util.h:
// steward with the highest clearance registers) and two grants more:
// application exports, privacy (privacy officer) asks for inzage.
bool WritePolicy(const std::string& path) {
  if (!WriteBenchPolicy(path)) return false;
  std::ofstream out(path, std::ios::app);
  out << R"(
[[grant]]
principal = "application"
roles = ["application"]

[[grant]]
principal = "privacy"
roles = ["privacy_officer"]
clearance = "zeer_geheim"
)";
  out.close();
  return static_cast<bool>(out);
}

absl::StatusOr<std::unique_ptr<ServerProcess>> StartServer(const Setup& s,
                                                           const std::string& data_dir) {
  const std::string& c = s.options.certs;
  return ServerProcess::Start(
      s.options.catalogd,
      {"--listen", "127.0.0.1:0", "--data-dir", data_dir, "--tls-cert", c + "/server.pem",
       "--tls-key", c + "/server.key", "--client-ca", c + "/ca.pem", "--policy", s.policy,
       "--processing-subject-key", s.key_file, "--log-level", "warn"},
      s.log, absl::Minutes(30));
}

// A fresh connection (its own subchannel and TLS session) as `principal`.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(const Setup& s, const std::string& address,
                                                       const std::string& principal, int index) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("catalog.bench.channel", index);
  args.SetMaxReceiveMessageSize(64 << 20);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      address, testing::ClientCredentials(principal, s.options.certs, s.options.certs), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30))) {
    return absl::UnavailableError(absl::StrCat("connection to ", address, " as ", principal,
                                               " did not become ready in 30 s"));
  }
  return channel;
}

std::unique_ptr<grpc::ClientContext> CallContext(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

absl::Status FromGrpc(const grpc::Status& s, const std::string& what) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(what, ": ", s.error_message()));
}

// Datasets and activities (valid since 90 days) through the server, as a
// steward.
absl::StatusOr<Register> CreateRegister(const Setup& s, const std::string& address) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Channel(s, address, "steward", 0);
  if (!channel.ok()) return channel.status();
  auto catalog = v1::CatalogService::NewStub(*channel);
  auto processing = v1::ProcessingService::NewStub(*channel);
  Register r;
  for (int a = 0; a < s.options.activities; ++a) {
    const std::string dataset = absl::StrCat("logboek-bron-", a + 1);
    v1::CreateDatasetRequest dr;
    *dr.mutable_dataset() = testing::ValidDataset(dataset);
    v1::Dataset created;
    if (absl::Status st = FromGrpc(catalog->CreateDataset(CallContext(30).get(), dr, &created),
                                   "CreateDataset");
        !st.ok()) {
      return st;
    }
    const char* name = kOperationNames[static_cast<size_t>(a) % std::size(kOperationNames)];
    v1::ProcessingActivity activity;
    activity.set_id(absl::StrCat("verwerking-", a + 1));
    activity.set_title(name);
    activity.set_purpose(absl::StrCat(name, " (benchmark)"));
    activity.set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
    activity.mutable_controller()->set_name("College van B&W van Voorbeeldstad");
    activity.mutable_controller()->set_oin("00000001001234567000");
    activity.set_governing_body(v1::GOVERNING_BODY_COLLEGE_VAN_BW);
    activity.add_data_subject_categories("Inwoners");
    activity.add_personal_data_categories("NAW-gegevens");
    activity.add_recipient_categories("Ketenpartners");
    activity.set_retention_period("P15Y");
    activity.set_log_confidentiality(v1::CONFIDENTIALITY_VERTROUWELIJK);
    activity.add_datasets("datasets/" + dataset);
    const int64_t from = absl::ToUnixMicros(absl::Now() - kInForceFor);
    activity.mutable_valid_from()->set_seconds(from / 1000000);
    v1::CreateProcessingActivityRequest ar;
    *ar.mutable_activity() = activity;
    v1::ProcessingActivity stored;
    if (absl::Status st = FromGrpc(
            processing->CreateProcessingActivity(CallContext(30).get(), ar, &stored),
            "CreateProcessingActivity");
        !st.ok()) {
      return st;
    }
    r.references.push_back(absl::StrCat("processing-activities/", stored.id()));
    r.operation_names.push_back(name);
    r.activities.push_back(std::move(stored));
  }
  return r;
}

// ---- measurements: shared ---------------------------------------------------

struct Run {
  int64_t calls = 0;      // Completed in the measured window.
  int64_t operations = 0; // Acknowledged in the window.
  int64_t failed = 0;     // Calls failed or with rejected spans (any time).
  double seconds = 0;
  double server_cpu = 0;  // Seconds of the server process(es) in the window.
  double client_cpu = 0;  // Seconds of this process in the window.
  std::string first_error;
  std::vector<int64_t> latencies_ns;

  double rate() const { return seconds > 0 ? static_cast<double>(operations) / seconds : 0; }
  double PerOperationUs(double cpu) const {
    return operations > 0 ? cpu * 1e6 / static_cast<double>(operations) : 0;
  }
};

// What one worker thread collected.
struct Tally {
  int64_t calls = 0, operations = 0, failed = 0;
  std::string first_error;
  std::vector<int64_t> latencies_ns;
};

// Adds what the workers collected to `run`.
void Absorb(const std::vector<Tally>& tallies, Run* run) {
  for (const Tally& t : tallies) {
    run->calls += t.calls;
    run->operations += t.operations;
    run->failed += t.failed;
    if (run->first_error.empty()) run->first_error = t.first_error;
    run->latencies_ns.insert(run->latencies_ns.end(), t.latencies_ns.begin(),
                             t.latencies_ns.end());
  }
}

// Runs `workers` threads of `work(worker, tally, measure_from, measure_to)`
// (each loops until `measure_to`, counting what completes inside the
// window) while this thread reads the CPU counters at the window's edges.
Run Closed(int workers, double warmup, double seconds, const std::function<double()>& server_cpu,
           const std::function<void(int, Tally*, Clock::time_point, Clock::time_point)>& work) {
  const Clock::time_point from =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup));
  const Clock::time_point to =
      from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<Tally> tallies(static_cast<size_t>(workers));
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] { work(w, &tallies[static_cast<size_t>(w)], from, to); });
  }
  std::this_thread::sleep_until(from);
  const double server0 = server_cpu(), client0 = ProcessCpuSeconds();
  std::this_thread::sleep_until(to);
  Run run;
  run.server_cpu = server_cpu() - server0;
  run.client_cpu = ProcessCpuSeconds() - client0;
  run.seconds = seconds;
  for (std::thread& t : threads) t.join();
  Absorb(tallies, &run);
  return run;
}

int64_t Nanos(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - since).count();
}

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

// ---- PostgreSQL --------------------------------------------------------------

using PgConn = std::unique_ptr<PGconn, void (*)(PGconn*)>;

absl::StatusOr<PgConn> PgConnect(const std::string& conninfo) {
  PgConn c(PQconnectdb(conninfo.c_str()), PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat("PostgreSQL: ", PQerrorMessage(c.get())));
  }
  // No NOTICE lines ("table ... does not exist, skipping") in the output.
  PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
  return c;
}

absl::Status PgExec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  absl::Status s = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK
                       ? absl::OkStatus()
                       : absl::InternalError(absl::StrCat("PostgreSQL: ", sql.substr(0, 60),
                                                          ": ", PQerrorMessage(c)));
  PQclear(r);
  return s;
}

std::string PgValue(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0
                      ? PQgetvalue(r, 0, 0)
                      : std::string();
  PQclear(r);
  return v;
}

constexpr char kPgColumns[] =
    "trace_id, span_id, start_time, end_time, name, status, activity, data_subject_id_type, "
    "data_subject_hash, application, application_version, confidentiality, exporter, "
    "receive_time";

std::string PgCreateTable(bool with_keys) {
  return absl::StrCat(
      "CREATE TABLE operations ("
      " trace_id bytea NOT NULL, span_id bytea NOT NULL,"
      " start_time timestamptz NOT NULL, end_time timestamptz NOT NULL,"
      " name text NOT NULL, status smallint NOT NULL, activity text NOT NULL,"
      " data_subject_id_type text NOT NULL, data_subject_hash bytea NOT NULL,"
      " application text NOT NULL, application_version text NOT NULL,"
      " confidentiality smallint NOT NULL, exporter text NOT NULL,"
      " receive_time timestamptz NOT NULL",
      with_keys ? ", PRIMARY KEY (trace_id, span_id));"
                  " CREATE INDEX operations_subject ON operations (data_subject_hash, start_time);"
                  " CREATE INDEX operations_activity ON operations (activity, start_time);"
                : ");");
}

constexpr char kPgKeys[] =
    "ALTER TABLE operations ADD PRIMARY KEY (trace_id, span_id);"
    " CREATE INDEX operations_subject ON operations (data_subject_hash, start_time);"
    " CREATE INDEX operations_activity ON operations (activity, start_time);";

// PostgreSQL's binary COPY format.
class CopyBuffer {
 public:
  CopyBuffer() { Clear(); }
  void Clear() {
    b_.assign("PGCOPY\n\377\r\n\0", 11);
    Int32(0);  // Flags.
    Int32(0);  // Header extension.
  }
  void Row(const Op& op, const Subjects& subjects, const Register& r, const std::string& app,
           int64_t receive_us) {
    Int16(14);
    Bytes(op.trace_id, sizeof op.trace_id);
    Bytes(op.span_id, sizeof op.span_id);
    Time(op.start_us);
    Time(op.end_us);
    Text(r.operation_names[static_cast<size_t>(op.activity)]);
    Int32(2);
    Int16(v1::OPERATION_STATUS_OK);
    Text(r.activities[static_cast<size_t>(op.activity)].version_name());
    Text(kIdType);
    const std::string_view hash = subjects.Hash(op.subject);
    Bytes(hash.data(), hash.size());
    Text(app);
    Text("1.4.2");
    Int32(2);
    Int16(static_cast<int16_t>(r.activities[static_cast<size_t>(op.activity)].log_confidentiality()));
    Text("application");
    Time(receive_us);
  }
  const std::string& Finish() {
    Int16(-1);
    return b_;
  }

 private:
  void Int16(int16_t v) {
    const uint16_t u = static_cast<uint16_t>(v);
    b_.push_back(static_cast<char>(u >> 8));
    b_.push_back(static_cast<char>(u & 0xff));
  }
  void Int32(int32_t v) {
    const uint32_t u = static_cast<uint32_t>(v);
    for (int s = 24; s >= 0; s -= 8) b_.push_back(static_cast<char>((u >> s) & 0xff));
  }
  void Int64(int64_t v) {
    char out[8];
    PutBigEndian(static_cast<uint64_t>(v), out);
    b_.append(out, 8);
  }
  void Bytes(const char* p, size_t n) {
    Int32(static_cast<int32_t>(n));
    b_.append(p, n);
  }
  void Text(std::string_view s) { Bytes(s.data(), s.size()); }
  // timestamptz: microseconds since 2000-01-01 UTC.
  void Time(int64_t unix_us) {
    Int32(8);
    Int64(unix_us - int64_t{946684800} * 1000000);
  }
  std::string b_;
};

absl::Status PgCopy(PGconn* c, const std::string& data) {
  PGresult* r = PQexec(c, absl::StrCat("COPY operations (", kPgColumns,
                                       ") FROM STDIN (FORMAT binary)").c_str());
  const bool in = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!in) return absl::InternalError(absl::StrCat("PostgreSQL COPY: ", PQerrorMessage(c)));
  if (PQputCopyData(c, data.data(), static_cast<int>(data.size())) != 1 ||
      PQputCopyEnd(c, nullptr) != 1) {
    return absl::InternalError(absl::StrCat("PostgreSQL COPY data: ", PQerrorMessage(c)));
  }
  absl::Status s = absl::OkStatus();
  while ((r = PQgetResult(c)) != nullptr) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && s.ok()) {
      s = absl::InternalError(absl::StrCat("PostgreSQL COPY: ", PQerrorMessage(c)));
    }
    PQclear(r);
  }
  return s;
}

// CPU seconds of every PostgreSQL process that pg_stat_activity lists
// (backends, WAL writer, checkpointer, ...), read through /proc.
double PgCpuSeconds(PGconn* c) {
  PGresult* r = PQexec(c, "SELECT pid FROM pg_stat_activity");
  double total = 0;
  if (PQresultStatus(r) == PGRES_TUPLES_OK) {
    for (int i = 0; i < PQntuples(r); ++i) total += CpuSecondsOf(std::atoi(PQgetvalue(r, i, 0)));
  }
  PQclear(r);
  return total;
}

// ---- ingest ----------------------------------------------------------------

Run IngestCatalogd(const Setup& s, const ServerProcess& server, const Subjects& subjects,
                   const Register& r, bool* ok) {
  const Options& o = s.options;
  std::vector<std::unique_ptr<otlp::collector::trace::v1::TraceService::Stub>> stubs;
  for (int c = 0; c < o.clients; ++c) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        Channel(s, server.address(), "application", c);
    if (!channel.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, channel.status().ToString().c_str());
      *ok = false;
      return Run();
    }
    stubs.push_back(otlp::collector::trace::v1::TraceService::NewStub(*channel));
  }
  Run run = Closed(o.clients, o.warmup, o.seconds, [&] { return server.CpuSeconds(); },
                   [&](int c, Tally* t, Clock::time_point from, Clock::time_point to) {
                     SpanBatch batch(o.spans, ApplicationName(c));
                     int64_t k = 0;
                     while (Clock::now() < to) {
                       const int64_t now_us = NowMicros();
                       for (size_t j = 0; j < batch.size(); ++j) {
                         batch.Set(j, IngestOp(c, k++, now_us, subjects, o.activities), subjects, r);
                       }
                       otlp::collector::trace::v1::ExportTraceServiceResponse response;
                       const Clock::time_point sent = Clock::now();
                       const grpc::Status status = stubs[static_cast<size_t>(c)]->Export(
                           CallContext(120).get(), batch.request(), &response);
                       const int64_t ns = Nanos(sent);
                       const Clock::time_point done = Clock::now();
                       const bool good =
                           status.ok() && response.partial_success().rejected_spans() == 0;
                       if (!good) {
                         ++t->failed;
                         if (t->first_error.empty()) {
                           t->first_error = status.ok() ? response.partial_success().error_message()
                                                        : status.error_message();
                         }
                         continue;
                       }
                       if (done >= from && done < to) {
                         ++t->calls;
                         t->operations += static_cast<int64_t>(batch.size());
                         t->latencies_ns.push_back(ns);
                       }
                     }
                   });
  if (run.failed > 0) *ok = false;
  return run;
}

Run IngestPostgres(const Setup& s, const Subjects& subjects, const Register& r, PGconn* admin,
                   bool* ok) {
  const Options& o = s.options;
  std::vector<PgConn> conns;
  for (int c = 0; c < o.clients; ++c) {
    absl::StatusOr<PgConn> conn = PgConnect(o.pg);
    if (!conn.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, conn.status().ToString().c_str());
      *ok = false;
      return Run();
    }
    conns.push_back(*std::move(conn));
  }
  Run run = Closed(o.clients, o.warmup, o.seconds, [&] { return PgCpuSeconds(admin); },
                   [&](int c, Tally* t, Clock::time_point from, Clock::time_point to) {
                     PGconn* conn = conns[static_cast<size_t>(c)].get();
                     const std::string app = ApplicationName(c);
                     CopyBuffer buffer;
                     // Another number space than catalogd's exporters.
                     int64_t k = 0;
                     while (Clock::now() < to) {
                       const int64_t now_us = NowMicros();
                       buffer.Clear();
                       for (int j = 0; j < o.spans; ++j) {
                         buffer.Row(IngestOp(c + 128, k++, now_us, subjects, o.activities),
                                    subjects, r, app, now_us);
                       }
                       const Clock::time_point sent = Clock::now();
                       const absl::Status st = PgCopy(conn, buffer.Finish());
                       const int64_t ns = Nanos(sent);
                       const Clock::time_point done = Clock::now();
                       if (!st.ok()) {
                         ++t->failed;
                         if (t->first_error.empty()) t->first_error = std::string(st.message());
                         continue;
                       }
                       if (done >= from && done < to) {
                         ++t->calls;
                         t->operations += o.spans;
                         t->latencies_ns.push_back(ns);
                       }
                     }
                   });
  if (run.failed > 0) *ok = false;
  return run;
}

// The server's core in this process on `data_dir` (the ingest store, the
// server stopped): the same requests through FromOtlp and
// ProcessingLog::Export with synced writes, no gRPC and no TLS.
Run CoreFloor(const Setup& s, const std::string& data_dir, const Subjects& subjects,
              const Register& r, bool* ok) {
  const Options& o = s.options;
  storage::StoreOptions so;
  so.path = data_dir;
  so.sync_writes = true;
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store = storage::CatalogStore::Open(so);
  if (!store.ok()) {
    std::fprintf(stderr, "%s: core floor: %s\n", kProgram, store.status().ToString().c_str());
    *ok = false;
    return Run();
  }
  server::ProcessingLog log(store->get(), std::make_shared<server::SubjectKey>(*s.key),
                            server::ProcessingLogLimits());
  Run run = Closed(o.clients, std::min(o.warmup, 2.0), o.floor_seconds, [] { return 0.0; },
                   [&](int c, Tally* t, Clock::time_point from, Clock::time_point to) {
                     SpanBatch batch(o.spans, ApplicationName(c));
                     int64_t k = int64_t{1} << 32;  // Past what the exporters sent.
                     while (Clock::now() < to) {
                       const int64_t now_us = NowMicros();
                       for (size_t j = 0; j < batch.size(); ++j) {
                         batch.Set(j, IngestOp(c, k++, now_us, subjects, o.activities), subjects, r);
                       }
                       const Clock::time_point sent = Clock::now();
                       // What the OTLP handler does, without the transport.
                       server::Caller caller;
                       caller.principal = "application";
                       caller.method = kOtlpExport;
                       caller.request_id = absl::StrCat("core-floor-", c, "-", k);
                       server::OtlpOperations ops = server::FromOtlp(batch.request());
                       absl::StatusOr<server::ExportResult> result = log.Export(
                           std::move(ops.inputs), false,
                           [&ops](size_t i) { return ops.paths[i]; }, caller);
                       const int64_t ns = Nanos(sent);
                       const Clock::time_point done = Clock::now();
                       if (!result.ok() || !result->rejected.empty()) {
                         ++t->failed;
                         if (t->first_error.empty()) {
                           t->first_error = result.ok()
                                                ? std::string(result->rejected.front().second.message())
                                                : std::string(result.status().message());
                         }
                         continue;
                       }
                       if (done >= from && done < to) {
                         ++t->calls;
                         t->operations += static_cast<int64_t>(batch.size());
                         t->latencies_ns.push_back(ns);
                       }
                     }
                   });
  run.server_cpu = run.client_cpu;  // One process: the core is the server.
  if (absl::Status closed = (*store)->Close(); !closed.ok()) *ok = false;
  if (run.failed > 0) *ok = false;
  return run;
}

// Raw RocksDB on a fresh database in `dir`: `writers` threads of synced
// WriteBatches, each `ops` operations of the log's shape (record of
// `record_bytes`, subject, activity and trace index entries, one day-count
// merge), or with `ops` == 0 a single 8-byte entry (syncs alone). With
// several writers RocksDB groups their batches itself (one WAL sync per
// group, memtable inserts in parallel); one writer of C x S operations per
// batch is what the store's Committer does (one thread builds and writes
// each group).
Run RocksFloor(const Options& o, const std::string& dir, size_t record_bytes, int writers, int ops,
               bool* ok) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.merge_operator = storage::NewCounterMergeOperator();
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened = rocksdb::DB::Open(options, dir, &raw);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s: rocksdb floor: %s\n", kProgram, opened.ToString().c_str());
    *ok = false;
    return Run();
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string record(record_bytes, 'r');
  Run run = Closed(writers, 1, o.floor_seconds, [] { return 0.0; },
                   [&](int c, Tally* t, Clock::time_point from, Clock::time_point to) {
                     rocksdb::WriteOptions write;
                     write.sync = true;
                     uint64_t k = static_cast<uint64_t>(c + 1) << 40;
                     std::string day_value(8, '\0');
                     const std::string activity_prefix =
                         std::string("\x03verwerking-1") + std::string(10, '\0');
                     day_value[7] = static_cast<char>(ops & 0xff);
                     while (Clock::now() < to) {
                       rocksdb::WriteBatch batch;
                       char id[32];
                       for (int j = 0; j < std::max(ops, 1); ++j, ++k) {
                         PutBigEndian(static_cast<uint64_t>(NowMicros()), id);
                         PutBigEndian(SplitMix64(k), id + 8);
                         PutBigEndian(k, id + 16);
                         PutBigEndian(SplitMix64(k) | 1, id + 24);
                         if (ops == 0) {
                           batch.Put(rocksdb::Slice(id + 16, 8), rocksdb::Slice(id, 8));
                           break;
                         }
                         const std::string op_id(id, 32);
                         char hash[32];
                         for (int h = 0; h < 4; ++h) PutBigEndian(SplitMix64(k * 4 + h), hash + 8 * h);
                         // Keys as key_codec.h lays them out (lengths alike).
                         batch.Put(std::string(1, '\x01') + op_id, record);
                         batch.Put(std::string(1, '\x02') + std::string(hash, 32) + op_id, "");
                         batch.Put(activity_prefix + op_id, "");
                         batch.Put(std::string(1, '\x04') + op_id.substr(8), op_id.substr(0, 8));
                       }
                       if (ops > 0) batch.Merge("\x05verwerking-1-day", day_value);
                       const Clock::time_point sent = Clock::now();
                       const rocksdb::Status st = db->Write(write, &batch);
                       const int64_t ns = Nanos(sent);
                       const Clock::time_point done = Clock::now();
                       if (!st.ok()) {
                         ++t->failed;
                         if (t->first_error.empty()) t->first_error = st.ToString();
                         continue;
                       }
                       if (done >= from && done < to) {
                         ++t->calls;
                         t->operations += std::max(ops, 1);
                         t->latencies_ns.push_back(ns);
                       }
                     }
                   });
  db.reset();
  rocksdb::DestroyDB(dir, options);
  if (run.failed > 0) *ok = false;
  return run;
}

// The serialized size of a typical stored operation.
size_t RecordBytes(const Subjects& subjects, const Register& r) {
  const Op op = IngestOp(0, 12345, NowMicros(), subjects, 1);
  v1::ProcessingOperation p;
  p.set_trace_id(op.trace_id, 16);
  p.set_span_id(op.span_id, 8);
  p.set_name(r.operation_names[0]);
  p.mutable_start_time()->set_seconds(op.start_us / 1000000);
  p.mutable_start_time()->set_nanos(123456000);
  p.mutable_end_time()->set_seconds(op.end_us / 1000000);
  p.mutable_end_time()->set_nanos(654321000);
  p.set_status(v1::OPERATION_STATUS_OK);
  p.set_activity(r.activities[0].version_name());
  p.set_data_subject_id_type(kIdType);
  p.set_data_subject_hash(std::string(subjects.Hash(0)));
  p.set_application(ApplicationName(0));
  p.set_application_version("1.4.2");
  p.set_confidentiality(v1::CONFIDENTIALITY_VERTROUWELIJK);
  p.set_exporter("application");
  *p.mutable_receive_time() = p.end_time();
  return p.ByteSizeLong();
}

// ---- inzage ------------------------------------------------------------------

// Writes operations [from, to) of the inzage log straight into the store in
// `data_dir` through the server's core (sync_writes off).
absl::Status LoadLog(const Setup& s, const std::string& data_dir, int64_t from, int64_t to,
                     int64_t base_us, const LogLayout& layout, const Subjects& subjects,
                     const Register& r) {
  storage::StoreOptions so;
  so.path = data_dir;
  so.sync_writes = false;  // The load is not measured.
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store = storage::CatalogStore::Open(so);
  if (!store.ok()) return store.status();
  server::ProcessingLog log(store->get(), std::make_shared<server::SubjectKey>(*s.key),
                            server::ProcessingLogLimits());
  std::atomic<int64_t> next{from};
  std::mutex mutex;
  absl::Status failure;
  std::vector<std::thread> threads;
  for (int t = 0; t < kLoadThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<SpanBatch> batch;
      for (;;) {
        const int64_t first = next.fetch_add(kLoadBatch);
        if (first >= to) return;
        const int64_t end = std::min(to, first + kLoadBatch);
        if (batch == nullptr || static_cast<int64_t>(batch->size()) != end - first) {
          batch = std::make_unique<SpanBatch>(static_cast<int>(end - first), ApplicationName(t));
        }
        for (int64_t i = first; i < end; ++i) {
          batch->Set(static_cast<size_t>(i - first),
                     LogOp(i, s.options.operations, base_us, layout, s.options.activities), subjects,
                     r);
        }
        server::Caller caller;
        caller.principal = "application";
        caller.method = kOtlpExport;
        caller.request_id = absl::StrCat("load-", first);
        server::OtlpOperations ops = server::FromOtlp(batch->request());
        absl::StatusOr<server::ExportResult> result = log.Export(
            std::move(ops.inputs), false, [&ops](size_t i) { return ops.paths[i]; }, caller);
        absl::Status st = result.status();
        if (st.ok() && (!result->rejected.empty() || result->stored != end - first)) {
          st = absl::InternalError(absl::StrCat(
              "load: ", result->stored, " of ", end - first, " stored",
              result->rejected.empty() ? std::string()
                                       : absl::StrCat("; ", result->rejected.front().second.message())));
        }
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(mutex);
          if (failure.ok()) failure = st;
          next = to;
          return;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  absl::Status closed = (*store)->Close();
  if (!failure.ok()) return failure;
  return closed;
}

// The same N rows into PostgreSQL: COPY (binary) without keys, then the
// primary key and the indexes, VACUUM ANALYZE. Not measured.
absl::Status LoadPostgres(const Setup& s, PGconn* admin, int64_t base_us, const LogLayout& layout,
                          const Subjects& subjects, const Register& r) {
  if (absl::Status st = PgExec(admin, "DROP TABLE IF EXISTS operations"); !st.ok()) return st;
  if (absl::Status st = PgExec(admin, PgCreateTable(false)); !st.ok()) return st;
  constexpr int64_t kChunk = 100000;
  std::atomic<int64_t> next{0};
  std::mutex mutex;
  absl::Status failure;
  std::vector<std::thread> threads;
  const int64_t receive_us = NowMicros();
  for (int t = 0; t < kLoadThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<PgConn> conn = PgConnect(s.options.pg);
      absl::Status st = conn.status();
      CopyBuffer buffer;
      while (st.ok()) {
        const int64_t first = next.fetch_add(kChunk);
        if (first >= s.options.operations) break;
        const int64_t end = std::min(s.options.operations, first + kChunk);
        buffer.Clear();
        for (int64_t i = first; i < end; ++i) {
          buffer.Row(LogOp(i, s.options.operations, base_us, layout, s.options.activities),
                     subjects, r, ApplicationName(static_cast<int>(i / kLoadBatch % kLoadThreads)),
                     receive_us);
        }
        st = PgCopy(conn->get(), buffer.Finish());
      }
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mutex);
        if (failure.ok()) failure = st;
        next = s.options.operations;
      }
      (void)t;
    });
  }
  for (std::thread& t : threads) t.join();
  if (!failure.ok()) return failure;
  if (absl::Status st = PgExec(admin, "SET maintenance_work_mem = '1GB'"); !st.ok()) return st;
  if (absl::Status st = PgExec(admin, kPgKeys); !st.ok()) return st;
  return PgExec(admin, "VACUUM ANALYZE operations");
}

struct Queries {
  Run run;
  int64_t wrong = 0;  // Answers without the expected operations.
  int64_t operations = 0;
};

// Q queries from `clients` threads, query q for the subject of operation
// SplitMix64(seed + q) % stored (so it has operations). `query(client,
// subject)` returns the operations the answer lists; an answer is right when
// that is the subject's number of operations (at most a page, 100).
Queries RunQueries(int clients, int64_t total, int64_t stored, uint64_t seed,
                   const LogLayout& layout, const std::function<double()>& server_cpu,
                   const std::function<absl::StatusOr<int64_t>(int, int64_t)>& query) {
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> wrong{0}, returned{0};
  const double cpu0 = server_cpu(), client0 = ProcessCpuSeconds();
  const Clock::time_point start = Clock::now();
  std::vector<Tally> tallies(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Tally& t = tallies[static_cast<size_t>(c)];
      for (int64_t q; (q = next.fetch_add(1)) < total;) {
        const int64_t i = static_cast<int64_t>(SplitMix64(seed + static_cast<uint64_t>(q)) %
                                               static_cast<uint64_t>(stored));
        const int64_t subject = layout.SubjectOf(i);
        const Clock::time_point sent = Clock::now();
        const absl::StatusOr<int64_t> listed = query(c, subject);
        t.latencies_ns.push_back(Nanos(sent));
        if (!listed.ok()) {
          ++t.failed;
          if (t.first_error.empty()) t.first_error = std::string(listed.status().message());
          continue;
        }
        if (*listed != std::min<int64_t>(100, layout.CountOf(subject, stored))) ++wrong;
        returned += *listed;
        ++t.calls;
        ++t.operations;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  Queries out;
  out.run.seconds = SecondsSince(start);
  out.run.server_cpu = server_cpu() - cpu0;
  out.run.client_cpu = ProcessCpuSeconds() - client0;
  Absorb(tallies, &out.run);
  out.wrong = wrong;
  out.operations = returned;
  return out;
}

// GetSubjectAccount (principal privacy, default page) from `clients`
// clients, one connection each.
Queries QueryCatalogd(const Setup& s, const ServerProcess& server, int clients, int64_t stored,
                      uint64_t seed, const LogLayout& layout, const Subjects& subjects, bool* ok,
                      int64_t total = 0) {
  std::vector<std::unique_ptr<v1::AccountabilityService::Stub>> stubs;
  for (int c = 0; c < clients; ++c) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        Channel(s, server.address(), "privacy", c);
    if (!channel.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, channel.status().ToString().c_str());
      *ok = false;
      return Queries();
    }
    stubs.push_back(v1::AccountabilityService::NewStub(*channel));
  }
  Queries out = RunQueries(
      clients, total > 0 ? total : s.options.queries, stored, seed, layout,
      [&] { return server.CpuSeconds(); },
      [&](int c, int64_t subject) -> absl::StatusOr<int64_t> {
        v1::GetSubjectAccountRequest request;
        request.set_data_subject_id(subjects.Bsn(subject));
        request.set_data_subject_id_type(kIdType);
        v1::SubjectAccount account;
        const grpc::Status status = stubs[static_cast<size_t>(c)]->GetSubjectAccount(
            CallContext(60).get(), request, &account);
        if (!status.ok()) return FromGrpc(status, "GetSubjectAccount");
        int64_t listed = 0;
        for (const v1::ActivityAccount& a : account.activities()) listed += a.operations_size();
        // A count that disagrees with the list, or hidden operations: wrong.
        if (account.operation_count() != listed || account.hidden_operations() != 0) return -1;
        return listed;
      });
  if (out.run.failed > 0 || out.wrong > 0) *ok = false;
  return out;
}

constexpr char kPgSubjectQuery[] =
    "SELECT trace_id, span_id, start_time, end_time, name, status, activity, "
    "data_subject_id_type, application, application_version, confidentiality, exporter, "
    "receive_time FROM operations WHERE data_subject_hash = $1 ORDER BY start_time LIMIT 100";

// The same subject query as a prepared statement (the hash as a binary
// parameter), from `clients` connections.
Queries QueryPostgres(const Setup& s, PGconn* admin, int clients, int64_t stored, uint64_t seed,
                      const LogLayout& layout, const Subjects& subjects, bool* ok) {
  std::vector<PgConn> conns;
  for (int c = 0; c < clients; ++c) {
    absl::StatusOr<PgConn> conn = PgConnect(s.options.pg);
    if (!conn.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, conn.status().ToString().c_str());
      *ok = false;
      return Queries();
    }
    const Oid bytea = 17;
    PGresult* r = PQprepare(conn->get(), "subject", kPgSubjectQuery, 1, &bytea);
    const bool prepared = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!prepared) {
      std::fprintf(stderr, "%s: PREPARE: %s\n", kProgram, PQerrorMessage(conn->get()));
      *ok = false;
      return Queries();
    }
    conns.push_back(*std::move(conn));
  }
  Queries out = RunQueries(
      clients, s.options.queries, stored, seed, layout, [&] { return PgCpuSeconds(admin); },
      [&](int c, int64_t subject) -> absl::StatusOr<int64_t> {
        PGconn* conn = conns[static_cast<size_t>(c)].get();
        const std::string_view hash = subjects.Hash(subject);
        const char* values[1] = {hash.data()};
        const int lengths[1] = {static_cast<int>(hash.size())};
        const int formats[1] = {1};
        PGresult* r = PQexecPrepared(conn, "subject", 1, values, lengths, formats, 0);
        absl::StatusOr<int64_t> rows = PQntuples(r);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
          rows = absl::InternalError(absl::StrCat("PostgreSQL: ", PQerrorMessage(conn)));
        }
        PQclear(r);
        return rows;
      });
  if (out.run.failed > 0 || out.wrong > 0) *ok = false;
  return out;
}

// ---- reporting ---------------------------------------------------------------

struct Latency {
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
};

Latency LatencyOf(std::vector<int64_t> ns) {
  Latency l;
  l.p50_us = QuantileMicros(ns, 0.5);
  l.p99_us = QuantileMicros(ns, 0.99);
  l.p999_us = QuantileMicros(ns, 0.999);
  l.max_us = QuantileMicros(ns, 1.0);
  return l;
}

nlohmann::ordered_json RunJsonOf(const Run& run) {
  const Latency l = LatencyOf(run.latencies_ns);
  nlohmann::ordered_json j;
  j["operations"] = run.operations;
  j["calls"] = run.calls;
  j["failed"] = run.failed;
  j["seconds"] = Round(run.seconds, 100);
  j["per_second"] = Round(run.rate(), 1);
  j["p50_ms"] = Round(l.p50_us / 1000, 1000);
  j["p99_ms"] = Round(l.p99_us / 1000, 1000);
  j["p999_ms"] = Round(l.p999_us / 1000, 1000);
  j["max_ms"] = Round(l.max_us / 1000, 1000);
  j["server_cpu_us_per_op"] = Round(run.PerOperationUs(run.server_cpu), 100);
  j["client_cpu_us_per_op"] = Round(run.PerOperationUs(run.client_cpu), 100);
  if (!run.first_error.empty()) j["first_error"] = run.first_error;
  return j;
}

std::string Thousands(double v) {
  std::string digits = absl::StrFormat("%.0f", v);
  std::string out;
  const size_t sign = !digits.empty() && digits[0] == '-' ? 1 : 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > sign && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Ms(double us) { return absl::StrFormat(us < 10000 ? "%.2f" : "%.1f", us / 1000); }

std::string Mib(int64_t kb) { return absl::StrFormat("%.0f MiB", static_cast<double>(kb) / 1024); }

void PrintRun(const char* what, const Run& run) {
  const Latency l = LatencyOf(run.latencies_ns);
  std::printf("  %-44s %11s ops/s  p50 %7s ms  p99 %7s ms  CPU/op server %6.1f us, client %6.1f us%s\n",
              what, Thousands(run.rate()).c_str(), Ms(l.p50_us).c_str(), Ms(l.p99_us).c_str(),
              run.PerOperationUs(run.server_cpu), run.PerOperationUs(run.client_cpu),
              run.failed > 0 ? absl::StrCat("  FAILED ", run.failed, ": ", run.first_error).c_str()
                             : "");
  std::fflush(stdout);
}

void PrintQueries(const char* what, const Queries& q) {
  const Latency l = LatencyOf(q.run.latencies_ns);
  std::printf("  %-44s p50 %6s  p99 %6s  p999 %6s  max %6s ms  %8s q/s  %.1f ops/answer  "
              "CPU/query server %.0f us%s\n",
              what, Ms(l.p50_us).c_str(), Ms(l.p99_us).c_str(), Ms(l.p999_us).c_str(),
              Ms(l.max_us).c_str(), Thousands(q.run.rate()).c_str(),
              q.run.calls > 0 ? static_cast<double>(q.operations) / static_cast<double>(q.run.calls) : 0,
              q.run.PerOperationUs(q.run.server_cpu),
              q.run.failed + q.wrong > 0
                  ? absl::StrCat("  FAILED ", q.run.failed, " / wrong ", q.wrong, ": ",
                                 q.run.first_error).c_str()
                  : "");
  std::fflush(stdout);
}

nlohmann::ordered_json QueriesJson(const Queries& q) {
  nlohmann::ordered_json j = RunJsonOf(q.run);
  j.erase("operations");
  j["queries"] = q.run.calls;
  j["wrong_answers"] = q.wrong;
  j["operations_returned"] = q.operations;
  return j;
}

nlohmann::ordered_json MemoryJson(const Memory& m) {
  nlohmann::ordered_json j;
  j["rss_kb"] = m.rss_kb;
  j["hwm_kb"] = m.hwm_kb;
  j["anon_kb"] = m.anon_kb;
  j["file_kb"] = m.file_kb;
  return j;
}

int64_t DirectoryBytes(const std::string& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) total += static_cast<int64_t>(it->file_size(ec));
  }
  return total;
}

// What the block cache (256 MiB, shared, index and filter blocks included)
// and the memtables may hold of a store, read through a read-only open of
// `dir` (the server stopped): the SST files' data, index and filter bytes,
// and the memtables after replaying the WAL, as the server holds them after
// a start.
nlohmann::ordered_json StoreFacts(const std::string& dir) {
  nlohmann::ordered_json j;
  std::vector<std::string> names;
  rocksdb::Options options;
  if (!rocksdb::DB::ListColumnFamilies(options, dir, &names).ok()) return j;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    rocksdb::ColumnFamilyOptions cf;
    cf.merge_operator = storage::NewCounterMergeOperator();  // Replay only.
    descriptors.emplace_back(name, cf);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(options, dir, descriptors, &handles, &raw).ok()) return j;
  std::unique_ptr<rocksdb::DB> db(raw);
  uint64_t data = 0, index = 0, filter = 0, files = 0, memtables = 0;
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    rocksdb::TablePropertiesCollection tables;
    if (db->GetPropertiesOfAllTables(h, &tables).ok()) {
      for (const auto& [file, props] : tables) {
        ++files;
        data += props->data_size;
        index += props->index_size;
        filter += props->filter_size;
      }
    }
    uint64_t m = 0;
    if (db->GetIntProperty(h, rocksdb::DB::Properties::kSizeAllMemTables, &m)) memtables += m;
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  j["sst_files"] = files;
  j["sst_data_bytes"] = data;
  j["index_bytes"] = index;
  j["filter_bytes"] = filter;
  j["memtable_bytes_after_replay"] = memtables;
  return j;
}

std::string StoreFactsLine(const nlohmann::ordered_json& j) {
  if (!j.contains("sst_files")) return "(could not be opened read-only)";
  auto mib = [&](const char* key) {
    return absl::StrFormat("%.0f MiB", j[key].get<double>() / (1 << 20));
  };
  return absl::StrCat(j["sst_files"].get<uint64_t>(), " SST files, data ", mib("sst_data_bytes"),
                      " (compressed), index ", mib("index_bytes"), ", filters ",
                      mib("filter_bytes"), "; memtables after WAL replay ",
                      mib("memtable_bytes_after_replay"));
}

// ---- the phases ----------------------------------------------------------------

struct Results {
  nlohmann::ordered_json json;
  // Headlines.
  Run ingest, pg_ingest;
  bool have_pg_ingest = false;
  Queries inzage1, inzage_k, pg1, pg_k;
  bool have_inzage = false, have_pg_inzage = false;
  std::vector<std::pair<int64_t, Memory>> rss;         // After the warm-up.
  std::vector<std::pair<int64_t, Memory>> rss_soaked;  // After the soak queries.
};

// catalogd on a fresh `data_dir` with the run's register created in it
// (`*r`); null after saying why on stderr.
std::unique_ptr<ServerProcess> StartWithRegister(const Setup& s, const std::string& data_dir,
                                                 Register* r) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = StartServer(s, data_dir);
  if (!server.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, server.status().ToString().c_str());
    return nullptr;
  }
  absl::StatusOr<Register> created = CreateRegister(s, (*server)->address());
  if (!created.ok()) {
    std::fprintf(stderr, "%s: register: %s\n", kProgram, created.status().ToString().c_str());
    return nullptr;
  }
  *r = *std::move(created);
  return *std::move(server);
}

bool IngestPhase(const Setup& s, const Subjects& subjects, PGconn* admin, Results* out) {
  const Options& o = s.options;
  bool ok = true;
  const std::string data = s.work + "/ingest";
  Register r;
  std::unique_ptr<ServerProcess> server = StartWithRegister(s, data, &r);
  if (server == nullptr) return false;
  std::printf("\ningest: %d exporters x %d spans per Export, %.0f s after %.0f s warm-up "
              "(catalogd pid %d on %s, started in %.1f s)\n",
              o.clients, o.spans, o.seconds, o.warmup, server->pid(),
              server->address().c_str(), server->start_seconds());
  std::fflush(stdout);
  nlohmann::ordered_json& j = out->json["ingest"];
  j["clients"] = o.clients;
  j["spans_per_call"] = o.spans;
  out->ingest = IngestCatalogd(s, *server, subjects, r, &ok);
  PrintRun("catalogd OTLP Export (mTLS, synced)", out->ingest);
  j["catalogd"] = RunJsonOf(out->ingest);
  j["catalogd"]["rss_after"] = MemoryJson(server->memory());
  if (absl::Status st = server->Stop(); !st.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, st.ToString().c_str());
    ok = false;
  }
  server.reset();

  if (admin != nullptr) {
    if (absl::Status st = PgExec(admin, "DROP TABLE IF EXISTS operations");
        !st.ok() || !(st = PgExec(admin, PgCreateTable(true))).ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, st.ToString().c_str());
      return false;
    }
    out->pg_ingest = IngestPostgres(s, subjects, r, admin, &ok);
    out->have_pg_ingest = true;
    PrintRun("PostgreSQL COPY binary, 1 txn per batch", out->pg_ingest);
    j["postgres"] = RunJsonOf(out->pg_ingest);
    j["postgres"]["settings"] =
        absl::StrCat("synchronous_commit=", PgValue(admin, "SHOW synchronous_commit"),
                     " fsync=", PgValue(admin, "SHOW fsync"),
                     " wal_sync_method=", PgValue(admin, "SHOW wal_sync_method"),
                     " ssl=", PgValue(admin, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    j["postgres"]["version"] = PgValue(admin, "SHOW server_version");
    const double ratio = out->pg_ingest.rate() > 0 ? out->ingest.rate() / out->pg_ingest.rate() : 0;
    j["ratio_catalogd_postgres"] = Round(ratio, 100);
    std::printf("  ratio catalogd / PostgreSQL: %.2f\n", ratio);
    PgExec(admin, "DROP TABLE IF EXISTS operations").IgnoreError();
  }

  if (o.floors) {
    std::printf("floors (what bounds the ingest rate; %.0f s each):\n", o.floor_seconds);
    std::fflush(stdout);
    const Run core = CoreFloor(s, data, subjects, r, &ok);
    PrintRun("core in process (FromOtlp+Export, synced)", core);
    const size_t record = RecordBytes(subjects, r);
    const Run rocks = RocksFloor(o, s.work + "/rocks-floor", record, o.clients, o.spans, &ok);
    PrintRun(absl::StrCat("raw RocksDB, ", o.clients, " writers x ", o.spans, " ops, synced").c_str(),
             rocks);
    const Run single = RocksFloor(o, s.work + "/rocks-floor", record, 1, o.clients * o.spans, &ok);
    PrintRun(absl::StrCat("raw RocksDB, 1 writer x ", o.clients * o.spans, " ops, synced").c_str(),
             single);
    const Run syncs = RocksFloor(o, s.work + "/rocks-floor", record, o.clients, 0, &ok);
    PrintRun(absl::StrCat("raw RocksDB, ", o.clients, " writers x 1 entry, synced").c_str(), syncs);
    std::printf("  (floors: CPU/op \"server\" is this whole process; record %zu bytes; "
                "synced writes of the raw batches: %s/s)\n",
                record, Thousands(static_cast<double>(syncs.calls) / syncs.seconds).c_str());
    j["floors"]["core_in_process"] = RunJsonOf(core);
    j["floors"]["rocksdb_same_bytes"] = RunJsonOf(rocks);
    j["floors"]["rocksdb_one_writer_group_batches"] = RunJsonOf(single);
    j["floors"]["rocksdb_syncs_only"] = RunJsonOf(syncs);
    j["floors"]["record_bytes"] = record;
  }
  j["store_bytes"] = DirectoryBytes(data);
  std::error_code ec;
  std::filesystem::remove_all(data, ec);
  return ok;
}

bool InzagePhase(const Setup& s, const Subjects& subjects, PGconn* admin,
                 const std::vector<int64_t>& checkpoints, Results* out) {
  const Options& o = s.options;
  bool ok = true;
  const std::string data = s.work + "/log";
  const LogLayout layout(o.operations, o.per_subject, o.seed);
  nlohmann::ordered_json& j = out->json["inzage"];
  j["operations"] = o.operations;
  j["subjects"] = layout.subjects();
  j["per_subject"] = o.per_subject;
  j["queries"] = o.queries;
  Register r;
  {
    std::unique_ptr<ServerProcess> server = StartWithRegister(s, data, &r);
    if (server == nullptr || !server->Stop().ok()) return false;
  }
  std::printf("\ninzage: %s operations of %s subjects (%d each), %d queries per measurement\n",
              Thousands(static_cast<double>(o.operations)).c_str(),
              Thousands(static_cast<double>(layout.subjects())).c_str(), o.per_subject, o.queries);
  std::fflush(stdout);
  const int64_t base_us = absl::ToUnixMicros(absl::Now() - kLogSpan);
  int64_t stored = 0;
  for (int64_t checkpoint : checkpoints) {
    const Clock::time_point load_start = Clock::now();
    if (absl::Status st = LoadLog(s, data, stored, checkpoint, base_us, layout, subjects, r);
        !st.ok()) {
      std::fprintf(stderr, "%s: load: %s\n", kProgram, st.ToString().c_str());
      return false;
    }
    const double load_seconds = SecondsSince(load_start);
    nlohmann::ordered_json cj;
    cj["stored"] = checkpoint;
    cj["load_seconds"] = Round(load_seconds, 10);
    cj["load_per_second"] = Round(static_cast<double>(checkpoint - stored) / load_seconds, 1);
    stored = checkpoint;
    const bool last = checkpoint == checkpoints.back();
    if (last && admin != nullptr) {
      const Clock::time_point pg_start = Clock::now();
      if (absl::Status st = LoadPostgres(s, admin, base_us, layout, subjects, r); !st.ok()) {
        std::fprintf(stderr, "%s: PostgreSQL load: %s\n", kProgram, st.ToString().c_str());
        return false;
      }
      j["postgres_load_seconds"] = Round(SecondsSince(pg_start), 10);
      j["postgres_size"] = PgValue(admin, "SELECT pg_size_pretty(pg_total_relation_size('operations'))");
      std::printf("  PostgreSQL: %s rows loaded (COPY, keys, VACUUM ANALYZE) in %.0f s, %s\n",
                  Thousands(static_cast<double>(o.operations)).c_str(),
                  j["postgres_load_seconds"].get<double>(),
                  j["postgres_size"].get<std::string>().c_str());
    }
    absl::StatusOr<std::unique_ptr<ServerProcess>> server = StartServer(s, data);
    if (!server.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, server.status().ToString().c_str());
      return false;
    }
    const double idle = (*server)->WaitForIdle(o.idle_max);
    const Memory at_start = (*server)->memory();
    const Queries warm = QueryCatalogd(s, **server, 1, stored, o.seed * 7919 + 1, layout, subjects, &ok);
    const Memory memory = (*server)->memory();
    out->rss.emplace_back(stored, memory);
    const int64_t store_bytes = DirectoryBytes(data);
    std::printf("  %s stored (loaded in %.0f s): catalogd started in %.1f s, idle after %.0f s; "
                "RSS before / after warm-up %s / %s (anon %s, peak %s); store %.2f GB\n",
                Thousands(static_cast<double>(stored)).c_str(), load_seconds,
                (*server)->start_seconds(), idle, Mib(at_start.rss_kb).c_str(),
                Mib(memory.rss_kb).c_str(),
                Mib(memory.anon_kb).c_str(), Mib(memory.hwm_kb).c_str(),
                static_cast<double>(store_bytes) / 1e9);
    std::fflush(stdout);
    cj["start_seconds"] = Round((*server)->start_seconds(), 100);
    cj["idle_wait_seconds"] = Round(idle, 10);
    cj["store_bytes"] = store_bytes;
    cj["warmup"] = QueriesJson(warm);
    cj["memory_before_warmup"] = MemoryJson(at_start);
    cj["memory_after_warmup"] = MemoryJson(memory);
    const Queries one = QueryCatalogd(s, **server, 1, stored, o.seed, layout, subjects, &ok);
    PrintQueries("catalogd GetSubjectAccount, 1 client", one);
    cj["catalogd_1"] = QueriesJson(one);
    if (last) {
      out->have_inzage = true;
      out->inzage1 = one;
      if (admin != nullptr) {
        QueryPostgres(s, admin, 1, stored, o.seed * 7919 + 1, layout, subjects, &ok);  // Warm-up.
        out->pg1 = QueryPostgres(s, admin, 1, stored, o.seed, layout, subjects, &ok);
        PrintQueries("PostgreSQL prepared SELECT, 1 connection", out->pg1);
        j["postgres_1"] = QueriesJson(out->pg1);
      }
      out->inzage_k = QueryCatalogd(s, **server, o.query_clients, stored, o.seed + 1, layout,
                                    subjects, &ok);
      PrintQueries(absl::StrCat("catalogd GetSubjectAccount, ", o.query_clients, " clients").c_str(),
                   out->inzage_k);
      j["catalogd_k"] = QueriesJson(out->inzage_k);
      if (admin != nullptr) {
        out->have_pg_inzage = true;
        out->pg_k = QueryPostgres(s, admin, o.query_clients, stored, o.seed + 1, layout, subjects, &ok);
        PrintQueries(absl::StrCat("PostgreSQL prepared SELECT, ", o.query_clients, " connections").c_str(),
                     out->pg_k);
        j["postgres_k"] = QueriesJson(out->pg_k);
      }
      cj["memory_after_measurements"] = MemoryJson((*server)->memory());
    }
    if (o.soak_queries > 0) {
      // Is the RSS bounded? Many more queries touch many more blocks.
      const Queries soak = QueryCatalogd(s, **server, o.query_clients, stored, o.seed + 2, layout,
                                         subjects, &ok, o.soak_queries);
      const Memory after = (*server)->memory();
      out->rss_soaked.emplace_back(stored, after);
      std::printf("  after %s more queries (%d clients, p99 %s ms): RSS %s (anon %s, peak %s)\n",
                  Thousands(static_cast<double>(o.soak_queries)).c_str(), o.query_clients,
                  Ms(LatencyOf(soak.run.latencies_ns).p99_us).c_str(), Mib(after.rss_kb).c_str(),
                  Mib(after.anon_kb).c_str(), Mib(after.hwm_kb).c_str());
      cj["soak"] = QueriesJson(soak);
      cj["memory_after_soak"] = MemoryJson(after);
    }
    if (absl::Status st = (*server)->Stop(); !st.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, st.ToString().c_str());
      ok = false;
    }
    cj["store"] = StoreFacts(data);
    std::printf("  the store: %s\n", StoreFactsLine(cj["store"]).c_str());
    std::fflush(stdout);
    j["checkpoints"].push_back(cj);
  }
  return ok;
}

std::string Verdict(bool measured, bool met) {
  return !measured ? "not measured" : met ? "**met**" : "**not met**";
}

// The table of headlines; returns whether every measured target was met.
bool PrintSummary(const Options& o, Results* res) {
  nlohmann::ordered_json& t = res->json["targets"];
  bool all = true;
  std::printf("\n| measure | value | reference | ratio | target | result |\n");
  std::printf("|---|---|---|---|---|---|\n");
  if (res->ingest.operations > 0) {
    const Latency l = LatencyOf(res->ingest.latencies_ns);
    const double rate = res->ingest.rate();
    const double pg = res->pg_ingest.rate();
    const bool rate_met = rate >= 50000;
    const bool ratio_met = res->have_pg_ingest && pg > 0 && rate >= pg;
    std::printf("| OTLP ingest, %d exporters x %d spans, durable | %s ops/s (Export p50 %s / p99 %s ms) | "
                "%s | %s | >= 50,000/s; >= 1 x PostgreSQL | %s; %s |\n",
                o.clients, o.spans, Thousands(rate).c_str(), Ms(l.p50_us).c_str(),
                Ms(l.p99_us).c_str(),
                res->have_pg_ingest ? absl::StrCat("PostgreSQL ", Thousands(pg), " rows/s").c_str() : "-",
                res->have_pg_ingest && pg > 0 ? absl::StrFormat("%.2f", rate / pg).c_str() : "-",
                Verdict(true, rate_met).c_str(), Verdict(res->have_pg_ingest, ratio_met).c_str());
    t["ingest_50k_per_s"] = rate_met;
    all = all && rate_met;
    if (res->have_pg_ingest) {
      t["ingest_vs_postgres"] = ratio_met;
      all = all && ratio_met;
    }
  }
  if (res->have_inzage) {
    for (auto [what, cat, pg] :
         {std::tuple<std::string, const Queries*, const Queries*>{"1 client", &res->inzage1, &res->pg1},
          {absl::StrCat(o.query_clients, " clients"), &res->inzage_k, &res->pg_k}}) {
      const Latency l = LatencyOf(cat->run.latencies_ns);
      const Latency p = LatencyOf(pg->run.latencies_ns);
      const bool met = l.p99_us <= 10000;
      std::printf("| Inzage GetSubjectAccount p99, %s ops, %s | %s ms (p50 %s, p999 %s) | %s | %s | "
                  "<= 10 ms | %s |\n",
                  Thousands(static_cast<double>(o.operations)).c_str(), what.c_str(),
                  Ms(l.p99_us).c_str(), Ms(l.p50_us).c_str(), Ms(l.p999_us).c_str(),
                  res->have_pg_inzage ? absl::StrCat("PostgreSQL p99 ", Ms(p.p99_us), " ms (p50 ",
                                                     Ms(p.p50_us), ")").c_str()
                                      : "-",
                  res->have_pg_inzage && l.p99_us > 0
                      ? absl::StrFormat("catalogd/PostgreSQL %.2f", l.p99_us / p.p99_us).c_str()
                      : "-",
                  Verdict(true, met).c_str());
      t[absl::StrCat("inzage_p99_10ms_", what)] = met;
      all = all && met;
    }
  }
  // Growth of the RSS from the first checkpoint to the last.
  auto rss_row = [&](const std::vector<std::pair<int64_t, Memory>>& rss, const std::string& what,
                     bool target) {
    std::vector<std::string> parts;
    for (const auto& [stored, m] : rss) {
      parts.push_back(absl::StrCat(Thousands(static_cast<double>(stored)), ": ", Mib(m.rss_kb)));
    }
    const double growth = static_cast<double>(rss.back().second.rss_kb) /
                          static_cast<double>(std::max<int64_t>(1, rss.front().second.rss_kb));
    const bool flat = growth <= kRssFlatFactor;
    std::printf("| catalogd RSS %s | %s | - | last/first %.2f | %s | %s |\n", what.c_str(),
                absl::StrJoin(parts, ", ").c_str(), growth,
                target ? absl::StrFormat("flat (<= %.1f x)", kRssFlatFactor).c_str() : "(diagnostic)",
                target ? Verdict(true, flat).c_str() : (flat ? "flat" : "grows"));
    return std::make_pair(flat, growth);
  };
  if (res->rss.size() >= 2) {
    const auto [flat, growth] = rss_row(res->rss, "after warm-up", true);
    t["rss_flat"] = flat;
    res->json["inzage"]["rss_growth"] = Round(growth, 100);
    all = all && flat;
  }
  if (res->rss_soaked.size() >= 2) {
    const auto [flat, growth] = rss_row(
        res->rss_soaked, absl::StrCat("after ", Thousands(static_cast<double>(o.soak_queries)),
                                      " more queries"),
        false);
    res->json["inzage"]["rss_growth_soaked"] = Round(growth, 100);
  }
  return all;
}

int Main(int argc, char** argv) {
  Options o;
  std::string error;
  std::vector<int64_t> checkpoints;
  if (!ParseArgs(argc, argv, &o, &error) || !Checkpoints(o, &checkpoints, &error)) {
    std::fprintf(stderr, "%s: %s\n\n%s", kProgram, error.c_str(), kUsage);
    return 2;
  }
  if (!CheckBenchCerts(o.certs, kProgram)) return 2;
  for (const char* f : {"application.pem", "application.key", "privacy.pem", "privacy.key"}) {
    if (!std::filesystem::exists(o.certs + "/" + f)) {
      std::fprintf(stderr, "%s: %s/%s not found (scripts/gen-dev-certs.sh)\n", kProgram,
                   o.certs.c_str(), f);
      return 2;
    }
  }
  if (o.catalogd.empty()) {
    o.catalogd = (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "catalogd").string();
  }
  if (access(o.catalogd.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "%s: %s is not an executable (--catalogd)\n", kProgram, o.catalogd.c_str());
    return 2;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("catalogd"));
  spdlog::set_level(spdlog::level::warn);

  const std::string load_start = LoadAverage();
  const std::string started_at = UtcNow();
  std::unique_ptr<testing::TempDir> temp;
  Setup s;
  s.options = o;
  if (o.work.empty()) {
    temp = std::make_unique<testing::TempDir>();
    s.work = temp->path();
  } else {
    s.work = o.work;
    std::filesystem::create_directories(s.work);
  }
  // The key apart from the data directories, readable by its owner only.
  s.key_file = s.work + "/subject.key";
  const std::string key = absl::StrFormat("%016x%016x%016x%016x", SplitMix64(o.seed + 11),
                                          SplitMix64(o.seed + 12), SplitMix64(o.seed + 13),
                                          SplitMix64(o.seed + 14));
  std::ofstream(s.key_file) << key;
  std::filesystem::permissions(s.key_file, std::filesystem::perms::owner_read |
                                               std::filesystem::perms::owner_write);
  s.key = std::make_unique<server::SubjectKey>(key);
  s.policy = s.work + "/policy.toml";
  s.log = s.work + "/catalogd.log";
  if (!WritePolicy(s.policy)) {
    std::fprintf(stderr, "%s: cannot write %s\n", kProgram, s.policy.c_str());
    return 1;
  }

  const std::string fs = FileSystemType(s.work);
  Results res;
  res.json = RunJson(kProgram, started_at, fs, load_start);
  std::printf("%s: catalogd %s; work %s (%s)\n", kProgram, o.catalogd.c_str(), s.work.c_str(),
              fs.c_str());
  std::printf("machine: %u CPUs, %s; load average %s\n", std::thread::hardware_concurrency(),
              CpuModel().c_str(), load_start.c_str());
  if (fs == "tmpfs") std::printf("WARNING: the working directory is on tmpfs: syncs cost nothing\n");

  const LogLayout layout(o.operations, o.per_subject, o.seed);
  const Clock::time_point pool_start = Clock::now();
  const Subjects subjects(layout.subjects(), *s.key);
  for (int64_t i : {int64_t{0}, subjects.size() / 2, subjects.size() - 1}) {
    if (!server::IsValidBsn(subjects.Bsn(i))) {
      std::fprintf(stderr, "%s: generated BSN %s fails the elfproef\n", kProgram,
                   subjects.Bsn(i).c_str());
      return 1;
    }
  }
  std::printf("subjects: %s valid BSNs (elfproef) and their keyed hashes in %.1f s\n",
              Thousands(static_cast<double>(subjects.size())).c_str(), SecondsSince(pool_start));
  std::fflush(stdout);

  PgConn admin(nullptr, PQfinish);
  if (!o.pg.empty()) {
    absl::StatusOr<PgConn> c = PgConnect(o.pg);
    if (!c.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, c.status().ToString().c_str());
      return 1;
    }
    admin = *std::move(c);
    std::printf("PostgreSQL %s (TLS: %s)\n", PgValue(admin.get(), "SHOW server_version").c_str(),
                PQsslInUse(admin.get()) ? "yes" : "no");
    res.json["postgres_tls"] = PQsslInUse(admin.get()) == 1;
  }

  bool ok = true;
  if (o.only != "inzage") ok = IngestPhase(s, subjects, admin.get(), &res) && ok;
  if (o.only != "ingest") ok = InzagePhase(s, subjects, admin.get(), checkpoints, &res) && ok;

  const bool all_met = PrintSummary(o, &res);
  const std::string load_end = LoadAverage();
  res.json["loadavg_end"] = load_end;
  PrintLoad(load_start, load_end);
  if (o.keep) std::printf("kept %s\n", s.work.c_str());
  if (o.keep && temp != nullptr) {
    // TempDir removes its directory; keep it by moving it aside.
    std::error_code ec;
    std::filesystem::rename(s.work, s.work + "-kept", ec);
    std::filesystem::create_directories(s.work, ec);
    std::printf("(moved to %s-kept)\n", s.work.c_str());
  }
  admin.reset();
  return FinishRun(res.json, all_met, ok);
}

}  // namespace
}  // namespace catalog::bench

int main(int argc, char** argv) { return catalog::bench::Main(argc, argv); }
