// The processing log over real mutual TLS against a real store: exports
// over OTLP (partial success) and logboek.v1 (all-or-nothing) as the
// `application` principal, validation of every field, resolution of the
// activity version at the operation's start, duplicates and conflicts,
// answers from AccountabilityService (subject, activity, trace,
// deliveries), the retention purge, persistence over a restart, and that
// the plain subject id is nowhere in the data directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "catalog/v1/accountability_service.grpc.pb.h"
#include "catalog/v1/audit_service.grpc.pb.h"
#include "catalog/v1/landscape_service.grpc.pb.h"
#include "catalog/v1/processing_service.grpc.pb.h"
#include "logboek/v1/logboek.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "rocksdb/db.h"
#include "tests/integration/grpc_expectations.h"
#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

namespace v1 = ::catalog::v1;
namespace otlp = ::opentelemetry::proto;
using ::grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr char kBsn[] = "999993653";
constexpr char kOtherBsn[] = "999990019";

std::string Bytes(char fill, size_t n) { return std::string(n, fill); }
std::string TraceId(char c) { return Bytes(c, 16); }
std::string SpanId(char c) { return Bytes(c, 8); }

google::protobuf::Timestamp At(absl::Time t) {
  const int64_t micros = absl::ToUnixMicros(t);
  google::protobuf::Timestamp ts;
  ts.set_seconds(micros / 1000000);
  ts.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return ts;
}

// A valid logboek.v1 operation under `activity` for `bsn`, started `ago`.
logboek::v1::ProcessingOperation LogboekOp(char trace, char span, const std::string& activity,
                                           const std::string& bsn, absl::Duration ago) {
  logboek::v1::ProcessingOperation op;
  op.set_trace_id(TraceId(trace));
  op.set_operation_id(SpanId(span));
  op.set_name("Aanvraag Wmo beoordelen");
  *op.mutable_start_time() = At(absl::Now() - ago);
  *op.mutable_end_time() = At(absl::Now() - ago + absl::Seconds(1));
  op.set_status_code(logboek::v1::ProcessingOperation::STATUS_CODE_OK);
  for (auto [key, value] : {std::pair<std::string, std::string>{"dpl.core.processing_activity_id",
                                                                  activity},
                            {"dpl.core.data_subject_id", bsn},
                            {"dpl.core.data_subject_id_type", "BSN"}}) {
    logboek::v1::Attribute* a = op.add_attributes();
    a->set_key(key);
    a->set_value(value);
  }
  return op;
}

