// catalogctl demo generate|load: the generated municipal landscape
// (client/demo/landscape_generator.h), as JSONL or straight into a server
// (datasets, the external parties and lineage edges, measurement histories,
// terugmeldingen).
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "api/resource_names.h"
#include "client/catalogctl/commands.h"
#include "client/demo/landscape_generator.h"
#include "client/lib/output.h"
#include "client/lib/quality_output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

struct DemoOptions {
  int64_t datasets = 200;
  uint64_t seed = 1;
  int batch = 500;
  bool add_to_existing = false;
  int64_t operations = 3000;  // demo log
  int days = 30;

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

// The measurement history of every dataset (LandscapeGenerator::
// Measurements, up to now), streamed through RecordMeasurements.
absl::StatusOr<StepReport> LoadMeasurements(DemoRun& run) {
  const absl::Time now = absl::Now();
  int64_t dataset = 0;
  std::vector<v1::Measurement> pending;
  size_t next = 0;
  const absl::Time start = absl::Now();
  CATALOGCTL_ASSIGN_OR_RETURN(
      client::MeasurementLoadResult result,
      run.client.RecordMeasurements([&](v1::Measurement* m) {
        while (next == pending.size()) {
          if (dataset >= run.generator.size()) return false;
          pending = run.generator.Measurements(dataset++, now);
          next = 0;
        }
        *m = std::move(pending[next++]);
        return true;
      }));
  const absl::Duration elapsed = absl::Now() - start;
  StepReport report;
  report.json = client::MeasurementLoadResultToJson(result);
  report.json["seconds"] = absl::ToDoubleSeconds(elapsed);
  std::string counts = client::FormatMeasurementLoadResult(result);
  counts.insert(counts.find('\n'), Rate(result.total(), elapsed));
  report.human = std::move(counts);
  report.failed = result.failed;
  return report;
}

// Whether a refusal concerns the one item only (counted as failed, the run
// goes on: the dataset is above the loader's clearance, ...) rather than
// the connection or the caller as a whole (the run stops).
bool IsItemFailure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

// Outcome of creating items one call each: ALREADY_EXISTS (a rerun) counts
// as existing. Thread-safe.
class CreateTally {
 public:
  static constexpr int kMaxFailuresShown = 10;

  // Counts one call's status; returns false when the run must stop (the
  // first such status is kept for Report).
  bool Add(const std::string& item, const absl::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    if (status.ok()) {
      ++created_;
    } else if (absl::IsAlreadyExists(status)) {
      ++existing_;
    } else if (IsItemFailure(status)) {
      ++failed_;
      if (failures_.size() < kMaxFailuresShown) failures_.emplace_back(item, status);
    } else {
      if (stop_.ok()) stop_ = status;
      return false;
    }
    return true;
  }
  bool stopped() const {
    std::lock_guard<std::mutex> lock(mu_);
    return !stop_.ok();
  }

  // The step's report, or the status that stopped it.
  absl::StatusOr<StepReport> Report(absl::Duration elapsed) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stop_.ok()) return stop_;
    StepReport report;
    report.json["created"] = created_;
    report.json["existing"] = existing_;
    report.json["failed"] = failed_;
    nlohmann::ordered_json failures = nlohmann::ordered_json::array();
    for (const auto& [item, status] : failures_) {
      failures.push_back({{"item", item},
                          {"code", absl::StatusCodeToString(status.code())},
                          {"message", std::string(status.message())}});
    }
    report.json["failures"] = std::move(failures);
    report.json["seconds"] = absl::ToDoubleSeconds(elapsed);
    report.human = absl::StrCat("created ", created_, ", existing ", existing_, ", failed ",
                                failed_, Rate(created_ + existing_ + failed_, elapsed), "\n");
    for (const auto& [item, status] : failures_) {
      absl::StrAppend(&report.human, "  ", item, ": ", absl::StatusCodeToString(status.code()),
                      ": ", status.message(), "\n");
    }
    if (failed_ > static_cast<int64_t>(failures_.size())) {
      absl::StrAppend(&report.human, "  ... and ", failed_ - static_cast<int64_t>(failures_.size()),
                      " more failures\n");
    }
    report.failed = failed_;
    return report;
  }

 private:
  mutable std::mutex mu_;
  int64_t created_ = 0;
  int64_t existing_ = 0;
  int64_t failed_ = 0;
  std::vector<std::pair<std::string, absl::Status>> failures_;
  absl::Status stop_;
};

