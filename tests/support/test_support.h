// Shared test support: temporary directories, the development certificates
// generated for the suite (ctest fixture `certs`), an in-process catalogd on
// port 0 with real mutual TLS, and a minimal valid dataset.
#ifndef CATALOG_TESTS_SUPPORT_TEST_SUPPORT_H_
#define CATALOG_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "catalog/v1/catalog_service.grpc.pb.h"
#include "server/transport/catalog_server.h"
#include "storage/catalog_store.h"

namespace catalog::testing {

// A fresh directory under $TMPDIR, removed with everything in it on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Directory of the suite's development certificates (ca.pem, server.pem,
// <principal>.pem/.key for admin, steward, reader, auditor):
// $CATALOG_TEST_CERTS, else the build's test-certs directory.
std::string TestCertsDir();
// A second, unrelated CA with its own client certificates
// ($CATALOG_TEST_OTHER_CA_CERTS).
std::string OtherCaCertsDir();
// The repository root ($CATALOG_SOURCE_DIR) and the build's bin directory
// ($CATALOG_BIN_DIR).
std::string SourceDir();
std::string BinDir();

std::string ReadFile(const std::string& path);

// Channel credentials for mutual TLS with `<dir>/<principal>.pem|.key`,
// trusting `<ca_dir>/ca.pem`.
std::shared_ptr<grpc::ChannelCredentials> ClientCredentials(const std::string& principal,
                                                            const std::string& dir,
                                                            const std::string& ca_dir);

// catalogd in process, on 127.0.0.1 port 0, over mutual TLS with the suite's
// certificates, on a temporary data directory.
class TestServer {
 public:
  // Starts a server; `options` may override limits etc. (listen, data_dir
  // and TLS files are filled in when empty). Fails the test on error.
  static std::unique_ptr<TestServer> Start(server::ServerOptions options = {});
  ~TestServer();

  // "127.0.0.1:<port>".
  std::string address() const;
  const std::string& data_dir() const { return options_.data_dir; }
  server::CatalogServer& server() { return *server_; }

  // A channel authenticated as `principal` (a certificate of the suite).
  std::shared_ptr<grpc::Channel> Channel(const std::string& principal = "steward") const;
  std::unique_ptr<catalog::v1::CatalogService::Stub> Stub(
      const std::string& principal = "steward") const;

  // Shuts down and starts again on the same data directory (new port).
  void Restart();

 private:
  TestServer() = default;
  std::unique_ptr<TempDir> dir_;
  server::ServerOptions options_;
  std::unique_ptr<server::CatalogServer> server_;
};

// A CatalogStore on a fresh temporary directory, opened in SetUp; Reopen()
// closes and opens it again (restart).
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen();

  TempDir dir_;
  std::unique_ptr<storage::CatalogStore> store_;
};

// A client context with a 10 s deadline.
std::unique_ptr<grpc::ClientContext> Context();

// A minimal dataset that passes validation.
catalog::v1::Dataset ValidDataset(const std::string& id);

}  // namespace catalog::testing

#endif  // CATALOG_TESTS_SUPPORT_TEST_SUPPORT_H_
