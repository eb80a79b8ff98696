// Transport security of catalogd: who may connect (mutual TLS with a client
// certificate of the configured CA, and nothing else), how the principal is
// taken from the certificate, and how CatalogServer::Start reports bad
// listener and certificate options.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catalog/v1/catalog_service.grpc.pb.h"
#include "server/transport/catalog_server.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::CatalogService;
using catalog::v1::CreateDatasetRequest;
using catalog::v1::Dataset;
using catalog::v1::GetDatasetRequest;
using catalog::v1::ListDatasetRevisionsRequest;
using catalog::v1::ListDatasetRevisionsResponse;
using grpc::StatusCode;
using ::testing::HasSubstr;

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

grpc::Status CreateWith(CatalogService::Stub* stub, const std::string& id) {
  CreateDatasetRequest request;
  *request.mutable_dataset() = ValidDataset(id);
  Dataset response;
  return stub->CreateDataset(Context().get(), request, &response);
}

// The principals recorded for the changes of a dataset, newest first.
std::vector<std::string> Principals(CatalogService::Stub* stub, const std::string& id) {
  ListDatasetRevisionsRequest request;
  request.set_id(id);
  ListDatasetRevisionsResponse response;
  grpc::Status status = stub->ListDatasetRevisions(Context().get(), request, &response);
  EXPECT_TRUE(IsOk(status));
  std::vector<std::string> principals;
  for (const auto& revision : response.revisions()) principals.push_back(revision.principal());
  return principals;
}

// Options for a server on loopback port 0 with the suite's certificates.
server::ServerOptions TlsOptions(const std::string& data_dir) {
  const std::string certs = TestCertsDir();
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = data_dir;
  options.tls_cert = certs + "/server.pem";
  options.tls_key = certs + "/server.key";
  options.client_ca = certs + "/ca.pem";
  options.policy_file = SourceDir() + "/scripts/dev/policy.toml";
  options.write_threads = 4;
  return options;
}

// A policy file in `dir` that makes the plaintext listener's principal,
// "anonymous", a steward (the development policy does not know it).
std::string AnonymousStewardPolicy(const std::string& dir) {
  const std::string path = dir + "/anonymous-policy.toml";
  WriteFile(path,
            "[[grant]]\n"
            "principal = \"anonymous\"\n"
            "roles = [\"steward\"]\n"
            "clearance = \"intern\"\n");
  return path;
}

class TransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestServer::Start();
    ASSERT_NE(server_, nullptr);
  }

  // Calls CreateDataset(id) over a channel with `credentials`; returns the
  // status of the call.
  grpc::Status CreateOver(const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                          const std::string& id) {
    auto stub = CatalogService::NewStub(grpc::CreateChannel(server_->address(), credentials));
    return CreateWith(stub.get(), id);
  }

  // Expects that `id` was never created: the refused call did not reach the
  // service. Asked as a legitimate client.
  void ExpectNeverReachedTheService(const std::string& id) {
    auto stub = server_->Stub("steward");
    GetDatasetRequest request;
    request.set_id(id);
    Dataset response;
    EXPECT_TRUE(HasStatus(stub->GetDataset(Context().get(), request, &response),
                          StatusCode::NOT_FOUND, absl::StrCat("dataset ", id, " not found")));
  }

  std::unique_ptr<TestServer> server_;
};

// ---------------------------------------------------------------------------
// Who may connect

TEST_F(TransportTest, ClientWithCertificateOfTheSuiteIsServed) {
  const std::string certs = TestCertsDir();
  // A reader may not create (PERMISSION_DENIED from the service, so the
  // connection was accepted); the steward's certificate is served in full.
  EXPECT_TRUE(HasStatus(CreateOver(ClientCredentials("reader", certs, certs), "toegelaten"),
                        StatusCode::PERMISSION_DENIED, "principal \"reader\""));
  EXPECT_TRUE(IsOk(CreateOver(ClientCredentials("steward", certs, certs), "toegelaten")));
  auto reader = CatalogService::NewStub(
      grpc::CreateChannel(server_->address(), ClientCredentials("reader", certs, certs)));
  EXPECT_THAT(Principals(reader.get(), "toegelaten"), ::testing::ElementsAre("steward"));
}

TEST_F(TransportTest, ClientWithoutCertificateIsRefusedBeforeTheService) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(TestCertsDir() + "/ca.pem");
  const grpc::Status status = CreateOver(grpc::SslCredentials(ssl), "zonder-certificaat");
  EXPECT_EQ(status.error_code(), StatusCode::UNAVAILABLE)
      << CodeName(status.error_code()) << ": " << status.error_message();
  ExpectNeverReachedTheService("zonder-certificaat");
}

