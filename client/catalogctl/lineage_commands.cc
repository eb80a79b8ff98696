// catalogctl lineage add|get|delete|list|show|impact|findings|ingest and
// catalogctl party create|get|list|delete: the lineage graph and the
// external parties data is delivered to (LineageService).
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/catalogctl/commands.h"
#include "client/lib/catalog_client.h"
#include "client/lib/json_input.h"
#include "client/lib/lineage_input.h"
#include "client/lib/lineage_output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

// ---- Arguments and flags ----

// A node argument ("brp", "datasets/brp", "parties/cbs") as a resource
// name; a usage error naming `field` when it is none.
absl::StatusOr<std::string> ParseNodeArgument(absl::string_view text,
                                              absl::string_view field) {
  absl::StatusOr<std::string> node = client::ParseLineageNode(text, field);
  if (!node.ok()) return client::MarkUsageError(node.status());
  return node;
}

// As ParseNodeArgument for a node that must be a dataset: lineage runs from
// datasets, parties only receive.
absl::StatusOr<std::string> ParseDatasetNodeArgument(absl::string_view text,
                                                     absl::string_view field) {
  CATALOGCTL_ASSIGN_OR_RETURN(std::string node, ParseNodeArgument(text, field));
  if (absl::StartsWith(node, client::kPartyCollection)) {
    return client::UsageError(absl::StrCat(
        field, " must be a dataset: a party only receives deliveries"));
  }
  return node;
}

// Sets `source` and `target` of an edge or an edge request from the
// positional SOURCE and TARGET.
template <typename Message>
absl::Status SetEndpoints(const std::string& source, const std::string& target,
                          Message* message) {
  CATALOGCTL_ASSIGN_OR_RETURN(*message->mutable_source(),
                              ParseDatasetNodeArgument(source, "SOURCE"));
  CATALOGCTL_ASSIGN_OR_RETURN(*message->mutable_target(),
                              ParseNodeArgument(target, "TARGET"));
  return absl::OkStatus();
}

// Binds the positional SOURCE and TARGET of an edge.
void AddEdgeArguments(CLI::App* command, std::string* source,
                      std::string* target, bool required) {
  CLI::Option* s = command->add_option("SOURCE", *source,
                                       "source dataset: id or datasets/ID");
  CLI::Option* t = command->add_option(
      "TARGET", *target, "target: dataset id, datasets/ID or parties/ID");
  if (required) {
    s->required();
    t->required();
  }
}

// Binds the --depth and --budget of a traversal.
void AddTraversalOptions(CLI::App* command, int* depth, int* budget) {
  command
      ->add_option("--depth", *depth,
                   "levels to follow (0: the server's default)")
      ->check(NonNegative());
  command
      ->add_option("--budget", *budget,
                   "nodes to visit at most (0: the server's default)")
      ->check(NonNegative());
}

// ---- lineage add ----

struct AddOptions {
  std::string source, target, file;
  std::string relation, process, frequency, description, purpose, legal_basis,
      legal_basis_explanation;
  std::vector<std::string> mappings;
};

// The edge to create: the -f file, if any, with the arguments and flags
// given on top of it.
absl::StatusOr<v1::LineageEdge> BuildEdge(const AddOptions& o) {
  v1::LineageEdge edge;
  if (!o.file.empty()) {
    CATALOGCTL_RETURN_IF_ERROR(client::ReadJsonFile(o.file, &edge));
  }
  if (o.file.empty() || !o.source.empty() || !o.target.empty()) {
    CATALOGCTL_RETURN_IF_ERROR(SetEndpoints(o.source, o.target, &edge));
  }
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.relation, "--relation", &edge,
                                          &v1::LineageEdge::set_relation));
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.frequency, "--frequency", &edge,
                                          &v1::LineageEdge::set_frequency));
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.legal_basis, "--legal-basis", &edge,
                                          &v1::LineageEdge::set_legal_basis));
  if (edge.relation() == v1::LINEAGE_RELATION_UNSPECIFIED) {
    return client::UsageError(
        "--relation is required: source, derived or delivery");
  }
  if (!o.process.empty()) edge.set_process(o.process);
  if (!o.description.empty()) edge.set_description(o.description);
  if (!o.purpose.empty()) edge.set_purpose(o.purpose);
  if (!o.legal_basis_explanation.empty()) {
    edge.set_legal_basis_explanation(o.legal_basis_explanation);
  }
  if (!o.mappings.empty()) edge.clear_column_mappings();  // Flags win.
  for (const std::string& text : o.mappings) {
    absl::StatusOr<v1::ColumnMapping> mapping =
        client::ParseColumnMapping(text);
    if (!mapping.ok()) return client::MarkUsageError(mapping.status());
    *edge.add_column_mappings() = *std::move(mapping);
  }
  return edge;
}

