// catalogd: the municipal metadata catalogue server.
//
//   catalogd serve ...   serve the catalogue (see config.h for the options)
//   catalogd check ...   verify a data directory's indexes, revisions and
//                        change log; exit 1 on any problem
//   catalogd hash-api-key --principal NAME   read an API key on stdin, print
//                        its [[api_key]] policy entry (digest only)
//   catalogd reindex ... rebuild the search index of a data directory (the
//                        server must be stopped)
#include <csignal>
#include <cstdio>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "server/catalogd/config.h"
#include "server/core/search_indexer.h"
#include "server/security/api_key.h"
#include "server/transport/catalog_server.h"
#include "server/transport/logging.h"
#include "storage/catalog_store.h"

namespace {

using catalog::server::ServerOptions;

constexpr int kExitUsage = 64;

int Fail(const absl::Status& status) {
  spdlog::error("msg={} code={}", catalog::server::LogQuoted(status.message()),
                absl::StatusCodeToString(status.code()));
  return 1;
}

// Blocks the termination signals and SIGHUP in every thread (the mask is inherited by
// threads started later) and waits for one of them on this thread.
sigset_t BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Serve(const ServerOptions& options) {
  const sigset_t signals = BlockTerminationSignals();
  absl::StatusOr<std::unique_ptr<catalog::server::CatalogServer>> server =
      catalog::server::CatalogServer::Start(options);
  if (!server.ok()) return Fail(server.status());
  // Machine-readable readiness lines for scripts and tests (port 0 -> real
  // port); the HTTPS port first, so that it is known once the gRPC line is.
  if ((*server)->http_port() != 0) {
    std::printf("catalogd http listening on port %d\n", (*server)->http_port());
  }
  std::printf("catalogd listening on port %d\n", (*server)->port());
  std::fflush(stdout);
  int signal = 0;
  while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
    (*server)->ReloadPolicy().IgnoreError();  // Logged; the old policy stays.
  }
  spdlog::info("msg=\"shutting down\" signal={}", signal);
  absl::Status closed = (*server)->Shutdown(absl::Seconds(10));
  return closed.ok() ? 0 : Fail(closed);
}

// The store of `data_dir`, for the offline subcommands (fails while a
// server holds it).
absl::StatusOr<std::unique_ptr<catalog::storage::CatalogStore>> OpenStore(
    const std::string& data_dir) {
  catalog::storage::StoreOptions store_options;
  store_options.path = data_dir;
  return catalog::storage::CatalogStore::Open(store_options);
}

int Check(const std::string& data_dir) {
  absl::StatusOr<std::unique_ptr<catalog::storage::CatalogStore>> store = OpenStore(data_dir);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<catalog::storage::CheckReport> report = (*store)->Check();
  absl::Status closed = (*store)->Close();
  if (!report.ok()) return Fail(report.status());
  std::cout << "datasets: " << report->datasets << "\nindex entries: " << report->index_entries
            << "\nrevisions: " << report->revisions
            << "\nchange-log entries: " << report->change_log_entries
            << "\nlineage edges: " << report->edges
            << "\nterugmeldingen: " << report->terugmeldingen
            << "\nprocessing operations: " << report->processing_operations
            << "\naudit entries: " << report->audit_entries << "\n";
  for (const std::string& problem : report->problems) std::cout << "PROBLEM: " << problem << "\n";
  std::cout << (report->ok() ? "check passed" : "check FAILED") << std::endl;
  if (!closed.ok()) return Fail(closed);
  return report->ok() ? 0 : 1;
}

// Builds DATA_DIR/search.new from the store's current datasets and renames
// it over DATA_DIR/search.
int Reindex(const std::string& data_dir) {
  absl::StatusOr<std::unique_ptr<catalog::storage::CatalogStore>> store = OpenStore(data_dir);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<uint64_t> revision = catalog::server::RebuildSearchIndex(**store, data_dir);
  const size_t datasets = (*store)->facts().size();
  absl::Status closed = (*store)->Close();
  if (!revision.ok()) return Fail(revision.status());
  if (!closed.ok()) return Fail(closed);
  std::cout << "search index rebuilt: datasets: " << datasets
            << "\napplied revision: " << *revision << std::endl;
  return 0;
}

