// The audit trail: every call, allowed or denied, appends exactly one entry
// saying who, what, on which resources, why, with which outcome and request
// id; mutations are audited in the same write as their change; the trail
// can be filtered and paged; and an entry altered directly in RocksDB makes
// both VerifyAuditTrail and `catalogd check` fail at that sequence.
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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
#include "server/core/subject_key.h"
#include "server/security/authorization.h"
#include "storage/audit_chain.h"
#include "storage/catalog_store.h"
#include "storage/column_families.h"
#include "storage/key_codec.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/security/security_support.h"

namespace catalog::testing {
namespace {

using catalog::v1::AuditEvent;
using catalog::v1::Dataset;
using catalog::v1::ListAuditEventsRequest;
using google::protobuf::util::TimeUtil;
using grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;
namespace method = server::method;

// Output and exit status of a command.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

CommandResult CatalogdCheck(const std::string& data_dir) {
  return RunCommand(absl::StrCat("'", BinDir(), "/catalogd' check --data-dir '",
                                 data_dir, "'"));
}

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = SecureServer::Start(PolicyToml(SuiteGrants()));
    ASSERT_NE(server_, nullptr);
    intern_ = CreateAs(
        "admin", DatasetAt("aa-intern", catalog::v1::CONFIDENTIALITY_INTERN),
        "setup-1");
    CreateAs("admin",
             DatasetAt("bb-geheim", catalog::v1::CONFIDENTIALITY_GEHEIM),
             "setup-2");
  }

  Dataset CreateAs(const std::string& who, const Dataset& dataset,
                   const std::string& rid = "",
                   grpc::Status* status_out = nullptr) {
    catalog::v1::CreateDatasetRequest request;
    *request.mutable_dataset() = dataset;
    Dataset stored;
    grpc::Status status = server_->Catalog(who)->CreateDataset(
        CallContext(rid).get(), request, &stored);
    if (status_out != nullptr) {
      *status_out = status;
    } else {
      EXPECT_TRUE(IsOk(status)) << "creating " << dataset.id() << " as " << who;
    }
    return stored;
  }

  grpc::Status Get(const std::string& who, const std::string& id,
                   const std::string& rid = "",
                   const std::string& purpose = "") {
    catalog::v1::GetDatasetRequest request;
    request.set_id(id);
    Dataset out;
    return server_->Catalog(who)->GetDataset(CallContext(rid, purpose).get(),
                                             request, &out);
  }

  // Every entry queued before it returns is on disk once a synced write
  // after it has committed: the committer writes in queue order.
  void Barrier() {
    CreateAs("admin",
             DatasetAt(absl::StrCat("barrier-", barriers_++),
                       catalog::v1::CONFIDENTIALITY_OPENBAAR),
             "barrier");
  }

  std::vector<AuditEvent> Events(ListAuditEventsRequest request) {
    std::vector<AuditEvent> events;
    EXPECT_TRUE(
        IsOk(ListAllEvents(*server_->Audit("auditor"), request, &events)));
    return events;
  }

  std::unique_ptr<SecureServer> server_;
  Dataset intern_;
  int barriers_ = 0;
};

// ---- One entry per call ----

struct ExpectedEntry {
  std::string principal;
  std::string method;
  int code;
  std::vector<std::string> resources;
  std::string purpose;
  int count = 1;
  bool check_resources = true;
};

