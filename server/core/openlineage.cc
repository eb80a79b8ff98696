#include "server/core/openlineage.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace catalog::server::openlineage {
namespace {

using nlohmann::json;

constexpr size_t kMaxText = 1024;

// Reads JSON into the event, reporting the first problem with its path.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  absl::Status Fail(const std::string& where, absl::string_view problem) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, where, ": ", problem));
  }

  // A string member; required ones must be non-empty.
  absl::Status Text(const json& object, const char* key, const std::string& where, bool required,
                    std::string* out) const {
    const std::string at = absl::StrCat(where, ".", key);
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
      return required ? Fail(at, "required") : absl::OkStatus();
    }
    if (!found->is_string()) return Fail(at, "must be a string");
    *out = found->get<std::string>();
    if (required && out->empty()) return Fail(at, "required");
    if (out->size() > kMaxText) return Fail(at, absl::StrCat("at most ", kMaxText, " characters"));
    return absl::OkStatus();
  }

  // An optional object member; null when absent.
  absl::StatusOr<const json*> Object(const json& parent, const char* key,
                                     const std::string& where) const {
    auto found = parent.find(key);
    if (found == parent.end() || found->is_null()) return nullptr;
    if (!found->is_object()) return Fail(absl::StrCat(where, ".", key), "must be an object");
    return &*found;
  }

  absl::Status Datasets(const json& event, const char* key, std::vector<DatasetRef>* out) const {
    auto found = event.find(key);
    if (found == event.end() || found->is_null()) return absl::OkStatus();
    if (!found->is_array()) return Fail(absl::StrCat(".", key), "must be an array");
    for (size_t i = 0; i < found->size(); ++i) {
      const std::string at = absl::StrCat(".", key, "[", i, "]");
      const json& item = (*found)[i];
      if (!item.is_object()) return Fail(at, "must be an object");
      DatasetRef& ref = out->emplace_back();
      if (absl::Status s = Text(item, "namespace", at, true, &ref.ns); !s.ok()) return s;
      if (absl::Status s = Text(item, "name", at, true, &ref.name); !s.ok()) return s;
      absl::StatusOr<const json*> facets = Object(item, "facets", at);
      if (!facets.ok()) return facets.status();
      if (*facets == nullptr) continue;
      if (absl::Status s = Schema(**facets, at + ".facets", &ref); !s.ok()) return s;
      if (absl::Status s = ColumnLineageFacet(**facets, at + ".facets", &ref); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Schema(const json& facets, const std::string& at, DatasetRef* ref) const {
    absl::StatusOr<const json*> schema = Object(facets, "schema", at);
    if (!schema.ok() || *schema == nullptr) return schema.status();
    auto fields = (*schema)->find("fields");
    const std::string fields_at = at + ".schema.fields";
    if (fields == (*schema)->end()) return Fail(fields_at, "required");
    if (!fields->is_array()) return Fail(fields_at, "must be an array");
    ref->has_schema = true;
    for (size_t i = 0; i < fields->size(); ++i) {
      const std::string field_at = absl::StrCat(fields_at, "[", i, "]");
      if (!(*fields)[i].is_object()) return Fail(field_at, "must be an object");
      std::string name, type;
      if (absl::Status s = Text((*fields)[i], "name", field_at, true, &name); !s.ok()) return s;
      if (absl::Status s = Text((*fields)[i], "type", field_at, false, &type); !s.ok()) return s;
      ref->fields.emplace_back(std::move(name), std::move(type));
    }
    return absl::OkStatus();
  }

  absl::Status ColumnLineageFacet(const json& facets, const std::string& at,
                                  DatasetRef* ref) const {
    absl::StatusOr<const json*> facet = Object(facets, "columnLineage", at);
    if (!facet.ok() || *facet == nullptr) return facet.status();
    const std::string facet_at = at + ".columnLineage";
    absl::StatusOr<const json*> fields = Object(**facet, "fields", facet_at);
    if (!fields.ok()) return fields.status();
    if (*fields == nullptr) return Fail(facet_at + ".fields", "required");
    ref->has_column_lineage = true;
    for (const auto& [field, spec] : (*fields)->items()) {
      const std::string field_at = absl::StrCat(facet_at, ".fields.", field);
      if (!spec.is_object()) return Fail(field_at, "must be an object");
      ColumnLineage& lineage = ref->column_lineage.emplace_back();
      lineage.field = field;
      if (absl::Status s =
              Text(spec, "transformationDescription", field_at, false, &lineage.transformation);
          !s.ok()) {
        return s;
      }
      auto inputs = spec.find("inputFields");
      if (inputs == spec.end() || !inputs->is_array()) {
        return Fail(field_at + ".inputFields", "required (an array)");
      }
      for (size_t i = 0; i < inputs->size(); ++i) {
        const std::string input_at = absl::StrCat(field_at, ".inputFields[", i, "]");
        if (!(*inputs)[i].is_object()) return Fail(input_at, "must be an object");
        ColumnLineage::Input& input = lineage.inputs.emplace_back();
        for (auto [key, out] : {std::pair{"namespace", &input.ns}, std::pair{"name", &input.name},
                                std::pair{"field", &input.field}}) {
          if (absl::Status s = Text((*inputs)[i], key, input_at, true, out); !s.ok()) return s;
        }
      }
    }
    return absl::OkStatus();
  }

  std::string path_;
};

absl::StatusOr<catalog::v1::RunState> ParseState(const std::string& text) {
  static const std::pair<const char*, catalog::v1::RunState> kStates[] = {
      {"START", catalog::v1::RUN_STATE_START},       {"RUNNING", catalog::v1::RUN_STATE_RUNNING},
      {"COMPLETE", catalog::v1::RUN_STATE_COMPLETE}, {"FAIL", catalog::v1::RUN_STATE_FAIL},
      {"ABORT", catalog::v1::RUN_STATE_ABORT},       {"OTHER", catalog::v1::RUN_STATE_OTHER},
  };
  for (const auto& [name, state] : kStates) {
    if (text == name) return state;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown value \"", text.substr(0, 40),
      "\" (expected START, RUNNING, COMPLETE, FAIL, ABORT or OTHER)"));
}

}  // namespace

