#include "server/security/policy.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/enum_text.h"
#include "server/security/api_key.h"

namespace catalog::server {
namespace {

constexpr std::pair<Role, const char*> kRoleNames[] = {
    {Role::kReader, "reader"}, {Role::kSteward, "steward"}, {Role::kOwner, "owner"},
    {Role::kAuditor, "auditor"}, {Role::kAdmin, "admin"},
    {Role::kPrivacyOfficer, "privacy_officer"}, {Role::kApplication, "application"},
};

absl::Status Invalid(const std::string& source, const toml::node& node, const std::string& what) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ":", node.source().begin.line, ": ", what));
}

absl::StatusOr<RoleSet> ParseRoles(const std::string& source, const toml::node& node) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return Invalid(source, node, "roles must be an array of role names");
  RoleSet roles = 0;
  for (const toml::node& item : *array) {
    std::optional<std::string> name = item.value<std::string>();
    const auto* found = std::find_if(std::begin(kRoleNames), std::end(kRoleNames),
                                     [&](const auto& r) { return name && *name == r.second; });
    if (found == std::end(kRoleNames)) {
      return Invalid(source, item,
                     "unknown role; expected reader, steward, owner, auditor, admin, "
                     "privacy_officer or application");
    }
    roles |= Bit(found->first);
  }
  return roles;
}

absl::StatusOr<std::vector<std::string>> ParseStrings(const std::string& source,
                                                      const toml::node& node, const char* key) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return Invalid(source, node, absl::StrCat(key, " must be an array"));
  std::vector<std::string> values;
  for (const toml::node& item : *array) {
    std::optional<std::string> value = item.value<std::string>();
    if (!value) return Invalid(source, item, absl::StrCat(key, " entries must be strings"));
    values.push_back(*value);
  }
  return values;
}

// One [[api_key]] table: (principal, sha256).
absl::StatusOr<std::pair<std::string, std::string>> ParseApiKey(const std::string& source,
                                                                const toml::node& node) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return Invalid(source, node, "api_key must be [[api_key]] tables");
  std::string principal, sha256;
  for (const auto& [key, value] : *table) {
    const std::string name(key.str());
    std::optional<std::string> text = value.value<std::string>();
    if (name != "principal" && name != "sha256") {
      return Invalid(source, value, absl::StrCat("unknown key api_key.", name));
    }
    if (!text || text->empty()) return Invalid(source, value, name + " must be a string");
    if (name == "sha256") {
      if (absl::Status s = CheckApiKeyDigest(*text); !s.ok()) {
        return Invalid(source, value, std::string(s.message()));
      }
    }
    (name == "principal" ? principal : sha256) = *text;
  }
  if (principal.empty() || sha256.empty()) {
    return Invalid(source, node, "an api_key needs principal and sha256");
  }
  return std::make_pair(principal, sha256);
}

int64_t FileStamp(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return -1;
  return static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec +
         static_cast<int64_t>(info.st_size) * 7;
}

}  // namespace

std::string RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

std::string RoleSetText(RoleSet roles) {
  std::vector<std::string> names;
  for (const auto& [role, name] : kRoleNames) {
    if ((roles & Bit(role)) != 0) names.push_back(name);
  }
  return absl::StrJoin(names, ", ");
}

