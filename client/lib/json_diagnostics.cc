#include "client/lib/json_diagnostics.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/lib/spelling.h"

namespace catalog::client {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

// "line L, column C" of byte `offset` in `json` (columns count code points,
// as editors do); "column C" alone for one-line input.
std::string Place(absl::string_view json, size_t offset) {
  offset = std::min(offset, json.size());
  const size_t line_start = json.rfind('\n', offset == 0 ? 0 : offset - 1);
  const size_t start = line_start == absl::string_view::npos ? 0 : line_start + 1;
  int64_t column = 1;
  for (size_t i = start; i < offset; ++i) {
    if ((static_cast<unsigned char>(json[i]) & 0xC0) != 0x80) ++column;
  }
  if (json.find('\n') == absl::string_view::npos ||
      json.find('\n') == json.size() - 1) {
    return absl::StrCat("column ", column);
  }
  const int64_t line = std::count(json.begin(), json.begin() + start, '\n') + 1;
  return absl::StrCat("line ", line, ", column ", column);
}

// Where the token that ends at byte `end` (1-based, as nlohmann counts)
// starts: a parse error is noticed after the offending token was read.
size_t TokenStart(absl::string_view json, size_t end) {
  if (end == 0) return 0;
  if (end > json.size()) return json.size();
  size_t p = end - 1;
  if (json[p] == '"') {
    while (p > 0) {
      --p;
      if (json[p] == '"' && (p == 0 || json[p - 1] != '\\')) return p;
    }
    return p;
  }
  auto in_word = [](char c) { return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '+'; };
  if (!in_word(json[p])) return p;
  while (p > 0 && in_word(json[p - 1])) --p;
  return p;
}

// The syntax error nlohmann's parser finds, with its place; nullopt when
// `json` is syntactically valid.
std::optional<std::string> SyntaxError(absl::string_view json) {
  try {
    const nlohmann::json parsed = nlohmann::json::parse(json.begin(), json.end());
    (void)parsed;
    return std::nullopt;
  } catch (const nlohmann::json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5:
    // syntax error while parsing value - ..."; keep what follows the place.
    absl::string_view what = e.what();
    const size_t colon = what.find(": ");
    if (colon != absl::string_view::npos) what.remove_prefix(colon + 2);
    absl::ConsumePrefix(&what, "syntax error ");
    return absl::StrCat(Place(json, TokenStart(json, e.byte)), ": ", what);
  }
}

std::string LowerCamel(absl::string_view name) {
  std::string out;
  bool upper = false;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? absl::ascii_toupper(c) : c;
    upper = false;
  }
  return out;
}

// Offset of the value of key `key` (or of the key itself when `value` is
// empty) where that value starts with `value`; npos when none does.
size_t FindKeyValue(absl::string_view json, absl::string_view key, absl::string_view value) {
  const std::string quoted = absl::StrCat("\"", key, "\"");
  for (size_t at = json.find(quoted); at != absl::string_view::npos;
       at = json.find(quoted, at + 1)) {
    size_t p = at + quoted.size();
    while (p < json.size() && absl::ascii_isspace(json[p])) ++p;
    if (p >= json.size() || json[p] != ':') continue;
    ++p;
    while (p < json.size() && absl::ascii_isspace(json[p])) ++p;
    if (value.empty()) return at;
    if (absl::StartsWith(json.substr(p), value)) return p;
  }
  return absl::string_view::npos;
}

// The place of `field` (a proto or JSON field name) with `value`, or "".
std::string PlaceOf(absl::string_view json, absl::string_view field, absl::string_view value) {
  for (const std::string& key : {std::string(field), LowerCamel(field)}) {
    const size_t at = FindKeyValue(json, key, value);
    if (at != absl::string_view::npos) return absl::StrCat(Place(json, at), ": ");
  }
  return "";
}