absl::Status PrintEdge(CommandContext& ctx, const v1::LineageEdge& edge) {
  return ctx.Print(edge, [&] { return client::FormatEdgeDetail(edge); });
}

absl::Status RunAdd(CommandContext& ctx, const AddOptions& o) {
  v1::CreateEdgeRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_edge(), BuildEdge(o));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::LineageEdge edge,
                              client->CreateEdge(request));
  return PrintEdge(ctx, edge);
}

// ---- lineage get, delete ----

struct EdgeOptions {
  std::string source, target, etag;
};

absl::Status RunGet(CommandContext& ctx, const EdgeOptions& o) {
  v1::GetEdgeRequest request;
  CATALOGCTL_RETURN_IF_ERROR(SetEndpoints(o.source, o.target, &request));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::LineageEdge edge, client->GetEdge(request));
  return PrintEdge(ctx, edge);
}

absl::Status RunDelete(CommandContext& ctx, const EdgeOptions& o) {
  v1::DeleteEdgeRequest request;
  CATALOGCTL_RETURN_IF_ERROR(SetEndpoints(o.source, o.target, &request));
  request.set_etag(o.etag);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::DeleteEdgeResponse response,
                              client->DeleteEdge(request));
  return ctx.Print(response, [&] {
    return absl::StrCat("deleted the edge ", request.source(), " -> ",
                        request.target(), " (revision ", response.revision(),
                        ")\n");
  });
}

// ---- lineage list ----

struct ListOptions {
  std::string node;
  bool in = false;
  bool out = false;
  PageOptions page;
};

absl::Status RunList(CommandContext& ctx, const ListOptions& o) {
  v1::ListEdgesRequest request;
  if (!o.node.empty()) {
    CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_node(),
                                ParseNodeArgument(o.node, "NODE"));
  } else if (o.in || o.out) {
    return client::UsageError("--in and --out need a NODE");
  }
  request.set_direction(o.in    ? v1::EDGE_DIRECTION_IN
                        : o.out ? v1::EDGE_DIRECTION_OUT
                                : v1::EDGE_DIRECTION_BOTH);
  return ListPages(ctx, request, o.page, &client::CatalogClient::ListEdges,
                   "edges", [](const v1::ListEdgesResponse& r) {
                     return client::FormatEdgeTable(r.edges());
                   });
}

// ---- lineage show ----

struct ShowOptions {
  std::string root;
  bool up = false;
  bool down = false;  // The default; a flag so that it can be said.
  bool both = false;
  int depth = 0;
  int budget = 0;
  std::string field;
  bool full = false;
  std::string format = "tree";
};

absl::Status RunShow(CommandContext& ctx, const ShowOptions& o) {
  const bool dot = o.format == "dot";
  if (dot && ctx.output() == OutputFormat::kJson) {
    return client::UsageError("--format dot and -o json exclude each other");
  }
  v1::GetLineageRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_root(),
                              ParseDatasetNodeArgument(o.root, "ID"));
  request.set_direction(o.up     ? v1::LINEAGE_DIRECTION_UPSTREAM
                        : o.both ? v1::LINEAGE_DIRECTION_BOTH
                                 : v1::LINEAGE_DIRECTION_DOWNSTREAM);
  request.set_max_depth(o.depth);
  request.set_node_budget(o.budget);
  request.set_field(o.field);
  // People read titles and process names, and the graphs they print are
  // small: the tree and DOT always ask for the full view. Scripts choose.
  const bool table = ctx.output() == OutputFormat::kTable;
  request.set_view(o.full || table ? v1::LINEAGE_VIEW_FULL
                                   : v1::LINEAGE_VIEW_BASIC);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::GetLineageResponse response,
                              client->GetLineage(request));
  return ctx.Print(response, [&] {
    return dot ? client::FormatLineageDot(response)
               : client::FormatLineageTree(response, request.direction());
  });
}

// ---- lineage impact ----

