#include "tests/security/expected_authorization.h"

#include <gtest/gtest.h>

#include <cstring>
#include <iterator>

namespace catalog::testing {

server::RoleSet ExpectedRoles(const ExpectedRule& rule) {
  constexpr char kLetters[] = "RSOAD";
  constexpr server::Role kColumnRoles[] = {
      server::Role::kReader, server::Role::kSteward, server::Role::kOwner,
      server::Role::kAuditor, server::Role::kAdmin};
  constexpr size_t kColumns = std::size(kColumnRoles);
  if (std::strlen(rule.roles) != kColumns) {
    ADD_FAILURE() << rule.method << ": \"" << rule.roles << "\" needs "
                  << kColumns << " columns (" << kLetters << ")";
    return 0;
  }
  server::RoleSet roles = 0;
  for (size_t i = 0; i < kColumns; ++i) {
    if (rule.roles[i] == '-') continue;
    if (rule.roles[i] != kLetters[i]) {
      ADD_FAILURE() << rule.method << ": \"" << rule.roles << "\" has '"
                    << rule.roles[i] << "' in the column of '" << kLetters[i]
                    << "'";
      return 0;
    }
    roles |= server::Bit(kColumnRoles[i]);
  }
  return roles;
}

const ExpectedRule* ExpectedRuleFor(absl::string_view method) {
  for (const ExpectedRule& rule : kExpectedAuthorization) {
    if (method == rule.method) return &rule;
  }
  ADD_FAILURE() << method << " is not in the expected authorization table";
  return nullptr;
}

bool ExpectedAllows(absl::string_view method,
                    std::optional<server::Role> role) {
  const ExpectedRule* rule = ExpectedRuleFor(method);
  if (rule == nullptr || !role.has_value()) return false;
  return (ExpectedRoles(*rule) & server::Bit(*role)) != 0;
}

std::string ShortMethodName(absl::string_view method) {
  return std::string(method.substr(method.rfind('/') + 1));
}

}  // namespace catalog::testing
