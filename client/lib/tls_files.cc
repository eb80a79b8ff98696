#include "client/lib/tls_files.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/lib/local_file.h"
#include "client/lib/status.h"

namespace catalog::client {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Certificate = std::unique_ptr<X509, X509Free>;
using PrivateKey = std::unique_ptr<EVP_PKEY, KeyFree>;

Bio MemoryBio(absl::string_view pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Certificate FirstCertificate(absl::string_view pem) {
  Bio bio = MemoryBio(pem);
  Certificate cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return cert;
}

absl::Status Invalid(absl::string_view message) {
  return MarkUsageError(absl::InvalidArgumentError(message));
}

std::string Named(const std::string& path, absl::string_view flag) {
  return absl::StrCat("\"", path, "\" (", flag, ")");
}

}  // namespace

absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view flag,
                                        absl::string_view what) {
  const std::string file = absl::StrCat(what, " file ", Named(path, flag));
  absl::StatusOr<std::string> pem = ReadLocalFile(path, file);
  if (!pem.ok()) return pem.status();
  if (pem->empty()) return Invalid(absl::StrCat(file, " is empty"));
  if (!absl::StrContains(*pem, "-----BEGIN ")) {
    return Invalid(absl::StrCat(file, " holds no PEM block (\"-----BEGIN ...\")"));
  }
  return pem;
}

absl::Status CheckCaCertificates(absl::string_view ca_pem, const std::string& ca_path) {
  if (FirstCertificate(ca_pem) == nullptr) {
    return Invalid(absl::StrCat("CA certificate file ", Named(ca_path, "--ca"),
                                " holds no certificate"));
  }
  return absl::OkStatus();
}

absl::Status CheckKeyPair(absl::string_view cert_pem, const std::string& cert_path,
                          absl::string_view key_pem, const std::string& key_path) {
  Certificate cert = FirstCertificate(cert_pem);
  if (cert == nullptr) {
    return Invalid(absl::StrCat("client certificate file ", Named(cert_path, "--cert"),
                                " holds no certificate (is it the key?)"));
  }
  Bio bio = MemoryBio(key_pem);
  PrivateKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return Invalid(absl::StrCat("client key file ", Named(key_path, "--key"),
                                " holds no unencrypted private key (is it the certificate?)"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return Invalid(absl::StrCat("the client key ", Named(key_path, "--key"),
                                " does not belong to the client certificate ",
                                Named(cert_path, "--cert"),
                                "; give the key that was made with this certificate"));
  }
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0) {
    return Invalid(absl::StrCat("the client certificate ", Named(cert_path, "--cert"),
                                " has expired; ask for a new one"));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) > 0) {
    return Invalid(absl::StrCat("the client certificate ", Named(cert_path, "--cert"),
                                " is not valid yet (check this machine's clock)"));
  }
  return absl::OkStatus();
}

}  // namespace catalog::client
