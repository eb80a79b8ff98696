// The client's TLS files are checked before it connects: a certificate and a
// key that do not belong together, files swapped, an expired certificate,
// and --server without a port are usage errors that say what is wrong,
// instead of a handshake failure that reads "is catalogd running?".
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "client/lib/connection.h"
#include "client/lib/status.h"
#include "client/lib/tls_files.h"
#include "tests/support/test_support.h"

namespace catalog::client {
namespace {

#define EXPECT_CONTAINS(haystack, needle)              \
  EXPECT_TRUE(absl::StrContains((haystack), (needle))) \
      << "  text: " << (haystack) << "\n  lacks: " << (needle)

std::string Cert(const std::string& name) { return catalog::testing::TestCertsDir() + "/" + name; }

ConnectionOptions Options(const std::string& cert, const std::string& key) {
  ConnectionOptions options;
  options.ca_file = Cert("ca.pem");
  options.cert_file = Cert(cert);
  options.key_file = Cert(key);
  return options;
}

void ExpectUsageError(const absl::Status& s, const std::string& says) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(ExitCodeFor(s), kUsageExitCode) << s;
  EXPECT_CONTAINS(s.message(), says);
}

TEST(TlsFiles, MatchingCertificateAndKeyConnect) {
  EXPECT_TRUE(Connect(Options("reader.pem", "reader.key")).ok());
}

TEST(TlsFiles, KeyOfAnotherCertificateIsNamed) {
  const absl::Status s = Connect(Options("reader.pem", "steward.key")).status();
  ExpectUsageError(s, "the client key \"" + Cert("steward.key") +
                          "\" (--key) does not belong to the client certificate \"" +
                          Cert("reader.pem") + "\" (--cert)");
}

TEST(TlsFiles, SwappedCertificateAndKeyAreNamed) {
  ExpectUsageError(Connect(Options("reader.key", "reader.pem")).status(),
                   "holds no certificate (is it the key?)");
  ExpectUsageError(Connect(Options("reader.pem", "reader.pem")).status(),
                   "holds no unencrypted private key (is it the certificate?)");
}

TEST(TlsFiles, CaFileWithoutCertificateIsNamed) {
  ConnectionOptions options = Options("reader.pem", "reader.key");
  options.ca_file = Cert("ca.key");
  ExpectUsageError(Connect(options).status(), "(--ca) holds no certificate");
}

// A self-signed certificate valid from `from_days` to `to_days` from now,
// with its key, written to `dir`.
void WriteCertificate(const std::filesystem::path& dir, long from_days, long to_days) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), to_days * 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("old"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* out = std::fopen((dir / "c.pem").c_str(), "w");
  PEM_write_X509(out, cert);
  std::fclose(out);
  out = std::fopen((dir / "c.key").c_str(), "w");
  PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
}

class TlsValidityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("tls_files_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  absl::Status ConnectWith() {
    ConnectionOptions options = Options("", "");
    options.cert_file = (dir_ / "c.pem").string();
    options.key_file = (dir_ / "c.key").string();
    return Connect(options).status();
  }
  std::filesystem::path dir_;
};

TEST_F(TlsValidityTest, ExpiredCertificateSaysSo) {
  WriteCertificate(dir_, -30, -1);
  ExpectUsageError(ConnectWith(), "has expired");
}

TEST_F(TlsValidityTest, NotYetValidCertificateSaysSo) {
  WriteCertificate(dir_, 2, 30);
  ExpectUsageError(ConnectWith(), "is not valid yet");
}

TEST_F(TlsValidityTest, CurrentCertificateIsAccepted) {
  WriteCertificate(dir_, -1, 30);
  EXPECT_TRUE(ConnectWith().ok());
}

TEST(ServerAddress, WithoutAPortIsRefused) {
  for (const char* server : {"localhost", "localhost:", "localhost:0", "localhost:70000",
                             "localhost:74x3", "::1", "[::1]", ":7443", "localhost:-1"}) {
    ConnectionOptions options;
    options.plaintext = true;
    options.server = server;
    const absl::Status s = Connect(options).status();
    ExpectUsageError(s, "is not host:port");
    EXPECT_CONTAINS(s.message(), std::string("\"") + server + "\"");
  }
}

TEST(ServerAddress, HostPortForms) {
  for (const char* server : {"localhost:7443", "127.0.0.1:1", "[::1]:7443",
                             "dns:///catalog.gemeente.nl:443", "unix:/run/catalogd.sock"}) {
    ConnectionOptions options;
    options.plaintext = true;
    options.server = server;
    EXPECT_TRUE(Connect(options).ok()) << server << ": " << Connect(options).status();
  }
}

TEST(ServerAddress, EmptyIsRefused) {
  ConnectionOptions options;
  options.plaintext = true;
  options.server = "";
  ExpectUsageError(Connect(options).status(), "--server is empty");
}

}  // namespace
}  // namespace catalog::client
