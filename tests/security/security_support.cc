#include "tests/security/security_support.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <utility>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "api/enum_text.h"
#include "storage/catalog_store.h"

namespace catalog::testing {
namespace {

namespace fs = std::filesystem;
using catalog::v1::Confidentiality;
using server::Role;

constexpr const char* kDevelopmentPrincipals[] = {
    "admin", "steward", "reader", "auditor", kPrivacyPrincipal, kApplicationPrincipal};

constexpr SuitePrincipal kSuitePrincipals[] = {
    {"reader", Role::kReader, catalog::v1::CONFIDENTIALITY_INTERN},
    {"steward", Role::kSteward, catalog::v1::CONFIDENTIALITY_VERTROUWELIJK},
    {kOwnerPrincipal, Role::kOwner, catalog::v1::CONFIDENTIALITY_VERTROUWELIJK},
    {"auditor", Role::kAuditor, catalog::v1::CONFIDENTIALITY_ZEER_GEHEIM},
    {"admin", Role::kAdmin, catalog::v1::CONFIDENTIALITY_ZEER_GEHEIM},
    {kPrivacyPrincipal, Role::kPrivacyOfficer,
     catalog::v1::CONFIDENTIALITY_ZEER_GEHEIM},
    {kApplicationPrincipal, Role::kApplication,
     catalog::v1::CONFIDENTIALITY_OPENBAAR},
    // Last: SuitePrincipalNamed falls back to it.
    {kUnknownPrincipal, std::nullopt, catalog::v1::CONFIDENTIALITY_OPENBAAR},
};

std::string Quoted(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& v : values)
    quoted.push_back(absl::StrCat("\"", v, "\""));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

// Copies the development certificates and issues the suite's own into
// `dir`. False (with a test failure) when something is missing.
bool FillCertsDir(const std::string& source, const std::string& dir) {
  std::error_code error;
  for (const char* file : {"ca.pem", "ca.key"}) {
    fs::copy_file(fs::path(source) / file, fs::path(dir) / file,
                  fs::copy_options::overwrite_existing, error);
    if (error) {
      ADD_FAILURE() << "cannot copy " << source << "/" << file << ": "
                    << error.message();
      return false;
    }
  }
  for (const char* name : kDevelopmentPrincipals) {
    for (const char* ext : {".pem", ".key"}) {
      fs::copy_file(fs::path(source) / absl::StrCat(name, ext),
                    fs::path(dir) / absl::StrCat(name, ext),
                    fs::copy_options::overwrite_existing, error);
      if (error) {
        ADD_FAILURE() << "cannot copy certificate of " << name << ": "
                      << error.message();
        return false;
      }
    }
  }
  const std::string script = SourceDir() + "/scripts/issue-client-cert.sh";
  for (const auto& [name, ou] :
       {std::pair{kOwnerPrincipal, kOwnerGroup},
        std::pair{kUnknownPrincipal, kUnknownPrincipal}}) {
    const std::string command =
        absl::StrCat("bash '", script, "' '", dir, "' ", name, " --ou ", ou,
                     " >/dev/null 2>&1");
    if (std::system(command.c_str()) != 0) {
      ADD_FAILURE() << "issuing a certificate failed: " << command;
      return false;
    }
  }
  return true;
}

std::string MakeSecurityCertsDir() {
  const std::string source = TestCertsDir();
  const std::string ca = ReadFile(source + "/ca.pem");
  if (ca.empty()) {
    ADD_FAILURE() << "no ca.pem in " << source
                  << " (run the setup_test_certs fixture)";
    return source;
  }
  // Issuing takes a good part of a second; every test process of a run
  // shares one set per CA, kept beside the suite's certificates.
  const fs::path parent = fs::path(source).parent_path();
  const std::string stem = fs::path(source).filename().string() + "-security-";
  const fs::path cached =
      parent / absl::StrCat(stem, absl::StrFormat(
                                      "%016x", std::hash<std::string>{}(ca)));
  std::error_code error;
  if (fs::exists(cached / "complete", error)) return cached.string();

  std::string scratch = (parent / absl::StrCat(stem, "tmp-XXXXXX")).string();
  if (mkdtemp(scratch.data()) == nullptr) {
    // Read-only next to the certificates: issue for this process only.
    static TempDir* own = new TempDir();
    return FillCertsDir(source, own->path()) ? own->path() : source;
  }
  if (!FillCertsDir(source, scratch)) {
    fs::remove_all(scratch, error);
    return source;
  }
  std::ofstream(fs::path(scratch) / "complete") << "ok\n";
  fs::rename(scratch, cached, error);
  if (error) fs::remove_all(scratch, error);  // Another process was first.
  // Sets of earlier CAs are of no use any more.
  for (const fs::directory_entry& entry :
       fs::directory_iterator(parent, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(stem, 0) == 0 && entry.path() != cached &&
        name.find("-tmp-") == std::string::npos) {
      fs::remove_all(entry.path(), error);
    }
  }
  return cached.string();
}

}  // namespace

const std::string& SecurityCertsDir() {
  static const std::string* dir = new std::string(MakeSecurityCertsDir());
  return *dir;
}

std::string PolicyToml(const std::vector<PolicyGrant>& grants,
                       const std::vector<std::string>& purpose_required_for) {
  std::string text = absl::StrCat(
      "# Written by the security tests.\n[purpose]\nrequired_for = ",
      Quoted(purpose_required_for), "\n");
  for (const PolicyGrant& grant : grants) {
    absl::StrAppend(&text, "\n[[grant]]\n");
    if (!grant.principal.empty())
      absl::StrAppend(&text, "principal = \"", grant.principal, "\"\n");
    if (!grant.group.empty())
      absl::StrAppend(&text, "group = \"", grant.group, "\"\n");
    absl::StrAppend(&text, "roles = ", Quoted(grant.roles), "\n");
    if (!grant.clearance.empty())
      absl::StrAppend(&text, "clearance = \"", grant.clearance, "\"\n");
    if (!grant.domains.empty())
      absl::StrAppend(&text, "domains = ", Quoted(grant.domains), "\n");
  }
  return text;
}

absl::Span<const SuitePrincipal> SuitePrincipals() { return kSuitePrincipals; }

const SuitePrincipal& SuitePrincipalNamed(const std::string& name) {
  for (const SuitePrincipal& p : kSuitePrincipals) {
    if (name == p.name) return p;
  }
  ADD_FAILURE() << "no suite principal " << name;
  return kSuitePrincipals[std::size(kSuitePrincipals) - 1];
}

std::vector<PolicyGrant> SuiteGrants() {
  std::vector<PolicyGrant> grants;
  for (const SuitePrincipal& p : kSuitePrincipals) {
    if (!p.role.has_value()) continue;
    PolicyGrant grant;
    // The owner is granted through its certificate group, the others by
    // name, so that both kinds of grant are exercised end to end.
    if (*p.role == Role::kOwner) {
      grant.group = kOwnerGroup;
    } else {
      grant.principal = p.name;
    }
    grant.roles = {server::RoleName(*p.role)};
    grant.clearance = LevelName(p.clearance);
    grants.push_back(grant);
  }
  return grants;
}

std::string LevelName(Confidentiality level) {
  return api::EnumShortName(level);
}

void WriteFileAtomically(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".new";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << contents;
    ASSERT_TRUE(out.good()) << "cannot write " << temporary;
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  ASSERT_FALSE(error) << "cannot rename " << temporary << ": "
                      << error.message();
}

ScratchDir::ScratchDir() {
  std::error_code error;
  if (fs::is_directory("/dev/shm", error) && access("/dev/shm", W_OK) == 0) {
    std::string pattern = "/dev/shm/catalog-security-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
      return;
    }
  }
  std::string pattern =
      (fs::temp_directory_path() / "catalog-security-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::unique_ptr<SecureServer> SecureServer::Start(
    const std::string& policy_toml, server::ServerOptions options) {
  std::unique_ptr<SecureServer> secure(new SecureServer());
  SecurityCertsDir();  // Issued before the clock of any call starts.
  options.policy_file = secure->dir_.path() + "/policy.toml";
  options.data_dir = secure->data_.path() + "/data";
  // Enough for these tests; fewer threads to start in every process.
  if (options.write_threads == server::ServerOptions().write_threads)
    options.write_threads = 4;
  secure->options_ = options;
  secure->WritePolicy(policy_toml);
  secure->server_ = TestServer::Start(options);
  if (secure->server_ == nullptr) return nullptr;
  return secure;
}

SecureServer::~SecureServer() { Stop(); }

std::shared_ptr<grpc::Channel> SecureServer::Channel(
    const std::string& principal) {
  std::shared_ptr<grpc::Channel>& channel = channels_[principal];
  if (channel == nullptr) channel = NewChannel(principal);
  return channel;
}

std::shared_ptr<grpc::Channel> SecureServer::NewChannel(
    const std::string& principal) const {
  grpc::ChannelArguments args;
  // Its own connection, not one shared through gRPC's global pool.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(
      server_->address(),
      ClientCredentials(principal, SecurityCertsDir(), SecurityCertsDir()),
      args);
}

