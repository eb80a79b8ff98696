// TerugmeldingCatalog: the domain operations of TerugmeldingService, between
// the thin gRPC handlers and the store: filing a terugmelding (a consumer's
// report of doubted data, after Logius' Digimelding), the status machine,
// handling deadlines, and who may see and handle which report.
//
// Access (on top of the authorization table, which lets every role call
// every RPC of the service):
//   - File: anyone who can see the dataset; a dataset above the caller's
//     clearance is NOT_FOUND exactly like a missing one.
//   - Get: the reporter, stewards and owners whose domains cover the
//     dataset, admins and auditors; anyone else gets NOT_FOUND (as for a
//     missing report), and a hidden dataset is NOT_FOUND for everyone.
//   - List (one dataset): stewards and owners of the domain, admins and
//     auditors; others PERMISSION_DENIED.
//   - Transition: stewards and owners of the domain and admins; the reporter
//     may only withdraw their own report (INGETROKKEN).
//   - ListMine: the caller's own reports, always. A report whose dataset is
//     now above the caller's clearance, or deleted, comes without the
//     dataset: `name`, `dataset`, deadline, overdue, and the principals and
//     notes of the handlers' history entries are cleared; what the reporter
//     wrote, the status and the times of the history stay.
//
// Deadline and overdue are computed on every read (never stored): deadline
// = create_time + the handling period of the dataset's registration type;
// overdue = open (not AFGEHANDELD or INGETROKKEN) and now > deadline.
//
// Knows the API messages, not gRPC. Thread-safe.
#ifndef CATALOG_SERVER_CORE_TERUGMELDING_CATALOG_H_
#define CATALOG_SERVER_CORE_TERUGMELDING_CATALOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "catalog/v1/quality_service.pb.h"
#include "server/core/caller.h"
#include "server/core/page_token.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct TerugmeldingOptions {
  int default_page_size = 100;
  int max_page_size = 1000;
  // Records examined per listing call at most; a page may end short (with a
  // token to resume) when reached.
  size_t scan_budget = 20000;
  // Handling periods by the dataset's registration type. Calendar days, not
  // working days: "5 working days" for basisregistraties is taken as 5 days
  // (stricter by at most the weekend in between).
  absl::Duration basisregistratie_period = absl::Hours(24 * 5);
  absl::Duration kernregistratie_period = absl::Hours(24 * 10);
  absl::Duration other_period = absl::Hours(24 * 20);
  // The clock for deadlines and overdue; tests inject their own.
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// One row of the status machine: the statuses a report may move to from
// `from`.
struct StatusTransitions {
  catalog::v1::TerugmeldingStatus from;
  std::vector<catalog::v1::TerugmeldingStatus> to;
};

// The status machine, the one table (domain.md, quality.proto):
//   GEMELD -> IN_BEHANDELING | INGETROKKEN | ONVOLDOENDE_INFORMATIE |
//             VERKEERDE_BRONHOUDER
//   IN_BEHANDELING -> INGETROKKEN | INGEPLAND | AFGEHANDELD
//   VERKEERDE_BRONHOUDER -> GEMELD | INGETROKKEN
//   ONVOLDOENDE_INFORMATIE -> IN_BEHANDELING | INGETROKKEN
//   INGEPLAND -> AFGEHANDELD
// A status without a row has no way out: only AFGEHANDELD and INGETROKKEN,
// the two that are not open. Who may make a move is decided by Transition:
// a handler any move of the table, the reporter only INGETROKKEN (so from
// ONVOLDOENDE_INFORMATIE the reporter withdraws, and the handler takes the
// report back into IN_BEHANDELING once the missing information is there).
absl::Span<const StatusTransitions> TerugmeldingTransitions();
bool TransitionAllowed(catalog::v1::TerugmeldingStatus from,
                       catalog::v1::TerugmeldingStatus to);
// Open: not AFGEHANDELD or INGETROKKEN.
bool IsOpen(catalog::v1::TerugmeldingStatus status);

// The handling period of a report on a dataset of `type`.
absl::Duration HandlingPeriod(const TerugmeldingOptions& options,
                              catalog::v1::RegistrationType type);

// Open terugmeldingen of one dataset, for the quality report.
struct OpenTerugmeldingen {
  int32_t open = 0;
  int32_t overdue = 0;
  // Open ones per quality dimension (UNSPECIFIED: no dimension given).
  std::map<catalog::v1::QualityDimension, int32_t> by_dimension;
};

class TerugmeldingCatalog {
 public:
  // `store` and `tokens` must outlive this object.
  TerugmeldingCatalog(storage::CatalogStore* store, TerugmeldingOptions options,
                      const PageTokens* tokens);

  // Files a new report; the server assigns its id and the reporter
  // principal (the caller); it starts in GEMELD with one history entry.
  // INVALID_ARGUMENT naming the field; NOT_FOUND for a missing or hidden
  // dataset.
  absl::StatusOr<catalog::v1::Terugmelding> File(
      const catalog::v1::FileTerugmeldingRequest& request, const Caller& caller);
  absl::StatusOr<catalog::v1::Terugmelding> Get(
      const catalog::v1::GetTerugmeldingRequest& request, const Caller& caller) const;
  absl::StatusOr<catalog::v1::ListTerugmeldingenResponse> List(
      const catalog::v1::ListTerugmeldingenRequest& request, const Caller& caller) const;
  // FAILED_PRECONDITION naming both statuses when the machine does not allow
  // the move; ABORTED for a stale etag.
  absl::StatusOr<catalog::v1::Terugmelding> Transition(
      const catalog::v1::TransitionTerugmeldingRequest& request, const Caller& caller);
  absl::StatusOr<catalog::v1::ListTerugmeldingenResponse> ListMine(
      const catalog::v1::ListMyTerugmeldingenRequest& request, const Caller& caller) const;

  // Open and overdue terugmeldingen of a dataset (id), and open ones per
  // dimension. No access check: the caller (QualityCatalog) has checked
  // that the dataset is visible. NOT_FOUND for a missing dataset.
  absl::StatusOr<OpenTerugmeldingen> CountOpen(const std::string& dataset_id) const;

 private:
  // Sets deadline and overdue from the dataset's registration type.
  void AddDeadline(const catalog::v1::Dataset& dataset, catalog::v1::Terugmelding* t) const;
  // The report named by `name` if the caller may see it (see the header
  // comment), with its deadline; `dataset` receives its dataset.
  absl::StatusOr<catalog::v1::Terugmelding> Visible(const std::string& name,
                                                     const Caller& caller,
                                                     catalog::v1::Dataset* dataset) const;

  storage::CatalogStore* store_;
  TerugmeldingOptions options_;
  const PageTokens* tokens_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_TERUGMELDING_CATALOG_H_