TEST_F(AuditTest, EveryCallAllowedOrDeniedAppendsExactlyOneEntry) {
  std::map<std::string, ExpectedEntry> expected;
  auto expect = [&](const std::string& rid, const grpc::Status& status,
                    ExpectedEntry entry) {
    EXPECT_EQ(status.error_code(), entry.code)
        << rid << ": " << status.error_message();
    expected[rid] = std::move(entry);
  };
  const std::string name_cc = api::DatasetName("cc-nieuw");
  const absl::Time start = absl::Now();

  grpc::Status status;
  CreateAs("steward",
           DatasetAt("cc-nieuw", catalog::v1::CONFIDENTIALITY_INTERN),
           "r-create-ok", &status);
  expect("r-create-ok", status,
         {"steward", method::kCreateDataset, 0, {name_cc}, ""});
  CreateAs("reader", DatasetAt("dd-nieuw", catalog::v1::CONFIDENTIALITY_INTERN),
           "r-create-denied", &status);
  expect("r-create-denied", status,
         {"reader", method::kCreateDataset, 7, {"datasets/dd-nieuw"}, ""});
  CreateAs("steward",
           DatasetAt("cc-nieuw", catalog::v1::CONFIDENTIALITY_INTERN),
           "r-create-dup", &status);
  expect("r-create-dup", status,
         {"steward", method::kCreateDataset, 6, {name_cc}, ""});

  expect("r-get-ok",
         Get("reader", "aa-intern", "r-get-ok", "controle op juistheid"),
         {"reader",
          method::kGetDataset,
          0,
          {"datasets/aa-intern"},
          "controle op juistheid"});
  expect("r-get-hidden", Get("reader", "bb-geheim", "r-get-hidden"),
         {"reader", method::kGetDataset, 5, {"datasets/bb-geheim"}, ""});
  expect("r-get-missing", Get("reader", "zz-weg", "r-get-missing", "zoeken"),
         {"reader", method::kGetDataset, 5, {"datasets/zz-weg"}, "zoeken"});
  expect("r-get-invalid", Get("reader", "Geen Id!", "r-get-invalid"),
         {"reader", method::kGetDataset, 3, {}, ""});
  expect("r-get-unknown",
         Get(kUnknownPrincipal, "aa-intern", "r-get-unknown", "nieuwsgierig"),
         {kUnknownPrincipal,
          method::kGetDataset,
          7,
          {"datasets/aa-intern"},
          "nieuwsgierig"});

  {
    catalog::v1::UpdateDatasetRequest request;
    request.mutable_dataset()->set_id("cc-nieuw");
    request.mutable_dataset()->set_description("bijgewerkt");
    request.mutable_update_mask()->add_paths("description");
    Dataset out;
    expect("r-update-ok",
           server_->Catalog("steward")->UpdateDataset(
               CallContext("r-update-ok").get(), request, &out),
           {"steward", method::kUpdateDataset, 0, {name_cc}, ""});
    request.mutable_dataset()->set_etag("1");
    expect("r-update-stale",
           server_->Catalog("steward")->UpdateDataset(
               CallContext("r-update-stale").get(), request, &out),
           {"steward", method::kUpdateDataset, 10, {name_cc}, ""});
  }
  {
    catalog::v1::DeleteDatasetRequest request;
    request.set_id("cc-nieuw");
    catalog::v1::DeleteDatasetResponse out;
    expect("r-delete-denied",
           server_->Catalog("steward")->DeleteDataset(
               CallContext("r-delete-denied").get(), request, &out),
           {"steward", method::kDeleteDataset, 7, {name_cc}, ""});
    expect(
        "r-delete-ok",
        server_->Catalog(kOwnerPrincipal)
            ->DeleteDataset(CallContext("r-delete-ok", "opschonen").get(),
                            request, &out),
        {kOwnerPrincipal, method::kDeleteDataset, 0, {name_cc}, "opschonen"});
  }
  {
    catalog::v1::ListDatasetsResponse out;
    expect("r-list",
           server_->Catalog("reader")->ListDatasets(
               CallContext("r-list", "overzicht").get(),
               catalog::v1::ListDatasetsRequest(), &out),
           {"reader", method::kListDatasets, 0, {}, "overzicht"});
    catalog::v1::ListDatasetRevisionsRequest request;
    request.set_id("aa-intern");
    catalog::v1::ListDatasetRevisionsResponse history;
    expect("r-history",
           server_->Catalog("reader")->ListDatasetRevisions(
               CallContext("r-history").get(), request, &history),
           {"reader",
            method::kListDatasetRevisions,
            0,
            {"datasets/aa-intern"},
            ""});
  }
  {
    std::vector<catalog::v1::UpsertDatasetsResponse> responses;
    // Two batches: two changes, each with its own entry.
    expect("r-upsert",
           Upsert(*server_->Catalog("steward"),
                  CallContext("r-upsert", "migratie").get(),
                  {{DatasetAt("ee-bulk", catalog::v1::CONFIDENTIALITY_INTERN)},
                   {DatasetAt("ff-bulk", catalog::v1::CONFIDENTIALITY_INTERN),
                    DatasetAt("fg-bulk", catalog::v1::CONFIDENTIALITY_INTERN)}},
                  &responses),
           {"steward", method::kUpsertDatasets, 0, {}, "migratie", 2, false});
    EXPECT_EQ(responses.size(), 2u);
    responses.clear();
    expect("r-upsert-denied",
           Upsert(*server_->Catalog("reader"),
                  CallContext("r-upsert-denied").get(),
                  {{DatasetAt("gg-bulk", catalog::v1::CONFIDENTIALITY_INTERN)}},
                  &responses),
           // Refused before the stream's first message was read.
           {"reader", method::kUpsertDatasets, 7, {}, ""});
  }
  {
    catalog::v1::ListAuditEventsResponse events;
    expect("r-audit-list",
           server_->Audit("auditor")->ListAuditEvents(
               CallContext("r-audit-list").get(), ListAuditEventsRequest(),
               &events),
           {"auditor", method::kListAuditEvents, 0, {}, ""});
    expect("r-audit-list-denied",
           server_->Audit("reader")->ListAuditEvents(
               CallContext("r-audit-list-denied").get(),
               ListAuditEventsRequest(), &events),
           {"reader", method::kListAuditEvents, 7, {}, ""});
    catalog::v1::VerifyAuditTrailResponse verified;
    expect("r-verify",
           server_->Audit("admin")->VerifyAuditTrail(
               CallContext("r-verify").get(),
               catalog::v1::VerifyAuditTrailRequest(), &verified),
           {"admin", method::kVerifyAuditTrail, 0, {}, ""});
  }
  // A request id that is not plain is replaced by a generated one.
  EXPECT_TRUE(
      IsOk(Get("admin", "aa-intern", "niet veilig/ja", "gegenereerd id")));
  const absl::Time end = absl::Now();

  server_->Stop();  // Everything queued is on disk now.
  const std::vector<storage::AuditEntry> trail = ReadTrail(server_->data_dir());
  std::map<std::string, std::vector<storage::AuditEntry>> by_rid;
  for (size_t i = 0; i < trail.size(); ++i) {
    EXPECT_EQ(trail[i].sequence(), i + 1) << "the trail has no gaps";
    by_rid[trail[i].request_id()].push_back(trail[i]);
  }
  int total = 2;  // The two datasets created in SetUp.
  for (const auto& [rid, want] : expected) {
    SCOPED_TRACE(rid);
    const std::vector<storage::AuditEntry>& entries = by_rid[rid];
    ASSERT_EQ(entries.size(), static_cast<size_t>(want.count));
    total += want.count;
    for (const storage::AuditEntry& entry : entries) {
      EXPECT_EQ(entry.principal(), want.principal);
      EXPECT_EQ(entry.method(), want.method);
      EXPECT_EQ(entry.code(), want.code);
      EXPECT_EQ(entry.purpose(), want.purpose);
      if (want.check_resources) {
        EXPECT_THAT(entry.resources(), ElementsAreArray(want.resources));
      }
      EXPECT_THAT(entry.peer(), StartsWith("ipv4:127.0.0.1:"));
      EXPECT_GE(entry.time_micros(), absl::ToUnixMicros(start));
      EXPECT_LE(entry.time_micros(), absl::ToUnixMicros(end));
      EXPECT_EQ(entry.hash().size(), storage::kAuditHashSize);
    }
  }
  // The two Upsert batches name their own datasets.
  ASSERT_EQ(by_rid["r-upsert"].size(), 2u);
  EXPECT_THAT(by_rid["r-upsert"][0].resources(),
              ElementsAre("datasets/ee-bulk"));
  EXPECT_THAT(by_rid["r-upsert"][1].resources(),
              ElementsAre("datasets/ff-bulk", "datasets/fg-bulk"));

  // The call with an unsafe request id got a generated one.
  std::vector<storage::AuditEntry> generated;
  for (const storage::AuditEntry& entry : trail) {
    if (entry.purpose() == "gegenereerd id") generated.push_back(entry);
  }
  ASSERT_EQ(generated.size(), 1u);
  EXPECT_THAT(generated[0].request_id(), MatchesRegex("[0-9a-f]{16}"));
  total += 1;

  EXPECT_EQ(trail.size(), static_cast<size_t>(total))
      << "no call left more than its entries";
}

// The trail says not only that a call was refused, but of which dataset.
TEST_F(AuditTest, DeniedCallsRecordTheResourceTheyAimedAt) {
  EXPECT_EQ(Get(kUnknownPrincipal, "aa-intern", "r-denied-get").error_code(),
            StatusCode::PERMISSION_DENIED);
  catalog::v1::DeleteDatasetRequest request;
  request.set_id("aa-intern");
  catalog::v1::DeleteDatasetResponse out;
  EXPECT_EQ(
      server_->Catalog("steward")
          ->DeleteDataset(CallContext("r-denied-delete").get(), request, &out)
          .error_code(),
      StatusCode::PERMISSION_DENIED);
  server_->Stop();
  int denied = 0;
  for (const storage::AuditEntry& entry : ReadTrail(server_->data_dir())) {
    if (absl::StartsWith(entry.request_id(), "r-denied-")) {
      ++denied;
      EXPECT_EQ(entry.code(), StatusCode::PERMISSION_DENIED);
      EXPECT_THAT(entry.resources(), ElementsAre("datasets/aa-intern"))
          << entry.request_id();
    }
  }
  EXPECT_EQ(denied, 2);
}

