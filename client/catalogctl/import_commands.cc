// catalogctl import amsterdam-schema PATH: the datasets of Amsterdam Schema
// files (client/lib/amsterdam_schema.h, docs/AMSTERDAM-SCHEMA.md) into the
// catalogue. Each dataset is written on its own: created, updated in the
// fields the import sets (conditional on the etag read), or left alone when
// nothing changed. A dataset whose files have problems is not written; the
// others are, and the command then fails with a summary.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/catalogctl/commands.h"
#include "client/lib/amsterdam_schema.h"
#include "client/lib/local_file.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

struct ImportOptions {
  std::string path;
  std::string auth_map;
  std::string domain = client::CreateDefaults().domain;
  std::string hosting = "on_premises";
};

// What became of one dataset.json.
struct Outcome {
  std::string file;
  std::string id;
  std::string result;  // created, updated, unchanged, failed
  std::vector<std::string> changed;
  std::vector<std::string> problems;
};

absl::StatusOr<client::AuthMap> LoadAuthMap(const std::string& path) {
  if (path.empty()) return client::AuthMap();
  CATALOGCTL_ASSIGN_OR_RETURN(std::string text,
                              client::ReadLocalFile(path, absl::StrCat("--auth-map \"", path, "\"")));
  absl::StatusOr<client::AuthMap> map = client::AuthMap::FromJson(text, path);
  if (!map.ok()) return client::MarkUsageError(map.status());
  return map;
}

absl::StatusOr<std::optional<v1::Dataset>> Stored(client::CatalogClient& client,
                                                  const std::string& id) {
  v1::GetDatasetRequest request;
  request.set_id(id);
  absl::StatusOr<v1::Dataset> stored = client.GetDataset(request);
  if (absl::IsNotFound(stored.status())) return std::nullopt;
  if (!stored.ok()) return stored.status();
  return *std::move(stored);
}

// Creates the dataset, or updates the paths that changed, with the etag
// read so that a change made in between is not overwritten.
absl::Status Write(client::CatalogClient& client, const v1::Dataset& imported,
                   const client::CreateDefaults& defaults, Outcome* outcome) {
  CATALOGCTL_ASSIGN_OR_RETURN(std::optional<v1::Dataset> stored, Stored(client, imported.id()));
  const v1::Dataset merged =
      client::MergeOntoStored(imported, stored ? &*stored : nullptr, defaults);
  if (!stored) {
    v1::CreateDatasetRequest request;
    *request.mutable_dataset() = merged;
    outcome->result = "created";
    return client.CreateDataset(request).status();
  }
  outcome->changed = client::ChangedPaths(*stored, merged);
  if (outcome->changed.empty()) {
    outcome->result = "unchanged";
    return absl::OkStatus();
  }
  v1::UpdateDatasetRequest request;
  *request.mutable_dataset() = merged;
  request.mutable_dataset()->set_etag(stored->etag());
  for (const std::string& path : outcome->changed) request.mutable_update_mask()->add_paths(path);
  outcome->result = "updated";
  return client.UpdateDataset(request).status();
}

Outcome ImportOne(client::CatalogClient& client, const std::string& file,
                  const client::AuthMap& auth, const client::CreateDefaults& defaults,
                  std::set<std::string>* ids) {
  Outcome outcome;
  outcome.file = file;
  client::AmsterdamDataset read = client::ReadAmsterdamDataset(file, auth);
  for (const client::SchemaProblem& problem : read.problems) {
    outcome.problems.push_back(problem.ToString());
  }
  if (read.dataset) {
    outcome.id = read.dataset->id();
    if (!ids->insert(outcome.id).second) {
      outcome.problems.push_back(
          absl::StrCat(file, ": the id ", outcome.id, " is that of another dataset.json here"));
    } else if (absl::Status s = Write(client, *read.dataset, defaults, &outcome); !s.ok()) {
      outcome.problems.push_back(absl::StrCat(file, ": ", outcome.id, ": ",
                                              absl::StatusCodeToString(s.code()), ": ",
                                              s.message()));
    }
  }
  if (!outcome.problems.empty()) {
    outcome.result = "failed";
    outcome.changed.clear();
  }
  return outcome;
}

