// catalogctl quality record|load|list|report: measurements of a dataset's
// quality per dimension and its quality report (QualityService), and
// catalogctl report file|list|show|transition|mine: terugmeldingen, reports
// of doubted data back to its bronhouder (TerugmeldingService).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/catalogctl/commands.h"
#include "client/lib/catalog_client.h"
#include "client/lib/json_input.h"
#include "client/lib/quality_input.h"
#include "client/lib/quality_output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

// Binds the positional DATASET.
void AddDatasetArgument(CLI::App* command, std::string* dataset) {
  command->add_option("DATASET", *dataset, "dataset id, e.g. brp-ingezetenen")
      ->required();
}

// ---- quality record ----

struct RecordOptions {
  std::string dataset, dimension, measured_at, method, measured_by;
  double score = 0;
  int64_t sample_size = 0;
};

absl::Status RunRecord(CommandContext& ctx, const RecordOptions& o) {
  v1::RecordMeasurementRequest request;
  v1::Measurement& m = *request.mutable_measurement();
  CATALOGCTL_ASSIGN_OR_RETURN(*m.mutable_dataset(), ParseIdArgument(o.dataset));
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.dimension, "--dimension", &m,
                                          &v1::Measurement::set_dimension));
  m.set_score(o.score);
  CATALOGCTL_RETURN_IF_ERROR(SetTimeFlag(o.measured_at, "--measured-at", &m,
                                         &v1::Measurement::mutable_measured_at));
  m.set_method(o.method);
  m.set_sample_size(o.sample_size);
  m.set_measured_by(o.measured_by);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::Measurement recorded,
                              client->RecordMeasurement(request));
  return ctx.Print(recorded,
                   [&] { return client::FormatMeasurementDetail(recorded); });
}

// ---- quality load ----

absl::Status RunLoad(CommandContext& ctx, const JsonlLoadOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  client::MeasurementLoadResult result;
  JsonlLoadPass pass;
  pass.send = [&](const std::function<bool(google::protobuf::Message*)>& next,
                  bool validate_only) -> absl::StatusOr<std::vector<client::ItemFailure>> {
    CATALOGCTL_ASSIGN_OR_RETURN(
        result, client->RecordMeasurements([&](v1::Measurement* m) { return next(m); }, o.batch,
                                           validate_only));
    std::vector<client::ItemFailure> failures;
    for (const client::MeasurementFailure& f : result.failures) {
      failures.push_back({f.index, f.code, f.message});
    }
    return failures;
  };
  pass.counts = [&](nlohmann::ordered_json* json) {
    (*json)["recorded"] = result.recorded;
    (*json)["failed"] = result.failed;
    return client::FormatMeasurementLoadResult(result, 0);
  };
  v1::Measurement item;
  return RunJsonlLoad(ctx, o, &item, pass);
}

// ---- quality list ----

struct ListOptions {
  std::string dataset, dimension, from, to;
  PageOptions page;
};

absl::Status RunList(CommandContext& ctx, const ListOptions& o) {
  v1::ListMeasurementsRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_dataset(),
                              ParseIdArgument(o.dataset));
  CATALOGCTL_RETURN_IF_ERROR(
      SetEnumField(o.dimension, "--dimension", &request,
                   &v1::ListMeasurementsRequest::set_dimension));
  CATALOGCTL_RETURN_IF_ERROR(
      SetTimeFlag(o.from, "--from", &request,
                  &v1::ListMeasurementsRequest::mutable_from));
  CATALOGCTL_RETURN_IF_ERROR(SetTimeFlag(
      o.to, "--to", &request, &v1::ListMeasurementsRequest::mutable_to));
  return ListPages(ctx, request, o.page,
                   &client::CatalogClient::ListMeasurements, "measurements",
                   [](const v1::ListMeasurementsResponse& r) {
                     return client::FormatMeasurementTable(r.measurements());
                   });
}

// ---- quality report ----

struct ReportOptions {
  std::string dataset;
  bool upstream = false;
};

absl::Status RunReport(CommandContext& ctx, const ReportOptions& o) {
  v1::GetQualityReportRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_dataset(),
                              ParseIdArgument(o.dataset));
  request.set_include_upstream(o.upstream);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::QualityReport report,
                              client->GetQualityReport(request));
  return ctx.Print(report,
                   [&] { return client::FormatQualityReport(report); });
}

// ---- report file ----

struct FileOptions {
  std::string dataset, explanation, reference, object_reference, dimension,
      organisation, oin, department, person;
  std::vector<std::string> attributes, contacts;
};

