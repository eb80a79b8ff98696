#include "server/transport/catalog_server.h"

#include "server/transport/logging.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "server/core/audit_queries.h"
#include "server/security/policy.h"
#include "server/service/audit_service.h"
#include "server/service/blocking_executor.h"
#include "server/service/catalog_service.h"
#include "server/service/change_feed_service.h"
#include "server/service/interop_service.h"
#include "server/service/landscape_service.h"
#include "server/service/lineage_service.h"
#include "server/service/openlineage_http.h"
#include "server/http/http_listener.h"
#include "server/service/accountability_service.h"
#include "server/service/processing_log_service.h"
#include "server/service/processing_service.h"
#include "server/service/quality_service.h"
#include "server/service/search_service.h"
#include "server/service/terugmelding_service.h"
#include "server/transport/logging.h"
#include "server/transport/tls.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct CatalogServer::Impl {
  // Declaration order is destruction order in reverse: the gRPC server goes
  // first, then the services, the executor and finally the store.
  std::unique_ptr<storage::CatalogStore> store;
  std::unique_ptr<SearchIndexer> indexer;
  std::unique_ptr<PolicyStore> policy;
  std::unique_ptr<PageTokens> page_tokens;
  std::unique_ptr<DatasetCatalog> catalog;
  std::unique_ptr<AuditQueries> audit_queries;
  std::unique_ptr<LineageCatalog> lineage;
  std::unique_ptr<QualityCatalog> quality;
  std::unique_ptr<TerugmeldingCatalog> terugmeldingen;
  std::unique_ptr<LandscapeCatalog> landscape;
  std::unique_ptr<ProcessingRegister> processing;
  std::unique_ptr<ProcessingLog> processing_log;
  std::unique_ptr<Accountability> accountability;
  std::unique_ptr<ChangeFeed> change_feed;
  std::unique_ptr<DcatExport> dcat;
  std::unique_ptr<DatasetSearch> search;
  std::unique_ptr<AuditRecorder> audit;
  std::unique_ptr<BlockingExecutor> executor;
  std::unique_ptr<CatalogServiceImpl> catalog_service;
  std::unique_ptr<AuditServiceImpl> audit_service;
  std::unique_ptr<LineageServiceImpl> lineage_service;
  std::unique_ptr<QualityServiceImpl> quality_service;
  std::unique_ptr<TerugmeldingServiceImpl> terugmelding_service;
  std::unique_ptr<LandscapeServiceImpl> landscape_service;
  std::unique_ptr<ProcessingServiceImpl> processing_service;
  std::unique_ptr<LogboekServiceImpl> logboek_service;
  std::unique_ptr<OtlpTraceServiceImpl> otlp_service;
  std::unique_ptr<AccountabilityServiceImpl> accountability_service;
  std::unique_ptr<ChangeFeedServiceImpl> change_feed_service;
  std::unique_ptr<InteropServiceImpl> interop_service;
  std::unique_ptr<SearchServiceImpl> search_service;
  std::unique_ptr<OpenLineageHttp> openlineage_http;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<http::HttpListener> http;
  int port = 0;
  bool shut_down = false;

  // Watches the policy file until shutdown.
  std::mutex watch_mutex;
  std::condition_variable watch_wake;
  bool watch_stop = false;  // Guarded by watch_mutex.
  std::thread policy_watcher;

  void WatchPolicy(absl::Duration interval) {
    std::unique_lock<std::mutex> lock(watch_mutex);
    while (!watch_wake.wait_for(lock, absl::ToChronoMilliseconds(interval),
                                [this] { return watch_stop; })) {
      lock.unlock();
      LogReload(policy->ReloadIfChanged(), "file changed");
      lock.lock();
    }
  }

  static void LogReload(const absl::Status& status, const char* why) {
    if (!status.ok()) {
      spdlog::error("msg=\"policy not reloaded; the previous policy stays in force\" why={} "
                    "error={}",
                    LogQuoted(why), LogQuoted(status.message()));
    }
  }
};

CatalogServer::CatalogServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CatalogServer::~CatalogServer() {
  if (impl_ != nullptr) Shutdown(absl::ZeroDuration()).IgnoreError();
}

int CatalogServer::port() const { return impl_->port; }

int CatalogServer::http_port() const {
  return impl_->http == nullptr ? 0 : impl_->http->port();
}

