#include "client/lib/quality_output.h"

#include <algorithm>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/lib/output.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;

constexpr const char* kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr int kBarCount = 8;

// The short names of `dimensions`, comma-separated; "none" when empty.
std::string DimensionList(
    const google::protobuf::RepeatedField<int>& dimensions) {
  if (dimensions.empty()) return "none";
  std::vector<std::string> names;
  for (int d : dimensions) {
    names.push_back(EnumText(static_cast<v1::QualityDimension>(d)));
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace

std::string FormatScore(double score) { return absl::StrFormat("%.1f", score); }

std::string FormatNorm(double norm) {
  if (norm == static_cast<double>(static_cast<int64_t>(norm))) {
    return absl::StrCat(static_cast<int64_t>(norm));
  }
  return FormatScore(norm);
}

std::string FormatAge(int64_t seconds) {
  if (seconds < 0) return "-";
  if (seconds < 3600) return absl::StrCat(seconds / 60, " min");
  if (seconds < 2 * 86400) return absl::StrCat(seconds / 3600, " h");
  return absl::StrCat(seconds / 86400, " d");
}

std::string FormatTrend(
    const google::protobuf::RepeatedPtrField<v1::MonthlyScore>& trend) {
  if (trend.empty()) return "";
  double lo = trend[0].mean(), hi = trend[0].mean();
  for (const v1::MonthlyScore& m : trend) {
    lo = std::min(lo, m.mean());
    hi = std::max(hi, m.mean());
  }
  std::string out;
  for (const v1::MonthlyScore& m : trend) {
    int bar = kBarCount / 2 - 1;  // Flat: "▄".
    if (hi - lo >= 1.0) {
      bar = static_cast<int>((m.mean() - lo) / (hi - lo) * (kBarCount - 1) + 0.5);
    }
    out += kBars[std::clamp(bar, 0, kBarCount - 1)];
  }
  absl::StrAppend(&out, " ", FormatScore(trend[0].mean()), "→",
                  FormatScore(trend[trend.size() - 1].mean()));
  return out;
}

std::string FormatScoreAgainstNorm(const v1::DimensionQuality& q) {
  const bool measured = q.has_latest();
  const std::string score = measured ? FormatScore(q.latest().score()) : "-";
  if (!q.has_norm()) return absl::StrCat(score, " (no norm)");
  const std::string against = absl::StrCat(score, " / ", FormatNorm(q.norm()));
  if (!measured) return absl::StrCat(against, " not measured");
  return absl::StrCat(against, q.meets_norm() ? " ✓" : " ✗ below norm");
}

std::string FormatQualityReport(const v1::QualityReport& report) {
  const bool upstream = std::any_of(
      report.dimensions().begin(), report.dimensions().end(),
      [](const v1::DimensionQuality& q) { return !q.weakest_upstream().empty(); });
  std::vector<std::string> header = {"DIMENSION", "SCORE / NORM",       "AGE",
                                     "STALE",     "TREND (12 MONTHS)", "OPEN REPORTS"};
  if (upstream) header.push_back("WEAKEST UPSTREAM");
  TextTable table(std::move(header));
  for (const v1::DimensionQuality& q : report.dimensions()) {
    std::vector<std::string> row = {
        EnumCell(q.dimension()),
        FormatScoreAgainstNorm(q),
        q.has_latest() ? FormatAge(q.age_seconds()) : "-",
        q.stale() ? "STALE" : "-",
        Cell(FormatTrend(q.trend())),
        absl::StrCat(q.open_terugmeldingen())};
    if (upstream) {
      row.push_back(q.weakest_upstream().empty()
                        ? "-"
                        : absl::StrCat(q.weakest_upstream(), " (",
                                       FormatScore(q.weakest_upstream_score()), ")"));
    }
    table.AddRow(std::move(row));
  }
  std::string out = absl::StrCat("Quality of ", report.dataset(), " at ",
                                 FormatTimestamp(report.generated_at()), "\n\n");
  if (report.dimensions().empty()) {
    absl::StrAppend(&out, "no norms and no measurements\n");
  } else {
    absl::StrAppend(&out, table.Render());
  }
  KeyValueBlock summary;
  summary.Add("overall score", FormatScore(report.overall_score()));
  summary.Add("below norm", DimensionList(report.below_norm()));
  summary.Add("stale", absl::StrCat(DimensionList(report.stale()),
                                    " (stale after ", report.stale_after_days(),
                                    " days)"));
  summary.Add("open terugmeldingen",
              absl::StrCat(report.open_terugmeldingen(), " (",
                           report.overdue_terugmeldingen(), " overdue)"));
  absl::StrAppend(&out, "\n", summary.Render());
  return out;
}

std::string FormatMeasurementTable(
    const google::protobuf::RepeatedPtrField<v1::Measurement>& measurements) {
  TextTable table({"DIMENSION", "SCORE", "MEASURED AT", "METHOD", "SAMPLE", "BY",
                   "REVISION"});
  for (const v1::Measurement& m : measurements) {
    table.AddRow({EnumCell(m.dimension()), FormatScore(m.score()),
                  Cell(FormatTimestamp(m.measured_at())), Cell(m.method()),
                  m.sample_size() > 0 ? absl::StrCat(m.sample_size()) : "-",
                  Cell(m.measured_by()), absl::StrCat(m.revision())});
  }
  return table.Render();
}

std::string FormatMeasurementDetail(const v1::Measurement& m) {
  KeyValueBlock block;
  block.Add("name", m.name());
  block.Add("dataset", m.dataset());
  block.Add("dimension", EnumText(m.dimension()));
  block.Add("score", FormatScore(m.score()));
  block.Add("measured at", FormatTimestamp(m.measured_at()));
  block.Add("method", m.method());
  if (m.sample_size() > 0) block.Add("sample size", absl::StrCat(m.sample_size()));
  block.Add("measured by", m.measured_by());
  block.Add("revision", absl::StrCat(m.revision()));
  return block.Render();
}

std::string FormatMeasurementLoadResult(const MeasurementLoadResult& result,
                                        int max_failures) {
  std::string out = absl::StrCat("recorded ", result.recorded, ", failed ",
                                 result.failed, "\n");
  int shown = 0;
  for (const MeasurementFailure& failure : result.failures) {
    if (shown == max_failures) break;
    absl::StrAppend(
        &out, "  item ", failure.index + 1, ": ",
        absl::StatusCodeToString(static_cast<absl::StatusCode>(failure.code)),
        ": ", failure.message, "\n");
    ++shown;
  }
  if (result.failed > shown) {
    absl::StrAppend(&out, "  ... and ", result.failed - shown, " more failures\n");
  }
  return out;
}

nlohmann::ordered_json MeasurementLoadResultToJson(
    const MeasurementLoadResult& result) {
  nlohmann::ordered_json json;
  json["recorded"] = result.recorded;
  json["failed"] = result.failed;
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const MeasurementFailure& failure : result.failures) {
    failures.push_back(
        {{"index", failure.index}, {"code", failure.code}, {"message", failure.message}});
  }
  json["failures"] = std::move(failures);
  return json;
}

std::string OverdueFlag(const v1::Terugmelding& t) {
  return t.overdue() ? "OVERDUE" : "";
}

std::string FormatTerugmeldingTable(
    const google::protobuf::RepeatedPtrField<v1::Terugmelding>& reports) {
  TextTable table({"ID", "DATASET", "STATUS", "DIMENSION", "REFERENCE", "FILED",
                   "DEADLINE", "OVERDUE", "EXPLANATION"});
  for (const v1::Terugmelding& t : reports) {
    table.AddRow({Cell(t.id()), Cell(t.dataset()), EnumCell(t.status()),
                  EnumCell(t.dimension()), Cell(t.reference()),
                  Cell(FormatTimestamp(t.create_time())),
                  Cell(FormatTimestamp(t.deadline())), Cell(OverdueFlag(t)),
                  Cell(t.explanation())});
  }
  table.Limit(8, kExplanationWidth);
  return table.Render();
}

std::string FormatTerugmeldingDetail(const v1::Terugmelding& t) {
  KeyValueBlock block;
  block.Add("name", t.name());
  block.Add("id", t.id());
  block.Add("dataset", t.dataset());
  block.Add("status", EnumText(t.status()));
  std::string deadline = FormatTimestamp(t.deadline());
  if (t.overdue()) absl::StrAppend(&deadline, "  OVERDUE");
  block.Add("deadline", deadline);
  block.Add("dimension", EnumText(t.dimension()));
  block.Add("explanation", t.explanation());
  block.Add("object reference", t.object_reference());
  block.Add("reference", t.reference());
  block.Add("planning expectation", t.planning_expectation());
  block.Add("filed", FormatTimestamp(t.create_time()));
  block.Add("updated", FormatTimestamp(t.update_time()));
  block.Add("revision", t.revision() > 0 ? absl::StrCat(t.revision()) : "");
  block.Add("etag", t.etag());
  block.Group("reporter");
  block.Add("organisation", t.reporter_organisation().name());
  block.Add("oin", t.reporter_organisation().oin());
  block.Add("department", t.reporter_department());
  block.Add("person", t.reporter_person());
  block.Add("principal", t.reporter_principal());
  std::string out = block.Render();
  if (!t.attributes().empty()) {
    TextTable attributes({"NAME", "DOUBTED", "PROPOSED"}, 2);
    for (const v1::DoubtedAttribute& a : t.attributes()) {
      attributes.AddRow({Cell(a.name()), Cell(a.doubted_value()), Cell(a.proposed_value())});
    }
    absl::StrAppend(&out, "\nDoubted attributes:\n", attributes.Render());
  }
  if (!t.contacts().empty()) {
    TextTable contacts({"ROLE", "NAME", "EMAIL", "PHONE"}, 2);
    for (const v1::TerugmeldingContact& c : t.contacts()) {
      contacts.AddRow({EnumCell(c.role()), Cell(c.name()), Cell(c.email()), Cell(c.phone())});
    }
    absl::StrAppend(&out, "\nContacts:\n", contacts.Render());
  }
  if (!t.history().empty()) {
    TextTable history({"TIME", "FROM", "TO", "BY", "NOTE"}, 2);
    for (const v1::StatusChange& c : t.history()) {
      history.AddRow({Cell(FormatTimestamp(c.time())), EnumCell(c.from()), EnumCell(c.to()),
                      Cell(c.principal()), Cell(c.note())});
    }
    absl::StrAppend(&out, "\nStatus history:\n", history.Render());
  }
  return out;
}

}  // namespace catalog::client