absl::StatusOr<v1::Terugmelding> BuildTerugmelding(const FileOptions& o) {
  v1::Terugmelding t;
  CATALOGCTL_ASSIGN_OR_RETURN(*t.mutable_dataset(), ParseIdArgument(o.dataset));
  t.set_explanation(o.explanation);
  t.set_reference(o.reference);
  t.set_object_reference(o.object_reference);
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.dimension, "--dimension", &t,
                                          &v1::Terugmelding::set_dimension));
  if (!o.organisation.empty() || !o.oin.empty()) {
    t.mutable_reporter_organisation()->set_name(o.organisation);
    t.mutable_reporter_organisation()->set_oin(o.oin);
  }
  t.set_reporter_department(o.department);
  t.set_reporter_person(o.person);
  for (const std::string& text : o.attributes) {
    absl::StatusOr<v1::DoubtedAttribute> a = client::ParseDoubtedAttribute(text);
    if (!a.ok()) return client::MarkUsageError(a.status());
    *t.add_attributes() = *std::move(a);
  }
  for (const std::string& text : o.contacts) {
    absl::StatusOr<v1::TerugmeldingContact> c =
        client::ParseTerugmeldingContact(text);
    if (!c.ok()) return client::MarkUsageError(c.status());
    *t.add_contacts() = *std::move(c);
  }
  return t;
}

absl::Status PrintTerugmelding(CommandContext& ctx, const v1::Terugmelding& t) {
  return ctx.Print(t, [&] { return client::FormatTerugmeldingDetail(t); });
}

absl::Status RunFile(CommandContext& ctx, const FileOptions& o) {
  v1::FileTerugmeldingRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_terugmelding(),
                              BuildTerugmelding(o));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::Terugmelding filed,
                              client->FileTerugmelding(request));
  return PrintTerugmelding(ctx, filed);
}

// ---- report list, mine ----

struct ReportListOptions {
  std::string dataset;
  bool open = false;
  PageOptions page;
};

std::string TerugmeldingTable(const v1::ListTerugmeldingenResponse& r) {
  return client::FormatTerugmeldingTable(r.terugmeldingen());
}

absl::Status RunReportList(CommandContext& ctx, const ReportListOptions& o) {
  v1::ListTerugmeldingenRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_dataset(),
                              ParseIdArgument(o.dataset));
  request.set_open_only(o.open);
  return ListPages(ctx, request, o.page,
                   &client::CatalogClient::ListTerugmeldingen,
                   "terugmeldingen", TerugmeldingTable);
}

absl::Status RunReportMine(CommandContext& ctx, const ReportListOptions& o) {
  v1::ListMyTerugmeldingenRequest request;
  request.set_open_only(o.open);
  return ListPages(ctx, request, o.page,
                   &client::CatalogClient::ListMyTerugmeldingen,
                   "terugmeldingen", TerugmeldingTable);
}

// ---- report show, transition ----

struct ReportOfDatasetOptions {
  std::string dataset, report, status, note, etag, planning;
};

absl::StatusOr<std::string> ReportName(const ReportOfDatasetOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(std::string dataset, ParseIdArgument(o.dataset));
  absl::StatusOr<std::string> name = client::TerugmeldingName(dataset, o.report);
  if (!name.ok()) return client::MarkUsageError(name.status());
  return name;
}

absl::Status RunShow(CommandContext& ctx, const ReportOfDatasetOptions& o) {
  v1::GetTerugmeldingRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_name(), ReportName(o));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::Terugmelding t,
                              client->GetTerugmelding(request));
  return PrintTerugmelding(ctx, t);
}

absl::Status RunTransition(CommandContext& ctx,
                           const ReportOfDatasetOptions& o) {
  v1::TransitionTerugmeldingRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_name(), ReportName(o));
  CATALOGCTL_RETURN_IF_ERROR(
      SetEnumField(o.status, "STATUS", &request,
                   &v1::TransitionTerugmeldingRequest::set_status));
  request.set_note(o.note);
  request.set_etag(o.etag);
  request.set_planning_expectation(o.planning);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::Terugmelding t,
                              client->TransitionTerugmelding(request));
  return PrintTerugmelding(ctx, t);
}

void AddReportArguments(CLI::App* command, ReportOfDatasetOptions* o) {
  AddDatasetArgument(command, &o->dataset);
  command
      ->add_option("REPORT_ID", o->report,
                   "report id (tm-...) or datasets/DATASET/reports/ID")
      ->required();
}

constexpr char kDimensions[] =
    "juistheid|compleetheid|validiteit|consistentie|actualiteit|precisie|"
    "plausibiliteit|traceerbaarheid|begrijpelijkheid|uniciteit";

}  // namespace

void RegisterQualityCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(
      app, "quality",
      "Quality measurements per dimension against the norms, and reports");
  {
    auto o = std::make_shared<RecordOptions>();
    CLI::App* c = registry.Add(
        *group, "record", "Record one measurement of DATASET; prints it",
        [o](CommandContext& ctx) { return RunRecord(ctx, *o); });
    AddDatasetArgument(c, &o->dataset);
    c->add_option("--dimension", o->dimension, kDimensions)->required();
    c->add_option("--score", o->score, "score 0..100")
        ->required()
        ->check(Between(0.0, 100.0));
    c->add_option("--measured-at", o->measured_at,
                  "RFC 3339 time or date (default: now)");
    c->add_option("--method", o->method,
                  "method or rule, e.g. \"BSN elfproef\"");
    c->add_option("--sample-size", o->sample_size, "records examined")
        ->check(NonNegative());
    c->add_option("--measured-by", o->measured_by,
                  "who or what measured it (default: you)");
  }
  {
    auto o = std::make_shared<JsonlLoadOptions>();
    o->batch = client::kMaxBatchSize;
    CLI::App* c = registry.Add(
        *group, "load",
        "Stream measurements (JSONL of catalog.v1.Measurement) to the server; the whole "
        "file is checked first and nothing is recorded if a line is bad; prints counts",
        [o](CommandContext& ctx) { return RunLoad(ctx, *o); });
    AddJsonlLoadOptions(c, o.get(), "measurements");
  }
  {
    auto o = std::make_shared<ListOptions>();
    CLI::App* c = registry.Add(
        *group, "list",
        "List the measurements of DATASET, newest first per dimension",
        [o](CommandContext& ctx) { return RunList(ctx, *o); });
    AddDatasetArgument(c, &o->dataset);
    c->add_option("--dimension", o->dimension, "only this dimension");
    c->add_option("--from", o->from, "measured at or after (RFC 3339 or date)");
    c->add_option("--to", o->to, "measured before (RFC 3339 or date)");
    AddPageOptions(c, &o->page, "measurements");
  }
  {
    auto o = std::make_shared<ReportOptions>();
    CLI::App* c = registry.Add(
        *group, "report",
        "The quality of DATASET: latest score per dimension against its norm, "
        "age, staleness, 12-month trend, open terugmeldingen",
        [o](CommandContext& ctx) { return RunReport(ctx, *o); });
    AddDatasetArgument(c, &o->dataset);
    c->add_flag("--upstream", o->upstream,
                "also the weakest upstream source per dimension (lineage)");
  }
}

void RegisterReportCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(
      app, "report",
      "Terugmeldingen: report doubted data to its bronhouder and follow it");
  {
    auto o = std::make_shared<FileOptions>();
    CLI::App* c = registry.Add(
        *group, "file", "File a terugmelding on DATASET; prints it",
        [o](CommandContext& ctx) { return RunFile(ctx, *o); });
    AddDatasetArgument(c, &o->dataset);
    c->add_option("--explanation", o->explanation,
                  "toelichting: why the data is doubted")
        ->required();
    c->add_option("--reference", o->reference,
                  "your own reference, at most 12 characters");
    c->add_option("--object-reference", o->object_reference,
                  "bronverwijzing: the object concerned");
    c->add_option("--attribute", o->attributes,
                  "doubted attribute NAME=DOUBTED[:PROPOSED], repeatable")
        ->allow_extra_args(false);
    c->add_option("--dimension", o->dimension, kDimensions);
    c->add_option("--organisation", o->organisation, "reporting organisation");
    c->add_option("--oin", o->oin, "OIN of the reporting organisation");
    c->add_option("--department", o->department, "reporting department");
    c->add_option("--person", o->person, "reporting person");
    c->add_option("--contact", o->contacts,
                  "contact ROLE:NAME[:EMAIL], ROLE melder|behandelaar, "
                  "repeatable")
        ->allow_extra_args(false);
  }
  {
    auto o = std::make_shared<ReportListOptions>();
    CLI::App* c = registry.Add(
        *group, "list",
        "List the terugmeldingen of DATASET (stewards and owners of its "
        "domain)",
        [o](CommandContext& ctx) { return RunReportList(ctx, *o); });
    AddDatasetArgument(c, &o->dataset);
    c->add_flag("--open", o->open, "only open ones");
    AddPageOptions(c, &o->page, "terugmeldingen");
  }
  {
    auto o = std::make_shared<ReportOfDatasetOptions>();
    CLI::App* c = registry.Add(
        *group, "show", "Show one terugmelding with its status history",
        [o](CommandContext& ctx) { return RunShow(ctx, *o); });
    AddReportArguments(c, o.get());
  }
  {
    auto o = std::make_shared<ReportOfDatasetOptions>();
    CLI::App* c = registry.Add(
        *group, "transition",
        "Move a terugmelding to STATUS (in_behandeling, ingepland, "
        "afgehandeld, ingetrokken, onvoldoende_informatie, "
        "verkeerde_bronhouder, gemeld)",
        [o](CommandContext& ctx) { return RunTransition(ctx, *o); });
    AddReportArguments(c, o.get());
    c->add_option("STATUS", o->status, "the new status")->required();
    c->add_option("--note", o->note, "why, for the status history");
    c->add_option("--etag", o->etag,
                  "only if the report is still at this etag");
    c->add_option("--planning", o->planning,
                  "planning expectation (with ingepland)");
  }
  {
    auto o = std::make_shared<ReportListOptions>();
    CLI::App* c = registry.Add(
        *group, "mine", "List the terugmeldingen you filed, whatever dataset",
        [o](CommandContext& ctx) { return RunReportMine(ctx, *o); });
    c->add_flag("--open", o->open, "only open ones");
    AddPageOptions(c, &o->page, "terugmeldingen");
  }
}

}  // namespace catalog::catalogctl
