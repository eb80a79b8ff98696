// The authorization table against the intended policy written out by hand
// (expected_authorization.h): every role x every RPC through Authorize, and
// the production table holding exactly the intended methods and roles. Then
// the policy file format with every error it reports, how a policy resolves
// an identity into a grant, and how an identity is read from a certificate.
#include "server/security/authorization.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog/v1/accountability_service.pb.h"
#include "catalog/v1/audit_service.pb.h"
#include "catalog/v1/catalog_service.pb.h"
#include "catalog/v1/lineage_service.pb.h"
#include "catalog/v1/quality_service.pb.h"
#include "logboek/v1/logboek.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "server/security/api_key.h"
#include "server/security/identity.h"
#include "server/security/policy.h"
#include "tests/security/expected_authorization.h"
#include "tests/security/security_support.h"

namespace catalog::testing {
namespace {

using server::ApiKeyDigest;
using server::AuthorizationTable;
using server::Authorize;
using server::Bit;
using server::Grant;
using server::Identity;
using server::MethodRule;
using server::Policy;
using server::Role;
using server::RoleSet;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr Role kRoles[] = {Role::kReader,         Role::kSteward,
                           Role::kOwner,          Role::kAuditor,
                           Role::kAdmin,          Role::kPrivacyOfficer,
                           Role::kApplication};

// The roles of people: every role but application.
constexpr Role kPeople[] = {Role::kReader,  Role::kSteward, Role::kOwner,
                            Role::kAuditor, Role::kAdmin,
                            Role::kPrivacyOfficer};

// The processing log's intake, the only RPCs an application may call.
constexpr const char* kIntake[] = {
    "/logboek.v1.LogboekService/Export",
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export"};

// The answers from the processing log.
constexpr const char* kAccountabilityReads[] = {
    "/catalog.v1.AccountabilityService/GetSubjectAccount",
    "/catalog.v1.AccountabilityService/ListActivityOperations",
    "/catalog.v1.AccountabilityService/GetTrace",
    "/catalog.v1.AccountabilityService/ListDeliveries"};

bool IsIntake(absl::string_view method) {
  return std::find(std::begin(kIntake), std::end(kIntake), method) !=
         std::end(kIntake);
}

Grant GrantOf(RoleSet roles) {
  Grant grant;
  grant.known = true;
  grant.roles = roles;
  return grant;
}

// ---- The table against the intended policy ----

struct RowRole {
  size_t row;  // Row of kExpectedAuthorization.
  Role role;
};

std::vector<RowRole> AllRowRoles() {
  std::vector<RowRole> cases;
  for (size_t row = 0; row < std::size(kExpectedAuthorization); ++row) {
    for (Role role : kRoles) cases.push_back({row, role});
  }
  return cases;
}

class AuthorizationRowTest : public ::testing::TestWithParam<RowRole> {};

TEST_P(AuthorizationRowTest, AllowsExactlyTheIntendedRoles) {
  const ExpectedRule& rule = kExpectedAuthorization[GetParam().row];
  const Role role = GetParam().role;
  const absl::Status status =
      Authorize(rule.method, GrantOf(Bit(role)), "someone");
  if (ExpectedAllows(rule.method, role)) {
    EXPECT_TRUE(status.ok()) << status;
  } else {
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
    // The refusal says who, what they have, what was asked and what it needs.
    EXPECT_THAT(std::string(status.message()), HasSubstr("\"someone\""));
    EXPECT_THAT(std::string(status.message()),
                HasSubstr(server::RoleName(role)));
    EXPECT_THAT(std::string(status.message()), HasSubstr(rule.method));
    EXPECT_THAT(std::string(status.message()),
                HasSubstr(absl::StrCat("it needs one of: ",
                                       server::RoleSetText(ExpectedRoles(rule)))));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, AuthorizationRowTest,
                         ::testing::ValuesIn(AllRowRoles()),
                         [](const ::testing::TestParamInfo<RowRole>& info) {
                           return absl::StrCat(
                               RowTestName(
                                   kExpectedAuthorization[info.param.row].method),
                               "_", server::RoleName(info.param.role));
                         });

class AuthorizationUnknownPrincipalTest
    : public ::testing::TestWithParam<size_t> {};

TEST_P(AuthorizationUnknownPrincipalTest, IsDeniedEvenWithRoleBits) {
  const ExpectedRule& rule = kExpectedAuthorization[GetParam()];
  Grant grant;  // No grant matched; roles cannot make up for that.
  grant.roles = server::kAllRoles | Bit(Role::kApplication);
  const absl::Status status = Authorize(rule.method, grant, "onbekend");
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("\"onbekend\" is not known"));
}

INSTANTIATE_TEST_SUITE_P(
    Table, AuthorizationUnknownPrincipalTest,
    ::testing::Range<size_t>(0, std::size(kExpectedAuthorization)),
    [](const ::testing::TestParamInfo<size_t>& info) {
      return RowTestName(kExpectedAuthorization[info.param].method);
    });

// Rows to check how column strings are read (namespace scope: the
// statement of EXPECT_NONFATAL_FAILURE may not use local variables).
constexpr ExpectedRule kEveryone{"x", "RSOADPX"};
constexpr ExpectedRule kEveryPerson{"x", "RSOADP-"};
constexpr ExpectedRule kReaderOnly{"x", "R------"};
constexpr ExpectedRule kAdminOnly{"x", "----D--"};
constexpr ExpectedRule kPrivacyOfficerOnly{"x", "-----P-"};
constexpr ExpectedRule kApplicationOnly{"x", "------X"};
constexpr ExpectedRule kStewardAndAuditor{"x", "-S-A---"};
constexpr ExpectedRule kLettersSwapped{"x", "SR-----"};
constexpr ExpectedRule kPrivacyAndApplicationSwapped{"x", "-----XP"};
constexpr ExpectedRule kColumnMissing{"x", "RSOADP"};
constexpr ExpectedRule kOldFiveColumns{"x", "RSOAD"};

// The column strings themselves: a typo must not silently mean "nobody".
TEST(ExpectedAuthorization, EveryRowIsWellFormedAndCallableBySomeone) {
  EXPECT_EQ(ExpectedRoles(kEveryone),
            server::kAllRoles | Bit(Role::kApplication));
  EXPECT_EQ(ExpectedRoles(kEveryPerson), server::kAllRoles);
  EXPECT_EQ(ExpectedRoles(kReaderOnly), Bit(Role::kReader));
  EXPECT_EQ(ExpectedRoles(kAdminOnly), Bit(Role::kAdmin));
  EXPECT_EQ(ExpectedRoles(kPrivacyOfficerOnly), Bit(Role::kPrivacyOfficer));
  EXPECT_EQ(ExpectedRoles(kApplicationOnly), Bit(Role::kApplication));
  EXPECT_EQ(ExpectedRoles(kStewardAndAuditor),
            Bit(Role::kSteward) | Bit(Role::kAuditor));
  EXPECT_NONFATAL_FAILURE(ExpectedRoles(kLettersSwapped), "in the column of");
  EXPECT_NONFATAL_FAILURE(ExpectedRoles(kPrivacyAndApplicationSwapped),
                          "in the column of");
  EXPECT_NONFATAL_FAILURE(ExpectedRoles(kColumnMissing), "needs 7 columns");
  EXPECT_NONFATAL_FAILURE(ExpectedRoles(kOldFiveColumns), "needs 7 columns");
  for (const ExpectedRule& rule : kExpectedAuthorization) {
    const RoleSet roles = ExpectedRoles(rule);
    EXPECT_NE(roles, 0) << rule.method;
    if (IsIntake(rule.method)) {
      // The processing log records what applications did: only they write
      // it, not even an admin.
      EXPECT_EQ(roles, Bit(Role::kApplication)) << rule.method;
    } else {
      EXPECT_NE(roles & Bit(Role::kAdmin), 0)
          << rule.method << ": admins may call everything but the intake";
      EXPECT_EQ(roles & Bit(Role::kApplication), 0)
          << rule.method << ": an application may only write the log";
    }
  }
}

// Test names of rows are unique, also for the two RPCs named Export.
TEST(ExpectedAuthorization, RowTestNamesAreUnique) {
  std::set<std::string> names;
  for (const ExpectedRule& rule : kExpectedAuthorization) {
    EXPECT_TRUE(names.insert(RowTestName(rule.method)).second) << rule.method;
  }
  EXPECT_EQ(RowTestName("/catalog.v1.CatalogService/GetDataset"), "GetDataset");
  EXPECT_EQ(RowTestName("/logboek.v1.LogboekService/Export"),
            "LogboekService_Export");
  EXPECT_EQ(RowTestName(
                "/opentelemetry.proto.collector.trace.v1.TraceService/Export"),
            "TraceService_Export");
}

TEST(AuthorizationTable, HasExactlyTheMethodsOfTheIntendedPolicy) {
  std::multiset<std::string> production;
  for (const MethodRule& rule : AuthorizationTable()) {
    production.insert(rule.method);
  }
  std::multiset<std::string> intended;
  for (const ExpectedRule& rule : kExpectedAuthorization) {
    intended.insert(rule.method);
  }
  std::vector<std::string> missing, extra;
  std::set_difference(intended.begin(), intended.end(), production.begin(),
                      production.end(), std::back_inserter(missing));
  std::set_difference(production.begin(), production.end(), intended.begin(),
                      intended.end(), std::back_inserter(extra));
  EXPECT_THAT(missing, ::testing::IsEmpty())
      << "intended but missing from server/security/authorization.cc";
  EXPECT_THAT(extra, ::testing::IsEmpty())
      << "in server/security/authorization.cc (or listed twice) but not in "
         "tests/security/expected_authorization.h";
  EXPECT_EQ(production.size(), std::size(kExpectedAuthorization));
  EXPECT_EQ(std::set<std::string>(intended.begin(), intended.end()).size(),
            intended.size())
      << "the expected table lists a method twice";
}

TEST(AuthorizationTable, EveryRowGivesExactlyTheIntendedRoles) {
  for (const MethodRule& rule : AuthorizationTable()) {
    const ExpectedRule* expected = ExpectedRuleFor(rule.method);
    if (expected == nullptr) continue;  // Reported by ExpectedRuleFor.
    EXPECT_EQ(server::RoleSetText(rule.roles),
              server::RoleSetText(ExpectedRoles(*expected)))
        << rule.method;
  }
}

TEST(AuthorizationTable, UnknownMethodIsDeniedToEveryRole) {
  for (const char* method : {"/catalog.v1.CatalogService/DropEverything",
                             "/catalog.v1.CatalogService/GetDatasetX",
                             "/catalog.v1.CatalogService/getdataset",
                             "catalog.v1.CatalogService/GetDataset",
                             "/catalog.v2.CatalogService/GetDataset", ""}) {
    SCOPED_TRACE(method);
    const absl::Status status =
        Authorize(method, GrantOf(server::kAllRoles), "admin");
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(std::string(status.message()),
                HasSubstr("is not allowed for anyone"));
  }
}

// The intended table names every RPC the services declare, so that a new
// RPC in protos/ fails here until its row is decided on.
TEST(ExpectedAuthorization, CoversEveryRpcOfTheServicesExactlyOnce) {
  std::set<std::string> served;
  for (const char* name :
       {"catalog.v1.CatalogService", "catalog.v1.AuditService",
        "catalog.v1.LineageService", "catalog.v1.TerugmeldingService",
        "catalog.v1.QualityService", "catalog.v1.LandscapeService",
        "catalog.v1.ChangeFeedService", "catalog.v1.InteropService",
        "catalog.v1.SearchService",
        "catalog.v1.ProcessingService", "catalog.v1.AccountabilityService",
        "logboek.v1.LogboekService",
        "opentelemetry.proto.collector.trace.v1.TraceService"}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      served.insert(absl::StrCat("/", name, "/", service->method(i)->name()));
    }
  }
  std::multiset<std::string> listed;
  for (const ExpectedRule& rule : kExpectedAuthorization) {
    listed.insert(rule.method);
  }
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), served);
  EXPECT_EQ(listed.size(), served.size()) << "a method is listed twice";
}