// Reads a key from stdin (one trailing newline dropped) and prints the
// policy entry holding its digest; the key itself is never printed.
int HashApiKey(const std::string& principal) {
  std::string key((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (!key.empty() && key.back() == '\n') key.pop_back();
  if (!key.empty() && key.back() == '\r') key.pop_back();
  if (absl::Status s = catalog::server::CheckNewApiKey(key); !s.ok()) {
    std::cerr << "catalogd hash-api-key: " << s.message() << std::endl;
    return 1;
  }
  std::cout << "[[api_key]]\nprincipal = \"" << principal << "\"\nsha256 = \""
            << catalog::server::ApiKeyDigest(key) << "\"\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"catalogd: the municipal metadata catalogue server"};
  app.require_subcommand(1);
  ServerOptions options;
  std::string config_file;
  std::string log_level = "info";

  CLI::App* serve = app.add_subcommand("serve", "Serve the catalogue over gRPC with mutual TLS");
  serve->add_option("--config", config_file, "TOML configuration file")->check(CLI::ExistingFile);
  CLI::Option* listen = serve->add_option("--listen", options.listen, "host:port to listen on");
  CLI::Option* data_dir = serve->add_option("--data-dir", options.data_dir, "data directory");
  CLI::Option* cert = serve->add_option("--tls-cert", options.tls_cert, "server certificate (PEM)");
  CLI::Option* key = serve->add_option("--tls-key", options.tls_key, "server private key (PEM)");
  CLI::Option* ca = serve->add_option("--client-ca", options.client_ca,
                                      "CA bundle for client certificates (PEM)");
  CLI::Option* crl = serve->add_option("--crl", options.crl_file,
                                       "certificate revocation list of the client CA (PEM)");
  CLI::Option* policy = serve->add_option("--policy", options.policy_file,
                                          "access policy (TOML); reloaded on SIGHUP and change");
  CLI::Option* plaintext = serve->add_flag(
      "--insecure-plaintext", options.insecure_plaintext,
      "development only: no TLS, no client certificates; loopback addresses only");
  CLI::Option* no_search_index = serve->add_flag_function(
      "--no-search-index", [&options](int64_t) { options.search_indexer.enabled = false; },
      "run without the search index: SearchDatasets answers UNAVAILABLE; the index catches up "
      "from the change log at the next start with it");
  CLI::Option* level = serve->add_option("--log-level", log_level, "trace|debug|info|warn|error");
  CLI::Option* subject_key = serve->add_option(
      "--processing-subject-key", options.processing_subject_key_file,
      "key file for the subject-id hashes of the processing log (outside the data directory)");

  CLI::Option* http_listen = serve->add_option(
      "--http-listen", options.http_listen,
      "host:port of the HTTPS listener (POST /api/v1/lineage); none when not given");

  std::string key_principal;
  CLI::App* hash_key = app.add_subcommand(
      "hash-api-key", "Read an API key from stdin and print its [[api_key]] policy entry");
  hash_key->add_option("--principal", key_principal, "principal the key authenticates")
      ->required();

  std::string check_dir;
  CLI::App* check = app.add_subcommand("check", "Verify the indexes and history of a data directory");
  check->add_option("--data-dir", check_dir, "data directory")->required();

  std::string reindex_dir;
  CLI::App* reindex = app.add_subcommand(
      "reindex", "Rebuild the search index of a data directory (the server must be stopped)");
  reindex->add_option("--data-dir", reindex_dir, "data directory")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  if (*hash_key) return HashApiKey(key_principal);
  if (*check) {
    catalog::server::SetUpLogging("warn");
    return Check(check_dir);
  }
  if (*reindex) {
    catalog::server::SetUpLogging("warn");
    return Reindex(reindex_dir);
  }

  if (!config_file.empty()) {
    // The file first, then the flags given on the command line over it.
    ServerOptions from_file;
    std::string file_level = log_level;
    if (absl::Status s = catalog::server::LoadConfigFile(config_file, &from_file, &file_level);
        !s.ok()) {
      catalog::server::SetUpLogging("info");
      return Fail(s);
    }
    if (listen->count() == 0) options.listen = from_file.listen;
    if (http_listen->count() == 0) options.http_listen = from_file.http_listen;
    options.http_require_client_cert = from_file.http_require_client_cert;
    options.http_max_body_bytes = from_file.http_max_body_bytes;
    if (data_dir->count() == 0) options.data_dir = from_file.data_dir;
    if (cert->count() == 0) options.tls_cert = from_file.tls_cert;
    if (key->count() == 0) options.tls_key = from_file.tls_key;
    if (ca->count() == 0) options.client_ca = from_file.client_ca;
    if (plaintext->count() == 0) options.insecure_plaintext = from_file.insecure_plaintext;
    if (policy->count() == 0) options.policy_file = from_file.policy_file;
    if (crl->count() == 0) options.crl_file = from_file.crl_file;
    if (level->count() == 0) log_level = file_level;
    if (subject_key->count() == 0) {
      options.processing_subject_key_file = from_file.processing_subject_key_file;
    }
    options.lineage_limits = from_file.lineage_limits;
    options.max_message_bytes = from_file.max_message_bytes;
    options.limits = from_file.limits;
    options.write_threads = from_file.write_threads;
    options.cert_refresh_seconds = from_file.cert_refresh_seconds;
    options.quality = from_file.quality;
    options.terugmelding = from_file.terugmelding;
    options.landscape = from_file.landscape;
    options.change_feed = from_file.change_feed;
    options.dcat = from_file.dcat;
    if (no_search_index->count() == 0) options.search_indexer = from_file.search_indexer;
  }
  catalog::server::SetUpLogging(log_level);
  return Serve(options);
}
