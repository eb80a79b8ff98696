// catalogctl export dcat: the open data of the catalogue as a DCAT-AP-NL 3.0
// catalogue (InteropService.ExportDcat), in Turtle or JSON-LD, to stdout or
// a file; open datasets left out for a missing mandatory property are
// named on stderr.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/catalogctl/commands.h"
#include "client/lib/csv_register.h"
#include "client/lib/output.h"
#include "client/report/report_output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

struct DcatOptions {
  std::string format = "turtle";
  std::string file;
};

absl::Status RunDcat(CommandContext& ctx, const DcatOptions& o) {
  v1::ExportDcatRequest request;
  request.set_format(o.format == "jsonld" ? v1::DCAT_FORMAT_JSONLD : v1::DCAT_FORMAT_TURTLE);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ExportDcatResponse response, client->ExportDcat(request));
  for (const v1::DcatOmission& omitted : response.omitted()) {
    ctx.err() << "left out " << omitted.dataset() << ": missing "
              << absl::StrJoin(omitted.missing(), ", ") << "\n";
  }
  if (!o.file.empty()) {
    CATALOGCTL_RETURN_IF_ERROR(report::WriteReportFile(o.file, response.document(), "-f"));
  }
  return ctx.Print(response, [&] {
    if (o.file.empty()) return response.document();
    return absl::StrCat(response.exported(), " datasets written to ", o.file, " (",
                        response.media_type(), "); ", response.omitted_size(), " left out\n");
  });
}

struct RegisterOptions {
  std::string format = "csv";
  std::string file;
};

// Every dataset the caller may see, page by page, as CSV register lines or
// JSONL.
absl::Status RunDatasetExport(CommandContext& ctx, const RegisterOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  const bool csv = o.format == "csv";
  std::string out = csv ? client::CsvHeaderLine() : "";
  v1::ListDatasetsRequest request;
  request.set_page_size(1000);
  int64_t count = 0;
  do {
    CATALOGCTL_ASSIGN_OR_RETURN(v1::ListDatasetsResponse page, client->ListDatasets(request));
    for (const v1::Dataset& dataset : page.datasets()) {
      if (csv) {
        CATALOGCTL_ASSIGN_OR_RETURN(std::string line, client::CsvLine(dataset));
        out += line;
      } else {
        CATALOGCTL_ASSIGN_OR_RETURN(std::string line, client::ToCompactJson(dataset));
        absl::StrAppend(&out, line, "\n");
      }
      ++count;
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  if (o.file.empty()) {
    ctx.out() << out;
    return absl::OkStatus();
  }
  CATALOGCTL_RETURN_IF_ERROR(report::WriteReportFile(o.file, out, "-f"));
  ctx.err() << count << " datasets written to " << o.file << "\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterExportCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(app, "export", "Publish the catalogue in other formats");
  auto o = std::make_shared<DcatOptions>();
  CLI::App* c = registry.Add(
      *group, "dcat",
      "The open data (open tenzij) as a DCAT-AP-NL 3.0 catalogue; open datasets lacking a "
      "mandatory property are left out and named on stderr",
      [o](CommandContext& ctx) { return RunDcat(ctx, *o); });
  c->add_option("--format", o->format, "turtle or jsonld")
      ->check(CLI::IsMember({"turtle", "jsonld"}));
  c->add_option("-f,--file", o->file, "write the document to this file instead of stdout");

  // dataset export: in the dataset group (registered before this one).
  CLI::App* datasets = app.get_subcommand("dataset");
  auto r = std::make_shared<RegisterOptions>();
  CLI::App* e = registry.Add(
      *datasets, "export",
      "Every dataset you may see as a CSV register (';', UTF-8 with BOM, for Excel; the "
      "columns of docs/CSV.md) or as JSONL; dataset load reads both back",
      [r](CommandContext& ctx) { return RunDatasetExport(ctx, *r); });
  e->add_option("--format", r->format, "csv or jsonl")->check(CLI::IsMember({"csv", "jsonl"}));
  e->add_option("-f,--file", r->file, "write to this file instead of stdout");
}

}  // namespace catalog::catalogctl
