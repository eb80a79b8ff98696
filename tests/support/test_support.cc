#include "tests/support/test_support.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace catalog::testing {
namespace {

// The environment's value, else the suite's default compiled in by CMake.
std::string Setting(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "catalog-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TestCertsDir() {
  return Setting("CATALOG_TEST_CERTS", CATALOG_DEFAULT_TEST_CERTS);
}
std::string OtherCaCertsDir() {
  return Setting("CATALOG_TEST_OTHER_CA_CERTS", CATALOG_DEFAULT_TEST_OTHER_CA_CERTS);
}
std::string SourceDir() { return Setting("CATALOG_SOURCE_DIR", CATALOG_DEFAULT_SOURCE_DIR); }
std::string BinDir() { return Setting("CATALOG_BIN_DIR", CATALOG_DEFAULT_BIN_DIR); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::shared_ptr<grpc::ChannelCredentials> ClientCredentials(const std::string& principal,
                                                            const std::string& dir,
                                                            const std::string& ca_dir) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(ca_dir + "/ca.pem");
  ssl.pem_cert_chain = ReadFile(absl::StrCat(dir, "/", principal, ".pem"));
  ssl.pem_private_key = ReadFile(absl::StrCat(dir, "/", principal, ".key"));
  return grpc::SslCredentials(ssl);
}

std::unique_ptr<TestServer> TestServer::Start(server::ServerOptions options) {
  std::unique_ptr<TestServer> test(new TestServer());
  if (options.data_dir.empty()) {
    test->dir_ = std::make_unique<TempDir>();
    options.data_dir = test->dir_->path() + "/data";
  }
  if (options.listen == server::ServerOptions().listen) options.listen = "127.0.0.1:0";
  const std::string certs = TestCertsDir();
  if (options.tls_cert.empty()) options.tls_cert = certs + "/server.pem";
  if (options.tls_key.empty()) options.tls_key = certs + "/server.key";
  if (options.client_ca.empty()) options.client_ca = certs + "/ca.pem";
  if (options.write_threads == server::ServerOptions().write_threads) options.write_threads = 16;
  if (options.policy_file.empty()) options.policy_file = SourceDir() + "/scripts/dev/policy.toml";
  test->options_ = options;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  EXPECT_TRUE(started.ok()) << started.status();
  if (!started.ok()) return nullptr;
  test->server_ = *std::move(started);
  return test;
}

TestServer::~TestServer() {
  if (server_ != nullptr) {
    EXPECT_TRUE(server_->Shutdown(absl::Seconds(5)).ok());
  }
}

std::string TestServer::address() const { return absl::StrCat("127.0.0.1:", server_->port()); }

std::shared_ptr<grpc::Channel> TestServer::Channel(const std::string& principal) const {
  const std::string certs = TestCertsDir();
  return grpc::CreateChannel(address(), ClientCredentials(principal, certs, certs));
}

std::unique_ptr<catalog::v1::CatalogService::Stub> TestServer::Stub(
    const std::string& principal) const {
  return catalog::v1::CatalogService::NewStub(Channel(principal));
}

void TestServer::Restart() {
  ASSERT_TRUE(server_->Shutdown(absl::Seconds(5)).ok());
  server_.reset();
  server::ServerOptions options = options_;
  options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  server_ = *std::move(started);
}

void StoreTest::Reopen() {
  if (store_ != nullptr) {
    ASSERT_TRUE(store_->Close().ok());
  }
  store_.reset();
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> opened =
      storage::CatalogStore::Open({dir_.path()});
  ASSERT_TRUE(opened.ok()) << opened.status();
  store_ = *std::move(opened);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

catalog::v1::Dataset ValidDataset(const std::string& id) {
  catalog::v1::Dataset d;
  d.set_id(id);
  d.set_title(absl::StrCat("Dataset ", id));
  d.set_registration_type(catalog::v1::REGISTRATION_TYPE_SECTORREGISTRATIE);
  d.set_domain("Sociaal domein");
  d.mutable_roles()->set_owner("Afdelingshoofd Sociaal domein");
  d.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_ON_PREMISES);
  d.mutable_classification()->set_confidentiality(catalog::v1::CONFIDENTIALITY_INTERN);
  return d;
}

}  // namespace catalog::testing
