#include "client/report/charts.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/lib/output.h"

namespace catalog::report {
namespace {

// Code points of a label before it is cut.
constexpr size_t kLabelWidth = 30;
constexpr size_t kNodeLabelWidth = 30;
constexpr size_t kSourceLabelWidth = 22;

// Bar chart geometry, in pixels.
constexpr int kLabelColumn = 200;
constexpr int kBarMax = 290;
constexpr int kRowHeight = 22;
constexpr int kChartWidth = 560;

// Heat map geometry.
constexpr int kCellWidth = 64;
constexpr int kCellHeight = 26;
constexpr int kHeaderHeight = 96;
constexpr int kLegendHeight = 40;

// Lineage diagram geometry.
constexpr int kDiagramWidth = 540;
constexpr int kSourceWidth = 170;
constexpr int kSourceHeight = 40;
constexpr int kConsumerX = 320;
constexpr int kConsumerWidth = 214;
constexpr int kConsumerHeight = 24;
constexpr int kConsumerGap = 6;

std::string Title(absl::string_view text) {
  return absl::StrCat("<title>", HtmlEscape(text), "</title>");
}

std::string SvgOpen(int width, int height, absl::string_view css_class) {
  return absl::StrFormat(
      "<svg class=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
      "role=\"img\">",
      css_class, width, height, width, height);
}

// A text element at (x, y) with `css_class`; `anchor` start, middle or end.
std::string SvgText(double x, double y, absl::string_view css_class,
                    absl::string_view anchor, absl::string_view text) {
  return absl::StrFormat(
      "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\" text-anchor=\"%s\">%s</text>",
      x, y, css_class, anchor, HtmlEscape(text));
}

std::string Rect(double x, double y, double width, double height,
                 absl::string_view fill, absl::string_view extra = "") {
  return absl::StrFormat(
      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
      "fill=\"%s\"%s/>",
      x, y, width, height, HtmlEscape(fill), extra);
}

}  // namespace

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\t':
      case '\n':
        out += c;
        break;
      default:
        const bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        out += control ? ' ' : c;
    }
  }
  return out;
}

std::string BarChart(const std::vector<Bar>& bars) {
  if (bars.empty()) return "";
  double max = 0;
  for (const Bar& bar : bars) max = std::max(max, bar.value);
  const int height = static_cast<int>(bars.size()) * kRowHeight + 4;
  std::string svg = SvgOpen(kChartWidth, height, "chart bars");
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double y = static_cast<double>(i) * kRowHeight + 4;
    const double length = max > 0 ? kBarMax * bar.value / max : 0;
    absl::StrAppend(&svg, "<g>",
                    Title(absl::StrCat(bar.label, ": ", bar.value_text)),
                    SvgText(kLabelColumn - 8, y + 12, "lbl", "end",
                            client::Truncate(bar.label, kLabelWidth)),
                    Rect(kLabelColumn, y + 1, std::max(length, 1.0),
                         kRowHeight - 8, bar.colour),
                    SvgText(kLabelColumn + length + 6, y + 12, "val", "start",
                            bar.value_text),
                    "</g>");
  }
  return absl::StrCat(svg, "</svg>");
}

std::string StackedBar(const std::vector<Bar>& segments, int width) {
  double total = 0;
  for (const Bar& segment : segments) total += segment.value;
  if (total <= 0) return "";
  std::string svg = SvgOpen(width, 14, "stack");
  double x = 0;
  for (const Bar& segment : segments) {
    const double w = width * segment.value / total;
    absl::StrAppend(
        &svg, "<g>",
        Title(absl::StrCat(segment.label, ": ", segment.value_text)),
        Rect(x, 0, w, 14, segment.colour), "</g>");
    x += w;
  }
  return absl::StrCat(svg, "</svg>");
}

std::string Swatch(absl::string_view colour) {
  return absl::StrCat(SvgOpen(12, 12, "swatch"), Rect(0, 0, 12, 12, colour),
                      "</svg>");
}

std::string ScoreColour(double score) {
  // ColorBrewer RdYlGn, 8 classes (colour-blind safe in its middle).
  constexpr const char* kColours[] = {"#d73027", "#f46d43", "#fdae61", "#fee08b",
                                      "#d9ef8b", "#a6d96a", "#66bd63", "#1a9850"};
  size_t band = 0;
  while (band < std::size(kScoreBands) && score >= kScoreBands[band]) ++band;
  return kColours[band];
}

