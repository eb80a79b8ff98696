#include "client/catalogctl/commands.h"

#include <ostream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
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
      ->check(CLI::NonNegativeNumber);
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

}  // namespace catalog::catalogctl
