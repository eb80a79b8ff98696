#include "client/catalogctl/commands.h"

#include <google/protobuf/util/field_mask_util.h>

#include <ostream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "api/resource_names.h"
#include "client/lib/output.h"

namespace catalog::catalogctl {

CommandContext::CommandContext(const GlobalOptions& globals, std::ostream& out,
                               std::ostream& err)
    : connection_(globals.connection),
      output_(globals.output == "json" ? OutputFormat::kJson
                                       : OutputFormat::kTable),
      out_(out),
      err_(err) {
  connection_.timeout = absl::Seconds(globals.timeout_seconds);
}

absl::StatusOr<client::CatalogClient*> CommandContext::Client() {
  if (client_ == nullptr) {
    CATALOGCTL_ASSIGN_OR_RETURN(client_,
                                client::CatalogClient::Create(connection_));
  }
  return client_.get();
}

absl::Status CommandContext::Print(const google::protobuf::Message& message,
                                   const std::function<std::string()>& human) {
  if (output_ == OutputFormat::kJson) {
    CATALOGCTL_ASSIGN_OR_RETURN(std::string json, client::ToJson(message));
    out_ << json;
  } else {
    out_ << human();
  }
  out_.flush();
  return absl::OkStatus();
}

absl::Status CommandContext::Print(const nlohmann::ordered_json& json,
                                   const std::function<std::string()>& human) {
  out_ << (output_ == OutputFormat::kJson ? client::FormatJson(json) : human());
  out_.flush();
  return absl::OkStatus();
}

CLI::App* CommandRegistry::AddGroup(CLI::App& parent, const std::string& name,
                                    const std::string& description) {
  CLI::App* group = parent.add_subcommand(name, description);
  group->require_subcommand(1);
  return group;
}

CLI::App* CommandRegistry::Add(CLI::App& parent, const std::string& name,
                               const std::string& description,
                               Handler handler) {
  handlers_.push_back(std::make_unique<Handler>(std::move(handler)));
  const Handler* chosen = handlers_.back().get();
  CLI::App* command = parent.add_subcommand(name, description);
  command->callback([this, chosen] { selected_ = chosen; });
  command->footer(
      "Connection and output flags (--server, --ca, --cert, --key, "
      "--purpose, --timeout, --plaintext, -o) are listed by "
      "'catalogctl --help'; they may follow the command.\n");
  return command;
}

namespace {

CLI::Validator NumberCheck(const std::string& expected, std::function<bool(double)> accepts) {
  return CLI::Validator(
      [expected, accepts](std::string& text) -> std::string {
        double value = 0;
        if (!absl::SimpleAtod(text, &value) || !accepts(value)) {
          return absl::StrCat("expected ", expected, ", not \"", text, "\"");
        }
        return "";
      },
      "NUMBER");
}

}  // namespace

CLI::Validator NonNegative() {
  return NumberCheck("a number of 0 or more", [](double v) { return v >= 0; });
}

CLI::Validator Positive() {
  return NumberCheck("a number above 0", [](double v) { return v > 0; });
}

CLI::Validator Between(double min, double max) {
  return NumberCheck(absl::StrCat("a number from ", min, " to ", max),
                     [min, max](double v) { return v >= min && v <= max; });
}

absl::Status ParseFieldMask(absl::string_view text, const google::protobuf::Descriptor& type,
                            absl::string_view example, google::protobuf::FieldMask* mask) {
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;
    std::string path;  // "personalData.legalBasis" -> "personal_data.legal_basis".
    for (char c : part) {
      if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
        path.push_back('_');
        path.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
      } else {
        path.push_back(c);
      }
    }
    if (!google::protobuf::util::FieldMaskUtil::GetFieldDescriptors(&type, path, nullptr)) {
      return client::UsageError(absl::StrCat("--mask: \"", part, "\" is not a field of ",
                                             type.name(), " (write paths like ", example, ")"));
    }
    mask->add_paths(std::move(path));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ParseBoolFlag(absl::string_view text,
                                   absl::string_view flag) {
  const std::string value = absl::AsciiStrToLower(text);
  if (value == "true" || value == "yes" || value == "ja" || value == "1") {
    return true;
  }
  if (value == "false" || value == "no" || value == "nee" || value == "0") {
    return false;
  }
  return client::UsageError(
      absl::StrCat(flag, ": expected true or false, not \"", text, "\""));
}

absl::StatusOr<std::string> ParseIdArgument(absl::string_view text) {
  absl::StatusOr<std::string> id = catalog::api::ParseDatasetName(text, "ID");
  if (!id.ok()) return client::MarkUsageError(id.status());
  return id;
}

absl::StatusOr<nlohmann::ordered_json> ListJson(
    const google::protobuf::Message& response, const std::string& list_key) {
  CATALOGCTL_ASSIGN_OR_RETURN(nlohmann::ordered_json json,
                              client::ToJsonValue(response));
  if (!json.contains(list_key))
    json[list_key] = nlohmann::ordered_json::array();
  if (!json.contains("nextPageToken")) json["nextPageToken"] = "";
  return json;
}

void AddPageOptions(CLI::App* command, PageOptions* page,
                    const std::string& items) {
  command
      ->add_option("--page-size", page->page_size,
                   absl::StrCat(items, " per page (0: the server's default)"))
      ->check(NonNegative());
  command->add_option("--page-token", page->page_token,
                      "continue after the page that returned this token");
  command->add_flag("--all", page->all, "fetch and print every page");
}

absl::Status FailedItemsStatus(int64_t failed, int64_t total,
                               absl::string_view items) {
  if (failed == 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(failed, " of ", total, " ", items, " were not stored"));
}

absl::Status FailedItemsStatus(const client::BulkLoadResult& result) {
  return FailedItemsStatus(result.failed, result.total(), "datasets");
}

void AddJsonlLoadOptions(CLI::App* command, JsonlLoadOptions* options, const std::string& items) {
  command->add_option("-f,--file", options->file, "JSONL file, - for stdin")->required();
  command->add_option("--batch", options->batch, absl::StrCat(items, " per request"))
      ->check(Between(1, client::kMaxBatchSize))
      ->capture_default_str();
  command->add_flag("--continue-on-error", options->continue_on_error,
                    absl::StrCat("store the good lines even when others are bad (default: check "
                                 "the whole file first and write nothing if a line is bad)"));
}

namespace {

nlohmann::ordered_json ProblemsJson(const client::PassReport& report) {
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const client::LineProblem& p : report.problems) {
    problems.push_back({{"line", p.line},
                        {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(p.code))},
                        {"message", p.message}});
  }
  return problems;
}

