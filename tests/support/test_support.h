// Shared test support: temporary directories, the development certificates
// generated for the suite (ctest fixture `certs`), an in-process catalogd on
// port 0 with real mutual TLS, and a minimal valid dataset.
#ifndef CATALOG_TESTS_SUPPORT_TEST_SUPPORT_H_
#define CATALOG_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "catalog/v1/catalog_service.grpc.pb.h"
#include "catalog/v1/lineage_service.grpc.pb.h"
#include "server/transport/catalog_server.h"
#include "storage/catalog_store.h"

namespace catalog::testing {

// A fresh directory under $TMPDIR, removed with everything in it on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Directory of the suite's development certificates (ca.pem, server.pem,
// <principal>.pem/.key for admin, steward, reader, auditor):
// $CATALOG_TEST_CERTS, else the build's test-certs directory.
std::string TestCertsDir();
// A second, unrelated CA with its own client certificates
// ($CATALOG_TEST_OTHER_CA_CERTS).
std::string OtherCaCertsDir();
// The repository root ($CATALOG_SOURCE_DIR) and the build's bin directory
// ($CATALOG_BIN_DIR).
std::string SourceDir();
std::string BinDir();

std::string ReadFile(const std::string& path);

// Channel credentials for mutual TLS with `<dir>/<principal>.pem|.key`,
// trusting `<ca_dir>/ca.pem`.
std::shared_ptr<grpc::ChannelCredentials> ClientCredentials(const std::string& principal,
                                                            const std::string& dir,
                                                            const std::string& ca_dir);

// The processing log's subject key of a TestServer (written to a file in a
// temporary directory apart from the data directory), unless the options
// name another file or kNoSubjectKey (a server without a processing log).
inline constexpr char kTestSubjectKey[] = "test-subject-key-of-the-suite-0123456789abcdef";
inline constexpr char kNoSubjectKey[] = "-";

// catalogd in process, on 127.0.0.1 port 0, over mutual TLS with the suite's
// certificates, on a temporary data directory.
class TestServer {
 public:
  // Starts a server; `options` may override limits etc. (listen, data_dir
  // and TLS files are filled in when empty). Fails the test on error.
  static std::unique_ptr<TestServer> Start(server::ServerOptions options = {});
  ~TestServer();

  // "127.0.0.1:<port>".
  std::string address() const;
  const std::string& data_dir() const { return options_.data_dir; }
  server::CatalogServer& server() { return *server_; }

  // A channel authenticated as `principal` (a certificate of the suite).
  std::shared_ptr<grpc::Channel> Channel(const std::string& principal = "steward") const;
  std::unique_ptr<catalog::v1::CatalogService::Stub> Stub(
      const std::string& principal = "steward") const;

  // Shuts down and starts again on the same data directory (new port).
  void Restart();

 private:
  TestServer() = default;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<TempDir> key_dir_;
  server::ServerOptions options_;
  std::unique_ptr<server::CatalogServer> server_;
};

// A CatalogStore on a fresh temporary directory, opened in SetUp; Reopen()
// closes and opens it again (restart).
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen();

  TempDir dir_;
  std::unique_ptr<storage::CatalogStore> store_;
};

// A client context with a 10 s deadline.
std::unique_ptr<grpc::ClientContext> Context();

// A minimal dataset that passes validation.
catalog::v1::Dataset ValidDataset(const std::string& id);

// ---- Lineage ----

// Directory of the test fixtures (openlineage/...), copied into the
// repository from the shared samples so that a clone alone runs the suite:
// $CATALOG_FIXTURES_DIR, else <source dir>/tests/fixtures.
std::string FixturesDir();

// A small valid OpenLineage run event: job "gemeente-voorbeeld" /
// "test.kopie" (COMPLETE) reads "ns" / "bron.tabel" and writes "ns" /
// "doel.tabel".
inline constexpr char kSmallOpenLineageEvent[] =
    R"({"eventType":"COMPLETE","eventTime":"2026-03-02T05:00:00.000Z",)"
    R"("run":{"runId":"0190f1c2-7a41-7c3e-9b1a-2f4d6e8a1b09"},)"
    R"("job":{"namespace":"gemeente-voorbeeld","name":"test.kopie"},)"
    R"("inputs":[{"namespace":"ns","name":"bron.tabel"}],)"
    R"("outputs":[{"namespace":"ns","name":"doel.tabel"}],)"
    R"("producer":"https://example.gemeente.nl/test",)"
    R"("schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"})";

// A minimal external party that passes validation: name "Partij {id}",
// kind OTHER.
catalog::v1::ExternalParty ValidParty(const std::string& id);

// A minimal edge that passes validation (endpoints must exist): DELIVERY,
// with a purpose and a legal basis, when `target` starts with "parties/";
// DERIVED otherwise.
catalog::v1::LineageEdge ValidEdge(const std::string& source, const std::string& target);

