#include "client/lib/amsterdam_tables.h"

#include <filesystem>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;

// What a table gives its fields when they say nothing themselves.
struct TableContext {
  std::string id;
  v1::Confidentiality confidentiality = v1::CONFIDENTIALITY_UNSPECIFIED;
  bool personal_data = false;
};

// "geometry (Point)" for a GeoJSON $ref, "array<string>", the format of a
// string ("date", "date-time"), else the JSON Schema type.
std::string FieldType(CheckedFile& file, const Json& field, const std::string& pointer) {
  if (std::optional<std::string> ref = file.String(field, pointer, "$ref");
      ref && absl::StrContains(*ref, "geojson.org/schema/")) {
    absl::string_view shape = *ref;
    shape = shape.substr(shape.rfind('/') + 1);
    absl::ConsumeSuffix(&shape, ".json");
    return absl::StrCat("geometry (", shape, ")");
  }
  std::optional<std::string> type = file.String(field, pointer, "type");
  if (!type) return "";
  if (*type == "array") {
    if (const Json* items = file.Object(field, pointer, "items")) {
      if (std::optional<std::string> item = file.String(*items, PointerTo(pointer, "items"),
                                                        "type")) {
        return absl::StrCat("array<", *item, ">");
      }
    }
  }
  if (*type == "string") {
    if (std::optional<std::string> format = file.String(field, pointer, "format")) return *format;
  }
  return *type;
}

void ReadField(CheckedFile& file, const TableContext& table, const std::string& name,
               const Json& field, const std::string& pointer, const AuthMap& auth,
               v1::Dataset* out) {
  if (!field.is_object()) {
    file.Fail(pointer, "expected an object (the field's JSON Schema)");
    return;
  }
  v1::SchemaField* f = out->add_schema_fields();
  f->set_name(absl::StrCat(table.id, ".", name));
  f->set_type(FieldType(file, field, pointer));
  std::optional<std::string> description = file.String(field, pointer, "description");
  if (!description) description = file.String(field, pointer, "title");
  f->set_description(description.value_or(""));
  const v1::Confidentiality level = LevelOf(file.Scopes(field, pointer), auth);
  f->set_confidentiality(level != v1::CONFIDENTIALITY_UNSPECIFIED ? level
                                                                   : table.confidentiality);
  f->set_personal_data(table.personal_data ||
                       MeansPersonalData(file.Strings(field, pointer, "reasonsNonPublic")));
}

// One table document (a table file, or inline in the dataset).
void ReadTable(CheckedFile& file, const Json& table, const std::string& pointer,
               const AuthMap& auth, v1::Dataset* out) {
  if (!table.is_object()) {
    file.Fail(pointer, "expected an object (a table)");
    return;
  }
  TableContext context;
  context.id = file.String(table, pointer, "id", true).value_or("");
  if (std::optional<std::string> type = file.String(table, pointer, "type");
      type && *type != "table") {
    file.Fail(PointerTo(pointer, "type"), absl::StrCat("expected \"table\", not \"", *type, "\""));
  }
  context.confidentiality = LevelOf(file.Scopes(table, pointer), auth);
  context.personal_data = MeansPersonalData(file.Strings(table, pointer, "reasonsNonPublic"));
  const Json* schema = file.Object(table, pointer, "schema", true);
  if (schema == nullptr) return;
  const std::string schema_at = PointerTo(pointer, "schema");
  const Json* properties = file.Object(*schema, schema_at, "properties", true);
  if (properties == nullptr) return;
  const std::string properties_at = PointerTo(schema_at, "properties");
  for (const auto& [name, field] : properties->items()) {
    if (name == "schema") continue;  // The link to the metaschema, not data.
    ReadField(file, context, name, field, PointerTo(properties_at, name), auth, out);
  }
}

// The table file a "$ref" ("personen/v1") names, below `dataset_dir`.
std::optional<std::string> TableFile(CheckedFile& dataset, const std::string& ref,
                                     const std::string& pointer, const std::string& dataset_dir) {
  if (ref.empty() || ref[0] == '/' || absl::StrContains(ref, "://") ||
      absl::StrContains(ref, "..")) {
    dataset.Fail(pointer, absl::StrCat("\"", ref, "\" is not a path of a table file below the "
                                       "dataset's folder"));
    return std::nullopt;
  }
  std::string relative = absl::EndsWith(ref, ".json") ? ref : absl::StrCat(ref, ".json");
  const std::filesystem::path path = std::filesystem::path(dataset_dir) / relative;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    dataset.Fail(pointer, absl::StrCat("no table file ", relative, " (", path.string(), ")"));
    return std::nullopt;
  }
  return path.string();
}

}  // namespace

bool MeansPersonalData(const std::vector<std::string>& reasons) {
  for (const std::string& reason : reasons) {
    if (absl::StartsWith(reason, "5.1 1d") || absl::StartsWith(reason, "5.1 1e")) return true;
  }
  return false;
}

v1::Confidentiality LevelOf(const std::vector<std::string>& scopes, const AuthMap& auth) {
  v1::Confidentiality level = v1::CONFIDENTIALITY_UNSPECIFIED;
  for (const std::string& scope : scopes) level = std::max(level, auth.For(scope));
  return level;
}

void ReadTables(const Json& tables, const std::string& pointer, const std::string& dataset_dir,
                CheckedFile& dataset, const AuthMap& auth, v1::Dataset* out) {
  for (size_t i = 0; i < tables.size(); ++i) {
    const std::string at = PointerTo(pointer, std::to_string(i));
    const Json& item = tables[i];
    if (!item.is_object() || !item.contains("$ref")) {
      ReadTable(dataset, item, at, auth, out);  // Inline.
      continue;
    }
    std::optional<std::string> ref = dataset.String(item, at, "$ref");
    if (!ref) continue;
    std::optional<std::string> path = TableFile(dataset, *ref, PointerTo(at, "$ref"), dataset_dir);
    if (!path) continue;
    CheckedFile file = dataset.Sibling(*path);
    if (std::optional<Json> table = file.Parse()) ReadTable(file, *table, "", auth, out);
  }
}

}  // namespace catalog::client
