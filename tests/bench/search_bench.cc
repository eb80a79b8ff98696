// search_bench: SearchDatasets at scale against PostgreSQL full text on the
// same machine (issue 20; docs/BENCHMARKS.md, "Search";
// /work/shared/design/performance.md: "Search, 1M datasets, two-word Dutch
// query with a facet filter: p50 <= 5 ms; faster than PostgreSQL full text").
//
// 1. Starts catalogd in process (127.0.0.1:0, mutual TLS, durable writes,
//    the benchmark policy: steward of every domain, clearance zeer_geheim),
//    generates N datasets with the demo landscape generator and bulk-loads
//    them through UpsertDatasets (client::BulkLoad, batches of 500) while the
//    search indexer runs (it always does: the server has no switch to turn it
//    off). Measures the load rate, then the indexer's lag: the time from the
//    last batch acknowledged until SearchDatasets (empty query) counts all N.
// 2. With --pg: loads the same datasets into PostgreSQL (COPY), a stored
//    tsvector ('dutch'; weight A id and title, B description, C tags, business
//    objects, schema field names and descriptions, owner, steward, system,
//    supplier, hosting provider), a GIN index on it and B-trees on the filter
//    columns, ANALYZE.
// 3. A fixed list of 50 two-word Dutch queries from the generator's
//    vocabulary, each with a facet filter (domain, or a minimum
//    confidentiality), facets requested, 20 hits: catalogd's SearchDatasets
//    over mTLS; PostgreSQL
//      hits:   WHERE tsv @@ plainto_tsquery('dutch', $1) AND <filter>
//              ORDER BY ts_rank(tsv, q) DESC LIMIT 20
//      facets: the same WHERE, GROUP BY GROUPING SETS over the nine facet
//              columns of SearchDatasets
//    as prepared statements, one connection per client (TLS as configured in
//    the connection string). With C = 1 and C = 8 concurrent clients (one
//    connection each, one query outstanding each), S seconds per run,
//    alternating catalogd and PostgreSQL for R rounds: p50, p99, QPS, and the
//    ratios catalogd / PostgreSQL (median of the per-round ratios).
// 4. Index size on disk, process RSS, and with --reindex the time of
//    RebuildSearchIndex (catalogd reindex) over the loaded store.
//
// Output: a table on stdout, then "BENCH_JSON {...}". Exit status 0 when
// every call succeeded, 1 otherwise, 2 for a bad command line.

#include <libpq-fe.h>
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
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "catalog/v1/catalog_service.grpc.pb.h"
#include "catalog/v1/search_service.grpc.pb.h"
#include "client/demo/landscape_generator.h"
#include "client/lib/bulk_loader.h"
#include "client/lib/connection.h"
#include "server/core/search_indexer.h"
#include "server/transport/catalog_server.h"
#include "storage/catalog_store.h"
#include "tests/bench/bench_util.h"
#include "tests/support/test_support.h"

namespace catalog::bench {
namespace {

namespace v1 = ::catalog::v1;
using Clock = std::chrono::steady_clock;
constexpr char kProgram[] = "search_bench";
constexpr int kHits = 20;

// ---- command line ----------------------------------------------------------

struct Options {
  std::string certs;
  std::string work;
  std::string pg;
  int64_t datasets = 1000000;
  uint64_t seed = 1;
  double seconds = 5;
  int rounds = 3;
  std::string clients = "1,8";
  bool reindex = false;
  bool keep = false;
  double lag_max_seconds = 3600;
};

constexpr char kUsage[] =
    "Usage: search_bench --certs DIR [options]\n"
    "  --certs DIR        development PKI (scripts/gen-dev-certs.sh)\n"
    "  --work DIR         working directory (default: fresh under $TMPDIR; removed\n"
    "                     at exit unless --keep)\n"
    "  --pg CONNINFO      libpq connection string of an empty PostgreSQL database\n"
    "                     (scripts/bench-search.sh); without it only catalogd\n"
    "  --datasets N       datasets in the landscape (default 1000000)\n"
    "  --seed S           seed of the landscape (default 1)\n"
    "  --seconds S        seconds per measured run (default 5)\n"
    "  --rounds R         rounds, catalogd and PostgreSQL alternating (default 3)\n"
    "  --clients LIST     concurrent clients, comma-separated (default 1,8)\n"
    "  --reindex          also time RebuildSearchIndex (catalogd reindex) at the end\n"
    "  --lag-max-seconds  how long to wait for the index to catch up (default 3600)\n"
    "  --keep             keep the working directory\n";

// ---- the queries -------------------------------------------------------------

struct Query {
  const char* text;
  const char* domain;  // Exact domain filter, or null.
  v1::Confidentiality min_confidentiality = v1::CONFIDENTIALITY_UNSPECIFIED;
};

// Two words from the generator's titles, descriptions, systems and
// qualifiers (client/demo/landscape_generator.cc), each with a filter as a
// user would pick it from the facets. A few are typed the way people
// search and find little or nothing in this landscape (compounds:
// "belasting aanslag", "wmo voorziening"); they are kept, as real traffic
// has them too.
const std::vector<Query>& Queries() {
  static const std::vector<Query> q = {
      {"wmo maatwerkvoorzieningen", "Sociaal domein"},
      {"jeugdhulp trajecten", "Sociaal domein"},
      {"participatiewet uitkeringen", "Sociaal domein"},
      {"schuldhulpverlening dossiers", "Sociaal domein"},
      {"datawarehouse sociaal", "Sociaal domein"},
      {"jeugdhulp archief", "Sociaal domein"},
      {"uitkeringen stadsdeel", "Sociaal domein"},
      {"schuldhulpverlening mutaties", "Sociaal domein"},
      {"wmo voorziening", "Sociaal domein"},
      {"belastingaanslagen 2023", "Belastingen"},
      {"woz waarderingen", "Belastingen"},
      {"extract belastingen", "Belastingen"},
      {"belastingaanslagen archief", "Belastingen"},
      {"key2belastingen extract", "Belastingen"},
      {"belasting aanslag", "Belastingen"},
      {"bag adressen", "Ruimte"},
      {"omgevingsvergunningen mutaties", "Ruimte"},
      {"kernregistratie adressen", "Ruimte"},
      {"rapportage woningvoorraad", "Ruimte"},
      {"omgevingsvergunningen stadsdeel", "Ruimte"},
      {"woningvoorraad geaggregeerd", "Ruimte"},
      {"rijkswaterstaat waterstanden", "Ruimte"},
      {"bag adres", "Ruimte"},
      {"parkeervergunningen centrum", "Openbare ruimte"},
      {"afvalinzameling containers", "Openbare ruimte"},
      {"meldingen openbare", "Openbare ruimte"},
      {"afvalinzameling noord", "Openbare ruimte"},
      {"knmi neerslaggegevens", "Openbare ruimte"},
      {"parkeervergunningen export", "Openbare ruimte"},
      {"topdesk meldingen", "Openbare ruimte"},
      {"kernregistratie personen", "Burgerzaken"},
      {"personen historie", "Burgerzaken"},
      {"key2burgerzaken personen", "Burgerzaken"},
      {"zaakregistratie werkvoorraad", "Dienstverlening"},
      {"dashboard dienstverlening", "Dienstverlening"},
      {"cbs kerncijfers", "Dienstverlening"},
      {"zaakregistratie decos", "Dienstverlening"},
      {"personeelsdossiers archief", "Bedrijfsvoering"},
      {"financiele administratie", "Bedrijfsvoering"},
      {"administratie koppelvlak", "Bedrijfsvoering"},
      {"handhavingszaken stadsdeel", "Veiligheid"},
      {"rdw voertuigen", "Veiligheid"},
      {"uwv arbeidsmarktcijfers", "Economie"},
      {"leerlingenvervoer regio", "Onderwijs"},
      {"wmo maatwerkvoorzieningen", nullptr, v1::CONFIDENTIALITY_VERTROUWELIJK},
      {"belastingaanslagen stadsdeel", nullptr, v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK},
      {"personeelsdossiers kopie", nullptr, v1::CONFIDENTIALITY_INTERN},
      {"jeugdhulp dwh", nullptr, v1::CONFIDENTIALITY_VERTROUWELIJK},
      {"parkeervergunningen wijkniveau", nullptr, v1::CONFIDENTIALITY_INTERN},
      {"zaakregistratie geaggregeerd", nullptr, v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK},
  };
  return q;
}

std::string FilterText(const Query& q) {
  return q.domain != nullptr ? absl::StrCat("domain=", q.domain)
                             : absl::StrCat("confidentiality>=",
                                            v1::Confidentiality_Name(q.min_confidentiality));
}

// ---- the machine -------------------------------------------------------------

// VmRSS / VmHWM of this process in MiB (client and server together).
double StatusMiB(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + std::strlen(key)) / 1024.0;
  }
  return 0;
}