void SetAttribute(otlp::trace::v1::Span* span, const std::string& key, const std::string& value) {
  otlp::common::v1::KeyValue* kv = span->add_attributes();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

otlp::trace::v1::Span OtlpSpan(char trace, char span_id, const std::string& activity,
                               const std::string& bsn, absl::Duration ago) {
  otlp::trace::v1::Span span;
  span.set_trace_id(TraceId(trace));
  span.set_span_id(SpanId(span_id));
  span.set_name("WOZ-beschikking opstellen");
  const absl::Time start = absl::Now() - ago;
  span.set_start_time_unix_nano(static_cast<uint64_t>(absl::ToUnixNanos(start)));
  span.set_end_time_unix_nano(static_cast<uint64_t>(absl::ToUnixNanos(start + absl::Seconds(2))));
  span.mutable_status()->set_code(otlp::trace::v1::Status::STATUS_CODE_OK);
  SetAttribute(&span, "dpl.core.processing_activity_id", activity);
  SetAttribute(&span, "dpl.core.data_subject_id", bsn);
  SetAttribute(&span, "dpl.core.data_subject_id_type", "BSN");
  return span;
}

otlp::collector::trace::v1::ExportTraceServiceRequest OtlpRequest(
    const std::vector<otlp::trace::v1::Span>& spans, const std::string& service = "woz-app") {
  otlp::collector::trace::v1::ExportTraceServiceRequest request;
  otlp::trace::v1::ResourceSpans* rs = request.add_resource_spans();
  otlp::common::v1::KeyValue* name = rs->mutable_resource()->add_attributes();
  name->set_key("service.name");
  name->mutable_value()->set_string_value(service);
  otlp::trace::v1::ScopeSpans* ss = rs->add_scope_spans();
  for (const otlp::trace::v1::Span& s : spans) *ss->add_spans() = s;
  return request;
}

v1::ProcessingActivity Activity(const std::string& id, const std::string& dataset,
                                absl::Duration in_force_for) {
  v1::ProcessingActivity a;
  a.set_id(id);
  a.set_title("Wmo-aanvraag beoordelen");
  a.set_purpose("Beoordelen van aanvragen voor een maatwerkvoorziening (Wmo 2015)");
  a.set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  a.mutable_controller()->set_name("College van B&W van Voorbeeldstad");
  a.mutable_controller()->set_oin("00000001001234567000");
  a.set_governing_body(v1::GOVERNING_BODY_COLLEGE_VAN_BW);
  a.add_data_subject_categories("Aanvragers");
  a.add_personal_data_categories("Gezondheid");
  a.add_recipient_categories("Zorgaanbieders");
  a.set_retention_period("P15Y");
  a.set_log_confidentiality(v1::CONFIDENTIALITY_VERTROUWELIJK);
  if (!dataset.empty()) a.add_datasets("datasets/" + dataset);
  *a.mutable_valid_from() = At(absl::Now() - in_force_for);
  return a;
}

class ProcessingLogTest : public LineageServerTest {
 protected:
  void SetUp() override {
    LineageServerTest::SetUp();
    Connect();
  }

  void Connect() {
    register_ = v1::ProcessingService::NewStub(server_->Channel("steward"));
    logboek_ = logboek::v1::LogboekService::NewStub(server_->Channel("application"));
    otlp_ = otlp::collector::trace::v1::TraceService::NewStub(server_->Channel("application"));
    privacy_ = v1::AccountabilityService::NewStub(server_->Channel("privacy"));
  }

  v1::ProcessingActivity CreateActivity(const v1::ProcessingActivity& a) {
    v1::CreateProcessingActivityRequest request;
    *request.mutable_activity() = a;
    v1::ProcessingActivity out;
    EXPECT_TRUE(IsOk(register_->CreateProcessingActivity(Context().get(), request, &out)));
    return out;
  }

  v1::ProcessingActivity UpdateActivity(const v1::ProcessingActivity& a,
                                        const std::string& path) {
    v1::UpdateProcessingActivityRequest request;
    *request.mutable_activity() = a;
    request.mutable_update_mask()->add_paths(path);
    v1::ProcessingActivity out;
    EXPECT_TRUE(IsOk(register_->UpdateProcessingActivity(Context().get(), request, &out)));
    return out;
  }

  void CreateParty(const std::string& id, const std::string& name, v1::PartyKind kind) {
    v1::ExternalParty party;
    party.set_id(id);
    party.set_name(name);
    party.set_kind(kind);
    steward_->CreatePartyOk(party);
  }

  // A DELIVERY of dataset `dataset` to party `party` under a legal obligation.
  void Deliver(const std::string& dataset, const std::string& party,
               const std::string& purpose) {
    v1::LineageEdge delivery;
    delivery.set_source("datasets/" + dataset);
    delivery.set_target("parties/" + party);
    delivery.set_relation(v1::LINEAGE_RELATION_DELIVERY);
    delivery.set_purpose(purpose);
    delivery.set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
    steward_->CreateEdgeOk(delivery);
  }

  // The usual setting: dataset wmo-aanvragen used by activity wmo-aanvraag,
  // in force since 30 days.
  void CreateWmo() {
    steward_->CreateDatasetOk(ValidDataset("wmo-aanvragen"));
    CreateActivity(Activity("wmo-aanvraag", "wmo-aanvragen", absl::Hours(24 * 30)));
  }

  grpc::Status ExportLogboek(const std::vector<logboek::v1::ProcessingOperation>& ops,
                             bool with_resource = true) {
    logboek::v1::ExportOperationsRequest request;
    if (with_resource) {
      request.mutable_resource()->set_name("wmo-app");
      request.mutable_resource()->set_version("2.4.1");
    }
    for (const auto& op : ops) *request.add_operations() = op;
    logboek::v1::ExportOperationsResponse response;
    return logboek_->Export(Context().get(), request, &response);
  }

  grpc::Status ExportOtlp(const otlp::collector::trace::v1::ExportTraceServiceRequest& request,
                          otlp::collector::trace::v1::ExportTraceServiceResponse* response) {
    return otlp_->Export(Context().get(), request, response);
  }

  v1::SubjectAccount Subject(const std::string& bsn) {
    v1::GetSubjectAccountRequest request;
    request.set_data_subject_id(bsn);
    request.set_data_subject_id_type("BSN");
    v1::SubjectAccount account;
    EXPECT_TRUE(IsOk(privacy_->GetSubjectAccount(Context().get(), request, &account)));
    return account;
  }

  // Span ids (first byte) of the operations of `bsn`, over all activities.
  std::vector<char> SubjectSpans(const std::string& bsn) {
    std::vector<char> spans;
    const v1::SubjectAccount account = Subject(bsn);
    for (const v1::ActivityAccount& a : account.activities()) {
      for (const v1::ProcessingOperation& op : a.operations()) spans.push_back(op.span_id()[0]);
    }
    return spans;
  }

  std::unique_ptr<v1::ProcessingService::Stub> register_;
  std::unique_ptr<logboek::v1::LogboekService::Stub> logboek_;
  std::unique_ptr<otlp::collector::trace::v1::TraceService::Stub> otlp_;
  std::unique_ptr<v1::AccountabilityService::Stub> privacy_;
};

TEST_F(ProcessingLogTest, LogboekExportIsFoundBySubjectActivityAndTrace) {
  CreateWmo();
  ASSERT_TRUE(IsOk(ExportLogboek({LogboekOp('a', '1', "processing-activities/wmo-aanvraag", kBsn,
                                            absl::Hours(2)),
                                  LogboekOp('a', '2', "processing-activities/wmo-aanvraag",
                                            kOtherBsn, absl::Hours(1))})));

  const v1::SubjectAccount account = Subject(kBsn);
  ASSERT_EQ(account.activities_size(), 1);
  const v1::ActivityAccount& wmo = account.activities(0);
  EXPECT_EQ(wmo.activity().version_name(), "processing-activities/wmo-aanvraag/versions/1");
  EXPECT_EQ(wmo.activity().purpose(),
            "Beoordelen van aanvragen voor een maatwerkvoorziening (Wmo 2015)");
  ASSERT_EQ(wmo.operations_size(), 1);
  const v1::ProcessingOperation& op = wmo.operations(0);
  EXPECT_EQ(op.span_id(), SpanId('1'));
  EXPECT_EQ(op.application(), "wmo-app");
  EXPECT_EQ(op.application_version(), "2.4.1");
  EXPECT_EQ(op.status(), v1::OPERATION_STATUS_OK);
  EXPECT_EQ(op.data_subject_id_type(), "BSN");
  EXPECT_TRUE(op.data_subject_hash().empty()) << "the hash is never returned";
  EXPECT_EQ(op.exporter(), "application");
  EXPECT_EQ(op.confidentiality(), v1::CONFIDENTIALITY_VERTROUWELIJK);

  v1::ListActivityOperationsRequest by_activity;
  by_activity.set_activity("processing-activities/wmo-aanvraag");
  v1::ListActivityOperationsResponse operations;
  ASSERT_TRUE(IsOk(privacy_->ListActivityOperations(Context().get(), by_activity, &operations)));
  ASSERT_EQ(operations.operations_size(), 2);
  EXPECT_EQ(operations.operations(0).span_id(), SpanId('1')) << "oldest first";

  v1::GetTraceRequest trace_request;
  trace_request.set_trace_id(absl::BytesToHexString(TraceId('a')));
  v1::Trace trace;
  ASSERT_TRUE(IsOk(privacy_->GetTrace(Context().get(), trace_request, &trace)));
  EXPECT_EQ(trace.operations_size(), 2);
}

TEST_F(ProcessingLogTest, OtlpExportStoresValidSpansAndCountsTheRest) {
  CreateWmo();
  otlp::trace::v1::Span bad = OtlpSpan('b', '2', "processing-activities/wmo-aanvraag", kBsn,
                                       absl::Hours(1));
  bad.set_span_id(Bytes('2', 7));
  otlp::collector::trace::v1::ExportTraceServiceResponse response;
  ASSERT_TRUE(IsOk(ExportOtlp(
      OtlpRequest({OtlpSpan('b', '1', "processing-activities/wmo-aanvraag", kBsn, absl::Hours(2)),
                   bad,
                   OtlpSpan('b', '3', "processing-activities/wmo-aanvraag/versions/1", kBsn,
                            absl::Hours(1))}),
      &response)));
  ASSERT_TRUE(response.has_partial_success());
  EXPECT_EQ(response.partial_success().rejected_spans(), 1);
  EXPECT_THAT(response.partial_success().error_message(),
              ::testing::HasSubstr(
                  "resource_spans[0].scope_spans[0].spans[1].span_id: must be 8 bytes, not 7"));
  EXPECT_THAT(SubjectSpans(kBsn), ElementsAre('1', '3'));

  // Full success leaves partial_success unset (the OTLP contract).
  otlp::collector::trace::v1::ExportTraceServiceResponse clean;
  ASSERT_TRUE(IsOk(ExportOtlp(OtlpRequest({OtlpSpan('b', '4', "processing-activities/wmo-aanvraag",
                                                    kBsn, absl::Minutes(5))}),
                              &clean)));
  EXPECT_FALSE(clean.has_partial_success());
  // An empty request is a success too.
  ASSERT_TRUE(IsOk(ExportOtlp(otlp::collector::trace::v1::ExportTraceServiceRequest(), &clean)));
  EXPECT_FALSE(clean.has_partial_success());
}

TEST_F(ProcessingLogTest, LogboekRefusesTheWholeRequestForOneBadOperation) {
  CreateWmo();
  logboek::v1::ProcessingOperation bad =
      LogboekOp('c', '2', "processing-activities/wmo-aanvraag", kBsn, absl::Hours(1));
  bad.set_trace_id(Bytes('c', 15));
  EXPECT_TRUE(HasStatus(
      ExportLogboek({LogboekOp('c', '1', "processing-activities/wmo-aanvraag", kBsn,
                               absl::Hours(2)),
                     bad}),
      StatusCode::INVALID_ARGUMENT, "operations[1].trace_id: must be 16 bytes, not 15"));
  EXPECT_TRUE(Subject(kBsn).activities().empty()) << "nothing of the request was stored";
  EXPECT_TRUE(HasStatus(ExportLogboek({LogboekOp('c', '1', "processing-activities/wmo-aanvraag",
                                                 kBsn, absl::Hours(2))},
                                      /*with_resource=*/false),
                        StatusCode::INVALID_ARGUMENT, "resource: required"));
}

// Each broken operation with the message that names its field.
TEST_F(ProcessingLogTest, EveryFieldIsValidated) {
  CreateWmo();
  steward_->CreateDatasetOk(ValidDataset("oud-register"));
  v1::ProcessingActivity ended = Activity("oud", "oud-register", absl::Hours(24 * 10));
  CreateActivity(ended);
  ended.set_status(v1::PROCESSING_ACTIVITY_STATUS_ENDED);
  UpdateActivity(ended, "status");

  const std::string wmo = "processing-activities/wmo-aanvraag";
  struct Case {
    std::function<void(logboek::v1::ProcessingOperation*)> change;
    std::string message;
  };
  auto set_attribute = [](logboek::v1::ProcessingOperation* op, const std::string& key,
                          const std::string& value) {
    for (logboek::v1::Attribute& a : *op->mutable_attributes()) {
      if (a.key() == key) a.set_value(value);
    }
  };
  auto drop_attribute = [](logboek::v1::ProcessingOperation* op, const std::string& key) {
    auto* attributes = op->mutable_attributes();
    for (int i = 0; i < attributes->size(); ++i) {
      if (attributes->Get(i).key() == key) attributes->DeleteSubrange(i, 1);
    }
  };
  const std::vector<Case> cases = {
      {[](auto* op) { op->set_trace_id(Bytes('x', 17)); }, "trace_id: must be 16 bytes, not 17"},
      {[](auto* op) { op->set_trace_id(Bytes(0, 16)); }, "trace_id: must not be all zero"},
      {[](auto* op) { op->clear_trace_id(); }, "trace_id: required"},
      {[](auto* op) { op->set_operation_id(Bytes('x', 9)); }, "operation_id: must be 8 bytes"},
      {[](auto* op) { op->set_parent_operation_id(Bytes('x', 4)); },
       "parent_operation_id: must be 8 bytes, not 4"},
      {[](auto* op) { op->set_name(" "); }, "name: required"},
      {[](auto* op) { op->clear_start_time(); }, "start_time: required"},
      {[](auto* op) { op->clear_end_time(); }, "end_time: required"},
      {[](auto* op) { op->mutable_start_time()->set_nanos(-5); }, "start_time: not a valid time"},
      {[](auto* op) { *op->mutable_end_time() = At(absl::Now() - absl::Hours(30)); },
       "end_time: before start_time"},
      {[](auto* op) {
         *op->mutable_start_time() = At(absl::Now() + absl::Hours(1));
         *op->mutable_end_time() = At(absl::Now() + absl::Hours(2));
       },
       "start_time: "},
      {[&](auto* op) { drop_attribute(op, "dpl.core.data_subject_id"); },
       "attributes[dpl.core.data_subject_id]: required"},
      {[&](auto* op) { drop_attribute(op, "dpl.core.data_subject_id_type"); },
       "attributes[dpl.core.data_subject_id_type]: required"},
      {[&](auto* op) { set_attribute(op, "dpl.core.data_subject_id", "123456789"); },
       "attributes[dpl.core.data_subject_id]: not a BSN"},
      {[&](auto* op) { drop_attribute(op, "dpl.core.processing_activity_id"); },
       "attributes[dpl.core.processing_activity_id]: required"},
      {[&](auto* op) { set_attribute(op, "dpl.core.processing_activity_id", "rva:218f9ac0"); },
       "names no activity of this register"},
      {[&](auto* op) {
         set_attribute(op, "dpl.core.processing_activity_id", "processing-activities/onbekend");
       },
       "processing-activities/onbekend is not in the register"},
      {[&](auto* op) {
         set_attribute(op, "dpl.core.processing_activity_id", wmo + "/versions/7");
       },
       "processing-activities/wmo-aanvraag has no version 7"},
      {[&](auto* op) {
         set_attribute(op, "dpl.core.processing_activity_id", "processing-activities/oud");
         *op->mutable_start_time() = At(absl::Now());
         *op->mutable_end_time() = At(absl::Now());
       },
       "processing-activities/oud was ended at"},
      {[&](auto* op) {
         *op->mutable_start_time() = At(absl::Now() - absl::Hours(24 * 40));
         *op->mutable_end_time() = At(absl::Now() - absl::Hours(24 * 40));
       },
       "was not in force at the operation's start"},
      {[](auto* op) { op->mutable_foreign_operation()->set_operation_id(Bytes('f', 3)); },
       "foreign_operation.operation_id: must be 8 bytes, not 3"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    logboek::v1::ProcessingOperation op = LogboekOp('d', '1', wmo, kBsn, absl::Hours(24));
    cases[i].change(&op);
    const grpc::Status status = ExportLogboek({op});
    EXPECT_TRUE(HasStatus(status, StatusCode::INVALID_ARGUMENT, "operations[0]." ) &&
                HasStatus(status, StatusCode::INVALID_ARGUMENT, cases[i].message))
        << "case " << i << ": " << status.error_message();
    EXPECT_EQ(status.error_message().find(kBsn), std::string::npos)
        << "the subject id never appears in a message";
  }
  EXPECT_TRUE(Subject(kBsn).activities().empty());
}

TEST_F(ProcessingLogTest, ActivityResolvesToTheVersionCurrentAtTheStart) {
  CreateWmo();
  const absl::Time before_update = absl::Now() - absl::Seconds(2);
  v1::ProcessingActivity a = Activity("wmo-aanvraag", "wmo-aanvragen", absl::Hours(1));
  a.set_purpose("Beoordelen en toekennen van maatwerkvoorzieningen");
  const v1::ProcessingActivity v2 = UpdateActivity(a, "purpose");
  ASSERT_EQ(v2.version(), 2);
  logboek::v1::ProcessingOperation old_op =
      LogboekOp('e', '1', "processing-activities/wmo-aanvraag", kBsn, absl::ZeroDuration());
  *old_op.mutable_start_time() = At(before_update - absl::Hours(1));
  *old_op.mutable_end_time() = At(before_update - absl::Hours(1));
  const logboek::v1::ProcessingOperation new_op =
      LogboekOp('e', '2', "processing-activities/wmo-aanvraag", kBsn, absl::ZeroDuration());
  ASSERT_TRUE(IsOk(ExportLogboek({old_op, new_op})));
  const v1::SubjectAccount account = Subject(kBsn);
  ASSERT_EQ(account.activities_size(), 1);
  const v1::ActivityAccount& wmo = account.activities(0);
  ASSERT_EQ(wmo.operations_size(), 2);
  EXPECT_EQ(wmo.operations(0).activity(), "processing-activities/wmo-aanvraag/versions/1");
  EXPECT_EQ(wmo.operations(1).activity(), "processing-activities/wmo-aanvraag/versions/2");
  EXPECT_EQ(wmo.activity().version(), 1) << "the version of the first operation";
  EXPECT_THAT(wmo.other_versions(), ElementsAre("processing-activities/wmo-aanvraag/versions/2"));

  // Naming version 1 for an operation that started after version 2 began.
  logboek::v1::ProcessingOperation late = LogboekOp(
      'e', '3', "processing-activities/wmo-aanvraag/versions/1", kBsn, absl::ZeroDuration());
  EXPECT_TRUE(HasStatus(ExportLogboek({late}), StatusCode::INVALID_ARGUMENT,
                        "versions/1 was not current at the operation's start"));
}

TEST_F(ProcessingLogTest, RetriedExportIsStoredOnceAndAConflictIsRefused) {
  CreateWmo();
  const auto op = LogboekOp('f', '1', "processing-activities/wmo-aanvraag", kBsn, absl::Hours(1));
  ASSERT_TRUE(IsOk(ExportLogboek({op})));
  ASSERT_TRUE(IsOk(ExportLogboek({op}))) << "a retry of the same operation";
  ASSERT_TRUE(IsOk(ExportLogboek({op, op}))) << "the same operation twice in one request";
  EXPECT_THAT(SubjectSpans(kBsn), ElementsAre('1'));

  logboek::v1::ProcessingOperation changed = op;
  changed.set_name("Iets anders");
  EXPECT_TRUE(HasStatus(ExportLogboek({changed}), StatusCode::ALREADY_EXISTS,
                        "operations[0]: an operation with this trace_id and span id is already "
                        "stored with other content"));
  otlp::trace::v1::Span span =
      OtlpSpan('f', '1', "processing-activities/wmo-aanvraag", kBsn, absl::Hours(1));
  otlp::collector::trace::v1::ExportTraceServiceResponse response;
  ASSERT_TRUE(IsOk(ExportOtlp(OtlpRequest({span}), &response)));
  EXPECT_EQ(response.partial_success().rejected_spans(), 1) << "OTLP: counted as rejected";
  EXPECT_THAT(SubjectSpans(kBsn), ElementsAre('1'));
}

TEST_F(ProcessingLogTest, InzageJoinsPurposeDatasetsPartiesAndDeliveries) {
  steward_->CreateDatasetOk(ValidDataset("wmo-aanvragen"));
  CreateParty("zorgaanbieder-noord", "Zorgaanbieder Noord", v1::PARTY_KIND_KETENPARTNER);
  CreateParty("cak", "CAK", v1::PARTY_KIND_OVERHEID);
  Deliver("wmo-aanvragen", "cak", "Eigen bijdrage vaststellen");
  v1::ProcessingActivity a = Activity("wmo-aanvraag", "wmo-aanvragen", absl::Hours(24));
  a.add_recipient_parties("parties/zorgaanbieder-noord");
  CreateActivity(a);
  ASSERT_TRUE(IsOk(ExportLogboek(
      {LogboekOp('g', '1', "processing-activities/wmo-aanvraag", kBsn, absl::Hours(1))})));

  const v1::SubjectAccount account = Subject(kBsn);
  ASSERT_EQ(account.activities_size(), 1);
  const v1::ActivityAccount& wmo = account.activities(0);
  EXPECT_EQ(wmo.activity().legal_basis(), v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  EXPECT_EQ(wmo.activity().controller().name(), "College van B&W van Voorbeeldstad");
  ASSERT_EQ(wmo.datasets_size(), 1);
  EXPECT_EQ(wmo.datasets(0).dataset(), "datasets/wmo-aanvragen");
  std::vector<std::string> recipients;
  for (const v1::Recipient& r : wmo.recipients()) {
    recipients.push_back(absl::StrCat(r.title(), "|", r.source(), "|", r.dataset(), "|",
                                      r.purpose()));
  }
  EXPECT_THAT(recipients,
              UnorderedElementsAre("Zorgaanbieder Noord|1||", "Zorgaanbieders|1||",
                                   "CAK|2|datasets/wmo-aanvragen|Eigen bijdrage vaststellen"));

  // The deliveries report: the CAK delivery is covered by no activity (the
  // activity does not list CAK as a recipient).
  v1::ListDeliveriesRequest uncovered;
  uncovered.set_uncovered_only(true);
  v1::ListDeliveriesResponse deliveries;
  ASSERT_TRUE(IsOk(privacy_->ListDeliveries(Context().get(), uncovered, &deliveries)));
  ASSERT_EQ(deliveries.deliveries_size(), 1);
  EXPECT_EQ(deliveries.deliveries(0).party(), "parties/cak");
  EXPECT_EQ(deliveries.deliveries(0).purpose(), "Eigen bijdrage vaststellen");
  EXPECT_TRUE(deliveries.deliveries(0).covering_activities().empty());
  a.add_recipient_parties("parties/cak");
  UpdateActivity(a, "recipient_parties");
  ASSERT_TRUE(IsOk(privacy_->ListDeliveries(Context().get(), uncovered, &deliveries)));
  EXPECT_EQ(deliveries.deliveries_size(), 0);
  v1::ListDeliveriesResponse all;
  ASSERT_TRUE(IsOk(privacy_->ListDeliveries(Context().get(), {}, &all)));
  ASSERT_EQ(all.deliveries_size(), 1);
  EXPECT_THAT(all.deliveries(0).covering_activities(),
              ElementsAre("processing-activities/wmo-aanvraag"));
}

TEST_F(ProcessingLogTest, SubjectQueriesCheckTheirInput) {
  CreateWmo();
  v1::GetSubjectAccountRequest request;
  v1::SubjectAccount account;
  request.set_data_subject_id(kBsn);
  EXPECT_TRUE(HasStatus(privacy_->GetSubjectAccount(Context().get(), request, &account),
                        StatusCode::INVALID_ARGUMENT, "data_subject_id_type: required"));
  request.set_data_subject_id_type("BSN");
  request.set_data_subject_id("12345");
  EXPECT_TRUE(HasStatus(privacy_->GetSubjectAccount(Context().get(), request, &account),
                        StatusCode::INVALID_ARGUMENT, "data_subject_id: not a BSN"));
  request.set_data_subject_id(kBsn);
  *request.mutable_start_time() = At(absl::Now());
  *request.mutable_end_time() = At(absl::Now() - absl::Hours(1));
  EXPECT_TRUE(HasStatus(privacy_->GetSubjectAccount(Context().get(), request, &account),
                        StatusCode::INVALID_ARGUMENT, "end_time: before start_time"));
  request.clear_start_time();
  request.clear_end_time();
  request.set_page_token("bogus");
  EXPECT_TRUE(HasStatus(privacy_->GetSubjectAccount(Context().get(), request, &account),
                        StatusCode::INVALID_ARGUMENT, "page_token"));
  v1::GetTraceRequest trace;
  trace.set_trace_id("xyz");
  v1::Trace out;
  EXPECT_TRUE(HasStatus(privacy_->GetTrace(Context().get(), trace, &out),
                        StatusCode::INVALID_ARGUMENT, "trace_id: 32 hexadecimal digits"));
  trace.set_trace_id(std::string(32, '7'));
  EXPECT_TRUE(HasStatus(privacy_->GetTrace(Context().get(), trace, &out), StatusCode::NOT_FOUND,
                        "no operation of trace"));
  v1::ListActivityOperationsRequest by_activity;
  by_activity.set_activity("processing-activities/onbekend");
  v1::ListActivityOperationsResponse operations;
  EXPECT_TRUE(HasStatus(privacy_->ListActivityOperations(Context().get(), by_activity, &operations),
                        StatusCode::NOT_FOUND, "onbekend"));
}

TEST_F(ProcessingLogTest, SubjectAccountPagesOverOperations) {
  CreateWmo();
  std::vector<logboek::v1::ProcessingOperation> ops;
  for (int i = 0; i < 7; ++i) {
    ops.push_back(LogboekOp('h', static_cast<char>('a' + i), "processing-activities/wmo-aanvraag",
                            kBsn, absl::Hours(10 - i)));
  }
  ASSERT_TRUE(IsOk(ExportLogboek(ops)));
  v1::GetSubjectAccountRequest request;
  request.set_data_subject_id(kBsn);
  request.set_data_subject_id_type("bsn");  // Normalized to BSN.
  request.set_page_size(3);
  std::string spans;
  for (int pages = 0; pages < 10; ++pages) {
    v1::SubjectAccount page;
    ASSERT_TRUE(IsOk(privacy_->GetSubjectAccount(Context().get(), request, &page)));
    for (const auto& a : page.activities()) {
      for (const auto& op : a.operations()) spans.push_back(op.span_id()[0]);
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(spans, "abcdefg");
  // A period.
  request.clear_page_token();
  request.set_page_size(0);
  *request.mutable_start_time() = At(absl::Now() - absl::Hours(5) - absl::Minutes(30));
  v1::SubjectAccount recent;
  ASSERT_TRUE(IsOk(privacy_->GetSubjectAccount(Context().get(), request, &recent)));
  EXPECT_EQ(recent.operation_count(), 2) << "started 5 and 4 hours ago";
}

TEST_F(ProcessingLogTest, RetentionPurgeRemovesExpiredOperationsOnly) {
  steward_->CreateDatasetOk(ValidDataset("parkeren"));
  v1::ProcessingActivity a = Activity("parkeervergunning", "parkeren", absl::Hours(24 * 10));
  a.set_retention_period("P2D");
  CreateActivity(a);
  const std::string name = "processing-activities/parkeervergunning";
  ASSERT_TRUE(IsOk(ExportLogboek({LogboekOp('p', '1', name, kBsn, absl::Hours(24 * 5)),
                                  LogboekOp('p', '2', name, kBsn, absl::Hours(24 * 3)),
                                  LogboekOp('p', '3', name, kBsn, absl::Hours(24))})));
  auto admin = v1::AccountabilityService::NewStub(server_->Channel("admin"));
  v1::PurgeExpiredOperationsRequest dry;
  dry.set_dry_run(true);
  v1::PurgeExpiredOperationsResponse counted;
  ASSERT_TRUE(IsOk(privacy_->PurgeExpiredOperations(Context().get(), dry, &counted)));
  EXPECT_EQ(counted.operations(), 2);
  EXPECT_THAT(SubjectSpans(kBsn), ElementsAre('1', '2', '3')) << "a dry run removes nothing";
  v1::PurgeExpiredOperationsResponse purged;
  ASSERT_TRUE(IsOk(admin->PurgeExpiredOperations(Context().get(), {}, &purged)));
  ASSERT_EQ(purged.activities_size(), 1);
  EXPECT_EQ(purged.activities(0).activity(), name + "/versions/1");
  EXPECT_EQ(purged.activities(0).operations(), 2);
  EXPECT_THAT(SubjectSpans(kBsn), ElementsAre('3'));
  // The landscape's daily counts went down with the purge.
  v1::GetLandscapeRequest period;
  *period.mutable_usage_since() = At(absl::Now() - absl::Hours(24 * 10));
  v1::Landscape landscape;
  ASSERT_TRUE(IsOk(v1::LandscapeService::NewStub(server_->Channel("admin"))
                       ->GetLandscape(Context().get(), period, &landscape)));
  EXPECT_EQ(landscape.processing().operations(), 1);
  v1::GetTraceRequest trace;
  trace.set_trace_id(absl::BytesToHexString(TraceId('p')));
  v1::Trace out;
  ASSERT_TRUE(IsOk(privacy_->GetTrace(Context().get(), trace, &out)));
  EXPECT_EQ(out.operations_size(), 1) << "the trace index went with the records";
  // The purge is in the audit trail with the version it purged.
  auto auditor = v1::AuditService::NewStub(server_->Channel("auditor"));
  v1::ListAuditEventsRequest audit;
  audit.set_method("PurgeExpiredOperations");
  v1::ListAuditEventsResponse events;
  ASSERT_TRUE(IsOk(auditor->ListAuditEvents(Context().get(), audit, &events)));
  std::vector<std::string> purges;
  for (const auto& e : events.events()) {
    purges.push_back(absl::StrCat(e.principal(), "|", absl::StrJoin(e.resources(), ",")));
  }
  EXPECT_THAT(purges, ::testing::Contains(absl::StrCat("admin|", name, "/versions/1")));
}

TEST_F(ProcessingLogTest, OperationsSurviveARestartAndThePlainIdIsNowhereOnDisk) {
  CreateWmo();
  ASSERT_TRUE(IsOk(ExportLogboek(
      {LogboekOp('r', '1', "processing-activities/wmo-aanvraag", kBsn, absl::Hours(1))})));
  otlp::collector::trace::v1::ExportTraceServiceResponse response;
  ASSERT_TRUE(IsOk(ExportOtlp(OtlpRequest({OtlpSpan('r', '2', "processing-activities/wmo-aanvraag",
                                                    kBsn, absl::Minutes(30))}),
                              &response)));
  Subject(kBsn);  // A query, audited.
  server_->Restart();
  Connect();
  EXPECT_THAT(SubjectSpans(kBsn), ElementsAre('1', '2'));
  const std::string data_dir = server_->data_dir();
  server_.reset();  // Closes the store: everything flushed to its files.
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str().find(kBsn), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.str().find(kTestSubjectKey), std::string::npos) << entry.path();
  }
  EXPECT_GT(files, 3);
}

TEST_F(ProcessingLogTest, OtherRolesCannotExportAndApplicationsCanOnlyExport) {
  CreateWmo();
  auto steward_log = logboek::v1::LogboekService::NewStub(server_->Channel("steward"));
  logboek::v1::ExportOperationsRequest request;
  request.mutable_resource()->set_name("x");
  logboek::v1::ExportOperationsResponse response;
  EXPECT_TRUE(HasStatus(steward_log->Export(Context().get(), request, &response),
                        StatusCode::PERMISSION_DENIED, "may not call"));
  auto application = server_->Stub("application");
  v1::GetDatasetRequest get;
  get.set_id("wmo-aanvragen");
  v1::Dataset dataset;
  EXPECT_TRUE(HasStatus(application->GetDataset(Context().get(), get, &dataset),
                        StatusCode::PERMISSION_DENIED, "may not call"));
  auto app_accountability = v1::AccountabilityService::NewStub(server_->Channel("application"));
  v1::SubjectAccount account;
  EXPECT_TRUE(HasStatus(app_accountability->GetSubjectAccount(Context().get(), {}, &account),
                        StatusCode::PERMISSION_DENIED, "may not call"));
}

v1::Dataset PersonalDataset(const std::string& id) {
  v1::Dataset d = ValidDataset(id);
  d.mutable_personal_data()->set_contains_personal_data(true);
  d.mutable_personal_data()->set_legal_basis(v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  d.mutable_personal_data()->add_purposes("Uitvoering Wmo");
  return d;
}

std::vector<std::string> FindingNames(const v1::Landscape& landscape, v1::ComplianceRule rule) {
  for (const v1::ComplianceFinding& f : landscape.findings()) {
    if (f.rule() != rule) continue;
    std::vector<std::string> names(f.datasets().begin(), f.datasets().end());
    names.insert(names.end(), f.activities().begin(), f.activities().end());
    return names;
  }
  return {};
}

TEST_F(ProcessingLogTest, TheLandscapeShowsTheRegisterAndItsFindings) {
  auto landscape_stub = v1::LandscapeService::NewStub(server_->Channel("admin"));
  v1::Landscape before;
  steward_->CreateDatasetOk(PersonalDataset("schuldhulp"));
  ASSERT_TRUE(IsOk(landscape_stub->GetLandscape(Context().get(), {}, &before)));
  EXPECT_TRUE(FindingNames(before, v1::COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_ACTIVITY).empty())
      << "no register kept here yet: the rule does not apply";

  steward_->CreateDatasetOk(PersonalDataset("wmo-aanvragen"));
  CreateParty("cak", "CAK", v1::PARTY_KIND_OVERHEID);
  Deliver("wmo-aanvragen", "cak", "Eigen bijdrage");
  CreateActivity(Activity("wmo-aanvraag", "wmo-aanvragen", absl::Hours(24)));
  v1::ProcessingActivity marketing = Activity("nieuwsbrief", "", absl::Hours(24));
  marketing.set_legal_basis(v1::LEGAL_BASIS_GERECHTVAARDIGD_BELANG);
  CreateActivity(marketing);
  v1::ProcessingActivity cloud = Activity("zorg-in-de-cloud", "", absl::Hours(24));
  cloud.add_special_categories(v1::SPECIAL_CATEGORY_GEZONDHEID);
  v1::ThirdCountryTransfer* transfer = cloud.add_transfers();
  transfer->set_country("US");
  transfer->set_recipient("Cloudleverancier Inc.");
  CreateActivity(cloud);
  std::vector<logboek::v1::ProcessingOperation> ops;
  for (char span : {'1', '2', '3'}) {
    ops.push_back(LogboekOp('l', span, "processing-activities/wmo-aanvraag", kBsn,
                            absl::Hours(2)));
  }
  ASSERT_TRUE(IsOk(ExportLogboek(ops)));

  v1::Landscape landscape;
  ASSERT_TRUE(IsOk(landscape_stub->GetLandscape(Context().get(), {}, &landscape)));
  EXPECT_THAT(FindingNames(landscape, v1::COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_ACTIVITY),
              ElementsAre("datasets/schuldhulp"));
  EXPECT_THAT(FindingNames(landscape, v1::COMPLIANCE_RULE_ACTIVITY_BASIS_NOT_ALLOWED),
              ElementsAre("processing-activities/nieuwsbrief"));
  EXPECT_THAT(
      FindingNames(landscape, v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_TRANSFER_WITHOUT_SAFEGUARDS),
      ElementsAre("processing-activities/zorg-in-de-cloud"));
  EXPECT_THAT(FindingNames(landscape, v1::COMPLIANCE_RULE_DELIVERY_RECIPIENT_NOT_REGISTERED),
              ElementsAre("datasets/wmo-aanvragen"));
  const v1::ProcessingOverview& p = landscape.processing();
  EXPECT_EQ(p.active_activities(), 3);
  EXPECT_EQ(p.ended_activities(), 0);
  EXPECT_EQ(p.operations(), 3);
  ASSERT_EQ(p.operations_by_activity_size(), 1);
  EXPECT_EQ(p.operations_by_activity(0).key(), "processing-activities/wmo-aanvraag");
  EXPECT_EQ(p.operations_by_activity(0).count(), 3);
  std::vector<std::string> bases;
  for (const v1::Count& c : p.by_legal_basis()) bases.push_back(absl::StrCat(c.key(), "=", c.count()));
  EXPECT_THAT(bases, ElementsAre("LEGAL_BASIS_WETTELIJKE_VERPLICHTING=2",
                                 "LEGAL_BASIS_GERECHTVAARDIGD_BELANG=1"));

  // Fixed: the safeguards recorded, CAK listed as a recipient.
  transfer->set_safeguards("Standaardcontractbepalingen (EU) 2021/914");
  UpdateActivity(cloud, "transfers");
  v1::ProcessingActivity wmo = Activity("wmo-aanvraag", "wmo-aanvragen", absl::Hours(24));
  wmo.add_recipient_parties("parties/cak");
  UpdateActivity(wmo, "recipient_parties");
  ASSERT_TRUE(IsOk(landscape_stub->GetLandscape(Context().get(), {}, &landscape)));
  EXPECT_TRUE(
      FindingNames(landscape, v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_TRANSFER_WITHOUT_SAFEGUARDS)
          .empty());
  EXPECT_TRUE(FindingNames(landscape, v1::COMPLIANCE_RULE_DELIVERY_RECIPIENT_NOT_REGISTERED).empty());
  EXPECT_EQ(landscape.processing().operations(), 3);
}

TEST_F(ProcessingLogTest, TheIntegrityCheckCoversTheLogAndFindsAMissingIndexEntry) {
  CreateWmo();
  std::vector<logboek::v1::ProcessingOperation> ops;
  for (char span : {'1', '2', '3'}) {
    ops.push_back(LogboekOp('k', span, "processing-activities/wmo-aanvraag", kBsn,
                            absl::Hours(2)));
  }
  ASSERT_TRUE(IsOk(ExportLogboek(ops)));
  std::unique_ptr<storage::CatalogStore> store = StopAndOpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<storage::CheckReport> report = store->Check();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << absl::StrJoin(report->problems, "\n");
  EXPECT_EQ(report->processing_operations, 3);

  // Remove one subject index entry behind the store's back.
  rocksdb::DB* db = store->RawDbForTesting();
  rocksdb::ColumnFamilyHandle* cf = store->RawColumnFamilyForTesting(8);  // processing
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  it->Seek(std::string(1, '\x02'));
  ASSERT_TRUE(it->Valid() && it->key()[0] == '\x02');
  ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), cf, it->key()).ok());
  it.reset();
  report = store->Check();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->problems,
              ::testing::Contains(::testing::HasSubstr("an index entry is missing")));
}