std::string Located(absl::string_view json, absl::string_view field, absl::string_view value,
                    absl::string_view problem) {
  return absl::StrCat(PlaceOf(json, field, value), problem);
}

// "(classification.confidentiality): invalid value "X" for type T".
std::optional<std::string> InvalidValue(absl::string_view json, const std::string& message) {
  // Parsed by hand: std::regex trips GCC 12's -Wmaybe-uninitialized under
  // the sanitizers.
  absl::string_view rest = message;
  if (!absl::ConsumePrefix(&rest, "(")) return std::nullopt;
  const size_t close = rest.find("): invalid value ");
  const size_t for_type = rest.rfind(" for type ");
  if (close == absl::string_view::npos || for_type == absl::string_view::npos ||
      for_type < close + 17) {
    return std::nullopt;
  }
  const std::string path(rest.substr(0, close));
  const std::string value(rest.substr(close + 17, for_type - close - 17));
  const std::string type(rest.substr(for_type + 10));
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  absl::string_view field = parts.back();
  field = field.substr(0, field.find('['));
  std::string problem;
  const EnumDescriptor* e = google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(
      std::string(absl::StripPrefix(type, "type.googleapis.com/")));
  if (e != nullptr) {
    std::vector<std::string> names;
    for (int i = 0; i < e->value_count(); ++i) {
      if (e->value(i)->number() != 0) names.push_back(e->value(i)->name());
    }
    problem = absl::StrCat(path, ": unknown value ", value, "; expected one of: ",
                           absl::StrJoin(names, ", "));
  } else {
    problem = absl::StrCat(path, ": ", value, " is not a ",
                           absl::AsciiStrToLower(absl::StripPrefix(type, "TYPE_")));
  }
  return Located(json, field, value, problem);
}

void CollectFieldNames(const Descriptor& type, std::set<const Descriptor*>* seen,
                       std::set<std::string>* names) {
  if (!seen->insert(&type).second) return;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    names->insert(f->json_name());
    if (f->message_type() != nullptr) CollectFieldNames(*f->message_type(), seen, names);
  }
}

// The field name of `type` (or of a message inside it) closest to `key`,
// when it is a likely typo; "" otherwise.
std::string ClosestField(absl::string_view key, const Descriptor& type) {
  std::set<const Descriptor*> seen;
  std::set<std::string> names;
  CollectFieldNames(type, &seen, &names);
  return ClosestWord(key, std::vector<std::string>(names.begin(), names.end()));
}

// "titel: Cannot find field.".
std::optional<std::string> UnknownField(absl::string_view json, absl::string_view message,
                                        const Descriptor& type) {
  if (!absl::ConsumeSuffix(&message, ": Cannot find field.")) return std::nullopt;
  // Inside a nested message: "(hosting) insideEaa".
  std::string path;
  if (absl::ConsumePrefix(&message, "(")) {
    const size_t close = message.find(") ");
    if (close == absl::string_view::npos) return std::nullopt;
    path = absl::StrCat(message.substr(0, close), ".");
    message.remove_prefix(close + 2);
  }
  std::string problem = absl::StrCat("unknown field \"", path, message, "\"");
  const std::string closest = ClosestField(message, type);
  if (!closest.empty()) absl::StrAppend(&problem, " (did you mean \"", closest, "\"?)");
  return Located(json, message, "", problem);
}

}  // namespace

std::string ExplainJsonError(absl::string_view json, absl::string_view parser_message,
                             const Descriptor& type) {
  if (std::optional<std::string> syntax = SyntaxError(json)) return *syntax;
  const std::string message(absl::StripAsciiWhitespace(parser_message));
  if (std::optional<std::string> value = InvalidValue(json, message)) return *value;
  if (std::optional<std::string> field = UnknownField(json, message, type)) return *field;
  std::vector<absl::string_view> lines = absl::StrSplit(message, '\n');
  return std::string(absl::StripAsciiWhitespace(lines.front()));
}

}  // namespace catalog::client
