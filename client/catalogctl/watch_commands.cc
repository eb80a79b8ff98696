// catalogctl watch: follow the catalogue's changes (ChangeFeedService.
// WatchChanges) one line per change, or one JSON object per line with -o
// json, resuming by itself after a restart of catalogd.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/catalogctl/commands.h"
#include "client/lib/output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

struct WatchOptions {
  int64_t from = 0;
  std::vector<std::string> kinds;
  std::string prefix;
  bool state = false;
  int64_t until = 0;
  int max_reconnects = -1;
};

std::string ChangeLine(const v1::Change& change) {
  return absl::StrCat(change.revision(), "  ", client::FormatTimestamp(change.change_time()),
                      "  ", api::EnumShortName(change.change_type()), "  ",
                      api::EnumShortName(change.kind()), "  ", change.resource(), "  ",
                      change.principal(), change.superseded() ? "  (superseded)" : "", "\n");
}

absl::Status RunWatch(CommandContext& ctx, const WatchOptions& o) {
  v1::WatchChangesRequest request;
  request.set_from_revision(o.from);
  request.set_resource_prefix(o.prefix);
  request.set_include_state(o.state);
  for (const std::string& kind : o.kinds) {
    CATALOGCTL_ASSIGN_OR_RETURN(v1::ResourceKind value,
                                ParseEnumFlag<v1::ResourceKind>(kind, "--kind"));
    request.add_kinds(value);
  }
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  absl::Status printed;
  absl::Status watched = client->WatchChanges(
      request,
      [&](const v1::WatchChangesResponse& response) {
        for (const v1::Change& change : response.changes()) {
          if (ctx.output() == OutputFormat::kJson) {
            absl::StatusOr<std::string> json = client::ToCompactJson(change);
            if (!json.ok()) {
              printed = json.status();
              return false;
            }
            ctx.out() << *json << "\n";
          } else {
            ctx.out() << ChangeLine(change);
          }
        }
        ctx.out().flush();
        return o.until <= 0 || response.caught_up_revision() < o.until;
      },
      o.max_reconnects);
  return printed.ok() ? watched : printed;
}

}  // namespace

void RegisterWatchCommands(CLI::App& app, CommandRegistry& registry) {
  auto o = std::make_shared<WatchOptions>();
  CLI::App* c = registry.Add(
      app, "watch",
      "Follow every change to the catalogue, one line per change (-o json: one JSON "
      "object per line); resumes by itself after a restart of catalogd",
      [o](CommandContext& ctx) { return RunWatch(ctx, *o); });
  c->add_option("--from", o->from,
                "first revision to show (0: only changes from now on); resume with the "
                "last revision shown + 1")
      ->check(NonNegative());
  c->add_option("--kind", o->kinds,
                "only these kinds (repeatable): dataset, lineage_edge, party, "
                "quality_measurement, terugmelding, processing_activity");
  c->add_option("--prefix", o->prefix,
                "only resources whose name starts with this, e.g. datasets/brp");
  c->add_flag("--state", o->state, "include the new state of each change (-o json)");
  c->add_option("--until", o->until,
                "stop once every change up to this revision was shown (0: never stop)")
      ->check(NonNegative());
  c->add_option("--max-reconnects", o->max_reconnects,
                "give up after this many failed reconnects in a row (-1: never)");
}

}  // namespace catalog::catalogctl