double DirMiB(const std::string& dir) {
  std::error_code ec;
  uintmax_t bytes = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  }
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

// ---- PostgreSQL --------------------------------------------------------------

using PgConn = std::unique_ptr<PGconn, void (*)(PGconn*)>;

absl::StatusOr<PgConn> PgConnect(const std::string& conninfo) {
  PgConn c(PQconnectdb(conninfo.c_str()), PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat("PostgreSQL: ", PQerrorMessage(c.get())));
  }
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

constexpr char kPgSchema[] = R"(
DROP TABLE IF EXISTS datasets;
CREATE TABLE datasets (
  id text PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL,
  rest text NOT NULL,
  domain text,
  registration_type text,
  basisregistratie text,
  hosting_kind text,
  provider text,
  confidentiality int NOT NULL,
  contains_personal_data bool NOT NULL,
  status text,
  quality_below_norm bool NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('dutch', id || ' ' || title), 'A') ||
    setweight(to_tsvector('dutch', description), 'B') ||
    setweight(to_tsvector('dutch', rest), 'C')) STORED
))";

constexpr char kPgColumns[] =
    "id, title, description, rest, domain, registration_type, basisregistratie, hosting_kind, "
    "provider, confidentiality, contains_personal_data, status, quality_below_norm";

// Hits and facets of one search, for a domain filter ($2 text) or a
// minimum confidentiality ($2 int).
std::string PgHitsSql(const char* filter) {
  return absl::StrCat(
      "SELECT id, title, ts_rank(tsv, q) AS rank FROM datasets, plainto_tsquery('dutch', $1) q "
      "WHERE tsv @@ q AND ",
      filter, " ORDER BY rank DESC LIMIT ", kHits);
}
std::string PgFacetsSql(const char* filter) {
  return absl::StrCat(
      "SELECT GROUPING(domain, registration_type, basisregistratie, hosting_kind, provider, "
      "confidentiality, contains_personal_data, status, quality_below_norm) AS g, "
      "coalesce(domain, registration_type, basisregistratie, hosting_kind, provider, "
      "confidentiality::text, contains_personal_data::text, status, quality_below_norm::text) AS v, "
      "count(*) FROM datasets WHERE tsv @@ plainto_tsquery('dutch', $1) AND ",
      filter,
      " GROUP BY GROUPING SETS ((domain), (registration_type), (basisregistratie), "
      "(hosting_kind), (provider), (confidentiality), (contains_personal_data), (status), "
      "(quality_below_norm))");
}

