// The security matrix: every RPC of the intended authorization policy
// (expected_authorization.h, written out by hand; authorization_test checks
// that the production table has exactly its methods) x every role of the
// suite (people's roles, an application, and a principal no policy knows) x
// datasets (or processing-log records) at several confidentiality levels,
// against a real catalogd over mutual TLS. The
// expected outcome of each cell follows from the hand-written row and the
// caller's clearance, never from the production table: allowed (OK), denied
// (PERMISSION_DENIED, nothing changed) or hidden (NOT_FOUND with the message
// of a missing dataset, or left out of a listing).
//
// After the matrix, the data-dependent write rules: domains, classification
// rights and clearance on writes.
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "api/resource_names.h"
#include "catalog/v1/accountability_service.grpc.pb.h"
#include "catalog/v1/change_feed_service.grpc.pb.h"
#include "catalog/v1/interop_service.grpc.pb.h"
#include "catalog/v1/landscape_service.grpc.pb.h"
#include "catalog/v1/processing_service.grpc.pb.h"
#include "catalog/v1/quality_service.grpc.pb.h"
#include "catalog/v1/search_service.grpc.pb.h"
#include "logboek/v1/logboek.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "server/security/authorization.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/security/expected_authorization.h"
#include "tests/security/security_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::Confidentiality;
using catalog::v1::Dataset;
using grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr Confidentiality kLevels[] = {
    catalog::v1::CONFIDENTIALITY_OPENBAAR, catalog::v1::CONFIDENTIALITY_INTERN,
    catalog::v1::CONFIDENTIALITY_VERTROUWELIJK,
    catalog::v1::CONFIDENTIALITY_GEHEIM};

struct MatrixCase {
  size_t row;        // Row of kExpectedAuthorization.
  size_t principal;  // Index into SuitePrincipals().
  Confidentiality level;
};

std::vector<MatrixCase> AllCases() {
  std::vector<MatrixCase> cases;
  for (size_t row = 0; row < std::size(kExpectedAuthorization); ++row) {
    for (size_t principal = 0; principal < SuitePrincipals().size();
         ++principal) {
      for (Confidentiality level : kLevels)
        cases.push_back({row, principal, level});
    }
  }
  return cases;
}

// What a row expects: the status code of the call and, for the calls that
// involve a second dataset or a listing, what the caller gets to see.
struct Expected {
  StatusCode code = StatusCode::OK;
  // Listing: whether the target dataset is in it.
  bool listed = false;
  // UpsertDatasets: per-item codes (existing dataset, new dataset).
  StatusCode replace_code = StatusCode::OK;
  StatusCode create_code = StatusCode::OK;
};

// One server for the whole matrix (one per process under ctest); every row
// works on datasets of its own.
class SecurityMatrixTest : public ::testing::TestWithParam<MatrixCase> {
 protected:
  static void SetUpTestSuite() {
    server_ = SecureServer::Start(PolicyToml(SuiteGrants())).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    const MatrixCase& c = GetParam();
    method_ = kExpectedAuthorization[c.row].method;
    who_ = SuitePrincipals()[c.principal];
    level_ = c.level;
    allowed_ = ExpectedAllows(method_, who_.role);
    visible_ = level_ <= who_.clearance;  // The clearance rule of access.h.
    id_ = absl::StrCat("m", next_id_++, "-", LevelName(level_));
    stub_ = server_->Catalog(who_.name);
    admin_ = server_->Catalog("admin");
  }

  // The row's dataset, created by the admin (zeer_geheim, all domains).
  void CreateTarget() {
    Dataset dataset = DatasetAt(id_, level_);
    dataset.set_description("voor");
    dataset.add_tags(id_);
    catalog::v1::CreateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    Dataset stored;
    ASSERT_TRUE(IsOk(admin_->CreateDataset(Context().get(), request, &stored)));
  }

  // The dataset as the admin sees it; NOT_FOUND when absent.
  grpc::Status AdminGet(const std::string& id, Dataset* out) {
    catalog::v1::GetDatasetRequest request;
    request.set_id(id);
    return admin_->GetDataset(Context().get(), request, out);
  }

  // Checks the refusal or hiding of a row whose expected code is not OK.
  void ExpectStatus(const grpc::Status& status, StatusCode expected) {
    ASSERT_EQ(status.error_code(), expected)
        << CodeName(status.error_code()) << ": " << status.error_message();
    if (expected == StatusCode::NOT_FOUND) {
      // Hidden answers exactly like missing.
      EXPECT_EQ(status.error_message(),
                api::DatasetNotFoundError(id_).message());
    }
    if (expected == StatusCode::PERMISSION_DENIED && !allowed_) {
      // Refused by the table before any data was looked at.
      EXPECT_THAT(status.error_message(),
                  HasSubstr(absl::StrCat("\"", who_.name, "\"")));
      EXPECT_THAT(status.error_message(), Not(HasSubstr(id_)));
    }
  }

  // The code of a call on the existing target: table, then clearance.
  StatusCode ReadCode() const {
    if (!allowed_) return StatusCode::PERMISSION_DENIED;
    return visible_ ? StatusCode::OK : StatusCode::NOT_FOUND;
  }

  // The code of writing a new dataset at the row's level.
  StatusCode CreateCode() const {
    if (!allowed_) return StatusCode::PERMISSION_DENIED;
    return visible_ ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
  }

  void RunCreateDataset();
  void RunGetDataset();
  void RunUpdateDataset();
  void RunDeleteDataset();
  void RunListDatasets();
  void RunListDatasetRevisions();
  void RunUpsertDatasets();
  void RunListAuditEvents();
  void RunVerifyAuditTrail();
  void RunLineage();
  void RunTerugmelding();
  void RunQuality();
  void RunLandscape();
  void RunWatchChanges();
  void RunExportDcat();
  void RunSearch();
  void RunProcessing();
  void RunProcessingLog();
  // The target with an edge from an openbaar source into it, both created by
  // the admin; returns the source's id.
  std::string CreateTargetWithSource();

  static SecureServer* server_;
  static int next_id_;

  std::string method_;
  SuitePrincipal who_{};
  Confidentiality level_ = catalog::v1::CONFIDENTIALITY_UNSPECIFIED;
  bool allowed_ = false;
  bool visible_ = false;
  std::string id_;
  std::unique_ptr<catalog::v1::CatalogService::Stub> stub_;
  std::unique_ptr<catalog::v1::CatalogService::Stub> admin_;
};

SecureServer* SecurityMatrixTest::server_ = nullptr;
int SecurityMatrixTest::next_id_ = 0;

void SecurityMatrixTest::RunCreateDataset() {
  catalog::v1::CreateDatasetRequest request;
  *request.mutable_dataset() = DatasetAt(id_, level_);
  Dataset created;
  const grpc::Status status =
      stub_->CreateDataset(Context().get(), request, &created);
  const StatusCode expected = CreateCode();
  ExpectStatus(status, expected);
  if (expected == StatusCode::OK) {
    EXPECT_EQ(created.id(), id_);
    EXPECT_EQ(created.classification().confidentiality(), level_);
  } else if (allowed_) {
    EXPECT_THAT(status.error_message(), HasSubstr("above the clearance"));
  }
  Dataset stored;
  EXPECT_EQ(AdminGet(id_, &stored).error_code(),
            expected == StatusCode::OK ? StatusCode::OK : StatusCode::NOT_FOUND)
      << "a refused create must store nothing";
}

void SecurityMatrixTest::RunGetDataset() {
  CreateTarget();
  catalog::v1::GetDatasetRequest request;
  request.set_id(id_);
  Dataset got;
  const grpc::Status status = stub_->GetDataset(Context().get(), request, &got);
  ExpectStatus(status, ReadCode());
  if (status.ok()) {
    EXPECT_EQ(got.description(), "voor");
  }
}

void SecurityMatrixTest::RunUpdateDataset() {
  CreateTarget();
  catalog::v1::UpdateDatasetRequest request;
  request.mutable_dataset()->set_id(id_);
  request.mutable_dataset()->set_description("na");
  request.mutable_update_mask()->add_paths("description");
  Dataset updated;
  const grpc::Status status =
      stub_->UpdateDataset(Context().get(), request, &updated);
  ExpectStatus(status, ReadCode());
  Dataset stored;
  ASSERT_TRUE(IsOk(AdminGet(id_, &stored)));
  EXPECT_EQ(stored.description(), status.ok() ? "na" : "voor");
}

void SecurityMatrixTest::RunDeleteDataset() {
  CreateTarget();
  catalog::v1::DeleteDatasetRequest request;
  request.set_id(id_);
  catalog::v1::DeleteDatasetResponse response;
  const grpc::Status status =
      stub_->DeleteDataset(Context().get(), request, &response);
  ExpectStatus(status, ReadCode());
  Dataset stored;
  EXPECT_EQ(AdminGet(id_, &stored).error_code(),
            status.ok() ? StatusCode::NOT_FOUND : StatusCode::OK);
}

