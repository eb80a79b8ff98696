// Support for the security tests: the suite's principals (the development
// certificates plus an owner and an unknown principal issued from the same
// CA), policy files written by the tests themselves, a catalogd on port 0
// with real mutual TLS on its own data directory, and small call helpers.
//
// Everything here is for single-threaded test code unless stated otherwise.
#ifndef CATALOG_TESTS_SECURITY_SECURITY_SUPPORT_H_
#define CATALOG_TESTS_SECURITY_SECURITY_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "catalog/v1/accountability_service.grpc.pb.h"
#include "catalog/v1/audit_service.grpc.pb.h"
#include "catalog/v1/catalog_service.grpc.pb.h"
#include "catalog/v1/lineage_service.grpc.pb.h"
#include "logboek/v1/logboek.grpc.pb.h"
#include "server/security/policy.h"
#include "server/transport/catalog_server.h"
#include "storage/proto/records.pb.h"
#include "tests/support/test_support.h"

namespace catalog::testing {

// Principals issued by the suite in addition to the development ones:
// an owner (eigenaar, OU "eigenaren", granted through its group) and a
// principal that no policy knows (OU "onbekend").
inline constexpr char kOwnerPrincipal[] = "eigenaar";
inline constexpr char kOwnerGroup[] = "eigenaren";
inline constexpr char kUnknownPrincipal[] = "onbekend";
// The development principals of the two roles the processing log brought:
// a privacy officer (privacy_officer, functionaris gegevensbescherming) and
// an application that writes the processing log (application).
inline constexpr char kPrivacyPrincipal[] = "privacy";
inline constexpr char kApplicationPrincipal[] = "application";

// A directory with ca.pem and <name>.pem/.key for admin, steward, reader,
// auditor, privacy, application (copied from TestCertsDir()) and eigenaar,
// onbekend (issued with scripts/issue-client-cert.sh from a copy of the
// suite's CA). Issued once per CA and shared by the test processes of one
// run; safe to call from concurrent processes.
const std::string& SecurityCertsDir();

// One [[grant]] of a policy file.
struct PolicyGrant {
  std::string principal;  // Exactly one of principal and group.
  std::string group;
  std::vector<std::string> roles;
  std::string clearance;             // Empty: omitted (openbaar).
  std::vector<std::string> domains;  // Empty: omitted (all domains).
};

// The policy file text for `grants`, requiring a purpose of the roles in
// `purpose_required_for`.
std::string PolicyToml(
    const std::vector<PolicyGrant>& grants,
    const std::vector<std::string>& purpose_required_for = {});

// A principal of the suite as the standard test policy treats it: its role
// (none for the unknown principal) and clearance.
struct SuitePrincipal {
  const char* name;
  std::optional<server::Role> role;
  catalog::v1::Confidentiality clearance;
};

// reader (intern), steward (vertrouwelijk), eigenaar (owner through group
// eigenaren, vertrouwelijk), auditor (zeer_geheim), admin (zeer_geheim),
// privacy (privacy_officer, zeer_geheim), application (application,
// openbaar), onbekend (no grant; last).
absl::Span<const SuitePrincipal> SuitePrincipals();
const SuitePrincipal& SuitePrincipalNamed(const std::string& name);

// The grants that give every principal of SuitePrincipals() exactly its
// role and clearance, in every domain.
std::vector<PolicyGrant> SuiteGrants();

// Short lower-case name of a confidentiality marking ("geheim").
std::string LevelName(catalog::v1::Confidentiality level);

// Writes `contents` to `path` by renaming a complete temporary file over it,
// so that a reader never sees half a file.
void WriteFileAtomically(const std::string& path, const std::string& contents);

// A fresh directory for a data directory, removed with everything in it on
// destruction: on tmpfs (/dev/shm) when there is one, because the suite
// opens some three hundred new stores and creating one is mostly fsync
// otherwise; else like TempDir.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// catalogd in process on 127.0.0.1:0 over mutual TLS with the suite's
// certificates, with a policy file and data directory of its own (in
// temporary directories that survive Stop()/Restart()).
class SecureServer {
 public:
  // Fails the test (and returns null) when the server does not start.
  static std::unique_ptr<SecureServer> Start(
      const std::string& policy_toml, server::ServerOptions options = {});
  ~SecureServer();
  SecureServer(const SecureServer&) = delete;
  SecureServer& operator=(const SecureServer&) = delete;

