// catalogctl processing subject|trace|operations|purge and catalogctl
// deliveries: the answers of the processing log (AccountabilityService; the
// privacy_officer, auditor and admin roles).
//
// `processing subject` is the inzage (AVG art. 15): it always fetches every
// page of the account and merges them (client::MergeAccountPage), so that
// the table, the JSON and the letter (--html, --pdf) are complete;
// --page-size only sets the size of each request. The subject's id is sent
// to the server and shown nowhere but masked ("******653").
#include <memory>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/resource_names.h"
#include "client/catalogctl/commands.h"
#include "client/lib/accountability_output.h"
#include "client/lib/output.h"
#include "client/report/inzage_report.h"
#include "client/report/report_output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

constexpr size_t kTraceIdDigits = 32;

struct PeriodOptions {
  std::string since, until;
};

void AddPeriodOptions(CLI::App* command, PeriodOptions* period, const std::string& what) {
  command->add_option("--since", period->since,
                      absl::StrCat(what, " that started at or after (RFC 3339 or a date)"));
  command->add_option("--until", period->until,
                      absl::StrCat(what, " that started before (RFC 3339 or a date)"));
}

// The period flags into the request's start_time and end_time (left unset
// when not given: unbounded).
template <typename Request>
absl::Status SetPeriod(const PeriodOptions& period, Request* request) {
  CATALOGCTL_RETURN_IF_ERROR(
      SetTimeFlag(period.since, "--since", request, &Request::mutable_start_time));
  return SetTimeFlag(period.until, "--until", request, &Request::mutable_end_time);
}

std::optional<absl::Time> TimeOf(bool has, const google::protobuf::Timestamp& t) {
  if (!has) return std::nullopt;
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// ---- processing subject ----

struct SubjectOptions {
  std::string id_type, id, html, pdf;
  PeriodOptions period;
  int page_size = 0;
};

absl::StatusOr<v1::GetSubjectAccountRequest> BuildSubjectRequest(const SubjectOptions& o) {
  for (const auto& [value, flag] : {std::pair(&o.id, "--id"), std::pair(&o.id_type, "--id-type")}) {
    if (absl::StripAsciiWhitespace(*value).empty()) {
      return client::UsageError(absl::StrCat(flag, " must not be empty"));
    }
  }
  v1::GetSubjectAccountRequest request;
  request.set_data_subject_id(o.id);
  request.set_data_subject_id_type(o.id_type);
  request.set_page_size(o.page_size);
  CATALOGCTL_RETURN_IF_ERROR(SetPeriod(o.period, &request));
  return request;
}

// Every page of the account, merged.
absl::StatusOr<v1::SubjectAccount> FetchAccount(client::CatalogClient& client,
                                                v1::GetSubjectAccountRequest request) {
  v1::SubjectAccount account;
  for (;;) {
    CATALOGCTL_ASSIGN_OR_RETURN(v1::SubjectAccount page, client.GetSubjectAccount(request));
    std::string token = page.next_page_token();
    client::MergeAccountPage(std::move(page), &account);
    if (token.empty()) return account;
    if (token == request.page_token()) {
      return absl::InternalError("the server returned the same page token twice");
    }
    request.set_page_token(std::move(token));
  }
}

// "2026-01-01T00:00:00Z to 2026-02-01T00:00:00Z", "from ...", "until ...",
// or "all logged operations".
std::string PeriodLine(const v1::GetSubjectAccountRequest& r) {
  const std::string since = r.has_start_time() ? client::FormatTimestamp(r.start_time()) : "";
  const std::string until = r.has_end_time() ? client::FormatTimestamp(r.end_time()) : "";
  if (!since.empty() && !until.empty()) return absl::StrCat(since, " to ", until);
  if (!since.empty()) return absl::StrCat("from ", since);
  if (!until.empty()) return absl::StrCat("until ", until);
  return "all logged operations";
}

// Writes the letter to --html and --pdf (when given); returns what was
// written, one line each.
absl::StatusOr<std::vector<std::string>> WriteLetter(const SubjectOptions& o,
                                                     const v1::GetSubjectAccountRequest& request,
                                                     const v1::SubjectAccount& account,
                                                     const report::PdfOptions& pdf) {
  std::vector<std::string> written;
  if (o.html.empty() && o.pdf.empty()) return written;
  report::InzageLetter letter;
  letter.id_type = o.id_type;
  letter.masked_id = client::MaskSubjectId(absl::StripAsciiWhitespace(o.id));
  letter.since = TimeOf(request.has_start_time(), request.start_time());
  letter.until = TimeOf(request.has_end_time(), request.end_time());
  letter.generated = absl::Now();
  const std::string html = report::RenderInzageHtml(account, letter);
  if (!o.html.empty()) {
    CATALOGCTL_RETURN_IF_ERROR(report::WriteReportFile(o.html, html, "--html"));
    written.push_back(absl::StrCat("HTML overview written to ", o.html));
  }
  if (!o.pdf.empty()) {
    CATALOGCTL_RETURN_IF_ERROR(report::PrintToPdf(html, o.pdf, pdf));
    written.push_back(absl::StrCat("PDF overview written to ", o.pdf));
  }
  return written;
}

// `--id -`: the id is read from the first line of standard input, so that it
// stays out of the shell history and the process list.
absl::StatusOr<SubjectOptions> WithSubjectId(SubjectOptions o) {
  if (o.id != "-") return o;
  if (!std::getline(std::cin, o.id)) {
    return client::UsageError("--id -: no id on standard input (one line)");
  }
  return o;
}

absl::Status RunSubject(CommandContext& ctx, const SubjectOptions& options) {
  CATALOGCTL_ASSIGN_OR_RETURN(const SubjectOptions o, WithSubjectId(options));
  CATALOGCTL_ASSIGN_OR_RETURN(v1::GetSubjectAccountRequest request, BuildSubjectRequest(o));
  // Before the call, so that a missing Chromium costs no server work.
  report::PdfOptions pdf;
  if (!o.pdf.empty()) CATALOGCTL_RETURN_IF_ERROR(report::CheckChromium(pdf.chromium));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::SubjectAccount account, FetchAccount(*client, request));
  CATALOGCTL_ASSIGN_OR_RETURN(std::vector<std::string> written,
                              WriteLetter(o, request, account, pdf));
  if (account.hidden_operations() > 0 && !written.empty()) {
    ctx.err() << "warning: " << account.hidden_operations()
              << " operations of this data subject are above your clearance and not in the "
                 "overview; it is incomplete\n";
  }
  CATALOGCTL_ASSIGN_OR_RETURN(nlohmann::ordered_json json, ListJson(account, "activities"));
  return ctx.Print(json, [&] {
    std::string text = client::FormatSubjectAccount(
        account,
        absl::StrCat(absl::StripAsciiWhitespace(o.id_type), " ",
                     client::MaskSubjectId(absl::StripAsciiWhitespace(o.id))),
        PeriodLine(request));
    for (const std::string& line : written) absl::StrAppend(&text, line, "\n");
    return text;
  });
}

