#include "server/core/terugmelding_catalog.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <openssl/rand.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/enum_text.h"
#include "api/resource_names.h"
#include "server/core/access.h"
#include "server/core/audit_recorder.h"
#include "server/core/dataset_validation.h"
#include "server/core/request_rules.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using v1::Dataset;
using v1::Terugmelding;
using v1::TerugmeldingStatus;

// The status machine (see the header). The one place it is written down.
const std::vector<StatusTransitions>& Table() {
  static const auto* table = new std::vector<StatusTransitions>{
      {v1::TERUGMELDING_STATUS_GEMELD,
       {v1::TERUGMELDING_STATUS_IN_BEHANDELING, v1::TERUGMELDING_STATUS_INGETROKKEN,
        v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE,
        v1::TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER}},
      {v1::TERUGMELDING_STATUS_IN_BEHANDELING,
       {v1::TERUGMELDING_STATUS_INGETROKKEN, v1::TERUGMELDING_STATUS_INGEPLAND,
        v1::TERUGMELDING_STATUS_AFGEHANDELD}},
      {v1::TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER,
       {v1::TERUGMELDING_STATUS_GEMELD, v1::TERUGMELDING_STATUS_INGETROKKEN}},
      // An open status: the report needs a way out, or it goes overdue
      // forever. Once the reporter supplies what was missing, the handler
      // takes it up again; or the reporter withdraws it.
      {v1::TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE,
       {v1::TERUGMELDING_STATUS_IN_BEHANDELING, v1::TERUGMELDING_STATUS_INGETROKKEN}},
      {v1::TERUGMELDING_STATUS_INGEPLAND, {v1::TERUGMELDING_STATUS_AFGEHANDELD}},
  };
  return *table;
}

constexpr size_t kMaxReference = 12;
constexpr char kReportsInfix[] = "/reports/";

// As the clients' flags accept it: "in_behandeling".
std::string StatusName(TerugmeldingStatus status) { return api::EnumShortName(status); }

std::string ReportName(const std::string& dataset_id, const std::string& id) {
  return absl::StrCat(api::kDatasetCollection, dataset_id, kReportsInfix, id);
}

absl::Status ReportNotFound(const std::string& dataset_id, const std::string& id) {
  return absl::NotFoundError(
      absl::StrCat("terugmelding ", ReportName(dataset_id, id), " not found"));
}

// "datasets/{dataset}/reports/{id}" -> {dataset id, report id}.
absl::StatusOr<std::pair<std::string, std::string>> ParseReportName(absl::string_view name,
                                                                    absl::string_view field) {
  const size_t infix = name.find(kReportsInfix);
  if (!absl::StartsWith(name, api::kDatasetCollection) || infix == absl::string_view::npos) {
    return FieldError(field, "must be datasets/{dataset}/reports/{id}");
  }
  absl::StatusOr<std::string> dataset = api::ParseDatasetName(name.substr(0, infix), field);
  if (!dataset.ok()) return dataset.status();
  const std::string id(name.substr(infix + sizeof(kReportsInfix) - 1));
  if (absl::Status s = api::ValidateDatasetId(id, field); !s.ok()) return s;
  return std::make_pair(*std::move(dataset), id);
}

// "tm-" and 10 random characters of the lower-case base32 alphabet (50
// bits).
std::string NewReportId() {
  constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  unsigned char bytes[10];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // The generator is seeded by OpenSSL from the OS; failure is not expected.
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(absl::ToUnixNanos(absl::Now()));
  }
  std::string id = "tm-";
  for (unsigned char b : bytes) id.push_back(kAlphabet[b & 31]);
  return id;
}

