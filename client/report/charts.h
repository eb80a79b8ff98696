// Inline SVG charts for the landscape report, drawn without scripts, fonts
// or images so that the page stays self-contained: horizontal bars, a
// stacked bar, a heat map of scores and a diagram of a basisregistratie and
// its consumers. Every text argument is plain text; it is HTML-escaped
// here. Styling (fonts, the classes used) comes from the page's CSS.
//
// All functions are pure and thread-safe.
#ifndef CATALOG_CLIENT_REPORT_CHARTS_H_
#define CATALOG_CLIENT_REPORT_CHARTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace catalog::report {

// `text` with & < > " ' as character references and control characters
// other than tab and newline as spaces: safe as HTML or SVG text and as a
// quoted attribute value.
std::string HtmlEscape(absl::string_view text);

// The accent colour of bars.
inline constexpr absl::string_view kAccentColour = "#2b6cb0";

// One bar or segment: its label, its size and the text shown with it.
struct Bar {
  std::string label;
  double value = 0;
  std::string value_text;
  std::string colour{kAccentColour};
};

// Horizontal bars, one row each, lengths relative to the largest value.
// Long labels are cut (the full label is the row's tooltip). Empty `bars`:
// an empty string.
std::string BarChart(const std::vector<Bar>& bars);

// One bar of `width` pixels split into `segments` by value, each with its
// label and value text as tooltip. Empty when the values sum to 0.
std::string StackedBar(const std::vector<Bar>& segments, int width = 160);

// A square of `colour`, for a legend.
std::string Swatch(absl::string_view colour);

// A colour for a quality score 0-100, in bands (kScoreBands): red below 60,
// then orange and yellow to 80 and four greens in steps of five, so that
// the scores a municipality actually has (mostly 70-95) look different.
std::string ScoreColour(double score);

// The lower bounds of the colour bands of ScoreColour, after the first
// (below 60).
inline constexpr int kScoreBands[] = {60, 70, 75, 80, 85, 90, 95};

// One cell of a heat map: no score means not measured (grey).
struct HeatCell {
  std::optional<double> score;
  std::string text;     // shown in the cell
  std::string tooltip;  // e.g. "12 datasets"
};

// A grid with a row per `row_labels` entry and a column per `columns`
// entry, each cell coloured by ScoreColour; `cells[row][column]`. A legend
// follows, with `not_measured` for the grey cells. Empty without rows or
// columns.
std::string HeatMap(const std::vector<std::string>& columns,
                    const std::vector<std::string>& row_labels,
                    const std::vector<std::vector<HeatCell>>& cells,
                    absl::string_view not_measured);

// A node of a lineage diagram: a dataset or an external party, reached
// directly (solid line) or further downstream (dashed line).
struct DiagramNode {
  std::string label;
  bool party = false;
  bool direct = true;
};

// The source on the left (its label and a note under it, e.g. the
// downstream counts), a line to each consumer on the right. `more`, when
// not empty, is written under the last consumer (e.g. "+3 more");
// `no_consumers` is written instead of them when there are none.
std::string LineageDiagram(absl::string_view source, absl::string_view note,
                           const std::vector<DiagramNode>& consumers,
                           absl::string_view more,
                           absl::string_view no_consumers);

}  // namespace catalog::report

#endif  // CATALOG_CLIENT_REPORT_CHARTS_H_