void SecurityMatrixTest::RunListDatasets() {
  CreateTarget();
  catalog::v1::ListDatasetsRequest request;
  request.mutable_filter()->set_tag(id_);
  catalog::v1::ListDatasetsResponse response;
  const grpc::Status status =
      stub_->ListDatasets(Context().get(), request, &response);
  if (!allowed_) return ExpectStatus(status, StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(IsOk(status));
  EXPECT_EQ(response.datasets_size(), visible_ ? 1 : 0);
  EXPECT_TRUE(response.next_page_token().empty());
}

// Search finds the target (by its id, once the index has it) exactly when
// the caller may see it; a hidden one is in no total, facet or hit.
void SecurityMatrixTest::RunSearch() {
  namespace v1 = catalog::v1;
  CreateTarget();
  Dataset stored;
  ASSERT_TRUE(IsOk(AdminGet(id_, &stored)));
  v1::SearchDatasetsRequest request;
  request.set_query(id_);
  request.mutable_filter()->set_tag(id_);
  request.set_facets(true);
  request.set_min_revision(stored.revision());
  v1::SearchDatasetsResponse response;
  const grpc::Status status = v1::SearchService::NewStub(server_->Channel(who_.name))
                                  ->SearchDatasets(Context().get(), request, &response);
  if (!allowed_) return ExpectStatus(status, StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(IsOk(status));
  EXPECT_EQ(response.total(), visible_ ? 1 : 0);
  EXPECT_EQ(response.hits_size(), visible_ ? 1 : 0);
  if (!visible_) {
    EXPECT_EQ(response.DebugString().find(id_), std::string::npos) << "never named when hidden";
    for (const v1::FacetCounts& facet : response.facets()) {
      EXPECT_TRUE(facet.counts().empty()) << facet.facet();
    }
  }
}

void SecurityMatrixTest::RunListDatasetRevisions() {
  CreateTarget();
  catalog::v1::ListDatasetRevisionsRequest request;
  request.set_id(id_);
  catalog::v1::ListDatasetRevisionsResponse response;
  const grpc::Status status =
      stub_->ListDatasetRevisions(Context().get(), request, &response);
  ExpectStatus(status, ReadCode());
  if (status.ok()) {
    ASSERT_EQ(response.revisions_size(), 1);
    EXPECT_EQ(response.revisions(0).dataset().id(), id_);
  }
}

void SecurityMatrixTest::RunUpsertDatasets() {
  CreateTarget();
  Dataset replace = DatasetAt(id_, level_);
  replace.set_description("na");
  const std::string new_id = id_ + "-nieuw";
  std::vector<catalog::v1::UpsertDatasetsResponse> responses;
  const grpc::Status status =
      Upsert(*stub_, Context().get(), {{replace, DatasetAt(new_id, level_)}},
             &responses);
  Dataset stored;
  if (!allowed_) {
    ExpectStatus(status, StatusCode::PERMISSION_DENIED);
    EXPECT_TRUE(responses.empty());
  } else {
    ASSERT_TRUE(IsOk(status));
    ASSERT_EQ(responses.size(), 1u);
    ASSERT_EQ(responses[0].results_size(), 2);
    // A dataset the caller cannot see answers like a taken id.
    const StatusCode replace_code =
        visible_ ? StatusCode::OK : StatusCode::ALREADY_EXISTS;
    EXPECT_EQ(responses[0].results(0).code(), replace_code)
        << responses[0].results(0).message();
    if (replace_code == StatusCode::ALREADY_EXISTS) {
      EXPECT_EQ(responses[0].results(0).message(),
                absl::StrCat("dataset ", id_, " already exists"));
    }
    EXPECT_EQ(responses[0].results(1).code(), CreateCode())
        << responses[0].results(1).message();
  }
  ASSERT_TRUE(IsOk(AdminGet(id_, &stored)));
  EXPECT_EQ(stored.description(), allowed_ && visible_ ? "na" : "voor");
  EXPECT_EQ(
      AdminGet(new_id, &stored).error_code(),
      CreateCode() == StatusCode::OK ? StatusCode::OK : StatusCode::NOT_FOUND);
}

void SecurityMatrixTest::RunListAuditEvents() {
  CreateTarget();
  catalog::v1::ListAuditEventsRequest request;
  request.set_resource(api::DatasetName(id_));
  request.set_oldest_first(true);
  catalog::v1::ListAuditEventsResponse response;
  const grpc::Status status = server_->Audit(who_.name)->ListAuditEvents(
      Context().get(), request, &response);
  if (!allowed_) return ExpectStatus(status, StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(IsOk(status));
  ASSERT_GE(response.events_size(), 1);
  EXPECT_EQ(response.events(0).principal(), "admin");
  EXPECT_EQ(response.events(0).method(), server::method::kCreateDataset);
  EXPECT_EQ(response.events(0).code(), 0);
}

void SecurityMatrixTest::RunVerifyAuditTrail() {
  CreateTarget();
  catalog::v1::VerifyAuditTrailResponse response;
  const grpc::Status status = server_->Audit(who_.name)->VerifyAuditTrail(
      Context().get(), catalog::v1::VerifyAuditTrailRequest(), &response);
  if (!allowed_) return ExpectStatus(status, StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(IsOk(status));
  EXPECT_TRUE(response.intact()) << response.problem();
  EXPECT_GE(response.entries(), 1);
}

std::string SecurityMatrixTest::CreateTargetWithSource() {
  CreateTarget();
  const std::string source = id_ + "-bron";
  catalog::v1::CreateDatasetRequest request;
  *request.mutable_dataset() = DatasetAt(source, catalog::v1::CONFIDENTIALITY_OPENBAAR);
  Dataset stored;
  EXPECT_TRUE(IsOk(admin_->CreateDataset(Context().get(), request, &stored)));
  catalog::v1::CreateEdgeRequest edge;
  edge.mutable_edge()->set_source(source);
  edge.mutable_edge()->set_target(id_);
  edge.mutable_edge()->set_relation(catalog::v1::LINEAGE_RELATION_DERIVED);
  catalog::v1::LineageEdge created;
  EXPECT_TRUE(IsOk(server_->Lineage("admin")->CreateEdge(Context().get(), edge, &created)));
  return source;
}

// Every LineageService row: calls about the target dataset follow the table
// and then the clearance (hidden answers like missing); calls about parties
// or OpenLineage follow the table alone.
void SecurityMatrixTest::RunLineage() {
  namespace v1 = catalog::v1;
  namespace m = server::method;
  const auto lineage = server_->Lineage(who_.name);
  const std::string party = absl::StrCat("p-", id_);
  grpc::Status status;
  StatusCode expected = ReadCode();
  if (method_ == m::kCreateParty || method_ == m::kGetParty || method_ == m::kListParties ||
      method_ == m::kDeleteParty || method_ == m::kIngestOpenLineage) {
    expected = allowed_ ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
    v1::ExternalParty p;
    if (method_ != m::kCreateParty && method_ != m::kIngestOpenLineage) {
      v1::CreatePartyRequest create;
      create.mutable_party()->set_id(party);
      create.mutable_party()->set_name("Partij");
      create.mutable_party()->set_kind(v1::PARTY_KIND_CBS);
      ASSERT_TRUE(IsOk(server_->Lineage("admin")->CreateParty(Context().get(), create, &p)));
    }
    if (method_ == m::kCreateParty) {
      v1::CreatePartyRequest request;
      request.mutable_party()->set_id(party);
      request.mutable_party()->set_name("Partij");
      request.mutable_party()->set_kind(v1::PARTY_KIND_CBS);
      status = lineage->CreateParty(Context().get(), request, &p);
    } else if (method_ == m::kGetParty) {
      v1::GetPartyRequest request;
      request.set_id(party);
      status = lineage->GetParty(Context().get(), request, &p);
    } else if (method_ == m::kListParties) {
      v1::ListPartiesResponse response;
      status = lineage->ListParties(Context().get(), v1::ListPartiesRequest(), &response);
    } else if (method_ == m::kDeleteParty) {
      v1::DeletePartyRequest request;
      request.set_id(party);
      v1::DeletePartyResponse response;
      status = lineage->DeleteParty(Context().get(), request, &response);
    } else {
      v1::IngestOpenLineageRequest request;
      request.add_events(absl::StrCat(
          R"({"eventType":"COMPLETE","eventTime":"2026-03-02T02:00:00Z","run":{"runId":"r1"},)",
          R"("job":{"namespace":"ns","name":"job"},"inputs":[{"namespace":"ns","name":")", id_,
          R"(.in"}],"outputs":[{"namespace":"ns","name":")", id_, R"(.out"}]})"));
      v1::IngestOpenLineageResponse response;
      status = lineage->IngestOpenLineage(Context().get(), request, &response);
      if (status.ok()) {
        EXPECT_EQ(response.datasets_created_size(), 2);
      }
    }
    return ExpectStatus(status, expected);
  }

  const std::string source = CreateTargetWithSource();
  if (method_ == m::kCreateEdge) {
    // A second source into the target: documented by the target's steward.
    const std::string other = id_ + "-tweede";
    v1::CreateDatasetRequest create;
    *create.mutable_dataset() = DatasetAt(other, catalog::v1::CONFIDENTIALITY_OPENBAAR);
    Dataset stored;
    ASSERT_TRUE(IsOk(admin_->CreateDataset(Context().get(), create, &stored)));
    v1::CreateEdgeRequest request;
    request.mutable_edge()->set_source(other);
    request.mutable_edge()->set_target(id_);
    request.mutable_edge()->set_relation(v1::LINEAGE_RELATION_SOURCE);
    v1::LineageEdge edge;
    status = lineage->CreateEdge(Context().get(), request, &edge);
  } else if (method_ == m::kGetEdge) {
    v1::GetEdgeRequest request;
    request.set_source(source);
    request.set_target(id_);
    v1::LineageEdge edge;
    status = lineage->GetEdge(Context().get(), request, &edge);
  } else if (method_ == m::kDeleteEdge) {
    v1::DeleteEdgeRequest request;
    request.set_source(source);
    request.set_target(id_);
    v1::DeleteEdgeResponse response;
    status = lineage->DeleteEdge(Context().get(), request, &response);
  } else if (method_ == m::kListEdges) {
    v1::ListEdgesRequest request;
    request.set_node(id_);
    v1::ListEdgesResponse response;
    status = lineage->ListEdges(Context().get(), request, &response);
    if (status.ok()) {
      EXPECT_EQ(response.edges_size(), 1);
    }
  } else if (method_ == m::kGetLineage) {
    v1::GetLineageRequest request;
    request.set_root(source);  // Visible root; the target is its child.
    v1::GetLineageResponse response;
    status = lineage->GetLineage(Context().get(), request, &response);
    expected = allowed_ ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
    if (status.ok()) {
      ASSERT_EQ(response.nodes_size(), 2);
      EXPECT_EQ(response.nodes(1).hidden(), !visible_);
      EXPECT_EQ(response.nodes(1).name(),
                visible_ ? api::DatasetName(id_) : std::string("hidden/1"));
      const std::string quoted = absl::StrCat("\"", api::DatasetName(id_), "\"");
      EXPECT_EQ(response.DebugString().find(quoted) != std::string::npos, visible_);
    }
  } else if (method_ == m::kAnalyzeImpact) {
    v1::AnalyzeImpactRequest request;
    request.set_root(id_);
    v1::AnalyzeImpactResponse response;
    status = lineage->AnalyzeImpact(Context().get(), request, &response);
  } else if (method_ == m::kListLineageFindings) {
    v1::ListLineageFindingsRequest request;
    request.set_dataset(id_);
    v1::ListLineageFindingsResponse response;
    status = lineage->ListLineageFindings(Context().get(), request, &response);
  } else {
    FAIL() << "the matrix has no lineage call for " << method_ << "; add one";
  }
  ExpectStatus(status, expected);
}

// Every TerugmeldingService row. The table lets every role call it; the
// data rules decide: a hidden dataset is NOT_FOUND (as missing), a report is
// filed by the caller when it may see the dataset (else by the admin), and
// only stewards, owners and admins handle reports (list them, move them on).
void SecurityMatrixTest::RunTerugmelding() {
  namespace v1 = catalog::v1;
  namespace m = server::method;
  CreateTarget();
  const auto reports = v1::TerugmeldingService::NewStub(server_->Channel(who_.name));
  const auto admin_reports = v1::TerugmeldingService::NewStub(server_->Channel("admin"));
  const bool handler = who_.role == server::Role::kSteward ||
                       who_.role == server::Role::kOwner || who_.role == server::Role::kAdmin;
  v1::FileTerugmeldingRequest file;
  file.mutable_terugmelding()->set_dataset(id_);
  file.mutable_terugmelding()->set_explanation("twijfel");
  v1::Terugmelding filed;
  if (method_ != m::kFileTerugmelding) {
    // The caller's own report where it can file one, else the admin's.
    auto& filer = allowed_ && visible_ ? reports : admin_reports;
    ASSERT_TRUE(IsOk(filer->FileTerugmelding(Context().get(), file, &filed)));
  }
  grpc::Status status;
  StatusCode expected = ReadCode();
  if (method_ == m::kFileTerugmelding) {
    status = reports->FileTerugmelding(Context().get(), file, &filed);
    if (status.ok()) {
      EXPECT_EQ(filed.reporter_principal(), who_.name);
    }
  } else if (method_ == m::kGetTerugmelding) {
    v1::GetTerugmeldingRequest request;
    request.set_name(filed.name());
    v1::Terugmelding got;
    status = reports->GetTerugmelding(Context().get(), request, &got);
  } else if (method_ == m::kListTerugmeldingen) {
    v1::ListTerugmeldingenRequest request;
    request.set_dataset(id_);
    v1::ListTerugmeldingenResponse response;
    status = reports->ListTerugmeldingen(Context().get(), request, &response);
    if (expected == StatusCode::OK && !handler && who_.role != server::Role::kAuditor) {
      expected = StatusCode::PERMISSION_DENIED;
    }
    if (status.ok()) {
      EXPECT_EQ(response.terugmeldingen_size(), 1);
    }
  } else if (method_ == m::kTransitionTerugmelding) {
    v1::TransitionTerugmeldingRequest request;
    request.set_name(filed.name());
    request.set_status(v1::TERUGMELDING_STATUS_IN_BEHANDELING);
    v1::Terugmelding moved;
    status = reports->TransitionTerugmelding(Context().get(), request, &moved);
    if (expected == StatusCode::OK && !handler) expected = StatusCode::PERMISSION_DENIED;
    v1::GetTerugmeldingRequest get;
    get.set_name(filed.name());
    v1::Terugmelding stored;
    ASSERT_TRUE(IsOk(admin_reports->GetTerugmelding(Context().get(), get, &stored)));
    EXPECT_EQ(stored.status(), expected == StatusCode::OK
                                   ? v1::TERUGMELDING_STATUS_IN_BEHANDELING
                                   : v1::TERUGMELDING_STATUS_GEMELD);
  } else if (method_ == m::kListMyTerugmeldingen) {
    v1::ListMyTerugmeldingenRequest request;
    request.set_page_size(1000);
    v1::ListTerugmeldingenResponse response;
    status = reports->ListMyTerugmeldingen(Context().get(), request, &response);
    expected = allowed_ ? StatusCode::OK : StatusCode::PERMISSION_DENIED;
    if (status.ok()) {
      EXPECT_EQ(response.DebugString().find(id_) != std::string::npos, visible_)
          << "the caller's own report, and only that, names the dataset";
    }
  } else {
    FAIL() << "the matrix has no terugmelding call for " << method_ << "; add one";
  }
  ExpectStatus(status, expected);
}

// Every QualityService row is about the target dataset: the table, then the
// clearance (hidden answers like missing).
void SecurityMatrixTest::RunQuality() {
  namespace v1 = catalog::v1;
  namespace m = server::method;
  CreateTarget();
  auto quality = v1::QualityService::NewStub(server_->Channel(who_.name));
  v1::Measurement measurement;
  measurement.set_dataset(id_);
  measurement.set_dimension(v1::QUALITY_DIMENSION_JUISTHEID);
  measurement.set_score(90);
  grpc::Status status;
  if (method_ == m::kRecordMeasurement) {
    v1::RecordMeasurementRequest request;
    *request.mutable_measurement() = measurement;
    v1::Measurement stored;
    status = quality->RecordMeasurement(Context().get(), request, &stored);
  } else if (method_ == m::kRecordMeasurements) {
    auto context = Context();
    auto stream = quality->RecordMeasurements(context.get());
    v1::RecordMeasurementsRequest batch;
    *batch.add_measurements() = measurement;
    stream->Write(batch);
    stream->WritesDone();
    v1::RecordMeasurementsResponse response;
    const bool answered = stream->Read(&response);
    status = stream->Finish();
    if (!allowed_) return ExpectStatus(status, StatusCode::PERMISSION_DENIED);
    ASSERT_TRUE(IsOk(status));
    ASSERT_TRUE(answered);
    ASSERT_EQ(response.results_size(), 1);
    EXPECT_EQ(response.results(0).code(),
              static_cast<int>(visible_ ? StatusCode::OK : StatusCode::NOT_FOUND));
    if (!visible_) {
      EXPECT_EQ(response.results(0).message(), api::DatasetNotFoundError(id_).message());
    }
    return;
  } else if (method_ == m::kListMeasurements) {
    v1::ListMeasurementsRequest request;
    request.set_dataset(id_);
    v1::ListMeasurementsResponse response;
    status = quality->ListMeasurements(Context().get(), request, &response);
  } else if (method_ == m::kGetQualityReport) {
    v1::GetQualityReportRequest request;
    request.set_dataset(id_);
    v1::QualityReport report;
    status = quality->GetQualityReport(Context().get(), request, &report);
  } else {
    FAIL() << "the matrix has no quality call for " << method_ << "; add one";
  }
  ExpectStatus(status, ReadCode());
}

// The change feed delivers the target's creation exactly when the caller
// may see it, and never names a hidden one.
void SecurityMatrixTest::RunWatchChanges() {
  namespace v1 = catalog::v1;
  CreateTarget();
  v1::WatchChangesRequest request;
  request.set_from_revision(1);
  request.set_include_state(true);
  auto context = Context();
  auto watch = v1::ChangeFeedService::NewStub(server_->Channel(who_.name))
                   ->WatchChanges(context.get(), request);
  v1::WatchChangesResponse response;
  const bool read = watch->Read(&response);  // Everything so far: one response.
  if (read) context->TryCancel();
  const grpc::Status status = watch->Finish();
  if (!allowed_) {
    ExpectStatus(status, StatusCode::PERMISSION_DENIED);
    return;
  }
  ASSERT_TRUE(read) << status.error_message();
  bool named = false;
  for (const v1::Change& change : response.changes()) {
    named = named || change.resource() == api::DatasetName(id_);
  }
  EXPECT_EQ(named, visible_);
  if (!visible_) {
    EXPECT_EQ(response.DebugString().find(id_), std::string::npos) << "never named when hidden";
  }
}

// The DCAT export holds open data only: the target (whatever its level) is
// never in it, for any caller the policy lets call.
void SecurityMatrixTest::RunExportDcat() {
  namespace v1 = catalog::v1;
  CreateTarget();
  v1::ExportDcatResponse response;
  const grpc::Status status = v1::InteropService::NewStub(server_->Channel(who_.name))
                                  ->ExportDcat(Context().get(), v1::ExportDcatRequest(), &response);
  ExpectStatus(status, allowed_ ? StatusCode::OK : StatusCode::PERMISSION_DENIED);
  if (!status.ok()) return;
  EXPECT_EQ(response.document().find(id_), std::string::npos) << "not open data";
  EXPECT_EQ(response.omitted_size(), 0);
}

// The landscape counts the datasets at the target's level exactly when the
// caller may see them, and never names a hidden one.
void SecurityMatrixTest::RunLandscape() {
  namespace v1 = catalog::v1;
  CreateTarget();
  v1::GetLandscapeRequest request;
  request.mutable_filter()->set_domain(DatasetAt(id_, level_).domain());
  request.set_max_datasets_per_finding(1000);
  v1::Landscape landscape;
  const grpc::Status status = v1::LandscapeService::NewStub(server_->Channel(who_.name))
                                  ->GetLandscape(Context().get(), request, &landscape);
  ExpectStatus(status, allowed_ ? StatusCode::OK : StatusCode::PERMISSION_DENIED);
  if (!status.ok()) return;
  if (!visible_) {
    EXPECT_EQ(landscape.DebugString().find(id_), std::string::npos) << "never named when hidden";
  }
  int64_t at_level = 0;
  for (const v1::Count& c : landscape.security().by_confidentiality()) {
    if (c.key() == v1::Confidentiality_Name(DatasetAt(id_, level_).classification().confidentiality())) {
      at_level = c.count();
    }
  }
  if (visible_) {
    EXPECT_GE(at_level, 1);
  } else {
    EXPECT_EQ(at_level, 0) << "a hidden dataset is counted nowhere";
  }
}

// The register is readable by every role the table allows; a dataset of an
// activity above the caller's clearance is shown as "hidden", never named,
// and kept when the caller updates the activity. Naming a hidden dataset in
// a new activity answers as for a missing one.
void SecurityMatrixTest::RunProcessing() {
  namespace v1 = catalog::v1;
  namespace m = server::method;
  CreateTarget();
  const auto mine = v1::ProcessingService::NewStub(server_->Channel(who_.name));
  const auto admin = v1::ProcessingService::NewStub(server_->Channel("admin"));
  v1::ProcessingActivity activity;
  activity.set_id(absl::StrCat("verwerking-", ++next_id_));  // Not naming the dataset.
  activity.set_title("Verwerking");
  activity.set_purpose("Uitvoering wettelijke taak");
  activity.set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  activity.mutable_controller()->set_name("Gemeente Voorbeeldstad");
  activity.set_retention_period("P7Y");
  activity.set_log_confidentiality(v1::CONFIDENTIALITY_INTERN);
  activity.add_datasets(api::DatasetName(id_));
  v1::CreateProcessingActivityRequest create;
  *create.mutable_activity() = activity;
  v1::ProcessingActivity out;
  grpc::Status status;
  if (method_ == m::kCreateProcessingActivity) {
    status = mine->CreateProcessingActivity(Context().get(), create, &out);
    const StatusCode expected = ReadCode();
    ASSERT_EQ(status.error_code(), expected) << status.error_message();
    if (expected == StatusCode::NOT_FOUND) {
      EXPECT_EQ(status.error_message(),
                absl::StrCat("datasets[0]: ", api::DatasetNotFoundError(id_).message()));
    }
    return;
  }
  ASSERT_TRUE(IsOk(admin->CreateProcessingActivity(Context().get(), create, &out)));
  std::string shown;
  if (method_ == m::kGetProcessingActivity) {
    v1::GetProcessingActivityRequest request;
    request.set_name(out.name());
    status = mine->GetProcessingActivity(Context().get(), request, &out);
    shown = out.DebugString();
  } else if (method_ == m::kListProcessingActivities) {
    v1::ListProcessingActivitiesRequest request;
    request.set_page_size(1000);
    v1::ListProcessingActivitiesResponse response;
    status = mine->ListProcessingActivities(Context().get(), request, &response);
    shown = response.DebugString();
    request.set_dataset(id_);
    if (status.ok()) {
      ASSERT_TRUE(IsOk(mine->ListProcessingActivities(Context().get(), request, &response)));
      EXPECT_EQ(response.activities_size(), visible_ ? 1 : 0) << "filter on a hidden dataset";
    }
  } else if (method_ == m::kListProcessingActivityVersions) {
    v1::ListProcessingActivityVersionsRequest request;
    request.set_name(out.name());
    v1::ListProcessingActivityVersionsResponse response;
    status = mine->ListProcessingActivityVersions(Context().get(), request, &response);
    shown = response.DebugString();
  } else {
    ASSERT_EQ(method_, m::kUpdateProcessingActivity);
    v1::UpdateProcessingActivityRequest request;
    request.mutable_activity()->set_id(out.id());
    request.mutable_activity()->set_purpose("Ander doel");
    request.mutable_update_mask()->add_paths("purpose");
    status = mine->UpdateProcessingActivity(Context().get(), request, &out);
    shown = out.DebugString();
    if (status.ok()) {
      EXPECT_EQ(out.version(), 2);
      v1::GetProcessingActivityRequest get;
      get.set_name(out.name());
      v1::ProcessingActivity stored;
      ASSERT_TRUE(IsOk(admin->GetProcessingActivity(Context().get(), get, &stored)));
      EXPECT_THAT(stored.datasets(), ::testing::ElementsAre(api::DatasetName(id_)))
          << "the hidden dataset is kept";
    }
  }
  ASSERT_EQ(status.error_code(), allowed_ ? StatusCode::OK : StatusCode::PERMISSION_DENIED)
      << status.error_message();
  if (!status.ok()) return;
  if (visible_) {
    EXPECT_THAT(shown, HasSubstr(api::DatasetName(id_)));
  } else {
    EXPECT_THAT(shown, Not(HasSubstr(id_))) << "a hidden dataset is never named";
    EXPECT_THAT(shown, HasSubstr("\"hidden\""));
  }
}

// The processing log. The intake follows the table alone: an application's
// operation is stored, anyone else's refused with nothing stored. The
// answers from the log follow the table, then the clearance: an operation
// whose activity logs at a marking above the caller's clearance is counted,
// never shown, and a delivery of a dataset the caller cannot see is left
// out. The purge removes what the retention let go, and nothing when
// refused.
void SecurityMatrixTest::RunProcessingLog() {
  namespace v1 = catalog::v1;
  namespace m = server::method;
  namespace otlp = opentelemetry::proto;
  using google::protobuf::util::TimeUtil;
  CreateTarget();
  const int n = next_id_++;
  const bool purge = method_ == m::kPurgeExpiredOperations;
  // For the purge, an operation that ended two years ago under an activity
  // that keeps its records one year; else one of a minute ago.
  const absl::Time start = purge ? absl::Now() - absl::Hours(2 * 366 * 24)
                                 : absl::Now() - absl::Minutes(1);
  v1::ProcessingActivity activity;
  activity.set_id(absl::StrCat("logboek-", n));
  activity.set_title("Verwerking met logboek");
  activity.set_purpose("Uitvoering wettelijke taak");
  activity.set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  activity.mutable_controller()->set_name("Gemeente Voorbeeldstad");
  activity.set_retention_period(purge ? "P1Y" : "P7Y");
  activity.set_log_confidentiality(level_);
  activity.add_datasets(api::DatasetName(id_));
  *activity.mutable_valid_from() = TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(start - absl::Hours(1)));
  v1::CreateProcessingActivityRequest create;
  *create.mutable_activity() = activity;
  v1::ProcessingActivity created;
  ASSERT_TRUE(IsOk(v1::ProcessingService::NewStub(server_->Channel("admin"))
                       ->CreateProcessingActivity(Context().get(), create, &created)));
  const std::string activity_name = api::ActivityName(activity.id());
  const std::string bsn = TestBsn(n);
  const std::string trace_hex = absl::StrFormat("5ec0%012x%016x", n, n + 1);
  const std::string trace = absl::HexStringToBytes(trace_hex);
  const std::string span = absl::HexStringToBytes(absl::StrFormat("%016x", n + 1));
  const auto mine = server_->Accountability(who_.name);
  const auto admin = server_->Accountability("admin");
  // The operations the log holds under the row's activity (the admin sees
  // every marking).
  auto logged = [&]() -> int {
    v1::ListActivityOperationsRequest request;
    request.set_activity(activity_name);
    request.set_page_size(1000);
    v1::ListActivityOperationsResponse response;
    EXPECT_TRUE(IsOk(admin->ListActivityOperations(Context().get(), request, &response)));
    for (const v1::ProcessingOperation& op : response.operations()) {
      EXPECT_TRUE(op.data_subject_hash().empty()) << "the subject's hash is never returned";
    }
    return response.operations_size();
  };

  grpc::Status status;
  if (method_ == m::kLogboekExport) {
    logboek::v1::ExportOperationsResponse response;
    status = server_->Logboek(who_.name)
                 ->Export(Context().get(), LogboekExport(activity_name, bsn, trace, span, start),
                          &response);
  } else if (method_ == m::kOtlpTraceExport) {
    otlp::collector::trace::v1::ExportTraceServiceRequest request;
    otlp::trace::v1::ResourceSpans* resource = request.add_resource_spans();
    otlp::common::v1::KeyValue* service = resource->mutable_resource()->add_attributes();
    service->set_key("service.name");
    service->mutable_value()->set_string_value("zaaksysteem");
    otlp::trace::v1::Span* s = resource->add_scope_spans()->add_spans();
    s->set_trace_id(trace);
    s->set_span_id(span);
    s->set_name("aanvraag beoordelen");
    s->set_start_time_unix_nano(static_cast<uint64_t>(absl::ToUnixNanos(start)));
    s->set_end_time_unix_nano(
        static_cast<uint64_t>(absl::ToUnixNanos(start + absl::Seconds(1))));
    for (const auto& [key, value] :
         {std::pair{"dpl.core.processing_activity_id", activity_name},
          std::pair{"dpl.core.data_subject_id", bsn},
          std::pair{"dpl.core.data_subject_id_type", std::string("BSN")}}) {
      otlp::common::v1::KeyValue* attribute = s->add_attributes();
      attribute->set_key(key);
      attribute->mutable_value()->set_string_value(value);
    }
    otlp::collector::trace::v1::ExportTraceServiceResponse response;
    status = otlp::collector::trace::v1::TraceService::NewStub(server_->Channel(who_.name))
                 ->Export(Context().get(), request, &response);
    if (status.ok()) {
      EXPECT_EQ(response.partial_success().rejected_spans(), 0)
          << response.partial_success().error_message();
    }
  }
  if (method_ == m::kLogboekExport || method_ == m::kOtlpTraceExport) {
    ExpectStatus(status, allowed_ ? StatusCode::OK : StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(logged(), allowed_ ? 1 : 0) << "a refused export stores nothing";
    return;
  }

  // The answers: an application logs the operation first.
  {
    logboek::v1::ExportOperationsResponse response;
    ASSERT_TRUE(IsOk(server_->Logboek(kApplicationPrincipal)
                         ->Export(Context().get(),
                                  LogboekExport(activity_name, bsn, trace, span, start),
                                  &response)));
  }
  const int shown = visible_ ? 1 : 0;
  const int hidden = visible_ ? 0 : 1;
  std::string answer;
  if (method_ == m::kGetSubjectAccount) {
    v1::GetSubjectAccountRequest request;
    request.set_data_subject_id(bsn);
    request.set_data_subject_id_type("BSN");
    v1::SubjectAccount account;
    status = mine->GetSubjectAccount(Context().get(), request, &account);
    answer = account.DebugString();
    if (status.ok()) {
      EXPECT_EQ(account.operation_count(), shown);
      EXPECT_EQ(account.hidden_operations(), hidden);
      EXPECT_EQ(account.activities_size(), shown);
    }
  } else if (method_ == m::kListActivityOperations) {
    v1::ListActivityOperationsRequest request;
    request.set_activity(activity_name);
    v1::ListActivityOperationsResponse response;
    status = mine->ListActivityOperations(Context().get(), request, &response);
    answer = response.DebugString();
    if (status.ok()) {
      EXPECT_EQ(response.operations_size(), shown);
    }
  } else if (method_ == m::kGetTrace) {
    v1::GetTraceRequest request;
    request.set_trace_id(trace_hex);
    v1::Trace response;
    status = mine->GetTrace(Context().get(), request, &response);
    answer = response.DebugString();
    if (status.ok()) {
      EXPECT_EQ(response.operations_size(), shown);
      EXPECT_EQ(response.hidden_operations(), hidden);
    }
  } else if (method_ == m::kListDeliveries) {
    // A delivery of the row's dataset to a party, documented by the admin.
    const std::string party = absl::StrCat("p-", id_);
    v1::CreatePartyRequest create_party;
    create_party.mutable_party()->set_id(party);
    create_party.mutable_party()->set_name("Afnemer");
    create_party.mutable_party()->set_kind(v1::PARTY_KIND_CBS);
    v1::ExternalParty stored_party;
    ASSERT_TRUE(IsOk(server_->Lineage("admin")->CreateParty(Context().get(), create_party,
                                                          &stored_party)));
    v1::CreateEdgeRequest edge;
    edge.mutable_edge()->set_source(api::DatasetName(id_));
    edge.mutable_edge()->set_target(api::PartyName(party));
    edge.mutable_edge()->set_relation(v1::LINEAGE_RELATION_DELIVERY);
    edge.mutable_edge()->set_purpose("Statistiek");
    edge.mutable_edge()->set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
    v1::LineageEdge stored_edge;
    ASSERT_TRUE(
        IsOk(server_->Lineage("admin")->CreateEdge(Context().get(), edge, &stored_edge)));
    v1::ListDeliveriesRequest request;
    request.set_page_size(1000);
    v1::ListDeliveriesResponse response;
    status = mine->ListDeliveries(Context().get(), request, &response);
    answer = response.DebugString();
    if (status.ok()) {
      int found = 0;
      for (const v1::Delivery& d : response.deliveries()) {
        if (d.edge() == stored_edge.name()) ++found;
      }
      EXPECT_EQ(found, shown) << "a delivery is listed exactly when its dataset is visible";
    }
  } else {
    ASSERT_EQ(method_, m::kPurgeExpiredOperations);
    v1::PurgeExpiredOperationsResponse response;
    status = mine->PurgeExpiredOperations(Context().get(),
                                          v1::PurgeExpiredOperationsRequest(), &response);
    if (status.ok()) {
      int64_t purged = -1;
      for (const v1::PurgedActivity& a : response.activities()) {
        if (a.activity() == created.version_name()) purged = a.operations();
      }
      EXPECT_EQ(purged, 1) << response.DebugString();
    }
    EXPECT_EQ(logged(), status.ok() ? 0 : 1) << "a refused purge removes nothing";
  }
  ExpectStatus(status, allowed_ ? StatusCode::OK : StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(answer, Not(HasSubstr(bsn))) << "the subject's id is never returned";
  if (!visible_) {
    EXPECT_THAT(answer, Not(HasSubstr(id_))) << "a hidden dataset is never named";
  }
}

TEST_P(SecurityMatrixTest, OutcomeFollowsTheIntendedPolicyAndClearance) {
  SCOPED_TRACE(absl::StrCat(method_, " by ", who_.name, " on a ",
                            LevelName(level_), " dataset: the intended policy ",
                            allowed_ ? "allows" : "denies", ", clearance ",
                            LevelName(who_.clearance)));
  namespace m = server::method;
  if (method_ == m::kCreateDataset) return RunCreateDataset();
  if (method_ == m::kGetDataset) return RunGetDataset();
  if (method_ == m::kUpdateDataset) return RunUpdateDataset();
  if (method_ == m::kDeleteDataset) return RunDeleteDataset();
  if (method_ == m::kListDatasets) return RunListDatasets();
  if (method_ == m::kListDatasetRevisions) return RunListDatasetRevisions();
  if (method_ == m::kUpsertDatasets) return RunUpsertDatasets();
  if (method_ == m::kListAuditEvents) return RunListAuditEvents();
  if (method_ == m::kVerifyAuditTrail) return RunVerifyAuditTrail();
  if (absl::StartsWith(method_, "/catalog.v1.LineageService/")) return RunLineage();
  if (absl::StartsWith(method_, "/catalog.v1.TerugmeldingService/")) return RunTerugmelding();
  if (absl::StartsWith(method_, "/catalog.v1.QualityService/")) return RunQuality();
  if (method_ == m::kGetLandscape) return RunLandscape();
  if (method_ == m::kWatchChanges) return RunWatchChanges();
  if (method_ == m::kExportDcat) return RunExportDcat();
  if (method_ == m::kSearchDatasets) return RunSearch();
  if (absl::StartsWith(method_, "/catalog.v1.ProcessingService/")) return RunProcessing();
  if (method_ == m::kLogboekExport || method_ == m::kOtlpTraceExport ||
      absl::StartsWith(method_, "/catalog.v1.AccountabilityService/")) {
    return RunProcessingLog();
  }
  FAIL() << "the matrix has no call for " << method_ << "; add one";
}

INSTANTIATE_TEST_SUITE_P(
    Matrix, SecurityMatrixTest, ::testing::ValuesIn(AllCases()),
    [](const ::testing::TestParamInfo<MatrixCase>& info) {
      return absl::StrCat(
          RowTestName(kExpectedAuthorization[info.param.row].method), "_",
          SuitePrincipals()[info.param.principal].name, "_",
          LevelName(info.param.level));
    });

// ---- Data-dependent write rules (access.h) ----

// steward and eigenaar are limited to the domain Burgerzaken; the reader's
// certificate is made a steward of every domain here; admin may do anything.
class WriteRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<PolicyGrant> grants = {
        {"steward", "", {"steward"}, "vertrouwelijk", {"Burgerzaken"}},
        {"", kOwnerGroup, {"owner"}, "vertrouwelijk", {"Burgerzaken"}},
        {"reader", "", {"steward"}, "vertrouwelijk", {}},
        {"admin", "", {"admin"}, "zeer_geheim", {}},
    };
    server_ = SecureServer::Start(PolicyToml(grants));
    ASSERT_NE(server_, nullptr);
  }

  static Dataset InDomain(
      const std::string& id, const std::string& domain,
      Confidentiality level = catalog::v1::CONFIDENTIALITY_INTERN) {
    Dataset dataset = DatasetAt(id, level);
    dataset.set_domain(domain);
    return dataset;
  }

  grpc::Status Create(const std::string& who, const Dataset& dataset) {
    catalog::v1::CreateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    Dataset out;
    return server_->Catalog(who)->CreateDataset(Context().get(), request, &out);
  }

  grpc::Status Update(const std::string& who, const Dataset& dataset,
                      const std::vector<std::string>& paths) {
    catalog::v1::UpdateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    for (const std::string& path : paths)
      request.mutable_update_mask()->add_paths(path);
    Dataset out;
    return server_->Catalog(who)->UpdateDataset(Context().get(), request, &out);
  }

  grpc::Status Delete(const std::string& who, const std::string& id) {
    catalog::v1::DeleteDatasetRequest request;
    request.set_id(id);
    catalog::v1::DeleteDatasetResponse out;
    return server_->Catalog(who)->DeleteDataset(Context().get(), request, &out);
  }

  Dataset AdminGet(const std::string& id) {
    catalog::v1::GetDatasetRequest request;
    request.set_id(id);
    Dataset out;
    EXPECT_TRUE(IsOk(
        server_->Catalog("admin")->GetDataset(Context().get(), request, &out)));
    return out;
  }

  std::unique_ptr<SecureServer> server_;
};