// Regression: a batch's audit entry used to name only the items that passed
// planning, so a steward probing a hidden id left no trace of which id.
TEST_F(AuditTest, UpsertEntryNamesRefusedItemsToo) {
  std::vector<catalog::v1::UpsertDatasetsResponse> responses;
  ASSERT_TRUE(IsOk(
      Upsert(*server_->Catalog("steward"), CallContext("r-probe").get(),
             {{DatasetAt("bb-geheim", catalog::v1::CONFIDENTIALITY_INTERN)}},
             &responses)));
  server_->Stop();
  int probes = 0;
  for (const storage::AuditEntry& entry : ReadTrail(server_->data_dir())) {
    if (entry.request_id() == "r-probe") {
      ++probes;
      EXPECT_THAT(entry.resources(), ElementsAre("datasets/bb-geheim"));
    }
  }
  EXPECT_EQ(probes, 1);
}

TEST_F(AuditTest, EveryChangeHasItsEntryFromTheSameWrite) {
  Dataset change;
  change.set_id("aa-intern");
  change.set_description("eerste wijziging");
  catalog::v1::UpdateDatasetRequest update;
  *update.mutable_dataset() = change;
  update.mutable_update_mask()->add_paths("description");
  Dataset out;
  ASSERT_TRUE(IsOk(server_->Catalog("steward")->UpdateDataset(Context().get(),
                                                              update, &out)));
  std::vector<catalog::v1::UpsertDatasetsResponse> responses;
  Dataset bulk = DatasetAt("aa-intern", catalog::v1::CONFIDENTIALITY_INTERN);
  bulk.set_description("tweede wijziging");
  ASSERT_TRUE(IsOk(Upsert(*server_->Catalog(kOwnerPrincipal), Context().get(),
                          {{bulk}}, &responses)));
  catalog::v1::DeleteDatasetRequest remove;
  remove.set_id("aa-intern");
  catalog::v1::DeleteDatasetResponse removed;
  ASSERT_TRUE(IsOk(server_->Catalog("admin")->DeleteDataset(Context().get(),
                                                            remove, &removed)));

  catalog::v1::ListDatasetRevisionsRequest request;
  request.set_id("aa-intern");
  catalog::v1::ListDatasetRevisionsResponse history;
  ASSERT_TRUE(IsOk(server_->Catalog("admin")->ListDatasetRevisions(
      Context().get(), request, &history)));
  ASSERT_EQ(history.revisions_size(), 4);  // create, update, upsert, delete

  ListAuditEventsRequest filter;
  filter.set_resource("datasets/aa-intern");
  filter.set_code(0);
  filter.set_oldest_first(true);
  std::vector<AuditEvent> events = Events(filter);
  // Every revision has the entry of its call: same principal, same time
  // (the write context and the entry share the call's clock).
  for (const catalog::v1::DatasetRevision& revision : history.revisions()) {
    SCOPED_TRACE(revision.revision());
    const int64_t micros =
        TimeUtil::TimestampToMicroseconds(revision.change_time());
    std::vector<std::string> methods;
    switch (revision.kind()) {
      case catalog::v1::CHANGE_KIND_CREATE:
        methods = {method::kCreateDataset, method::kUpsertDatasets};
        break;
      case catalog::v1::CHANGE_KIND_UPDATE:
        methods = {method::kUpdateDataset, method::kUpsertDatasets};
        break;
      default:
        methods = {method::kDeleteDataset};
    }
    const auto found =
        std::find_if(events.begin(), events.end(), [&](const AuditEvent& e) {
          return TimeUtil::TimestampToMicroseconds(e.time()) == micros &&
                 e.principal() == revision.principal() &&
                 std::find(methods.begin(), methods.end(), e.method()) !=
                     methods.end();
        });
    EXPECT_NE(found, events.end())
        << "no audit entry for " << revision.ShortDebugString();
  }
  EXPECT_EQ(history.revisions(0).principal(), "admin");
  EXPECT_EQ(history.revisions(1).principal(), kOwnerPrincipal);
  EXPECT_EQ(history.revisions(2).principal(), "steward");
  const int mutations = static_cast<int>(
      std::count_if(events.begin(), events.end(), [](const AuditEvent& e) {
        return e.method() != method::kListDatasetRevisions;
      }));
  EXPECT_EQ(mutations, 4) << "one entry per change, none for anything else";
}

