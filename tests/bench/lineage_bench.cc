// lineage_bench: downstream lineage traversal (GetLineage, depth 5) of
// catalogd over mutual TLS against the same traversal as a recursive CTE in
// PostgreSQL (docs/BENCHMARKS.md, /work/shared/design/performance.md:
// 1M datasets / 3M edges, p99 <= 20 ms and >= 20 x faster than PostgreSQL).
//
// Two phases, run by scripts/bench-lineage.sh with PostgreSQL between them:
//   load     generates N datasets with their edges and the external parties
//            (client/demo/landscape_generator.h) and writes them straight
//            into a CatalogStore in WORK/data through the storage API
//            (batches of 1000, sync_writes off: the load is not what is
//            measured), and the same graph as WORK/edges.csv (source,target
//            resource names) for PostgreSQL.
//   measure  starts catalogd in process on WORK/data (127.0.0.1 port 0,
//            mutual TLS, the benchmark policy: steward with clearance
//            zeer_geheim, so nothing is hidden), then from one client, one
//            call at a time, GetLineage(root, DOWNSTREAM, max_depth 5,
//            default budget and view) for a fixed set of roots from every
//            layer of the landscape (the basisregistraties included), in R
//            rounds. With --psql, each round also runs the same roots
//            through `psql` as a prepared recursive CTE (distinct nodes
//            with their least depth, at most as many as the node budget),
//            timed by psql's \timing; catalogd and PostgreSQL alternate
//            round by round. Roots the default budget truncates are
//            measured again with --large-budget on both sides.
// `--phase all` runs both without PostgreSQL (for development).
//
// Output: a table on stdout, then one line "BENCH_JSON {...}". Server logs
// go to stderr. Exit status 0 when every call succeeded and the node counts
// of catalogd and PostgreSQL agree for every root not truncated (targets
// met or not: see the table and the JSON), 1 otherwise, 2 for a bad command
// line.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "catalog/v1/lineage_service.grpc.pb.h"
#include "client/demo/landscape_generator.h"
#include "client/lib/connection.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/core/dataset_validation.h"
#include "server/transport/catalog_server.h"
#include "storage/catalog_store.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/store_loader.h"
#include "tests/support/test_support.h"

