#include "storage/audit_chain.h"

#include <memory>

#include <openssl/evp.h>

#include "storage/key_codec.h"

namespace catalog::storage {

std::string GenesisHash() { return std::string(kAuditHashSize, '\0'); }

std::string CanonicalAuditBytes(const AuditEntry& e) {
  std::string out;
  AppendUint64(&out, e.sequence());
  AppendUint64(&out, static_cast<uint64_t>(e.time_micros()));
  AppendOrderedString(&out, e.principal());
  AppendOrderedString(&out, e.peer());
  AppendOrderedString(&out, e.method());
  AppendUint32(&out, static_cast<uint32_t>(e.resources_size()));
  for (const std::string& resource : e.resources()) AppendOrderedString(&out, resource);
  AppendOrderedString(&out, e.purpose());
  AppendUint32(&out, static_cast<uint32_t>(e.code()));
  AppendOrderedString(&out, e.request_id());
  return out;
}

std::string AuditEntryHash(const std::string& prev_hash, const AuditEntry& entry) {
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> context(EVP_MD_CTX_new());
  const std::string canonical = CanonicalAuditBytes(entry);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (context == nullptr || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), prev_hash.data(), prev_hash.size()) != 1 ||
      EVP_DigestUpdate(context.get(), canonical.data(), canonical.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    return {};  // Never matches a stored hash: verification reports the entry.
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace catalog::storage
