// catalogctl search "QUERY": full-text search over the datasets the caller
// may see (SearchService.SearchDatasets), with the filters of `dataset
// list`, facet counts (--facets) and paging; a table of hits, or the whole
// response with -o json.
#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "client/catalogctl/commands.h"
#include "client/catalogctl/dataset_filter_flags.h"
#include "client/lib/catalog_client.h"
#include "client/lib/output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

struct SearchOptions {
  std::string query;
  DatasetFilterFlags filter;
  std::string status, quality_below_norm;
  bool facets = false;
  int page_size = 0;
  std::string page_token;
  int64_t min_revision = 0;
};

absl::StatusOr<v1::SearchDatasetsRequest> BuildRequest(const SearchOptions& o) {
  v1::SearchDatasetsRequest request;
  request.set_query(o.query);
  CATALOGCTL_ASSIGN_OR_RETURN(*request.mutable_filter(), BuildDatasetFilter(o.filter));
  CATALOGCTL_RETURN_IF_ERROR(
      SetEnumField(o.status, "--status", &request, &v1::SearchDatasetsRequest::set_status));
  if (!o.quality_below_norm.empty()) {
    CATALOGCTL_ASSIGN_OR_RETURN(bool below,
                                ParseBoolFlag(o.quality_below_norm, "--quality-below-norm"));
    request.set_quality_below_norm(below);
  }
  request.set_facets(o.facets);
  request.set_page_size(o.page_size);
  request.set_page_token(o.page_token);
  request.set_min_revision(o.min_revision);
  return request;
}

// The snippet for a terminal: highlighting as *word*.
std::string PlainSnippet(const std::string& snippet) {
  return absl::StrReplaceAll(snippet, {{"<b>", "*"}, {"</b>", "*"}, {"&amp;", "&"},
                                       {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}});
}

std::string FormatSearch(const v1::SearchDatasetsResponse& response) {
  client::TextTable table({"ID", "TITLE", "EXACT", "MATCHED", "SNIPPET"});
  for (const v1::SearchHit& hit : response.hits()) {
    table.AddRow({hit.name().substr(hit.name().find('/') + 1), client::Cell(hit.title()),
                  client::JaNee(hit.exact()), absl::StrJoin(hit.matched_fields(), ","),
                  client::Cell(PlainSnippet(hit.snippet()))});
  }
  table.Limit(1, 40);
  table.Limit(4, 60);
  std::string text = table.Render();
  absl::StrAppend(&text, "total: ", response.total(), " (index revision ",
                  response.index_revision(), ")\n");
  for (const v1::FacetCounts& facet : response.facets()) {
    std::vector<std::string> counts;
    for (const auto& [value, count] : facet.counts()) {
      counts.push_back(absl::StrCat(value, "=", count));
    }
    std::sort(counts.begin(), counts.end());
    absl::StrAppend(&text, facet.facet(), ": ", counts.empty() ? "-" : absl::StrJoin(counts, " "),
                    "\n");
  }
  return text;
}

absl::Status RunSearch(CommandContext& ctx, const SearchOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(v1::SearchDatasetsRequest request, BuildRequest(o));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(v1::SearchDatasetsResponse response,
                              client->SearchDatasets(request));
  return PrintPage(
      ctx, response, "hits", [&] { return FormatSearch(response); }, /*has_all_flag=*/false);
}

}  // namespace

void RegisterSearchCommands(CLI::App& app, CommandRegistry& registry) {
  auto o = std::make_shared<SearchOptions>();
  CLI::App* c = registry.Add(
      app, "search",
      "Search the datasets: words (Dutch and English stemming), \"phrases\", AND/OR/NOT, "
      "prefix*, title: field: owner: ...; with the filters of dataset list",
      [o](CommandContext& ctx) { return RunSearch(ctx, *o); });
  c->add_option("query", o->query, "the query; empty: every dataset matching the filters");
  AddDatasetFilterFlags(c, &o->filter);
  c->add_option("--status", o->status, "concept|develop|completed|deprecated|withdrawn");
  c->add_option("--quality-below-norm", o->quality_below_norm, "true|false");
  c->add_flag("--facets", o->facets, "count the facets over all matches");
  c->add_option("--page-size", o->page_size, "hits per page (0: the server's default)")
      ->check(NonNegative());
  c->add_option("--page-token", o->page_token, "continue after the page that returned this token");
  c->add_option("--min-revision", o->min_revision,
                "wait up to 1 s for the index to reach this revision (read your own writes)")
      ->check(NonNegative());
}

}  // namespace catalog::catalogctl
