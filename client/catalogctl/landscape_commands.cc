// catalogctl landscape: the overview of the municipal data landscape
// (LandscapeService.GetLandscape) for management: key figures on the
// terminal, the full response with -o json, the report as one
// self-contained HTML file (--html) and as a PDF printed by headless
// Chromium (--pdf).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/catalogctl/commands.h"
#include "client/lib/catalog_client.h"
#include "client/lib/quality_input.h"
#include "client/report/landscape_report.h"
#include "client/report/report_output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

struct LandscapeOptions {
  std::string html, pdf, lang = "nl", domain, registration_type, hosting_kind,
                         provider, since, until;
};

absl::StatusOr<v1::GetLandscapeRequest> BuildRequest(
    const LandscapeOptions& o) {
  v1::GetLandscapeRequest request;
  v1::LandscapeFilter& filter = *request.mutable_filter();
  filter.set_domain(o.domain);
  filter.set_provider(o.provider);
  CATALOGCTL_RETURN_IF_ERROR(
      SetEnumField(o.registration_type, "--registration-type", &filter,
                   &v1::LandscapeFilter::set_registration_type));
  CATALOGCTL_RETURN_IF_ERROR(
      SetEnumField(o.hosting_kind, "--hosting-kind", &filter,
                   &v1::LandscapeFilter::set_hosting_kind));
  // Only when given: a bound that is set, even to 0, counts.
  CATALOGCTL_RETURN_IF_ERROR(SetTimeFlag(o.since, "--since", &request,
                                         &v1::GetLandscapeRequest::mutable_usage_since));
  CATALOGCTL_RETURN_IF_ERROR(SetTimeFlag(o.until, "--until", &request,
                                         &v1::GetLandscapeRequest::mutable_usage_until));
  return request;
}

absl::Status RunLandscape(CommandContext& ctx, const LandscapeOptions& o) {
  absl::StatusOr<report::Language> language =
      report::ParseLanguage(o.lang, "--lang");
  if (!language.ok()) return client::MarkUsageError(language.status());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::GetLandscapeRequest request, BuildRequest(o));
  // Before the call, so that a missing Chromium costs no server work.
  report::PdfOptions pdf;
  if (!o.pdf.empty()) {
    CATALOGCTL_RETURN_IF_ERROR(report::CheckChromium(pdf.chromium));
  }

  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::Landscape landscape,
                              client->GetLandscape(request));
  std::vector<std::string> written;
  if (!o.html.empty() || !o.pdf.empty()) {
    const std::string html = report::RenderLandscapeHtml(landscape, *language);
    if (!o.html.empty()) {
      CATALOGCTL_RETURN_IF_ERROR(
          report::WriteReportFile(o.html, html, "--html"));
      written.push_back(absl::StrCat("HTML report written to ", o.html));
    }
    if (!o.pdf.empty()) {
      CATALOGCTL_RETURN_IF_ERROR(report::PrintToPdf(html, o.pdf, pdf));
      written.push_back(absl::StrCat("PDF report written to ", o.pdf));
    }
  }
  return ctx.Print(landscape, [&] {
    std::string text = report::FormatKeyFigures(landscape, *language);
    for (const std::string& line : written) absl::StrAppend(&text, line, "\n");
    return text;
  });
}

}  // namespace

void RegisterLandscapeCommands(CLI::App& app, CommandRegistry& registry) {
  auto o = std::make_shared<LandscapeOptions>();
  CLI::App* c = registry.Add(
      app, "landscape",
      "The overview of the data landscape for management: key figures, or "
      "-o json, and the report as HTML (--html) and PDF (--pdf)",
      [o](CommandContext& ctx) { return RunLandscape(ctx, *o); });
  c->add_option("--html", o->html,
                "write the report to FILE: one self-contained HTML page")
      ->type_name("FILE");
  c->add_option("--pdf", o->pdf,
                "print the report to FILE as PDF with headless Chromium "
                "(CATALOG_CHROMIUM, default /usr/bin/chromium)")
      ->type_name("FILE");
  c->add_option("--lang", o->lang, "language of the report: nl or en")
      ->capture_default_str();
  c->add_option("--domain", o->domain, "only this domain (taakveld), exact");
  c->add_option("--registration-type", o->registration_type,
                "only this registration type, e.g. basisregistratie");
  c->add_option("--hosting-kind", o->hosting_kind,
                "only this hosting kind, e.g. public_cloud");
  c->add_option("--provider", o->provider, "only this hosting provider, exact");
  c->add_option("--since", o->since,
                "count reads of basisregistraties from (RFC 3339 or date; "
                "default 30 days before --until)");
  c->add_option("--until", o->until,
                "count reads of basisregistraties until (default now)");
}

}  // namespace catalog::catalogctl
