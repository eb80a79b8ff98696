// Usage errors about the command words themselves: a mistyped command
// ("datasets") is named with the closest one, and a group given without a
// command lists its commands, instead of CLI11's "A subcommand is required".
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/catalogctl/commands.h"
#include "client/lib/spelling.h"

namespace catalog::catalogctl {
namespace {

std::vector<std::string> CommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

CLI::App* FindCommand(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

// Whether `flag` (as typed, without "=value") takes a value, looking in
// `app` and the commands above it (flags fall through to their parents).
bool TakesValue(const CLI::App& app, const std::string& flag) {
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    if (const CLI::Option* option = a->get_option_no_throw(flag)) {
      return option->get_expected_min() > 0;
    }
  }
  return false;
}

std::string CommandPath(const CLI::App& app) {
  std::vector<std::string> words;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) words.push_back(a->get_name());
  std::reverse(words.begin(), words.end());
  return absl::StrJoin(words, " ");
}

}  // namespace

std::optional<std::string> CommandWordError(CLI::App& root, const std::vector<std::string>& args) {
  CLI::App* current = &root;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (absl::StartsWith(arg, "-")) {
      if (arg.find('=') == std::string::npos && TakesValue(*current, arg)) ++i;
      continue;
    }
    const std::vector<std::string> names = CommandNames(*current);
    if (names.empty()) return std::nullopt;  // An argument of the command.
    CLI::App* next = FindCommand(*current, arg);
    if (next == nullptr) {
      std::string message = absl::StrCat("unknown command \"", arg, "\" for ",
                                         CommandPath(*current));
      const std::string closest = client::ClosestWord(arg, names);
      if (!closest.empty()) absl::StrAppend(&message, "; did you mean \"", closest, "\"?");
      absl::StrAppend(&message, "\nCommands: ", absl::StrJoin(names, ", "));
      return message;
    }
    current = next;
  }
  const std::vector<std::string> names = CommandNames(*current);
  if (names.empty()) return std::nullopt;
  return absl::StrCat(CommandPath(*current), " needs a command: ", absl::StrJoin(names, ", "));
}

}  // namespace catalog::catalogctl
