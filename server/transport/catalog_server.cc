#include "server/transport/catalog_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "server/service/blocking_executor.h"
#include "server/service/catalog_service.h"
#include "server/transport/tls.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct CatalogServer::Impl {
  // Declaration order is destruction order in reverse: the gRPC server goes
  // first, then the services, the executor and finally the store.
  std::unique_ptr<storage::CatalogStore> store;
  std::unique_ptr<DatasetCatalog> catalog;
  std::unique_ptr<BlockingExecutor> executor;
  std::unique_ptr<CatalogServiceImpl> catalog_service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  bool shut_down = false;
};

CatalogServer::CatalogServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CatalogServer::~CatalogServer() {
  if (impl_ != nullptr) Shutdown(absl::ZeroDuration()).IgnoreError();
}

int CatalogServer::port() const { return impl_->port; }

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
        {options.tls_cert, options.tls_key, options.client_ca, options.cert_refresh_seconds});
    if (!tls.ok()) return tls.status();
    credentials = *std::move(tls);
  }
  if (options.data_dir.empty()) return absl::InvalidArgumentError("--data-dir is required");

  auto impl = std::make_unique<Impl>();
  storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.sync_writes = options.sync_writes;
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store =
      storage::CatalogStore::Open(store_options);
  if (!store.ok()) return store.status();
  impl->store = *std::move(store);
  impl->catalog = std::make_unique<DatasetCatalog>(impl->store.get(), options.limits);
  impl->executor = std::make_unique<BlockingExecutor>(options.write_threads);
  impl->catalog_service =
      std::make_unique<CatalogServiceImpl>(impl->catalog.get(), impl->executor.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &impl->port);
  builder.RegisterService(impl->catalog_service.get());
  // gRPC enables SO_REUSEPORT by default: a second server could then bind
  // the same port and receive part of the connections. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    impl->executor->Shutdown();
    impl->store->Close().IgnoreError();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen, " (address in use or not local?)"));
  }
  spdlog::info("msg=\"catalogd serving\" listen={} port={} data_dir={} tls={} revision={}",
               options.listen, impl->port, options.data_dir,
               options.insecure_plaintext ? "off" : "mutual", impl->store->LatestRevision());
  return std::unique_ptr<CatalogServer>(new CatalogServer(std::move(impl)));
}

absl::Status CatalogServer::Shutdown(absl::Duration grace) {
  if (impl_->shut_down) return absl::OkStatus();
  impl_->shut_down = true;
  impl_->server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  impl_->server->Wait();
  impl_->executor->Shutdown();
  absl::Status closed = impl_->store->Close();
  spdlog::info("msg=\"catalogd stopped\" store_closed={}", closed.ok());
  return closed;
}

}  // namespace catalog::server
