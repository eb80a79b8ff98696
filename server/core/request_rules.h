// Small rules every core operation applies the same way: page sizes, etags,
// field errors, timestamps.
#ifndef CATALOG_SERVER_CORE_REQUEST_RULES_H_
#define CATALOG_SERVER_CORE_REQUEST_RULES_H_

#include <cstdint>
#include <string>

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace catalog::server {

// `requested` or, for 0, `default_size`; above `max_size`, `max_size`
// (AIP-158: the page is then short, and the token leads on);
// INVALID_ARGUMENT when negative.
inline absl::StatusOr<size_t> ResolvePageSize(int requested, int default_size, int max_size) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested > max_size) return static_cast<size_t>(max_size);
  return static_cast<size_t>(requested == 0 ? default_size : requested);
}

// Parses an etag; empty means "unconditional" (0).
inline absl::StatusOr<int64_t> ParseEtag(const std::string& etag, absl::string_view field) {
  if (etag.empty()) return 0;
  int64_t revision = 0;
  if (!absl::SimpleAtoi(etag, &revision) || revision <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", etag, "\" is not an etag of this catalogue"));
  }
  return revision;
}

// INVALID_ARGUMENT "path: problem", the form every error about a field
// takes.
inline absl::Status FieldError(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

// Within 0001-01-01 .. 9999-12-31, nanos normalized (as RFC 3339 allows).
inline bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  using google::protobuf::util::TimeUtil;
  return t.seconds() >= TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
         t.nanos() < 1000000000;
}

// Timestamps of the API <-> absl::Time (microseconds).
inline absl::Time AbslTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(t));
}
inline google::protobuf::Timestamp ProtoTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_REQUEST_RULES_H_