absl::StatusOr<RunEvent> ParseRunEvent(absl::string_view text, const std::string& path) {
  const Reader reader(path);
  json event = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (event.is_discarded()) return reader.Fail("", "not valid JSON");
  if (!event.is_object()) return reader.Fail("", "must be a JSON object (an OpenLineage RunEvent)");

  RunEvent result;
  std::string type, time;
  if (absl::Status s = reader.Text(event, "eventType", "", false, &type); !s.ok()) return s;
  if (type.empty()) type = "OTHER";  // The spec allows events without a type.
  absl::StatusOr<catalog::v1::RunState> state = ParseState(type);
  if (!state.ok()) return reader.Fail(".eventType", state.status().message());
  result.state = *state;
  if (absl::Status s = reader.Text(event, "eventTime", "", true, &time); !s.ok()) return s;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, time, &result.time, &error)) {
    return reader.Fail(".eventTime", "not an ISO 8601 date-time with offset");
  }

  absl::StatusOr<const json*> run = reader.Object(event, "run", "");
  if (!run.ok()) return run.status();
  if (*run == nullptr) return reader.Fail(".run", "required");
  if (absl::Status s = reader.Text(**run, "runId", ".run", true, &result.run_id); !s.ok()) return s;
  absl::StatusOr<const json*> run_facets = reader.Object(**run, "facets", ".run");
  if (!run_facets.ok()) return run_facets.status();
  if (*run_facets != nullptr) {
    absl::StatusOr<const json*> message =
        reader.Object(**run_facets, "errorMessage", ".run.facets");
    if (!message.ok()) return message.status();
    if (*message != nullptr) {
      if (absl::Status s = reader.Text(**message, "message", ".run.facets.errorMessage", false,
                                       &result.error_message);
          !s.ok()) {
        return s;
      }
    }
  }

  absl::StatusOr<const json*> job = reader.Object(event, "job", "");
  if (!job.ok()) return job.status();
  if (*job == nullptr) return reader.Fail(".job", "required");
  if (absl::Status s = reader.Text(**job, "namespace", ".job", true, &result.job_ns); !s.ok()) {
    return s;
  }
  if (absl::Status s = reader.Text(**job, "name", ".job", true, &result.job_name); !s.ok()) {
    return s;
  }
  absl::StatusOr<const json*> job_facets = reader.Object(**job, "facets", ".job");
  if (!job_facets.ok()) return job_facets.status();
  if (*job_facets != nullptr) {
    absl::StatusOr<const json*> doc = reader.Object(**job_facets, "documentation", ".job.facets");
    if (!doc.ok()) return doc.status();
    if (*doc != nullptr) {
      if (absl::Status s = reader.Text(**doc, "description", ".job.facets.documentation", false,
                                       &result.job_description);
          !s.ok()) {
        return s;
      }
    }
  }
  if (absl::Status s = reader.Datasets(event, "inputs", &result.inputs); !s.ok()) return s;
  if (absl::Status s = reader.Datasets(event, "outputs", &result.outputs); !s.ok()) return s;
  return result;
}

}  // namespace catalog::server::openlineage