absl::Status BadLinesStatus(const client::PassReport& report, absl::string_view what) {
  const auto code = report.problems.empty() ? absl::StatusCode::kInvalidArgument
                                            : static_cast<absl::StatusCode>(report.problems[0].code);
  return absl::Status(code, absl::StrCat(report.bad_lines, " of ", report.lines(), " lines ",
                                         what));
}

}  // namespace

absl::Status RunJsonlLoad(CommandContext& ctx, const JsonlLoadOptions& options,
                          google::protobuf::Message* item, const JsonlLoadPass& pass) {
  CATALOGCTL_ASSIGN_OR_RETURN(client::JsonlSource source, client::JsonlSource::Open(options.file, pass.csv_base));
  auto run = [&](bool validate_only) {
    return client::RunPass(source, item, [&](const auto& next) { return pass.send(next, validate_only); });
  };
  if (!options.continue_on_error) {
    CATALOGCTL_ASSIGN_OR_RETURN(client::PassReport check, run(/*validate_only=*/true));
    if (check.bad_lines > 0) {
      nlohmann::ordered_json json;
      json["written"] = false;
      json["lines"] = check.lines();
      json["badLines"] = check.bad_lines;
      json["problems"] = ProblemsJson(check);
      CATALOGCTL_RETURN_IF_ERROR(ctx.Print(json, [&] {
        return absl::StrCat(client::FormatProblems(source.name(), check),
                            "nothing was written; fix these lines, or load the others with "
                            "--continue-on-error\n");
      }));
      return BadLinesStatus(check, "cannot be loaded; nothing was written");
    }
  }
  CATALOGCTL_ASSIGN_OR_RETURN(client::PassReport written, run(/*validate_only=*/false));
  nlohmann::ordered_json json;
  json["written"] = true;
  std::string counts = pass.counts(&json);
  json["problems"] = ProblemsJson(written);
  CATALOGCTL_RETURN_IF_ERROR(ctx.Print(json, [&] {
    return written.bad_lines == 0
               ? counts
               : absl::StrCat(counts, client::FormatProblems(source.name(), written),
                              "those lines were not stored; every other line was\n");
  }));
  if (written.bad_lines > 0) return BadLinesStatus(written, "were not stored");
  return absl::OkStatus();
}

}  // namespace catalog::catalogctl
