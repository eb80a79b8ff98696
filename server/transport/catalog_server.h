// CatalogServer: catalogd assembled. Opens the store, builds the core and the
// services, and serves them over gRPC with mutual TLS, standard health
// checking and server reflection.
//
// Lifecycle: Start() -> serve -> Shutdown(). Use port 0 in `listen` to bind
// an available port (tests, benchmarks); port() tells which. Shutdown() lets
// calls in flight finish (up to the grace period), then closes the store; a
// destructor cannot report errors, so call it explicitly.
#ifndef CATALOG_SERVER_TRANSPORT_CATALOG_SERVER_H_
#define CATALOG_SERVER_TRANSPORT_CATALOG_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/core/accountability.h"
#include "server/core/change_feed.h"
#include "server/core/dataset_catalog.h"
#include "server/core/dcat_export.h"
#include "server/core/dataset_search.h"
#include "server/core/landscape_catalog.h"
#include "server/core/lineage_catalog.h"
#include "server/core/processing_log.h"
#include "server/core/processing_register.h"
#include "server/core/quality_catalog.h"
#include "server/core/terugmelding_catalog.h"

namespace catalog::server {

struct ServerOptions {
  // host:port to listen on.
  std::string listen = "127.0.0.1:7443";
  // Data directory of the embedded store.
  std::string data_dir;
  // Server certificate chain, its key, and the CA bundle for client
  // certificates (PEM files).
  std::string tls_cert;
  std::string tls_key;
  std::string client_ca;
  // Optional certificate revocation list (PEM) of the client CA.
  std::string crl_file;
  // Access policy file (TOML, see server/security/policy.h). Required:
  // without a policy every call would be denied.
  std::string policy_file;
  // How often the policy file is checked for changes (it is also reloaded on
  // SIGHUP through ReloadPolicy()).
  absl::Duration policy_check_interval = absl::Seconds(2);
  // The HTTPS listener (POST /api/v1/lineage, see server/http): host:port,
  // empty for none; port 0 binds any free port (http_port() tells which).
  // Same certificate, key, client CA and CRL as the gRPC port. With
  // http_require_client_cert (the default) every connection must present a
  // client certificate, and a bearer API key may name the principal on top;
  // false: a request without certificate must bring an API key.
  std::string http_listen;
  bool http_require_client_cert = true;
  size_t http_max_body_bytes = 1 << 20;
  // Development only: no TLS at all. Refused unless `listen` is loopback.
  bool insecure_plaintext = false;
  // Concurrent streams (calls) per client connection.
  int max_concurrent_streams = 100;
  // Bulk streams without a client deadline are cancelled after this long.
  absl::Duration default_stream_deadline = absl::Minutes(30);
  // Largest request or response message.
  int max_message_bytes = 16 << 20;
  // Page and batch limits.
  CatalogLimits limits;
  // Traversal budgets and lineage limits.
  LineageLimits lineage_limits;
  // The register of processing activities: page limits.
  ProcessingLimits processing_limits;
  // The processing log: the key file of the subject-id hashes (see
  // server/core/subject_key.h; outside the data directory). Empty: the log
  // refuses exports (FAILED_PRECONDITION) and answers nothing.
  std::string processing_subject_key_file;
  ProcessingLogLimits processing_log_limits;
  // Accountability answers: page limits.
  AccountabilityLimits accountability_limits;
  // Quality: staleness period, batch limit, clock.
  QualityOptions quality;
  // Terugmeldingen: page limits, handling periods, the clock.
  TerugmeldingOptions terugmelding;
  // Landscape overview: concept period, usage period, finding limits, clock.
  LandscapeOptions landscape;
  // Change-log retention and stream pacing of WatchChanges.
  ChangeFeedOptions change_feed;
  // The DCAT-AP-NL export's catalogue IRI, title and publisher.
  DcatOptions dcat;
  // Search: the index's commit batching (DATA_DIR/search), the wait for
  // min_revision and the snippet length.
  SearchIndexerOptions search_indexer;
  SearchLimits search;
  // Threads that carry blocking (durable) writes; bounds the writes that can
  // share one WAL sync.
  int write_threads = 64;
  // Sync every write to disk before acknowledging it. Only benchmarks of the
  // non-durable case turn this off.
  bool sync_writes = true;
  // How often certificate files are re-read (rotation without restart).
  unsigned cert_refresh_seconds = 30;
};

class CatalogServer {
 public:
  // INVALID_ARGUMENT / NOT_FOUND for bad options or certificate files,
  // FAILED_PRECONDITION for plaintext off loopback or a store of another
  // format, UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<CatalogServer>> Start(const ServerOptions& options);

  CatalogServer(const CatalogServer&) = delete;
  CatalogServer& operator=(const CatalogServer&) = delete;
  ~CatalogServer();

  // The bound port.
  int port() const;
  // The bound port of the HTTPS listener; 0 when there is none.
  int http_port() const;

  // Re-reads the policy file (SIGHUP). A bad file is rejected with its error
  // and the current policy stays in force.
  absl::Status ReloadPolicy();

  // Stops accepting calls, lets those in flight finish within `grace`
  // (cancelling the rest), stops the search indexer (committing what it
  // applied), then closes the store. Idempotent.
  absl::Status Shutdown(absl::Duration grace = absl::Seconds(10));

 private:
  struct Impl;
  explicit CatalogServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_TRANSPORT_CATALOG_SERVER_H_