TEST_F(WriteRulesTest, ScopedStewardCreatesOnlyInItsDomain) {
  EXPECT_TRUE(
      IsOk(Create("steward", InDomain("bz-paspoorten", "Burgerzaken"))));
  EXPECT_TRUE(
      IsOk(Create("steward", InDomain("bz-rijbewijzen", "burgerzaken"))))
      << "domains match case-insensitively";
  EXPECT_TRUE(HasStatus(
      Create("steward", InDomain("sd-uitkeringen", "Sociaal domein")),
      StatusCode::PERMISSION_DENIED,
      "dataset.domain: principal \"steward\" may not change datasets of domain "
      "\"Sociaal domein\""));
}

TEST_F(WriteRulesTest, ScopedStewardUpdatesOnlyInItsDomain) {
  ASSERT_TRUE(
      IsOk(Create("admin", InDomain("sd-uitkeringen", "Sociaal domein"))));
  Dataset change;
  change.set_id("sd-uitkeringen");
  change.set_description("bijgewerkt");
  EXPECT_TRUE(HasStatus(Update("steward", change, {"description"}),
                        StatusCode::PERMISSION_DENIED, "dataset.domain"));
  EXPECT_EQ(AdminGet("sd-uitkeringen").description(), "");
}

TEST_F(WriteRulesTest, ScopedStewardCannotMoveADatasetOutOfItsDomain) {
  ASSERT_TRUE(
      IsOk(Create("steward", InDomain("bz-paspoorten", "Burgerzaken"))));
  Dataset change;
  change.set_id("bz-paspoorten");
  change.set_domain("Sociaal domein");
  EXPECT_TRUE(HasStatus(Update("steward", change, {"domain"}),
                        StatusCode::PERMISSION_DENIED, "\"Sociaal domein\""));
  EXPECT_EQ(AdminGet("bz-paspoorten").domain(), "Burgerzaken");
}

