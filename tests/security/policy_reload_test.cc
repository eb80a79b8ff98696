// The access policy changes without a restart: when its file changes
// (checked every policy_check_interval) and at once on ReloadPolicy()
// (SIGHUP). A file with errors is rejected and the policy in force stays.
// Connections are not dropped: calls on channels opened before a reload
// keep working, on the same connection, under the new policy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/security/security_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::AuditEvent;
using catalog::v1::Dataset;
using grpc::StatusCode;
using ::testing::HasSubstr;

constexpr char kVertrouwelijk[] = "vv-vertrouwelijk";
constexpr char kIntern[] = "ii-intern";

// The suite's grants with the reader's clearance set to `clearance`.
std::string PolicyWithReaderClearance(const std::string& clearance) {
  std::vector<PolicyGrant> grants = SuiteGrants();
  for (PolicyGrant& grant : grants) {
    if (grant.principal == "reader") grant.clearance = clearance;
  }
  return PolicyToml(grants);
}

std::string PolicyWithoutReader() {
  std::vector<PolicyGrant> grants;
  for (const PolicyGrant& grant : SuiteGrants()) {
    if (grant.principal != "reader") grants.push_back(grant);
  }
  return PolicyToml(grants);
}

class PolicyReloadTest : public ::testing::Test {
 protected:
  void Start(absl::Duration check_interval) {
    server::ServerOptions options;
    options.policy_check_interval = check_interval;
    server_ = SecureServer::Start(PolicyWithReaderClearance("intern"), options);
    ASSERT_NE(server_, nullptr);
    for (auto [id, level] :
         {std::pair{kVertrouwelijk, catalog::v1::CONFIDENTIALITY_VERTROUWELIJK},
          std::pair{kIntern, catalog::v1::CONFIDENTIALITY_INTERN}}) {
      catalog::v1::CreateDatasetRequest request;
      *request.mutable_dataset() = DatasetAt(id, level);
      Dataset stored;
      ASSERT_TRUE(IsOk(server_->Catalog("admin")->CreateDataset(
          Context().get(), request, &stored)));
    }
    reader_channel_ = server_->NewChannel("reader");
    reader_ = catalog::v1::CatalogService::NewStub(reader_channel_);
  }

  // The reader's GetDataset, on the channel opened at start.
  StatusCode ReaderGet(const std::string& id, const std::string& rid = "") {
    catalog::v1::GetDatasetRequest request;
    request.set_id(id);
    Dataset out;
    return reader_->GetDataset(CallContext(rid).get(), request, &out)
        .error_code();
  }

