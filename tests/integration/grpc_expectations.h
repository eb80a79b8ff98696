// Small expectations shared by the integration tests: a gRPC status has a
// given code and a message containing a given text; two messages are equal.
#ifndef CATALOG_TESTS_INTEGRATION_GRPC_EXPECTATIONS_H_
#define CATALOG_TESTS_INTEGRATION_GRPC_EXPECTATIONS_H_

#include <google/protobuf/message.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/support/status.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"

namespace catalog::testing {

inline std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// Succeeds when `status` has `code` and its message contains `text`.
inline ::testing::AssertionResult HasStatus(const grpc::Status& status, grpc::StatusCode code,
                                            const std::string& text) {
  if (status.error_code() == code && absl::StrContains(status.error_message(), text)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "status is " << CodeName(status.error_code()) << ": \"" << status.error_message()
         << "\"\n  expected " << CodeName(code) << " with a message containing \"" << text << "\"";
}

// Succeeds when `status` is OK; otherwise prints it.
inline ::testing::AssertionResult IsOk(const grpc::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "status is " << CodeName(status.error_code()) << ": \""
                                       << status.error_message() << "\"";
}

// Succeeds when the two messages are equal field by field.
inline ::testing::AssertionResult SameMessage(const google::protobuf::Message& actual,
                                              const google::protobuf::Message& expected) {
  if (google::protobuf::util::MessageDifferencer::Equals(actual, expected)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "actual:\n"
                                       << actual.DebugString() << "expected:\n"
                                       << expected.DebugString();
}

}  // namespace catalog::testing

#endif  // CATALOG_TESTS_INTEGRATION_GRPC_EXPECTATIONS_H_