std::unique_ptr<catalog::v1::CatalogService::Stub> SecureServer::Catalog(
    const std::string& principal) {
  return catalog::v1::CatalogService::NewStub(Channel(principal));
}

std::unique_ptr<catalog::v1::AuditService::Stub> SecureServer::Audit(
    const std::string& principal) {
  return catalog::v1::AuditService::NewStub(Channel(principal));
}

std::unique_ptr<catalog::v1::LineageService::Stub> SecureServer::Lineage(
    const std::string& principal) {
  return catalog::v1::LineageService::NewStub(Channel(principal));
}

std::unique_ptr<catalog::v1::AccountabilityService::Stub>
SecureServer::Accountability(const std::string& principal) {
  return catalog::v1::AccountabilityService::NewStub(Channel(principal));
}

std::unique_ptr<logboek::v1::LogboekService::Stub> SecureServer::Logboek(
    const std::string& principal) {
  return logboek::v1::LogboekService::NewStub(Channel(principal));
}

void SecureServer::WritePolicy(const std::string& toml) const {
  WriteFileAtomically(options_.policy_file, toml);
}

void SecureServer::Stop() {
  channels_.clear();
  server_.reset();
}

void SecureServer::Restart() {
  Stop();
  server_ = TestServer::Start(options_);
}

