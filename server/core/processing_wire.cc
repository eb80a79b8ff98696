#include "server/core/processing_wire.h"

#include <algorithm>
#include <cstdint>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/core/request_rules.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
namespace otlp = ::opentelemetry::proto;

constexpr WireNames kLogboekNames{"operation_id", "parent_operation_id",
                                  "foreign_operation.operation_id"};
constexpr WireNames kOtlpNames{"span_id", "parent_span_id",
                               "attributes[dpl.core.foreign_operation.span_id]"};

// Sets the field of `in` that attribute `key` carries; other attributes
// are not stored (the log keeps what the standard requires, so that nothing
// personal slips onto disk through a free-form attribute).
void TakeAttribute(const std::string& key, const std::string& value, OperationInput* in) {
  if (key == dpl::kActivity || key == dpl::kActivityMisspelled) {
    in->activity = value;
  } else if (key == dpl::kSubjectId) {
    in->subject_id = value;
  } else if (key == dpl::kSubjectIdType) {
    in->subject_id_type = value;
  } else if (key == dpl::kForeignProcessor) {
    in->foreign.set_processor(value);
  } else if (key == dpl::kForeignSpanId) {
    // Sent as text: 16 hexadecimal digits.
    const bool hex = value.size() == 16 && std::all_of(value.begin(), value.end(), [](char c) {
                       return absl::ascii_isxdigit(static_cast<unsigned char>(c));
                     });
    if (hex) {
      in->foreign.set_span_id(absl::HexStringToBytes(value));
    } else {
      in->foreign.set_span_id(value);  // Refused by the length check.
    }
  }
}

v1::OperationStatus FromLogboekStatus(logboek::v1::ProcessingOperation::StatusCode code) {
  switch (code) {
    case logboek::v1::ProcessingOperation::STATUS_CODE_OK:
      return v1::OPERATION_STATUS_OK;
    case logboek::v1::ProcessingOperation::STATUS_CODE_ERROR:
      return v1::OPERATION_STATUS_ERROR;
    default:
      return v1::OPERATION_STATUS_UNSET;
  }
}

v1::OperationStatus FromOtlpStatus(otlp::trace::v1::Status::StatusCode code) {
  switch (code) {
    case otlp::trace::v1::Status::STATUS_CODE_OK:
      return v1::OPERATION_STATUS_OK;
    case otlp::trace::v1::Status::STATUS_CODE_ERROR:
      return v1::OPERATION_STATUS_ERROR;
    default:
      return v1::OPERATION_STATUS_UNSET;
  }
}

// The text of an OTLP attribute value the log reads: a string, an integer
// (written as its digits) or bytes; anything else is a problem.
bool ValueText(const otlp::common::v1::AnyValue& value, std::string* text) {
  switch (value.value_case()) {
    case otlp::common::v1::AnyValue::kStringValue:
      *text = value.string_value();
      return true;
    case otlp::common::v1::AnyValue::kIntValue:
      *text = absl::StrCat(value.int_value());
      return true;
    case otlp::common::v1::AnyValue::kBytesValue:
      *text = value.bytes_value();
      return true;
    default:
      return false;
  }
}

void TakeOtlpAttributes(
    const google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>& attributes,
    OperationInput* in) {
  for (const otlp::common::v1::KeyValue& kv : attributes) {
    if (kv.key().rfind("dpl.", 0) != 0) continue;
    std::string text;
    if (!ValueText(kv.value(), &text)) {
      in->wire_problem = FieldError(absl::StrCat("attributes[", kv.key(), "]"),
                                    "must be a string, an integer or bytes");
      continue;
    }
    TakeAttribute(kv.key(), text, in);
  }
}

std::optional<absl::Time> FromNanos(uint64_t nanos) {
  if (nanos == 0) return std::nullopt;
  if (nanos > static_cast<uint64_t>(INT64_MAX)) return absl::InfiniteFuture();
  return absl::FromUnixNanos(static_cast<int64_t>(nanos));
}

}  // namespace

std::string LogboekPath(size_t i) { return absl::StrCat("operations[", i, "]"); }

std::vector<OperationInput> FromLogboek(const logboek::v1::ExportOperationsRequest& request) {
  std::vector<OperationInput> inputs;
  inputs.reserve(static_cast<size_t>(request.operations_size()));
  for (const logboek::v1::ProcessingOperation& op : request.operations()) {
    OperationInput& in = inputs.emplace_back();
    in.names = &kLogboekNames;
    in.trace_id = op.trace_id();
    in.span_id = op.operation_id();
    in.parent_span_id = op.parent_operation_id();
    in.name = op.name();
    for (auto [field, set, time, out] :
         {std::tuple("start_time", op.has_start_time(), &op.start_time(), &in.start),
          std::tuple("end_time", op.has_end_time(), &op.end_time(), &in.end)}) {
      if (!set) continue;
      if (ValidTimestamp(*time)) {
        *out = AbslTime(*time);
      } else {
        in.wire_problem = FieldError(field, "not a valid time");
      }
    }
    in.status = FromLogboekStatus(op.status_code());
    if (op.has_foreign_operation()) {
      in.foreign.set_trace_id(op.foreign_operation().trace_id());
      in.foreign.set_span_id(op.foreign_operation().operation_id());
      in.foreign.set_processor(op.foreign_operation().entity());
    }
    in.application = request.resource().name();
    in.application_version = request.resource().version();
    for (const logboek::v1::Attribute& a : op.attributes()) TakeAttribute(a.key(), a.value(), &in);
  }
  return inputs;
}

OtlpOperations FromOtlp(const otlp::collector::trace::v1::ExportTraceServiceRequest& request) {
  OtlpOperations result;
  for (int r = 0; r < request.resource_spans_size(); ++r) {
    const otlp::trace::v1::ResourceSpans& rs = request.resource_spans(r);
    std::string application;
    std::string version;
    for (const otlp::common::v1::KeyValue& kv : rs.resource().attributes()) {
      if (kv.key() == "service.name") application = kv.value().string_value();
      if (kv.key() == "service.version") version = kv.value().string_value();
    }
    for (int s = 0; s < rs.scope_spans_size(); ++s) {
      const otlp::trace::v1::ScopeSpans& ss = rs.scope_spans(s);
      for (int i = 0; i < ss.spans_size(); ++i) {
        const otlp::trace::v1::Span& span = ss.spans(i);
        OperationInput& in = result.inputs.emplace_back();
        result.paths.push_back(
            absl::StrCat("resource_spans[", r, "].scope_spans[", s, "].spans[", i, "]"));
        in.names = &kOtlpNames;
        in.trace_id = span.trace_id();
        in.span_id = span.span_id();
        in.parent_span_id = span.parent_span_id();
        in.name = span.name();
        in.start = FromNanos(span.start_time_unix_nano());
        in.end = FromNanos(span.end_time_unix_nano());
        in.status = FromOtlpStatus(span.status().code());
        in.application = application;
        in.application_version = version;
        TakeOtlpAttributes(span.attributes(), &in);
      }
    }
  }
  return result;
}

}  // namespace catalog::server