namespace catalog::bench {
namespace {

namespace v1 = ::catalog::v1;
namespace health = ::grpc::health::v1;
using Clock = std::chrono::steady_clock;

// The API's defaults (lineage_service.proto): max_depth 0 means 5, and
// node_budget 0 means 1000. The requests leave both at 0.
constexpr int kDepth = 5;
constexpr int kDefaultBudget = 1000;

// ---- command line ------------------------------------------------------------

struct Options {
  std::string certs;
  std::string work;
  std::string phase = "all";  // load | measure | all
  int64_t datasets = 1000000;
  uint64_t seed = 1;
  int roots = 200;
  int rounds = 5;
  int large_budget = 100000;
  // Command line of psql connected to the loaded database; empty: no
  // PostgreSQL reference.
  std::string psql;
};

constexpr char kUsage[] =
    "Usage: lineage_bench --work DIR [--phase load|measure|all] [--datasets N] [--seed S]\n"
    "                     [--certs DIR] [--roots R] [--rounds K] [--large-budget B]\n"
    "                     [--psql COMMAND]\n"
    "\n"
    "  --work DIR          working directory: DIR/data (the store), DIR/edges.csv,\n"
    "                      DIR/load.json; it must be on a real disk\n"
    "  --phase P           load: generate and store; measure: serve and measure;\n"
    "                      all: both, without PostgreSQL (default all)\n"
    "  --datasets N        datasets in the landscape (default 1000000)\n"
    "  --seed S            seed of the landscape (default 1)\n"
    "  --certs DIR         development PKI (scripts/gen-dev-certs.sh): ca.pem,\n"
    "                      server.pem/.key, steward.pem/.key (measure)\n"
    "  --roots R           traversal roots, from every layer (default 200)\n"
    "  --rounds K          measured rounds over all roots (default 5)\n"
    "  --large-budget B    node budget for the roots the default budget (1000)\n"
    "                      truncates (default 100000, the API's maximum)\n"
    "  --psql COMMAND      psql command line connected to the database holding\n"
    "                      table edges(source, target) (scripts/bench-lineage.sh);\n"
    "                      without it PostgreSQL is not measured\n";

bool ParseArgs(int argc, char** argv, Options* o, std::string* error) {
  if (!ParseOptions(argc, argv, kUsage,
                    {
                        StringOption("--work", &o->work),
                        StringOption("--certs", &o->certs),
                        StringOption("--psql", &o->psql),
                        ChoiceOption("--phase", {"load", "measure", "all"}, &o->phase),
                        IntOption("--datasets", 20, 10000000, &o->datasets),
                        IntOption("--seed", 0, INT64_MAX, &o->seed),
                        IntOption("--roots", 5, 100000, &o->roots),
                        IntOption("--rounds", 1, 100, &o->rounds),
                        IntOption("--large-budget", kDefaultBudget + 1, 100000, &o->large_budget),
                    },
                    error)) {
    return false;
  }
  if (o->work.empty()) {
    *error = "--work DIR is required";
    return false;
  }
  if (o->phase != "load" && o->certs.empty()) {
    *error = "--certs DIR is required to measure";
    return false;
  }
  if (o->phase == "all" && !o->psql.empty()) {
    *error = "--psql needs --phase measure (PostgreSQL loads the CSV of the load phase)";
    return false;
  }
  return true;
}


// ---- the landscape's layers and the roots --------------------------------------

enum class Layer { kBasis, kKern, kSector, kDerived, kOpenData };
constexpr Layer kLayers[] = {Layer::kBasis, Layer::kKern, Layer::kSector, Layer::kDerived,
                             Layer::kOpenData};

const char* LayerName(Layer layer) {
  switch (layer) {
    case Layer::kBasis:
      return "basisregistratie";
    case Layer::kKern:
      return "kernregistratie";
    case Layer::kSector:
      return "sectorregistratie";
    case Layer::kDerived:
      return "dwh/report/extract";
    case Layer::kOpenData:
      return "external open data";
  }
  return "?";
}

Layer LayerOf(const v1::Dataset& d) {
  switch (d.registration_type()) {
    case v1::REGISTRATION_TYPE_BASISREGISTRATIE:
      return Layer::kBasis;
    case v1::REGISTRATION_TYPE_KERNREGISTRATIE:
      return Layer::kKern;
    case v1::REGISTRATION_TYPE_SECTORREGISTRATIE:
      return Layer::kSector;
    default:
      return d.origin() == v1::ORIGIN_EXTERNAL ? Layer::kOpenData : Layer::kDerived;
  }
}

struct Root {
  std::string name;  // "datasets/{id}"
  Layer layer = Layer::kSector;
};

// The roots: every basisregistratie, then the other layers in equal shares,
// drawn deterministically (from the seed) over the whole landscape.
std::vector<Root> PickRoots(const demo::LandscapeGenerator& g, int count, uint64_t seed) {
  std::vector<Root> roots;
  const int64_t basis = std::min<int64_t>(10, count);
  for (int64_t i = 0; i < basis; ++i) roots.push_back({"datasets/" + g.Dataset(i).id(), Layer::kBasis});
  const int rest = count - static_cast<int>(basis);
  const int per_layer = (rest + 3) / 4;
  std::vector<int> taken(std::size(kLayers), 0);
  std::vector<int64_t> chosen;
  for (uint64_t k = 0; static_cast<int>(roots.size()) < count && k < 1000ull * count; ++k) {
    const int64_t i = 10 + static_cast<int64_t>(SplitMix64(seed * 7919 + k) %
                                                static_cast<uint64_t>(g.size() - 10));
    if (std::find(chosen.begin(), chosen.end(), i) != chosen.end()) continue;
    const v1::Dataset d = g.Dataset(i);
    const Layer layer = LayerOf(d);
    int& n = taken[static_cast<size_t>(layer)];
    // Small landscapes may lack a layer's share; late draws take any layer.
    if (n >= per_layer && k < 100ull * count) continue;
    ++n;
    chosen.push_back(i);
    roots.push_back({"datasets/" + d.id(), layer});
  }
  return roots;
}

// ---- load phase ----------------------------------------------------------------

// Loads the landscape into the store and writes its edges to edges.csv
// for PostgreSQL.
absl::Status Load(const Options& o, const demo::LandscapeGenerator& g, StoreLoad* r) {
  std::ofstream csv(o.work + "/edges.csv");
  if (!csv) return absl::UnavailableError(absl::StrCat("cannot write ", o.work, "/edges.csv"));
  StoreLoadSpec spec;
  spec.data_dir = o.work + "/data";
  spec.principal = "lineage_bench";
  spec.on_edge = [&](const v1::LineageEdge& e) { csv << e.source() << ',' << e.target() << '\n'; };
  if (absl::Status s = LoadStore(g, spec, r); !s.ok()) return s;
  csv.close();
  if (!csv) return absl::DataLossError("writing edges.csv failed");
  return absl::OkStatus();
}

nlohmann::ordered_json LoadJson(const StoreLoad& r) {
  nlohmann::ordered_json j = StoreLoadJson(r);
  j["edges_per_dataset"] = Round(static_cast<double>(r.edges) / std::max<int64_t>(1, r.datasets), 100);
  j["sync_writes"] = false;
  return j;
}

// ---- catalogd ------------------------------------------------------------------

// What one traversal returned.
struct Shape {
  int nodes = 0;
  int edges = 0;
  bool truncated = false;
};

struct Client {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::LineageService::Stub> lineage;
  std::unique_ptr<health::Health::Stub> health;
};

absl::StatusOr<Client> Connect(const std::string& address, const std::string& certs) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(client::kMaxReceiveMessageBytes);
  Client c;
  c.channel = grpc::CreateCustomChannel(address, testing::ClientCredentials("steward", certs, certs),
                                        args);
  if (!c.channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(15))) {
    return absl::UnavailableError(absl::StrCat("no connection to ", address, " in 15 s"));
  }
  c.lineage = v1::LineageService::NewStub(c.channel);
  c.health = health::Health::NewStub(c.channel);
  return c;
}

