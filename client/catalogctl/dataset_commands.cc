// catalogctl dataset create|get|list|update|delete|history|load.
#include <google/protobuf/util/field_mask_util.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/catalogctl/commands.h"
#include "client/catalogctl/dataset_filter_flags.h"
#include "client/lib/bulk_loader.h"
#include "client/lib/catalog_client.h"
#include "client/lib/json_input.h"
#include "client/lib/output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

// ---- Printing shared by the commands ----

absl::Status PrintDataset(CommandContext& ctx, const v1::Dataset& dataset) {
  return ctx.Print(dataset,
                   [&] { return client::FormatDatasetDetail(dataset); });
}

// ---- create ----

struct CreateOptions {
  std::string file;
};

absl::Status RunCreate(CommandContext& ctx, const CreateOptions& o) {
  v1::CreateDatasetRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_dataset(),
                              client::ReadDatasetFile(o.file));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::Dataset created,
                              client->CreateDataset(request));
  return PrintDataset(ctx, created);
}

// ---- get ----

struct GetOptions {
  std::string id;
  int64_t revision = 0;
};

absl::Status RunGet(CommandContext& ctx, const GetOptions& o) {
  v1::GetDatasetRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_id(), ParseIdArgument(o.id));
  request.set_revision(o.revision);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::Dataset dataset, client->GetDataset(request));
  return PrintDataset(ctx, dataset);
}

// ---- list ----

struct ListOptions {
  DatasetFilterFlags filter;
  std::string order = "id";
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

absl::StatusOr<v1::ListDatasetsRequest> BuildListRequest(const ListOptions& o) {
  v1::ListDatasetsRequest request;
  request.set_page_size(o.page_size);
  request.set_page_token(o.page_token);
  if (o.order == "updated") {
    request.set_order_by(v1::DATASET_ORDER_UPDATE_TIME_DESC);
  } else if (o.order == "updated-asc") {
    request.set_order_by(v1::DATASET_ORDER_UPDATE_TIME_ASC);
  } else {
    request.set_order_by(v1::DATASET_ORDER_ID);
  }
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_filter(), BuildDatasetFilter(o.filter));
  return request;
}

absl::Status RunList(CommandContext& ctx, const ListOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ListDatasetsRequest request,
                              BuildListRequest(o));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(
      v1::ListDatasetsResponse response,
      (client::FetchPages<v1::ListDatasetsRequest, v1::ListDatasetsResponse>(
          request, o.all, [client](const v1::ListDatasetsRequest& r) {
            return client->ListDatasets(r);
          })));
  return PrintPage(ctx, response, "datasets", [&] {
    return client::FormatDatasetTable(response.datasets());
  });
}

// ---- update ----

struct UpdateOptions {
  std::string id;
  std::string file;
  std::string mask;
  std::string etag;
};

absl::Status RunUpdate(CommandContext& ctx, const UpdateOptions& o) {
  v1::UpdateDatasetRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_dataset(),
                              client::ReadDatasetFile(o.file));
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_dataset()->mutable_id(),
                              ParseIdArgument(o.id));
  if (!o.etag.empty()) request.mutable_dataset()->set_etag(o.etag);
  CATALOGCTL_RETURN_IF_ERROR(ParseFieldMask(o.mask, *v1::Dataset::descriptor(),
                                            "title,hosting.provider,personal_data.legal_basis",
                                            request.mutable_update_mask()));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::Dataset updated,
                              client->UpdateDataset(request));
  return PrintDataset(ctx, updated);
}

// ---- delete ----

struct DeleteOptions {
  std::string id;
  std::string etag;
  bool force = false;
};

absl::Status RunDelete(CommandContext& ctx, const DeleteOptions& o) {
  v1::DeleteDatasetRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_id(), ParseIdArgument(o.id));
  request.set_etag(o.etag);
  request.set_force(o.force);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::DeleteDatasetResponse response,
                              client->DeleteDataset(request));
  return ctx.Print(response, [&] {
    return absl::StrCat("deleted ", request.id(), " (revision ",
                        response.revision(), ")\n");
  });
}

// ---- history ----

struct HistoryOptions {
  std::string id;
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

absl::Status RunHistory(CommandContext& ctx, const HistoryOptions& o) {
  v1::ListDatasetRevisionsRequest request;
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_id(), ParseIdArgument(o.id));
  request.set_page_size(o.page_size);
  request.set_page_token(o.page_token);
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(
      v1::ListDatasetRevisionsResponse response,
      (client::FetchPages<v1::ListDatasetRevisionsRequest,
                          v1::ListDatasetRevisionsResponse>(
          request, o.all, [client](const v1::ListDatasetRevisionsRequest& r) {
            return client->ListDatasetRevisions(r);
          })));
  return PrintPage(ctx, response, "revisions", [&] {
    return client::FormatRevisionTable(response.revisions());
  });
}

// ---- load ----