absl::Status PgPrepare(PGconn* c) {
  const std::pair<const char*, std::string> statements[] = {
      {"hits_domain", PgHitsSql("domain = $2")},
      {"facets_domain", PgFacetsSql("domain = $2")},
      {"hits_conf", PgHitsSql("confidentiality >= $2::int")},
      {"facets_conf", PgFacetsSql("confidentiality >= $2::int")},
  };
  for (const auto& [name, sql] : statements) {
    PGresult* r = PQprepare(c, name, sql.c_str(), 2, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return absl::InternalError(absl::StrCat("PREPARE ", name, ": ", PQerrorMessage(c)));
  }
  return absl::OkStatus();
}

struct Answer {
  int64_t total = 0;  // Matches (from the facets: the sum of one facet's counts).
  int hits = 0;
};

absl::StatusOr<Answer> PgSearch(PGconn* c, const Query& q) {
  const std::string conf = absl::StrCat(static_cast<int>(q.min_confidentiality));
  const char* values[2] = {q.text, q.domain != nullptr ? q.domain : conf.c_str()};
  Answer a;
  {
    PGresult* r = PQexecPrepared(c, q.domain != nullptr ? "hits_domain" : "hits_conf", 2, values,
                                 nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      absl::Status s = absl::InternalError(absl::StrCat("PostgreSQL hits: ", PQerrorMessage(c)));
      PQclear(r);
      return s;
    }
    a.hits = PQntuples(r);
    PQclear(r);
  }
  PGresult* r = PQexecPrepared(c, q.domain != nullptr ? "facets_domain" : "facets_conf", 2,
                               values, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    absl::Status s = absl::InternalError(absl::StrCat("PostgreSQL facets: ", PQerrorMessage(c)));
    PQclear(r);
    return s;
  }
  // Grouping set (confidentiality) has GROUPING() = 0b111110111 ^ ... : the
  // bit of a column is 1 when it is not grouped; the last column's bit is
  // the lowest. The confidentiality column is number 6 of 9.
  const int confidentiality_grouped = 0x1ff & ~(1 << (9 - 6));
  for (int i = 0; i < PQntuples(r); ++i) {
    if (std::atoi(PQgetvalue(r, i, 0)) == confidentiality_grouped) {
      a.total += std::atoll(PQgetvalue(r, i, 2));
    }
  }
  PQclear(r);
  return a;
}

std::string CopyEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EnumOrNull(const std::string& name, int number) {
  return number == 0 ? "\\N" : name;
}

// One COPY line of `d`, as catalogd indexes it (search_terms.cc).
void AppendCopyRow(const v1::Dataset& d, std::string* out) {
  std::vector<std::string> rest;
  for (const std::string& t : d.tags()) rest.push_back(t);
  for (const std::string& b : d.business_objects()) rest.push_back(b);
  for (const v1::SchemaField& f : d.schema_fields()) {
    rest.push_back(f.name());
    rest.push_back(f.description());
  }
  rest.push_back(d.roles().owner());
  rest.push_back(d.roles().steward());
  rest.push_back(d.system());
  rest.push_back(d.supplier());
  rest.push_back(d.hosting().provider());
  const std::string fields[] = {
      CopyEscape(d.id()),
      CopyEscape(d.title()),
      CopyEscape(d.description()),
      CopyEscape(absl::StrJoin(rest, " ")),
      d.domain().empty() ? "\\N" : CopyEscape(d.domain()),
      EnumOrNull(v1::RegistrationType_Name(d.registration_type()), d.registration_type()),
      EnumOrNull(v1::Basisregistratie_Name(d.basisregistratie()), d.basisregistratie()),
      EnumOrNull(v1::HostingKind_Name(d.hosting().kind()), d.hosting().kind()),
      d.hosting().provider().empty() ? "\\N" : CopyEscape(d.hosting().provider()),
      absl::StrCat(static_cast<int>(d.classification().confidentiality())),
      d.personal_data().contains_personal_data() ? "t" : "f",
      EnumOrNull(v1::DatasetStatus_Name(d.status()), d.status()),
      "f",
  };
  absl::StrAppend(out, absl::StrJoin(fields, "\t"), "\n");
}

absl::Status PgCopy(PGconn* c, const std::string& data) {
  PGresult* r = PQexec(c, absl::StrCat("COPY datasets (", kPgColumns, ") FROM STDIN").c_str());
  const bool in = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!in) return absl::InternalError(absl::StrCat("PostgreSQL COPY: ", PQerrorMessage(c)));
  for (size_t k = 0; k < data.size(); k += (1 << 20)) {
    const size_t n = std::min<size_t>(1 << 20, data.size() - k);
    if (PQputCopyData(c, data.data() + k, static_cast<int>(n)) != 1) {
      return absl::InternalError(absl::StrCat("PostgreSQL COPY data: ", PQerrorMessage(c)));
    }
  }
  if (PQputCopyEnd(c, nullptr) != 1) {
    return absl::InternalError(absl::StrCat("PostgreSQL COPY end: ", PQerrorMessage(c)));
  }
  absl::Status s;
  while ((r = PQgetResult(c)) != nullptr) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && s.ok()) {
      s = absl::InternalError(absl::StrCat("PostgreSQL COPY: ", PQerrorMessage(c)));
    }
    PQclear(r);
  }
  return s;
}

// ---- catalogd ------------------------------------------------------------------

std::shared_ptr<grpc::Channel> Channel(const std::string& address, const std::string& certs,
                                       int index) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("catalog.bench.channel", index);
  args.SetMaxReceiveMessageSize(client::kMaxReceiveMessageBytes);
  return grpc::CreateCustomChannel(address, testing::ClientCredentials("steward", certs, certs),
                                   args);
}

v1::SearchDatasetsRequest SearchRequest(const Query& q) {
  v1::SearchDatasetsRequest r;
  r.set_query(q.text);
  if (q.domain != nullptr) r.mutable_filter()->set_domain(q.domain);
  if (q.min_confidentiality != v1::CONFIDENTIALITY_UNSPECIFIED) {
    r.mutable_filter()->set_min_confidentiality(q.min_confidentiality);
  }
  r.set_page_size(kHits);
  r.set_facets(true);
  return r;
}

absl::StatusOr<Answer> CatalogSearch(v1::SearchService::Stub& stub,
                                     const v1::SearchDatasetsRequest& request,
                                     v1::SearchDatasetsResponse* response) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Status s = stub.SearchDatasets(&ctx, request, response);
  if (!s.ok()) {
    return absl::InternalError(absl::StrCat("SearchDatasets: ", s.error_code(), " ",
                                            s.error_message()));
  }
  return Answer{response->total(), response->hits_size()};
}

// ---- closed-loop runs ----------------------------------------------------------

struct RunResult {
  int64_t calls = 0, failed = 0;
  double seconds = 0, cpu_seconds = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
  double qps() const { return seconds > 0 ? static_cast<double>(calls) / seconds : 0; }
  std::string first_error;
};