TEST(AuthorizationTable, OnlyAuditorsAndAdminsReadTheAuditTrail) {
  for (const char* method : {"/catalog.v1.AuditService/ListAuditEvents",
                             "/catalog.v1.AuditService/VerifyAuditTrail"}) {
    for (Role role : kRoles) {
      EXPECT_EQ(Authorize(method, GrantOf(Bit(role)), "x").ok(),
                role == Role::kAuditor || role == Role::kAdmin)
          << method << " by " << server::RoleName(role);
    }
  }
}

TEST(AuthorizationTable, OnlyStewardsOwnersAndAdminsChangeMetadata) {
  for (const char* method :
       {server::method::kCreateDataset, server::method::kUpdateDataset,
        server::method::kDeleteDataset, server::method::kUpsertDatasets,
        server::method::kCreateParty, server::method::kDeleteParty,
        server::method::kCreateEdge, server::method::kDeleteEdge,
        server::method::kIngestOpenLineage, server::method::kRecordMeasurement,
        server::method::kRecordMeasurements,
        server::method::kCreateProcessingActivity,
        server::method::kUpdateProcessingActivity}) {
    for (Role role : {Role::kReader, Role::kAuditor, Role::kPrivacyOfficer,
                      Role::kApplication}) {
      EXPECT_EQ(Authorize(method, GrantOf(Bit(role)), "x").code(),
                absl::StatusCode::kPermissionDenied)
          << method << " by " << server::RoleName(role);
    }
  }
}