struct ImpactOptions {
  std::string root;
  int depth = 0;
  int budget = 0;
};

absl::Status RunImpact(CommandContext& ctx, const ImpactOptions& o) {
  v1::AnalyzeImpactRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_root(),
                              ParseDatasetNodeArgument(o.root, "ID"));
  request.set_max_depth(o.depth);
  request.set_node_budget(o.budget);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::AnalyzeImpactResponse response,
                              client->AnalyzeImpact(request));
  return ctx.Print(response, [&] { return client::FormatImpact(response); });
}

// ---- lineage findings ----

struct FindingsOptions {
  std::string dataset;
  PageOptions page;
};

absl::Status RunFindings(CommandContext& ctx, const FindingsOptions& o) {
  v1::ListLineageFindingsRequest request;
  if (!o.dataset.empty()) {
    CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_dataset(),
                                ParseIdArgument(o.dataset));
  }
  return ListPages(ctx, request, o.page,
                   &client::CatalogClient::ListLineageFindings, "findings",
                   [](const v1::ListLineageFindingsResponse& r) {
                     return client::FormatFindingTable(r.findings());
                   });
}

// ---- lineage ingest ----

struct IngestOptions {
  std::string file;
};

// Adds the outcome of one request of an intake to the intake's `total`.
void AddIngestResult(const v1::IngestOpenLineageResponse& part,
                     v1::IngestOpenLineageResponse* total) {
  total->set_events(total->events() + part.events());
  total->mutable_datasets_created()->MergeFrom(part.datasets_created());
  total->set_edges_created(total->edges_created() + part.edges_created());
  total->set_edges_updated(total->edges_updated() + part.edges_updated());
  total->set_revision(std::max(total->revision(), part.revision()));
}

absl::Status RunIngest(CommandContext& ctx, const IngestOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(std::string content, client::ReadInput(o.file));
  // The whole input is checked before anything is sent, so that a bad line
  // cannot leave half a file ingested.
  absl::StatusOr<std::vector<std::string>> events =
      client::ParseOpenLineageEvents(
          content, o.file == client::kStdinName ? "<stdin>" : o.file);
  if (!events.ok()) return client::MarkUsageError(events.status());
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());

  // Each request is one atomic write on the server; a file larger than one
  // request is not, so a failure says how far it got.
  v1::IngestOpenLineageResponse total;
  absl::Status status;
  for (size_t start = 0; start < events->size() && status.ok();
       start += client::kMaxEventsPerRequest) {
    const size_t end =
        std::min(events->size(), start + client::kMaxEventsPerRequest);
    v1::IngestOpenLineageRequest request;
    for (size_t i = start; i < end; ++i) {
      request.add_events(std::move((*events)[i]));
    }
    absl::StatusOr<v1::IngestOpenLineageResponse> part =
        client->IngestOpenLineage(request);
    if (part.ok()) {
      AddIngestResult(*part, &total);
    } else if (start == 0) {
      status = client::AddContext(part.status(), "nothing was ingested");
    } else {
      status = client::AddContext(
          part.status(),
          absl::StrCat("events 1 to ", start, " were ingested; events ",
                       start + 1, " to ", end,
                       " were refused, and none after them sent"));
    }
  }
  if (!status.ok() && total.events() == 0) return status;
  CATALOGCTL_RETURN_IF_ERROR(
      ctx.Print(total, [&] { return client::FormatIngestResult(total); }));
  return status;
}

// ---- party create, get, list, delete ----

struct PartyOptions {
  std::string id, name, kind, oin, description, etag;
  PageOptions page;
};

absl::Status PrintParty(CommandContext& ctx, const v1::ExternalParty& party) {
  return ctx.Print(party, [&] { return client::FormatPartyDetail(party); });
}

absl::Status RunPartyCreate(CommandContext& ctx, const PartyOptions& o) {
  v1::CreatePartyRequest request;
  v1::ExternalParty& party = *request.mutable_party();
  party.set_id(o.id);
  party.set_name(o.name);
  CATALOGCTL_RETURN_IF_ERROR(
      SetEnumField(o.kind, "--kind", &party, &v1::ExternalParty::set_kind));
  party.set_oin(o.oin);
  party.set_description(o.description);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ExternalParty created,
                              client->CreateParty(request));
  return PrintParty(ctx, created);
}