  // Polls until the reader's GetDataset of `id` gives `code`, for at most
  // `limit`. Returns how long it took, or nullopt.
  std::optional<absl::Duration> WaitForReaderGet(const std::string& id,
                                                 StatusCode code,
                                                 absl::Duration limit) {
    const absl::Time start = absl::Now();
    while (absl::Now() - start < limit) {
      if (ReaderGet(id) == code) return absl::Now() - start;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return std::nullopt;
  }

  std::unique_ptr<SecureServer> server_;
  std::shared_ptr<grpc::Channel> reader_channel_;
  std::unique_ptr<catalog::v1::CatalogService::Stub> reader_;
};

TEST_F(PolicyReloadTest, ChangedFileIsPickedUpWithoutRestart) {
  Start(absl::Milliseconds(200));
  ASSERT_EQ(ReaderGet(kVertrouwelijk), StatusCode::NOT_FOUND);
  server_->WritePolicy(PolicyWithReaderClearance("vertrouwelijk"));
  std::optional<absl::Duration> took =
      WaitForReaderGet(kVertrouwelijk, StatusCode::OK, absl::Seconds(5));
  ASSERT_TRUE(took.has_value())
      << "the raised clearance was not picked up within 5 s";
  // And back: lowering is picked up just the same.
  server_->WritePolicy(PolicyWithReaderClearance("intern"));
  EXPECT_TRUE(
      WaitForReaderGet(kVertrouwelijk, StatusCode::NOT_FOUND, absl::Seconds(5)))
      << "the lowered clearance was not picked up within 5 s";
}

TEST_F(PolicyReloadTest, ReloadPolicyPicksUpAChangeAtOnce) {
  Start(absl::Hours(1));  // No file watching within the test.
  ASSERT_EQ(ReaderGet(kVertrouwelijk), StatusCode::NOT_FOUND);
  server_->WritePolicy(PolicyWithReaderClearance("vertrouwelijk"));
  EXPECT_EQ(ReaderGet(kVertrouwelijk), StatusCode::NOT_FOUND)
      << "not yet reloaded";
  ASSERT_TRUE(server_->server().ReloadPolicy().ok());
  EXPECT_EQ(ReaderGet(kVertrouwelijk), StatusCode::OK);
}

TEST_F(PolicyReloadTest, BrokenFileIsRejectedAndTheOldPolicyStays) {
  Start(absl::Hours(1));
  // The clearance raise comes with an error: none of it may apply.
  server_->WritePolicy(
      PolicyWithReaderClearance("vertrouwelijk") +
      "\n[[grant]]\nprincipal = \"x\"\nroles = [\"koning\"]\n");
  const absl::Status reloaded = server_->server().ReloadPolicy();
  EXPECT_EQ(reloaded.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(reloaded.message()),
              HasSubstr(absl::StrCat(server_->policy_path(), ":")));
  EXPECT_THAT(std::string(reloaded.message()), HasSubstr("unknown role"));
  EXPECT_EQ(ReaderGet(kVertrouwelijk), StatusCode::NOT_FOUND);
  EXPECT_EQ(ReaderGet(kIntern), StatusCode::OK)
      << "the old policy, not no policy";

  server_->WritePolicy(PolicyWithReaderClearance("vertrouwelijk"));
  ASSERT_TRUE(server_->server().ReloadPolicy().ok());
  EXPECT_EQ(ReaderGet(kVertrouwelijk), StatusCode::OK);
}

TEST_F(PolicyReloadTest, BrokenFileIsIgnoredByTheWatcher) {
  Start(absl::Milliseconds(200));
  server_->WritePolicy(
      "[[grant]]\nprincipal = \"reader\"\nroles = [\"reader\"]\nclearance = "
      "\"");
  absl::SleepFor(absl::Seconds(1));  // Five checks.
  EXPECT_EQ(ReaderGet(kIntern), StatusCode::OK);
  EXPECT_EQ(ReaderGet(kVertrouwelijk), StatusCode::NOT_FOUND);
  // A good file after a bad one is picked up.
  server_->WritePolicy(PolicyWithReaderClearance("vertrouwelijk"));
  EXPECT_TRUE(
      WaitForReaderGet(kVertrouwelijk, StatusCode::OK, absl::Seconds(5)));
}

TEST_F(PolicyReloadTest, RemovedFileKeepsThePolicy) {
  Start(absl::Hours(1));
  std::filesystem::remove(server_->policy_path());
  const absl::Status reloaded = server_->server().ReloadPolicy();
  EXPECT_EQ(reloaded.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(reloaded.message()),
              HasSubstr(server_->policy_path()));
  EXPECT_EQ(ReaderGet(kIntern), StatusCode::OK);
}

TEST_F(PolicyReloadTest, RevocationAppliesToOpenConnections) {
  Start(absl::Hours(1));
  ASSERT_EQ(ReaderGet(kIntern), StatusCode::OK);
  server_->WritePolicy(PolicyWithoutReader());
  ASSERT_TRUE(server_->server().ReloadPolicy().ok());
  catalog::v1::GetDatasetRequest request;
  request.set_id(kIntern);
  Dataset out;
  EXPECT_TRUE(
      HasStatus(reader_->GetDataset(Context().get(), request, &out),
                StatusCode::PERMISSION_DENIED,
                "principal \"reader\" is not known to the access policy"));
}

TEST_F(PolicyReloadTest, NewGrantAppliesToOpenConnections) {
  Start(absl::Hours(1));
  auto unknown = server_->Catalog(kUnknownPrincipal);
  catalog::v1::GetDatasetRequest request;
  request.set_id(kIntern);
  Dataset out;
  ASSERT_EQ(unknown->GetDataset(Context().get(), request, &out).error_code(),
            StatusCode::PERMISSION_DENIED);
  std::vector<PolicyGrant> grants = SuiteGrants();
  grants.push_back({kUnknownPrincipal, "", {"reader"}, "intern", {}});
  server_->WritePolicy(PolicyToml(grants));
  ASSERT_TRUE(server_->server().ReloadPolicy().ok());
  EXPECT_TRUE(IsOk(unknown->GetDataset(Context().get(), request, &out)));
}

TEST_F(PolicyReloadTest, ConnectionsSurviveReloads) {
  Start(absl::Milliseconds(200));
  ASSERT_EQ(ReaderGet(kIntern, "verbinding-0"), StatusCode::OK);
  // Reloads of every kind in a row, a call after each.
  const std::string policies[] = {PolicyWithReaderClearance("vertrouwelijk"),
                                  PolicyWithReaderClearance("openbaar"),
                                  "kapot = [",
                                  PolicyWithReaderClearance("intern")};
  int calls = 1;
  for (const std::string& policy : policies) {
    server_->WritePolicy(policy);
    server_->server()
        .ReloadPolicy()
        .IgnoreError();                       // The broken one fails; fine.
    absl::SleepFor(absl::Milliseconds(250));  // And the watcher looks too.
    const StatusCode code =
        ReaderGet(kIntern, absl::StrCat("verbinding-", calls++));
    EXPECT_TRUE(code == StatusCode::OK || code == StatusCode::NOT_FOUND)
        << "call failed after a reload: " << CodeName(code);
    EXPECT_EQ(reader_channel_->GetState(false), GRPC_CHANNEL_READY);
  }
  EXPECT_EQ(ReaderGet(kIntern, absl::StrCat("verbinding-", calls++)),
            StatusCode::OK);

  // Every call came over the same connection: one client address.
  catalog::v1::CreateDatasetRequest barrier;
  *barrier.mutable_dataset() =
      DatasetAt("barrier", catalog::v1::CONFIDENTIALITY_OPENBAAR);
  Dataset stored;
  ASSERT_TRUE(IsOk(server_->Catalog("admin")->CreateDataset(Context().get(),
                                                            barrier, &stored)));
  catalog::v1::ListAuditEventsRequest filter;
  filter.set_principal("reader");
  std::vector<AuditEvent> events;
  ASSERT_TRUE(IsOk(ListAllEvents(*server_->Audit("auditor"), filter, &events)));
  std::set<std::string> peers;
  int seen = 0;
  for (const AuditEvent& e : events) {
    if (e.request_id().rfind("verbinding-", 0) != 0) continue;
    ++seen;
    peers.insert(e.peer());
  }
  EXPECT_EQ(seen, calls);
  EXPECT_EQ(peers.size(), 1u)
      << "the connection was replaced during the reloads";
}

// ---- Starting with a bad policy ----

class PolicyStartTest : public ::testing::Test {
 protected:
  absl::Status StartWith(const std::string& policy_file) {
    server::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.path() + "/data";
    options.tls_cert = TestCertsDir() + "/server.pem";
    options.tls_key = TestCertsDir() + "/server.key";
    options.client_ca = TestCertsDir() + "/ca.pem";
    options.policy_file = policy_file;
    absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
        server::CatalogServer::Start(options);
    if (started.ok()) {
      EXPECT_TRUE((*started)->Shutdown(absl::Seconds(1)).ok());
      return absl::OkStatus();
    }
    return started.status();
  }
  TempDir dir_;
};

TEST_F(PolicyStartTest, BrokenPolicyPreventsStart) {
  const std::string path = dir_.path() + "/policy.toml";
  WriteFileAtomically(
      path,
      "[[grant]]\nprincipal = \"a\"\nroles = [\"reader\"]\nclearance = 9\n");
  const absl::Status status = StartWith(path);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(path + ":4:"));
}

TEST_F(PolicyStartTest, MissingPolicyFilePreventsStart) {
  const absl::Status status = StartWith(dir_.path() + "/nergens.toml");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr("nergens.toml"));
}

TEST_F(PolicyStartTest, NoPolicyPreventsStart) {
  const absl::Status status = StartWith("");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("--policy is required"));
}

TEST_F(PolicyStartTest, GoodPolicyStarts) {
  const std::string path = dir_.path() + "/policy.toml";
  WriteFileAtomically(path, PolicyToml(SuiteGrants()));
  EXPECT_TRUE(StartWith(path).ok());
}

}  // namespace
}  // namespace catalog::testing