TEST(AuthorizationTable, OnlyOwnersAndAdminsDelete) {
  for (const char* method :
       {server::method::kDeleteDataset, server::method::kDeleteParty}) {
    for (Role role : kRoles) {
      EXPECT_EQ(Authorize(method, GrantOf(Bit(role)), "x").ok(),
                role == Role::kOwner || role == Role::kAdmin)
          << method << " by " << server::RoleName(role);
    }
  }
}

TEST(AuthorizationTable, EveryPersonReadsDatasetMetadata) {
  for (const char* method :
       {server::method::kGetDataset, server::method::kListDatasets,
        server::method::kListDatasetRevisions}) {
    for (Role role : kPeople) {
      EXPECT_TRUE(Authorize(method, GrantOf(Bit(role)), "x").ok())
          << method << " by " << server::RoleName(role);
    }
  }
}

// An application writes the processing log and may do nothing else: no
// metadata, no audit trail, no answers from the log it writes.
TEST(AuthorizationTable, ApplicationsMayOnlyWriteTheProcessingLog) {
  for (const ExpectedRule& rule : kExpectedAuthorization) {
    const absl::Status status =
        Authorize(rule.method, GrantOf(Bit(Role::kApplication)), "zaaksysteem");
    if (IsIntake(rule.method)) {
      EXPECT_TRUE(status.ok()) << rule.method << ": " << status;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied)
          << rule.method;
      EXPECT_THAT(std::string(status.message()),
                  HasSubstr("\"zaaksysteem\" (application) may not call"));
    }
  }
}

// No person writes the processing log: it records what applications did.
TEST(AuthorizationTable, NoPersonWritesTheProcessingLog) {
  for (const char* method : kIntake) {
    for (Role role : kPeople) {
      const absl::Status status = Authorize(method, GrantOf(Bit(role)), "x");
      EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied)
          << method << " by " << server::RoleName(role);
      EXPECT_THAT(std::string(status.message()),
                  HasSubstr("it needs one of: application"));
    }
    // Every person's role at once does not make an application either.
    EXPECT_EQ(Authorize(method, GrantOf(server::kAllRoles), "x").code(),
              absl::StatusCode::kPermissionDenied)
        << method;
  }
}