// Characters (UTF-8 code points) of `text`.
size_t CodePoints(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool HasField(const Dataset& dataset, const std::string& name) {
  return std::any_of(dataset.schema_fields().begin(), dataset.schema_fields().end(),
                     [&](const v1::SchemaField& f) { return f.name() == name; });
}

// What the caller may not set when filing.
void ClearOutputOnly(Terugmelding* t) {
  t->clear_name();
  t->clear_id();
  t->clear_reporter_principal();
  t->clear_planning_expectation();
  t->clear_status();
  t->clear_history();
  t->clear_create_time();
  t->clear_update_time();
  t->clear_deadline();
  t->clear_overdue();
  t->clear_revision();
  t->clear_etag();
}

absl::Status ValidateFiling(const Terugmelding& t) {
  if (absl::Status s = ValidateMessageFields(t, "terugmelding"); !s.ok()) return s;
  if (t.explanation().empty()) return FieldError("terugmelding.explanation", "required");
  if (CodePoints(t.reference()) > kMaxReference) {
    return FieldError("terugmelding.reference", absl::StrCat("at most ", kMaxReference,
                                                          " characters"));
  }
  if (absl::Status s = ValidateOin(t.reporter_organisation().oin(),
                                   "terugmelding.reporter_organisation.oin");
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < t.attributes_size(); ++i) {
    if (t.attributes(i).name().empty()) {
      return FieldError(absl::StrCat("terugmelding.attributes[", i, "].name"), "required");
    }
  }
  for (int i = 0; i < t.contacts_size(); ++i) {
    if (t.contacts(i).role() == v1::CONTACT_ROLE_UNSPECIFIED) {
      return FieldError(absl::StrCat("terugmelding.contacts[", i, "].role"), "required");
    }
  }
  return absl::OkStatus();
}

// A report of a dataset the caller can no longer see: what the reporter
// wrote and the status stay; the dataset and the handlers' words go.
void Conceal(const std::string& principal, Terugmelding* t) {
  t->clear_name();
  t->clear_dataset();
  t->clear_deadline();
  t->clear_overdue();
  t->clear_planning_expectation();
  for (v1::StatusChange& change : *t->mutable_history()) {
    if (change.principal() == principal) continue;
    change.clear_principal();
    change.clear_note();
  }
}

// Pages through `fetch(cursor, limit)` (a storage listing) keeping the
// entries `keep` accepts (and possibly changes) until the page is full, the
// listing ends or the scan budget is spent; the next page token seals the
// store's cursor.
template <typename Fetch, typename Keep>
absl::StatusOr<v1::ListTerugmeldingenResponse> FilteredPage(
    const PageTokens& tokens, const std::string& query, const std::string& token,
    size_t page_size, size_t budget, Fetch fetch, Keep keep) {
  absl::StatusOr<Paging> paging = Paging::Open(tokens, query, token);
  if (!paging.ok()) return paging.status();
  std::string cursor = paging->position();
  v1::ListTerugmeldingenResponse response;
  size_t scanned = 0;
  while (true) {
    const size_t want = std::min(page_size - response.terugmeldingen_size(), budget - scanned);
    absl::StatusOr<storage::TerugmeldingPage> page = fetch(cursor, want);
    if (!page.ok()) return page.status();
    scanned += page->terugmeldingen.size();
    for (Terugmelding& t : page->terugmeldingen) {
      if (keep(&t)) *response.add_terugmeldingen() = std::move(t);
    }
    cursor = std::move(page->next_cursor);
    if (cursor.empty()) break;
    if (static_cast<size_t>(response.terugmeldingen_size()) == page_size || scanned >= budget) {
      response.set_next_page_token(paging->NextToken(cursor));
      break;
    }
  }
  return response;
}

}  // namespace

absl::Span<const StatusTransitions> TerugmeldingTransitions() { return Table(); }

bool TransitionAllowed(TerugmeldingStatus from, TerugmeldingStatus to) {
  for (const StatusTransitions& row : Table()) {
    if (row.from == from) return std::find(row.to.begin(), row.to.end(), to) != row.to.end();
  }
  return false;
}

bool IsOpen(TerugmeldingStatus status) {
  return status != v1::TERUGMELDING_STATUS_AFGEHANDELD &&
         status != v1::TERUGMELDING_STATUS_INGETROKKEN;
}

TerugmeldingCatalog::TerugmeldingCatalog(storage::CatalogStore* store,
                                         TerugmeldingOptions options, const PageTokens* tokens)
    : store_(store), options_(std::move(options)), tokens_(tokens) {
  if (!options_.now) options_.now = [] { return absl::Now(); };
}

absl::Duration HandlingPeriod(const TerugmeldingOptions& options, v1::RegistrationType type) {
  switch (type) {
    case v1::REGISTRATION_TYPE_BASISREGISTRATIE:
      return options.basisregistratie_period;
    case v1::REGISTRATION_TYPE_KERNREGISTRATIE:
      return options.kernregistratie_period;
    default:
      return options.other_period;
  }
}

void TerugmeldingCatalog::AddDeadline(const Dataset& dataset, Terugmelding* t) const {
  const absl::Time deadline =
      AbslTime(t->create_time()) + HandlingPeriod(options_, dataset.registration_type());
  *t->mutable_deadline() = ProtoTimestamp(deadline);
  t->set_overdue(IsOpen(t->status()) && options_.now() > deadline);
}