// ---- processing trace ----

absl::StatusOr<std::string> ParseTraceId(const std::string& text) {
  const std::string hex = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  const bool valid = hex.size() == kTraceIdDigits &&
                     absl::c_all_of(hex, [](char c) {
                       return absl::ascii_isxdigit(static_cast<unsigned char>(c));
                     });
  if (!valid) {
    return client::UsageError(absl::StrCat("TRACE_ID: \"", text,
                                           "\" is not a trace id of 32 hexadecimal digits"));
  }
  return hex;
}

absl::Status RunTrace(CommandContext& ctx, const std::string& trace_id) {
  v1::GetTraceRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_trace_id(), ParseTraceId(trace_id));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::Trace trace, client->GetTrace(request));
  return ctx.Print(trace, [&] { return client::FormatTrace(trace); });
}

// ---- processing operations ----

struct OperationsOptions {
  std::string activity;
  PeriodOptions period;
  PageOptions page;
};

absl::Status RunOperations(CommandContext& ctx, const OperationsOptions& o) {
  v1::ListActivityOperationsRequest request;
  request.set_activity(absl::StartsWith(o.activity, api::kActivityCollection)
                           ? o.activity
                           : api::ActivityName(o.activity));
  CATALOGCTL_RETURN_IF_ERROR(SetPeriod(o.period, &request));
  return ListPages(ctx, request, o.page, &client::CatalogClient::ListActivityOperations,
                   "operations", [](const v1::ListActivityOperationsResponse& r) {
                     return client::FormatActivityOperationTable(r.operations());
                   });
}

// ---- processing purge ----

absl::Status RunPurge(CommandContext& ctx, bool dry_run) {
  v1::PurgeExpiredOperationsRequest request;
  request.set_dry_run(dry_run);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::PurgeExpiredOperationsResponse result,
                              client->PurgeExpiredOperations(request));
  CATALOGCTL_ASSIGN_OR_RETURN(nlohmann::ordered_json json, client::ToJsonValue(result));
  // Always present, so that scripts need not special-case "nothing".
  json["dryRun"] = dry_run;
  if (!json.contains("activities")) json["activities"] = nlohmann::ordered_json::array();
  if (!json.contains("operations")) json["operations"] = "0";
  return ctx.Print(json, [&] { return client::FormatPurgeResult(result, dry_run); });
}