TEST(AuthorizationTable,
     OnlyPrivacyOfficersAuditorsAndAdminsAnswerFromTheProcessingLog) {
  for (const char* method : kAccountabilityReads) {
    for (Role role : kRoles) {
      EXPECT_EQ(Authorize(method, GrantOf(Bit(role)), "x").ok(),
                role == Role::kPrivacyOfficer || role == Role::kAuditor ||
                    role == Role::kAdmin)
          << method << " by " << server::RoleName(role);
    }
  }
}

TEST(AuthorizationTable, OnlyPrivacyOfficersAndAdminsPurgeTheProcessingLog) {
  for (Role role : kRoles) {
    EXPECT_EQ(Authorize("/catalog.v1.AccountabilityService/"
                        "PurgeExpiredOperations",
                        GrantOf(Bit(role)), "x")
                  .ok(),
              role == Role::kPrivacyOfficer || role == Role::kAdmin)
        << server::RoleName(role);
  }
}

// A privacy officer reads what every person reads and changes no metadata;
// the audit trail stays the auditors'.
TEST(AuthorizationTable, PrivacyOfficersReadLikeReadersButNotTheAuditTrail) {
  for (const ExpectedRule& rule : kExpectedAuthorization) {
    const bool reader = Authorize(rule.method, GrantOf(Bit(Role::kReader)), "x").ok();
    if (!reader) continue;
    EXPECT_TRUE(
        Authorize(rule.method, GrantOf(Bit(Role::kPrivacyOfficer)), "x").ok())
        << rule.method;
  }
  for (const char* method : {"/catalog.v1.AuditService/ListAuditEvents",
                             "/catalog.v1.AuditService/VerifyAuditTrail"}) {
    EXPECT_EQ(Authorize(method, GrantOf(Bit(Role::kPrivacyOfficer)), "x").code(),
              absl::StatusCode::kPermissionDenied)
        << method;
  }
}

TEST(AuthorizationTable, SeveralRolesAllowWhatAnyOfThemAllows) {
  const Grant grant = GrantOf(Bit(Role::kReader) | Bit(Role::kAuditor));
  EXPECT_TRUE(Authorize(server::method::kGetDataset, grant, "x").ok());
  EXPECT_TRUE(Authorize(server::method::kVerifyAuditTrail, grant, "x").ok());
  EXPECT_EQ(Authorize(server::method::kCreateDataset, grant, "x").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AuthorizationTable, KnownPrincipalWithoutRolesIsDenied) {
  for (const ExpectedRule& rule : kExpectedAuthorization) {
    EXPECT_EQ(Authorize(rule.method, GrantOf(0), "x").code(),
              absl::StatusCode::kPermissionDenied)
        << rule.method;
  }
}

// ---- Policy files ----

constexpr char kValidPolicy[] = R"([purpose]
required_for = ["reader"]

[[grant]]
principal = "steward"
roles = ["steward"]
clearance = "vertrouwelijk"
domains = ["Burgerzaken", "Sociaal Domein"]

[[grant]]
group = "afnemers"
roles = ["reader"]
clearance = "intern"

[[grant]]
group = "gegevensbeheer"
roles = ["steward", "owner"]
clearance = "confidentieel"
domains = ["Belastingen"]

[[grant]]
principal = "spiffe://voorbeeldstad.nl/reader"
roles = ["auditor"]
clearance = "geheim"

[[grant]]
principal = "admin"
roles = ["admin"]
clearance = "ZEER_GEHEIM"

[[grant]]
group = "kijkers"
roles = ["reader"]
domains = ["Belastingen"]
)";