absl::StatusOr<Terugmelding> TerugmeldingCatalog::Visible(const std::string& name,
                                                          const Caller& caller,
                                                          Dataset* dataset) const {
  absl::StatusOr<std::pair<std::string, std::string>> parts = ParseReportName(name, "name");
  if (!parts.ok()) return parts.status();
  const auto& [dataset_id, id] = *parts;
  caller.audit->Concern(ReportName(dataset_id, id));
  absl::StatusOr<Dataset> found = Visibility(caller).Read(*store_, dataset_id);
  if (!found.ok()) return found.status();
  absl::StatusOr<Terugmelding> t = store_->GetTerugmelding(dataset_id, id);
  if (!t.ok()) return t.status();
  const bool may_see = t->reporter_principal() == caller.principal ||
                       caller.grant.HasAny(Bit(Role::kAuditor) | Bit(Role::kAdmin)) ||
                       CheckHandle(caller, *found).ok();
  // Someone else's report answers exactly like a missing one.
  if (!may_see) return ReportNotFound(dataset_id, id);
  AddDeadline(*found, &*t);
  *dataset = *std::move(found);
  return t;
}

absl::StatusOr<Terugmelding> TerugmeldingCatalog::File(const v1::FileTerugmeldingRequest& request,
                                                       const Caller& caller) {
  Terugmelding t = request.terugmelding();
  ClearOutputOnly(&t);
  if (t.dataset().empty()) return FieldError("terugmelding.dataset", "required");
  absl::StatusOr<std::string> dataset_id =
      api::ParseDatasetName(t.dataset(), "terugmelding.dataset");
  if (!dataset_id.ok()) return dataset_id.status();
  caller.audit->Concern(api::DatasetName(*dataset_id));
  if (absl::Status s = ValidateFiling(t); !s.ok()) return s;
  absl::StatusOr<Dataset> dataset = Visibility(caller).Read(*store_, *dataset_id);
  if (!dataset.ok()) return dataset.status();
  if (dataset->schema_fields_size() > 0) {
    for (int i = 0; i < t.attributes_size(); ++i) {
      if (!HasField(*dataset, t.attributes(i).name())) {
        return FieldError(absl::StrCat("terugmelding.attributes[", i, "].name"),
                       absl::StrCat("\"", t.attributes(i).name(), "\" is not a field of ",
                                    api::DatasetName(*dataset_id)));
      }
    }
  }
  t.set_dataset(api::DatasetName(*dataset_id));
  t.set_reporter_principal(caller.principal);
  t.set_status(v1::TERUGMELDING_STATUS_GEMELD);
  v1::StatusChange* filed = t.add_history();
  filed->set_from(v1::TERUGMELDING_STATUS_UNSPECIFIED);
  filed->set_to(v1::TERUGMELDING_STATUS_GEMELD);
  filed->set_principal(caller.principal);
  *filed->mutable_time() = ProtoTimestamp(caller.time);

  // 50 random bits make a taken id all but impossible; retry anyway.
  absl::StatusOr<Terugmelding> stored = absl::InternalError("no attempt");
  for (int attempt = 0; attempt < 3; ++attempt) {
    t.set_id(NewReportId());
    const std::string name = ReportName(*dataset_id, t.id());
    caller.audit->Concern(name);
    stored = store_->CreateTerugmelding(t, AuditRecorder::Write(caller));
    if (stored.status().code() != absl::StatusCode::kAlreadyExists) break;
    caller.audit->Forget(name);
  }
  if (!stored.ok()) return stored.status();
  AddDeadline(*dataset, &*stored);
  return stored;
}

absl::StatusOr<Terugmelding> TerugmeldingCatalog::Get(const v1::GetTerugmeldingRequest& request,
                                                      const Caller& caller) const {
  Dataset dataset;
  return Visible(request.name(), caller, &dataset);
}

absl::StatusOr<v1::ListTerugmeldingenResponse> TerugmeldingCatalog::List(
    const v1::ListTerugmeldingenRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), options_.default_page_size, options_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  if (request.dataset().empty()) return FieldError("dataset", "required");
  absl::StatusOr<std::string> dataset_id = api::ParseDatasetName(request.dataset(), "dataset");
  if (!dataset_id.ok()) return dataset_id.status();
  caller.audit->Concern(api::DatasetName(*dataset_id));
  absl::StatusOr<Dataset> dataset = Visibility(caller).Read(*store_, *dataset_id);
  if (!dataset.ok()) return dataset.status();
  if (!caller.grant.Has(Role::kAuditor)) {
    if (absl::Status s = CheckHandle(caller, *dataset); !s.ok()) return s;
  }
  return FilteredPage(
      *tokens_,
      absl::StrCat("terugmeldingen|", *dataset_id, "|", request.open_only()),
      request.page_token(), *page_size, options_.scan_budget,
      [&](const std::string& cursor, size_t limit) {
        return store_->ListTerugmeldingen(*dataset_id, cursor, limit);
      },
      [&](Terugmelding* t) {
        if (request.open_only() && !IsOpen(t->status())) return false;
        AddDeadline(*dataset, t);
        return true;
      });
}

