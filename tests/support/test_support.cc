#include "tests/support/test_support.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace catalog::testing {
namespace {

// The environment's value, else the suite's default compiled in by CMake.
std::string Setting(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "catalog-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TestCertsDir() {
  return Setting("CATALOG_TEST_CERTS", CATALOG_DEFAULT_TEST_CERTS);
}
std::string OtherCaCertsDir() {
  return Setting("CATALOG_TEST_OTHER_CA_CERTS", CATALOG_DEFAULT_TEST_OTHER_CA_CERTS);
}
std::string SourceDir() { return Setting("CATALOG_SOURCE_DIR", CATALOG_DEFAULT_SOURCE_DIR); }
std::string BinDir() { return Setting("CATALOG_BIN_DIR", CATALOG_DEFAULT_BIN_DIR); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::shared_ptr<grpc::ChannelCredentials> ClientCredentials(const std::string& principal,
                                                            const std::string& dir,
                                                            const std::string& ca_dir) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(ca_dir + "/ca.pem");
  ssl.pem_cert_chain = ReadFile(absl::StrCat(dir, "/", principal, ".pem"));
  ssl.pem_private_key = ReadFile(absl::StrCat(dir, "/", principal, ".key"));
  return grpc::SslCredentials(ssl);
}

std::unique_ptr<TestServer> TestServer::Start(server::ServerOptions options) {
  std::unique_ptr<TestServer> test(new TestServer());
  if (options.data_dir.empty()) {
    test->dir_ = std::make_unique<TempDir>();
    options.data_dir = test->dir_->path() + "/data";
  }
  if (options.listen == server::ServerOptions().listen) options.listen = "127.0.0.1:0";
  const std::string certs = TestCertsDir();
  if (options.tls_cert.empty()) options.tls_cert = certs + "/server.pem";
  if (options.tls_key.empty()) options.tls_key = certs + "/server.key";
  if (options.client_ca.empty()) options.client_ca = certs + "/ca.pem";
  if (options.write_threads == server::ServerOptions().write_threads) options.write_threads = 16;
  if (options.policy_file.empty()) options.policy_file = SourceDir() + "/scripts/dev/policy.toml";
  if (options.processing_subject_key_file == kNoSubjectKey) {
    options.processing_subject_key_file.clear();
  } else if (options.processing_subject_key_file.empty()) {
    test->key_dir_ = std::make_unique<TempDir>();
    options.processing_subject_key_file = test->key_dir_->path() + "/subject.key";
    std::ofstream(options.processing_subject_key_file) << kTestSubjectKey;
    std::filesystem::permissions(options.processing_subject_key_file,
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write);
  }
  test->options_ = options;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  EXPECT_TRUE(started.ok()) << started.status();
  if (!started.ok()) return nullptr;
  test->server_ = *std::move(started);
  return test;
}

TestServer::~TestServer() {
  if (server_ != nullptr) {
    EXPECT_TRUE(server_->Shutdown(absl::Seconds(5)).ok());
  }
}

std::string TestServer::address() const { return absl::StrCat("127.0.0.1:", server_->port()); }

std::shared_ptr<grpc::Channel> TestServer::Channel(const std::string& principal) const {
  const std::string certs = TestCertsDir();
  return grpc::CreateChannel(address(), ClientCredentials(principal, certs, certs));
}

std::unique_ptr<catalog::v1::CatalogService::Stub> TestServer::Stub(
    const std::string& principal) const {
  return catalog::v1::CatalogService::NewStub(Channel(principal));
}

void TestServer::Restart() {
  ASSERT_TRUE(server_->Shutdown(absl::Seconds(5)).ok());
  server_.reset();
  server::ServerOptions options = options_;
  options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  server_ = *std::move(started);
}

void StoreTest::Reopen() {
  if (store_ != nullptr) {
    ASSERT_TRUE(store_->Close().ok());
  }
  store_.reset();
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> opened =
      storage::CatalogStore::Open({dir_.path()});
  ASSERT_TRUE(opened.ok()) << opened.status();
  store_ = *std::move(opened);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

catalog::v1::Dataset ValidDataset(const std::string& id) {
  catalog::v1::Dataset d;
  d.set_id(id);
  d.set_title(absl::StrCat("Dataset ", id));
  d.set_registration_type(catalog::v1::REGISTRATION_TYPE_SECTORREGISTRATIE);
  d.set_domain("Sociaal domein");
  d.mutable_roles()->set_owner("Afdelingshoofd Sociaal domein");
  d.mutable_hosting()->set_kind(catalog::v1::HOSTING_KIND_ON_PREMISES);
  d.mutable_classification()->set_confidentiality(catalog::v1::CONFIDENTIALITY_INTERN);
  return d;
}

// ---- Lineage ----

namespace {

using catalog::v1::ExternalParty;
using catalog::v1::LineageEdge;

// The message of a failed call, for test failures.
std::string Describe(const grpc::Status& status) {
  return absl::StrCat("status ", status.error_code(), ": ", status.error_message());
}

// Fails the test unless `status` is OK; returns whether it is.
bool CheckOk(const grpc::Status& status, const std::string& what) {
  EXPECT_TRUE(status.ok()) << what << " failed with " << Describe(status);
  return status.ok();
}

// Pages through a listing to its end: `call(request, &page)` fetches a page,
// `items(page)` are its items. Appends the page tokens seen to `tokens` when
// given.
template <typename Item, typename Page, typename Request, typename Call, typename Items>
std::vector<Item> ListToEnd(Request request, Call call, Items items,
                            std::vector<std::string>* tokens = nullptr) {
  std::vector<Item> all;
  for (int pages = 0; pages < 10000; ++pages) {
    Page page;
    if (!CheckOk(call(request, &page),
                 absl::StrCat(Request::descriptor()->name(), " ", request.ShortDebugString()))) {
      return all;
    }
    all.insert(all.end(), items(page).begin(), items(page).end());
    if (page.next_page_token().empty()) return all;
    if (tokens != nullptr) tokens->push_back(page.next_page_token());
    request.set_page_token(page.next_page_token());
  }
  ADD_FAILURE() << Request::descriptor()->name() << " did not end";
  return all;
}

}  // namespace

std::string FixturesDir() {
  const char* value = std::getenv("CATALOG_FIXTURES_DIR");
  if (value != nullptr && *value != '\0') return value;
  return SourceDir() + "/tests/fixtures";
}

ExternalParty ValidParty(const std::string& id) {
  ExternalParty party;
  party.set_id(id);
  party.set_name(absl::StrCat("Partij ", id));
  party.set_kind(catalog::v1::PARTY_KIND_OTHER);
  return party;
}

LineageEdge ValidEdge(const std::string& source, const std::string& target) {
  LineageEdge edge;
  edge.set_source(source);
  edge.set_target(target);
  if (absl::StartsWith(target, "parties/")) {
    edge.set_relation(catalog::v1::LINEAGE_RELATION_DELIVERY);
    edge.set_purpose("Uitvoering wettelijke taak");
    edge.set_legal_basis(catalog::v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  } else {
    edge.set_relation(catalog::v1::LINEAGE_RELATION_DERIVED);
  }
  return edge;
}

void AddField(catalog::v1::Dataset* dataset, const std::string& name, bool personal_data) {
  catalog::v1::SchemaField* field = dataset->add_schema_fields();
  field->set_name(name);
  field->set_type("string");
  field->set_personal_data(personal_data);
}

void SetPersonalData(catalog::v1::Dataset* dataset) {
  dataset->mutable_personal_data()->set_contains_personal_data(true);
  dataset->mutable_personal_data()->set_legal_basis(
      catalog::v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);
}

std::vector<std::string> EdgeKeys(const google::protobuf::RepeatedPtrField<LineageEdge>& edges) {
  return EdgeKeys(std::vector<LineageEdge>(edges.begin(), edges.end()));
}

std::vector<std::string> EdgeKeys(const std::vector<LineageEdge>& edges) {
  std::vector<std::string> keys;
  for (const LineageEdge& edge : edges) keys.push_back(edge.source() + " -> " + edge.target());
  return keys;
}

std::vector<std::string> NodeNames(
    const google::protobuf::RepeatedPtrField<catalog::v1::LineageNode>& nodes) {
  std::vector<std::string> names;
  for (const catalog::v1::LineageNode& node : nodes) names.push_back(node.name());
  return names;
}

std::map<std::string, int> NodeDepths(const catalog::v1::GetLineageResponse& response) {
  std::map<std::string, int> depths;
  for (const catalog::v1::LineageNode& node : response.nodes()) depths[node.name()] = node.depth();
  return depths;
}

::testing::AssertionResult IsWellFormedTraversal(const catalog::v1::GetLineageResponse& response) {
  if (response.nodes().empty()) {
    return ::testing::AssertionFailure() << "no nodes, not even the root";
  }
  if (response.nodes(0).depth() != 0) {
    return ::testing::AssertionFailure() << "the first node is not at depth 0:\n"
                                         << response.DebugString();
  }
  std::set<std::string> names;
  int depth = 0;
  for (const catalog::v1::LineageNode& node : response.nodes()) {
    if (node.depth() < depth) {
      return ::testing::AssertionFailure()
             << "not in breadth-first order at " << node.name() << ":\n"
             << response.DebugString();
    }
    depth = node.depth();
    if (!names.insert(node.name()).second) {
      return ::testing::AssertionFailure() << node.name() << " appears twice:\n"
                                           << response.DebugString();
    }
  }
  for (const LineageEdge& edge : response.edges()) {
    if (!names.contains(edge.source()) || !names.contains(edge.target())) {
      return ::testing::AssertionFailure() << "edge " << edge.source() << " -> " << edge.target()
                                           << " leaves the returned nodes:\n"
                                           << response.DebugString();
    }
  }
  return ::testing::AssertionSuccess();
}

LineageClient::LineageClient(const std::shared_ptr<grpc::Channel>& channel)
    : catalog_(catalog::v1::CatalogService::NewStub(channel)),
      lineage_(catalog::v1::LineageService::NewStub(channel)) {}

catalog::v1::Dataset LineageClient::CreateDatasetOk(const catalog::v1::Dataset& dataset) {
  catalog::v1::CreateDatasetRequest request;
  *request.mutable_dataset() = dataset;
  catalog::v1::Dataset out;
  CheckOk(catalog_->CreateDataset(Context().get(), request, &out),
          "creating dataset " + dataset.id());
  return out;
}

grpc::Status LineageClient::GetDataset(const std::string& id, catalog::v1::Dataset* out) {
  catalog::v1::GetDatasetRequest request;
  request.set_id(id);
  return catalog_->GetDataset(Context().get(), request, out);
}

catalog::v1::Dataset LineageClient::GetDatasetOk(const std::string& id) {
  catalog::v1::Dataset out;
  CheckOk(GetDataset(id, &out), "getting dataset " + id);
  return out;
}

grpc::Status LineageClient::DeleteDataset(const std::string& id, bool force) {
  catalog::v1::DeleteDatasetRequest request;
  request.set_id(id);
  request.set_force(force);
  catalog::v1::DeleteDatasetResponse ignored;
  return catalog_->DeleteDataset(Context().get(), request, &ignored);
}

grpc::Status LineageClient::CreateParty(const ExternalParty& party, ExternalParty* out) {
  catalog::v1::CreatePartyRequest request;
  *request.mutable_party() = party;
  return lineage_->CreateParty(Context().get(), request, out);
}

ExternalParty LineageClient::CreatePartyOk(const ExternalParty& party) {
  ExternalParty out;
  CheckOk(CreateParty(party, &out), "creating party " + party.id());
  return out;
}

grpc::Status LineageClient::DeleteParty(const std::string& id, const std::string& etag) {
  catalog::v1::DeletePartyRequest request;
  request.set_id(id);
  request.set_etag(etag);
  catalog::v1::DeletePartyResponse ignored;
  return lineage_->DeleteParty(Context().get(), request, &ignored);
}

grpc::Status LineageClient::CreateEdge(const LineageEdge& edge, LineageEdge* out) {
  catalog::v1::CreateEdgeRequest request;
  *request.mutable_edge() = edge;
  return lineage_->CreateEdge(Context().get(), request, out);
}

LineageEdge LineageClient::CreateEdgeOk(const LineageEdge& edge) {
  LineageEdge out;
  CheckOk(CreateEdge(edge, &out),
          absl::StrCat("creating edge ", edge.source(), " -> ", edge.target()));
  return out;
}

LineageEdge LineageClient::LinkOk(const std::string& source, const std::string& target) {
  return CreateEdgeOk(ValidEdge(source, target));
}

grpc::Status LineageClient::GetEdge(const std::string& source, const std::string& target,
                                    LineageEdge* out) {
  catalog::v1::GetEdgeRequest request;
  request.set_source(source);
  request.set_target(target);
  return lineage_->GetEdge(Context().get(), request, out);
}

grpc::Status LineageClient::DeleteEdge(const std::string& source, const std::string& target,
                                       const std::string& etag) {
  catalog::v1::DeleteEdgeRequest request;
  request.set_source(source);
  request.set_target(target);
  request.set_etag(etag);
  catalog::v1::DeleteEdgeResponse ignored;
  return lineage_->DeleteEdge(Context().get(), request, &ignored);
}

grpc::Status LineageClient::GetLineage(const catalog::v1::GetLineageRequest& request,
                                       catalog::v1::GetLineageResponse* out) {
  return lineage_->GetLineage(Context().get(), request, out);
}

catalog::v1::GetLineageResponse LineageClient::GetLineageOk(
    const catalog::v1::GetLineageRequest& request) {
  catalog::v1::GetLineageResponse out;
  CheckOk(GetLineage(request, &out), "GetLineage " + request.ShortDebugString());
  return out;
}

grpc::Status LineageClient::AnalyzeImpact(const catalog::v1::AnalyzeImpactRequest& request,
                                          catalog::v1::AnalyzeImpactResponse* out) {
  return lineage_->AnalyzeImpact(Context().get(), request, out);
}

catalog::v1::AnalyzeImpactResponse LineageClient::AnalyzeImpactOk(
    const catalog::v1::AnalyzeImpactRequest& request) {
  catalog::v1::AnalyzeImpactResponse out;
  CheckOk(AnalyzeImpact(request, &out), "AnalyzeImpact " + request.ShortDebugString());
  return out;
}

grpc::Status LineageClient::Ingest(const std::vector<std::string>& events,
                                   catalog::v1::IngestOpenLineageResponse* out) {
  catalog::v1::IngestOpenLineageRequest request;
  for (const std::string& event : events) request.add_events(event);
  return lineage_->IngestOpenLineage(Context().get(), request, out);
}

std::vector<LineageEdge> LineageClient::ListAllEdges(catalog::v1::ListEdgesRequest request,
                                                     std::vector<std::string>* tokens) {
  return ListToEnd<LineageEdge, catalog::v1::ListEdgesResponse>(
      std::move(request),
      [&](const auto& r, auto* page) { return lineage_->ListEdges(Context().get(), r, page); },
      [](const auto& page) -> const auto& { return page.edges(); }, tokens);
}

std::vector<catalog::v1::LineageFinding> LineageClient::ListAllFindings(
    catalog::v1::ListLineageFindingsRequest request) {
  return ListToEnd<catalog::v1::LineageFinding, catalog::v1::ListLineageFindingsResponse>(
      std::move(request),
      [&](const auto& r, auto* page) {
        return lineage_->ListLineageFindings(Context().get(), r, page);
      },
      [](const auto& page) -> const auto& { return page.findings(); });
}

std::vector<catalog::v1::Dataset> LineageClient::ListAllDatasets() {
  return ListToEnd<catalog::v1::Dataset, catalog::v1::ListDatasetsResponse>(
      catalog::v1::ListDatasetsRequest(),
      [&](const auto& r, auto* page) { return catalog_->ListDatasets(Context().get(), r, page); },
      [](const auto& page) -> const auto& { return page.datasets(); });
}

void LineageServerTest::SetUp() {
  server::ServerOptions options;
  options.data_dir = dir_.path() + "/data";
  server_ = TestServer::Start(options);
  ASSERT_NE(server_, nullptr);
  steward_ = std::make_unique<LineageClient>(server_->Channel("steward"));
  admin_ = std::make_unique<LineageClient>(server_->Channel("admin"));
  reader_ = std::make_unique<LineageClient>(server_->Channel("reader"));
}

std::unique_ptr<storage::CatalogStore> LineageServerTest::StopAndOpenStore() {
  steward_.reset();
  admin_.reset();
  reader_.reset();
  server_.reset();
  storage::StoreOptions options;
  options.path = dir_.path() + "/data";
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store =
      storage::CatalogStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return nullptr;
  return *std::move(store);
}

}  // namespace catalog::testing
