// catalogctl audit list|verify: the audit trail of catalogd (AuditService;
// the auditor and admin roles only).
#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "client/catalogctl/commands.h"
#include "client/lib/catalog_client.h"
#include "client/lib/output.h"

namespace catalog::catalogctl {
namespace {

namespace v1 = ::catalog::v1;

// Highest canonical status code (UNAUTHENTICATED).
constexpr int kMaxStatusCode = 16;

// ---- Flag parsing ----

// A status code given as its number ("7") or its name, in any case and with
// '-' or '_' ("PERMISSION_DENIED", "permission-denied").
absl::StatusOr<int> ParseCodeFlag(const std::string& text) {
  int number = 0;
  if (absl::SimpleAtoi(text, &number)) {
    if (number < 0 || number > kMaxStatusCode) {
      return client::UsageError(absl::StrCat("--code: ", number,
                                             " is not a status code (0..",
                                             kMaxStatusCode, ")"));
    }
    return number;
  }
  const std::string name = absl::AsciiStrToUpper(
      absl::StrReplaceAll(absl::StripAsciiWhitespace(text), {{"-", "_"}}));
  for (int code = 0; code <= kMaxStatusCode; ++code) {
    if (name == absl::StatusCodeToString(static_cast<absl::StatusCode>(code))) {
      return code;
    }
  }
  return client::UsageError(absl::StrCat(
      "--code: \"", text,
      "\" is not a status code; give a number (0..16) or a name such as OK, "
      "NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION"));
}

// An RFC 3339 time ("2024-05-01T10:00:00Z", "2024-05-01T12:00:00+02:00",
// fractions allowed) or a date ("2024-05-01", midnight UTC).
absl::StatusOr<absl::Time> ParseTimeFlag(const std::string& text,
                                         absl::string_view flag) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return time;
  std::string date_error;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &time,
                      &date_error)) {
    return time;
  }
  return client::UsageError(
      absl::StrCat(flag, ": \"", text,
                   "\" is not an RFC 3339 time (e.g. 2024-05-01T10:00:00Z or "
                   "2024-05-01T12:00:00+02:00) or a date (2024-05-01): ",
                   error));
}

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  timestamp->set_seconds(seconds);
  timestamp->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
}

// ---- list ----

struct ListOptions {
  std::string principal, resource, method, code, since, until;
  bool oldest_first = false;
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

absl::StatusOr<v1::ListAuditEventsRequest> BuildListRequest(
    const ListOptions& o) {
  v1::ListAuditEventsRequest request;
  request.set_page_size(o.page_size);
  request.set_page_token(o.page_token);
  request.set_principal(o.principal);
  // Datasets are the only resources so far: a bare id means the dataset.
  if (!o.resource.empty() && o.resource.find('/') == std::string::npos) {
    request.set_resource(absl::StrCat("datasets/", o.resource));
  } else {
    request.set_resource(o.resource);
  }
  request.set_method(o.method);
  if (!o.code.empty()) {
    CATALOGCTL_ASSIGN_OR_RETURN(int code, ParseCodeFlag(o.code));
    request.set_code(code);
  }
  absl::Time since = absl::InfinitePast();
  if (!o.since.empty()) {
    CATALOGCTL_ASSIGN_OR_RETURN(since, ParseTimeFlag(o.since, "--since"));
    SetTimestamp(since, request.mutable_start_time());
  }
  if (!o.until.empty()) {
    CATALOGCTL_ASSIGN_OR_RETURN(absl::Time until,
                                ParseTimeFlag(o.until, "--until"));
    if (until <= since) {
      return client::UsageError("--until must be later than --since");
    }
    SetTimestamp(until, request.mutable_end_time());
  }
  request.set_oldest_first(o.oldest_first);
  return request;
}

// The sequence of the newest entry of the trail (0 when it is empty), or
// nullopt when the server does not say.
absl::StatusOr<std::optional<int64_t>> LastSequence(
    client::CatalogClient& client) {
  v1::ListAuditEventsRequest request;
  request.set_page_size(1);  // Newest first, no filter.
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ListAuditEventsResponse page,
                              client.ListAuditEvents(request));
  if (!page.events().empty()) return page.events(0).sequence();
  if (page.next_page_token().empty()) return int64_t{0};
  return std::nullopt;
}