// Makes one call (`call(context)`) with a deadline, appending its latency
// in ns to `*ns`.
template <typename Call>
grpc::Status Timed(std::chrono::seconds deadline, std::vector<int64_t>* ns, Call call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  const Clock::time_point t = Clock::now();
  grpc::Status status = call(&context);
  ns->push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t).count());
  return status;
}

// One GetLineage per root, one at a time; latencies in ns.
absl::Status CatalogdPass(Client& c, const std::vector<Root>& roots, int budget,
                          std::vector<int64_t>* ns, std::vector<Shape>* shapes) {
  ns->clear();
  if (shapes != nullptr) shapes->clear();
  for (const Root& root : roots) {
    v1::GetLineageRequest request;
    request.set_root(root.name);
    request.set_direction(v1::LINEAGE_DIRECTION_DOWNSTREAM);
    if (budget != kDefaultBudget) request.set_node_budget(budget);
    v1::GetLineageResponse response;
    const grpc::Status status = Timed(std::chrono::seconds(60), ns, [&](grpc::ClientContext* ctx) {
      return c.lineage->GetLineage(ctx, request, &response);
    });
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("GetLineage(", root.name, "): gRPC status ",
                                              static_cast<int>(status.error_code()), ": ",
                                              status.error_message()));
    }
    if (response.nodes_size() == 0 || response.nodes(0).name() != root.name ||
        response.nodes_size() > budget) {
      return absl::InternalError(absl::StrCat("GetLineage(", root.name, "): unexpected response with ",
                                              response.nodes_size(), " nodes"));
    }
    if (shapes != nullptr) {
      shapes->push_back({response.nodes_size(), response.edges_size(), response.truncated()});
    }
  }
  return absl::OkStatus();
}

// Health/Check as often as there are roots: the transport's own latency.
absl::Status HealthPass(Client& c, size_t calls, std::vector<int64_t>* ns) {
  ns->clear();
  for (size_t k = 0; k < calls; ++k) {
    health::HealthCheckRequest request;
    health::HealthCheckResponse response;
    const grpc::Status status = Timed(std::chrono::seconds(10), ns, [&](grpc::ClientContext* ctx) {
      return c.health->Check(ctx, request, &response);
    });
    if (!status.ok()) return absl::InternalError("Health/Check failed: " + status.error_message());
  }
  return absl::OkStatus();
}

// ---- PostgreSQL ----------------------------------------------------------------

// The reference: the straightforward recursive CTE (as Marquez and others
// do it). UNION drops rows already found, so a node appears at most once
// per depth; the result is each node with its least depth, the root
// included, at most `$2` of them, nearest first.
constexpr char kCte[] =
    "PREPARE downstream(text, int) AS\n"
    "WITH RECURSIVE walk(node, depth) AS (\n"
    "    SELECT $1::text, 0\n"
    "  UNION\n"
    "    SELECT e.target, w.depth + 1 FROM walk w JOIN edges e ON e.source = w.node\n"
    "    WHERE w.depth < 5\n"
    ")\n"
    "SELECT node, min(depth) AS depth FROM walk GROUP BY node ORDER BY 2, 1 LIMIT $2;\n";