std::shared_ptr<const Policy> ParseOk(const std::string& text) {
  absl::StatusOr<std::shared_ptr<const Policy>> policy =
      Policy::Parse(text, "policy.toml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : nullptr;
}

Identity IdentityOf(std::string principal, std::vector<std::string> groups = {},
                    std::vector<std::string> alt_names = {}) {
  return Identity{std::move(principal), std::move(alt_names),
                  std::move(groups)};
}

TEST(PolicyParse, ValidFileParses) {
  ASSERT_NE(ParseOk(kValidPolicy), nullptr);
}

TEST(PolicyParse, EmptyFileDeniesEveryone) {
  std::shared_ptr<const Policy> policy = ParseOk("");
  ASSERT_NE(policy, nullptr);
  const Grant grant = policy->Resolve(IdentityOf("admin", {"beheer"}));
  EXPECT_FALSE(grant.known);
  EXPECT_EQ(grant.roles, 0);
}

TEST(PolicyParse, ShippedPoliciesParse) {
  for (const char* file :
       {"/scripts/dev/policy.toml", "/docs/policy.example.toml"}) {
    absl::StatusOr<std::shared_ptr<const Policy>> policy =
        Policy::Load(SourceDir() + file);
    EXPECT_TRUE(policy.ok()) << file << ": " << policy.status();
  }
}

// The development policy grants the two new development certificates their
// roles: privacy (privacy_officer, zeer_geheim) and application
// (application alone, openbaar).
TEST(PolicyParse, DevelopmentPolicyGrantsPrivacyOfficerAndApplication) {
  absl::StatusOr<std::shared_ptr<const Policy>> policy =
      Policy::Load(SourceDir() + "/scripts/dev/policy.toml");
  ASSERT_TRUE(policy.ok()) << policy.status();
  for (const char* name : {"privacy", "application"}) {
    absl::StatusOr<Identity> identity = server::IdentityFromPem(
        ReadFile(absl::StrCat(TestCertsDir(), "/", name, ".pem")));
    ASSERT_TRUE(identity.ok()) << name << ": " << identity.status()
                               << " (regenerate the test certificates)";
    const Grant grant = (*policy)->Resolve(*identity);
    EXPECT_TRUE(grant.known) << name;
    if (std::string(name) == "privacy") {
      EXPECT_EQ(grant.roles, Bit(Role::kPrivacyOfficer));
      EXPECT_EQ(grant.clearance, catalog::v1::CONFIDENTIALITY_ZEER_GEHEIM);
    } else {
      EXPECT_EQ(grant.roles, Bit(Role::kApplication));
      EXPECT_EQ(grant.clearance, catalog::v1::CONFIDENTIALITY_OPENBAAR);
    }
  }
}

TEST(PolicyParse, NewRolesParseAndCombine) {
  const Grant grant =
      ParseOk(
          "[[grant]]\nprincipal = \"p\"\nroles = [\"privacy_officer\"]\n"
          "[[grant]]\ngroup = \"apps\"\nroles = [\"application\"]\n")
          ->Resolve(IdentityOf("p", {"apps"}));
  EXPECT_EQ(grant.roles, Bit(Role::kPrivacyOfficer) | Bit(Role::kApplication));
}

TEST(PolicyParse, LoadReadsTheFile) {
  TempDir dir;
  const std::string path = dir.path() + "/policy.toml";
  WriteFileAtomically(path, kValidPolicy);
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::Load(path);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_TRUE((*policy)->Resolve(IdentityOf("admin")).Has(Role::kAdmin));
}

TEST(PolicyParse, LoadOfMissingFileIsNotFoundNamingIt) {
  TempDir dir;
  const std::string path = dir.path() + "/nope.toml";
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::Load(path);
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(policy.status().message()), HasSubstr(path));
}

TEST(PolicyParse, LoadErrorNamesThePathAndLine) {
  TempDir dir;
  const std::string path = dir.path() + "/policy.toml";
  WriteFileAtomically(path,
                      "[[grant]]\nprincipal = \"a\"\nroles = [\"koning\"]\n");
  absl::StatusOr<std::shared_ptr<const Policy>> policy = Policy::Load(path);
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(policy.status().message()),
              HasSubstr(path + ":3: unknown role"));
}

struct BadPolicy {
  const char* name;
  const char* toml;
  int line;          // Line the error must name.
  const char* text;  // And a part of its message.
};