absl::StatusOr<std::unique_ptr<CatalogServer>> CatalogServer::Start(
    const ServerOptions& options) {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options.insecure_plaintext) {
    if (!IsLoopbackAddress(options.listen)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--insecure-plaintext is for development on loopback only; refusing to listen on ",
          options.listen));
    }
    spdlog::warn("msg=\"plaintext listener without TLS or client certificates (development only)\" "
                 "listen={}",
                 options.listen);
    credentials = grpc::InsecureServerCredentials();
  } else {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> tls = MutualTlsCredentials(
        {options.tls_cert, options.tls_key, options.client_ca, options.crl_file,
         options.data_dir + "/tls-crl", options.cert_refresh_seconds});
    if (!tls.ok()) return tls.status();
    credentials = *std::move(tls);
  }
  if (options.insecure_plaintext && !options.http_listen.empty()) {
    return absl::FailedPreconditionError(
        "--http-listen serves HTTPS only; it cannot be combined with --insecure-plaintext");
  }
  if (options.data_dir.empty()) return absl::InvalidArgumentError("--data-dir is required");
  if (options.policy_file.empty()) {
    return absl::InvalidArgumentError(
        "--policy is required: catalogd denies every call that no policy grant allows");
  }

  std::shared_ptr<const SubjectKey> subject_key;
  if (!options.processing_subject_key_file.empty()) {
    absl::StatusOr<SubjectKey> key =
        SubjectKey::Load(options.processing_subject_key_file, options.data_dir);
    if (!key.ok()) return key.status();
    subject_key = std::make_shared<const SubjectKey>(*std::move(key));
  }

  auto impl = std::make_unique<Impl>();
  absl::StatusOr<std::unique_ptr<PolicyStore>> policy = PolicyStore::Open(options.policy_file);
  if (!policy.ok()) return policy.status();
  impl->policy = *std::move(policy);
  storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.sync_writes = options.sync_writes;
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store =
      storage::CatalogStore::Open(store_options);
  if (!store.ok()) return store.status();
  impl->store = *std::move(store);
  absl::StatusOr<std::string> token_key =
      impl->store->GetOrCreateSecret("page-tokens", PageTokens::kKeySize);
  if (!token_key.ok()) return token_key.status();
  impl->page_tokens = std::make_unique<PageTokens>(*std::move(token_key));
  absl::StatusOr<std::unique_ptr<SearchIndexer>> indexer =
      SearchIndexer::Start(impl->store.get(), options.data_dir, options.search_indexer);
  if (!indexer.ok()) {
    impl->store->Close().IgnoreError();
    return indexer.status();
  }
  impl->indexer = *std::move(indexer);
  impl->search = std::make_unique<DatasetSearch>(impl->store.get(), impl->indexer.get(),
                                                 options.limits, options.search,
                                                 impl->page_tokens.get());
  impl->catalog = std::make_unique<DatasetCatalog>(impl->store.get(), options.limits,
                                                   impl->page_tokens.get());
  impl->audit_queries = std::make_unique<AuditQueries>(impl->store.get(), options.limits,
                                                       impl->page_tokens.get());
  impl->lineage = std::make_unique<LineageCatalog>(impl->store.get(), options.lineage_limits,
                                                   impl->page_tokens.get());
  impl->terugmeldingen = std::make_unique<TerugmeldingCatalog>(
      impl->store.get(), options.terugmelding, impl->page_tokens.get());
  impl->quality = std::make_unique<QualityCatalog>(impl->store.get(), options.quality,
                                                   impl->page_tokens.get(),
                                                   [terugmeldingen = impl->terugmeldingen.get()](
                                                       const std::string& dataset) {
                                                     return terugmeldingen->CountOpen(dataset);
                                                   });
  impl->landscape = std::make_unique<LandscapeCatalog>(impl->store.get(), options.landscape,
                                                       options.quality, options.terugmelding);
  impl->processing = std::make_unique<ProcessingRegister>(
      impl->store.get(), options.processing_limits, impl->page_tokens.get());
  impl->processing_log = std::make_unique<ProcessingLog>(impl->store.get(), subject_key,
                                                         options.processing_log_limits);
  impl->accountability =
      std::make_unique<Accountability>(impl->store.get(), impl->processing_log.get(),
                                       options.accountability_limits, impl->page_tokens.get());
  impl->change_feed =
      std::make_unique<ChangeFeed>(impl->store.get(), impl->lineage.get(),
                                   impl->terugmeldingen.get(), impl->processing.get(),
                                   options.change_feed);
  impl->dcat = std::make_unique<DcatExport>(impl->store.get(), options.dcat);
  impl->executor = std::make_unique<BlockingExecutor>(options.write_threads);
  impl->audit = std::make_unique<AuditRecorder>(impl->store.get());
  const ServiceDeps deps{impl->policy.get(), impl->audit.get(), impl->executor.get(),
                         options.default_stream_deadline,
                         [store = impl->store.get()](const std::string& purpose) {
                           return ResolvePurposeActivity(*store, purpose);
                         }};
  impl->catalog_service = std::make_unique<CatalogServiceImpl>(impl->catalog.get(), deps);
  impl->audit_service = std::make_unique<AuditServiceImpl>(impl->audit_queries.get(), deps);
  impl->lineage_service = std::make_unique<LineageServiceImpl>(impl->lineage.get(), deps);
  impl->quality_service = std::make_unique<QualityServiceImpl>(impl->quality.get(), deps);
  impl->terugmelding_service =
      std::make_unique<TerugmeldingServiceImpl>(impl->terugmeldingen.get(), deps);
  impl->landscape_service = std::make_unique<LandscapeServiceImpl>(impl->landscape.get(), deps);
  impl->processing_service =
      std::make_unique<ProcessingServiceImpl>(impl->processing.get(), deps);
  impl->logboek_service = std::make_unique<LogboekServiceImpl>(impl->processing_log.get(), deps);
  impl->otlp_service = std::make_unique<OtlpTraceServiceImpl>(impl->processing_log.get(), deps);
  impl->accountability_service =
      std::make_unique<AccountabilityServiceImpl>(impl->accountability.get(), deps);
  impl->change_feed_service =
      std::make_unique<ChangeFeedServiceImpl>(impl->change_feed.get(), deps);
  impl->interop_service = std::make_unique<InteropServiceImpl>(impl->dcat.get(), deps);
  impl->search_service = std::make_unique<SearchServiceImpl>(impl->search.get(), deps);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &impl->port);
  builder.RegisterService(impl->catalog_service.get());
  builder.RegisterService(impl->audit_service.get());
  builder.RegisterService(impl->lineage_service.get());
  builder.RegisterService(impl->quality_service.get());
  builder.RegisterService(impl->terugmelding_service.get());
  builder.RegisterService(impl->landscape_service.get());
  builder.RegisterService(impl->processing_service.get());
  builder.RegisterService(impl->logboek_service.get());
  builder.RegisterService(impl->otlp_service.get());
  builder.RegisterService(impl->accountability_service.get());
  builder.RegisterService(impl->change_feed_service.get());
  builder.RegisterService(impl->interop_service.get());
  builder.RegisterService(impl->search_service.get());
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  // gRPC enables SO_REUSEPORT by default: a second server could then bind
  // the same port and receive part of the connections. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    impl->executor->Shutdown();
    impl->indexer->Stop().IgnoreError();
    impl->store->Close().IgnoreError();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen, " (address in use or not local?)"));
  }
  if (!options.http_listen.empty()) {
    impl->openlineage_http = std::make_unique<OpenLineageHttp>(impl->lineage.get(), deps);
    http::HttpListenerOptions http_options{
        options.http_listen, options.tls_cert, options.tls_key, options.client_ca,
        options.crl_file, options.http_require_client_cert, options.http_max_body_bytes,
        [](const http::HttpRequest& request, int status) {
          spdlog::info("msg=\"http request\" method={} path={} status={} peer={}", request.method,
                       LogQuoted(request.path), status, request.peer);
        }};
    absl::StatusOr<std::unique_ptr<http::HttpListener>> listener =
        http::HttpListener::Start(http_options, impl->openlineage_http->Routes());
    if (!listener.ok()) {
      impl->server->Shutdown();
      impl->executor->Shutdown();
      impl->indexer->Stop().IgnoreError();
      impl->store->Close().IgnoreError();
      return listener.status();
    }
    impl->http = *std::move(listener);
  }
  impl->change_feed->Start();
  Impl* raw = impl.get();
  impl->policy_watcher =
      std::thread([raw, interval = options.policy_check_interval] { raw->WatchPolicy(interval); });
  spdlog::info(
      "msg=\"catalogd serving\" listen={} port={} http_port={} data_dir={} tls={} policy={} revision={} "
      "processing_log={}",
      options.listen, impl->port, impl->http == nullptr ? 0 : impl->http->port(), options.data_dir, options.insecure_plaintext ? "off" : "mutual",
      options.policy_file, impl->store->LatestRevision(),
      subject_key != nullptr ? "on" : "off (no processing_subject_key_file)");
  return std::unique_ptr<CatalogServer>(new CatalogServer(std::move(impl)));
}

