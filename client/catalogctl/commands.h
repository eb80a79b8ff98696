// catalogctl: a registry of subcommands over the client library.
//
// Each command group (dataset_commands.cc, demo_commands.cc, ...) has one
// Register function that adds its subcommands with CommandRegistry::Add.
// A command's flags are parsed by CLI11 into an options struct owned by the
// handler; after a successful parse main() runs the one selected handler
// with a CommandContext, and turns the status it returns into a message on
// stderr and the exit code (client::ExitCodeFor).
#ifndef CATALOG_CLIENT_CATALOGCTL_COMMANDS_H_
#define CATALOG_CLIENT_CATALOGCTL_COMMANDS_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/enum_text.h"
#include "client/lib/catalog_client.h"
#include "client/lib/connection.h"
#include "client/lib/jsonl_load.h"
#include "client/lib/quality_input.h"
#include "client/lib/status.h"

namespace catalog::catalogctl {

enum class OutputFormat { kTable, kJson };

// Flags that apply to every command.
struct GlobalOptions {
  client::ConnectionOptions connection;
  double timeout_seconds = 30;
  std::string output = "table";
  bool wide = false;  // --wide: tables are not cut to the terminal.
};

// What a handler needs: the global options, the connection (made on first
// use), and the output streams. Not thread-safe.
class CommandContext {
 public:
  CommandContext(const GlobalOptions& globals, std::ostream& out,
                 std::ostream& err);

  OutputFormat output() const { return output_; }
  const client::ConnectionOptions& connection() const { return connection_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // The client, connected on the first call. Errors as client::Connect.
  absl::StatusOr<client::CatalogClient*> Client();

  // The one place results are printed. With -o json: `message` as proto3
  // JSON; otherwise `human()`.
  absl::Status Print(const google::protobuf::Message& message,
                     const std::function<std::string()>& human);
  // As above for results that are not one proto message.
  absl::Status Print(const nlohmann::ordered_json& json,
                     const std::function<std::string()>& human);

 private:
  client::ConnectionOptions connection_;
  OutputFormat output_;
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<client::CatalogClient> client_;
};

using Handler = std::function<absl::Status(CommandContext&)>;

// Holds the subcommands and remembers which one the command line chose.
class CommandRegistry {
 public:
  CommandRegistry() = default;
  CommandRegistry(const CommandRegistry&) = delete;
  CommandRegistry& operator=(const CommandRegistry&) = delete;

  // Adds a group of subcommands ("dataset") that needs one of them.
  CLI::App* AddGroup(CLI::App& parent, const std::string& name,
                     const std::string& description);

  // Adds subcommand `name` to `parent`; `handler` runs when it is chosen.
  // Bind the command's flags to the returned App.
  CLI::App* Add(CLI::App& parent, const std::string& name,
                const std::string& description, Handler handler);

  // The chosen handler after a successful parse, or null.
  const Handler* selected() const { return selected_; }

