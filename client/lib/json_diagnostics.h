// Turns protobuf's JSON parse errors into messages that point at the fix.
//
// protobuf 3.21 reports a syntax error with a column inside a quoted excerpt
// (wrong for multi-line input), an unknown enum value as "invalid value X for
// type type.googleapis.com/catalog.v1.Confidentiality" without the accepted
// values, and an unknown field without its place. This re-reads the input to
// find where the problem is and says what would be accepted there.
#ifndef CATALOG_CLIENT_LIB_JSON_DIAGNOSTICS_H_
#define CATALOG_CLIENT_LIB_JSON_DIAGNOSTICS_H_

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/strings/string_view.h"

namespace catalog::client {

// Why `json` is not a `type` as proto3 JSON, given protobuf's own message:
// "line 3, column 22: classification.confidentiality: unknown value
// \"GEHEIM_X\"; expected one of: CONFIDENTIALITY_OPENBAAR, ...". The place is
// "column C" alone when `json` is one line (a JSONL line), and is left out
// when it cannot be found. One line of text.
std::string ExplainJsonError(absl::string_view json, absl::string_view parser_message,
                             const google::protobuf::Descriptor& type);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_JSON_DIAGNOSTICS_H_