absl::StatusOr<StepReport> LoadParties(DemoRun& run) {
  const absl::Time start = absl::Now();
  CreateTally tally;
  for (const v1::ExternalParty& party : run.generator.Parties()) {
    v1::CreatePartyRequest request;
    *request.mutable_party() = party;
    if (!tally.Add(absl::StrCat("parties/", party.id()), run.client.CreateParty(request).status())) {
      break;
    }
  }
  return tally.Report(absl::Now() - start);
}

// The register of processing activities (after the parties it names).
absl::StatusOr<StepReport> LoadProcessingActivities(DemoRun& run) {
  const absl::Time start = absl::Now();
  CreateTally tally;
  for (const v1::ProcessingActivity& activity : run.generator.ProcessingActivities()) {
    v1::CreateProcessingActivityRequest request;
    *request.mutable_activity() = activity;
    if (!tally.Add(api::ActivityName(activity.id()),
                   run.client.CreateProcessingActivity(request).status())) {
      break;
    }
  }
  return tally.Report(absl::Now() - start);
}

// Edges are created with this many calls in flight, so that their durable
// writes share WAL syncs.
constexpr int kEdgeCalls = 8;

absl::StatusOr<StepReport> LoadLineage(DemoRun& run) {
  const absl::Time start = absl::Now();
  CreateTally tally;
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    while (!tally.stopped()) {
      const int64_t i = next.fetch_add(1);
      if (i >= run.generator.size()) return;
      for (const v1::LineageEdge& edge : run.generator.Edges(i)) {
        v1::CreateEdgeRequest request;
        *request.mutable_edge() = edge;
        const absl::Status status = run.client.CreateEdge(request).status();
        if (!tally.Add(absl::StrCat(edge.source(), " -> ", edge.target()), status)) return;
      }
    }
  };
  std::vector<std::thread> workers;
  for (int k = 0; k < kEdgeCalls; ++k) workers.emplace_back(worker);
  for (std::thread& t : workers) t.join();
  return tally.Report(absl::Now() - start);
}

// The terugmeldingen of the landscape (LandscapeGenerator::Terugmeldingen),
// filed by the loading principal and each moved through legal transitions
// to its target status (LandscapeGenerator::TargetStatus). Loading twice
// files them twice.
absl::StatusOr<StepReport> LoadTerugmeldingen(DemoRun& run) {
  int64_t filed = 0, transitions = 0, failed = 0;
  std::map<std::string, int64_t> by_status;
  std::string first_failure;
  auto refused = [&](const absl::Status& status, const std::string& what) {
    ++failed;
    if (first_failure.empty()) {
      first_failure = absl::StrCat(what, ": ", client::DescribeError(status));
    }
  };
  const absl::Time start = absl::Now();
  for (int64_t i = 0; i < run.generator.size(); ++i) {
    const std::vector<v1::Terugmelding> reports = run.generator.Terugmeldingen(i);
    for (size_t k = 0; k < reports.size(); ++k) {
      v1::FileTerugmeldingRequest file;
      *file.mutable_terugmelding() = reports[k];
      absl::StatusOr<v1::Terugmelding> t = run.client.FileTerugmelding(file);
      if (!t.ok()) {
        if (!IsItemFailure(t.status())) return t.status();
        refused(t.status(), reports[k].dataset());
        continue;
      }
      ++filed;
      const v1::TerugmeldingStatus target =
          run.generator.TargetStatus(i, static_cast<int64_t>(k));
      for (v1::TerugmeldingStatus status :
           catalog::demo::LandscapeGenerator::TransitionPath(target)) {
        v1::TransitionTerugmeldingRequest move;
        move.set_name(t->name());
        move.set_status(status);
        move.set_note("demo");
        if (status == v1::TERUGMELDING_STATUS_INGEPLAND) {
          move.set_planning_expectation("volgende maand");
        }
        t = run.client.TransitionTerugmelding(move);
        if (!t.ok()) {
          if (!IsItemFailure(t.status())) return t.status();
          refused(t.status(), move.name());
          break;
        }
        ++transitions;
      }
      if (t.ok()) ++by_status[client::EnumText(t->status())];
    }
  }
  const absl::Duration elapsed = absl::Now() - start;
  StepReport report;
  report.json["filed"] = filed;
  report.json["transitions"] = transitions;
  report.json["failed"] = failed;
  report.json["by_status"] = by_status;
  report.json["seconds"] = absl::ToDoubleSeconds(elapsed);
  std::vector<std::string> statuses;
  for (const auto& [status, n] : by_status) {
    statuses.push_back(absl::StrCat(status, " ", n));
  }
  report.human = absl::StrCat("filed ", filed, ", transitions ", transitions,
                              ", failed ", failed, Rate(filed, elapsed), "\n");
  if (!statuses.empty()) {
    absl::StrAppend(&report.human, "  now ", absl::StrJoin(statuses, ", "),
                    "\n");
  }
  if (!first_failure.empty()) {
    absl::StrAppend(&report.human, "  first failure: ", first_failure, "\n");
  }
  report.failed = failed;
  return report;
}

