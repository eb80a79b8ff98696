#include "tests/security/expected_authorization.h"

#include <gtest/gtest.h>

#include <cstring>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace catalog::testing {

server::RoleSet ExpectedRoles(const ExpectedRule& rule) {
  // The column order of the header: R S O A D P X.
  constexpr char kLetters[] = "RSOADPX";
  constexpr server::Role kColumnRoles[] = {
      server::Role::kReader,  server::Role::kSteward,
      server::Role::kOwner,   server::Role::kAuditor,
      server::Role::kAdmin,   server::Role::kPrivacyOfficer,
      server::Role::kApplication};
  static_assert(std::size(kLetters) - 1 == std::size(kColumnRoles));
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

std::string RowTestName(absl::string_view method) {
  const std::string short_name = ShortMethodName(method);
  int same = 0;
  for (const ExpectedRule& rule : kExpectedAuthorization) {
    if (ShortMethodName(rule.method) == short_name) ++same;
  }
  if (same <= 1) return short_name;
  // "/a.b.Service/Method": the last segment of the package path.
  const size_t slash = method.rfind('/');
  const absl::string_view service = method.substr(0, slash);
  const size_t dot = service.rfind('.');
  return absl::StrCat(service.substr(dot == absl::string_view::npos ? 0 : dot + 1), "_",
                      short_name);
}

}  // namespace catalog::testing