absl::Status RunPartyGet(CommandContext& ctx, const PartyOptions& o) {
  v1::GetPartyRequest request;
  request.set_id(o.id);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ExternalParty party,
                              client->GetParty(request));
  return PrintParty(ctx, party);
}

absl::Status RunPartyList(CommandContext& ctx, const PartyOptions& o) {
  return ListPages(ctx, v1::ListPartiesRequest(), o.page,
                   &client::CatalogClient::ListParties, "parties",
                   [](const v1::ListPartiesResponse& r) {
                     return client::FormatPartyTable(r.parties());
                   });
}

absl::Status RunPartyDelete(CommandContext& ctx, const PartyOptions& o) {
  v1::DeletePartyRequest request;
  request.set_id(o.id);
  request.set_etag(o.etag);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::DeletePartyResponse response,
                              client->DeleteParty(request));
  return ctx.Print(response, [&] {
    return absl::StrCat("deleted party ", o.id, " (revision ",
                        response.revision(), ")\n");
  });
}

void AddPartyIdArgument(CLI::App* command, std::string* id) {
  command->add_option("ID", *id, "party id or parties/ID, e.g. cbs")
      ->required();
}

}  // namespace

void RegisterLineageCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(
      app, "lineage",
      "Where data comes from and flows to: edges, traversals, impact, "
      "OpenLineage intake");

  {
    auto o = std::make_shared<AddOptions>();
    CLI::App* c = registry.Add(
        *group, "add",
        "Create an edge from SOURCE to TARGET (or as in -f FILE); prints it",
        [o](CommandContext& ctx) { return RunAdd(ctx, *o); });
    AddEdgeArguments(c, &o->source, &o->target, /*required=*/false);
    c->add_option("-f,--file", o->file,
                  "JSON file of a LineageEdge, - for stdin (arguments and "
                  "flags override its fields)");
    c->add_option("--relation", o->relation,
                  "source|derived|delivery (delivery: TARGET is a party)");
    c->add_option("--process", o->process,
                  "process or interface, e.g. StUF-BG, API, SFTP");
    c->add_option("--frequency", o->frequency,
                  "continuous|daily|weekly|monthly|quarterly|annual|"
                  "irregular|never");
    c->add_option("--description", o->description, "free text");
    c->add_option("--purpose", o->purpose,
                  "purpose (doel) of the flow; needed for a delivery of "
                  "personal data");
    c->add_option("--legal-basis", o->legal_basis,
                  "toestemming|overeenkomst|wettelijke_verplichting|"
                  "vitaal_belang|algemeen_belang_openbaar_gezag|"
                  "gerechtvaardigd_belang");
    c->add_option("--legal-basis-explanation", o->legal_basis_explanation,
                  "the law or agreement, e.g. \"Wet BRP art. 3.3\"");
    c->add_option("--map", o->mappings,
                  "field-level lineage SOURCE_FIELD=TARGET_FIELD[:HOW], "
                  "repeatable (TARGET_FIELD empty for a delivery)")
        // One value per --map, so that it does not swallow SOURCE TARGET.
        ->allow_extra_args(false);
  }
  {
    auto o = std::make_shared<EdgeOptions>();
    CLI::App* c =
        registry.Add(*group, "get", "Show the edge from SOURCE to TARGET",
                     [o](CommandContext& ctx) { return RunGet(ctx, *o); });
    AddEdgeArguments(c, &o->source, &o->target, /*required=*/true);
  }
  {
    auto o = std::make_shared<EdgeOptions>();
    CLI::App* c =
        registry.Add(*group, "delete", "Delete the edge from SOURCE to TARGET",
                     [o](CommandContext& ctx) { return RunDelete(ctx, *o); });
    AddEdgeArguments(c, &o->source, &o->target, /*required=*/true);
    c->add_option("--etag", o->etag,
                  "delete only if the edge is still at this etag");
  }
  {
    auto o = std::make_shared<ListOptions>();
    CLI::App* c = registry.Add(
        *group, "list",
        "List the edges of NODE (dataset id, datasets/ID, parties/ID), or "
        "every edge",
        [o](CommandContext& ctx) { return RunList(ctx, *o); });
    c->add_option("NODE", o->node, "node whose edges to list (default: all)");
    CLI::Option* in =
        c->add_flag("--in", o->in, "only edges into NODE (its sources)");
    c->add_flag("--out", o->out, "only edges from NODE (its targets)")
        ->excludes(in);
    AddPageOptions(c, &o->page, "edges");
  }
  {
    auto o = std::make_shared<ShowOptions>();
    CLI::App* c = registry.Add(
        *group, "show",
        "Show the lineage around a dataset as a tree (-> flows to, <- comes "
        "from) or as Graphviz DOT",
        [o](CommandContext& ctx) { return RunShow(ctx, *o); });
    c->add_option("ID", o->root, "dataset id, e.g. brp-ingezetenen")
        ->required();
    CLI::Option* up =
        c->add_flag("--up", o->up, "upstream: where the data comes from");
    CLI::Option* down = c->add_flag(
        "--down", o->down, "downstream: where the data flows to (the default)");
    c->add_flag("--both", o->both, "upstream and downstream")
        ->excludes(up)
        ->excludes(down);
    up->excludes(down);
    AddTraversalOptions(c, &o->depth, &o->budget);
    c->add_option("--field", o->field,
                  "column level: follow only the mappings of this field of "
                  "the dataset");
    c->add_flag("--full", o->full,
                "with -o json: every field of each edge, not only source, "
                "target and relation (the tree and DOT always have them)");
    c->add_option("--format", o->format, "tree or dot (Graphviz)")
        ->check(CLI::IsMember({"tree", "dot"}))
        ->capture_default_str();
  }
  {
    auto o = std::make_shared<ImpactOptions>();
    CLI::App* c = registry.Add(
        *group, "impact",
        "Everything downstream of a dataset, by depth, with the deliveries "
        "to external parties",
        [o](CommandContext& ctx) { return RunImpact(ctx, *o); });
    c->add_option("ID", o->root, "dataset id, e.g. brp-ingezetenen")
        ->required();
    AddTraversalOptions(c, &o->depth, &o->budget);
  }
  {
    auto o = std::make_shared<FindingsOptions>();
    CLI::App* c = registry.Add(
        *group, "findings",
        "Classification inconsistencies along lineage (of edges into "
        "DATASET, or all)",
        [o](CommandContext& ctx) { return RunFindings(ctx, *o); });
    c->add_option("DATASET", o->dataset, "dataset id (default: all)");
    AddPageOptions(c, &o->page, "findings");
  }
  {
    auto o = std::make_shared<IngestOptions>();
    CLI::App* c = registry.Add(
        *group, "ingest",
        "Send OpenLineage run events (JSONL, or a JSON array); creates stub "
        "datasets and edges",
        [o](CommandContext& ctx) { return RunIngest(ctx, *o); });
    c->add_option("-f,--file", o->file, "events file, - for stdin")->required();
  }
}

void RegisterPartyCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(
      app, "party",
      "External parties that receive data (Belastingdienst, CBS, ...)");

  {
    auto o = std::make_shared<PartyOptions>();
    CLI::App* c = registry.Add(
        *group, "create", "Register an external party; prints it",
        [o](CommandContext& ctx) { return RunPartyCreate(ctx, *o); });
    c->add_option("--id", o->id,
                  "id, e.g. belastingdienst (default: made from --name)");
    c->add_option("--name", o->name, "display name")->required();
    c->add_option("--kind", o->kind,
                  "belastingdienst|cbs|uwv|svb|overheid|ketenpartner|"
                  "leverancier|other")
        ->required();
    c->add_option("--oin", o->oin, "organisatie-identificatienummer");
    c->add_option("--description", o->description, "free text");
  }
  {
    auto o = std::make_shared<PartyOptions>();
    CLI::App* c =
        registry.Add(*group, "get", "Show one external party",
                     [o](CommandContext& ctx) { return RunPartyGet(ctx, *o); });
    AddPartyIdArgument(c, &o->id);
  }
  {
    auto o = std::make_shared<PartyOptions>();
    CLI::App* c = registry.Add(
        *group, "list", "List external parties by id",
        [o](CommandContext& ctx) { return RunPartyList(ctx, *o); });
    AddPageOptions(c, &o->page, "parties");
  }
  {
    auto o = std::make_shared<PartyOptions>();
    CLI::App* c = registry.Add(
        *group, "delete",
        "Delete an external party (not while deliveries to it exist)",
        [o](CommandContext& ctx) { return RunPartyDelete(ctx, *o); });
    AddPartyIdArgument(c, &o->id);
    c->add_option("--etag", o->etag,
                  "delete only if the party is still at this etag");
  }
}

}  // namespace catalog::catalogctl