std::string HeatMap(const std::vector<std::string>& columns,
                    const std::vector<std::string>& row_labels,
                    const std::vector<std::vector<HeatCell>>& cells,
                    absl::string_view not_measured) {
  if (columns.empty() || row_labels.empty()) return "";
  const int width =
      kLabelColumn + static_cast<int>(columns.size()) * kCellWidth + 40;
  const int grid_height = static_cast<int>(row_labels.size()) * kCellHeight;
  std::string svg = SvgOpen(width, kHeaderHeight + grid_height + kLegendHeight,
                            "chart heatmap");
  for (size_t c = 0; c < columns.size(); ++c) {
    const double x = kLabelColumn + (static_cast<double>(c) + 0.5) * kCellWidth;
    absl::StrAppend(
        &svg,
        absl::StrFormat("<g transform=\"translate(%.1f,%d) rotate(-40)\">", x,
                        kHeaderHeight - 6),
        SvgText(0, 0, "lbl", "start", columns[c]), "</g>");
  }
  for (size_t r = 0; r < row_labels.size(); ++r) {
    const double y = kHeaderHeight + static_cast<double>(r) * kCellHeight;
    absl::StrAppend(&svg, "<g>", Title(row_labels[r]),
                    SvgText(kLabelColumn - 8, y + 17, "lbl", "end",
                            client::Truncate(row_labels[r], kLabelWidth)),
                    "</g>");
    for (size_t c = 0; c < columns.size() && c < cells[r].size(); ++c) {
      const HeatCell& cell = cells[r][c];
      const double x = kLabelColumn + static_cast<double>(c) * kCellWidth;
      absl::StrAppend(
          &svg, "<g>",
          Title(absl::StrCat(row_labels[r], " · ", columns[c], ": ", cell.text,
                             " (", cell.tooltip, ")")),
          Rect(x + 1, y + 1, kCellWidth - 2, kCellHeight - 2,
               cell.score ? ScoreColour(*cell.score) : "#e2e2e2"),
          SvgText(x + kCellWidth / 2.0, y + 17, "val", "middle", cell.text),
          "</g>");
    }
  }
  // Legend: swatches of the scale, then the colour of "not measured".
  const double y = kHeaderHeight + grid_height + 12;
  double x = kLabelColumn;
  absl::StrAppend(&svg, Rect(x, y, 36, 14, ScoreColour(0)),
                  SvgText(x + 18, y + 27, "val", "middle", absl::StrCat("<", kScoreBands[0])));
  x += 40;
  for (int bound : kScoreBands) {
    absl::StrAppend(&svg, Rect(x, y, 36, 14, ScoreColour(bound)),
                    SvgText(x + 18, y + 27, "val", "middle",
                            absl::StrCat(bound == kScoreBands[std::size(kScoreBands) - 1] ? "≥" : "",
                                         bound)));
    x += 40;
  }
  absl::StrAppend(&svg, Rect(x + 12, y, 36, 14, "#e2e2e2"),
                  SvgText(x + 54, y + 11, "val", "start", not_measured));
  return absl::StrCat(svg, "</svg>");
}

std::string LineageDiagram(absl::string_view source, absl::string_view note,
                           const std::vector<DiagramNode>& consumers,
                           absl::string_view more,
                           absl::string_view no_consumers) {
  const int rows =
      std::max(1, static_cast<int>(consumers.size()) + (more.empty() ? 0 : 1));
  const int height = std::max(kSourceHeight + 40,
                              rows * (kConsumerHeight + kConsumerGap) + 10);
  const double source_y = (height - kSourceHeight) / 2.0;
  const double source_mid = source_y + kSourceHeight / 2.0;
  std::string svg = SvgOpen(kDiagramWidth, height, "chart lineage");
  absl::StrAppend(
      &svg, "<g>", Title(source),
      Rect(4, source_y, kSourceWidth, kSourceHeight, "#1f4e79", " rx=\"6\""),
      SvgText(4 + kSourceWidth / 2.0, source_mid + 4, "node source", "middle",
              client::Truncate(source, kSourceLabelWidth)),
      "</g>", SvgText(4, source_y + kSourceHeight + 16, "val", "start", note));
  if (consumers.empty()) {
    absl::StrAppend(&svg, SvgText(kConsumerX, source_mid + 4, "val", "start",
                                  no_consumers));
  }
  for (size_t i = 0; i < consumers.size(); ++i) {
    const DiagramNode& node = consumers[i];
    const double y =
        5 + static_cast<double>(i) * (kConsumerHeight + kConsumerGap);
    const double mid = y + kConsumerHeight / 2.0;
    const double bend = (kSourceWidth + 4 + kConsumerX) / 2.0;
    absl::StrAppend(
        &svg,
        absl::StrFormat("<path d=\"M%d,%.1f C%.1f,%.1f %.1f,%.1f %d,%.1f\" "
                        "class=\"edge%s\"/>",
                        kSourceWidth + 4, source_mid, bend, source_mid, bend,
                        mid, kConsumerX, mid, node.direct ? "" : " indirect"),
        "<g>", Title(node.label),
        Rect(kConsumerX, y, kConsumerWidth, kConsumerHeight,
             node.party ? "#fde2c8" : "#dbe9f6", " rx=\"4\""),
        SvgText(kConsumerX + 8, mid + 4, "node", "start",
                client::Truncate(node.label, kNodeLabelWidth)),
        "</g>");
  }
  if (!more.empty()) {
    const double y = 5 + static_cast<double>(consumers.size()) *
                             (kConsumerHeight + kConsumerGap);
    absl::StrAppend(&svg,
                    SvgText(kConsumerX + 8, y + 16, "val", "start", more));
  }
  return absl::StrCat(svg, "</svg>");
}

}  // namespace catalog::report