TEST_F(TransportTest, ClientCertificateOfAnotherCaIsRefused) {
  // Trusts the server, but presents a certificate the server's CA did not sign.
  const grpc::Status status =
      CreateOver(ClientCredentials("steward", OtherCaCertsDir(), TestCertsDir()), "andere-ca");
  EXPECT_EQ(status.error_code(), StatusCode::UNAVAILABLE)
      << CodeName(status.error_code()) << ": " << status.error_message();
  ExpectNeverReachedTheService("andere-ca");
}

TEST_F(TransportTest, ExpiredClientCertificateIsRefused) {
  TempDir ca;
  const std::string certs = TestCertsDir();
  std::filesystem::copy_file(certs + "/ca.pem", ca.path() + "/ca.pem");
  std::filesystem::copy_file(certs + "/ca.key", ca.path() + "/ca.key");
  const std::string command =
      absl::StrCat("bash '", SourceDir(), "/scripts/issue-client-cert.sh' '", ca.path(),
                   "' expired-user --expired >/dev/null 2>&1");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  ASSERT_TRUE(std::filesystem::exists(ca.path() + "/expired-user.pem"));

  const grpc::Status status =
      CreateOver(ClientCredentials("expired-user", ca.path(), certs), "verlopen-certificaat");
  EXPECT_EQ(status.error_code(), StatusCode::UNAVAILABLE)
      << CodeName(status.error_code()) << ": " << status.error_message();
  ExpectNeverReachedTheService("verlopen-certificaat");

  // The same CA issuing a valid certificate is accepted: it was the expiry.
  const std::string valid =
      absl::StrCat("bash '", SourceDir(), "/scripts/issue-client-cert.sh' '", ca.path(),
                   "' fresh-user >/dev/null 2>&1");
  ASSERT_EQ(std::system(valid.c_str()), 0) << valid;
  // The call reaches the service, which knows the principal from the
  // certificate; the development policy has no grant for it, hence
  // PERMISSION_DENIED instead of the UNAVAILABLE of a refused handshake.
  EXPECT_TRUE(HasStatus(CreateOver(ClientCredentials("fresh-user", ca.path(), certs),
                                   "vers-certificaat"),
                        StatusCode::PERMISSION_DENIED,
                        "principal \"fresh-user\" is not known to the access policy"));
  ExpectNeverReachedTheService("vers-certificaat");
}

TEST_F(TransportTest, PrincipalUnknownToThePolicyIsDeniedEveryCatalogCall) {
  // A valid certificate of the suite's CA for a principal the policy does
  // not know: connected, but denied, history included.
  TempDir ca;
  const std::string certs = TestCertsDir();
  std::filesystem::copy_file(certs + "/ca.pem", ca.path() + "/ca.pem");
  std::filesystem::copy_file(certs + "/ca.key", ca.path() + "/ca.key");
  const std::string command =
      absl::StrCat("bash '", SourceDir(), "/scripts/issue-client-cert.sh' '", ca.path(),
                   "' onbekende >/dev/null 2>&1");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  ASSERT_TRUE(IsOk(CreateWith(server_->Stub("steward").get(), "bekende-historie")));

  auto stranger = CatalogService::NewStub(grpc::CreateChannel(
      server_->address(), ClientCredentials("onbekende", ca.path(), certs)));
  ListDatasetRevisionsRequest request;
  request.set_id("bekende-historie");
  ListDatasetRevisionsResponse response;
  EXPECT_TRUE(HasStatus(stranger->ListDatasetRevisions(Context().get(), request, &response),
                        StatusCode::PERMISSION_DENIED,
                        "principal \"onbekende\" is not known to the access policy"));
  EXPECT_EQ(response.revisions_size(), 0);
  GetDatasetRequest get;
  get.set_id("bekende-historie");
  Dataset dataset;
  EXPECT_TRUE(HasStatus(stranger->GetDataset(Context().get(), get, &dataset),
                        StatusCode::PERMISSION_DENIED, "not known to the access policy"));
  EXPECT_TRUE(HasStatus(CreateWith(stranger.get(), "door-onbekende"),
                        StatusCode::PERMISSION_DENIED, "not known to the access policy"));
  ExpectNeverReachedTheService("door-onbekende");
  // The history the steward sees is unchanged.
  EXPECT_THAT(Principals(server_->Stub("steward").get(), "bekende-historie"),
              ::testing::ElementsAre("steward"));
}

TEST_F(TransportTest, PlaintextClientAgainstTlsServerFails) {
  const grpc::Status status = CreateOver(grpc::InsecureChannelCredentials(), "platte-tekst");
  EXPECT_EQ(status.error_code(), StatusCode::UNAVAILABLE)
      << CodeName(status.error_code()) << ": " << status.error_message();
  ExpectNeverReachedTheService("platte-tekst");
}