bool Grant::CoversDomain(absl::string_view domain) const {
  return all_domains || domains.count(absl::AsciiStrToLower(domain)) > 0;
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("--policy: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::Parse(const std::string& text,
                                                            const std::string& source) {
  // Debian's toml++ is built with exceptions; they stop here and become a
  // Status.
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    return absl::InvalidArgumentError(absl::StrCat(source, ":", error.source().begin.line, ": ",
                                                   std::string(error.description())));
  }
  auto policy = std::shared_ptr<Policy>(new Policy());
  for (const auto& [key, node] : table) {
    if (key == "purpose") {
      const toml::table* purpose = node.as_table();
      if (purpose == nullptr) return Invalid(source, node, "[purpose] must be a table");
      for (const auto& [pkey, pnode] : *purpose) {
        if (pkey != "required_for") {
          return Invalid(source, pnode, absl::StrCat("unknown key purpose.", std::string(pkey.str())));
        }
        absl::StatusOr<RoleSet> roles = ParseRoles(source, pnode);
        if (!roles.ok()) return roles.status();
        policy->purpose_required_for_ = *roles;
      }
    } else if (key == "grant") {
      const toml::array* grants = node.as_array();
      if (grants == nullptr) return Invalid(source, node, "grant must be [[grant]] tables");
      for (const toml::node& grant_node : *grants) {
        const toml::table* grant = grant_node.as_table();
        if (grant == nullptr) return Invalid(source, grant_node, "grant must be a table");
        Entry entry;
        for (const auto& [gkey, gnode] : *grant) {
          const std::string name(gkey.str());
          if (name == "principal" || name == "group") {
            std::optional<std::string> value = gnode.value<std::string>();
            if (!value || value->empty()) return Invalid(source, gnode, name + " must be a name");
            (name == "principal" ? entry.principal : entry.group) = *value;
          } else if (name == "roles") {
            absl::StatusOr<RoleSet> roles = ParseRoles(source, gnode);
            if (!roles.ok()) return roles.status();
            entry.roles = *roles;
          } else if (name == "clearance") {
            std::optional<std::string> value = gnode.value<std::string>();
            absl::StatusOr<catalog::v1::Confidentiality> clearance =
                api::ParseEnum<catalog::v1::Confidentiality>(value.value_or(""), "clearance");
            if (!clearance.ok()) return Invalid(source, gnode, std::string(clearance.status().message()));
            entry.clearance = *clearance;
          } else if (name == "domains") {
            absl::StatusOr<std::vector<std::string>> domains = ParseStrings(source, gnode, "domains");
            if (!domains.ok()) return domains.status();
            entry.all_domains = domains->empty();
            for (const std::string& d : *domains) entry.domains.insert(absl::AsciiStrToLower(d));
          } else {
            return Invalid(source, gnode, absl::StrCat("unknown key grant.", name));
          }
        }
        if (entry.principal.empty() == entry.group.empty()) {
          return Invalid(source, grant_node, "a grant names exactly one of principal or group");
        }
        if (entry.roles == 0) return Invalid(source, grant_node, "a grant needs roles");
        policy->entries_.push_back(std::move(entry));
      }
    } else if (key == "api_key") {
      const toml::array* keys = node.as_array();
      if (keys == nullptr) return Invalid(source, node, "api_key must be [[api_key]] tables");
      for (const toml::node& key_node : *keys) {
        absl::StatusOr<std::pair<std::string, std::string>> parsed = ParseApiKey(source, key_node);
        if (!parsed.ok()) return parsed.status();
        for (const ApiKey& known : policy->api_keys_) {
          if (known.sha256 == parsed->second) {
            return Invalid(source, key_node, "the same key (sha256) is listed twice");
          }
        }
        policy->api_keys_.push_back({parsed->first, parsed->second});
      }
    } else {
      return Invalid(source, node, absl::StrCat("unknown key ", std::string(key.str())));
    }
  }
  return std::shared_ptr<const Policy>(std::move(policy));
}

Grant Policy::Resolve(const Identity& identity) const {
  Grant grant;
  for (const Entry& entry : entries_) {
    const bool matches =
        (!entry.principal.empty() &&
         (entry.principal == identity.principal ||
          std::find(identity.alt_names.begin(), identity.alt_names.end(), entry.principal) !=
              identity.alt_names.end())) ||
        (!entry.group.empty() && std::find(identity.groups.begin(), identity.groups.end(),
                                           entry.group) != identity.groups.end());
    if (!matches || identity.principal.empty()) continue;
    grant.known = true;
    grant.roles |= entry.roles;
    grant.clearance = std::max(grant.clearance, entry.clearance);
    if ((entry.roles & (Bit(Role::kSteward) | Bit(Role::kOwner))) != 0) {
      grant.all_domains = grant.all_domains || entry.all_domains;
      grant.domains.insert(entry.domains.begin(), entry.domains.end());
    }
  }
  grant.purpose_required = (grant.roles & purpose_required_for_) != 0;
  return grant;
}

std::string Policy::ApiKeyPrincipal(absl::string_view key) const {
  const std::string digest = ApiKeyDigest(key);
  std::string principal;
  // Every key is compared, so that the time taken does not tell which
  // matched.
  for (const ApiKey& known : api_keys_) {
    if (SameDigest(digest, known.sha256)) principal = known.principal;
  }
  return principal;
}

absl::StatusOr<std::unique_ptr<PolicyStore>> PolicyStore::Open(const std::string& path) {
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::Load(path);
  if (!policy.ok()) return policy.status();
  auto store = std::make_unique<PolicyStore>(*std::move(policy));
  store->path_ = path;
  store->stamp_ = FileStamp(path);
  return store;
}

PolicyStore::PolicyStore(std::shared_ptr<const Policy> policy) : current_(std::move(policy)) {}

std::shared_ptr<const Policy> PolicyStore::Current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

absl::Status PolicyStore::Reload() {
  if (path_.empty()) return absl::OkStatus();
  const int64_t stamp = FileStamp(path_);
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::Load(path_);
  std::lock_guard<std::mutex> lock(mutex_);
  stamp_ = stamp;  // A bad file is not retried until it changes again.
  if (!policy.ok()) return policy.status();
  current_ = *std::move(policy);
  return absl::OkStatus();
}

absl::Status PolicyStore::ReloadIfChanged() {
  if (path_.empty()) return absl::OkStatus();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (FileStamp(path_) == stamp_) return absl::OkStatus();
  }
  return Reload();
}

}  // namespace catalog::server