TEST_F(AuditTest, UnknownPrincipalIsDeniedEveryRpcAndAudited) {
  auto catalog_stub = server_->Catalog(kUnknownPrincipal);
  auto audit_stub = server_->Audit(kUnknownPrincipal);
  Dataset out;
  std::vector<grpc::Status> statuses;
  {
    catalog::v1::CreateDatasetRequest request;
    *request.mutable_dataset() =
        DatasetAt("xx-onbekend", catalog::v1::CONFIDENTIALITY_OPENBAAR);
    statuses.push_back(
        catalog_stub->CreateDataset(Context().get(), request, &out));
  }
  statuses.push_back(Get(kUnknownPrincipal, "aa-intern"));
  {
    catalog::v1::UpdateDatasetRequest request;
    request.mutable_dataset()->set_id("aa-intern");
    statuses.push_back(
        catalog_stub->UpdateDataset(Context().get(), request, &out));
  }
  {
    catalog::v1::DeleteDatasetRequest request;
    request.set_id("aa-intern");
    catalog::v1::DeleteDatasetResponse response;
    statuses.push_back(
        catalog_stub->DeleteDataset(Context().get(), request, &response));
  }
  {
    catalog::v1::ListDatasetsResponse response;
    statuses.push_back(catalog_stub->ListDatasets(
        Context().get(), catalog::v1::ListDatasetsRequest(), &response));
  }
  {
    catalog::v1::ListDatasetRevisionsRequest request;
    request.set_id("aa-intern");
    catalog::v1::ListDatasetRevisionsResponse response;
    statuses.push_back(catalog_stub->ListDatasetRevisions(Context().get(),
                                                          request, &response));
  }
  {
    std::vector<catalog::v1::UpsertDatasetsResponse> responses;
    statuses.push_back(Upsert(
        *catalog_stub, Context().get(),
        {{DatasetAt("xx-onbekend", catalog::v1::CONFIDENTIALITY_OPENBAAR)}},
        &responses));
  }
  {
    catalog::v1::ListAuditEventsResponse response;
    statuses.push_back(audit_stub->ListAuditEvents(
        Context().get(), ListAuditEventsRequest(), &response));
    catalog::v1::VerifyAuditTrailResponse verified;
    statuses.push_back(audit_stub->VerifyAuditTrail(
        Context().get(), catalog::v1::VerifyAuditTrailRequest(), &verified));
  }
  {
    namespace v1 = catalog::v1;
    using Stub = v1::LineageService::Stub;
    auto lineage = server_->Lineage(kUnknownPrincipal);
    auto call = [&](auto method, auto request, auto response) {
      statuses.push_back(((*lineage).*method)(Context().get(), request, &response));
    };
    call(&Stub::CreateParty, v1::CreatePartyRequest(), v1::ExternalParty());
    call(&Stub::GetParty, v1::GetPartyRequest(), v1::ExternalParty());
    call(&Stub::ListParties, v1::ListPartiesRequest(), v1::ListPartiesResponse());
    call(&Stub::DeleteParty, v1::DeletePartyRequest(), v1::DeletePartyResponse());
    call(&Stub::CreateEdge, v1::CreateEdgeRequest(), v1::LineageEdge());
    call(&Stub::GetEdge, v1::GetEdgeRequest(), v1::LineageEdge());
    call(&Stub::ListEdges, v1::ListEdgesRequest(), v1::ListEdgesResponse());
    call(&Stub::DeleteEdge, v1::DeleteEdgeRequest(), v1::DeleteEdgeResponse());
    call(&Stub::GetLineage, v1::GetLineageRequest(), v1::GetLineageResponse());
    call(&Stub::AnalyzeImpact, v1::AnalyzeImpactRequest(), v1::AnalyzeImpactResponse());
    call(&Stub::ListLineageFindings, v1::ListLineageFindingsRequest(),
         v1::ListLineageFindingsResponse());
    call(&Stub::IngestOpenLineage, v1::IngestOpenLineageRequest(),
         v1::IngestOpenLineageResponse());
  }
  {
    namespace v1 = catalog::v1;
    using Stub = v1::TerugmeldingService::Stub;
    auto reports = v1::TerugmeldingService::NewStub(server_->Channel(kUnknownPrincipal));
    auto call = [&](auto method, auto request, auto response) {
      statuses.push_back(((*reports).*method)(Context().get(), request, &response));
    };
    call(&Stub::FileTerugmelding, v1::FileTerugmeldingRequest(), v1::Terugmelding());
    call(&Stub::GetTerugmelding, v1::GetTerugmeldingRequest(), v1::Terugmelding());
    call(&Stub::ListTerugmeldingen, v1::ListTerugmeldingenRequest(),
         v1::ListTerugmeldingenResponse());
    call(&Stub::TransitionTerugmelding, v1::TransitionTerugmeldingRequest(),
         v1::Terugmelding());
    call(&Stub::ListMyTerugmeldingen, v1::ListMyTerugmeldingenRequest(),
         v1::ListTerugmeldingenResponse());
  }
  {
    namespace v1 = catalog::v1;
    using Stub = v1::QualityService::Stub;
    auto quality = v1::QualityService::NewStub(server_->Channel(kUnknownPrincipal));
    auto call = [&](auto method, auto request, auto response) {
      statuses.push_back(((*quality).*method)(Context().get(), request, &response));
    };
    call(&Stub::RecordMeasurement, v1::RecordMeasurementRequest(), v1::Measurement());
    call(&Stub::ListMeasurements, v1::ListMeasurementsRequest(), v1::ListMeasurementsResponse());
    call(&Stub::GetQualityReport, v1::GetQualityReportRequest(), v1::QualityReport());
    auto context = Context();
    auto stream = quality->RecordMeasurements(context.get());
    stream->WritesDone();
    statuses.push_back(stream->Finish());
  }
  {
    namespace v1 = catalog::v1;
    using Stub = v1::ProcessingService::Stub;
    auto processing = v1::ProcessingService::NewStub(server_->Channel(kUnknownPrincipal));
    auto call = [&](auto method, auto request, auto response) {
      statuses.push_back(((*processing).*method)(Context().get(), request, &response));
    };
    call(&Stub::CreateProcessingActivity, v1::CreateProcessingActivityRequest(),
         v1::ProcessingActivity());
    call(&Stub::GetProcessingActivity, v1::GetProcessingActivityRequest(),
         v1::ProcessingActivity());
    call(&Stub::ListProcessingActivities, v1::ListProcessingActivitiesRequest(),
         v1::ListProcessingActivitiesResponse());
    call(&Stub::UpdateProcessingActivity, v1::UpdateProcessingActivityRequest(),
         v1::ProcessingActivity());
    call(&Stub::ListProcessingActivityVersions, v1::ListProcessingActivityVersionsRequest(),
         v1::ListProcessingActivityVersionsResponse());
  }
  {
    namespace v1 = catalog::v1;
    v1::Landscape landscape;
    statuses.push_back(v1::LandscapeService::NewStub(server_->Channel(kUnknownPrincipal))
                           ->GetLandscape(Context().get(), v1::GetLandscapeRequest(), &landscape));
    v1::SearchDatasetsResponse found;
    statuses.push_back(v1::SearchService::NewStub(server_->Channel(kUnknownPrincipal))
                           ->SearchDatasets(Context().get(), v1::SearchDatasetsRequest(), &found));
  }
  {
    namespace v1 = catalog::v1;
    auto context = Context();
    auto watch = v1::ChangeFeedService::NewStub(server_->Channel(kUnknownPrincipal))
                     ->WatchChanges(context.get(), v1::WatchChangesRequest());
    v1::WatchChangesResponse response;
    EXPECT_FALSE(watch->Read(&response));
    statuses.push_back(watch->Finish());
    v1::ExportDcatResponse dcat;
    statuses.push_back(v1::InteropService::NewStub(server_->Channel(kUnknownPrincipal))
                           ->ExportDcat(Context().get(), v1::ExportDcatRequest(), &dcat));
  }
  {
    namespace v1 = catalog::v1;
    using Stub = v1::AccountabilityService::Stub;
    auto accountability = server_->Accountability(kUnknownPrincipal);
    auto call = [&](auto method, auto request, auto response) {
      statuses.push_back(((*accountability).*method)(Context().get(), request, &response));
    };
    call(&Stub::GetSubjectAccount, v1::GetSubjectAccountRequest(), v1::SubjectAccount());
    call(&Stub::ListActivityOperations, v1::ListActivityOperationsRequest(),
         v1::ListActivityOperationsResponse());
    call(&Stub::GetTrace, v1::GetTraceRequest(), v1::Trace());
    call(&Stub::ListDeliveries, v1::ListDeliveriesRequest(), v1::ListDeliveriesResponse());
    call(&Stub::PurgeExpiredOperations, v1::PurgeExpiredOperationsRequest(),
         v1::PurgeExpiredOperationsResponse());
  }
  {
    logboek::v1::ExportOperationsResponse logged;
    statuses.push_back(server_->Logboek(kUnknownPrincipal)
                           ->Export(Context().get(), logboek::v1::ExportOperationsRequest(),
                                    &logged));
    namespace otlp = opentelemetry::proto::collector::trace::v1;
    otlp::ExportTraceServiceResponse traced;
    statuses.push_back(otlp::TraceService::NewStub(server_->Channel(kUnknownPrincipal))
                           ->Export(Context().get(), otlp::ExportTraceServiceRequest(), &traced));
  }
  for (const grpc::Status& status : statuses) {
    EXPECT_TRUE(
        HasStatus(status, StatusCode::PERMISSION_DENIED,
                  "principal \"onbekend\" is not known to the access policy"));
  }
  Barrier();
  ListAuditEventsRequest filter;
  filter.set_principal(kUnknownPrincipal);
  filter.set_oldest_first(true);
  std::vector<AuditEvent> events = Events(filter);
  std::vector<std::string> methods;
  for (const AuditEvent& event : events) {
    methods.push_back(event.method());
    EXPECT_EQ(event.code(), StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(event.code_name(), "PERMISSION_DENIED");
  }
  std::vector<std::string> table;
  for (const server::MethodRule& rule : server::AuthorizationTable())
    table.push_back(rule.method);
  std::sort(methods.begin(), methods.end());
  std::sort(table.begin(), table.end());
  EXPECT_EQ(methods, table) << "one refusal per RPC, each audited once";
}

// ---- The processing log in the trail ----

// Inzage is audited like every call, but the data subject is named in the
// trail only by the keyed hash of its id: "data-subjects/" and the 64 hex
// digits of HMAC-SHA256 under the server's subject key (the same for every
// way of writing the id and its type). The BSN is in no audit entry, not in
// its stored bytes, not in what ListAuditEvents returns, and nowhere in the
// store. Also when the call is refused or the id is no BSN. The export that
// logged the operation is audited with the activity version.
TEST_F(AuditTest, SubjectAccountIsAuditedUnderTheKeyedHashOfTheSubjectOnly) {
  namespace v1 = catalog::v1;
  constexpr char kBsn[] = "999993653";
  constexpr char kNotABsn[] = "999993654";  // Fails the elfproef.
  // A register entry and one logged operation for the subject.
  v1::CreateProcessingActivityRequest create;
  v1::ProcessingActivity* activity = create.mutable_activity();
  activity->set_id("bijstand");
  activity->set_title("Bijstandsverlening");
  activity->set_purpose("Uitvoering Participatiewet");
  activity->set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  activity->mutable_controller()->set_name("Gemeente Voorbeeldstad");
  activity->set_retention_period("P7Y");
  activity->set_log_confidentiality(v1::CONFIDENTIALITY_INTERN);
  activity->add_datasets(api::DatasetName("aa-intern"));
  *activity->mutable_valid_from() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - absl::Hours(1)));
  v1::ProcessingActivity created;
  ASSERT_TRUE(IsOk(v1::ProcessingService::NewStub(server_->Channel("admin"))
                       ->CreateProcessingActivity(Context().get(), create, &created)));
  {
    logboek::v1::ExportOperationsResponse response;
    ASSERT_TRUE(IsOk(server_->Logboek(kApplicationPrincipal)
                         ->Export(CallContext("r-export").get(),
                                  LogboekExport(api::ActivityName("bijstand"), kBsn,
                                                std::string(16, '\x11'), std::string(8, '\x22'),
                                                absl::Now() - absl::Minutes(1)),
                                  &response)));
  }
  auto inzage = [&](const std::string& who, const std::string& rid, const std::string& id,
                    const std::string& type, v1::SubjectAccount* account) {
    v1::GetSubjectAccountRequest request;
    request.set_data_subject_id(id);
    request.set_data_subject_id_type(type);
    return server_->Accountability(who)->GetSubjectAccount(CallContext(rid).get(), request,
                                                           account);
  };
  v1::SubjectAccount account;
  ASSERT_TRUE(IsOk(inzage(kPrivacyPrincipal, "r-inzage", kBsn, "BSN", &account)));
  ASSERT_EQ(account.operation_count(), 1);
  ASSERT_EQ(account.activities_size(), 1);
  EXPECT_EQ(account.activities(0).activity().id(), "bijstand");
  EXPECT_THAT(account.DebugString(), Not(HasSubstr(kBsn)));
  // The same subject, written otherwise, by an auditor.
  v1::SubjectAccount again;
  ASSERT_TRUE(IsOk(inzage("auditor", "r-inzage-anders", absl::StrCat(" ", kBsn, " "), " bsn",
                          &again)));
  EXPECT_EQ(again.operation_count(), 1);
  v1::SubjectAccount none;
  EXPECT_EQ(inzage("reader", "r-inzage-geweigerd", kBsn, "BSN", &none).error_code(),
            StatusCode::PERMISSION_DENIED);
  const grpc::Status invalid = inzage(kPrivacyPrincipal, "r-inzage-ongeldig", kNotABsn, "BSN",
                                      &none);
  EXPECT_EQ(invalid.error_code(), StatusCode::INVALID_ARGUMENT) << invalid.error_message();
  EXPECT_THAT(invalid.error_message(), Not(HasSubstr(kNotABsn)));

  const std::string subject = absl::StrCat(
      "data-subjects/",
      absl::BytesToHexString(server::SubjectKey(kTestSubjectKey).Hash("BSN", kBsn)));
  ASSERT_THAT(subject, MatchesRegex("data-subjects/[0-9a-f]{64}"));

  // What an auditor finds by the subject's name in the trail.
  Barrier();
  ListAuditEventsRequest filter;
  filter.set_resource(subject);
  filter.set_oldest_first(true);
  const std::vector<AuditEvent> listed = Events(filter);
  std::vector<std::string> listed_rids;
  for (const AuditEvent& e : listed) {
    listed_rids.push_back(e.request_id());
    EXPECT_EQ(e.method(), method::kGetSubjectAccount);
    EXPECT_THAT(e.resources(), ElementsAre(subject));
    EXPECT_THAT(e.DebugString(), Not(HasSubstr(kBsn)));
  }
  EXPECT_THAT(listed_rids, ElementsAre("r-inzage", "r-inzage-anders"));
  {
    std::vector<AuditEvent> all;
    ASSERT_TRUE(IsOk(ListAllEvents(*server_->Audit("admin"), ListAuditEventsRequest(), &all)));
    for (const AuditEvent& e : all) {
      EXPECT_THAT(e.SerializeAsString(), Not(HasSubstr(kBsn))) << e.request_id();
      EXPECT_THAT(e.SerializeAsString(), Not(HasSubstr(kNotABsn))) << e.request_id();
    }
  }

  server_->Stop();
  std::map<std::string, storage::AuditEntry> by_rid;
  for (const storage::AuditEntry& entry : ReadTrail(server_->data_dir())) {
    // The entry, and the bytes the chain hashes and the store keeps.
    const std::string bytes = entry.SerializeAsString();
    EXPECT_THAT(bytes, Not(HasSubstr(kBsn))) << entry.ShortDebugString();
    EXPECT_THAT(bytes, Not(HasSubstr(kNotABsn))) << entry.ShortDebugString();
    EXPECT_THAT(entry.DebugString(), Not(HasSubstr(kBsn)));
    by_rid[entry.request_id()] = entry;
  }
  for (const char* rid : {"r-inzage", "r-inzage-anders"}) {
    SCOPED_TRACE(rid);
    ASSERT_EQ(by_rid.count(rid), 1u);
    EXPECT_EQ(by_rid[rid].method(), method::kGetSubjectAccount);
    EXPECT_EQ(by_rid[rid].code(), 0);
    EXPECT_THAT(by_rid[rid].resources(), ElementsAre(subject));
  }
  EXPECT_EQ(by_rid["r-inzage"].principal(), kPrivacyPrincipal);
  EXPECT_EQ(by_rid["r-inzage-anders"].principal(), "auditor");
  // Refused before the request was read: no subject at all.
  EXPECT_EQ(by_rid["r-inzage-geweigerd"].code(), StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(by_rid["r-inzage-geweigerd"].resources(), IsEmpty());
  // No BSN: whatever it names, it is a hash, not the id.
  EXPECT_EQ(by_rid["r-inzage-ongeldig"].code(), StatusCode::INVALID_ARGUMENT);
  for (const std::string& resource : by_rid["r-inzage-ongeldig"].resources()) {
    EXPECT_THAT(resource, MatchesRegex("data-subjects/[0-9a-f]{64}"));
    EXPECT_NE(resource, subject);
  }
  // The export names the register version it logged under.
  EXPECT_EQ(by_rid["r-export"].principal(), kApplicationPrincipal);
  EXPECT_EQ(by_rid["r-export"].method(), method::kLogboekExport);
  EXPECT_THAT(by_rid["r-export"].resources(), ElementsAre(created.version_name()));

  // Nowhere in the store: every column family, keys and values.
  storage::StoreOptions options;
  options.path = server_->data_dir();
  absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store =
      storage::CatalogStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  size_t records = 0;
  for (const storage::ColumnFamilySpec& cf : storage::kColumnFamilies) {
    std::unique_ptr<rocksdb::Iterator> it((*store)->RawDbForTesting()->NewIterator(
        rocksdb::ReadOptions(), (*store)->RawColumnFamilyForTesting(static_cast<int>(cf.id))));
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++records) {
      EXPECT_THAT(it->key().ToString(), Not(HasSubstr(kBsn))) << cf.name;
      EXPECT_THAT(it->value().ToString(), Not(HasSubstr(kBsn))) << cf.name;
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  EXPECT_GT(records, 0u);
  EXPECT_TRUE((*store)->Close().ok());
}

// ---- ListAuditEvents ----

class AuditListTest : public AuditTest {
 protected:
  void SetUp() override {
    AuditTest::SetUp();
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(IsOk(Get("reader", "aa-intern", "l-1", "doel een")));
    ASSERT_TRUE(IsOk(Get("steward", "aa-intern", "l-2")));
    absl::SleepFor(absl::Milliseconds(5));
    middle_ = absl::Now();
    absl::SleepFor(absl::Milliseconds(5));
    ASSERT_EQ(Get("reader", "bb-geheim", "l-3").error_code(),
              StatusCode::NOT_FOUND);
    ASSERT_EQ(Get(kUnknownPrincipal, "aa-intern", "l-4").error_code(),
              StatusCode::PERMISSION_DENIED);
    ASSERT_TRUE(IsOk(Get("reader", "aa-intern", "l-5")));
    Barrier();
  }

  static std::vector<std::string> Rids(const std::vector<AuditEvent>& events) {
    std::vector<std::string> rids;
    for (const AuditEvent& e : events) {
      if (absl::StartsWith(e.request_id(), "l-"))
        rids.push_back(e.request_id());
    }
    return rids;
  }

  absl::Time middle_;
};

TEST_F(AuditListTest, FiltersByPrincipal) {
  ListAuditEventsRequest request;
  request.set_principal("reader");
  request.set_oldest_first(true);
  const std::vector<AuditEvent> events = Events(request);
  EXPECT_THAT(Rids(events), ElementsAre("l-1", "l-3", "l-5"));
  for (const AuditEvent& e : events) EXPECT_EQ(e.principal(), "reader");
}

TEST_F(AuditListTest, FiltersByResource) {
  ListAuditEventsRequest request;
  request.set_resource("datasets/bb-geheim");
  request.set_oldest_first(true);
  const std::vector<AuditEvent> events = Events(request);
  ASSERT_EQ(events.size(), 2u);  // Created in SetUp, then the reader's attempt.
  EXPECT_EQ(events[0].request_id(), "setup-2");
  EXPECT_EQ(events[1].request_id(), "l-3");
  EXPECT_THAT(events[1].resources(), ElementsAre("datasets/bb-geheim"));
}

TEST_F(AuditListTest, FiltersByMethodFullOrShortName) {
  for (const char* name : {method::kGetDataset, "GetDataset"}) {
    ListAuditEventsRequest request;
    request.set_method(name);
    request.set_oldest_first(true);
    const std::vector<AuditEvent> events = Events(request);
    EXPECT_THAT(Rids(events), ElementsAre("l-1", "l-2", "l-3", "l-4", "l-5"))
        << name;
    for (const AuditEvent& e : events)
      EXPECT_EQ(e.method(), method::kGetDataset);
  }
  for (const char* name :
       {"Dataset", "getdataset", "CatalogService/GetDataset/"}) {
    ListAuditEventsRequest request;
    request.set_method(name);
    EXPECT_THAT(Events(request), IsEmpty()) << name;
  }
}

TEST_F(AuditListTest, FiltersByOutcome) {
  const std::pair<int, std::vector<std::string>> cases[] = {
      {0, {"l-1", "l-2", "l-5"}}, {5, {"l-3"}}, {7, {"l-4"}}};
  for (const auto& [code, rids] : cases) {
    ListAuditEventsRequest request;
    request.set_code(code);
    request.set_oldest_first(true);
    const std::vector<AuditEvent> events = Events(request);
    EXPECT_THAT(Rids(events), ElementsAreArray(rids)) << code;
    for (const AuditEvent& e : events) EXPECT_EQ(e.code(), code);
  }
  ListAuditEventsRequest request;
  request.set_code(5);
  EXPECT_EQ(Events(request).at(0).code_name(), "NOT_FOUND");
}

TEST_F(AuditListTest, FiltersByTimeRange) {
  ListAuditEventsRequest request;
  request.set_oldest_first(true);
  *request.mutable_start_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(middle_));
  EXPECT_THAT(Rids(Events(request)), ElementsAre("l-3", "l-4", "l-5"));
  request.clear_start_time();
  *request.mutable_end_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(middle_));
  EXPECT_THAT(Rids(Events(request)), ElementsAre("l-1", "l-2"));
  *request.mutable_start_time() = TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(middle_ - absl::Hours(1)));
  for (const AuditEvent& e : Events(request)) {
    EXPECT_LT(TimeUtil::TimestampToMicroseconds(e.time()),
              absl::ToUnixMicros(middle_));
  }
}