// `page` (oldest first) without the events after `last`; it is the final
// page when it reached `last`.
void StopAt(int64_t last, v1::ListAuditEventsResponse* page) {
  auto* events = page->mutable_events();
  int keep = 0;
  while (keep < events->size() && events->Get(keep).sequence() <= last) ++keep;
  const bool reached = keep < events->size() ||
                       (keep > 0 && events->Get(keep - 1).sequence() >= last);
  events->DeleteSubrange(keep, events->size() - keep);
  if (reached) page->clear_next_page_token();
}

absl::Status RunList(CommandContext& ctx, const ListOptions& o) {
  CATALOGCTL_ASSIGN_OR_RETURN(v1::ListAuditEventsRequest request,
                              BuildListRequest(o));
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  // Every call is audited, this command's own page requests too: read
  // oldest first, page after page, the trail grows at its end while it is
  // read, and with small pages the end is never reached. So --all
  // --oldest-first stops at the entry that was the newest when it began.
  std::optional<int64_t> last;
  if (o.all && o.oldest_first) {
    CATALOGCTL_ASSIGN_OR_RETURN(last, LastSequence(*client));
  }
  CATALOGCTL_ASSIGN_OR_RETURN(
      v1::ListAuditEventsResponse response,
      (client::FetchPages<v1::ListAuditEventsRequest,
                          v1::ListAuditEventsResponse>(
          request, o.all,
          [client, last](const v1::ListAuditEventsRequest& r)
              -> absl::StatusOr<v1::ListAuditEventsResponse> {
            CATALOGCTL_ASSIGN_OR_RETURN(v1::ListAuditEventsResponse page,
                                        client->ListAuditEvents(r));
            if (last) StopAt(*last, &page);
            return page;
          })));
  return PrintPage(ctx, response, "events",
                   [&] { return client::FormatAuditTable(response.events()); });
}

// ---- verify ----

absl::Status RunVerify(CommandContext& ctx) {
  CATALOGCTL_ASSIGN_OR_RETURN(client::CatalogClient * client, ctx.Client());
  CATALOGCTL_ASSIGN_OR_RETURN(
      v1::VerifyAuditTrailResponse response,
      client->VerifyAuditTrail(v1::VerifyAuditTrailRequest()));
  // In JSON the verdict and the count are always present, also when false
  // or zero (proto3 JSON would leave them out).
  CATALOGCTL_ASSIGN_OR_RETURN(nlohmann::ordered_json fields,
                              client::ToJsonValue(response));
  nlohmann::ordered_json json;
  json["intact"] = response.intact();
  json["entries"] = fields.value("entries", "0");  // int64: a JSON string.
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (!json.contains(it.key())) json[it.key()] = it.value();
  }
  CATALOGCTL_RETURN_IF_ERROR(ctx.Print(
      json, [&] { return client::FormatAuditVerification(response); }));
  if (response.intact()) return absl::OkStatus();
  return client::CheckFailedError(absl::StrCat(
      "the audit trail failed verification at sequence ",
      response.first_broken_sequence(),
      "; it may have been tampered with: keep the data directory as it is "
      "and report it"));
}

}  // namespace

void RegisterAuditCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* group = registry.AddGroup(
      app, "audit", "Read and verify the audit trail (auditor and admin only)");

  {
    auto o = std::make_shared<ListOptions>();
    CLI::App* c = registry.Add(
        *group, "list", "List audit events, newest first, filtered",
        [o](CommandContext& ctx) { return RunList(ctx, *o); });
    c->add_option("--principal", o->principal, "caller's principal, exact");
    c->add_option("--resource", o->resource,
                  "resource name, e.g. datasets/brp-ingezetenen (a bare "
                  "dataset id also works)");
    c->add_option("--method", o->method,
                  "RPC method: last part (GetDataset) or full name");
    c->add_option("--code", o->code,
                  "outcome: status code number or name, e.g. 0, OK, "
                  "PERMISSION_DENIED");
    c->add_option("--since", o->since,
                  "at or after this time (RFC 3339, e.g. "
                  "2024-05-01T10:00:00Z, or a date)");
    c->add_option("--until", o->until, "before this time (RFC 3339 or a date)");
    c->add_flag("--oldest-first", o->oldest_first,
                "oldest first instead of newest first");
    c->add_option("--page-size", o->page_size,
                  "events per page (0: the server's default)")
        ->check(NonNegative());
    c->add_option("--page-token", o->page_token,
                  "continue after the page that returned this token");
    c->add_flag("--all", o->all, "fetch and print every page");
  }
  {
    registry.Add(*group, "verify",
                 "Recompute the hash chain of the whole trail; exit 1 when "
                 "it is broken",
                 [](CommandContext& ctx) { return RunVerify(ctx); });
  }
}

}  // namespace catalog::catalogctl
