#include "client/lib/schema_json.h"

#include <cstddef>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/lib/local_file.h"

namespace catalog::client {
namespace {

const char* TypeName(const Json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "null";
}

// "line L, column C" of byte offset `byte` (1-based, as nlohmann counts).
std::string LineAndColumn(absl::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return absl::StrCat("line ", line, ", column ", column);
}

bool IsScope(absl::string_view scope) {
  if (scope.empty()) return false;
  for (absl::string_view part : absl::StrSplit(scope, '/')) {
    if (part.empty()) return false;
    for (char c : part) {
      if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
    }
  }
  return true;
}

}  // namespace

std::string PointerTo(absl::string_view parent, absl::string_view key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return absl::StrCat(parent, "/", escaped);
}

void CheckedFile::Fail(const std::string& pointer, std::string message) {
  problems_->push_back({file_, pointer, std::move(message)});
}

std::optional<Json> CheckedFile::Parse() {
  absl::StatusOr<std::string> text = ReadLocalFile(file_, "file");
  if (!text.ok()) {
    Fail("", std::string(text.status().message()));
    return std::nullopt;
  }
  try {
    return Json::parse(*text);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    const size_t colon = what.find(": ");
    Fail("", absl::StrCat(LineAndColumn(*text, e.byte), ": not valid JSON (",
                          colon == std::string::npos ? what : what.substr(colon + 2), ")"));
    return std::nullopt;
  }
}

const Json* CheckedFile::Member(const Json& object, const std::string& pointer, const char* key,
                                bool required) {
  if (object.is_object()) {
    auto it = object.find(key);
    if (it != object.end()) return &*it;
  }
  if (required) Fail(pointer, absl::StrCat("\"", key, "\" is required"));
  return nullptr;
}

std::optional<std::string> CheckedFile::String(const Json& object, const std::string& pointer,
                                               const char* key, bool required) {
  const Json* value = Member(object, pointer, key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    Fail(PointerTo(pointer, key), absl::StrCat("expected a string, not ", TypeName(*value)));
    return std::nullopt;
  }
  return value->get<std::string>();
}

const Json* CheckedFile::Object(const Json& object, const std::string& pointer, const char* key,
                                bool required) {
  const Json* value = Member(object, pointer, key, required);
  if (value == nullptr || value->is_object()) return value;
  Fail(PointerTo(pointer, key), absl::StrCat("expected an object, not ", TypeName(*value)));
  return nullptr;
}

const Json* CheckedFile::Array(const Json& object, const std::string& pointer, const char* key,
                               bool required) {
  const Json* value = Member(object, pointer, key, required);
  if (value == nullptr || value->is_array()) return value;
  Fail(PointerTo(pointer, key), absl::StrCat("expected an array, not ", TypeName(*value)));
  return nullptr;
}

std::vector<std::string> CheckedFile::Strings(const Json& object, const std::string& pointer,
                                              const char* key) {
  std::vector<std::string> out;
  const Json* array = Array(object, pointer, key);
  if (array == nullptr) return out;
  for (size_t i = 0; i < array->size(); ++i) {
    const Json& item = (*array)[i];
    if (!item.is_string()) {
      Fail(PointerTo(PointerTo(pointer, key), std::to_string(i)),
           absl::StrCat("expected a string, not ", TypeName(item)));
      continue;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<std::string> CheckedFile::Scopes(const Json& object, const std::string& pointer) {
  const Json* auth = Member(object, pointer, "auth");
  if (auth == nullptr) return {};
  std::vector<std::string> scopes;
  const std::string at = PointerTo(pointer, "auth");
  if (auth->is_string()) {
    scopes.push_back(auth->get<std::string>());
  } else if (auth->is_array()) {
    scopes = Strings(object, pointer, "auth");
  } else {
    Fail(at, absl::StrCat("expected a scope or an array of scopes, not ", TypeName(*auth)));
    return {};
  }
  for (const std::string& scope : scopes) {
    if (!IsScope(scope)) {
      Fail(at, absl::StrCat("\"", scope, "\" is not a scope (letters, parts separated by '/')"));
    }
  }
  return scopes;
}

}  // namespace catalog::client