absl::StatusOr<Terugmelding> TerugmeldingCatalog::Transition(
    const v1::TransitionTerugmeldingRequest& request, const Caller& caller) {
  if (absl::Status s = ValidateMessageFields(request, ""); !s.ok()) return s;
  const TerugmeldingStatus to = request.status();
  if (to == v1::TERUGMELDING_STATUS_UNSPECIFIED) return FieldError("status", "required");
  absl::StatusOr<int64_t> expected = ParseEtag(request.etag(), "etag");
  if (!expected.ok()) return expected.status();
  Dataset dataset;
  absl::StatusOr<Terugmelding> t = Visible(request.name(), caller, &dataset);
  if (!t.ok()) return t.status();

  if (absl::Status handler = CheckHandle(caller, dataset); !handler.ok()) {
    if (t->reporter_principal() != caller.principal) return handler;
    if (to != v1::TERUGMELDING_STATUS_INGETROKKEN || !request.planning_expectation().empty()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "status: the reporter may only withdraw a terugmelding (INGETROKKEN); ",
          handler.message()));
    }
  }
  if (*expected > 0 && *expected != t->revision()) {
    return api::StaleRevisionError(absl::StrCat("terugmelding ", t->name()), *expected,
                                   t->revision());
  }
  const TerugmeldingStatus from = t->status();
  if (!TransitionAllowed(from, to)) {
    std::vector<std::string> allowed;
    for (const StatusTransitions& row : Table()) {
      if (row.from != from) continue;
      for (TerugmeldingStatus next : row.to) allowed.push_back(StatusName(next));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "status: a terugmelding in ", StatusName(from), " cannot move to ", StatusName(to),
        " (allowed: ", allowed.empty() ? "none" : absl::StrJoin(allowed, ", "), ")"));
  }
  v1::StatusChange* change = t->add_history();
  change->set_from(from);
  change->set_to(to);
  change->set_principal(caller.principal);
  *change->mutable_time() = ProtoTimestamp(caller.time);
  change->set_note(request.note());
  t->set_status(to);
  if (!request.planning_expectation().empty()) {
    t->set_planning_expectation(request.planning_expectation());
  }
  t->clear_deadline();
  t->clear_overdue();
  // Against the revision read: the machine was checked on that state.
  const int64_t revision = t->revision();
  absl::StatusOr<Terugmelding> stored =
      store_->ReplaceTerugmelding(*std::move(t), revision, AuditRecorder::Write(caller));
  if (!stored.ok()) return stored.status();
  AddDeadline(dataset, &*stored);
  return stored;
}

absl::StatusOr<v1::ListTerugmeldingenResponse> TerugmeldingCatalog::ListMine(
    const v1::ListMyTerugmeldingenRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size =
      ResolvePageSize(request.page_size(), options_.default_page_size, options_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  // The datasets of this page, each read once (nullopt: hidden or gone).
  absl::flat_hash_map<std::string, std::optional<Dataset>> datasets;
  const Visibility visibility(caller);
  return FilteredPage(
      *tokens_,
      absl::StrCat("my-terugmeldingen|", caller.principal, "|", request.open_only()),
      request.page_token(), *page_size, options_.scan_budget,
      [&](const std::string& cursor, size_t limit) {
        return store_->ListTerugmeldingenOf(caller.principal, cursor, limit);
      },
      [&](Terugmelding* t) {
        if (request.open_only() && !IsOpen(t->status())) return false;
        const std::string dataset_id(
            absl::string_view(t->dataset()).substr(api::kDatasetCollection.size()));
        auto [slot, inserted] = datasets.try_emplace(dataset_id);
        if (inserted) {
          absl::StatusOr<Dataset> dataset = visibility.Read(*store_, dataset_id);
          if (dataset.ok()) slot->second = *std::move(dataset);
        }
        if (slot->second.has_value()) {
          AddDeadline(*slot->second, t);
        } else {
          Conceal(caller.principal, t);
        }
        return true;
      });
}

absl::StatusOr<OpenTerugmeldingen> TerugmeldingCatalog::CountOpen(
    const std::string& dataset_id) const {
  absl::StatusOr<Dataset> dataset = store_->GetDataset(dataset_id);
  if (!dataset.ok()) return dataset.status();
  OpenTerugmeldingen counts;
  std::string cursor;
  do {
    absl::StatusOr<storage::TerugmeldingPage> page =
        store_->ListTerugmeldingen(dataset_id, cursor, 1000);
    if (!page.ok()) return page.status();
    for (Terugmelding& t : page->terugmeldingen) {
      if (!IsOpen(t.status())) continue;
      AddDeadline(*dataset, &t);
      ++counts.open;
      if (t.overdue()) ++counts.overdue;
      ++counts.by_dimension[t.dimension()];
    }
    cursor = std::move(page->next_cursor);
  } while (!cursor.empty());
  return counts;
}

}  // namespace catalog::server