// Runs the psql script `sql` (written to a file in `work`) and returns its
// standard output; an error when psql fails.
absl::StatusOr<std::string> RunPsql(const Options& o, const std::string& sql) {
  const std::string path = o.work + "/round.sql";
  {
    std::ofstream out(path);
    out << sql;
    if (!out) return absl::UnavailableError("cannot write " + path);
  }
  const std::string command = absl::StrCat(o.psql, " -X -q -v ON_ERROR_STOP=1 -f ", path);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::UnavailableError("cannot run " + command);
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  const int rc = ::pclose(pipe);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("psql failed (status ", rc, "): ", command,
                                            "\n", output.substr(0, 2000)));
  }
  return output;
}

std::string Quoted(const std::string& name) { return absl::StrCat("'", name, "'"); }

// One execution of the CTE per root; latencies (psql's \timing: sent to
// result received, on loopback TCP without TLS) in ns.
absl::Status PostgresPass(const Options& o, const std::vector<Root>& roots, int budget,
                          std::vector<int64_t>* ns) {
  std::string sql = absl::StrCat("SET statement_timeout = '300s';\n", kCte,
                                 "\\o /dev/null\n\\timing on\n");
  for (const Root& root : roots) {
    absl::StrAppend(&sql, "EXECUTE downstream(", Quoted(root.name), ", ", budget, ");\n");
  }
  absl::StatusOr<std::string> output = RunPsql(o, sql);
  if (!output.ok()) return output.status();
  ns->clear();
  std::istringstream lines(*output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("Time: ", 0) != 0) continue;
    ns->push_back(static_cast<int64_t>(std::strtod(line.c_str() + 6, nullptr) * 1e6));
  }
  if (ns->size() != roots.size()) {
    return absl::InternalError(absl::StrCat("psql reported ", ns->size(), " timings for ",
                                            roots.size(), " queries:\n", output->substr(0, 2000)));
  }
  return absl::OkStatus();
}

// Rows of the CTE per root (with `budget`), to check that both sides
// traverse the same graph.
absl::StatusOr<std::vector<int>> PostgresCounts(const Options& o, const std::vector<Root>& roots,
                                                int budget) {
  std::string sql = absl::StrCat(kCte, "\\pset tuples_only on\n\\pset format unaligned\n");
  for (const Root& root : roots) {
    absl::StrAppend(&sql, "SELECT count(*) FROM (",
                    "WITH RECURSIVE walk(node, depth) AS (SELECT ", Quoted(root.name),
                    "::text, 0 UNION SELECT e.target, w.depth + 1 FROM walk w JOIN edges e ON "
                    "e.source = w.node WHERE w.depth < 5) SELECT node FROM walk GROUP BY node "
                    "LIMIT ", budget, ") x;\n");
  }
  absl::StatusOr<std::string> output = RunPsql(o, sql);
  if (!output.ok()) return output.status();
  std::vector<int> counts;
  std::istringstream lines(*output);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos) {
      counts.push_back(std::atoi(line.c_str()));
    }
  }
  if (counts.size() != roots.size()) {
    return absl::InternalError(absl::StrCat("psql returned ", counts.size(), " counts for ",
                                            roots.size(), " roots"));
  }
  return counts;
}

// ---- measurement ---------------------------------------------------------------

// Latencies of every root in every round, of both sides.
struct Runs {
  std::vector<std::vector<int64_t>> catalogd;  // [round][root]
  std::vector<std::vector<int64_t>> postgres;  // [round][root]; empty without --psql
  std::vector<std::vector<int64_t>> health;    // [round][call]
  double catalogd_cpu_seconds = 0;             // Of this process, catalogd rounds only.
};

