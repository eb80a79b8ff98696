// catalogctl: command-line client of catalogd.
//
//   catalogctl [global flags] <group> <command> [flags]
//
// Global flags may also follow the command. Exit code 0 on success, 64 for a
// usage error, 1 for a check that found a problem (`audit verify`),
// otherwise the canonical code of the error (3 invalid argument, 5 not
// found, 7 permission denied, 9 failed precondition, 14 unavailable, 16
// unauthenticated, ...).
#include <grpc/support/log.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/catalogctl/commands.h"
#include "client/lib/output.h"
#include "client/lib/status.h"

namespace catalog::catalogctl {
namespace {

using RegisterFn = void (*)(CLI::App&, CommandRegistry&);

// The command groups, in the order of --help.
constexpr RegisterFn kCommandGroups[] = {
    RegisterDatasetCommands, RegisterLineageCommands, RegisterPartyCommands,
    RegisterQualityCommands, RegisterReportCommands,  RegisterLandscapeCommands,
    RegisterSearchCommands,  RegisterProcessingCommands, RegisterAccountabilityCommands,
    RegisterAuditCommands,   RegisterWatchCommands,      RegisterExportCommands,
    RegisterImportCommands,  RegisterDemoCommands,
};

void AddGlobalOptions(CLI::App& app, GlobalOptions& globals) {
  client::ConnectionOptions& c = globals.connection;
  const std::string group = "Connection and output (may follow the command)";
  app.add_option("--server", c.server, "catalogd address, host:port")
      ->envname("CATALOG_SERVER")
      ->capture_default_str()
      ->group(group);
  app.add_option("--ca", c.ca_file,
                 "PEM file of the CA that signed the server's certificate")
      ->envname("CATALOG_CA")
      ->group(group);
  app.add_option("--cert", c.cert_file, "PEM file of your client certificate")
      ->envname("CATALOG_CERT")
      ->group(group);
  app.add_option("--key", c.key_file, "PEM file of the private key of --cert")
      ->envname("CATALOG_KEY")
      ->group(group);
  app.add_option("--purpose", c.purpose,
                 "why you request the data (sent as x-purpose)")
      ->envname("CATALOG_PURPOSE")
      ->group(group);
  app.add_option("--timeout", globals.timeout_seconds,
                 "deadline of each call, in seconds")
      ->check(Positive())
      ->capture_default_str()
      ->group(group);
  app.add_flag("--plaintext", c.plaintext,
               "no TLS; only for a server started with --insecure-plaintext")
      ->group(group);
  app.add_option("-o,--output", globals.output, "output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str()
      ->group(group);
  app.add_flag("--wide", globals.wide,
               "tables show every cell in full (default: cut to fit the terminal)")
      ->group(group);
}

// Columns of the terminal on stdout; else $COLUMNS; else 0 (no limit: a
// pipe or a file gets whole cells).
size_t TerminalWidth() {
  winsize size{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  size_t columns = 0;
  const char* env = std::getenv("COLUMNS");
  if (env != nullptr && absl::SimpleAtoi(env, &columns)) return columns;
  return 0;
}

int Run(int argc, char** argv) {
  CLI::App app{
      "catalogctl: command-line client of catalogd, the municipal "
      "metadata catalogue.",
      "catalogctl"};
  // Global flags are accepted after the subcommand too: subcommands created
  // from here on pass flags they do not know to their parent.
  app.fallthrough();
  app.require_subcommand(1);
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return absl::StrCat("catalogctl: error: ", e.what(),
                        "\nRun with --help for more information.\n");
  });
  GlobalOptions globals;
  AddGlobalOptions(app, globals);
  CommandRegistry registry;
  for (RegisterFn register_group : kCommandGroups) {
    register_group(app, registry);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {
      if (std::optional<std::string> words =
              CommandWordError(app, std::vector<std::string>(argv + 1, argv + argc))) {
        std::cerr << "catalogctl: error: " << *words
                  << "\nRun with --help for more information.\n";
        return client::kUsageExitCode;
      }
    }
    const int code = app.exit(e);  // Prints the help or the error.
    return code == 0 ? 0 : client::kUsageExitCode;
  }
  if (registry.selected() == nullptr) {  // Not reached: a command is required.
    std::cerr << app.help();
    return client::kUsageExitCode;
  }

  client::SetTableLayout(globals.wide, TerminalWidth());
  CommandContext context(globals, std::cout, std::cerr);
  const absl::Status status = (*registry.selected())(context);
  if (!status.ok()) {
    std::cerr << "catalogctl: error: " << client::DescribeError(status)
              << std::endl;
  }
  return client::ExitCodeFor(status);
}

}  // namespace
}  // namespace catalog::catalogctl

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  // gRPC logs transport errors (a failed handshake) to stderr itself; the
  // status of the call says the same, with a hint. Keep its log only when
  // asked for with GRPC_VERBOSITY or GRPC_TRACE.
  if (std::getenv("GRPC_VERBOSITY") == nullptr &&
      std::getenv("GRPC_TRACE") == nullptr) {
    gpr_set_log_function([](gpr_log_func_args*) {});
  }
  return catalog::catalogctl::Run(argc, argv);
}
