// Output of the client: proto3 JSON for scripts, aligned tables and
// "key: value" blocks for people. Enum values are shown in their short form
// ("vertrouwelijk"), booleans as ja/nee.
//
// All functions are pure and thread-safe.
#ifndef CATALOG_CLIENT_LIB_OUTPUT_H_
#define CATALOG_CLIENT_LIB_OUTPUT_H_

#include <google/protobuf/message.h>
#include <google/protobuf/repeated_ptr_field.h>
#include <google/protobuf/timestamp.pb.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/enum_text.h"
#include "catalog/v1/audit_service.pb.h"
#include "catalog/v1/catalog_service.pb.h"
#include "catalog/v1/dataset.pb.h"
#include "client/lib/bulk_loader.h"

namespace catalog::client {

// Number of failures FormatBulkLoadResult lists.
inline constexpr int kFailuresShown = 20;
// Display width of the TITLE column of FormatDatasetTable.
inline constexpr size_t kTitleWidth = 40;
// Display width of the RESOURCES and PURPOSE columns of FormatAuditTable.
inline constexpr size_t kResourcesWidth = 40;
inline constexpr size_t kPurposeWidth = 30;

// `message` as proto3 JSON (lowerCamelCase names, enums by name, fields
// with default values left out), indented, ending in a newline. INTERNAL if
// protobuf cannot print it.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

// As ToJson, on one line without whitespace and without a newline (JSONL).
absl::StatusOr<std::string> ToCompactJson(
    const google::protobuf::Message& message);

// ToCompactJson parsed into a JSON value, to embed a message in a larger
// JSON document.
absl::StatusOr<nlohmann::ordered_json> ToJsonValue(
    const google::protobuf::Message& message);

// `value` indented like ToJson, ending in a newline.
std::string FormatJson(const nlohmann::ordered_json& value);

// How tables are laid out, for the whole process (catalogctl's main sets it
// once, before any output). With `wide` (--wide), or without a terminal
// (`terminal_width` 0: a pipe or a file), no cell is cut. Otherwise columns
// are capped where a table says so (TextTable::Limit), and a table wider
// than `terminal_width` is cut further to fit, widest column first -- never
// the first column, which holds the name a command accepts. Cut cells end
// in "...".
void SetTableLayout(bool wide, size_t terminal_width);

// A table of left-aligned columns separated by two spaces. Widths count
// UTF-8 code points, so names like "Gemeentelijke Basisadministratie één"
// line up.
class TextTable {
 public:
  // `indent` spaces start every line.
  explicit TextTable(std::vector<std::string> header, size_t indent = 0);

  // Adds a row; missing cells are empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);

  // Caps column `column` (free text: titles, explanations) at `width` code
  // points on a terminal, unless the layout is wide.
  void Limit(size_t column, size_t width);

  // The header and the rows, one line each (each ending in '\n'), laid out
  // as SetTableLayout says.
  std::string Render() const;

 private:
  std::vector<size_t> ColumnWidths() const;

  size_t indent_;
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header.
  std::vector<size_t> limits_;                  // 0: none.
};

// A "key: value" block: groups of lines with aligned values. Empty values
// are left out, and so is a group with no values.
class KeyValueBlock {
 public:
  // Starts a group; lines added after it are indented under `title`. Lines
  // added before the first group are top-level.
  void Group(std::string title);

  void Add(std::string key, std::string value);

  std::string Render() const;

 private:
  struct GroupLines {
    std::string title;
    std::vector<std::pair<std::string, std::string>> lines;
  };
  std::vector<GroupLines> groups_;
};

// Adds the output-only bookkeeping that datasets, edges, parties and
// activities share: revision, etag, created, updated.
void AddBookkeeping(KeyValueBlock& block, int64_t revision, const std::string& etag,
                    const google::protobuf::Timestamp& created,
                    const google::protobuf::Timestamp& updated);

// Short enum text, empty for UNSPECIFIED (left out of "key: value" blocks).
template <typename E>
std::string EnumText(E value) {
  if (static_cast<int>(value) == 0) return "";
  return catalog::api::EnumShortName(value);
}

// Short enum text for a table cell: "-" for UNSPECIFIED.
template <typename E>
std::string EnumCell(E value) {
  std::string text = EnumText(value);
  return text.empty() ? "-" : text;
}

// `text` for a table cell: control characters (which would break the row
// or drive the terminal) as spaces, "-" when empty.
std::string Cell(absl::string_view text);

// `text` cut to at most `width` code points, ending in "..." when cut.
std::string Truncate(absl::string_view text, size_t width);

// "ja" or "nee".
std::string JaNee(bool value);

// "2024-05-01T10:00:00Z" (UTC, seconds); empty for an unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& time);

// `dataset list`: ID, TITLE, DOMAIN, TYPE, HOSTING, CONFIDENTIALITY,
// PERSONAL, REVISION.
std::string FormatDatasetTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::Dataset>& datasets);

// `dataset get`: "key: value" lines of the important fields, grouped, then
// the schema fields as a table (NAME, TYPE, PERSONAL, CONFIDENTIALITY).
std::string FormatDatasetDetail(const catalog::v1::Dataset& dataset);

// `dataset history`: REVISION, TIME, KIND, PRINCIPAL.
std::string FormatRevisionTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::DatasetRevision>&
        revisions);

// The last part of a full RPC method name: "GetDataset" for
// "/catalog.v1.CatalogService/GetDataset".
std::string MethodShortName(absl::string_view method);

// `audit list`: SEQ, TIME, PRINCIPAL, METHOD (last part), RESOURCES,
// PURPOSE, OUTCOME (status code name). Control characters in the cells are
// shown as spaces; empty cells as "-".
std::string FormatAuditTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::AuditEvent>& events);

// `audit verify`: "audit trail intact: N entries" or "audit trail BROKEN at
// sequence S: PROBLEM", one line.
std::string FormatAuditVerification(
    const catalog::v1::VerifyAuditTrailResponse& result);

// "created N, replaced N, failed N" and up to `max_failures` failures (id,
// code and message), one per line.
std::string FormatBulkLoadResult(const BulkLoadResult& result,
                                 int max_failures = kFailuresShown);

// {"created":N,"replaced":N,"failed":N,"failures":[UpsertResult...]}.
absl::StatusOr<nlohmann::ordered_json> BulkLoadResultToJson(
    const BulkLoadResult& result);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_OUTPUT_H_