TEST_F(TransportTest, ClientNotTrustingTheServerCaFails) {
  // A client certificate of the suite, but the other CA as trust root: the
  // client refuses the server.
  const std::string certs = TestCertsDir();
  const grpc::Status status =
      CreateOver(ClientCredentials("steward", certs, OtherCaCertsDir()), "wantrouwig");
  EXPECT_EQ(status.error_code(), StatusCode::UNAVAILABLE)
      << CodeName(status.error_code()) << ": " << status.error_message();
  ExpectNeverReachedTheService("wantrouwig");
}

// ---------------------------------------------------------------------------
// Principal

TEST_F(TransportTest, PrincipalIsTheCertificateCommonName) {
  ASSERT_TRUE(IsOk(CreateWith(server_->Stub("admin").get(), "door-admin")));
  auto steward = server_->Stub("steward");
  EXPECT_THAT(Principals(steward.get(), "door-admin"), ::testing::ElementsAre("admin"));

  catalog::v1::UpdateDatasetRequest update;
  update.mutable_dataset()->set_id("door-admin");
  update.mutable_dataset()->set_title("Gewijzigd door de steward");
  update.mutable_update_mask()->add_paths("title");
  Dataset updated;
  ASSERT_TRUE(IsOk(steward->UpdateDataset(Context().get(), update, &updated)));
  EXPECT_THAT(Principals(steward.get(), "door-admin"), ::testing::ElementsAre("steward", "admin"));
}

// ---------------------------------------------------------------------------
// Plaintext listener

TEST(TransportStartTest, PlaintextOffLoopbackIsFailedPrecondition) {
  TempDir dir;
  server::ServerOptions options;
  options.listen = "0.0.0.0:0";
  options.data_dir = dir.path() + "/data";
  options.insecure_plaintext = true;
  options.policy_file = AnonymousStewardPolicy(dir.path());  // Refused for the address alone.
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(started.status().message()),
              HasSubstr("--insecure-plaintext is for development on loopback only; refusing to "
                        "listen on 0.0.0.0:0"));
  // Refused before anything was created.
  EXPECT_FALSE(std::filesystem::exists(options.data_dir));
}

TEST(TransportStartTest, PlaintextOnLoopbackServesAndRecordsAnonymous) {
  TempDir dir;
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.path() + "/data";
  options.insecure_plaintext = true;
  // Plaintext callers are "anonymous"; only a policy that grants that
  // principal lets them do anything.
  options.policy_file = AnonymousStewardPolicy(dir.path());
  options.write_threads = 4;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<server::CatalogServer> server = *std::move(started);
  ASSERT_GT(server->port(), 0);

  auto stub = CatalogService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server->port()), grpc::InsecureChannelCredentials()));
  ASSERT_TRUE(IsOk(CreateWith(stub.get(), "zonder-tls")));
  EXPECT_THAT(Principals(stub.get(), "zonder-tls"), ::testing::ElementsAre("anonymous"));

  // A TLS client cannot talk to the plaintext listener.
  const std::string certs = TestCertsDir();
  auto tls_stub = CatalogService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server->port()), ClientCredentials("steward", certs, certs)));
  EXPECT_EQ(CreateWith(tls_stub.get(), "met-tls").error_code(), StatusCode::UNAVAILABLE);

  EXPECT_TRUE(server->Shutdown(absl::Seconds(5)).ok());
}

TEST(TransportStartTest, PlaintextCallerUnknownToThePolicyIsDenied) {
  // The development policy has no grant for "anonymous": deny by default.
  TempDir dir;
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.path() + "/data";
  options.insecure_plaintext = true;
  options.policy_file = SourceDir() + "/scripts/dev/policy.toml";
  options.write_threads = 4;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<server::CatalogServer> server = *std::move(started);
  auto stub = CatalogService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server->port()), grpc::InsecureChannelCredentials()));
  EXPECT_TRUE(HasStatus(CreateWith(stub.get(), "anoniem-geweigerd"), StatusCode::PERMISSION_DENIED,
                        "principal \"anonymous\" is not known to the access policy"));
  EXPECT_TRUE(server->Shutdown(absl::Seconds(5)).ok());
}

// ---------------------------------------------------------------------------
// Certificate files

absl::Status StartStatus(const server::ServerOptions& options) {
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  if (started.ok()) {
    EXPECT_TRUE((*started)->Shutdown(absl::Seconds(5)).ok());
    return absl::OkStatus();
  }
  return started.status();
}

::testing::AssertionResult StartFails(const server::ServerOptions& options, absl::StatusCode code,
                                      const std::string& text) {
  const absl::Status status = StartStatus(options);
  if (status.code() == code && absl::StrContains(status.message(), text)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "Start returned " << status << "\n  expected " << absl::StatusCodeToString(code)
         << " with a message containing \"" << text << "\"";
}

TEST(TransportStartTest, MissingCertFileIsNotFoundNamingTlsCert) {
  TempDir dir;
  server::ServerOptions options = TlsOptions(dir.path() + "/data");
  options.tls_cert = dir.path() + "/bestaat-niet.pem";
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kNotFound,
                         absl::StrCat("--tls-cert: cannot read ", options.tls_cert)));
}