absl::Status RunLoad(CommandContext& ctx, const JsonlLoadOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  client::BulkLoadResult result;
  JsonlLoadPass pass;
  pass.send = [&](const std::function<bool(google::protobuf::Message*)>& next,
                  bool validate_only) -> absl::StatusOr<std::vector<client::ItemFailure>> {
    CATALOGCTL_ASSIGN_OR_RETURN(
        result, client->BulkLoad([&](v1::Dataset* d) { return next(d); }, o.batch, validate_only));
    std::vector<client::ItemFailure> failures;
    for (size_t i = 0; i < result.failures.size(); ++i) {
      const v1::UpsertResult& f = result.failures[i];
      failures.push_back({result.failure_positions[i], f.code(),
                          absl::StrCat(f.id().empty() ? "(no id)" : f.id(), ": ", f.message())});
    }
    return failures;
  };
  pass.counts = [&](nlohmann::ordered_json* json) {
    (*json)["created"] = result.created;
    (*json)["replaced"] = result.replaced;
    (*json)["unchanged"] = result.unchanged;
    (*json)["failed"] = result.failed;
    return client::FormatBulkLoadResult(result, 0);
  };
  // A CSV register row changes only its columns of the stored dataset.
  pass.csv_base = [client](const std::string& id)
      -> absl::StatusOr<std::optional<v1::Dataset>> {
    v1::GetDatasetRequest request;
    request.set_id(id);
    absl::StatusOr<v1::Dataset> stored = client->GetDataset(request);
    if (absl::IsNotFound(stored.status())) return std::nullopt;
    if (!stored.ok()) return stored.status();
    return *std::move(stored);
  };
  v1::Dataset item;
  return RunJsonlLoad(ctx, o, &item, pass);
}

// Binds the positional dataset id.
void AddIdArgument(CLI::App* command, std::string* id) {
  command->add_option("ID", *id, "dataset id, e.g. brp-ingezetenen")
      ->required();
}

}  // namespace

void RegisterDatasetCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(app, "dataset",
                                      "Create, read, change and list datasets");

  {
    auto o = std::make_shared<CreateOptions>();
    CLI::App* c = registry.Add(
        *group, "create", "Create a dataset from proto3 JSON; prints it",
        [o](CommandContext& ctx) { return RunCreate(ctx, *o); });
    c->add_option("-f,--file", o->file, "JSON file of a Dataset, - for stdin")
        ->required();
  }
  {
    auto o = std::make_shared<GetOptions>();
    CLI::App* c =
        registry.Add(*group, "get", "Show one dataset",
                     [o](CommandContext& ctx) { return RunGet(ctx, *o); });
    AddIdArgument(c, &o->id);
    c->add_option("--revision", o->revision,
                  "show the dataset as it was at this catalogue revision")
        ->check(NonNegative());
  }
  {
    auto o = std::make_shared<ListOptions>();
    CLI::App* c =
        registry.Add(*group, "list", "List datasets, filtered",
                     [o](CommandContext& ctx) { return RunList(ctx, *o); });
    AddDatasetFilterFlags(c, &o->filter);
    c->add_option("--order", o->order, "id|updated|updated-asc")
        ->check(CLI::IsMember({"id", "updated", "updated-asc"}))
        ->capture_default_str();
    c->add_option("--page-size", o->page_size,
                  "datasets per page (0: the server's default)")
        ->check(NonNegative());
    c->add_option("--page-token", o->page_token,
                  "continue after the page that returned this token");
    c->add_flag("--all", o->all, "fetch and print every page");
  }
  {
    auto o = std::make_shared<UpdateOptions>();
    CLI::App* c = registry.Add(
        *group, "update",
        "Change a dataset: the fields in the file, limited to --mask",
        [o](CommandContext& ctx) { return RunUpdate(ctx, *o); });
    AddIdArgument(c, &o->id);
    c->add_option("-f,--file", o->file,
                  "JSON file with the new values, - for stdin")
        ->required();
    c->add_option("--mask", o->mask,
                  "fields to change, e.g. title,hosting.provider (default: "
                  "all)");
    c->add_option("--etag", o->etag,
                  "change only if the dataset is still at this etag");
  }
  {
    auto o = std::make_shared<DeleteOptions>();
    CLI::App* c =
        registry.Add(*group, "delete", "Delete a dataset (its history stays)",
                     [o](CommandContext& ctx) { return RunDelete(ctx, *o); });
    AddIdArgument(c, &o->id);
    c->add_option("--etag", o->etag,
                  "delete only if the dataset is still at this etag");
    c->add_flag("--force", o->force,
                "also delete its lineage edges (without it, a dataset with "
                "edges is not deleted: FAILED_PRECONDITION)");
  }
  {
    auto o = std::make_shared<HistoryOptions>();
    CLI::App* c = registry.Add(
        *group, "history", "List the revisions of a dataset, newest first",
        [o](CommandContext& ctx) { return RunHistory(ctx, *o); });
    AddIdArgument(c, &o->id);
    c->add_option("--page-size", o->page_size,
                  "revisions per page (0: the server's default)")
        ->check(NonNegative());
    c->add_option("--page-token", o->page_token,
                  "continue after the page that returned this token");
    c->add_flag("--all", o->all, "fetch and print every page");
  }
  {
    auto o = std::make_shared<JsonlLoadOptions>();
    CLI::App* c = registry.Add(
        *group, "load",
        "Create or replace many datasets from JSONL (one Dataset per line), or change them "
        "from a CSV register (FILE.csv: the columns of dataset export --format csv); the "
        "whole file is checked first and nothing is written if a line is bad",
        [o](CommandContext& ctx) { return RunLoad(ctx, *o); });
    AddJsonlLoadOptions(c, o.get(), "datasets");
  }
}

}  // namespace catalog::catalogctl