// R rounds over `roots`; catalogd and PostgreSQL alternate, the order
// flipped every round (adjacent runs see about the same machine load).
absl::Status Measure(const Options& o, Client& c, const std::vector<Root>& roots, int budget,
                     Runs* runs) {
  std::vector<int64_t> ns;
  for (int r = 0; r < o.rounds; ++r) {
    for (int side = 0; side < 2; ++side) {
      const bool catalogd_now = (side == 0) == (r % 2 == 0);
      if (catalogd_now) {
        const double cpu = ProcessCpuSeconds();
        if (absl::Status s = CatalogdPass(c, roots, budget, &ns, nullptr); !s.ok()) return s;
        runs->catalogd_cpu_seconds += ProcessCpuSeconds() - cpu;
        runs->catalogd.push_back(ns);
        if (absl::Status s = HealthPass(c, roots.size(), &ns); !s.ok()) return s;
        runs->health.push_back(ns);
      } else if (!o.psql.empty()) {
        if (absl::Status s = PostgresPass(o, roots, budget, &ns); !s.ok()) return s;
        runs->postgres.push_back(ns);
      }
    }
    std::printf("  round %d of %d done\n", r + 1, o.rounds);
    std::fflush(stdout);
  }
  return absl::OkStatus();
}

// Latency statistics of a group of roots.
struct GroupStats {
  std::string key;
  std::string label;
  int roots = 0;
  int budget = 0;
  double catalogd_p50_us = 0, catalogd_p99_us = 0, catalogd_max_us = 0;
  double postgres_p50_us = 0, postgres_p99_us = 0, postgres_max_us = 0;
  double ratio_p50 = 0, ratio_p99 = 0;
  double median_root_ratio = 0;  // Median over roots of (PG median / catalogd median).
  double nodes_avg = 0;
  int nodes_max = 0;
  int truncated = 0;
};

GroupStats Summarize(const std::string& key, const std::string& label, const Runs& runs,
                     const std::vector<size_t>& members, const std::vector<Shape>& shapes,
                     int budget) {
  GroupStats g;
  g.key = key;
  g.label = label;
  g.roots = static_cast<int>(members.size());
  g.budget = budget;
  std::vector<int64_t> c_all, p_all;
  std::vector<double> root_ratios;
  for (size_t m : members) {
    std::vector<double> c_root, p_root;
    for (const auto& round : runs.catalogd) {
      c_all.push_back(round[m]);
      c_root.push_back(static_cast<double>(round[m]));
    }
    for (const auto& round : runs.postgres) {
      p_all.push_back(round[m]);
      p_root.push_back(static_cast<double>(round[m]));
    }
    if (!p_root.empty()) root_ratios.push_back(Median(p_root) / std::max(1.0, Median(c_root)));
    g.nodes_avg += shapes[m].nodes;
    g.nodes_max = std::max(g.nodes_max, shapes[m].nodes);
    g.truncated += shapes[m].truncated;
  }
  if (!members.empty()) g.nodes_avg /= static_cast<double>(members.size());
  g.catalogd_p50_us = QuantileMicros(c_all, 0.5);
  g.catalogd_p99_us = QuantileMicros(c_all, 0.99);
  g.catalogd_max_us = c_all.empty() ? 0 : static_cast<double>(c_all.back()) / 1000;
  if (!p_all.empty()) {
    g.postgres_p50_us = QuantileMicros(p_all, 0.5);
    g.postgres_p99_us = QuantileMicros(p_all, 0.99);
    g.postgres_max_us = static_cast<double>(p_all.back()) / 1000;
    g.ratio_p50 = g.postgres_p50_us / std::max(1e-3, g.catalogd_p50_us);
    g.ratio_p99 = g.postgres_p99_us / std::max(1e-3, g.catalogd_p99_us);
    g.median_root_ratio = Median(root_ratios);
  }
  return g;
}

nlohmann::ordered_json GroupJson(const GroupStats& g) {
  nlohmann::ordered_json j;
  j["roots"] = g.roots;
  j["node_budget"] = g.budget;
  j["catalogd_p50_us"] = Round(g.catalogd_p50_us, 10);
  j["catalogd_p99_us"] = Round(g.catalogd_p99_us, 10);
  j["catalogd_max_us"] = Round(g.catalogd_max_us, 10);
  if (g.postgres_p50_us > 0) {
    j["postgres_p50_us"] = Round(g.postgres_p50_us, 10);
    j["postgres_p99_us"] = Round(g.postgres_p99_us, 10);
    j["postgres_max_us"] = Round(g.postgres_max_us, 10);
    j["ratio_p50"] = Round(g.ratio_p50, 100);
    j["ratio_p99"] = Round(g.ratio_p99, 100);
    j["median_root_ratio"] = Round(g.median_root_ratio, 100);
  }
  j["nodes_avg"] = Round(g.nodes_avg, 10);
  j["nodes_max"] = g.nodes_max;
  j["truncated"] = g.truncated;
  return j;
}