TEST_F(AuditListTest, FiltersCombine) {
  ListAuditEventsRequest request;
  request.set_principal("reader");
  request.set_code(0);
  request.set_resource("datasets/aa-intern");
  request.set_method("GetDataset");
  request.set_oldest_first(true);
  const std::vector<AuditEvent> events = Events(request);
  EXPECT_THAT(Rids(events), ElementsAre("l-1", "l-5"));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].purpose(), "doel een");
}

TEST_F(AuditListTest, NewestFirstByDefaultOldestFirstOnRequest) {
  ListAuditEventsRequest request;
  request.set_method("GetDataset");
  EXPECT_THAT(Rids(Events(request)),
              ElementsAre("l-5", "l-4", "l-3", "l-2", "l-1"));
  std::vector<AuditEvent> newest_first = Events(ListAuditEventsRequest());
  for (size_t i = 1; i < newest_first.size(); ++i) {
    EXPECT_GT(newest_first[i - 1].sequence(), newest_first[i].sequence());
  }
}

TEST_F(AuditListTest, PagesCoverEverythingOnceInOrder) {
  for (bool oldest_first : {true, false}) {
    SCOPED_TRACE(oldest_first ? "oldest first" : "newest first");
    ListAuditEventsRequest request;
    request.set_oldest_first(oldest_first);
    request.set_page_size(1000);
    catalog::v1::ListAuditEventsResponse all;
    ASSERT_TRUE(IsOk(server_->Audit("admin")->ListAuditEvents(Context().get(),
                                                              request, &all)));
    ASSERT_TRUE(all.next_page_token().empty());
    // The listing call itself is audited; page from before it.
    std::vector<int64_t> expected;
    for (const AuditEvent& e : all.events()) expected.push_back(e.sequence());

    request.set_page_size(2);
    if (!oldest_first) {
      // Newest first would start at the entries added meanwhile; bound it.
      *request.mutable_end_time() = TimeUtil::MicrosecondsToTimestamp(
          TimeUtil::TimestampToMicroseconds(all.events(0).time()) + 1);
    }
    std::vector<int64_t> paged;
    for (int pages = 0; pages < 1000; ++pages) {
      catalog::v1::ListAuditEventsResponse page;
      ASSERT_TRUE(IsOk(server_->Audit("admin")->ListAuditEvents(
          Context().get(), request, &page)));
      EXPECT_LE(page.events_size(), 2);
      for (const AuditEvent& e : page.events()) paged.push_back(e.sequence());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    if (oldest_first) paged.resize(std::min(paged.size(), expected.size()));
    EXPECT_EQ(paged, expected);
  }
}

TEST_F(AuditListTest, EventsCarryTheHashChain) {
  ListAuditEventsRequest request;
  request.set_oldest_first(true);
  const std::vector<AuditEvent> events = Events(request);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].sequence(), 1);
  EXPECT_EQ(events[0].prev_hash(), std::string(64, '0'));
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_THAT(events[i].hash(), MatchesRegex("[0-9a-f]{64}"));
    if (i > 0) {
      EXPECT_EQ(events[i].sequence(), events[i - 1].sequence() + 1);
      EXPECT_EQ(events[i].prev_hash(), events[i - 1].hash());
    }
  }
}

