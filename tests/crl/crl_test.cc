// Certificate revocation: with --crl, a client certificate the CA revoked is
// refused in the TLS handshake, while other certificates of the CA work.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/support/test_support.h"

namespace catalog {
namespace {

using catalog::testing::ClientCredentials;
using catalog::testing::Context;
using catalog::testing::SourceDir;
using catalog::testing::TempDir;
using catalog::testing::TestCertsDir;
using catalog::testing::TestServer;

int Run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

// A copy of the suite's CA in `dir`, two client certificates issued by it,
// and a CRL revoking the first.
void MakeRevokedCertificate(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::copy_file(TestCertsDir() + "/ca.pem", dir + "/ca.pem");
  fs::copy_file(TestCertsDir() + "/ca.key", dir + "/ca.key");
  const std::string issue = absl::StrCat("bash ", SourceDir(), "/scripts/issue-client-cert.sh ", dir);
  ASSERT_EQ(Run(issue + " revoked-user"), 0);
  ASSERT_EQ(Run(issue + " kept-user"), 0);
  std::ofstream(dir + "/index.txt").close();
  std::ofstream(dir + "/crlnumber") << "1000\n";
  std::ofstream(dir + "/ca.cnf") << "[ca]\ndefault_ca = ca_default\n[ca_default]\n"
                                 << "database = " << dir << "/index.txt\n"
                                 << "crlnumber = " << dir << "/crlnumber\n"
                                 << "certificate = " << dir << "/ca.pem\n"
                                 << "private_key = " << dir << "/ca.key\n"
                                 << "default_md = sha256\ndefault_crl_days = 30\n";
  const std::string ca = absl::StrCat("openssl ca -batch -config ", dir, "/ca.cnf");
  ASSERT_EQ(Run(absl::StrCat(ca, " -revoke ", dir, "/revoked-user.pem")), 0);
  ASSERT_EQ(Run(absl::StrCat(ca, " -gencrl -out ", dir, "/crl.pem")), 0);
}

grpc::Status CallAs(const TestServer& server, const std::string& principal,
                    const std::string& dir) {
  auto channel = grpc::CreateChannel(server.address(), ClientCredentials(principal, dir, dir));
  v1::ListDatasetsRequest request;
  v1::ListDatasetsResponse response;
  return v1::CatalogService::NewStub(channel)->ListDatasets(Context().get(), request, &response);
}

TEST(Crl, RevokedClientCertificateIsRefusedOthersAreNot) {
  TempDir pki;
  MakeRevokedCertificate(pki.path());
  server::ServerOptions options;
  options.crl_file = pki.path() + "/crl.pem";
  auto server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(CallAs(*server, "revoked-user", pki.path()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // Not revoked: through the handshake, and then unknown to the policy.
  EXPECT_EQ(CallAs(*server, "kept-user", pki.path()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(CallAs(*server, "reader", TestCertsDir()).ok());
}

TEST(Crl, UnreadableCrlIsAStartUpErrorNamingTheFlag) {
  TempDir dir;
  std::ofstream(dir.path() + "/bad.pem") << "-----BEGIN X509 CRL-----\nnot base64\n-----END X509 CRL-----\n";
  server::ServerOptions options;
  options.crl_file = dir.path() + "/bad.pem";
  options.data_dir = dir.path() + "/data";
  options.listen = "127.0.0.1:0";
  options.tls_cert = TestCertsDir() + "/server.pem";
  options.tls_key = TestCertsDir() + "/server.key";
  options.client_ca = TestCertsDir() + "/ca.pem";
  options.policy_file = SourceDir() + "/scripts/dev/policy.toml";
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(started.status().message().find("--crl"), absl::string_view::npos);
}

}  // namespace
}  // namespace catalog