std::string Summary(const std::vector<Outcome>& outcomes) {
  std::map<std::string, int> counts;
  for (const Outcome& o : outcomes) ++counts[o.result];
  return absl::StrCat(outcomes.size(), " datasets: ", counts["created"], " created, ",
                      counts["updated"], " updated, ", counts["unchanged"], " unchanged, ",
                      counts["failed"], " failed");
}

nlohmann::ordered_json ToJson(const std::vector<Outcome>& outcomes) {
  nlohmann::ordered_json json = {{"datasets", nlohmann::ordered_json::array()}};
  for (const Outcome& o : outcomes) {
    json["datasets"].push_back({{"file", o.file}, {"id", o.id}, {"result", o.result},
                                {"changed", o.changed}, {"problems", o.problems}});
  }
  json["summary"] = Summary(outcomes);
  return json;
}

std::string ToText(const std::vector<Outcome>& outcomes) {
  std::string text;
  for (const Outcome& o : outcomes) {
    if (o.result == "failed") continue;
    absl::StrAppend(&text, o.result, " ", o.id, " (", o.file, ")");
    if (!o.changed.empty()) absl::StrAppend(&text, ": ", absl::StrJoin(o.changed, ", "));
    text += "\n";
  }
  return absl::StrCat(text, Summary(outcomes), "\n");
}

absl::Status RunImport(CommandContext& ctx, const ImportOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(client::AuthMap auth, LoadAuthMap(o.auth_map));
  client::CreateDefaults defaults;
  defaults.domain = o.domain;
  CATALOGCTL_ASSIGN_OR_RETURN(defaults.hosting,
                              ParseEnumFlag<v1::HostingKind>(o.hosting, "--hosting"));
  absl::StatusOr<std::vector<std::string>> files = client::FindDatasetFiles(o.path);
  if (!files.ok()) return client::MarkUsageError(files.status());
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  std::vector<Outcome> outcomes;
  std::set<std::string> ids;
  int64_t failed = 0;
  for (const std::string& file : *files) {
    outcomes.push_back(ImportOne(*client, file, auth, defaults, &ids));
    for (const std::string& problem : outcomes.back().problems) ctx.err() << problem << "\n";
    failed += outcomes.back().result == "failed";
  }
  CATALOGCTL_RETURN_IF_ERROR(ctx.Print(ToJson(outcomes), [&] { return ToText(outcomes); }));
  return FailedItemsStatus(failed, static_cast<int64_t>(outcomes.size()), "datasets");
}

}  // namespace

void RegisterImportCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(app, "import", "Bring existing catalogues in");
  auto o = std::make_shared<ImportOptions>();
  CLI::App* c = registry.Add(
      *group, "amsterdam-schema",
      "Datasets of Amsterdam Schema files (a datasets/ tree, a dataset folder or a "
      "dataset.json; docs/AMSTERDAM-SCHEMA.md): new ones created, changed ones updated, "
      "a dataset with a bad file not written",
      [o](CommandContext& ctx) { return RunImport(ctx, *o); });
  c->add_option("PATH", o->path, "datasets/ folder, dataset folder or dataset.json")->required();
  c->add_option("--auth-map", o->auth_map,
                "JSON file {\"SCOPE\": \"level\"} of confidentiality per auth scope (\"*\" for "
                "the others; default OPENBAAR openbaar, others intern)");
  c->add_option("--domain", o->domain,
                "domain of a new dataset without a theme")
      ->capture_default_str();
  c->add_option("--hosting", o->hosting, "hosting kind of a new dataset")->capture_default_str();
}

}  // namespace catalog::catalogctl
