// Tests of the quality and terugmelding parts of the client library that
// need no server: the time, --attribute and --contact parsers, report names,
// the trend sparkline, ages, score-against-norm cells, and the report,
// measurement and terugmelding output of hand-built responses.
#include <google/protobuf/util/time_util.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "catalog/v1/quality_service.pb.h"
#include "client/lib/quality_input.h"
#include "client/lib/quality_output.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;
using ::google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// ---- ParseTimeText ----

TEST(ParseTimeText, AcceptsRfc3339AndDates) {
  absl::StatusOr<google::protobuf::Timestamp> t =
      ParseTimeText("2026-11-28T10:00:00Z", "--from");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(TimeUtil::ToString(*t), "2026-11-28T10:00:00Z");
  t = ParseTimeText("2026-11-28T11:00:00+01:00", "--from");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(TimeUtil::ToString(*t), "2026-11-28T10:00:00Z");
  t = ParseTimeText("2026-11-28", "--to");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(TimeUtil::ToString(*t), "2026-11-28T00:00:00Z");
}

TEST(ParseTimeText, RejectsOtherTextNamingTheFlag) {
  for (const char* bad : {"", "gisteren", "28-11-2026", "2026-13-01"}) {
    absl::StatusOr<google::protobuf::Timestamp> t = ParseTimeText(bad, "--measured-at");
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(t.status().message()), HasSubstr("--measured-at")) << bad;
  }
}

// ---- ParseDoubtedAttribute ----

TEST(ParseDoubtedAttribute, NameDoubtedAndProposed) {
  absl::StatusOr<v1::DoubtedAttribute> a = ParseDoubtedAttribute("huisnummer=12:12a");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->name(), "huisnummer");
  EXPECT_EQ(a->doubted_value(), "12");
  EXPECT_EQ(a->proposed_value(), "12a");
  // The proposed value is everything after the first ':'.
  a = ParseDoubtedAttribute(" tijd =10:00:11:30");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->name(), "tijd");
  EXPECT_EQ(a->doubted_value(), "10");
  EXPECT_EQ(a->proposed_value(), "00:11:30");
  a = ParseDoubtedAttribute("postcode=1234AB");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->doubted_value(), "1234AB");
  EXPECT_EQ(a->proposed_value(), "");
}

