#include "server/transport/tls.h"

#include <arpa/inet.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace catalog::server {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* flag) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, " is required"));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(flag, ": cannot read ", path));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  if (!absl::StrContains(contents.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " is not a PEM file"));
  }
  return contents.str();
}

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, BioDeleter> MemoryBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioDeleter>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

struct CrlDeleter {
  void operator()(X509_CRL* c) const { X509_CRL_free(c); }
};

// Checks the CRL and writes it into `dir` as <issuer hash>.r0, the name
// OpenSSL's directory lookup (which gRPC uses) expects.
absl::Status InstallCrl(const std::string& path, const std::string& dir) {
  absl::StatusOr<std::string> pem = ReadPem(path, "--crl");
  if (!pem.ok()) return pem.status();
  std::unique_ptr<X509_CRL, CrlDeleter> crl(
      PEM_read_bio_X509_CRL(MemoryBio(*pem).get(), nullptr, nullptr, nullptr));
  if (crl == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--crl: ", path, " holds no readable CRL"));
  }
  std::error_code error;
  std::filesystem::remove_all(dir, error);
  std::filesystem::create_directories(dir, error);
  if (error) return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", error.message()));
  char name[32];
  std::snprintf(name, sizeof(name), "%08lx.r0",
                X509_NAME_hash_ex(X509_CRL_get_issuer(crl.get()), nullptr, nullptr, nullptr));
  std::ofstream out(absl::StrCat(dir, "/", name), std::ios::binary | std::ios::trunc);
  out << *pem;
  if (!out.good()) return absl::UnavailableError(absl::StrCat("cannot write the CRL into ", dir));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsCredentials(
    const TlsFiles& files) {
  absl::StatusOr<std::string> cert = ReadPem(files.cert, "--tls-cert");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(files.key, "--tls-key");
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> ca = ReadPem(files.client_ca, "--client-ca");
  if (!ca.ok()) return ca.status();

  std::unique_ptr<X509, X509Deleter> x509(
      PEM_read_bio_X509(MemoryBio(*cert).get(), nullptr, nullptr, nullptr));
  if (x509 == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--tls-cert: ", files.cert,
                                                   " holds no readable certificate"));
  }
  std::unique_ptr<EVP_PKEY, KeyDeleter> pkey(
      PEM_read_bio_PrivateKey(MemoryBio(*key).get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--tls-key: ", files.key,
                                                   " holds no readable private key"));
  }
  if (X509_check_private_key(x509.get(), pkey.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-key: ", files.key, " does not belong to the certificate in ", files.cert));
  }
  std::unique_ptr<X509, X509Deleter> ca_cert(
      PEM_read_bio_X509(MemoryBio(*ca).get(), nullptr, nullptr, nullptr));
  if (ca_cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--client-ca: ", files.client_ca,
                                                   " holds no readable certificate"));
  }

  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key, files.cert, files.client_ca, files.refresh_seconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!files.crl.empty()) {
    if (absl::Status s = InstallCrl(files.crl, files.crl_dir); !s.ok()) return s;
    options.set_crl_directory(files.crl_dir);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

bool IsLoopbackAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  const std::string host = address.substr(0, colon);
  if (host == "localhost" || host == "[::1]") return true;
  in_addr ipv4{};
  return inet_pton(AF_INET, host.c_str(), &ipv4) == 1 &&
         (ntohl(ipv4.s_addr) >> 24) == 127;
}

}  // namespace catalog::server
