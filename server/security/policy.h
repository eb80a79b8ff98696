// The access policy: which principals and groups hold which roles, up to
// which confidentiality they may see (clearance), in which domains stewards
// and owners may change data, and who must state a purpose.
//
// Policy file (TOML):
//
//   [purpose]
//   # Roles that must state a purpose (x-purpose metadata) to read datasets
//   # that contain personal data (doelbinding).
//   required_for = ["reader"]
//
//   [[grant]]
//   principal = "steward"        # certificate CN, or a SAN URI or DNS name
//   roles = ["steward"]          # reader | steward | owner | auditor | admin |
//                                # privacy_officer | application
//   clearance = "vertrouwelijk"  # highest confidentiality marking visible
//   domains = ["Burgerzaken"]    # where steward/owner may change; omit: all
//
//   [[grant]]
//   group = "afnemers"           # certificate OU
//   roles = ["reader"]
//   clearance = "intern"
//
//   [[api_key]]
//   principal = "airflow"        # who a request with this bearer key is
//   sha256 = "9f86d0..."         # SHA-256 of the key, 64 hex characters
//                                # (`catalogd hash-api-key` prints the entry)
//
// An API key (HTTP `Authorization: Bearer KEY`, the OpenLineage transport)
// authenticates its principal, which then gets the grants naming it like a
// certificate CN does. The policy holds only the digests of keys.
//
// A caller matching several grants gets the union of their roles and
// domains and the highest of their clearances. A caller matching none is
// denied everything (deny by default). Clearance defaults to openbaar.
#ifndef CATALOG_SERVER_SECURITY_POLICY_H_
#define CATALOG_SERVER_SECURITY_POLICY_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/v1/dataset.pb.h"
#include "server/security/identity.h"

namespace catalog::server {

// privacy_officer: the functionaris gegevensbescherming, who answers from
// the processing log (inzage, deliveries). application: an application
// that writes to the processing log and may do nothing else.
enum class Role : uint8_t {
  kReader,
  kSteward,
  kOwner,
  kAuditor,
  kAdmin,
  kPrivacyOfficer,
  kApplication
};

// A set of roles as a bit mask.
using RoleSet = uint8_t;
constexpr RoleSet Bit(Role role) { return static_cast<RoleSet>(1u << static_cast<int>(role)); }
// The roles of people, who read the catalogue (every role but application).
constexpr RoleSet kAllRoles = Bit(Role::kReader) | Bit(Role::kSteward) | Bit(Role::kOwner) |
                              Bit(Role::kAuditor) | Bit(Role::kAdmin) |
                              Bit(Role::kPrivacyOfficer);

// Lower-case role name ("reader"); the table of names is in policy.cc.
std::string RoleName(Role role);
std::string RoleSetText(RoleSet roles);

// What the policy grants one caller.
struct Grant {
  // False when no grant matched: every call is denied.
  bool known = false;
  RoleSet roles = 0;
  catalog::v1::Confidentiality clearance = catalog::v1::CONFIDENTIALITY_OPENBAAR;
  // Domains (lower-case) where steward and owner roles apply; ignored when
  // all_domains.
  bool all_domains = false;
  std::set<std::string> domains;
  // Must state a purpose to read datasets with personal data.
  bool purpose_required = false;

  bool Has(Role role) const { return (roles & Bit(role)) != 0; }
  bool HasAny(RoleSet set) const { return (roles & set) != 0; }
  // Whether steward/owner rights apply in `domain`.
  bool CoversDomain(absl::string_view domain) const;
};

class Policy {
 public:
  // Parses a policy file. INVALID_ARGUMENT naming the file, line and key.
  static absl::StatusOr<std::shared_ptr<const Policy>> Load(const std::string& path);
  static absl::StatusOr<std::shared_ptr<const Policy>> Parse(const std::string& toml,
                                                             const std::string& source_name);

  Grant Resolve(const Identity& identity) const;

  // The principal of the API key `key` (compared by digest, in constant
  // time, with every key of the policy); empty when no key matches.
  std::string ApiKeyPrincipal(absl::string_view key) const;

 private:
  struct ApiKey {
    std::string principal;
    std::string sha256;  // Lower-case hex.
  };

  struct Entry {
    std::string principal;  // Exact match on CN or an alt name; empty: none.
    std::string group;      // Exact match on an OU; empty: none.
    RoleSet roles = 0;
    catalog::v1::Confidentiality clearance = catalog::v1::CONFIDENTIALITY_OPENBAAR;
    bool all_domains = true;
    std::set<std::string> domains;
  };
  std::vector<Entry> entries_;
  std::vector<ApiKey> api_keys_;
  RoleSet purpose_required_for_ = 0;
};

// Holds the current policy of a running server and replaces it on Reload()
// (SIGHUP) or when the file changes (checked by the caller's timer through
// ReloadIfChanged). A bad new file is rejected and the old policy stays.
// Thread-safe.
class PolicyStore {
 public:
  static absl::StatusOr<std::unique_ptr<PolicyStore>> Open(const std::string& path);
  // A fixed policy, for tests and the development plaintext mode.
  explicit PolicyStore(std::shared_ptr<const Policy> policy);

  std::shared_ptr<const Policy> Current() const;
  absl::Status Reload();
  // Reloads when the file's modification time or size changed.
  absl::Status ReloadIfChanged();

 private:
  std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Policy> current_;  // Guarded by mutex_.
  int64_t stamp_ = 0;                      // Guarded by mutex_.
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SECURITY_POLICY_H_