TEST(ProcessingLogWithoutKeyTest, ExportsAndQueriesFailWithAClearReason) {
  server::ServerOptions options;
  options.processing_subject_key_file = kNoSubjectKey;
  std::unique_ptr<TestServer> server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);
  auto log = logboek::v1::LogboekService::NewStub(server->Channel("application"));
  logboek::v1::ExportOperationsRequest request;
  request.mutable_resource()->set_name("x");
  logboek::v1::ExportOperationsResponse response;
  EXPECT_TRUE(HasStatus(log->Export(Context().get(), request, &response),
                        StatusCode::FAILED_PRECONDITION, "processing_subject_key_file"));
}

TEST(ProcessingLogWithoutKeyTest, AKeyInsideTheDataDirectoryIsRefused) {
  TempDir dir;
  const std::string key = dir.path() + "/data/subject.key";
  std::filesystem::create_directories(dir.path() + "/data");
  std::ofstream(key) << kTestSubjectKey;
  std::filesystem::permissions(key, std::filesystem::perms::owner_read);
  server::ServerOptions options;
  options.data_dir = dir.path() + "/data";
  options.listen = "127.0.0.1:0";
  options.tls_cert = TestCertsDir() + "/server.pem";
  options.tls_key = TestCertsDir() + "/server.key";
  options.client_ca = TestCertsDir() + "/ca.pem";
  options.policy_file = SourceDir() + "/scripts/dev/policy.toml";
  options.processing_subject_key_file = key;
  absl::StatusOr<std::unique_ptr<server::CatalogServer>> started =
      server::CatalogServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(started.status().message()),
              ::testing::HasSubstr("lies inside the data directory"));
  // Readable by others, or too short: refused too.
  const std::string outside = dir.path() + "/short.key";
  std::ofstream(outside) << "kort";
  std::filesystem::permissions(outside, std::filesystem::perms::owner_read);
  options.processing_subject_key_file = outside;
  started = server::CatalogServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(std::string(started.status().message()), ::testing::HasSubstr("holds 4 bytes"));
  std::filesystem::permissions(outside, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  started = server::CatalogServer::Start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(std::string(started.status().message()), ::testing::HasSubstr("chmod 600"));
}

}  // namespace
}  // namespace catalog::testing