std::string Ms(double us) { return absl::StrFormat("%.2f", us / 1000); }

void PrintGroups(const std::vector<GroupStats>& groups, bool postgres) {
  const char* fmt = "%-44s %5s %7s %9s %9s %10s %10s %7s %7s %7s %9s\n";
  std::printf("\n");
  std::printf(fmt, "roots (GetLineage downstream, depth 5)", "n", "budget", "c p50 ms", "c p99 ms",
              "pg p50 ms", "pg p99 ms", "x p50", "x p99", "x root", "nodes avg");
  std::printf("%s\n", std::string(130, '-').c_str());
  for (const GroupStats& g : groups) {
    std::printf(fmt, g.label.c_str(), absl::StrCat(g.roots).c_str(), absl::StrCat(g.budget).c_str(),
                Ms(g.catalogd_p50_us).c_str(), Ms(g.catalogd_p99_us).c_str(),
                postgres ? Ms(g.postgres_p50_us).c_str() : "-",
                postgres ? Ms(g.postgres_p99_us).c_str() : "-",
                postgres ? absl::StrFormat("%.1f", g.ratio_p50).c_str() : "-",
                postgres ? absl::StrFormat("%.1f", g.ratio_p99).c_str() : "-",
                postgres ? absl::StrFormat("%.1f", g.median_root_ratio).c_str() : "-",
                absl::StrFormat("%.0f", g.nodes_avg).c_str());
  }
  std::printf("(c: catalogd over mTLS; pg: PostgreSQL recursive CTE via psql on loopback;\n"
              " x: pg / c; x root: median over roots of the per-root ratio of medians)\n");
}