TEST_F(AuditListTest, BadRequestsAreRefused) {
  auto stub = server_->Audit("auditor");
  catalog::v1::ListAuditEventsResponse response;
  ListAuditEventsRequest request;
  request.set_page_size(-1);
  EXPECT_TRUE(
      HasStatus(stub->ListAuditEvents(Context().get(), request, &response),
                StatusCode::INVALID_ARGUMENT, "page_size"));
  request.set_page_size(1001);  // Above the maximum means the maximum (AIP-158).
  EXPECT_TRUE(IsOk(stub->ListAuditEvents(Context().get(), request, &response)));
  request.set_page_size(0);
  *request.mutable_start_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(middle_));
  *request.mutable_end_time() = request.start_time();
  EXPECT_TRUE(
      HasStatus(stub->ListAuditEvents(Context().get(), request, &response),
                StatusCode::INVALID_ARGUMENT, "end_time"));
  request = ListAuditEventsRequest();
  request.set_page_token("geen-token");
  EXPECT_TRUE(
      HasStatus(stub->ListAuditEvents(Context().get(), request, &response),
                StatusCode::INVALID_ARGUMENT, "page_token"));
  // A token of another query.
  request = ListAuditEventsRequest();
  request.set_page_size(1);
  ASSERT_TRUE(IsOk(stub->ListAuditEvents(Context().get(), request, &response)));
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_principal("reader");
  EXPECT_TRUE(
      HasStatus(stub->ListAuditEvents(Context().get(), request, &response),
                StatusCode::INVALID_ARGUMENT, "page_token"));
}

