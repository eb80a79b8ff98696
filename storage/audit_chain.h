// The hash chain of the audit trail: canonical encoding and hashing of audit
// entries (SHA-256 through OpenSSL's EVP API). Pure functions; thread-safe.
//
// The canonical encoding is the key codec's order-preserving encoding of the
// fields in a fixed order (sequence, time, principal, peer, method, the
// number of resources and each resource, purpose, code, request id), so it
// is unambiguous and independent of protobuf's serialization. DO NOT CHANGE:
// existing trails are verified with it.
#ifndef CATALOG_STORAGE_AUDIT_CHAIN_H_
#define CATALOG_STORAGE_AUDIT_CHAIN_H_

#include <string>

#include "storage/proto/records.pb.h"

namespace catalog::storage {

inline constexpr size_t kAuditHashSize = 32;

// prev_hash of the first entry.
std::string GenesisHash();

// The bytes that are hashed for `entry` (all fields but prev_hash and hash).
std::string CanonicalAuditBytes(const AuditEntry& entry);

// SHA-256(prev_hash || CanonicalAuditBytes(entry)).
std::string AuditEntryHash(const std::string& prev_hash, const AuditEntry& entry);

}  // namespace catalog::storage

#endif  // CATALOG_STORAGE_AUDIT_CHAIN_H_