constexpr BadPolicy kBadPolicies[] = {
    {"UnknownTopLevelKey",
     "# beleid\nkleur = \"rood\"\n[purpose]\nrequired_for = []\n", 2,
     "unknown key kleur"},
    {"UnknownKeyInPurposeTable",
     "[purpose]\nrequired_for = []\nkleur = \"rood\"\n", 3,
     "unknown key purpose.kleur"},
    {"UnknownTopLevelTable", "[grants]\nprincipal = \"a\"\n", 1,
     "unknown key grants"},
    {"UnknownGrantKey",
     "[[grant]]\nprincipal = \"a\"\nroles = [\"reader\"]\nkleur = \"rood\"\n",
     4, "unknown key grant.kleur"},
    {"UnknownPurposeKey", "[purpose]\nrequired = [\"reader\"]\n", 2,
     "unknown key purpose.required"},
    {"UnknownRole",
     "[[grant]]\nprincipal = \"a\"\nroles = [\"reader\", \"koning\"]\n", 3,
     "unknown role; expected reader, steward, owner, auditor, admin, "
     "privacy_officer or application"},
    {"RoleNameWithSpace",
     "[[grant]]\nprincipal = \"a\"\nroles = [\"privacy officer\"]\n", 3,
     "unknown role"},
    {"UnknownRoleInPurpose", "[purpose]\nrequired_for = [\"afnemer\"]\n", 2,
     "unknown role"},
    {"RoleNotAString", "[[grant]]\nprincipal = \"a\"\nroles = [1]\n", 3,
     "unknown role"},
    {"RolesNotAnArray", "[[grant]]\nprincipal = \"a\"\nroles = \"reader\"\n", 3,
     "roles must be an array"},
    {"RequiredForNotAnArray", "[purpose]\nrequired_for = \"reader\"\n", 2,
     "roles must be an array"},
    {"BadClearance",
     "[[grant]]\nprincipal = \"a\"\nroles = [\"reader\"]\nclearance = "
     "\"supergeheim\"\n",
     4, "clearance"},
    {"UnspecifiedClearance",
     "[[grant]]\nprincipal = \"a\"\nroles = [\"reader\"]\nclearance = "
     "\"unspecified\"\n",
     4, "clearance"},
    {"ClearanceNotAString",
     "[[grant]]\nprincipal = \"a\"\nroles = [\"reader\"]\nclearance = 3\n", 4,
     "clearance"},
    {"PrincipalAndGroup",
     "[[grant]]\nprincipal = \"a\"\ngroup = \"b\"\nroles = [\"reader\"]\n", 1,
     "exactly one of principal or group"},
    {"NeitherPrincipalNorGroup", "\n[[grant]]\nroles = [\"reader\"]\n", 2,
     "exactly one of principal or group"},
    {"PrincipalNotAString", "[[grant]]\nprincipal = 7\nroles = [\"reader\"]\n",
     2, "principal must be a name"},
    {"EmptyGroup", "[[grant]]\ngroup = \"\"\nroles = [\"reader\"]\n", 2,
     "group must be a name"},
    {"NoRoles", "[[grant]]\nprincipal = \"a\"\n", 1, "a grant needs roles"},
    {"EmptyRoles", "[[grant]]\nprincipal = \"a\"\nroles = []\n", 1,
     "a grant needs roles"},
    {"DomainsNotAnArray",
     "[[grant]]\nprincipal = \"a\"\nroles = [\"steward\"]\ndomains = "
     "\"Burgerzaken\"\n",
     4, "domains must be an array"},
    {"DomainNotAString",
     "[[grant]]\nprincipal = \"a\"\nroles = [\"steward\"]\ndomains = [1]\n", 4,
     "domains entries must be strings"},
    {"GrantNotATableArray", "grant = 5\n", 1, "grant must be [[grant]] tables"},
    {"GrantArrayOfNonTables", "grant = [1, 2]\n", 1, "grant must be a table"},
    {"PurposeNotATable", "purpose = \"reader\"\n", 1,
     "[purpose] must be a table"},
    {"ApiKeyDigestNotHex",
     "[[api_key]]\nprincipal = \"airflow\"\nsha256 = \"secret-key\"\n", 3,
     "64 lower-case hex"},
    {"ApiKeyWithoutPrincipal", "[[api_key]]\nsha256 = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n", 1,
     "an api_key needs principal and sha256"},
    {"ApiKeyUnknownKey",
     "[[api_key]]\nprincipal = \"a\"\nkey = \"plain\"\n", 3, "unknown key api_key.key"},
    {"ApiKeyTwice",
     "[[api_key]]\nprincipal = \"a\"\nsha256 = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n"
     "[[api_key]]\nprincipal = \"b\"\nsha256 = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n", 4, "listed twice"},
    {"TomlSyntaxError", "[[grant]]\nprincipal = \"a\nroles = [\"reader\"]\n", 2,
     ""},
};

class PolicyParseErrorTest : public ::testing::TestWithParam<BadPolicy> {};

TEST_P(PolicyParseErrorTest, IsInvalidArgumentNamingFileAndLine) {
  const BadPolicy& bad = GetParam();
  absl::StatusOr<std::shared_ptr<const Policy>> policy =
      Policy::Parse(bad.toml, "beleid.toml");
  ASSERT_FALSE(policy.ok()) << "accepted:\n" << bad.toml;
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument)
      << policy.status();
  EXPECT_THAT(
      std::string(policy.status().message()),
      ::testing::StartsWith(absl::StrCat("beleid.toml:", bad.line, ": ")));
  EXPECT_THAT(std::string(policy.status().message()), HasSubstr(bad.text));
}

INSTANTIATE_TEST_SUITE_P(Errors, PolicyParseErrorTest,
                         ::testing::ValuesIn(kBadPolicies),
                         [](const ::testing::TestParamInfo<BadPolicy>& info) {
                           return std::string(info.param.name);
                         });

// ---- API keys ----

