// Checked reading of a JSON document for the Amsterdam Schema import: typed
// accessors that record, instead of throwing, where a document does not have
// the type the metaschema asks for ("/versions/v1/tables: expected an
// array"). Internal to amsterdam_schema.cc.
#ifndef CATALOG_CLIENT_LIB_SCHEMA_JSON_H_
#define CATALOG_CLIENT_LIB_SCHEMA_JSON_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "client/lib/amsterdam_schema.h"

namespace catalog::client {

// Keeps the order of the file (the fields of a table in their order).
using Json = nlohmann::ordered_json;

// `parent` + "/" + `key`, escaped as RFC 6901 says ("~0", "~1").
std::string PointerTo(absl::string_view parent, absl::string_view key);

// Reads one file's document; problems go to a list shared by the files of
// one dataset.
class CheckedFile {
 public:
  CheckedFile(std::string file, std::vector<SchemaProblem>* problems)
      : file_(std::move(file)), problems_(problems) {}

  const std::string& file() const { return file_; }
  // Another file of the same dataset, reporting to the same list.
  CheckedFile Sibling(std::string file) const { return CheckedFile(std::move(file), problems_); }
  void Fail(const std::string& pointer, std::string message);

  // The file parsed; nullopt (and a problem with line and column) when it
  // cannot be read or is not JSON.
  std::optional<Json> Parse();

  // Member `key` of object `object` (at `pointer`), null when absent; a
  // problem when `required` and absent.
  const Json* Member(const Json& object, const std::string& pointer, const char* key,
                     bool required = false);
  // As Member, and a problem when present with another type.
  std::optional<std::string> String(const Json& object, const std::string& pointer,
                                    const char* key, bool required = false);
  const Json* Object(const Json& object, const std::string& pointer, const char* key,
                     bool required = false);
  const Json* Array(const Json& object, const std::string& pointer, const char* key,
                    bool required = false);
  // An array of strings; its items that are not strings are problems.
  std::vector<std::string> Strings(const Json& object, const std::string& pointer,
                                   const char* key);
  // `auth`: one scope or an array of scopes, each "A" or "A/B/..." of letters.
  std::vector<std::string> Scopes(const Json& object, const std::string& pointer);

 private:
  std::string file_;
  std::vector<SchemaProblem>* problems_;
};

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_SCHEMA_JSON_H_
