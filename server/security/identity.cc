#include "server/security/identity.h"

#include <memory>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace catalog::server {
namespace {

std::string Utf8(const ASN1_STRING* value) {
  unsigned char* out = nullptr;
  const int length = ASN1_STRING_to_UTF8(&out, value);
  if (length < 0) return {};
  std::string text(reinterpret_cast<const char*>(out), static_cast<size_t>(length));
  OPENSSL_free(out);
  return text;
}

std::vector<std::string> SubjectEntries(X509* cert, int nid) {
  std::vector<std::string> values;
  const X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(subject, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, nid, i)) {
    values.push_back(Utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i))));
  }
  return values;
}

}  // namespace

absl::StatusOr<Identity> IdentityFromPem(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (cert == nullptr) return absl::InvalidArgumentError("client certificate does not parse");
  Identity identity;
  std::vector<std::string> names = SubjectEntries(cert.get(), NID_commonName);
  if (!names.empty()) identity.principal = names.front();
  identity.groups = SubjectEntries(cert.get(), NID_organizationalUnitName);
  auto* sans = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  if (sans != nullptr) {
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans, i);
      if (name->type == GEN_URI) identity.alt_names.push_back(Utf8(name->d.uniformResourceIdentifier));
      if (name->type == GEN_DNS) identity.alt_names.push_back(Utf8(name->d.dNSName));
    }
    GENERAL_NAMES_free(sans);
  }
  return identity;
}

}  // namespace catalog::server