TEST(PolicyApiKey, KeyResolvesToItsPrincipalByDigestOnly) {
  const std::string key = "k-0123456789abcdef0123456789abcdef";
  std::shared_ptr<const Policy> policy = ParseOk(absl::StrCat(
      "[[api_key]]\nprincipal = \"airflow\"\nsha256 = \"", ApiKeyDigest(key), "\"\n"));
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->ApiKeyPrincipal(key), "airflow");
  EXPECT_EQ(policy->ApiKeyPrincipal(key + "x"), "");
  EXPECT_EQ(policy->ApiKeyPrincipal(""), "");
  EXPECT_EQ(policy->ApiKeyPrincipal(ApiKeyDigest(key)), "");  // The digest is no key.
  // printf %s KEY | sha256sum gives the same digest.
  EXPECT_EQ(ApiKeyDigest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// ---- Resolve ----

TEST(PolicyResolve, UnknownPrincipalGetsNothing) {
  std::shared_ptr<const Policy> policy = ParseOk(kValidPolicy);
  const Grant grant = policy->Resolve(IdentityOf(
      "onbekend", {"onbekend"}, {"spiffe://voorbeeldstad.nl/onbekend"}));
  EXPECT_FALSE(grant.known);
  EXPECT_EQ(grant.roles, 0);
  EXPECT_EQ(grant.clearance, catalog::v1::CONFIDENTIALITY_OPENBAAR);
  EXPECT_FALSE(grant.CoversDomain("Burgerzaken"));
  EXPECT_FALSE(grant.purpose_required);
}

TEST(PolicyResolve, PrincipalGrantMatchesTheCommonName) {
  const Grant grant = ParseOk(kValidPolicy)->Resolve(IdentityOf("steward"));
  EXPECT_TRUE(grant.known);
  EXPECT_EQ(grant.roles, Bit(Role::kSteward));
  EXPECT_EQ(grant.clearance, catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  EXPECT_FALSE(grant.purpose_required);
}

TEST(PolicyResolve, GroupGrantMatchesAnOrganizationalUnit) {
  const Grant grant =
      ParseOk(kValidPolicy)->Resolve(IdentityOf("iemand", {"x", "afnemers"}));
  EXPECT_TRUE(grant.known);
  EXPECT_EQ(grant.roles, Bit(Role::kReader));
  EXPECT_EQ(grant.clearance, catalog::v1::CONFIDENTIALITY_INTERN);
  EXPECT_TRUE(grant.purpose_required);
}

TEST(PolicyResolve, PrincipalGrantMatchesAnAlternativeName) {
  const Grant grant =
      ParseOk(kValidPolicy)
          ->Resolve(IdentityOf(
              "iemand", {},
              {"iemand.voorbeeldstad.nl", "spiffe://voorbeeldstad.nl/reader"}));
  EXPECT_TRUE(grant.known);
  EXPECT_EQ(grant.roles, Bit(Role::kAuditor));
  EXPECT_EQ(grant.clearance, catalog::v1::CONFIDENTIALITY_GEHEIM);
}

TEST(PolicyResolve, MatchesAreExactAndCaseSensitive) {
  std::shared_ptr<const Policy> policy = ParseOk(kValidPolicy);
  for (const Identity& identity :
       {IdentityOf("Steward"), IdentityOf("steward2"),
        IdentityOf("x", {"Afnemers"}), IdentityOf("x", {"afnemers-extern"}),
        IdentityOf("x", {}, {"spiffe://voorbeeldstad.nl/"}),
        IdentityOf("x", {"steward"})}) {
    EXPECT_FALSE(policy->Resolve(identity).known)
        << identity.principal << " / "
        << (identity.groups.empty() ? "" : identity.groups[0]);
  }
}

TEST(PolicyResolve, IdentityWithoutCommonNameGetsNothing) {
  // A group alone does not make a principal.
  const Grant grant =
      ParseOk(kValidPolicy)->Resolve(IdentityOf("", {"afnemers"}));
  EXPECT_FALSE(grant.known);
  EXPECT_EQ(grant.roles, 0);
}

TEST(PolicyResolve, SeveralGrantsGiveTheUnionOfRolesAndTheHighestClearance) {
  // steward by name, reader and steward+owner by group, auditor by alt name.
  const Grant grant =
      ParseOk(kValidPolicy)
          ->Resolve(IdentityOf("steward", {"afnemers", "gegevensbeheer"},
                               {"spiffe://voorbeeldstad.nl/reader"}));
  EXPECT_TRUE(grant.known);
  EXPECT_EQ(grant.roles, Bit(Role::kReader) | Bit(Role::kSteward) |
                             Bit(Role::kOwner) | Bit(Role::kAuditor));
  EXPECT_EQ(grant.clearance, catalog::v1::CONFIDENTIALITY_GEHEIM);
  EXPECT_TRUE(grant.purpose_required) << "reader is one of its roles";
}

TEST(PolicyResolve,
     DomainsAreTheUnionOfStewardAndOwnerGrantsCaseInsensitively) {
  const Grant grant =
      ParseOk(kValidPolicy)
          ->Resolve(IdentityOf("steward", {"gegevensbeheer", "kijkers"}));
  EXPECT_FALSE(grant.all_domains);
  EXPECT_THAT(
      grant.domains,
      UnorderedElementsAre("burgerzaken", "sociaal domein", "belastingen"));
  EXPECT_TRUE(grant.CoversDomain("Burgerzaken"));
  EXPECT_TRUE(grant.CoversDomain("BELASTINGEN"));
  EXPECT_TRUE(grant.CoversDomain("sociaal domein"));
  EXPECT_FALSE(grant.CoversDomain("Openbare orde"));
  EXPECT_FALSE(grant.CoversDomain(""));
}

TEST(PolicyResolve, ReaderGrantDomainsDoNotScopeWrites) {
  // kijkers is a reader grant: its domains give no steward rights.
  const Grant grant =
      ParseOk(kValidPolicy)->Resolve(IdentityOf("x", {"kijkers"}));
  EXPECT_TRUE(grant.domains.empty());
  EXPECT_FALSE(grant.CoversDomain("Belastingen"));
  EXPECT_EQ(grant.clearance, catalog::v1::CONFIDENTIALITY_OPENBAAR)
      << "default clearance";
}

TEST(PolicyResolve, StewardGrantWithoutDomainsCoversEveryDomain) {
  std::shared_ptr<const Policy> policy = ParseOk(
      "[[grant]]\nprincipal = \"s\"\nroles = [\"steward\"]\n"
      "[[grant]]\ngroup = \"g\"\nroles = [\"owner\"]\ndomains = "
      "[\"Burgerzaken\"]\n");
  const Grant both = policy->Resolve(IdentityOf("s", {"g"}));
  EXPECT_TRUE(both.all_domains);
  EXPECT_TRUE(both.CoversDomain("Wat dan ook"));
  const Grant scoped = policy->Resolve(IdentityOf("t", {"g"}));
  EXPECT_FALSE(scoped.all_domains);
  EXPECT_TRUE(scoped.CoversDomain("burgerzaken"));
  EXPECT_FALSE(scoped.CoversDomain("Wat dan ook"));
}

TEST(PolicyResolve, PurposeIsRequiredOnlyOfTheListedRoles) {
  std::shared_ptr<const Policy> policy = ParseOk(kValidPolicy);
  EXPECT_TRUE(policy->Resolve(IdentityOf("x", {"afnemers"})).purpose_required);
  EXPECT_FALSE(policy->Resolve(IdentityOf("steward")).purpose_required);
  EXPECT_FALSE(policy->Resolve(IdentityOf("admin")).purpose_required);
  EXPECT_FALSE(policy->Resolve(IdentityOf("onbekend")).purpose_required);
}

TEST(PolicyResolve, ClearanceNamesAreCaseInsensitive) {
  const Grant grant = ParseOk(kValidPolicy)->Resolve(IdentityOf("admin"));
  EXPECT_EQ(grant.clearance, catalog::v1::CONFIDENTIALITY_ZEER_GEHEIM);
}

TEST(PolicyResolve, RoleNamesRoundTrip) {
  EXPECT_EQ(server::RoleSetText(server::kAllRoles),
            "reader, steward, owner, auditor, admin, privacy_officer");
  EXPECT_EQ(server::RoleSetText(Bit(Role::kApplication)), "application");
  EXPECT_EQ(server::RoleSetText(server::kAllRoles | Bit(Role::kApplication)),
            "reader, steward, owner, auditor, admin, privacy_officer, "
            "application");
  for (Role role : kRoles) {
    std::shared_ptr<const Policy> policy =
        ParseOk(absl::StrCat("[[grant]]\nprincipal = \"p\"\nroles = [\"",
                             server::RoleName(role), "\"]\n"));
    EXPECT_EQ(policy->Resolve(IdentityOf("p")).roles, Bit(role))
        << server::RoleName(role);
  }
}

// ---- Identity from a certificate ----

TEST(IdentityFromPem, ReadsCommonNameGroupAndSanUri) {
  absl::StatusOr<Identity> identity =
      server::IdentityFromPem(ReadFile(TestCertsDir() + "/reader.pem"));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->principal, "reader");
  EXPECT_THAT(identity->groups, ElementsAre("afnemers"));
  EXPECT_THAT(identity->alt_names,
              ElementsAre("spiffe://voorbeeldstad.nl/reader"));
}

TEST(IdentityFromPem, ReadsAnIssuedCertificate) {
  absl::StatusOr<Identity> identity =
      server::IdentityFromPem(ReadFile(SecurityCertsDir() + "/eigenaar.pem"));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->principal, "eigenaar");
  EXPECT_THAT(identity->groups, ElementsAre("eigenaren"));
  EXPECT_THAT(identity->alt_names,
              ElementsAre("spiffe://voorbeeldstad.nl/eigenaar"));
}

