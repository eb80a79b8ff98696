// The landscape report: a catalog.v1.Landscape (LandscapeService) as one
// self-contained HTML page for management, in Dutch or English.
//
// The page loads nothing: no scripts, fonts, images or style sheets from
// anywhere (a Content-Security-Policy meta element forbids it as well); the
// CSS is inline and the charts are inline SVG. Every string from the server
// is HTML-escaped. The first page holds the key figures and the top
// findings; then one section per question (what data, where (cloud), how
// safe, how good, who uses the basisregistraties, what is processed (the
// register of processing activities and its log), what is not in order),
// each starting a new page when printed. Key figures carry a stable
// `data-figure` attribute (the KeyFigure ids) for tests and scrapers.
//
// All functions are pure and thread-safe.
#ifndef CATALOG_CLIENT_REPORT_LANDSCAPE_REPORT_H_
#define CATALOG_CLIENT_REPORT_LANDSCAPE_REPORT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "catalog/v1/landscape_service.pb.h"
#include "client/report/landscape_text.h"

namespace catalog::report {

// Findings named on the first page (the most severe first).
inline constexpr int kTopFindings = 5;

// One key figure of the first page.
struct KeyFigure {
  // Stable identifier, the `data-figure` attribute: "total_datasets",
  // "cloud_share", "outside_eea", "personal_data", "special_categories",
  // "mean_quality", "below_norm", "open_terugmeldingen",
  // "overdue_terugmeldingen", "findings".
  absl::string_view id;
  std::string label;
  // Counts as plain digits ("1234"), shares as "42,3%", the mean quality
  // with one decimal; "–" when there is nothing to compute it from.
  std::string value;
  // A short explanation; may be empty.
  std::string detail;
};

// The key figures of `landscape`, in the order of the first page. The cloud
// share counts public cloud, SaaS and government cloud; the mean quality is
// the mean of the latest scores over every measured dataset and dimension
// (QualityOverview.by_dimension weighted by its dataset counts).
std::vector<KeyFigure> KeyFigures(const catalog::v1::Landscape& landscape,
                                  Language language);

// The figures of the processing section (the register and its log), in
// its order, with the data-figure ids "active_activities",
// "ended_activities" and "operations" (started in the usage period).
std::vector<KeyFigure> ProcessingFigures(
    const catalog::v1::Landscape& landscape, Language language);

// The first `max` findings, one plain sentence each: title, how many
// datasets, and what to do ("Geen eigenaar vastgelegd: 12 datasets. Leg per
// dataset ...").
std::vector<std::string> TopFindings(const catalog::v1::Landscape& landscape,
                                     Language language, int max = kTopFindings);

// The key figures and the top findings for a terminal: a line naming the
// revision, the time and that the figures are for the caller's rights, a
// table of label, value and detail, a table of the processing figures (the
// active activities per legal basis, the operations per activity, most
// first), then the findings numbered, each with the datasets or activities
// it names.
std::string FormatKeyFigures(const catalog::v1::Landscape& landscape,
                             Language language);

// The whole report as one HTML document (UTF-8). An empty landscape gives a
// valid page of zeros.
std::string RenderLandscapeHtml(const catalog::v1::Landscape& landscape,
                                Language language);

}  // namespace catalog::report

#endif  // CATALOG_CLIENT_REPORT_LANDSCAPE_REPORT_H_