std::unique_ptr<grpc::ClientContext> CallContext(const std::string& request_id,
                                                 const std::string& purpose) {
  std::unique_ptr<grpc::ClientContext> context = Context();
  if (!request_id.empty()) context->AddMetadata("x-request-id", request_id);
  if (!purpose.empty()) context->AddMetadata("x-purpose", purpose);
  return context;
}

catalog::v1::Dataset DatasetAt(const std::string& id, Confidentiality level) {
  catalog::v1::Dataset dataset = ValidDataset(id);
  dataset.mutable_classification()->set_confidentiality(level);
  return dataset;
}

grpc::Status Upsert(
    catalog::v1::CatalogService::Stub& stub, grpc::ClientContext* context,
    const std::vector<std::vector<catalog::v1::Dataset>>& batches,
    std::vector<catalog::v1::UpsertDatasetsResponse>* responses) {
  auto stream = stub.UpsertDatasets(context);
  for (const std::vector<catalog::v1::Dataset>& batch : batches) {
    catalog::v1::UpsertDatasetsRequest request;
    for (const catalog::v1::Dataset& dataset : batch)
      *request.add_datasets() = dataset;
    if (!stream->Write(request)) break;  // Refused: Finish() says why.
  }
  stream->WritesDone();
  catalog::v1::UpsertDatasetsResponse response;
  while (stream->Read(&response)) responses->push_back(response);
  return stream->Finish();
}