// ---- deliveries ----

struct DeliveriesOptions {
  bool personal_data = false, uncovered = false;
  PageOptions page;
};

absl::Status RunDeliveries(CommandContext& ctx, const DeliveriesOptions& o) {
  v1::ListDeliveriesRequest request;
  request.set_personal_data_only(o.personal_data);
  request.set_uncovered_only(o.uncovered);
  return ListPages(ctx, request, o.page, &client::CatalogClient::ListDeliveries, "deliveries",
                   [](const v1::ListDeliveriesResponse& r) {
                     return client::FormatDeliveryTable(r.deliveries());
                   });
}

void RegisterSubject(CLI::App& processing, CommandRegistry& registry) {
  auto o = std::make_shared<SubjectOptions>();
  CLI::App* c = registry.Add(
      processing, "subject",
      "Inzage (AVG art. 15): a data subject's operations by processing activity, as a table, "
      "-o json, and a letter to the resident (--html, --pdf)",
      [o](CommandContext& ctx) { return RunSubject(ctx, *o); });
  c->add_option("--id-type", o->id_type, "type of the id: BSN, KVK, or a URI")->required();
  c->add_option("--id", o->id,
                "the data subject's id (shown only masked: ******653); - reads it from "
                "standard input, keeping it out of the shell history")
      ->required();
  AddPeriodOptions(c, &o->period, "only operations");
  c->add_option("--page-size", o->page_size,
                "operations per request (0: the server's default); every page is fetched")
      ->check(NonNegative());
  c->add_option("--html", o->html,
                "write the overview for the resident to FILE: one self-contained Dutch HTML page")
      ->type_name("FILE");
  c->add_option("--pdf", o->pdf,
                "print that overview to FILE as PDF with headless Chromium "
                "(CATALOG_CHROMIUM, default /usr/bin/chromium)")
      ->type_name("FILE");
}

void RegisterLogCommands(CLI::App& processing, CommandRegistry& registry) {
  {
    auto trace_id = std::make_shared<std::string>();
    CLI::App* c = registry.Add(
        processing, "trace", "Every operation of one trace and the foreign operations it names",
        [trace_id](CommandContext& ctx) { return RunTrace(ctx, *trace_id); });
    c->add_option("TRACE_ID", *trace_id, "32 hexadecimal digits")->required();
  }
  {
    auto o = std::make_shared<OperationsOptions>();
    CLI::App* c = registry.Add(processing, "operations",
                               "The operations logged under an activity, oldest first",
                               [o](CommandContext& ctx) { return RunOperations(ctx, *o); });
    c->add_option("ACTIVITY", o->activity,
                  "activity id, processing-activities/ID (every version) or "
                  "processing-activities/ID/versions/N")
        ->required();
    AddPeriodOptions(c, &o->period, "only operations");
    AddPageOptions(c, &o->page, "operations");
  }
  {
    auto dry_run = std::make_shared<bool>(false);
    CLI::App* c = registry.Add(
        processing, "purge",
        "Remove the operations whose activity's retention period has passed",
        [dry_run](CommandContext& ctx) { return RunPurge(ctx, *dry_run); });
    c->add_flag("--dry-run", *dry_run, "count what would be removed, remove nothing");
  }
}

}  // namespace

void RegisterAccountabilityCommands(CLI::App& app, CommandRegistry& registry) {
  // The processing group is RegisterProcessingCommands'; kCommandGroups
  // (main.cc) lists this function after it.
  CLI::App& processing = *app.get_subcommand("processing");
  RegisterSubject(processing, registry);
  RegisterLogCommands(processing, registry);
  auto o = std::make_shared<DeliveriesOptions>();
  CLI::App* c = registry.Add(
      app, "deliveries",
      "Deliveries to external parties (Woo): purpose, legal basis and the processing "
      "activities that cover them",
      [o](CommandContext& ctx) { return RunDeliveries(ctx, *o); });
  c->add_flag("--personal-data", o->personal_data,
              "only deliveries of datasets with personal data");
  c->add_flag("--uncovered", o->uncovered,
              "only deliveries no processing activity covers (none uses the dataset and lists the "
              "party as a recipient)");
  AddPageOptions(c, &o->page, "deliveries");
}

}  // namespace catalog::catalogctl