// Adds a schema field named `name` (type "string") to `dataset`.
void AddField(catalog::v1::Dataset* dataset, const std::string& name, bool personal_data = false);

// Marks `dataset` as containing personal data (with a legal basis).
void SetPersonalData(catalog::v1::Dataset* dataset);

// "source -> target" of each edge, in order: a compact view for matchers.
std::vector<std::string> EdgeKeys(
    const google::protobuf::RepeatedPtrField<catalog::v1::LineageEdge>& edges);
std::vector<std::string> EdgeKeys(const std::vector<catalog::v1::LineageEdge>& edges);
// The names of the nodes, in order.
std::vector<std::string> NodeNames(
    const google::protobuf::RepeatedPtrField<catalog::v1::LineageNode>& nodes);
// Node name -> depth.
std::map<std::string, int> NodeDepths(const catalog::v1::GetLineageResponse& response);

// Whether a traversal's answer is well formed: the root first at depth 0,
// depths never decreasing, every node once, and every edge between two
// returned nodes.
::testing::AssertionResult IsWellFormedTraversal(const catalog::v1::GetLineageResponse& response);

// CatalogService and LineageService calls over one channel (one principal).
// The ...Ok calls fail the test unless the call succeeds and return the
// answer; the others return the status.
class LineageClient {
 public:
  explicit LineageClient(const std::shared_ptr<grpc::Channel>& channel);

  catalog::v1::CatalogService::Stub& catalog() { return *catalog_; }
  catalog::v1::LineageService::Stub& lineage() { return *lineage_; }

  catalog::v1::Dataset CreateDatasetOk(const catalog::v1::Dataset& dataset);
  grpc::Status GetDataset(const std::string& id, catalog::v1::Dataset* out);
  catalog::v1::Dataset GetDatasetOk(const std::string& id);
  grpc::Status DeleteDataset(const std::string& id, bool force);

  grpc::Status CreateParty(const catalog::v1::ExternalParty& party,
                           catalog::v1::ExternalParty* out);
  catalog::v1::ExternalParty CreatePartyOk(const catalog::v1::ExternalParty& party);
  grpc::Status DeleteParty(const std::string& id, const std::string& etag = "");

  grpc::Status CreateEdge(const catalog::v1::LineageEdge& edge, catalog::v1::LineageEdge* out);
  catalog::v1::LineageEdge CreateEdgeOk(const catalog::v1::LineageEdge& edge);
  // CreateEdgeOk(ValidEdge(source, target)).
  catalog::v1::LineageEdge LinkOk(const std::string& source, const std::string& target);
  grpc::Status GetEdge(const std::string& source, const std::string& target,
                       catalog::v1::LineageEdge* out);
  grpc::Status DeleteEdge(const std::string& source, const std::string& target,
                          const std::string& etag = "");

  grpc::Status GetLineage(const catalog::v1::GetLineageRequest& request,
                          catalog::v1::GetLineageResponse* out);
  catalog::v1::GetLineageResponse GetLineageOk(const catalog::v1::GetLineageRequest& request);
  grpc::Status AnalyzeImpact(const catalog::v1::AnalyzeImpactRequest& request,
                             catalog::v1::AnalyzeImpactResponse* out);
  catalog::v1::AnalyzeImpactResponse AnalyzeImpactOk(
      const catalog::v1::AnalyzeImpactRequest& request);
  grpc::Status Ingest(const std::vector<std::string>& events,
                      catalog::v1::IngestOpenLineageResponse* out);

  // Page through to the end; the page tokens seen are appended to `tokens`
  // when given. Fail the test on an error or an endless listing.
  std::vector<catalog::v1::LineageEdge> ListAllEdges(catalog::v1::ListEdgesRequest request,
                                                     std::vector<std::string>* tokens = nullptr);
  std::vector<catalog::v1::LineageFinding> ListAllFindings(
      catalog::v1::ListLineageFindingsRequest request);
  std::vector<catalog::v1::Dataset> ListAllDatasets();

 private:
  std::unique_ptr<catalog::v1::CatalogService::Stub> catalog_;
  std::unique_ptr<catalog::v1::LineageService::Stub> lineage_;
};

// A TestServer with the development policy on a data directory of the
// test's own (so that the store can be opened once the server stops), and
// a LineageClient per development principal.
class LineageServerTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Stops the server and opens its store; fails the test (and returns null)
  // on error.
  std::unique_ptr<storage::CatalogStore> StopAndOpenStore();

  TempDir dir_;  // Declared first: outlives the server using it.
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<LineageClient> steward_;  // clearance vertrouwelijk
  std::unique_ptr<LineageClient> admin_;    // zeer_geheim, may delete
  std::unique_ptr<LineageClient> reader_;   // intern, reads only
};

}  // namespace catalog::testing

#endif  // CATALOG_TESTS_SUPPORT_TEST_SUPPORT_H_
