#include "client/lib/lineage_input.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "api/resource_names.h"

namespace catalog::client {
namespace {

using Json = nlohmann::ordered_json;

// What nlohmann says is wrong, without its "[json.exception.parse_error.101]
// parse error" head. When `one_line`, the line number is dropped (it is
// always 1: the caller names the line of the file) and the column kept.
std::string ParseErrorText(const Json::parse_error& error, bool one_line) {
  absl::string_view what = error.what();
  const size_t bracket = what.find("] ");
  if (bracket != absl::string_view::npos) what.remove_prefix(bracket + 2);
  if (!one_line) return std::string(what);
  const size_t colon = what.find(": ");
  if (colon != absl::string_view::npos) what.remove_prefix(colon + 2);
  return absl::StrCat("column ", error.byte, ": ", what);
}

// `event` compactly, or INVALID_ARGUMENT "<where>: ..." when it is not a
// JSON object. Invalid UTF-8 cannot reach here: the parser rejects it.
absl::StatusOr<std::string> CompactEvent(const Json& event,
                                         absl::string_view where) {
  if (!event.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": an OpenLineage event must be a JSON object, not ",
        event.type_name()));
  }
  return event.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Parses all of `text` as JSON. INVALID_ARGUMENT "<where>: not valid JSON:
// ..." otherwise.
absl::StatusOr<Json> ParseJson(absl::string_view text, absl::string_view where,
                               bool one_line) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& error) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": not valid JSON: ", ParseErrorText(error, one_line)));
  }
}

// `content` as one JSON array of events.
absl::StatusOr<std::vector<std::string>> ParseEventArray(
    absl::string_view content, absl::string_view source) {
  absl::StatusOr<Json> array = ParseJson(content, source, /*one_line=*/false);
  if (!array.ok()) return array.status();
  if (!array->is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": expected a JSON array of OpenLineage events"));
  }
  std::vector<std::string> events;
  events.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    absl::StatusOr<std::string> event = CompactEvent(
        (*array)[i],
        absl::StrCat(source, ": element ", i + 1, " of the array"));
    if (!event.ok()) return event.status();
    events.push_back(*std::move(event));
  }
  return events;
}

}  // namespace

absl::StatusOr<std::string> ParseLineageNode(absl::string_view text,
                                             absl::string_view field) {
  absl::string_view party = text;
  if (absl::ConsumePrefix(&party, kPartyCollection)) {
    // Party ids are the server's to judge; only the shape of the name is
    // checked here.
    if (party.empty() || absl::StrContains(party, '/')) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " \"", text, "\" is not a party name: write ",
                       kPartyCollection, "ID, e.g. parties/belastingdienst"));
    }
    return std::string(text);
  }
  absl::string_view id = text;
  absl::ConsumePrefix(&id, catalog::api::kDatasetCollection);
  if (absl::StrContains(id, '/')) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", text,
        "\" is not a node: write a dataset id, datasets/ID or parties/ID"));
  }
  absl::StatusOr<std::string> dataset =
      catalog::api::ParseDatasetName(id, field);
  if (!dataset.ok()) return dataset.status();
  return catalog::api::DatasetName(*dataset);
}

absl::StatusOr<catalog::v1::ColumnMapping> ParseColumnMapping(
    absl::string_view text) {
  // Field names hold neither ':' nor '=', a transformation may hold both:
  // so split off the transformation at the first ':' first.
  std::pair<absl::string_view, absl::string_view> head_how =
      absl::StrSplit(text, absl::MaxSplits(':', 1));
  std::pair<absl::string_view, absl::string_view> fields =
      absl::StrSplit(head_how.first, absl::MaxSplits('=', 1));
  catalog::v1::ColumnMapping mapping;
  mapping.set_source_field(
      std::string(absl::StripAsciiWhitespace(fields.first)));
  mapping.set_target_field(
      std::string(absl::StripAsciiWhitespace(fields.second)));
  mapping.set_transformation(
      std::string(absl::StripAsciiWhitespace(head_how.second)));
  if (mapping.source_field().empty() || absl::StrContains(fields.second, '=')) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--map \"", text,
        "\": expected SOURCE_FIELD=TARGET_FIELD[:TRANSFORMATION], e.g. "
        "geboortedatum=leeftijd:leeftijd op peildatum (TARGET_FIELD empty for "
        "a delivery: bsn=)"));
  }
  return mapping;
}

absl::StatusOr<std::vector<std::string>> ParseOpenLineageEvents(
    absl::string_view content, absl::string_view source) {
  if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(content), "[")) {
    return ParseEventArray(content, source);
  }
  std::vector<std::string> events;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::string where = absl::StrCat(source, ":", line_number);
    absl::StatusOr<Json> event = ParseJson(line, where, /*one_line=*/true);
    if (!event.ok() && events.empty()) {
      // Not JSONL from the first event on: perhaps one event, indented (as
      // the OpenLineage examples are written). Else the line's error stands.
      absl::StatusOr<Json> whole = ParseJson(content, source, false);
      if (whole.ok() && whole->is_object()) {
        absl::StatusOr<std::string> single = CompactEvent(*whole, source);
        if (!single.ok()) return single.status();
        return std::vector<std::string>{*std::move(single)};
      }
    }
    if (!event.ok()) return event.status();
    absl::StatusOr<std::string> compact = CompactEvent(*event, where);
    if (!compact.ok()) return compact.status();
    events.push_back(*std::move(compact));
  }
  return events;
}

}  // namespace catalog::client