TEST(ParseDoubtedAttribute, RejectsMissingNameOrEquals) {
  for (const char* bad : {"postcode", "=12", " =12:13"}) {
    EXPECT_EQ(ParseDoubtedAttribute(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

// ---- ParseTerugmeldingContact ----

TEST(ParseTerugmeldingContact, RoleNameAndEmail) {
  absl::StatusOr<v1::TerugmeldingContact> c =
      ParseTerugmeldingContact("melder:J. de Vries:j.devries@example.nl");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->role(), v1::CONTACT_ROLE_MELDER);
  EXPECT_EQ(c->name(), "J. de Vries");
  EXPECT_EQ(c->email(), "j.devries@example.nl");
  c = ParseTerugmeldingContact("CONTACT_ROLE_BEHANDELAAR:Team BAG");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->role(), v1::CONTACT_ROLE_BEHANDELAAR);
  EXPECT_EQ(c->name(), "Team BAG");
  EXPECT_EQ(c->email(), "");
}

TEST(ParseTerugmeldingContact, RejectsBadRolesAndEmptyNames) {
  for (const char* bad : {"melder", "buurman:Piet", "melder::x@y.nl", "unspecified:Piet"}) {
    EXPECT_EQ(ParseTerugmeldingContact(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

// ---- TerugmeldingName ----

TEST(TerugmeldingName, FromIdOrWholeName) {
  EXPECT_EQ(*TerugmeldingName("bag", "tm-abc"), "datasets/bag/reports/tm-abc");
  EXPECT_EQ(*TerugmeldingName("bag", "datasets/bag/reports/tm-abc"),
            "datasets/bag/reports/tm-abc");
  for (const char* bad : {"", "a/b", "datasets/brp/reports/tm-abc", "datasets/bag/reports/",
                          "tm abc"}) {
    EXPECT_EQ(TerugmeldingName("bag", bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

// ---- small formatters ----

TEST(QualityFormat, ScoresNormsAndAges) {
  EXPECT_EQ(FormatScore(92), "92.0");
  EXPECT_EQ(FormatScore(97.46), "97.5");
  EXPECT_EQ(FormatNorm(95), "95");
  EXPECT_EQ(FormatNorm(97.5), "97.5");
  EXPECT_EQ(FormatAge(-1), "-");
  EXPECT_EQ(FormatAge(125), "2 min");
  EXPECT_EQ(FormatAge(5 * 3600 + 10), "5 h");
  EXPECT_EQ(FormatAge(47 * 3600), "47 h");
  EXPECT_EQ(FormatAge(3 * 86400 + 7), "3 d");
}

v1::MonthlyScore Month(const char* month, double mean) {
  v1::MonthlyScore m;
  m.set_month(month);
  m.set_mean(mean);
  m.set_measurements(1);
  return m;
}

TEST(FormatTrend, SparklineFromLowestToHighest) {
  google::protobuf::RepeatedPtrField<v1::MonthlyScore> trend;
  EXPECT_EQ(FormatTrend(trend), "");
  *trend.Add() = Month("2026-01", 80);
  *trend.Add() = Month("2026-02", 85);
  *trend.Add() = Month("2026-03", 90);
  *trend.Add() = Month("2026-04", 87.5);
  EXPECT_EQ(FormatTrend(trend), "▁▅█▆ 80.0→87.5");
}

TEST(FormatTrend, NearlyFlatSeriesIsDrawnFlat) {
  google::protobuf::RepeatedPtrField<v1::MonthlyScore> trend;
  *trend.Add() = Month("2026-01", 95.2);
  *trend.Add() = Month("2026-02", 95.6);
  *trend.Add() = Month("2026-03", 95.4);
  EXPECT_EQ(FormatTrend(trend), "▄▄▄ 95.2→95.4");
}

v1::DimensionQuality Dimension(v1::QualityDimension d, bool measured, double score,
                               bool has_norm, double norm) {
  v1::DimensionQuality q;
  q.set_dimension(d);
  if (measured) {
    q.mutable_latest()->set_score(score);
    q.mutable_latest()->set_dimension(d);
  }
  q.set_has_norm(has_norm);
  q.set_norm(norm);
  q.set_meets_norm(measured && has_norm && score >= norm);
  return q;
}

TEST(FormatScoreAgainstNorm, MarksBelowAndMeetingNorm) {
  EXPECT_EQ(FormatScoreAgainstNorm(
                Dimension(v1::QUALITY_DIMENSION_JUISTHEID, true, 92, true, 95)),
            "92.0 / 95 ✗ below norm");
  EXPECT_EQ(FormatScoreAgainstNorm(
                Dimension(v1::QUALITY_DIMENSION_JUISTHEID, true, 97.5, true, 95)),
            "97.5 / 95 ✓");
  EXPECT_EQ(FormatScoreAgainstNorm(
                Dimension(v1::QUALITY_DIMENSION_JUISTHEID, true, 88, false, 0)),
            "88.0 (no norm)");
  EXPECT_EQ(FormatScoreAgainstNorm(
                Dimension(v1::QUALITY_DIMENSION_JUISTHEID, false, 0, true, 95)),
            "- / 95 not measured");
}

// ---- FormatQualityReport ----

v1::QualityReport SampleReport() {
  v1::QualityReport r;
  r.set_dataset("datasets/bag-adressen-gebouwen");
  *r.mutable_generated_at() = TimeUtil::SecondsToTimestamp(1795860000);
  v1::DimensionQuality* a = r.add_dimensions();
  *a = Dimension(v1::QUALITY_DIMENSION_JUISTHEID, true, 92, true, 95);
  a->set_age_seconds(3 * 86400);
  *a->add_trend() = Month("2026-10", 90);
  *a->add_trend() = Month("2026-11", 92);
  a->set_open_terugmeldingen(2);
  v1::DimensionQuality* b = r.add_dimensions();
  *b = Dimension(v1::QUALITY_DIMENSION_ACTUALITEIT, true, 99, true, 90);
  b->set_age_seconds(200 * 86400);
  b->set_stale(true);
  r.set_overall_score(95.5);
  r.add_below_norm(v1::QUALITY_DIMENSION_JUISTHEID);
  r.add_stale(v1::QUALITY_DIMENSION_ACTUALITEIT);
  r.set_open_terugmeldingen(3);
  r.set_overdue_terugmeldingen(1);
  r.set_stale_after_days(90);
  return r;
}

TEST(FormatQualityReport, RowPerDimensionThenSummary) {
  const std::string out = FormatQualityReport(SampleReport());
  const std::vector<std::string> lines = Lines(out);
  ASSERT_GE(lines.size(), 9u) << out;
  EXPECT_THAT(lines[0], StartsWith("Quality of datasets/bag-adressen-gebouwen at "));
  EXPECT_THAT(lines[2], StartsWith("DIMENSION"));
  EXPECT_THAT(lines[2], Not(HasSubstr("WEAKEST UPSTREAM")));
  EXPECT_THAT(lines[3], StartsWith("juistheid"));
  EXPECT_THAT(lines[3], HasSubstr("92.0 / 95 ✗ below norm"));
  EXPECT_THAT(lines[3], HasSubstr("3 d"));
  EXPECT_THAT(lines[3], HasSubstr("▁█ 90.0→92.0"));
  EXPECT_THAT(lines[4], StartsWith("actualiteit"));
  EXPECT_THAT(lines[4], HasSubstr("99.0 / 90 ✓"));
  EXPECT_THAT(lines[4], HasSubstr("STALE"));
  EXPECT_THAT(out, HasSubstr("overall score"));
  EXPECT_THAT(out, HasSubstr("95.5"));
  EXPECT_THAT(out, HasSubstr("below norm"));
  EXPECT_THAT(out, HasSubstr("stale after 90 days"));
  EXPECT_THAT(out, HasSubstr("3 (1 overdue)"));
}

TEST(FormatQualityReport, WeakestUpstreamColumnWhenPresent) {
  v1::QualityReport r = SampleReport();
  r.mutable_dimensions(0)->set_weakest_upstream("datasets/brp-ingezetenen");
  r.mutable_dimensions(0)->set_weakest_upstream_score(81.25);
  const std::string out = FormatQualityReport(r);
  EXPECT_THAT(out, HasSubstr("WEAKEST UPSTREAM"));
  EXPECT_THAT(out, HasSubstr("datasets/brp-ingezetenen (81.2)"));
}

TEST(FormatQualityReport, EmptyReportSaysSo) {
  v1::QualityReport r;
  r.set_dataset("datasets/x");
  EXPECT_THAT(FormatQualityReport(r), HasSubstr("no norms and no measurements"));
}

// ---- measurements ----

TEST(FormatMeasurementTable, OneRowPerMeasurement) {
  google::protobuf::RepeatedPtrField<v1::Measurement> ms;
  v1::Measurement* m = ms.Add();
  m->set_dimension(v1::QUALITY_DIMENSION_COMPLEETHEID);
  m->set_score(98.25);
  *m->mutable_measured_at() = TimeUtil::SecondsToTimestamp(1795860000);
  m->set_method("verplichte velden\tgevuld");
  m->set_sample_size(1200);
  m->set_measured_by("dq-monitor");
  m->set_revision(7);
  const std::vector<std::string> lines = Lines(FormatMeasurementTable(ms));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], StartsWith("DIMENSION"));
  EXPECT_THAT(lines[1], StartsWith("compleetheid"));
  EXPECT_THAT(lines[1], HasSubstr("98.2"));
  EXPECT_THAT(lines[1], HasSubstr("verplichte velden gevuld"));
  EXPECT_THAT(lines[1], HasSubstr("1200"));
}

TEST(MeasurementLoadResult, TextAndJson) {
  MeasurementLoadResult result;
  result.recorded = 10;
  result.failed = 2;
  result.failures.push_back({3, 3, "measurement.score: must be 0..100"});
  const std::string text = FormatMeasurementLoadResult(result, 1);
  EXPECT_THAT(text, StartsWith("recorded 10, failed 2\n"));
  EXPECT_THAT(text, HasSubstr("item 4: INVALID_ARGUMENT: measurement.score"));
  EXPECT_THAT(text, HasSubstr("... and 1 more failures"));
  const nlohmann::ordered_json json = MeasurementLoadResultToJson(result);
  EXPECT_EQ(json["recorded"], 10);
  EXPECT_EQ(json["failed"], 2);
  EXPECT_EQ(json["failures"][0]["index"], 3);
}

// ---- terugmeldingen ----

v1::Terugmelding SampleTerugmelding() {
  v1::Terugmelding t;
  t.set_name("datasets/bag/reports/tm-abc");
  t.set_id("tm-abc");
  t.set_dataset("datasets/bag");
  t.set_status(v1::TERUGMELDING_STATUS_IN_BEHANDELING);
  t.set_explanation("Huisnummer klopt niet met de situatie ter plaatse");
  t.set_reference("REF-1");
  *t.mutable_create_time() = TimeUtil::SecondsToTimestamp(1795860000);
  *t.mutable_deadline() = TimeUtil::SecondsToTimestamp(1795860000 + 5 * 86400);
  t.set_overdue(true);
  t.mutable_reporter_organisation()->set_name("CBS");
  t.set_reporter_principal("reader");
  v1::DoubtedAttribute* a = t.add_attributes();
  a->set_name("huisnummer");
  a->set_doubted_value("12");
  a->set_proposed_value("12a");
  v1::StatusChange* c = t.add_history();
  c->set_from(v1::TERUGMELDING_STATUS_UNSPECIFIED);
  c->set_to(v1::TERUGMELDING_STATUS_GEMELD);
  c->set_principal("reader");
  c = t.add_history();
  c->set_from(v1::TERUGMELDING_STATUS_GEMELD);
  c->set_to(v1::TERUGMELDING_STATUS_IN_BEHANDELING);
  c->set_principal("steward");
  c->set_note("opgepakt");
  return t;
}

TEST(FormatTerugmeldingTable, StatusDeadlineAndOverdue) {
  google::protobuf::RepeatedPtrField<v1::Terugmelding> ts;
  *ts.Add() = SampleTerugmelding();
  v1::Terugmelding* closed = ts.Add();
  *closed = SampleTerugmelding();
  closed->set_id("tm-def");
  closed->set_status(v1::TERUGMELDING_STATUS_AFGEHANDELD);
  closed->set_overdue(false);
  const std::vector<std::string> lines = Lines(FormatTerugmeldingTable(ts));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], StartsWith("ID"));
  EXPECT_THAT(lines[0], HasSubstr("DEADLINE"));
  EXPECT_THAT(lines[1], StartsWith("tm-abc"));
  EXPECT_THAT(lines[1], HasSubstr("in_behandeling"));
  EXPECT_THAT(lines[1], HasSubstr("OVERDUE"));
  EXPECT_THAT(lines[1], HasSubstr("2026-12-0"));
  EXPECT_THAT(lines[2], HasSubstr("afgehandeld"));
  EXPECT_THAT(lines[2], Not(HasSubstr("OVERDUE")));
}

TEST(FormatTerugmeldingDetail, FieldsAttributesAndHistory) {
  const std::string out = FormatTerugmeldingDetail(SampleTerugmelding());
  EXPECT_THAT(out, HasSubstr("in_behandeling"));
  EXPECT_THAT(out, HasSubstr("OVERDUE"));
  EXPECT_THAT(out, HasSubstr("Doubted attributes:"));
  EXPECT_THAT(out, HasSubstr("12a"));
  EXPECT_THAT(out, HasSubstr("Status history:"));
  EXPECT_THAT(out, HasSubstr("opgepakt"));
  EXPECT_THAT(out, HasSubstr("steward"));
  EXPECT_THAT(out, HasSubstr("CBS"));
}

}  // namespace
}  // namespace catalog::client