TEST(IdentityFromPem, ReadsDnsAlternativeNames) {
  absl::StatusOr<Identity> identity =
      server::IdentityFromPem(ReadFile(TestCertsDir() + "/server.pem"));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_THAT(identity->alt_names, ::testing::Contains("localhost"));
}

TEST(IdentityFromPem, EveryDevelopmentCertificateHasItsGroup) {
  const std::pair<const char*, const char*> expected[] = {
      {"admin", "beheer"},
      {"steward", "gegevensbeheer"},
      {"reader", "afnemers"},
      {"auditor", "toezicht"},
      {"privacy", "privacy"},
      {"application", "applicaties"}};
  for (const auto& [name, group] : expected) {
    absl::StatusOr<Identity> identity = server::IdentityFromPem(
        ReadFile(absl::StrCat(TestCertsDir(), "/", name, ".pem")));
    ASSERT_TRUE(identity.ok()) << name;
    EXPECT_EQ(identity->principal, name);
    EXPECT_THAT(identity->groups, ElementsAre(group));
  }
}

TEST(IdentityFromPem, GarbageIsInvalidArgument) {
  for (const std::string& pem :
       {std::string(), std::string("not a certificate"),
        std::string(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        ReadFile(TestCertsDir() + "/reader.key")}) {
    absl::StatusOr<Identity> identity = server::IdentityFromPem(pem);
    EXPECT_EQ(identity.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(IdentityFromPem, ResolvesThroughTheAlternativeNameGrant) {
  absl::StatusOr<Identity> identity =
      server::IdentityFromPem(ReadFile(TestCertsDir() + "/reader.pem"));
  ASSERT_TRUE(identity.ok());
  std::shared_ptr<const Policy> policy = ParseOk(
      "[[grant]]\nprincipal = \"spiffe://voorbeeldstad.nl/reader\"\nroles = "
      "[\"auditor\"]\n");
  EXPECT_EQ(policy->Resolve(*identity).roles, Bit(Role::kAuditor));
}

}  // namespace
}  // namespace catalog::testing