absl::Status CatalogServer::ReloadPolicy() {
  absl::Status status = impl_->policy->Reload();
  Impl::LogReload(status, "reload requested");
  if (status.ok()) spdlog::info("msg=\"policy reloaded\"");
  return status;
}

absl::Status CatalogServer::Shutdown(absl::Duration grace) {
  if (impl_->shut_down) return absl::OkStatus();
  impl_->shut_down = true;
  {
    std::lock_guard<std::mutex> lock(impl_->watch_mutex);
    impl_->watch_stop = true;
  }
  impl_->watch_wake.notify_all();
  if (impl_->policy_watcher.joinable()) impl_->policy_watcher.join();
  // Parked watch streams end (UNAVAILABLE, with where to resume) before the
  // server waits for its calls.
  impl_->change_feed->Stop();
  if (impl_->http != nullptr) impl_->http->Stop();
  impl_->server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  impl_->server->Wait();
  impl_->executor->Shutdown();
  absl::Status indexed = impl_->indexer->Stop();
  absl::Status closed = impl_->store->Close();
  spdlog::info("msg=\"catalogd stopped\" store_closed={} search_index_committed={}{}", closed.ok(),
               indexed.ok(),
               indexed.ok() ? "" : absl::StrCat(" error=", LogQuoted(indexed.message())));
  return closed.ok() ? indexed : closed;
}

}  // namespace catalog::server