TEST(TransportStartTest, MissingKeyFileIsNotFoundNamingTlsKey) {
  TempDir dir;
  server::ServerOptions options = TlsOptions(dir.path() + "/data");
  options.tls_key = dir.path() + "/bestaat-niet.key";
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kNotFound,
                         absl::StrCat("--tls-key: cannot read ", options.tls_key)));
}

TEST(TransportStartTest, MissingClientCaFileIsNotFoundNamingClientCa) {
  TempDir dir;
  server::ServerOptions options = TlsOptions(dir.path() + "/data");
  options.client_ca = dir.path() + "/bestaat-niet-ca.pem";
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kNotFound,
                         absl::StrCat("--client-ca: cannot read ", options.client_ca)));
}

TEST(TransportStartTest, EmptyCertPathIsInvalidArgument) {
  TempDir dir;
  server::ServerOptions options = TlsOptions(dir.path() + "/data");
  options.tls_cert = "";
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kInvalidArgument, "--tls-cert is required"));
}

TEST(TransportStartTest, KeyOfAnotherCertificateIsInvalidArgumentNamingTlsKey) {
  TempDir dir;
  server::ServerOptions options = TlsOptions(dir.path() + "/data");
  options.tls_key = TestCertsDir() + "/steward.key";
  EXPECT_TRUE(
      StartFails(options, absl::StatusCode::kInvalidArgument,
                 absl::StrCat("--tls-key: ", options.tls_key,
                              " does not belong to the certificate in ", options.tls_cert)));
}

TEST(TransportStartTest, NonPemFileIsInvalidArgument) {
  TempDir dir;
  const std::string not_pem = dir.path() + "/niet-pem.txt";
  WriteFile(not_pem, "Dit is geen certificaat.\n");

  server::ServerOptions options = TlsOptions(dir.path() + "/data");
  options.tls_cert = not_pem;
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kInvalidArgument,
                         absl::StrCat("--tls-cert: ", not_pem, " is not a PEM file")));

  options = TlsOptions(dir.path() + "/data");
  options.tls_key = not_pem;
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kInvalidArgument,
                         absl::StrCat("--tls-key: ", not_pem, " is not a PEM file")));

  options = TlsOptions(dir.path() + "/data");
  options.client_ca = not_pem;
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kInvalidArgument,
                         absl::StrCat("--client-ca: ", not_pem, " is not a PEM file")));
}

TEST(TransportStartTest, PemWithoutReadableContentIsInvalidArgument) {
  TempDir dir;
  const std::string broken = dir.path() + "/kapot.pem";
  WriteFile(broken, "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n");

  server::ServerOptions options = TlsOptions(dir.path() + "/data");
  options.tls_cert = broken;
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kInvalidArgument,
                         absl::StrCat("--tls-cert: ", broken, " holds no readable certificate")));

  // A certificate where the key belongs.
  options = TlsOptions(dir.path() + "/data");
  options.tls_key = options.tls_cert;
  EXPECT_TRUE(
      StartFails(options, absl::StatusCode::kInvalidArgument,
                 absl::StrCat("--tls-key: ", options.tls_key, " holds no readable private key")));

  // A key where the client CA belongs.
  options = TlsOptions(dir.path() + "/data");
  options.client_ca = TestCertsDir() + "/server.key";
  EXPECT_TRUE(StartFails(
      options, absl::StatusCode::kInvalidArgument,
      absl::StrCat("--client-ca: ", options.client_ca, " holds no readable certificate")));
}

TEST(TransportStartTest, MissingDataDirIsInvalidArgument) {
  server::ServerOptions options = TlsOptions("");
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kInvalidArgument, "--data-dir is required"));
}

// ---------------------------------------------------------------------------
// Listening address

// gRPC enables SO_REUSEPORT by default; CatalogServer::Start turns it off so
// that a second server cannot bind the port of a running one.
TEST_F(TransportTest, PortAlreadyInUseIsUnavailable) {
  TempDir dir;
  server::ServerOptions options = TlsOptions(dir.path() + "/data");
  options.listen = server_->address();
  EXPECT_TRUE(StartFails(options, absl::StatusCode::kUnavailable,
                         absl::StrCat("cannot listen on ", server_->address())));
  // The first server is unaffected.
  EXPECT_TRUE(IsOk(CreateWith(server_->Stub("steward").get(), "eerste-server")));
}

}  // namespace
}  // namespace catalog::testing