 private:
  std::vector<std::unique_ptr<Handler>> handlers_;
  const Handler* selected_ = nullptr;
};

// The command groups. To add one, write its Register function and list it
// in kCommandGroups (main.cc).
void RegisterDatasetCommands(CLI::App& app, CommandRegistry& registry);
void RegisterDemoCommands(CLI::App& app, CommandRegistry& registry);
void RegisterAuditCommands(CLI::App& app, CommandRegistry& registry);
void RegisterLineageCommands(CLI::App& app, CommandRegistry& registry);
void RegisterPartyCommands(CLI::App& app, CommandRegistry& registry);
void RegisterQualityCommands(CLI::App& app, CommandRegistry& registry);
void RegisterReportCommands(CLI::App& app, CommandRegistry& registry);
void RegisterLandscapeCommands(CLI::App& app, CommandRegistry& registry);
void RegisterSearchCommands(CLI::App& app, CommandRegistry& registry);
void RegisterProcessingCommands(CLI::App& app, CommandRegistry& registry);
// Adds to the processing group (after RegisterProcessingCommands) and the
// top-level `deliveries`.
void RegisterAccountabilityCommands(CLI::App& app, CommandRegistry& registry);
void RegisterWatchCommands(CLI::App& app, CommandRegistry& registry);
void RegisterExportCommands(CLI::App& app, CommandRegistry& registry);
void RegisterImportCommands(CLI::App& app, CommandRegistry& registry);

// After a parse error: the problem with the command words of `args` (the
// arguments after the program name), when there is one -- an unknown command
// (with the closest one and the list), or a group without its command.
// nullopt when the command words are fine (the error is about a flag).
std::optional<std::string> CommandWordError(CLI::App& root, const std::vector<std::string>& args);

// ---- Helpers shared by the handlers ----

// `lhs = *expr;` when the StatusOr `expr` is OK, else returns its status.
#define CATALOGCTL_ASSIGN_OR_RETURN(lhs, expr)                                \
  CATALOGCTL_ASSIGN_OR_RETURN_IMPL_(CATALOGCTL_CONCAT_(status_or_, __LINE__), \
                                    lhs, expr)
#define CATALOGCTL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  if (!tmp.ok()) return tmp.status();                     \
  lhs = *std::move(tmp)
#define CATALOGCTL_CONCAT_(a, b) CATALOGCTL_CONCAT_INNER_(a, b)
#define CATALOGCTL_CONCAT_INNER_(a, b) a##b

// Returns the status of `expr` when it is not OK.
#define CATALOGCTL_RETURN_IF_ERROR(expr) \
  do {                                   \
    absl::Status status_ = (expr);       \
    if (!status_.ok()) return status_;   \
  } while (false)

// An enum flag value ("vertrouwelijk", "CONFIDENTIALITY_VERTROUWELIJK") as
// E; a usage error naming `flag` when it is not one of E's values.
template <typename E>
absl::StatusOr<E> ParseEnumFlag(absl::string_view text,
                                absl::string_view flag) {
  absl::StatusOr<E> value = catalog::api::ParseEnum<E>(text, flag);
  if (!value.ok()) return client::MarkUsageError(value.status());
  return value;
}

// Calls `set` on `message` with enum flag `text` parsed, unless the flag was
// not given (empty).
template <typename E, typename Message>
absl::Status SetEnumField(const std::string& text, absl::string_view flag,
                          Message* message, void (Message::*set)(E)) {
  if (text.empty()) return absl::OkStatus();
  CATALOGCTL_ASSIGN_OR_RETURN(E value, ParseEnumFlag<E>(text, flag));
  (message->*set)(value);
  return absl::OkStatus();
}

// Sets the Timestamp field `mutable_field` of `message` to the time flag
// `text` ("--from"), unless the flag was not given (the field stays unset).
template <typename Message>
absl::Status SetTimeFlag(const std::string& text, absl::string_view flag, Message* message,
                         google::protobuf::Timestamp* (Message::*mutable_field)()) {
  if (text.empty()) return absl::OkStatus();
  absl::StatusOr<google::protobuf::Timestamp> time = client::ParseTimeText(text, flag);
  if (!time.ok()) return client::MarkUsageError(time.status());
  *(message->*mutable_field)() = *time;
  return absl::OkStatus();
}

// Checks of numeric flags whose errors say what is expected ("--page-size:
// expected a number of 0 or more, not \"-5\""), instead of CLI11's range
// of doubles.
CLI::Validator NonNegative();  // >= 0
CLI::Validator Positive();     // > 0
CLI::Validator Between(double min, double max);  // min..max inclusive

// --mask "title, hosting.provider" as a FieldMask of `type`. Paths may be
// written as in the proto (snake_case) or as in JSON (lowerCamelCase); a
// usage error names a path that is not a field, with `example` paths.
absl::Status ParseFieldMask(absl::string_view text, const google::protobuf::Descriptor& type,
                            absl::string_view example, google::protobuf::FieldMask* mask);

// "true"/"false" (also yes/no, ja/nee, 1/0); a usage error naming `flag`
// otherwise.
absl::StatusOr<bool> ParseBoolFlag(absl::string_view text,
                                   absl::string_view flag);

// A dataset id or name ("brp" or "datasets/brp") from the command line; a
// usage error when it is not a valid id.
absl::StatusOr<std::string> ParseIdArgument(absl::string_view text);

// A list response as JSON with its list and token always present, so that
// scripts need not special-case an empty page or the last page.
absl::StatusOr<nlohmann::ordered_json> ListJson(
    const google::protobuf::Message& response, const std::string& list_key);

// Prints a (merged) list response (`list_key`: the JSON name of its list,
// e.g. "datasets"); in table mode the token of a next page, if any, goes to
// stderr so that stdout stays the table (with a hint at --all when the
// command has it).
template <typename Response>
absl::Status PrintPage(CommandContext& ctx, const Response& response,
                       const std::string& list_key,
                       const std::function<std::string()>& table,
                       bool has_all_flag = true) {
  CATALOGCTL_ASSIGN_OR_RETURN(nlohmann::ordered_json json,
                              ListJson(response, list_key));
  CATALOGCTL_RETURN_IF_ERROR(ctx.Print(json, table));
  if (ctx.output() == OutputFormat::kTable &&
      !response.next_page_token().empty()) {
    ctx.err() << "more follow: repeat with --page-token "
              << response.next_page_token()
              << (has_all_flag ? " (or use --all)" : "") << "\n";
  }
  return absl::OkStatus();
}

// The paging flags of a list command.
struct PageOptions {
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

// Binds --page-size, --page-token and --all to `page`; `items` names what a
// page holds ("edges").
void AddPageOptions(CLI::App* command, PageOptions* page,
                    const std::string& items);

// Sends `request` through the List RPC `rpc` with the paging of `page` (one
// page, or every page with --all: client::FetchPages) and prints the merged
// response with PrintPage.
template <typename Request, typename Response>
absl::Status ListPages(
    CommandContext& ctx, Request request, const PageOptions& page,
    absl::StatusOr<Response> (client::CatalogClient::*rpc)(const Request&),
    const std::string& list_key,
    const std::type_identity_t<std::function<std::string(const Response&)>>&
        table) {
  request.set_page_size(page.page_size);
  request.set_page_token(page.page_token);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(
      Response response,
      (client::FetchPages<Request, Response>(
          request, page.all,
          [client, rpc](const Request& r) { return (client->*rpc)(r); })));
  return PrintPage(ctx, response, list_key, [&] { return table(response); });
}

// OK when no item of a finished bulk load failed; otherwise INVALID_ARGUMENT
// (exit code 3) saying how many failed.
absl::Status FailedItemsStatus(const client::BulkLoadResult& result);

// How a JSONL load goes: all-or-nothing (the whole input checked with
// validate_only first), or in one pass with --continue-on-error.
struct JsonlLoadOptions {
  std::string file;
  int batch = 500;
  bool continue_on_error = false;
};

// Adds -f/--file, --batch and --continue-on-error of a load of `items`.
void AddJsonlLoadOptions(CLI::App* command, JsonlLoadOptions* options, const std::string& items);

// One pass of a load: streams the items `next` gives (validate_only: only
// checked) and returns the failed ones; `counts` then prints what the
// pass did (text) and adds it to `json`.
struct JsonlLoadPass {
  std::function<absl::StatusOr<std::vector<client::ItemFailure>>(
      const std::function<bool(google::protobuf::Message*)>& next, bool validate_only)>
      send;
  std::function<std::string(nlohmann::ordered_json* json)> counts;
  // Set for datasets: a ".csv" file is read as the CSV register onto these.
  client::CsvBase csv_base;
};

// Runs a JSONL load of `item`s (the message type of a line) as `options`
// say and prints its report. With any bad line: nothing is written (unless
// continue_on_error), every bad line is reported with its line number, and
// the status has the code of the first problem.
absl::Status RunJsonlLoad(CommandContext& ctx, const JsonlLoadOptions& options,
                          google::protobuf::Message* item, const JsonlLoadPass& pass);
// As above for `failed` of `total` `items` ("measurements").
absl::Status FailedItemsStatus(int64_t failed, int64_t total,
                               absl::string_view items);

}  // namespace catalog::catalogctl

#endif  // CATALOG_CLIENT_CATALOGCTL_COMMANDS_H_