int MeasurePhase(const Options& o, const demo::LandscapeGenerator& g,
                 nlohmann::ordered_json* json) {
  const std::vector<Root> roots = PickRoots(g, o.roots, o.seed);
  const Clock::time_point start = Clock::now();
  server::ServerOptions so;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> server =
      StartBenchServer(o.certs, o.work + "/data", "", o.work, 0, &so);
  if (!server.ok()) {
    std::fprintf(stderr, "lineage_bench: cannot start catalogd: %s\n",
                 server.status().ToString().c_str());
    return 1;
  }
  const double start_seconds = SecondsSince(start);
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  std::printf("catalogd on %s (mTLS), started in %.1f s (store opened, lineage graph built)\n",
              address.c_str(), start_seconds);
  std::fflush(stdout);
  (*json)["server_start_seconds"] = Round(start_seconds, 100);

  int rc = 0;
  auto fail = [&](const absl::Status& s) {
    std::fprintf(stderr, "lineage_bench: %s\n", s.ToString().c_str());
    rc = 1;
  };
  absl::StatusOr<Client> client = Connect(address, o.certs);
  if (!client.ok()) {
    fail(client.status());
  } else {
    const double waited = WaitForIdle(120);
    std::printf("waited %.1f s for background work to finish\n", waited);
    // Warm-up, and the shape of every traversal.
    std::vector<int64_t> ns;
    std::vector<Shape> shapes;
    absl::Status s = CatalogdPass(*client, roots, kDefaultBudget, &ns, &shapes);
    std::vector<size_t> truncated;
    for (size_t k = 0; k < shapes.size(); ++k) {
      if (shapes[k].truncated) truncated.push_back(k);
    }
    // The truncated roots again with the large budget; a root whose answer
    // fails (e.g. larger than the server's message limit) is reported and
    // left out.
    std::vector<Root> large_roots;
    std::vector<Shape> large_shapes;
    nlohmann::ordered_json large_failures = nlohmann::ordered_json::array();
    for (size_t k : truncated) {
      std::vector<Shape> shape;
      const absl::Status one = CatalogdPass(*client, {roots[k]}, o.large_budget, &ns, &shape);
      if (!one.ok()) {
        std::printf("budget %d: %s\n", o.large_budget, one.ToString().c_str());
        large_failures.push_back(std::string(one.message()));
        continue;
      }
      large_roots.push_back(roots[k]);
      large_shapes.push_back(shape[0]);
    }
    (*json)["large_budget_failures"] = large_failures;
    // Both sides must see the same graph: equal node counts wherever
    // catalogd was not cut short.
    int mismatches = 0;
    if (s.ok() && !o.psql.empty()) {
      absl::StatusOr<std::vector<int>> counts = PostgresCounts(o, roots, kDefaultBudget);
      if (!counts.ok()) {
        s = counts.status();
      } else {
        for (size_t k = 0; k < roots.size(); ++k) {
          if (!shapes[k].truncated && (*counts)[k] != shapes[k].nodes) {
            if (++mismatches <= 5) {
              std::fprintf(stderr, "node count differs for %s: catalogd %d, PostgreSQL %d\n",
                           roots[k].name.c_str(), shapes[k].nodes, (*counts)[k]);
            }
          }
        }
        std::printf("node counts of catalogd and PostgreSQL: %d mismatches over %zu roots not "
                    "truncated\n",
                    mismatches, roots.size() - truncated.size());
      }
      (*json)["node_count_mismatches"] = mismatches;
      if (mismatches > 0) rc = 1;
    }
    if (s.ok() && !o.psql.empty()) s = PostgresPass(o, roots, kDefaultBudget, &ns);  // Warm-up.
    Runs runs, large_runs;
    if (s.ok()) {
      std::printf("measuring %zu roots, %d rounds, budget %d\n", roots.size(), o.rounds,
                  kDefaultBudget);
      std::fflush(stdout);
      s = Measure(o, *client, roots, kDefaultBudget, &runs);
    }
    if (s.ok() && !large_roots.empty()) {
      std::printf("measuring the %zu truncated roots again, budget %d\n", large_roots.size(),
                  o.large_budget);
      std::fflush(stdout);
      s = Measure(o, *client, large_roots, o.large_budget, &large_runs);
    }
    if (!s.ok()) {
      fail(s);
    } else {
      std::vector<GroupStats> groups;
      std::vector<size_t> all, not_basis, basis, not_truncated;
      for (size_t k = 0; k < roots.size(); ++k) {
        all.push_back(k);
        (roots[k].layer == Layer::kBasis ? basis : not_basis).push_back(k);
        if (!shapes[k].truncated) not_truncated.push_back(k);
      }
      groups.push_back(Summarize("all", "all roots", runs, all, shapes, kDefaultBudget));
      groups.push_back(
          Summarize("not_basis", "roots other than basisregistraties", runs, not_basis, shapes,
                    kDefaultBudget));
      groups.push_back(Summarize("basis", "basisregistraties", runs, basis, shapes, kDefaultBudget));
      groups.push_back(Summarize("not_truncated", "roots not truncated by the budget", runs,
                                 not_truncated, shapes, kDefaultBudget));
      for (Layer layer : kLayers) {
        if (layer == Layer::kBasis) continue;
        std::vector<size_t> members;
        for (size_t k = 0; k < roots.size(); ++k) {
          if (roots[k].layer == layer) members.push_back(k);
        }
        if (!members.empty()) {
          groups.push_back(Summarize(absl::StrCat("layer_", static_cast<int>(layer)),
                                     absl::StrCat("  layer: ", LayerName(layer)), runs, members,
                                     shapes, kDefaultBudget));
        }
      }
      if (!large_roots.empty()) {
        std::vector<size_t> members;
        for (size_t k = 0; k < large_roots.size(); ++k) members.push_back(k);
        groups.push_back(Summarize("truncated_large_budget",
                                   absl::StrCat("truncated roots, budget ", o.large_budget),
                                   large_runs, members, large_shapes, o.large_budget));
      }
      PrintGroups(groups, !o.psql.empty());

      std::vector<int64_t> health;
      for (const auto& round : runs.health) health.insert(health.end(), round.begin(), round.end());
      const double health_p50 = QuantileMicros(health, 0.5);
      const double cpu_per_call =
          runs.catalogd_cpu_seconds * 1e6 /
          std::max<double>(1, static_cast<double>(roots.size()) * o.rounds);
      std::printf("\nHealth/Check p50 on the same connection: %.0f us; process CPU (client and "
                  "server) per GetLineage: %.0f us\n",
                  health_p50, cpu_per_call);
      std::printf("truncated at the default budget: %zu of %zu roots (",
                  truncated.size(), roots.size());
      for (size_t k = 0; k < truncated.size(); ++k) {
        std::printf("%s%s", k ? ", " : "", roots[truncated[k]].name.c_str());
      }
      std::printf(")\n");
      if (!large_shapes.empty()) {
        int still = 0;
        for (const Shape& sh : large_shapes) still += sh.truncated;
        std::printf("with budget %d: %d of them still truncated\n", o.large_budget, still);
      }

      const GroupStats& headline = groups[0];
      const bool p99_ok = headline.catalogd_p99_us <= 20000;
      const bool ratio_ok = !o.psql.empty() && headline.ratio_p50 >= 20 && headline.ratio_p99 >= 20;
      std::printf("\ntarget p99 <= 20 ms (all roots, default budget): %.2f ms: %s\n",
                  headline.catalogd_p99_us / 1000, p99_ok ? "PASS" : "FAIL");
      if (!o.psql.empty()) {
        std::printf("target >= 20 x faster than PostgreSQL (p50 and p99, all roots): %.1f x / "
                    "%.1f x: %s\n",
                    headline.ratio_p50, headline.ratio_p99, ratio_ok ? "PASS" : "FAIL");
      }
      nlohmann::ordered_json groups_json = nlohmann::ordered_json::object();
      for (const GroupStats& gs : groups) groups_json[gs.key] = GroupJson(gs);
      (*json)["groups"] = groups_json;
      (*json)["health_p50_us"] = Round(health_p50, 10);
      (*json)["catalogd_cpu_us_per_call"] = Round(cpu_per_call, 10);
      (*json)["truncated_roots"] = truncated.size();
      (*json)["p99_target_met"] = p99_ok;
      if (!o.psql.empty()) (*json)["ratio_target_met"] = ratio_ok;
    }
  }
  if (absl::Status closed = (*server)->Shutdown(absl::Seconds(10)); !closed.ok()) fail(closed);
  (*json)["roots"] = roots.size();
  (*json)["rounds"] = o.rounds;
  (*json)["large_budget"] = o.large_budget;
  (*json)["postgres"] = !o.psql.empty();
  return rc;
}