  const std::string& policy_path() const { return options_.policy_file; }
  const std::string& data_dir() const { return options_.data_dir; }
  server::CatalogServer& server() { return server_->server(); }
  bool running() const { return server_ != nullptr; }

  // A channel authenticated as `principal` (a certificate in
  // SecurityCertsDir()); one per principal, kept until Stop().
  std::shared_ptr<grpc::Channel> Channel(const std::string& principal);
  // A fresh channel that shares no connection with the cached ones.
  std::shared_ptr<grpc::Channel> NewChannel(const std::string& principal) const;
  std::unique_ptr<catalog::v1::CatalogService::Stub> Catalog(
      const std::string& principal);
  std::unique_ptr<catalog::v1::AuditService::Stub> Audit(
      const std::string& principal);
  std::unique_ptr<catalog::v1::LineageService::Stub> Lineage(
      const std::string& principal);
  std::unique_ptr<catalog::v1::AccountabilityService::Stub> Accountability(
      const std::string& principal);
  std::unique_ptr<logboek::v1::LogboekService::Stub> Logboek(
      const std::string& principal);

  // Replaces the policy file (atomically).
  void WritePolicy(const std::string& toml) const;

  // Shuts the server down; every audit entry queued is then on disk.
  void Stop();
  // Starts it again on the same data directory and policy file.
  void Restart();

 private:
  SecureServer() = default;
  TempDir dir_;
  ScratchDir data_;
  server::ServerOptions options_;
  std::unique_ptr<TestServer> server_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

// A client context with a 10 s deadline and, when not empty, x-request-id
// and x-purpose metadata.
std::unique_ptr<grpc::ClientContext> CallContext(
    const std::string& request_id = "", const std::string& purpose = "");

// A valid dataset (ValidDataset) with the given confidentiality.
catalog::v1::Dataset DatasetAt(const std::string& id,
                               catalog::v1::Confidentiality level);

// Sends each batch on one UpsertDatasets stream and collects the responses.
grpc::Status Upsert(
    catalog::v1::CatalogService::Stub& stub, grpc::ClientContext* context,
    const std::vector<std::vector<catalog::v1::Dataset>>& batches,
    std::vector<catalog::v1::UpsertDatasetsResponse>* responses);

// Pages through ListAuditEvents to the end.
grpc::Status ListAllEvents(catalog::v1::AuditService::Stub& stub,
                           catalog::v1::ListAuditEventsRequest request,
                           std::vector<catalog::v1::AuditEvent>* events);

// Pages through ListDatasets to the end; the page tokens seen are appended
// to `tokens` when given.
grpc::Status ListAllDatasets(catalog::v1::CatalogService::Stub& stub,
                             catalog::v1::ListDatasetsRequest request,
                             std::vector<catalog::v1::Dataset>* datasets,
                             std::vector<std::string>* tokens = nullptr);

// The n-th (from 0) nine-digit number that passes the elfproef: a valid
// BSN that is nobody's (the suite's subjects), different for every n.
std::string TestBsn(int n);

// A logboek.v1 export of one operation by application "zaaksysteem": under
// processing activity `activity` ("processing-activities/{id}"), for the
// data subject with BSN `bsn`, with the given trace (16 bytes) and
// operation id (8 bytes), lasting a second from `start`.
logboek::v1::ExportOperationsRequest LogboekExport(
    const std::string& activity, const std::string& bsn,
    const std::string& trace_id, const std::string& operation_id,
    absl::Time start);

// The whole audit trail of a data directory whose server is stopped, oldest
// first.
std::vector<storage::AuditEntry> ReadTrail(const std::string& data_dir);

}  // namespace catalog::testing

#endif  // CATALOG_TESTS_SECURITY_SECURITY_SUPPORT_H_