grpc::Status ListAllEvents(catalog::v1::AuditService::Stub& stub,
                           catalog::v1::ListAuditEventsRequest request,
                           std::vector<catalog::v1::AuditEvent>* events) {
  for (int pages = 0; pages < 100000; ++pages) {
    catalog::v1::ListAuditEventsResponse response;
    grpc::Status status =
        stub.ListAuditEvents(Context().get(), request, &response);
    if (!status.ok()) return status;
    events->insert(events->end(), response.events().begin(),
                   response.events().end());
    if (response.next_page_token().empty()) return status;
    request.set_page_token(response.next_page_token());
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "audit listing does not end");
}

grpc::Status ListAllDatasets(catalog::v1::CatalogService::Stub& stub,
                             catalog::v1::ListDatasetsRequest request,
                             std::vector<catalog::v1::Dataset>* datasets,
                             std::vector<std::string>* tokens) {
  for (int pages = 0; pages < 100000; ++pages) {
    catalog::v1::ListDatasetsResponse response;
    grpc::Status status =
        stub.ListDatasets(Context().get(), request, &response);
    if (!status.ok()) return status;
    datasets->insert(datasets->end(), response.datasets().begin(),
                     response.datasets().end());
    if (response.next_page_token().empty()) return status;
    if (tokens != nullptr) tokens->push_back(response.next_page_token());
    request.set_page_token(response.next_page_token());
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "listing does not end");
}

std::string TestBsn(int n) {
  // 8 digits counted up from 10000000, and the ninth that makes the
  // elfproef (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11) hold; a prefix
  // that would need 10 is skipped.
  int found = -1;
  for (int prefix = 10000000;; ++prefix) {
    const std::string digits = absl::StrCat(prefix);
    int sum = 0;
    for (size_t i = 0; i < 8; ++i) sum += static_cast<int>(9 - i) * (digits[i] - '0');
    const int last = sum % 11;
    if (last == 10) continue;
    if (++found == n) return absl::StrCat(digits, last);
  }
}

logboek::v1::ExportOperationsRequest LogboekExport(
    const std::string& activity, const std::string& bsn,
    const std::string& trace_id, const std::string& operation_id,
    absl::Time start) {
  logboek::v1::ExportOperationsRequest request;
  request.mutable_resource()->set_name("zaaksysteem");
  request.mutable_resource()->set_version("1.0");
  logboek::v1::ProcessingOperation* op = request.add_operations();
  op->set_trace_id(trace_id);
  op->set_operation_id(operation_id);
  op->set_name("aanvraag beoordelen");
  *op->mutable_start_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(start));
  *op->mutable_end_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(start + absl::Seconds(1)));
  op->set_status_code(logboek::v1::ProcessingOperation::STATUS_CODE_OK);
  for (const auto& [key, value] :
       {std::pair{"dpl.core.processing_activity_id", activity},
        std::pair{"dpl.core.data_subject_id", bsn},
        std::pair{"dpl.core.data_subject_id_type", std::string("BSN")}}) {
    logboek::v1::Attribute* attribute = op->add_attributes();
    attribute->set_key(key);
    attribute->set_value(value);
  }
  return request;
}

std::vector<storage::AuditEntry> ReadTrail(const std::string& data_dir) {
  std::vector<storage::AuditEntry> entries;
  storage::StoreOptions options;
  options.path = data_dir;
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store =
      storage::CatalogStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return entries;
  storage::AuditQuery query;
  query.descending = false;
  query.limit = 1000;
  for (;;) {
    absl::StatusOr<storage::AuditPage> page = (*store)->ListAudit(query);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    entries.insert(entries.end(), page->entries.begin(), page->entries.end());
    if (page->next_after == 0) break;
    query.after_sequence = page->next_after;
  }
  EXPECT_TRUE((*store)->Close().ok());
  return entries;
}

}  // namespace catalog::testing