// The steps of `demo load`, in order.
const std::vector<DemoStep>& DemoSteps() {
  static const std::vector<DemoStep>* const kSteps = new std::vector<DemoStep>{
      {"datasets", &LoadDatasets},
      {"parties", &LoadParties},
      {"lineage", &LoadLineage},
      {"processing", &LoadProcessingActivities},
      {"measurements", &LoadMeasurements},
      {"terugmeldingen", &LoadTerugmeldingen},
  };
  return *kSteps;
}

// A demo landscape goes into an empty catalogue: mixed with another (a
// second seed), its measurement histories average two series and its
// terugmeldingen and lineage land on datasets it did not make.
absl::Status CheckEmpty(client::CatalogClient& client) {
  v1::ListDatasetsRequest request;
  request.set_page_size(1);
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ListDatasetsResponse page, client.ListDatasets(request));
  if (page.datasets().empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the catalogue already holds datasets (", page.datasets(0).id(),
      ", ...); a demo landscape is loaded into an empty catalogue (a new --data-dir), or "
      "added on purpose with --add-to-existing"));
}

absl::Status RunLoad(CommandContext& ctx, const DemoOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  if (!o.add_to_existing) CATALOGCTL_RETURN_IF_ERROR(CheckEmpty(*client));
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

// ---- log ----

// Exports the demo processing log (run as an `application` principal):
// every span must be accepted.
absl::Status RunLog(CommandContext& ctx, const DemoOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  const catalog::demo::LandscapeGenerator generator(o.Landscape());
  int64_t spans = 0, rejected = 0, requests = 0;
  std::string first_problem;
  const absl::Time start = absl::Now();
  for (const auto& request : generator.ProcessingLog(o.operations, o.days, absl::Now())) {
    CATALOGCTL_ASSIGN_OR_RETURN(auto response, client->ExportSpans(request));
    ++requests;
    for (const auto& rs : request.resource_spans()) {
      for (const auto& ss : rs.scope_spans()) spans += ss.spans_size();
    }
    rejected += response.partial_success().rejected_spans();
    if (first_problem.empty()) first_problem = response.partial_success().error_message();
  }
  nlohmann::ordered_json json = {{"operations", spans - rejected},
                                 {"rejected", rejected},
                                 {"requests", requests},
                                 {"seconds", absl::ToDoubleSeconds(absl::Now() - start)}};
  CATALOGCTL_RETURN_IF_ERROR(ctx.Print(json, [&] {
    return absl::StrCat("log: ", spans - rejected, " operations exported in ", requests,
                        " requests", rejected > 0 ? absl::StrCat(", ", rejected, " rejected") : "",
                        "\n");
  }));
  if (rejected > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(rejected, " operations of the demo log were rejected: ", first_problem));
  }
  return absl::OkStatus();
}

void AddLandscapeOptions(CLI::App* command, DemoOptions* o) {
  command->add_option("--datasets", o->datasets, "number of datasets")
      ->check(Positive())
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
        registry.Add(*group, "load",
                     "Load the landscape into the server: datasets, "
                     "measurement histories, terugmeldingen",
                     [o](CommandContext& ctx) { return RunLoad(ctx, *o); });
    AddLandscapeOptions(c, o.get());
    c->add_option("--batch", o->batch, "datasets per request")
        ->check(Between(1, client::kMaxBatchSize))
        ->capture_default_str();
    c->add_flag("--add-to-existing", o->add_to_existing,
                "load although the catalogue already holds datasets (default: refused)");
  }
  {
    auto o = std::make_shared<DemoOptions>();
    CLI::App* c = registry.Add(
        *group, "log",
        "Export a processing log for the demo register over OTLP (as an application "
        "principal): operations for test BSNs over the last days",
        [o](CommandContext& ctx) { return RunLog(ctx, *o); });
    c->add_option("--seed", o->seed, "seed; the same seed, the same log")->capture_default_str();
    c->add_option("--operations", o->operations, "number of operations")
        ->check(Between(1, 10000000))
        ->capture_default_str();
    c->add_option("--days", o->days, "spread over this many days before now")
        ->check(Between(1, 3650))
        ->capture_default_str();
  }
}

}  // namespace catalog::catalogctl