// ---- Verification and tampering ----

TEST_F(AuditTest, IntactTrailVerifiesAcrossRestarts) {
  ASSERT_TRUE(IsOk(Get("reader", "aa-intern")));
  catalog::v1::VerifyAuditTrailResponse verified;
  ASSERT_TRUE(IsOk(server_->Audit("auditor")->VerifyAuditTrail(
      Context().get(), catalog::v1::VerifyAuditTrailRequest(), &verified)));
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_GE(verified.entries(), 3);
  EXPECT_EQ(verified.first_broken_sequence(), 0);
  EXPECT_EQ(verified.problem(), "");

  server_->Stop();
  const size_t entries = ReadTrail(server_->data_dir()).size();
  const CommandResult check = CatalogdCheck(server_->data_dir());
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_THAT(check.output, HasSubstr("check passed"));

  server_->Restart();
  ASSERT_TRUE(server_->running());
  ASSERT_TRUE(IsOk(Get("reader", "aa-intern", "na-herstart")));
  Barrier();
  ASSERT_TRUE(IsOk(server_->Audit("auditor")->VerifyAuditTrail(
      Context().get(), catalog::v1::VerifyAuditTrailRequest(), &verified)));
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_GE(verified.entries(), static_cast<int64_t>(entries) + 2)
      << "the trail continues";
}