int Main(int argc, char** argv) {
  Options o;
  std::string error;
  if (!ParseArgs(argc, argv, &o, &error)) {
    std::fprintf(stderr, "lineage_bench: %s\n\n%s", error.c_str(), kUsage);
    return 2;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("catalogd"));
  spdlog::set_level(spdlog::level::warn);
  std::filesystem::create_directories(o.work);

  const std::string load_start = LoadAverage();
  const demo::LandscapeGenerator generator({o.datasets, o.seed});
  nlohmann::ordered_json j = RunJson("lineage_bench", UtcNow(), FileSystemType(o.work), load_start);
  j["phase"] = o.phase;
  j["datasets"] = o.datasets;
  j["seed"] = o.seed;
  std::printf("lineage_bench: %lld datasets (seed %llu), work %s (%s); %u CPUs, %s; load "
              "average %s\n",
              static_cast<long long>(o.datasets), static_cast<unsigned long long>(o.seed),
              o.work.c_str(), FileSystemType(o.work).c_str(), std::thread::hardware_concurrency(),
              CpuModel().c_str(), load_start.c_str());
  std::fflush(stdout);

  int rc = 0;
  const std::string load_json = o.work + "/load.json";
  if (o.phase != "measure") {
    std::printf("load: straight into the store, sync_writes off (not measured)\n");
    std::fflush(stdout);
    StoreLoad load;
    if (absl::Status s = Load(o, generator, &load); !s.ok()) {
      std::fprintf(stderr, "lineage_bench: load failed: %s\n", s.ToString().c_str());
      return 1;
    }
    const nlohmann::ordered_json lj = LoadJson(load);
    std::ofstream(load_json) << lj.dump() << '\n';
    std::printf("loaded %lld datasets, %lld edges (%lld deliveries), %lld parties in %.1f s "
                "(generating: %.1f s)\n",
                static_cast<long long>(load.datasets), static_cast<long long>(load.edges),
                static_cast<long long>(load.deliveries), static_cast<long long>(load.parties),
                load.seconds, load.generate_seconds);
  }
  {
    std::ifstream in(load_json);
    if (in) j["load"] = nlohmann::ordered_json::parse(in, nullptr, false);
  }
  if (o.phase != "load") rc = MeasurePhase(o, generator, &j);
  const std::string load_end = LoadAverage();
  j["loadavg_end"] = load_end;
  PrintLoad(load_start, load_end);
  j["errors"] = rc != 0;
  std::printf("BENCH_JSON %s\n", j.dump().c_str());
  std::fflush(stdout);
  return rc;
}

}  // namespace
}  // namespace catalog::bench

int main(int argc, char** argv) { return catalog::bench::Main(argc, argv); }
