// catalogctl demo generate|load: the generated municipal landscape
// (client/demo/landscape_generator.h), as JSONL or straight into a server.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/catalogctl/commands.h"
#include "client/demo/landscape_generator.h"
#include "client/lib/output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

struct DemoOptions {
  int64_t datasets = 200;
  uint64_t seed = 1;
  int batch = 500;

  catalog::demo::LandscapeOptions Landscape() const {
    catalog::demo::LandscapeOptions landscape;
    landscape.datasets = datasets;
    landscape.seed = seed;
    return landscape;
  }
};

// ---- generate ----

absl::Status RunGenerate(CommandContext& ctx, const DemoOptions& o) {
  const catalog::demo::LandscapeGenerator generator(o.Landscape());
  for (int64_t i = 0; i < generator.size(); ++i) {
    CATALOGCTL_ASSIGN_OR_RETURN(std::string line,
                                client::ToCompactJson(generator.Dataset(i)));
    ctx.out() << line << '\n';
  }
  ctx.out().flush();
  if (!ctx.out()) return absl::DataLossError("cannot write to stdout");
  return absl::OkStatus();
}

// ---- load ----

// What one step of `demo load` did.
struct StepReport {
  // Counts for -o json: {"created":N,...}.
  nlohmann::ordered_json json;
  // One line or a few, for people.
  std::string human;
  // Items the server refused; the command fails (exit 3) when any did.
  int64_t failed = 0;
};

// Shared by the steps of one `demo load`.
struct DemoRun {
  const DemoOptions& options;
  const catalog::demo::LandscapeGenerator& generator;
  client::CatalogClient& client;
};

// One step of `demo load`. Steps run in order; an RPC error stops the run.
struct DemoStep {
  std::string name;
  absl::StatusOr<StepReport> (*run)(DemoRun& run);
};

std::string Rate(int64_t items, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  if (seconds <= 0) return "";
  return absl::StrFormat(" in %.2f s, %.0f/s", seconds, items / seconds);
}

absl::StatusOr<StepReport> LoadDatasets(DemoRun& run) {
  int64_t next = 0;
  const absl::Time start = absl::Now();
  CATALOGCTL_ASSIGN_OR_RETURN(client::BulkLoadResult result,
                              run.client.BulkLoad(
                                  [&](v1::Dataset* dataset) {
                                    if (next >= run.generator.size())
                                      return false;
                                    *dataset = run.generator.Dataset(next++);
                                    return true;
                                  },
                                  run.options.batch));
  const absl::Duration elapsed = absl::Now() - start;
  StepReport report;
  CATALOGCTL_ASSIGN_OR_RETURN(report.json,
                              client::BulkLoadResultToJson(result));
  report.json["seconds"] = absl::ToDoubleSeconds(elapsed);
  std::string counts = client::FormatBulkLoadResult(result);
  // "created N, replaced N, failed N\n  failures..." -> add the rate to the
  // first line.
  const size_t eol = counts.find('\n');
  counts.insert(eol, Rate(result.total(), elapsed));
  report.human = std::move(counts);
  report.failed = result.failed;
  return report;
}

// The steps of `demo load`, in order. Later steps (lineage, quality,
// terugmeldingen) are added here.
const std::vector<DemoStep>& DemoSteps() {
  static const std::vector<DemoStep>* const kSteps = new std::vector<DemoStep>{
      {"datasets", &LoadDatasets},
  };
  return *kSteps;
}

absl::Status RunLoad(CommandContext& ctx, const DemoOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  const catalog::demo::LandscapeGenerator generator(o.Landscape());
  DemoRun run{o, generator, *client};

  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  std::string human;
  int64_t failed = 0;
  absl::Status status;
  for (const DemoStep& step : DemoSteps()) {
    absl::StatusOr<StepReport> report = step.run(run);
    if (!report.ok()) {
      status = client::AddContext(report.status(),
                                  absl::StrCat("demo load, step ", step.name));
      break;
    }
    json[step.name] = std::move(report->json);
    absl::StrAppend(&human, step.name, ": ", report->human);
    failed += report->failed;
  }
  // What was done is printed even when a step failed.
  if (!json.empty()) {
    CATALOGCTL_RETURN_IF_ERROR(ctx.Print(json, [&] { return human; }));
  }
  if (!status.ok()) return status;
  if (failed > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(failed, " items of the demo landscape were not stored"));
  }
  return absl::OkStatus();
}

void AddLandscapeOptions(CLI::App* command, DemoOptions* o) {
  command->add_option("--datasets", o->datasets, "number of datasets")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--seed", o->seed, "seed; the same seed, the same landscape")
      ->capture_default_str();
}

}  // namespace

void RegisterDemoCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(
      app, "demo", "A generated municipal data landscape for demos and tests");
  {
    auto o = std::make_shared<DemoOptions>();
    CLI::App* c = registry.Add(
        *group, "generate",
        "Write the landscape's datasets to stdout as JSONL (no server needed)",
        [o](CommandContext& ctx) { return RunGenerate(ctx, *o); });
    AddLandscapeOptions(c, o.get());
  }
  {
    auto o = std::make_shared<DemoOptions>();
    CLI::App* c =
        registry.Add(*group, "load", "Load the landscape into the server",
                     [o](CommandContext& ctx) { return RunLoad(ctx, *o); });
    AddLandscapeOptions(c, o.get());
    c->add_option("--batch", o->batch, "datasets per request")
        ->check(CLI::Range(1, client::kMaxBatchSize))
        ->capture_default_str();
  }
}

}  // namespace catalog::catalogctl