TEST_F(WriteRulesTest, ScopedStewardCannotMoveADatasetIntoItsDomain) {
  ASSERT_TRUE(
      IsOk(Create("admin", InDomain("sd-uitkeringen", "Sociaal domein"))));
  Dataset change;
  change.set_id("sd-uitkeringen");
  change.set_domain("Burgerzaken");
  EXPECT_TRUE(HasStatus(Update("steward", change, {"domain"}),
                        StatusCode::PERMISSION_DENIED, "\"Sociaal domein\""));
}

TEST_F(WriteRulesTest, StewardCannotChangeTheClassification) {
  ASSERT_TRUE(
      IsOk(Create("steward", InDomain("bz-paspoorten", "Burgerzaken"))));
  for (Confidentiality level : {catalog::v1::CONFIDENTIALITY_OPENBAAR,
                                catalog::v1::CONFIDENTIALITY_VERTROUWELIJK}) {
    Dataset change;
    change.set_id("bz-paspoorten");
    change.mutable_classification()->set_confidentiality(level);
    EXPECT_TRUE(HasStatus(Update("steward", change, {"classification"}),
                          StatusCode::PERMISSION_DENIED,
                          "needs the owner role"))
        << LevelName(level);
  }
  Dataset change;
  change.set_id("bz-paspoorten");
  change.mutable_classification()->set_confidentiality(
      catalog::v1::CONFIDENTIALITY_INTERN);
  change.mutable_classification()->set_availability(
      catalog::v1::BIV_LEVEL_HOOG);
  EXPECT_TRUE(HasStatus(Update("steward", change, {"classification"}),
                        StatusCode::PERMISSION_DENIED, "needs the owner role"))
      << "any part of the classification";
  EXPECT_EQ(AdminGet("bz-paspoorten").classification().confidentiality(),
            catalog::v1::CONFIDENTIALITY_INTERN);
}