class AuditTamperTest : public AuditTest {
 protected:
  // Runs some calls, stops the server and returns the sequence of the
  // entry of request "doelwit".
  uint64_t TargetSequence() {
    EXPECT_TRUE(IsOk(Get("reader", "aa-intern", "voor")));
    EXPECT_TRUE(IsOk(Get("reader", "aa-intern", "doelwit", "inzage")));
    EXPECT_TRUE(IsOk(Get("steward", "aa-intern", "na")));
    Barrier();
    server_->Stop();
    for (const storage::AuditEntry& entry : ReadTrail(server_->data_dir())) {
      if (entry.request_id() == "doelwit") return entry.sequence();
    }
    ADD_FAILURE() << "no entry for request doelwit";
    return 0;
  }

  // Rewrites entry `sequence` in place through the store's test hook.
  void Tamper(uint64_t sequence,
              const std::function<void(storage::AuditEntry*)>& change) {
    storage::StoreOptions options;
    options.path = server_->data_dir();
    absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store =
        storage::CatalogStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    rocksdb::DB* db = (*store)->RawDbForTesting();
    rocksdb::ColumnFamilyHandle* audit = (*store)->RawColumnFamilyForTesting(
        static_cast<int>(storage::Cf::kAudit));
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), audit,
                        storage::AuditKey(sequence), &value)
                    .ok());
    storage::AuditEntry entry;
    ASSERT_TRUE(entry.ParseFromString(value));
    change(&entry);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), audit,
                        storage::AuditKey(sequence), entry.SerializeAsString())
                    .ok());
    ASSERT_TRUE((*store)->Close().ok());
  }

  catalog::v1::VerifyAuditTrailResponse VerifyAfterRestart() {
    server_->Restart();
    catalog::v1::VerifyAuditTrailResponse verified;
    EXPECT_TRUE(server_->running());
    if (!server_->running()) return verified;
    EXPECT_TRUE(IsOk(server_->Audit("auditor")->VerifyAuditTrail(
        Context().get(), catalog::v1::VerifyAuditTrailRequest(), &verified)));
    return verified;
  }
};

TEST_F(AuditTamperTest, AlteredPrincipalIsFoundByCheckAndVerify) {
  const uint64_t target = TargetSequence();
  ASSERT_GT(target, 0u);
  const CommandResult before = CatalogdCheck(server_->data_dir());
  ASSERT_EQ(before.exit_code, 0) << before.output;

  Tamper(target, [](storage::AuditEntry* entry) {
    ASSERT_EQ(entry->principal(), "reader");
    entry->set_principal("steward");
  });

  const CommandResult check = CatalogdCheck(server_->data_dir());
  EXPECT_NE(check.exit_code, 0) << check.output;
  EXPECT_THAT(
      check.output,
      HasSubstr(absl::StrCat("audit trail broken at sequence ", target, ":")));
  EXPECT_THAT(check.output, HasSubstr("check FAILED"));

  const catalog::v1::VerifyAuditTrailResponse verified = VerifyAfterRestart();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), static_cast<int64_t>(target));
  EXPECT_THAT(verified.problem(), HasSubstr("altered"));
}

TEST_F(AuditTamperTest, AlteredEntryWithRecomputedHashIsFoundAtTheNextEntry) {
  const uint64_t target = TargetSequence();
  ASSERT_GT(target, 0u);
  Tamper(target, [](storage::AuditEntry* entry) {
    entry->set_purpose("iets anders");
    entry->set_hash(storage::AuditEntryHash(entry->prev_hash(), *entry));
  });
  const CommandResult check = CatalogdCheck(server_->data_dir());
  EXPECT_NE(check.exit_code, 0) << check.output;
  EXPECT_THAT(check.output,
              HasSubstr(absl::StrCat("audit trail broken at sequence ",
                                     target + 1, ":")));
  const catalog::v1::VerifyAuditTrailResponse verified = VerifyAfterRestart();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), static_cast<int64_t>(target + 1));
  EXPECT_THAT(verified.problem(), HasSubstr("does not chain"));
}

TEST_F(AuditTamperTest, AlteredOutcomeIsFound) {
  const uint64_t target = TargetSequence();
  ASSERT_GT(target, 0u);
  Tamper(target, [](storage::AuditEntry* entry) { entry->set_code(7); });
  const catalog::v1::VerifyAuditTrailResponse verified = VerifyAfterRestart();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), static_cast<int64_t>(target));
}

TEST_F(AuditTamperTest, RemovedEntryIsFound) {
  const uint64_t target = TargetSequence();
  ASSERT_GT(target, 0u);
  {
    storage::StoreOptions options;
    options.path = server_->data_dir();
    absl::StatusOr<std::unique_ptr<storage::CatalogStore>> store =
        storage::CatalogStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)
                    ->RawDbForTesting()
                    ->Delete(rocksdb::WriteOptions(),
                             (*store)->RawColumnFamilyForTesting(
                                 static_cast<int>(storage::Cf::kAudit)),
                             storage::AuditKey(target))
                    .ok());
    ASSERT_TRUE((*store)->Close().ok());
  }
  const CommandResult check = CatalogdCheck(server_->data_dir());
  EXPECT_NE(check.exit_code, 0) << check.output;
  EXPECT_THAT(
      check.output,
      HasSubstr(absl::StrCat("audit trail broken at sequence ", target, ":")));
  const catalog::v1::VerifyAuditTrailResponse verified = VerifyAfterRestart();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), static_cast<int64_t>(target));
  EXPECT_THAT(verified.problem(), HasSubstr("missing"));
}

}  // namespace
}  // namespace catalog::testing