// C clients, each with its own connection and one query outstanding, for
// `seconds`; client k starts at query 7k and goes round the list.
// `search(k, query)` runs one search on client k's connection.
RunResult Run(int clients, double seconds,
              const std::function<absl::StatusOr<Answer>(int, const Query&)>& search) {
  const std::vector<Query>& queries = Queries();
  std::vector<std::vector<int64_t>> lat(static_cast<size_t>(clients));
  std::vector<int64_t> failed(static_cast<size_t>(clients), 0);
  std::vector<std::string> errors(static_cast<size_t>(clients));
  const double cpu0 = ProcessCpuSeconds();
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int k = 0; k < clients; ++k) {
    threads.emplace_back([&, k] {
      size_t i = static_cast<size_t>(7 * k);
      while (Clock::now() < end && lat[k].size() < 2000000) {
        const Query& q = queries[i++ % queries.size()];
        const Clock::time_point t0 = Clock::now();
        absl::StatusOr<Answer> a = search(k, q);
        const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
        if (a.ok()) {
          lat[k].push_back(ns);
        } else {
          if (errors[k].empty()) errors[k] = a.status().ToString();
          ++failed[k];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  RunResult r;
  r.seconds = SecondsSince(start);
  r.cpu_seconds = ProcessCpuSeconds() - cpu0;
  std::vector<int64_t> all;
  for (int k = 0; k < clients; ++k) {
    all.insert(all.end(), lat[k].begin(), lat[k].end());
    r.failed += failed[k];
    if (r.first_error.empty()) r.first_error = errors[k];
  }
  r.calls = static_cast<int64_t>(all.size());
  if (!all.empty()) {
    r.p50_us = QuantileMicros(all, 0.5);
    r.p90_us = QuantileMicros(all, 0.9);
    r.p99_us = QuantileMicros(all, 0.99);
    r.max_us = QuantileMicros(all, 1.0);
  }
  return r;
}

nlohmann::ordered_json RunJsonOf(const RunResult& r) {
  nlohmann::ordered_json j;
  j["calls"] = r.calls;
  j["failed"] = r.failed;
  j["qps"] = Round(r.qps(), 10);
  j["p50_ms"] = Round(r.p50_us / 1000, 1000);
  j["p90_ms"] = Round(r.p90_us / 1000, 1000);
  j["p99_ms"] = Round(r.p99_us / 1000, 1000);
  j["max_ms"] = Round(r.max_us / 1000, 1000);
  j["process_cpu_ms_per_query"] =
      Round(r.calls > 0 ? r.cpu_seconds * 1000 / static_cast<double>(r.calls) : 0, 1000);
  return j;
}

// CPU seconds (user + system) of the PostgreSQL server processes, from
// /proc (the cluster runs on this machine; as another user, still readable).
double PgServerCpuSeconds(PGconn* c) {
  PGresult* r = PQexec(c, "SELECT pid FROM pg_stat_activity");
  double total = 0;
  if (PQresultStatus(r) == PGRES_TUPLES_OK) {
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    for (int i = 0; i < PQntuples(r); ++i) {
      std::ifstream in(absl::StrCat("/proc/", PQgetvalue(r, i, 0), "/stat"));
      std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const size_t paren = stat.rfind(')');
      if (paren == std::string::npos) continue;
      std::vector<std::string> f = absl::StrSplit(stat.substr(paren + 2), ' ');
      if (f.size() > 13) total += (std::atof(f[11].c_str()) + std::atof(f[12].c_str())) / tick;
    }
  }
  PQclear(r);
  return total;
}

// ---- main ----------------------------------------------------------------------

int Main(int argc, char** argv) {
  Options o;
  std::string error;
  if (!ParseOptions(argc, argv, kUsage,
                    {
                        StringOption("--certs", &o.certs),
                        StringOption("--work", &o.work),
                        StringOption("--pg", &o.pg),
                        IntOption("--datasets", 100, 10000000, &o.datasets),
                        IntOption("--seed", 0, INT64_MAX, &o.seed),
                        DoubleOption("--seconds", 0.5, 600, &o.seconds),
                        IntOption("--rounds", 1, 20, &o.rounds),
                        StringOption("--clients", &o.clients),
                        SwitchOption("--reindex", &o.reindex),
                        SwitchOption("--keep", &o.keep),
                        DoubleOption("--lag-max-seconds", 1, 86400, &o.lag_max_seconds),
                    },
                    &error)) {
    std::fprintf(stderr, "%s: %s\n%s", kProgram, error.c_str(), kUsage);
    return 2;
  }
  std::vector<int> client_counts;
  for (absl::string_view c : absl::StrSplit(o.clients, ',')) {
    const int n = std::atoi(std::string(c).c_str());
    if (n < 1 || n > 256) {
      std::fprintf(stderr, "%s: --clients: bad count '%s'\n", kProgram, std::string(c).c_str());
      return 2;
    }
    client_counts.push_back(n);
  }
  if (o.certs.empty()) {
    std::fprintf(stderr, "%s: --certs DIR is required\n%s", kProgram, kUsage);
    return 2;
  }
  if (!CheckBenchCerts(o.certs, kProgram)) return 2;
  spdlog::set_level(spdlog::level::warn);

  std::unique_ptr<testing::TempDir> temp;
  if (o.work.empty()) {
    temp = std::make_unique<testing::TempDir>();
    o.work = temp->path();
  }
  std::filesystem::create_directories(o.work);
  const std::string data_dir = o.work + "/data";
  const std::string started_at = UtcNow();
  const std::string load_start = LoadAverage();
  const std::string fs = FileSystemType(o.work);
  bool ok = true;
  nlohmann::ordered_json j = RunJson(kProgram, started_at, fs, load_start);
  j["datasets"] = o.datasets;
  j["seed"] = o.seed;
  j["seconds_per_run"] = o.seconds;
  j["rounds"] = o.rounds;
  j["queries"] = Queries().size();

  server::ServerOptions so;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> server =
      StartBenchServer(o.certs, data_dir, "", o.work, 0, &so);
  if (!server.ok()) {
    std::fprintf(stderr, "%s: cannot start catalogd: %s\n", kProgram,
                 server.status().ToString().c_str());
    return 1;
  }
  const std::string address = absl::StrCat("127.0.0.1:", (*server)->port());
  std::printf("%s: catalogd on %s (mTLS, sync_writes, search indexer on), data %s (%s)\n",
              kProgram, address.c_str(), data_dir.c_str(), fs.c_str());
  std::printf("machine: %u CPUs, %s; load average %s\n", std::thread::hardware_concurrency(),
              CpuModel().c_str(), load_start.c_str());
  std::fflush(stdout);

  // ---- generate ----
  const demo::LandscapeGenerator generator({o.datasets, o.seed});
  std::vector<std::string> serialized;
  serialized.reserve(static_cast<size_t>(o.datasets));
  std::string copy_data;
  {
    const Clock::time_point t0 = Clock::now();
    for (int64_t i = 0; i < o.datasets; ++i) {
      v1::Dataset d = generator.Dataset(i);
      if (!o.pg.empty()) AppendCopyRow(d, &copy_data);
      serialized.push_back(d.SerializeAsString());
    }
    const double s = SecondsSince(t0);
    std::printf("generated %lld datasets in %.1f s\n", static_cast<long long>(o.datasets), s);
    j["generate_seconds"] = Round(s, 10);
    std::fflush(stdout);
  }

  auto bulk_load = [&](v1::CatalogService::Stub& stub, const std::string& to)
      -> absl::StatusOr<client::BulkLoadResult> {
    client::ConnectionOptions copts;
    copts.server = to;
    size_t next = 0;
    return client::BulkLoad(
        stub, copts,
        [&](v1::Dataset* d) {
          if (next >= serialized.size()) return false;
          return d->ParseFromString(serialized[next++]);
        },
        500);
  };

  // ---- bulk load without the index (its own server and data directory) ----
  double rate_without = 0;
  {
    server::ServerOptions plain;
    plain.search_indexer.enabled = false;
    const std::string plain_dir = o.work + "/data-without-index";
    absl::StatusOr<std::unique_ptr<server::CatalogServer>> without =
        StartBenchServer(o.certs, plain_dir, so.policy_file, o.work, 0, &plain);
    if (!without.ok()) {
      std::fprintf(stderr, "%s: cannot start catalogd without the index: %s\n", kProgram,
                   without.status().ToString().c_str());
      return 1;
    }
    const std::string plain_address = absl::StrCat("127.0.0.1:", (*without)->port());
    std::unique_ptr<v1::CatalogService::Stub> stub =
        v1::CatalogService::NewStub(Channel(plain_address, o.certs, 1000));
    const Clock::time_point t0 = Clock::now();
    absl::StatusOr<client::BulkLoadResult> result = bulk_load(*stub, plain_address);
    const double seconds = SecondsSince(t0);
    const int64_t stored = result.ok() ? result->created + result->replaced : 0;
    rate_without = static_cast<double>(stored) / seconds;
    std::printf("bulk load without the index: %lld stored in %.1f s = %.0f datasets/s\n",
                static_cast<long long>(stored), seconds, rate_without);
    std::fflush(stdout);
    stub.reset();
    (*without)->Shutdown(absl::Seconds(5)).IgnoreError();
    without->reset();
    std::filesystem::remove_all(plain_dir);
    if (!result.ok() || stored != static_cast<int64_t>(serialized.size())) ok = false;
  }

  // ---- bulk load with the indexer running, then its lag ----
  std::shared_ptr<grpc::Channel> load_channel = Channel(address, o.certs, 1000);
  std::unique_ptr<v1::CatalogService::Stub> catalog_stub = v1::CatalogService::NewStub(load_channel);
  std::unique_ptr<v1::SearchService::Stub> probe = v1::SearchService::NewStub(load_channel);
  v1::SearchDatasetsRequest all_request;
  all_request.set_page_size(1);
  auto indexed = [&]() -> int64_t {
    v1::SearchDatasetsResponse resp;
    absl::StatusOr<Answer> a = CatalogSearch(*probe, all_request, &resp);
    return a.ok() ? a->total : -1;
  };
  nlohmann::ordered_json load;
  double load_rate = 0, lag_seconds = -1;
  {
    std::atomic<bool> loading{true};
    // The index's progress during the load, sampled every second.
    std::vector<std::pair<double, int64_t>> progress;
    const Clock::time_point start = Clock::now();
    std::thread sampler([&] {
      while (loading.load()) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        if (loading.load()) progress.emplace_back(SecondsSince(start), indexed());
      }
    });
    const double cpu0 = ProcessCpuSeconds();
    absl::StatusOr<client::BulkLoadResult> result = bulk_load(*catalog_stub, address);
    const double seconds = SecondsSince(start);
    const double cpu = ProcessCpuSeconds() - cpu0;
    loading = false;
    sampler.join();
    const int64_t at_end = indexed();
    if (!result.ok() || result->failed > 0) {
      std::fprintf(stderr, "%s: bulk load failed: %s\n", kProgram,
                   result.ok() ? (result->failures.empty() ? "?"
                                                           : result->failures[0].message().c_str())
                               : result.status().ToString().c_str());
      ok = false;
    }
    const int64_t stored = result.ok() ? result->created + result->replaced : 0;
    load_rate = static_cast<double>(stored) / seconds;
    std::printf("bulk load: %lld stored in %.1f s = %.0f datasets/s (%.0f us process CPU each); "
                "index had %lld at the end of the load\n",
                static_cast<long long>(stored), seconds, load_rate,
                cpu * 1e6 / std::max<double>(1, static_cast<double>(stored)),
                static_cast<long long>(at_end));
    std::fflush(stdout);
    // Catch-up: until the index counts every stored dataset.
    const Clock::time_point lag_start = Clock::now();
    const double cpu1 = ProcessCpuSeconds();
    int64_t n = at_end;
    int64_t last_print = 0;
    while (n < stored && SecondsSince(lag_start) < o.lag_max_seconds) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      n = indexed();
      if (n - last_print >= 100000) {
        std::printf("  index: %lld datasets after %.0f s of catch-up\n", static_cast<long long>(n),
                    SecondsSince(lag_start));
        std::fflush(stdout);
        last_print = n;
      }
    }
    lag_seconds = SecondsSince(lag_start);
    const double lag_cpu = ProcessCpuSeconds() - cpu1;
    std::printf("index caught up (%lld of %lld) %.1f s after the load (%.0f s CPU)\n",
                static_cast<long long>(n), static_cast<long long>(stored), lag_seconds, lag_cpu);
    if (n < stored) {
      std::printf("WARNING: the index did not catch up within --lag-max-seconds\n");
      ok = false;
    }
    load["stored"] = stored;
    load["seconds"] = Round(seconds, 100);
    load["rate"] = Round(load_rate, 1);
    load["process_cpu_us_per_dataset"] =
        Round(cpu * 1e6 / std::max<double>(1, static_cast<double>(stored)), 10);
    load["indexed_at_end_of_load"] = at_end;
    load["index_lag_seconds"] = Round(lag_seconds, 10);
    load["index_lag_process_cpu_seconds"] = Round(lag_cpu, 10);
    load["index_build_seconds"] = Round(seconds + lag_seconds, 10);
    load["indexed"] = n;
    nlohmann::ordered_json p = nlohmann::ordered_json::array();
    for (const auto& [t, k] : progress) p.push_back({Round(t, 10), k});
    load["index_progress"] = p;
    // Two ratios: the rate acknowledged while the indexer runs beside the
    // load, and the rate until everything loaded is also searchable.
    const double searchable_rate = static_cast<double>(stored) / (seconds + lag_seconds);
    load["without_index_rate"] = Round(rate_without, 1);
    load["ratio_acknowledged"] = Round(load_rate / rate_without, 1000);
    load["ratio_until_searchable"] = Round(searchable_rate / rate_without, 1000);
    std::printf("index cost: acknowledged %.0f / %.0f datasets/s = %.3f x; until searchable "
                "%.0f / %.0f = %.3f x (target >= 0.8)\n",
                load_rate, rate_without, load_rate / rate_without, searchable_rate, rate_without,
                searchable_rate / rate_without);
  }
  serialized.clear();
  serialized.shrink_to_fit();
  j["load"] = load;
  j["rss_mib_after_load"] = Round(StatusMiB("VmRSS:"), 1);

  // ---- PostgreSQL ----
  std::vector<PgConn> pg;
  nlohmann::ordered_json pg_json;
  if (!o.pg.empty()) {
    absl::StatusOr<PgConn> admin = PgConnect(o.pg);
    if (!admin.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, admin.status().ToString().c_str());
      return 1;
    }
    PGconn* c = admin->get();
    pg_json["version"] = PgValue(c, "SHOW server_version");
    pg_json["tls"] = PQsslInUse(c) == 1;
    const Clock::time_point t0 = Clock::now();
    absl::Status s = PgExec(c, kPgSchema);
    if (s.ok()) s = PgCopy(c, copy_data);
    const double copy_s = SecondsSince(t0);
    const Clock::time_point t1 = Clock::now();
    if (s.ok()) s = PgExec(c, "CREATE INDEX datasets_tsv ON datasets USING gin (tsv)");
    const double gin_s = SecondsSince(t1);
    const Clock::time_point t2 = Clock::now();
    if (s.ok()) s = PgExec(c, "CREATE INDEX datasets_domain ON datasets (domain)");
    if (s.ok()) s = PgExec(c, "CREATE INDEX datasets_confidentiality ON datasets (confidentiality)");
    if (s.ok()) s = PgExec(c, "VACUUM ANALYZE datasets");
    const double rest_s = SecondsSince(t2);
    if (!s.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, s.ToString().c_str());
      return 1;
    }
    copy_data.clear();
    copy_data.shrink_to_fit();
    pg_json["copy_seconds"] = Round(copy_s, 10);
    pg_json["gin_seconds"] = Round(gin_s, 10);
    pg_json["btree_analyze_seconds"] = Round(rest_s, 10);
    pg_json["table_mib"] =
        std::atof(PgValue(c, "SELECT pg_table_size('datasets')").c_str()) / 1048576.0;
    pg_json["gin_mib"] =
        std::atof(PgValue(c, "SELECT pg_relation_size('datasets_tsv')").c_str()) / 1048576.0;
    pg_json["settings"] = PgValue(
        c, "SELECT string_agg(name || '=' || setting, ', ') FROM pg_settings WHERE name IN "
           "('shared_buffers', 'work_mem', 'jit', 'max_parallel_workers_per_gather', "
           "'default_text_search_config')");
    std::printf("PostgreSQL %s (TLS %s): COPY %.1f s (with the tsvector), GIN %.1f s, B-trees "
                "and ANALYZE %.1f s; table %.0f MiB, GIN %.0f MiB\n",
                pg_json["version"].get<std::string>().c_str(), PQsslInUse(c) == 1 ? "on" : "off",
                copy_s, gin_s, rest_s, pg_json["table_mib"].get<double>(),
                pg_json["gin_mib"].get<double>());
    std::fflush(stdout);
    pg.push_back(std::move(*admin));
    const int max_clients = *std::max_element(client_counts.begin(), client_counts.end());
    while (static_cast<int>(pg.size()) < max_clients) {
      absl::StatusOr<PgConn> cn = PgConnect(o.pg);
      if (!cn.ok()) {
        std::fprintf(stderr, "%s: %s\n", kProgram, cn.status().ToString().c_str());
        return 1;
      }
      pg.push_back(std::move(*cn));
    }
    for (PgConn& cn : pg) {
      if (absl::Status p = PgPrepare(cn.get()); !p.ok()) {
        std::fprintf(stderr, "%s: %s\n", kProgram, p.ToString().c_str());
        return 1;
      }
    }
  }

  // ---- connections to catalogd: one per client ----
  const int max_clients = *std::max_element(client_counts.begin(), client_counts.end());
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::SearchService::Stub>> stubs;
  for (int k = 0; k < max_clients; ++k) {
    channels.push_back(Channel(address, o.certs, k));
    if (!channels.back()->WaitForConnected(std::chrono::system_clock::now() +
                                           std::chrono::seconds(15))) {
      std::fprintf(stderr, "%s: connection %d not ready\n", kProgram, k);
      return 1;
    }
    stubs.push_back(v1::SearchService::NewStub(channels.back()));
  }
  std::vector<v1::SearchDatasetsRequest> requests;
  for (const Query& q : Queries()) requests.push_back(SearchRequest(q));
  auto catalog_search = [&](int k, const Query& q) -> absl::StatusOr<Answer> {
    const size_t i = static_cast<size_t>(&q - Queries().data());
    v1::SearchDatasetsResponse resp;
    return CatalogSearch(*stubs[static_cast<size_t>(k)], requests[i], &resp);
  };
  auto pg_search = [&](int k, const Query& q) { return PgSearch(pg[static_cast<size_t>(k)].get(), q); };

  const double idle = WaitForIdle(300);
  std::printf("waited %.0f s for background flushes and compactions\n", idle);
  j["idle_wait_seconds"] = Round(idle, 10);

  // ---- every query once (warm-up), with both sides' match counts ----
  nlohmann::ordered_json per_query = nlohmann::ordered_json::array();
  std::printf("\n%-34s %-36s %9s %9s %9s %9s\n", "query", "filter", "catalogd", "pg", "cat ms",
              "pg ms");
  int64_t matches_catalogd = 0, matches_pg = 0;
  int differ = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (const Query& q : Queries()) {
      const Clock::time_point t0 = Clock::now();
      absl::StatusOr<Answer> a = catalog_search(0, q);
      const double cat_ms = SecondsSince(t0) * 1000;
      absl::StatusOr<Answer> b = absl::UnavailableError("no PostgreSQL");
      double pg_ms = 0;
      if (!pg.empty()) {
        const Clock::time_point t1 = Clock::now();
        b = pg_search(0, q);
        pg_ms = SecondsSince(t1) * 1000;
      }
      if (!a.ok()) {
        std::fprintf(stderr, "%s: %s: %s\n", kProgram, q.text, a.status().ToString().c_str());
        ok = false;
      }
      if (!pg.empty() && !b.ok()) {
        std::fprintf(stderr, "%s: %s: %s\n", kProgram, q.text, b.status().ToString().c_str());
        ok = false;
      }
      if (pass == 0) continue;  // The first pass warms caches.
      const int64_t ta = a.ok() ? a->total : -1, tb = b.ok() ? b->total : -1;
      matches_catalogd += std::max<int64_t>(0, ta);
      matches_pg += std::max<int64_t>(0, tb);
      differ += !pg.empty() && ta != tb;
      std::printf("%-34s %-36s %9lld %9lld %9.2f %9.2f\n", q.text, FilterText(q).c_str(),
                  static_cast<long long>(ta), static_cast<long long>(tb), cat_ms, pg_ms);
      nlohmann::ordered_json e;
      e["query"] = q.text;
      e["filter"] = FilterText(q);
      e["catalogd_total"] = ta;
      e["pg_total"] = tb;
      e["catalogd_ms"] = Round(cat_ms, 100);
      e["pg_ms"] = Round(pg_ms, 100);
      per_query.push_back(e);
    }
  }
  std::printf("matches per query: catalogd %.0f, PostgreSQL %.0f on average; %d of %zu queries "
              "count differently\n",
              static_cast<double>(matches_catalogd) / static_cast<double>(Queries().size()),
              static_cast<double>(matches_pg) / static_cast<double>(Queries().size()), differ,
              Queries().size());
  std::fflush(stdout);
  j["per_query"] = per_query;
  j["queries_counting_differently"] = differ;

  // ---- measured runs ----
  nlohmann::ordered_json runs = nlohmann::ordered_json::object();
  struct Summary {
    int clients;
    std::vector<RunResult> cat, pg;
    std::vector<double> p50_ratio, qps_ratio;
  };
  std::vector<Summary> summaries;
  for (int c : client_counts) {
    Summary sum{c, {}, {}, {}, {}};
    for (int round = 0; round < o.rounds; ++round) {
      const bool pg_first = !pg.empty() && round % 2 == 1;
      RunResult cat_r, pg_r;
      double pg_cpu = 0;
      for (int side = 0; side < 2; ++side) {
        const bool is_pg = (side == 0) == pg_first;
        if (is_pg && pg.empty()) continue;
        if (is_pg) {
          const double cpu0 = PgServerCpuSeconds(pg[0].get());
          pg_r = Run(c, o.seconds, pg_search);
          pg_cpu = PgServerCpuSeconds(pg[0].get()) - cpu0;
          pg_r.cpu_seconds += pg_cpu;  // Client (this process) and server.
        } else {
          cat_r = Run(c, o.seconds, catalog_search);
        }
      }
      std::printf("clients %d round %d: catalogd p50 %.2f ms p99 %.2f ms %.1f q/s (%lld failed)",
                  c, round + 1, cat_r.p50_us / 1000, cat_r.p99_us / 1000, cat_r.qps(),
                  static_cast<long long>(cat_r.failed));
      if (!pg.empty()) {
        std::printf(" | PostgreSQL p50 %.2f ms p99 %.2f ms %.1f q/s (%lld failed)",
                    pg_r.p50_us / 1000, pg_r.p99_us / 1000, pg_r.qps(),
                    static_cast<long long>(pg_r.failed));
        if (pg_r.p50_us > 0) sum.p50_ratio.push_back(cat_r.p50_us / pg_r.p50_us);
        if (pg_r.qps() > 0) sum.qps_ratio.push_back(cat_r.qps() / pg_r.qps());
      }
      std::printf("\n");
      std::fflush(stdout);
      if (cat_r.failed > 0) {
        std::fprintf(stderr, "%s: catalogd: %s\n", kProgram, cat_r.first_error.c_str());
        ok = false;
      }
      if (pg_r.failed > 0) {
        std::fprintf(stderr, "%s: PostgreSQL: %s\n", kProgram, pg_r.first_error.c_str());
        ok = false;
      }
      sum.cat.push_back(cat_r);
      if (!pg.empty()) sum.pg.push_back(pg_r);
    }
    summaries.push_back(std::move(sum));
  }
  j["rss_mib"] = Round(StatusMiB("VmRSS:"), 1);
  j["rss_peak_mib"] = Round(StatusMiB("VmHWM:"), 1);

  auto med = [](const std::vector<RunResult>& v, double (*f)(const RunResult&)) {
    std::vector<double> x;
    for (const RunResult& r : v) x.push_back(f(r));
    return x.empty() ? 0.0 : Median(x);
  };
  auto p50 = [](const RunResult& r) { return r.p50_us / 1000; };
  auto p99 = [](const RunResult& r) { return r.p99_us / 1000; };
  auto qps = [](const RunResult& r) { return r.qps(); };
  auto cpu = [](const RunResult& r) {
    return r.calls > 0 ? r.cpu_seconds * 1000 / static_cast<double>(r.calls) : 0;
  };
  bool all_met = ok;
  for (const Summary& s : summaries) {
    nlohmann::ordered_json e;
    nlohmann::ordered_json cr = nlohmann::ordered_json::array(), pr = nlohmann::ordered_json::array();
    for (const RunResult& r : s.cat) cr.push_back(RunJsonOf(r));
    for (const RunResult& r : s.pg) pr.push_back(RunJsonOf(r));
    e["catalogd"] = {{"p50_ms", Round(med(s.cat, p50), 1000)},
                     {"p99_ms", Round(med(s.cat, p99), 1000)},
                     {"qps", Round(med(s.cat, qps), 10)},
                     {"process_cpu_ms_per_query", Round(med(s.cat, cpu), 1000)},
                     {"rounds", cr}};
    if (!s.pg.empty()) {
      e["postgres"] = {{"p50_ms", Round(med(s.pg, p50), 1000)},
                       {"p99_ms", Round(med(s.pg, p99), 1000)},
                       {"qps", Round(med(s.pg, qps), 10)},
                       {"cpu_ms_per_query_client_and_server", Round(med(s.pg, cpu), 1000)},
                       {"rounds", pr}};
      e["p50_ratio_catalogd_to_pg"] = Round(Median(s.p50_ratio), 1000);
      e["qps_ratio_catalogd_to_pg"] = Round(Median(s.qps_ratio), 1000);
    }
    runs[absl::StrCat("clients_", s.clients)] = e;
  }
  j["runs"] = runs;

  // ---- shut down, index size, reindex ----
  absl::Status closed = (*server)->Shutdown(absl::Seconds(10));
  if (!closed.ok()) {
    std::fprintf(stderr, "%s: shutdown: %s\n", kProgram, closed.ToString().c_str());
    ok = false;
  }
  server->reset();
  const double index_mib = DirMiB(server::SearchIndexDir(data_dir));
  const double data_mib = DirMiB(data_dir) - index_mib;
  j["index_mib"] = Round(index_mib, 10);
  j["store_mib"] = Round(data_mib, 10);
  double reindex_s = -1;
  if (o.reindex) {
    storage::StoreOptions sopts;
    sopts.path = data_dir;
    absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store =
        storage::CatalogStore::Open(sopts);
    if (!store.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, store.status().ToString().c_str());
      ok = false;
    } else {
      std::printf("reindex (RebuildSearchIndex) of %lld datasets ...\n",
                  static_cast<long long>(o.datasets));
      std::fflush(stdout);
      const double cpu0 = ProcessCpuSeconds();
      const Clock::time_point t0 = Clock::now();
      absl::StatusOr<uint64_t> rev = server::RebuildSearchIndex(**store, data_dir);
      reindex_s = SecondsSince(t0);
      j["reindex_seconds"] = Round(reindex_s, 10);
      j["reindex_cpu_seconds"] = Round(ProcessCpuSeconds() - cpu0, 10);
      j["reindex_index_mib"] = Round(DirMiB(server::SearchIndexDir(data_dir)), 10);
      if (!rev.ok()) {
        std::fprintf(stderr, "%s: reindex: %s\n", kProgram, rev.status().ToString().c_str());
        ok = false;
      }
      (void)(*store)->Close();
    }
  }
  const std::string load_end = LoadAverage();
  j["loadavg_end"] = load_end;
  if (!pg_json.empty()) j["postgres"] = pg_json;

  // ---- table ----
  std::printf("\n%s, %lld datasets, %zu queries, %d rounds of %.0f s\n", kProgram,
              static_cast<long long>(o.datasets), Queries().size(), o.rounds, o.seconds);
  std::printf("| measure | catalogd | PostgreSQL | ratio | target |\n|---|---|---|---|---|\n");
  for (const Summary& s : summaries) {
    const double cp50 = med(s.cat, p50), cp99 = med(s.cat, p99), cq = med(s.cat, qps);
    const bool has_pg = !s.pg.empty();
    const double r50 = has_pg ? Median(s.p50_ratio) : 0;
    if (s.clients == 1) {
      all_met = all_met && cp50 <= 5 && (!has_pg || r50 < 1);
    }
    std::printf("| p50, %d client(s) | %.2f ms | %s | %s | %s |\n", s.clients, cp50,
                has_pg ? absl::StrCat(Round(med(s.pg, p50), 100), " ms").c_str() : "-",
                has_pg ? absl::StrCat(Round(r50, 1000)).c_str() : "-",
                s.clients == 1 ? "<= 5 ms, < 1" : "-");
    std::printf("| p99, %d client(s) | %.2f ms | %s | %s | - |\n", s.clients, cp99,
                has_pg ? absl::StrCat(Round(med(s.pg, p99), 100), " ms").c_str() : "-",
                has_pg && med(s.pg, p99) > 0 ? absl::StrCat(Round(cp99 / med(s.pg, p99), 1000)).c_str()
                                             : "-");
    std::printf("| QPS, %d client(s) | %.1f | %s | %s | - |\n", s.clients, cq,
                has_pg ? absl::StrCat(Round(med(s.pg, qps), 10)).c_str() : "-",
                has_pg ? absl::StrCat(Round(Median(s.qps_ratio), 1000)).c_str() : "-");
    std::printf("| CPU per query, %d client(s) | %.2f ms (process) | %s | | |\n", s.clients,
                med(s.cat, cpu),
                has_pg ? absl::StrCat(Round(med(s.pg, cpu), 100), " ms (client + server)").c_str()
                       : "-");
  }
  all_met = all_met && j["load"]["ratio_acknowledged"].get<double>() >= 0.8 &&
            j["load"]["ratio_until_searchable"].get<double>() >= 0.8;
  std::printf("| bulk load, acknowledged, indexer running | %.0f datasets/s | without index %.0f | %.3f "
              "| >= 0.8 |\n",
              load_rate, rate_without, j["load"]["ratio_acknowledged"].get<double>());
  std::printf("| bulk load until searchable | %.0f datasets/s | without index %.0f | %.3f | >= 0.8 |\n",
              j["load"]["ratio_until_searchable"].get<double>() * rate_without, rate_without,
              j["load"]["ratio_until_searchable"].get<double>());
  std::printf("| index catch-up after the load | %.1f s | GIN %s | | |\n", lag_seconds,
              pg_json.contains("gin_seconds")
                  ? absl::StrCat(pg_json["gin_seconds"].get<double>(), " s").c_str()
                  : "-");
  std::printf("| index size | %.0f MiB | %s | | |\n", index_mib,
              pg_json.contains("gin_mib")
                  ? absl::StrCat(Round(pg_json["gin_mib"].get<double>(), 1), " MiB GIN").c_str()
                  : "-");
  if (reindex_s >= 0) std::printf("| reindex | %.1f s | | | |\n", reindex_s);
  std::printf("| RSS (process: server + client) | %.0f MiB, peak %.0f MiB | | | <= 1536 MiB |\n",
              j["rss_mib"].get<double>(), j["rss_peak_mib"].get<double>());
  PrintLoad(load_start, load_end);
  if (!o.keep && temp == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir, ec);
  }
  return FinishRun(j, all_met, ok);
}

}  // namespace
}  // namespace catalog::bench

int main(int argc, char** argv) { return catalog::bench::Main(argc, argv); }