TEST_F(WriteRulesTest, OwnerClassifiesUpToItsClearance) {
  ASSERT_TRUE(
      IsOk(Create(kOwnerPrincipal, InDomain("bz-paspoorten", "Burgerzaken"))));
  Dataset change;
  change.set_id("bz-paspoorten");
  change.mutable_classification()->set_confidentiality(
      catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
  EXPECT_TRUE(IsOk(Update(kOwnerPrincipal, change, {"classification"})));
  change.mutable_classification()->set_confidentiality(
      catalog::v1::CONFIDENTIALITY_GEHEIM);
  EXPECT_TRUE(HasStatus(
      Update(kOwnerPrincipal, change, {"classification"}),
      StatusCode::PERMISSION_DENIED,
      "dataset.classification.confidentiality: geheim is above the clearance "
      "of principal \"eigenaar\" (vertrouwelijk)"));
  EXPECT_EQ(AdminGet("bz-paspoorten").classification().confidentiality(),
            catalog::v1::CONFIDENTIALITY_VERTROUWELIJK);
}

TEST_F(WriteRulesTest, OwnerDeletesOnlyInItsDomain) {
  ASSERT_TRUE(
      IsOk(Create("admin", InDomain("sd-uitkeringen", "Sociaal domein"))));
  ASSERT_TRUE(IsOk(Create("admin", InDomain("bz-paspoorten", "Burgerzaken"))));
  EXPECT_TRUE(HasStatus(Delete(kOwnerPrincipal, "sd-uitkeringen"),
                        StatusCode::PERMISSION_DENIED, "dataset.domain"));
  EXPECT_TRUE(IsOk(Delete(kOwnerPrincipal, "bz-paspoorten")));
  EXPECT_EQ(AdminGet("sd-uitkeringen").id(), "sd-uitkeringen");
}

TEST_F(WriteRulesTest,
       UnscopedStewardWritesEveryDomainButNotAboveItsClearance) {
  EXPECT_TRUE(
      IsOk(Create("reader", InDomain("sd-uitkeringen", "Sociaal domein"))));
  EXPECT_TRUE(IsOk(Create("reader", InDomain("oo-cameras", "Openbare orde"))));
  EXPECT_TRUE(HasStatus(
      Create("reader", InDomain("oo-informanten", "Openbare orde",
                                catalog::v1::CONFIDENTIALITY_CONFIDENTIEEL)),
      StatusCode::PERMISSION_DENIED, "confidentieel is above the clearance"));
}

TEST_F(WriteRulesTest, AdminIgnoresDomainsAndClassifies) {
  ASSERT_TRUE(IsOk(
      Create("admin", InDomain("oo-informanten", "Openbare orde",
                               catalog::v1::CONFIDENTIALITY_ZEER_GEHEIM))));
  Dataset change;
  change.set_id("oo-informanten");
  change.mutable_classification()->set_confidentiality(
      catalog::v1::CONFIDENTIALITY_GEHEIM);
  EXPECT_TRUE(IsOk(Update("admin", change, {"classification"})));
  EXPECT_TRUE(IsOk(Delete("admin", "oo-informanten")));
}

TEST_F(WriteRulesTest, UpsertAppliesTheRulesPerItem) {
  ASSERT_TRUE(IsOk(Create("admin", InDomain("bz-paspoorten", "Burgerzaken"))));
  Dataset reclassified = InDomain("bz-paspoorten", "Burgerzaken",
                                  catalog::v1::CONFIDENTIALITY_OPENBAAR);
  std::vector<catalog::v1::UpsertDatasetsResponse> responses;
  ASSERT_TRUE(
      IsOk(Upsert(*server_->Catalog("steward"), Context().get(),
                  {{InDomain("bz-rijbewijzen", "Burgerzaken"),
                    InDomain("sd-uitkeringen", "Sociaal domein"), reclassified,
                    InDomain("bz-geheim", "Burgerzaken",
                             catalog::v1::CONFIDENTIALITY_GEHEIM)}},
                  &responses)));
  ASSERT_EQ(responses.size(), 1u);
  ASSERT_EQ(responses[0].results_size(), 4);
  EXPECT_EQ(responses[0].results(0).code(), 0)
      << responses[0].results(0).message();
  EXPECT_EQ(responses[0].results(1).code(), StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(responses[0].results(1).message(), HasSubstr("dataset.domain"));
  EXPECT_EQ(responses[0].results(2).code(), StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(responses[0].results(2).message(),
              HasSubstr("needs the owner role"));
  EXPECT_EQ(responses[0].results(3).code(), StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(responses[0].results(3).message(),
              HasSubstr("above the clearance"));
}

// Measurements are authorized from the store's in-memory facts (a bulk
// batch names many datasets): the same domain and clearance rules as the
// record, following every change of the dataset.
TEST_F(WriteRulesTest, MeasurementsFollowTheDomainAndClearanceOfTheDataset) {
  namespace v1 = catalog::v1;
  ASSERT_TRUE(IsOk(Create("admin", InDomain("bz-paspoorten", "burgerzaken"))));
  ASSERT_TRUE(IsOk(Create("admin", InDomain("sd-uitkeringen", "Sociaal domein"))));
  ASSERT_TRUE(IsOk(Create("admin", InDomain("bz-geheim", "Burgerzaken",
                                            v1::CONFIDENTIALITY_GEHEIM))));
  // Stream: one measurement per dataset, results in order.
  auto record = [&](const std::vector<std::string>& ids) {
    auto quality = v1::QualityService::NewStub(server_->Channel("steward"));
    auto context = Context();
    auto stream = quality->RecordMeasurements(context.get());
    v1::RecordMeasurementsRequest batch;
    for (const std::string& id : ids) {
      v1::Measurement* m = batch.add_measurements();
      m->set_dataset(id);
      m->set_dimension(v1::QUALITY_DIMENSION_JUISTHEID);
      m->set_score(90);
    }
    EXPECT_TRUE(stream->Write(batch));
    stream->WritesDone();
    v1::RecordMeasurementsResponse response;
    EXPECT_TRUE(stream->Read(&response));
    EXPECT_TRUE(IsOk(stream->Finish()));
    std::vector<std::string> outcomes;
    for (const v1::MeasurementResult& r : response.results()) {
      outcomes.push_back(r.code() == 0 ? "ok" : r.message());
    }
    return outcomes;
  };
  const std::string denied =
      "dataset.domain: principal \"steward\" may not change datasets of domain \"Sociaal "
      "domein\"";
  EXPECT_THAT(record({"bz-paspoorten", "sd-uitkeringen", "bz-geheim", "onbekend"}),
              ElementsAre("ok", denied, api::DatasetNotFoundError("bz-geheim").message(),
                          api::DatasetNotFoundError("onbekend").message()));
  // The admin moves one dataset into the steward's domain, declassifies
  // another and deletes the first: the next batch sees all three changes.
  Dataset moved = InDomain("sd-uitkeringen", "Burgerzaken");
  ASSERT_TRUE(IsOk(Update("admin", moved, {"domain"})));
  Dataset declassified = InDomain("bz-geheim", "Burgerzaken");
  ASSERT_TRUE(IsOk(Update("admin", declassified, {"classification"})));
  ASSERT_TRUE(IsOk(Delete("admin", "bz-paspoorten")));
  EXPECT_THAT(record({"bz-paspoorten", "sd-uitkeringen", "bz-geheim"}),
              ElementsAre(api::DatasetNotFoundError("bz-paspoorten").message(), "ok", "ok"));
}

TEST_F(WriteRulesTest, UnknownPrincipalIsDeniedEveryWrite) {
  EXPECT_TRUE(HasStatus(
      Create(kUnknownPrincipal, InDomain("bz-paspoorten", "Burgerzaken")),
      StatusCode::PERMISSION_DENIED,
      "principal \"onbekend\" is not known to the access policy"));
  std::vector<catalog::v1::UpsertDatasetsResponse> responses;
  EXPECT_TRUE(HasStatus(
      Upsert(*server_->Catalog(kUnknownPrincipal), Context().get(),
             {{InDomain("bz-paspoorten", "Burgerzaken")}}, &responses),
      StatusCode::PERMISSION_DENIED, "is not known to the access policy"));
  EXPECT_TRUE(responses.empty());
}

// ---- The processing log and the clearance ----

namespace v1 = catalog::v1;

// The matrix's callers of the accountability RPCs all hold zeer_geheim; here
// a privacy officer cleared for intern only. Datasets ii-intern (intern) and
// vv-geheim (geheim); activity a-intern logs at intern and uses both,
// a-geheim logs at geheim and uses ii-intern; one operation of one subject
// under each, in one trace; a delivery of each dataset to party cbs.
class ProcessingLogClearanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    using google::protobuf::util::TimeUtil;
    server_ = SecureServer::Start(PolicyToml({
        {kPrivacyPrincipal, "", {"privacy_officer"}, "intern", {}},
        {kApplicationPrincipal, "", {"application"}, "", {}},
        {"admin", "", {"admin"}, "zeer_geheim", {}},
    }));
    ASSERT_NE(server_, nullptr);
    for (const auto& [id, level] :
         {std::pair{"ii-intern", v1::CONFIDENTIALITY_INTERN},
          std::pair{"vv-geheim", v1::CONFIDENTIALITY_GEHEIM}}) {
      v1::CreateDatasetRequest request;
      *request.mutable_dataset() = DatasetAt(id, level);
      Dataset stored;
      ASSERT_TRUE(IsOk(server_->Catalog("admin")->CreateDataset(Context().get(), request, &stored)));
    }
    const absl::Time start = absl::Now() - absl::Minutes(1);
    // a-intern logs at intern and uses both datasets; a-geheim logs at geheim.
    for (const auto& [id, level] : {std::pair{"a-intern", v1::CONFIDENTIALITY_INTERN},
                                    std::pair{"a-geheim", v1::CONFIDENTIALITY_GEHEIM}}) {
      v1::CreateProcessingActivityRequest create;
      v1::ProcessingActivity* a = create.mutable_activity();
      a->set_id(id);
      a->set_title(absl::StrCat("Verwerking ", id));
      a->set_purpose("Uitvoering wettelijke taak");
      a->set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
      a->mutable_controller()->set_name("Gemeente Voorbeeldstad");
      a->set_retention_period("P7Y");
      a->set_log_confidentiality(level);
      a->add_datasets(api::DatasetName("ii-intern"));
      if (level == v1::CONFIDENTIALITY_INTERN) a->add_datasets(api::DatasetName("vv-geheim"));
      *a->mutable_valid_from() =
          TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(start - absl::Hours(1)));
      v1::ProcessingActivity created;
      ASSERT_TRUE(IsOk(v1::ProcessingService::NewStub(server_->Channel("admin"))
                           ->CreateProcessingActivity(Context().get(), create, &created)));
    }
    int span = 0;
    for (const char* id : {"a-intern", "a-geheim"}) {
      logboek::v1::ExportOperationsResponse response;
      ASSERT_TRUE(IsOk(server_->Logboek(kApplicationPrincipal)
                           ->Export(Context().get(),
                                    LogboekExport(api::ActivityName(id), bsn_, trace_,
                                                  std::string(7, '\0') + static_cast<char>(++span),
                                                  start),
                                    &response)));
    }
    // Deliveries of both datasets to one party.
    v1::CreatePartyRequest party;
    party.mutable_party()->set_id("cbs");
    party.mutable_party()->set_name("CBS");
    party.mutable_party()->set_kind(v1::PARTY_KIND_CBS);
    v1::ExternalParty stored_party;
    ASSERT_TRUE(
        IsOk(server_->Lineage("admin")->CreateParty(Context().get(), party, &stored_party)));
    for (const char* id : {"ii-intern", "vv-geheim"}) {
      v1::CreateEdgeRequest edge;
      edge.mutable_edge()->set_source(api::DatasetName(id));
      edge.mutable_edge()->set_target(api::PartyName("cbs"));
      edge.mutable_edge()->set_relation(v1::LINEAGE_RELATION_DELIVERY);
      edge.mutable_edge()->set_purpose("Statistiek");
      edge.mutable_edge()->set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
      v1::LineageEdge stored_edge;
      ASSERT_TRUE(IsOk(server_->Lineage("admin")->CreateEdge(Context().get(), edge, &stored_edge)));
    }
  }

  std::unique_ptr<SecureServer> server_;
  const std::string bsn_ = TestBsn(7);
  const std::string trace_ = std::string(16, '\x42');
};

// An operation whose activity logs above the caller's clearance is counted,
// never shown (inzage, trace, activity listing); a dataset above it is
// "hidden" in the account and its deliveries are left out. The admin sees
// everything.
TEST_F(ProcessingLogClearanceTest, RecordsAboveTheClearanceAreCountedNotShown) {
  for (const std::string who : {kPrivacyPrincipal, "admin"}) {
    SCOPED_TRACE(who);
    const bool cleared = who == "admin";
    const auto accountability = server_->Accountability(who);
    v1::GetSubjectAccountRequest inzage;
    inzage.set_data_subject_id(bsn_);
    inzage.set_data_subject_id_type("BSN");
    v1::SubjectAccount account;
    ASSERT_TRUE(IsOk(accountability->GetSubjectAccount(Context().get(), inzage, &account)));
    EXPECT_EQ(account.operation_count(), cleared ? 2 : 1);
    EXPECT_EQ(account.hidden_operations(), cleared ? 0 : 1);
    std::vector<std::string> activities, datasets;
    for (const v1::ActivityAccount& a : account.activities()) {
      activities.push_back(a.activity().id());
      if (a.activity().id() != "a-intern") continue;
      for (const v1::DatasetUse& d : a.datasets()) datasets.push_back(d.dataset());
    }
    std::sort(activities.begin(), activities.end());
    const std::vector<std::string> all_activities = {"a-geheim", "a-intern"};
    const std::vector<std::string> intern_activities = {"a-intern"};
    EXPECT_EQ(activities, cleared ? all_activities : intern_activities);
    EXPECT_THAT(datasets, ElementsAre("datasets/ii-intern",
                                      cleared ? "datasets/vv-geheim" : "hidden"));
    if (!cleared) {
      EXPECT_THAT(account.DebugString(), Not(HasSubstr("a-geheim")));
    }

    v1::GetTraceRequest get_trace;
    get_trace.set_trace_id(absl::BytesToHexString(trace_));
    v1::Trace got;
    ASSERT_TRUE(IsOk(accountability->GetTrace(Context().get(), get_trace, &got)));
    EXPECT_EQ(got.operations_size(), cleared ? 2 : 1);
    EXPECT_EQ(got.hidden_operations(), cleared ? 0 : 1);

    for (const char* id : {"a-intern", "a-geheim"}) {
      v1::ListActivityOperationsRequest request;
      request.set_activity(api::ActivityName(id));
      v1::ListActivityOperationsResponse response;
      ASSERT_TRUE(IsOk(accountability->ListActivityOperations(Context().get(), request, &response)));
      EXPECT_EQ(response.operations_size(), cleared || std::string(id) == "a-intern" ? 1 : 0)
          << id;
    }

    v1::ListDeliveriesResponse deliveries;
    ASSERT_TRUE(IsOk(accountability->ListDeliveries(Context().get(), v1::ListDeliveriesRequest(),
                                                    &deliveries)));
    std::vector<std::string> delivered;
    for (const v1::Delivery& d : deliveries.deliveries()) delivered.push_back(d.dataset());
    const std::vector<std::string> both = {"datasets/ii-intern", "datasets/vv-geheim"};
    const std::vector<std::string> intern_only = {"datasets/ii-intern"};
    EXPECT_EQ(delivered, cleared ? both : intern_only);
  }
}

// The register entry in an account is shown as every read of the register
// shows it (processing_register.cc, Present): a dataset above the caller's
// clearance is "hidden" in activity.datasets too, not only in the account's
// dataset list.
TEST_F(ProcessingLogClearanceTest, SubjectAccountNamesNoDatasetAboveTheClearance) {
  v1::GetSubjectAccountRequest inzage;
  inzage.set_data_subject_id(bsn_);
  inzage.set_data_subject_id_type("BSN");
  v1::SubjectAccount account;
  ASSERT_TRUE(IsOk(server_->Accountability(kPrivacyPrincipal)
                       ->GetSubjectAccount(Context().get(), inzage, &account)));
  ASSERT_EQ(account.activities_size(), 1);
  EXPECT_THAT(account.activities(0).activity().datasets(),
              ElementsAre("datasets/ii-intern", "hidden"));
  EXPECT_THAT(account.DebugString(), Not(HasSubstr("vv-geheim")))
      << "a dataset above the caller's clearance is never named";
}

// ---- Who a certificate names ----

// Grants by certificate SAN URI and by OU reach the caller end to end; the
// audit trail names the caller by CN.
TEST(CertificateIdentityTest, GrantsMatchSanUriAndOrganizationalUnit) {
  std::vector<PolicyGrant> grants = {
      {"spiffe://voorbeeldstad.nl/eigenaar", "", {"auditor"}, "intern", {}},
      {"", "afnemers", {"reader"}, "intern", {}},
      {"admin", "", {"admin"}, "zeer_geheim", {}},
  };
  std::unique_ptr<SecureServer> server =
      SecureServer::Start(PolicyToml(grants));
  ASSERT_NE(server, nullptr);
  catalog::v1::CreateDatasetRequest create;
  *create.mutable_dataset() =
      DatasetAt("aa-intern", catalog::v1::CONFIDENTIALITY_INTERN);
  Dataset stored;
  ASSERT_TRUE(IsOk(server->Catalog("admin")->CreateDataset(Context().get(),
                                                           create, &stored)));

  catalog::v1::GetDatasetRequest get;
  get.set_id("aa-intern");
  Dataset out;
  EXPECT_TRUE(IsOk(server->Catalog("reader")->GetDataset(
      CallContext("door-ou").get(), get, &out)))
      << "reader through its OU afnemers";
  EXPECT_TRUE(HasStatus(
      server->Catalog("steward")->GetDataset(Context().get(), get, &out),
      StatusCode::PERMISSION_DENIED, "principal \"steward\" is not known"))
      << "no grant names the steward";

  std::vector<catalog::v1::AuditEvent> events;
  catalog::v1::ListAuditEventsRequest filter;
  filter.set_principal(kOwnerPrincipal);  // The CN, though granted by SAN.
  ASSERT_TRUE(
      IsOk(ListAllEvents(*server->Audit(kOwnerPrincipal), filter, &events)))
      << "eigenaar is an auditor through its SAN URI";
  // A synced write after the reads: their queued entries are on disk now.
  *create.mutable_dataset() =
      DatasetAt("zz-barrier", catalog::v1::CONFIDENTIALITY_OPENBAAR);
  ASSERT_TRUE(IsOk(server->Catalog("admin")->CreateDataset(Context().get(),
                                                           create, &stored)));
  catalog::v1::ListAuditEventsRequest by_request;
  by_request.set_principal("reader");
  events.clear();
  ASSERT_TRUE(IsOk(
      ListAllEvents(*server->Audit(kOwnerPrincipal), by_request, &events)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].request_id(), "door-ou");
}

}  // namespace
}  // namespace catalog::testing
