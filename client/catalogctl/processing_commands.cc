// catalogctl processing activity add|get|list|update|history: the register
// of processing activities (verwerkingsactiviteiten, AVG art. 30).
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "client/catalogctl/commands.h"
#include "client/lib/json_input.h"
#include "client/lib/processing_output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

struct ActivityOptions {
  std::string name, file, mask, etag;
  int64_t version = 0;
  std::string dataset, legal_basis, subject_category, status;
  PageOptions page;
};

// "brp-bijhouding" or "processing-activities/brp-bijhouding", at `version`
// (0: current).
std::string ActivityName(const std::string& name, int64_t version) {
  std::string full =
      absl::StartsWith(name, api::kActivityCollection) ? name : api::ActivityName(name);
  if (version > 0) absl::StrAppend(&full, "/versions/", version);
  return full;
}

absl::Status PrintActivity(CommandContext& ctx, const v1::ProcessingActivity& a) {
  return ctx.Print(a, [&] { return client::FormatActivityDetail(a); });
}

absl::Status RunAdd(CommandContext& ctx, const ActivityOptions& o) {
  v1::CreateProcessingActivityRequest request;
  CATALOGCTL_RETURN_IF_ERROR(client::ReadJsonFile(o.file, request.mutable_activity()));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ProcessingActivity created,
                              client->CreateProcessingActivity(request));
  return PrintActivity(ctx, created);
}

absl::Status RunGet(CommandContext& ctx, const ActivityOptions& o) {
  v1::GetProcessingActivityRequest request;
  request.set_name(ActivityName(o.name, o.version));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ProcessingActivity a, client->GetProcessingActivity(request));
  return PrintActivity(ctx, a);
}

absl::Status RunList(CommandContext& ctx, const ActivityOptions& o) {
  v1::ListProcessingActivitiesRequest request;
  request.set_dataset(o.dataset);
  request.set_data_subject_category(o.subject_category);
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.legal_basis, "--legal-basis", &request,
                                          &v1::ListProcessingActivitiesRequest::set_legal_basis));
  CATALOGCTL_RETURN_IF_ERROR(SetEnumField(o.status, "--status", &request,
                                          &v1::ListProcessingActivitiesRequest::set_status));
  return ListPages(ctx, request, o.page, &client::CatalogClient::ListProcessingActivities,
                   "activities", [](const v1::ListProcessingActivitiesResponse& r) {
                     return client::FormatActivityTable(r.activities());
                   });
}

absl::Status RunUpdate(CommandContext& ctx, const ActivityOptions& o) {
  v1::UpdateProcessingActivityRequest request;
  CATALOGCTL_RETURN_IF_ERROR(client::ReadJsonFile(o.file, request.mutable_activity()));
  request.mutable_activity()->set_id(api::IdOf(ActivityName(o.name, 0)));
  request.set_etag(o.etag);
  CATALOGCTL_RETURN_IF_ERROR(ParseFieldMask(o.mask, *v1::ProcessingActivity::descriptor(),
                                            "purpose,retention_period,datasets",
                                            request.mutable_update_mask()));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ProcessingActivity updated,
                              client->UpdateProcessingActivity(request));
  return PrintActivity(ctx, updated);
}

absl::Status RunHistory(CommandContext& ctx, const ActivityOptions& o) {
  v1::ListProcessingActivityVersionsRequest request;
  request.set_name(ActivityName(o.name, 0));
  return ListPages(ctx, request, o.page, &client::CatalogClient::ListProcessingActivityVersions,
                   "versions", [](const v1::ListProcessingActivityVersionsResponse& r) {
                     return client::FormatActivityVersionTable(r.versions());
                   });
}

void AddNameArgument(CLI::App* command, std::string* name) {
  command->add_option("NAME", *name, "activity id or processing-activities/ID")->required();
}

}  // namespace

void RegisterProcessingCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(
      app, "processing",
      "Accountability: the register of processing activities (AVG art. 30) and the processing "
      "log (inzage, operations, traces, retention)");
  CLI::App* activity = registry.AddGroup(
      *group, "activity", "Processing activities (verwerkingsactiviteiten), versioned");
  {
    auto o = std::make_shared<ActivityOptions>();
    CLI::App* c = registry.Add(*activity, "add",
                               "Register an activity from a JSON file; prints it (version 1)",
                               [o](CommandContext& ctx) { return RunAdd(ctx, *o); });
    c->add_option("-f,--file", o->file, "JSON file of a ProcessingActivity, - for stdin")
        ->required();
  }
  {
    auto o = std::make_shared<ActivityOptions>();
    CLI::App* c = registry.Add(*activity, "get", "Show the current version, or --version N",
                               [o](CommandContext& ctx) { return RunGet(ctx, *o); });
    AddNameArgument(c, &o->name);
    c->add_option("--version", o->version, "an earlier version (1, 2, ...)")->check(Positive());
  }
  {
    auto o = std::make_shared<ActivityOptions>();
    CLI::App* c = registry.Add(*activity, "list", "List the activities by id",
                               [o](CommandContext& ctx) { return RunList(ctx, *o); });
    c->add_option("--dataset", o->dataset, "only those using this dataset");
    c->add_option("--legal-basis", o->legal_basis,
                  "toestemming|overeenkomst|wettelijke_verplichting|vitaal_belang|"
                  "algemeen_belang_openbaar_gezag|gerechtvaardigd_belang");
    c->add_option("--subject-category", o->subject_category,
                  "only those about this category of data subjects");
    c->add_option("--status", o->status, "active|ended");
    AddPageOptions(c, &o->page, "activities");
  }
  {
    auto o = std::make_shared<ActivityOptions>();
    CLI::App* c = registry.Add(
        *activity, "update",
        "Change an activity: a new version when purpose, basis, data, recipients, retention, "
        "... change",
        [o](CommandContext& ctx) { return RunUpdate(ctx, *o); });
    AddNameArgument(c, &o->name);
    c->add_option("-f,--file", o->file, "JSON file with the new values, - for stdin")
        ->required();
    c->add_option("--mask", o->mask, "only these fields, e.g. purpose,retention_period");
    c->add_option("--etag", o->etag, "change only if the activity is still at this etag");
  }
  {
    auto o = std::make_shared<ActivityOptions>();
    CLI::App* c = registry.Add(*activity, "history", "The versions of an activity, newest first",
                               [o](CommandContext& ctx) { return RunHistory(ctx, *o); });
    AddNameArgument(c, &o->name);
    AddPageOptions(c, &o->page, "versions");
  }
}

}  // namespace catalog::catalogctl
