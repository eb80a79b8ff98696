// Tests of the landscape report (client/report) on hand-built Landscape
// messages: the key figures and their data-figure attributes, both
// languages, readable enum labels, escaping of hostile server strings, no
// reference to anything outside the page, the empty landscape, the charts
// and tables; the terminal summary; and the report's output: files, and the
// PDF through the real Chromium, with its error paths.
#include "client/report/landscape_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "catalog/v1/landscape_service.pb.h"
#include "client/report/charts.h"
#include "client/report/landscape_text.h"
#include "client/report/report_output.h"
#include "tests/support/test_support.h"

namespace catalog::report {
namespace {

namespace v1 = ::catalog::v1;
using ::testing::AllOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

void AddCount(google::protobuf::RepeatedPtrField<v1::Count>* counts,
              const std::string& key, int64_t count) {
  v1::Count* c = counts->Add();
  c->set_key(key);
  c->set_count(count);
}

v1::ScoreSummary* AddScore(
    google::protobuf::RepeatedPtrField<v1::ScoreSummary>* scores,
    v1::QualityDimension dimension, double mean, int64_t datasets) {
  v1::ScoreSummary* s = scores->Add();
  s->set_dimension(dimension);
  s->set_mean(mean);
  s->set_datasets(datasets);
  return s;
}

v1::ComplianceFinding* AddFinding(v1::Landscape* l, v1::ComplianceRule rule,
                                  v1::FindingSeverity severity, int64_t count,
                                  std::vector<std::string> datasets) {
  v1::ComplianceFinding* f = l->add_findings();
  f->set_rule(rule);
  f->set_severity(severity);
  f->set_count(count);
  for (std::string& d : datasets) f->add_datasets(std::move(d));
  f->set_fix("SERVER FIX IN ENGLISH");
  return f;
}

// A small municipality: 300 datasets, 120 of them in some cloud.
v1::Landscape SampleLandscape() {
  v1::Landscape l;
  l.mutable_generated_at()->set_seconds(1795860000);  // 2026-11-28 10:00 UTC
  l.set_revision(4711);
  l.mutable_usage_since()->set_seconds(1795860000 - 30 * 86400);
  l.mutable_usage_until()->set_seconds(1795860000);
  l.set_total_datasets(300);
  AddCount(l.mutable_by_domain(), "Burgerzaken", 120);
  AddCount(l.mutable_by_domain(), "Ruimte", 100);
  AddCount(l.mutable_by_domain(), "Sociaal domein", 80);
  AddCount(l.mutable_by_registration_type(),
           "REGISTRATION_TYPE_BASISREGISTRATIE", 20);
  AddCount(l.mutable_by_registration_type(), "REGISTRATION_TYPE_OVERIG", 280);
  AddCount(l.mutable_by_basisregistratie(), "BASISREGISTRATIE_BRP", 3);
  AddCount(l.mutable_by_status(), "DATASET_STATUS_COMPLETED", 290);
  AddCount(l.mutable_by_status(), "", 10);
  l.set_external_parties(6);
  l.set_lineage_edges(410);

  v1::CloudOverview& cloud = *l.mutable_cloud();
  AddCount(cloud.mutable_by_hosting_kind(), "HOSTING_KIND_ON_PREMISES", 180);
  AddCount(cloud.mutable_by_hosting_kind(), "HOSTING_KIND_PUBLIC_CLOUD", 60);
  AddCount(cloud.mutable_by_hosting_kind(), "HOSTING_KIND_SAAS", 50);
  AddCount(cloud.mutable_by_hosting_kind(), "HOSTING_KIND_GOVERNMENT_CLOUD",
           10);
  AddCount(cloud.mutable_by_provider(), "Microsoft Azure", 60);
  AddCount(cloud.mutable_by_country(), "NL", 293);
  cloud.set_inside_eea(293);
  cloud.set_outside_eea(7);
  v1::ProviderSummary& azure = *cloud.add_providers();
  azure.set_provider("Microsoft Azure");
  azure.set_datasets(60);
  AddCount(azure.mutable_by_hosting_kind(), "HOSTING_KIND_PUBLIC_CLOUD", 60);
  AddCount(azure.mutable_by_confidentiality(), "CONFIDENTIALITY_INTERN", 40);
  AddCount(azure.mutable_by_confidentiality(),
           "CONFIDENTIALITY_BEPERKT_OPENBAAR", 20);
  azure.set_personal_data(30);
  azure.set_mean_quality(91.26);
  azure.set_measured_datasets(20);
  azure.set_with_processor_agreement(45);
  azure.set_with_dpia(30);
  azure.set_with_exit_strategy(12);

  v1::SecurityOverview& security = *l.mutable_security();
  AddCount(security.mutable_by_confidentiality(), "CONFIDENTIALITY_INTERN",
           200);
  AddCount(security.mutable_by_special_category(),
           "SPECIAL_CATEGORY_GEZONDHEID", 9);
  security.set_personal_data(120);
  security.set_special_categories(9);

  v1::QualityOverview& quality = *l.mutable_quality();
  AddScore(quality.mutable_by_dimension(), v1::QUALITY_DIMENSION_JUISTHEID, 90,
           100);
  AddScore(quality.mutable_by_dimension(), v1::QUALITY_DIMENSION_COMPLEETHEID,
           80, 50);
  v1::DomainQuality& burgerzaken = *quality.add_by_domain();
  burgerzaken.set_domain("Burgerzaken");
  AddScore(burgerzaken.mutable_scores(), v1::QUALITY_DIMENSION_JUISTHEID, 97.5,
           40);
  quality.set_measured_datasets(150);
  quality.set_mean_score(86.66);
  quality.set_below_norm(12);
  quality.set_stale(5);
  quality.set_open_terugmeldingen(30);
  quality.set_overdue_terugmeldingen(4);

  v1::BasisregistratieUse& brp = *l.add_basisregistratie_use();
  brp.set_dataset("datasets/brp-ingezetenen");
  brp.set_title("BRP ingezetenen");
  brp.set_basisregistratie(v1::BASISREGISTRATIE_BRP);
  brp.set_municipal_role(v1::MUNICIPAL_ROLE_BRONHOUDER);
  brp.set_downstream_datasets(42);
  brp.set_hidden_downstream_datasets(3);
  brp.add_external_parties("parties/belastingdienst");
  brp.add_external_parties("parties/cbs");
  brp.set_reads(812);
  brp.set_distinct_readers(17);
  AddCount(brp.mutable_readers(), "steward", 500);
  brp.add_direct_consumers("datasets/wmo-voorzieningen");
  brp.add_direct_consumers("parties/cbs");

  v1::ProcessingOverview& processing = *l.mutable_processing();
  processing.set_active_activities(7);
  processing.set_ended_activities(1);
  AddCount(processing.mutable_by_legal_basis(),
           "LEGAL_BASIS_WETTELIJKE_VERPLICHTING", 4);
  AddCount(processing.mutable_by_legal_basis(),
           "LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG", 2);
  AddCount(processing.mutable_by_legal_basis(),
           "LEGAL_BASIS_GERECHTVAARDIGD_BELANG", 1);
  processing.set_operations(2500);
  AddCount(processing.mutable_operations_by_activity(),
           "processing-activities/brp-bijhouding", 1500);
  AddCount(processing.mutable_operations_by_activity(),
           "processing-activities/parkeervergunning", 1000);

  AddFinding(&l, v1::COMPLIANCE_RULE_NO_OWNER, v1::FINDING_SEVERITY_HIGH, 25,
             {"datasets/a", "datasets/b"});
  AddFinding(&l, v1::COMPLIANCE_RULE_QUALITY_STALE, v1::FINDING_SEVERITY_MEDIUM,
             5, {"datasets/c"});
  AddFinding(&l, v1::COMPLIANCE_RULE_CONCEPT_TOO_LONG, v1::FINDING_SEVERITY_LOW,
             1, {"datasets/d"});
  return l;
}

// SampleLandscape with a finding naming activities as its second (high)
// finding: 3 activities on gerechtvaardigd belang, 2 of them named.
v1::Landscape LandscapeWithActivityFinding() {
  v1::Landscape l = SampleLandscape();
  v1::ComplianceFinding* f =
      AddFinding(&l, v1::COMPLIANCE_RULE_ACTIVITY_BASIS_NOT_ALLOWED,
                 v1::FINDING_SEVERITY_HIGH, 3, {});
  f->add_activities("processing-activities/cameratoezicht");
  f->add_activities("processing-activities/nieuwsbrief");
  // Most severe first: after NO_OWNER.
  for (int i = l.findings_size() - 1; i > 1; --i) {
    l.mutable_findings()->SwapElements(i, i - 1);
  }
  return l;
}

// The text of the element with data-figure `id`, or "" when there is none.
std::string Figure(const std::string& html, absl::string_view id) {
  const std::string marker = absl::StrCat("data-figure=\"", id, "\">");
  const size_t start = html.find(marker);
  if (start == std::string::npos) return "";
  const size_t from = start + marker.size();
  return html.substr(from, html.find('<', from) - from);
}

// ---- Key figures ----

TEST(LandscapeReport, KeyFiguresCarryStableAttributes) {
  const std::string html =
      RenderLandscapeHtml(SampleLandscape(), Language::kDutch);
  EXPECT_EQ(Figure(html, "total_datasets"), "300");
  EXPECT_EQ(Figure(html, "cloud_share"), "40,0%");  // (60 + 50 + 10) / 300
  EXPECT_EQ(Figure(html, "outside_eea"), "7");
  EXPECT_EQ(Figure(html, "personal_data"), "120");
  EXPECT_EQ(Figure(html, "special_categories"), "9");
  EXPECT_EQ(Figure(html, "mean_quality"), "86,7");  // The server's mean_score.
  EXPECT_EQ(Figure(html, "below_norm"), "12");
  EXPECT_EQ(Figure(html, "open_terugmeldingen"), "30");
  EXPECT_EQ(Figure(html, "overdue_terugmeldingen"), "4");
  EXPECT_EQ(Figure(html, "findings"), "3");
}

TEST(LandscapeReport, KeyFiguresAreTheSameAsTheList) {
  const v1::Landscape l = SampleLandscape();
  const std::string html = RenderLandscapeHtml(l, Language::kEnglish);
  const std::vector<KeyFigure> figures = KeyFigures(l, Language::kEnglish);
  ASSERT_EQ(figures.size(), 10u);
  for (const KeyFigure& f : figures) {
    EXPECT_EQ(Figure(html, f.id), f.value) << f.id;
  }
}

TEST(LandscapeReport, EmptyLandscapeRendersZeros) {
  const std::string html = RenderLandscapeHtml({}, Language::kDutch);
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(html, EndsWith("</html>\n"));
  EXPECT_EQ(Figure(html, "total_datasets"), "0");
  EXPECT_EQ(Figure(html, "cloud_share"), "–");
  EXPECT_EQ(Figure(html, "mean_quality"), "–");
  EXPECT_EQ(Figure(html, "findings"), "0");
  EXPECT_THAT(html, HasSubstr("Geen bevindingen: alles is op orde."));
  EXPECT_THAT(html, HasSubstr("Geen gegevens."));
  EXPECT_THAT(html, Not(HasSubstr("<svg class=\"chart")));
  EXPECT_EQ(Figure(html, "active_activities"), "0");
  EXPECT_EQ(Figure(html, "ended_activities"), "0");
  EXPECT_EQ(Figure(html, "operations"), "0");
  EXPECT_THAT(html,
              HasSubstr("<section id=\"processing\"><h2>Verwerkingen</h2>"));
}

// ---- Languages and labels ----

TEST(LandscapeReport, EachLanguageHasItsOwnLabelsFixesAndNumbers) {
  // Text only the Dutch page has, and its English counterpart.
  const std::pair<std::string, std::string> kTexts[] = {
      {"<html lang=\"nl\">", "<html lang=\"en\">"},
      {"Kerncijfers", "Key figures"},
      {"op basis van uw rechten", "based on your access rights"},
      {"Leg per dataset de eigenaar vast", "Record the owner of each dataset"},
      {"Publieke cloud", "Public cloud"},
      {"data-figure=\"cloud_share\">40,0%",
       "data-figure=\"cloud_share\">40.0%"},
  };
  const std::string nl =
      RenderLandscapeHtml(SampleLandscape(), Language::kDutch);
  const std::string en =
      RenderLandscapeHtml(SampleLandscape(), Language::kEnglish);
  for (const auto& [dutch, english] : kTexts) {
    EXPECT_THAT(nl, AllOf(HasSubstr(dutch), Not(HasSubstr(english))));
    EXPECT_THAT(en, AllOf(HasSubstr(english), Not(HasSubstr(dutch))));
  }
  // The fixes are the client's, not the server's English line.
  EXPECT_THAT(nl, Not(HasSubstr("SERVER FIX IN ENGLISH")));
  EXPECT_THAT(en, Not(HasSubstr("SERVER FIX IN ENGLISH")));
}

TEST(LandscapeReport, EveryRuleHasATitleAndFixInBothLanguages) {
  for (int rule = v1::ComplianceRule_MIN + 1; rule <= v1::ComplianceRule_MAX;
       ++rule) {
    v1::ComplianceFinding f;
    f.set_rule(static_cast<v1::ComplianceRule>(rule));
    f.set_fix("SERVER");
    const std::string nl = RuleFix(f, Language::kDutch);
    const std::string en = RuleFix(f, Language::kEnglish);
    EXPECT_NE(nl, "SERVER") << rule;
    EXPECT_NE(en, "SERVER") << rule;
    EXPECT_NE(nl, en) << rule;
    EXPECT_THAT(EnumLabel(f.rule(), Language::kDutch),
                Not(HasSubstr("COMPLIANCE_RULE")))
        << rule;
  }
}

TEST(LandscapeReport, EnumKeysAreShownAsReadableLabels) {
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    const std::string html =
        RenderLandscapeHtml(LandscapeWithActivityFinding(), language);
    for (absl::string_view prefix :
         {"HOSTING_KIND_", "CONFIDENTIALITY_", "REGISTRATION_TYPE_",
          "BASISREGISTRATIE_", "DATASET_STATUS_", "SPECIAL_CATEGORY_",
          "QUALITY_DIMENSION_", "COMPLIANCE_RULE_", "FINDING_SEVERITY_",
          "MUNICIPAL_ROLE_", "LEGAL_BASIS_", "processing-activities/"}) {
      EXPECT_THAT(html, Not(HasSubstr(prefix)));
    }
    EXPECT_THAT(html, HasSubstr("SaaS"));
    EXPECT_THAT(html, HasSubstr(">BRP<"));
    EXPECT_THAT(html, HasSubstr("Beperkt openbaar"));
  }
  EXPECT_EQ(EnumLabel(*v1::HostingKind_descriptor(), "HOSTING_KIND_SAAS",
                      Language::kDutch),
            "SaaS");
  EXPECT_EQ(EnumLabel(v1::CONFIDENTIALITY_ZEER_GEHEIM, Language::kEnglish),
            "Zeer geheim");
  EXPECT_EQ(EnumLabel(v1::QUALITY_DIMENSION_JUISTHEID, Language::kEnglish),
            "Accuracy");
  EXPECT_EQ(EnumLabel(v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG,
                      Language::kDutch),
            "Publieke taak (e)");
  EXPECT_EQ(
      EnumLabel(v1::LEGAL_BASIS_GERECHTVAARDIGD_BELANG, Language::kEnglish),
      "Legitimate interests (f)");
  EXPECT_EQ(EnumLabel(v1::LEGAL_BASIS_UNSPECIFIED, Language::kDutch),
            "(niet vastgelegd)");
  EXPECT_EQ(EnumLabel(*v1::HostingKind_descriptor(), "", Language::kDutch),
            "(niet vastgelegd)");
  // A value of a newer server is shown as it came.
  EXPECT_EQ(EnumLabel(*v1::HostingKind_descriptor(), "HOSTING_KIND_MOON",
                      Language::kDutch),
            "HOSTING_KIND_MOON");
}

// ---- Safety of the page ----

TEST(LandscapeReport, HostileServerStringsAreEscaped) {
  v1::Landscape l = SampleLandscape();
  const std::string script = "<script>alert(1)</script>";
  const std::string breakout = "\"><img src=x onerror=alert(1)>";
  AddCount(l.mutable_by_domain(), script, 1);
  AddCount(l.mutable_cloud()->mutable_by_provider(), breakout, 1);
  l.mutable_cloud()->mutable_providers(0)->set_provider(breakout);
  l.mutable_quality()->mutable_by_domain(0)->set_domain(script);
  l.mutable_filter()->set_domain(script);
  v1::BasisregistratieUse& brp = *l.mutable_basisregistratie_use(0);
  brp.set_title(breakout);
  brp.add_direct_consumers(absl::StrCat("datasets/", script));
  brp.add_external_parties(absl::StrCat("parties/", breakout));
  AddCount(brp.mutable_readers(), script, 1);
  AddFinding(&l, static_cast<v1::ComplianceRule>(99), v1::FINDING_SEVERITY_LOW,
             1, {absl::StrCat("datasets/", script)})
      ->set_fix(breakout);
  AddFinding(&l,
             v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_TRANSFER_WITHOUT_SAFEGUARDS,
             v1::FINDING_SEVERITY_HIGH, 1, {})
      ->add_activities(absl::StrCat("processing-activities/", breakout));
  v1::ProcessingOverview& processing = *l.mutable_processing();
  AddCount(processing.mutable_operations_by_activity(),
           absl::StrCat("processing-activities/", script), 1);
  AddCount(processing.mutable_by_legal_basis(), breakout,
           1);  // A newer server.
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    const std::string html = RenderLandscapeHtml(l, language);
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<img")));
    EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
    EXPECT_THAT(html,
                HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  }
  const std::string nl = RenderLandscapeHtml(l, Language::kDutch);
  EXPECT_THAT(nl, HasSubstr("<title>&lt;script&gt;alert(1)&lt;/script&gt;: "
                            "1</title>"));  // operations by activity
  EXPECT_THAT(nl, HasSubstr("<td>&quot;&gt;&lt;img src=x "
                            "onerror=alert(1)&gt;</td>"));  // activity finding
  EXPECT_THAT(nl, HasSubstr("<title>&quot;&gt;&lt;img src=x "
                            "onerror=alert(1)&gt;: 1</title>"));  // legal basis
  // The unknown rule's fix is the server's, escaped too.
  EXPECT_EQ(RuleFix(l.findings(3), Language::kDutch), breakout);
}

TEST(LandscapeReport, LoadsNothingFromOutsideThePage) {
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    const std::string html = RenderLandscapeHtml(SampleLandscape(), language);
    EXPECT_THAT(html, HasSubstr("<meta http-equiv=\"Content-Security-Policy\" "
                                "content=\"default-src 'none'; style-src "
                                "'unsafe-inline'; img-src data:\">"));
    for (absl::string_view external :
         {"http://", "https://", "src=", "href=", "url(", "@import", "<script",
          "<link", "<img", "<iframe", "<object", "<embed"}) {
      EXPECT_THAT(html, Not(HasSubstr(external))) << external;
    }
  }
}

TEST(HtmlEscape, EscapesMarkupQuotesAndControlCharacters) {
  EXPECT_EQ(HtmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(HtmlEscape(std::string("x\x01y\x7fz\n", 6)), "x y z\n");
  EXPECT_EQ(HtmlEscape("één"), "één");
}

// ---- Structure, charts and tables ----

TEST(LandscapeReport, HeaderNamesTimeRevisionFilterAndPeriod) {
  v1::Landscape l = SampleLandscape();
  l.mutable_filter()->set_hosting_kind(v1::HOSTING_KIND_SAAS);
  l.mutable_filter()->set_provider("Centric");
  const std::string html = RenderLandscapeHtml(l, Language::kDutch);
  EXPECT_THAT(html, HasSubstr("2026-11-28 10:00 UTC"));
  EXPECT_THAT(html, HasSubstr("<span data-field=\"revision\">4711</span>"));
  EXPECT_THAT(html, HasSubstr("Filter: SaaS, leverancier Centric"));
  EXPECT_THAT(html, HasSubstr("2026-10-29 10:00 UTC"));
  EXPECT_THAT(RenderLandscapeHtml(SampleLandscape(), Language::kEnglish),
              HasSubstr("Filter: none (the whole landscape)"));
}

TEST(LandscapeReport, EverySectionStartsAPrintedPage) {
  const std::string html =
      RenderLandscapeHtml(SampleLandscape(), Language::kDutch);
  EXPECT_THAT(html, HasSubstr("@media print"));
  EXPECT_THAT(html, HasSubstr("section { break-before: page; }"));
  size_t previous = 0;
  for (absl::string_view id :
       {"summary", "inventory", "cloud", "security", "quality",
        "basisregistraties", "processing", "findings"}) {
    const size_t at = html.find(absl::StrCat("<section id=\"", id, "\">"));
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(at, previous) << id << " in its place";
    previous = at;
  }
}

TEST(LandscapeReport, TopFindingsArePlainSentences) {
  const std::vector<std::string> nl =
      TopFindings(SampleLandscape(), Language::kDutch);
  ASSERT_EQ(nl.size(), 3u);
  EXPECT_EQ(nl[0],
            "Geen eigenaar vastgelegd: 25 datasets. Leg per dataset de "
            "eigenaar vast: het verantwoordelijke afdelingshoofd.");
  EXPECT_THAT(nl[2], StartsWith("Te lang in concept: 1 dataset. "));
  EXPECT_EQ(TopFindings(SampleLandscape(), Language::kEnglish, 1).size(), 1u);
}

TEST(LandscapeReport, FindingsTableNamesDatasetsAndTheRest) {
  const std::string html =
      RenderLandscapeHtml(SampleLandscape(), Language::kDutch);
  EXPECT_THAT(html, HasSubstr("<td>a, b (+23 meer)</td>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"sev sev-high\">Hoog</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"sev sev-medium\">Middel</span>"));
}

TEST(LandscapeReport, FindingsNamingActivitiesListThem) {
  const v1::Landscape l = LandscapeWithActivityFinding();
  const std::string nl = RenderLandscapeHtml(l, Language::kDutch);
  EXPECT_THAT(nl, HasSubstr("<td>Verwerking op gerechtvaardigd belang</td>"
                            "<td class=\"num\">3</td>"
                            "<td>cameratoezicht, nieuwsbrief (+1 meer)</td>"));
  EXPECT_THAT(nl, HasSubstr("<th>Datasets of activiteiten</th>"));
  // The finding naming datasets is as it was.
  EXPECT_THAT(nl, HasSubstr("<td>a, b (+23 meer)</td>"));
  // The first page counts activities, not datasets.
  EXPECT_THAT(nl, HasSubstr("<strong>Verwerking op gerechtvaardigd belang"
                            "</strong>: 3 verwerkingsactiviteiten. Baseer de "
                            "verwerking op een publieke taak"));
  const std::string en = RenderLandscapeHtml(l, Language::kEnglish);
  EXPECT_THAT(en, HasSubstr("<td>cameratoezicht, nieuwsbrief (+1 more)</td>"));
  EXPECT_THAT(en, HasSubstr("<th>Datasets or activities</th>"));
  EXPECT_EQ(TopFindings(l, Language::kEnglish)[1],
            "Processing on legitimate interest: 3 processing activities. Base "
            "the processing on a public task or a legal obligation: a public "
            "body may not rely on legitimate interest for its public tasks.");
  // One activity, named by rule even without names.
  v1::ComplianceFinding transfer;
  transfer.set_rule(
      v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_TRANSFER_WITHOUT_SAFEGUARDS);
  transfer.set_count(1);
  v1::Landscape one;
  *one.add_findings() = transfer;
  EXPECT_THAT(TopFindings(one, Language::kDutch)[0],
              StartsWith("Bijzondere gegevens buiten de EER zonder waarborgen: "
                         "1 verwerkingsactiviteit. "));
  EXPECT_THAT(RenderLandscapeHtml(one, Language::kDutch),
              HasSubstr("<td>(+1 meer)</td>"));
}

// ---- Processing: the register and its log ----

TEST(LandscapeReport, ProcessingSectionShowsTheRegisterAndTheLog) {
  const std::string nl =
      RenderLandscapeHtml(SampleLandscape(), Language::kDutch);
  EXPECT_EQ(Figure(nl, "active_activities"), "7");
  EXPECT_EQ(Figure(nl, "ended_activities"), "1");
  EXPECT_EQ(Figure(nl, "operations"), "2500");
  EXPECT_THAT(nl,
              HasSubstr("<section id=\"processing\"><h2>Verwerkingen</h2>"));
  EXPECT_THAT(nl, HasSubstr("<span class=\"label\">Actieve "
                            "verwerkingsactiviteiten</span><span "
                            "class=\"detail\">in het register (AVG art. "
                            "30)</span>"));
  EXPECT_THAT(nl, HasSubstr("in het logboek, 2026-10-29 10:00 UTC – "
                            "2026-11-28 10:00 UTC"));
  EXPECT_THAT(nl, HasSubstr("<figcaption>Actieve activiteiten per grondslag "
                            "(AVG art. 6)</figcaption>"));
  EXPECT_THAT(nl, HasSubstr("<title>Wettelijke verplichting (c): 4</title>"));
  EXPECT_THAT(nl, HasSubstr("<title>Publieke taak (e): 2</title>"));
  EXPECT_THAT(nl, HasSubstr("<title>Gerechtvaardigd belang (f): 1</title>"));
  // The activities by their short names, most operations first.
  const size_t brp = nl.find("<title>brp-bijhouding: 1500</title>");
  const size_t parkeren = nl.find("<title>parkeervergunning: 1000</title>");
  ASSERT_NE(brp, std::string::npos);
  ASSERT_NE(parkeren, std::string::npos);
  EXPECT_LT(brp, parkeren);

  const std::string en =
      RenderLandscapeHtml(SampleLandscape(), Language::kEnglish);
  EXPECT_THAT(en, HasSubstr("<section id=\"processing\"><h2>Processing</h2>"));
  EXPECT_THAT(en, HasSubstr("<figcaption>Operations by activity</figcaption>"));
  EXPECT_THAT(en, HasSubstr("<title>Legal obligation (c): 4</title>"));
  EXPECT_THAT(en, HasSubstr("<title>Public task (e): 2</title>"));
  EXPECT_THAT(en, HasSubstr("in the log, 2026-10-29 10:00 UTC – "
                            "2026-11-28 10:00 UTC"));
  EXPECT_EQ(Figure(en, "operations"), "2500");
}

TEST(LandscapeReport, ProcessingFiguresAreTheSameAsTheList) {
  const v1::Landscape l = SampleLandscape();
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    const std::string html = RenderLandscapeHtml(l, language);
    const std::vector<KeyFigure> figures = ProcessingFigures(l, language);
    ASSERT_EQ(figures.size(), 3u);
    for (const KeyFigure& f : figures) {
      EXPECT_EQ(Figure(html, f.id), f.value) << f.id;
    }
  }
  EXPECT_EQ(ProcessingFigures(l, Language::kEnglish)[1].label,
            "Ended processing activities");
}

TEST(LandscapeReport, ManyActivitiesAreSummedBeyondTwelve) {
  v1::Landscape l;
  for (int i = 0; i < 14; ++i) {
    AddCount(l.mutable_processing()->mutable_operations_by_activity(),
             absl::StrCat("processing-activities/a", i), 100 - i);
  }
  const std::string html = RenderLandscapeHtml(l, Language::kEnglish);
  EXPECT_THAT(html, HasSubstr("<title>a10: 90</title>"));
  EXPECT_THAT(html, Not(HasSubstr("<title>a11:")));
  EXPECT_THAT(html, HasSubstr("<title>Other 3: 264</title>"));  // 89+88+87
}

TEST(LandscapeReport, ProvidersTableShowsSpreadShareQualityAndCoverage) {
  const std::string html =
      RenderLandscapeHtml(SampleLandscape(), Language::kEnglish);
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">50.0%</td>"));  // personal
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">91.3</td>"));   // quality
  EXPECT_THAT(
      html,
      HasSubstr(
          "75.0%<br><span class=\"sub\">45/60</span>"));  // processor agreement
  EXPECT_THAT(html,
              HasSubstr("50.0%<br><span class=\"sub\">30/60</span>"));  // DPIA
  EXPECT_THAT(
      html,
      HasSubstr("20.0%<br><span class=\"sub\">12/60</span>"));  // exit strategy
  // The spread runs from openbaar up, whatever the order of the counts.
  const size_t beperkt = html.find("<title>Beperkt openbaar: 20</title>");
  const size_t intern = html.find("<title>Intern: 40</title>");
  ASSERT_NE(beperkt, std::string::npos);
  ASSERT_NE(intern, std::string::npos);
  EXPECT_LT(beperkt, intern);
}

TEST(LandscapeReport, HeatMapColoursScoresAndGreysTheUnmeasured) {
  const std::string html =
      RenderLandscapeHtml(SampleLandscape(), Language::kDutch);
  EXPECT_THAT(html, HasSubstr("svg class=\"chart heatmap\""));
  EXPECT_THAT(html, HasSubstr(ScoreColour(97.5)));
  EXPECT_THAT(html, HasSubstr(">97,5<"));
  // Burgerzaken has no compleetheid score.
  EXPECT_THAT(html, HasSubstr("Burgerzaken · Compleetheid: – (0 datasets)"));
  EXPECT_THAT(html,
              HasSubstr("Alle domeinen · Juistheid: 90,0 (100 datasets)"));
  EXPECT_EQ(ScoreColour(40), "#d73027");
  EXPECT_EQ(ScoreColour(100), "#1a9850");
}

// The demo's scores lie mostly between 70 and 95: five points apart must
// be told apart there.
TEST(LandscapeReport, ScoreColoursDistinguishTheUsualRange) {
  const std::vector<double> scores = {59.9, 60, 72, 77, 82, 87, 92, 95};
  std::set<std::string> colours;
  for (double score : scores) colours.insert(ScoreColour(score));
  EXPECT_EQ(colours.size(), scores.size());
  EXPECT_EQ(ScoreColour(80), ScoreColour(84.9));
  EXPECT_NE(ScoreColour(84.9), ScoreColour(85));
  const std::string html = RenderLandscapeHtml(SampleLandscape(), Language::kDutch);
  for (const char* label : {">&lt;60<", ">75<", ">85<", ">≥95<"}) {
    EXPECT_THAT(html, HasSubstr(label)) << "legend";
  }
}

TEST(LandscapeReport, LineageDiagramDrawsDirectAndDownstreamConsumers) {
  const std::string html =
      RenderLandscapeHtml(SampleLandscape(), Language::kDutch);
  EXPECT_THAT(html, HasSubstr("svg class=\"chart lineage\""));
  EXPECT_THAT(html, HasSubstr("<title>wmo-voorzieningen</title>"));
  EXPECT_THAT(html, HasSubstr("42 stroomafwaarts (+3 verborgen)"));
  // cbs is a direct consumer; belastingdienst is reached further on.
  EXPECT_THAT(html, HasSubstr("<title>belastingdienst</title>"));
  EXPECT_THAT(html, HasSubstr("class=\"edge indirect\""));
  EXPECT_EQ(html.find("class=\"edge indirect\""),
            html.rfind("class=\"edge indirect\""));
  // The table: counts, parties, reads and readers.
  EXPECT_THAT(html, HasSubstr("<td>belastingdienst, cbs</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">812</td>"));
  EXPECT_THAT(html, HasSubstr("<td>steward (500)</td>"));
}

TEST(LandscapeReport, ManyConsumersEndInAMoreNote) {
  v1::Landscape l = SampleLandscape();
  v1::BasisregistratieUse& brp = *l.mutable_basisregistratie_use(0);
  for (int i = 0; i < 20; ++i) {
    brp.add_external_parties(absl::StrCat("parties/p", i));
  }
  // 2 direct + 21 further parties: 13 drawn, 10 more.
  EXPECT_THAT(RenderLandscapeHtml(l, Language::kEnglish),
              HasSubstr(">+10 more<"));
}

TEST(LandscapeReport, DatasetsWithoutAValueAreNamedSoOrLeftOut) {
  v1::Landscape l = SampleLandscape();
  AddCount(l.mutable_by_basisregistratie(), "BASISREGISTRATIE_UNSPECIFIED",
           277);
  AddCount(l.mutable_by_municipal_role(), "", 278);
  AddCount(l.mutable_by_openness(), "OPENNESS_LEVEL_UNSPECIFIED", 7);
  const std::string html = RenderLandscapeHtml(l, Language::kDutch);
  EXPECT_THAT(html, HasSubstr("<title>(niet vastgelegd): 10</title>"));
  EXPECT_THAT(html, HasSubstr("<title>(niet vastgelegd): 7</title>"));
  // Only basisregistraties have these: the others are not shown.
  EXPECT_THAT(html, Not(HasSubstr(": 277</title>")));
  EXPECT_THAT(html, Not(HasSubstr(": 278</title>")));
  EXPECT_EQ(EnumLabel(v1::HOSTING_KIND_UNSPECIFIED, Language::kEnglish),
            "(not recorded)");
}

TEST(LandscapeReport, LongBreakdownsAreSummedBeyondTwelveRows) {
  v1::Landscape l;
  for (int i = 0; i < 15; ++i) {
    AddCount(l.mutable_by_domain(), absl::StrCat("Domein ", i), 20 - i);
  }
  const std::string html = RenderLandscapeHtml(l, Language::kDutch);
  EXPECT_THAT(html, HasSubstr("<title>Domein 10: 10</title>"));
  EXPECT_THAT(html, Not(HasSubstr("<title>Domein 11:")));
  EXPECT_THAT(html, HasSubstr("<title>Overige 4: 30</title>"));  // 9+8+7+6
}

// ---- Terminal summary ----

TEST(FormatKeyFigures, PrintsFiguresAndTopFindings) {
  const std::string text =
      FormatKeyFigures(SampleLandscape(), Language::kDutch);
  EXPECT_THAT(text, StartsWith("Datalandschap, revisie 4711, 2026-11-28 10:00 "
                               "UTC (op basis van uw rechten)\n"));
  EXPECT_THAT(text, HasSubstr("In de cloud"));
  EXPECT_THAT(text, HasSubstr("40,0%"));
  EXPECT_THAT(text,
              HasSubstr("Belangrijkste bevindingen:\n  1. Geen eigenaar"));
  EXPECT_THAT(FormatKeyFigures({}, Language::kEnglish),
              AllOf(HasSubstr("Datasets"), Not(HasSubstr("Top findings"))));
  EXPECT_THAT(text, HasSubstr("UTC (op basis van uw rechten)\n"
                              "Filter: geen (het hele landschap)\nKERNCIJFER"));
}

TEST(FormatKeyFigures, PrintsTheProcessingBlock) {
  EXPECT_THAT(
      FormatKeyFigures(SampleLandscape(), Language::kDutch),
      HasSubstr(
          "\n\n"
          "VERWERKINGEN                        AANTAL  TOELICHTING\n"
          "Actieve verwerkingsactiviteiten     7       in het register (AVG "
          "art. 30)\n"
          "  Wettelijke verplichting (c)       4       grondslag\n"
          "  Publieke taak (e)                 2       grondslag\n"
          "  Gerechtvaardigd belang (f)        1       grondslag\n"
          "Beëindigde verwerkingsactiviteiten  1       niet meer uitgevoerd\n"
          "Operaties in de periode             2500    in het logboek, "
          "2026-10-29 10:00 UTC – 2026-11-28 10:00 UTC\n"
          "  brp-bijhouding                    1500    60,0% van de "
          "operaties\n"
          "  parkeervergunning                 1000    40,0% van de "
          "operaties\n"
          "\nBelangrijkste bevindingen:\n"));
  EXPECT_THAT(
      FormatKeyFigures(SampleLandscape(), Language::kEnglish),
      HasSubstr(
          "PROCESSING                    COUNT  DETAIL\n"
          "Active processing activities  7      in the register (GDPR art. "
          "30)\n"
          "  Legal obligation (c)        4      legal basis\n"
          "  Public task (e)             2      legal basis\n"
          "  Legitimate interests (f)    1      legal basis\n"
          "Ended processing activities   1      no longer carried out\n"
          "Operations in the period      2500   in the log, 2026-10-29 10:00 "
          "UTC – 2026-11-28 10:00 UTC\n"
          "  brp-bijhouding              1500   60.0% of the operations\n"
          "  parkeervergunning           1000   40.0% of the operations\n"));
  // An empty register: the figures, zero.
  EXPECT_THAT(FormatKeyFigures({}, Language::kEnglish),
              AllOf(HasSubstr("\nActive processing activities  0 "),
                    HasSubstr("\nOperations in the period      0 ")));
}

TEST(FormatKeyFigures, FindingsNameTheirDatasetsOrActivities) {
  const std::string text =
      FormatKeyFigures(LandscapeWithActivityFinding(), Language::kDutch);
  EXPECT_THAT(text,
              HasSubstr("  1. Geen eigenaar vastgelegd: 25 datasets. Leg per "
                        "dataset de eigenaar vast: het verantwoordelijke "
                        "afdelingshoofd.\n"
                        "     Betreft: a, b (+23 meer)\n"
                        "  2. Verwerking op gerechtvaardigd belang: 3 "
                        "verwerkingsactiviteiten. Baseer de verwerking op "
                        "een publieke taak of wettelijke verplichting: een "
                        "overheidsorgaan mag voor zijn publieke taken geen "
                        "gerechtvaardigd belang gebruiken.\n"
                        "     Betreft: cameratoezicht, nieuwsbrief (+1 meer)\n"
                        "  3. "));
  EXPECT_THAT(
      FormatKeyFigures(LandscapeWithActivityFinding(), Language::kEnglish),
      HasSubstr("\n     Concerns: cameratoezicht, nieuwsbrief (+1 more)\n"));
  // Five names on a terminal; the report names all the server sent.
  v1::Landscape many;
  AddFinding(&many, v1::COMPLIANCE_RULE_NO_OWNER, v1::FINDING_SEVERITY_HIGH, 40,
             {"datasets/d1", "datasets/d2", "datasets/d3", "datasets/d4",
              "datasets/d5", "datasets/d6", "datasets/d7"});
  EXPECT_THAT(FormatKeyFigures(many, Language::kDutch),
              HasSubstr("\n     Betreft: d1, d2, d3, d4, d5 (+35 meer)\n"));
  EXPECT_THAT(RenderLandscapeHtml(many, Language::kDutch),
              HasSubstr("<td>d1, d2, d3, d4, d5, d6, d7 (+33 meer)</td>"));
}

TEST(FormatKeyFigures, AFilteredLandscapeSaysItIsASelection) {
  v1::Landscape l = SampleLandscape();
  l.mutable_filter()->set_domain("Belastingen");
  l.mutable_filter()->set_hosting_kind(v1::HOSTING_KIND_SAAS);
  EXPECT_THAT(FormatKeyFigures(l, Language::kDutch),
              HasSubstr("(op basis van uw rechten)\nFilter: domein Belastingen, SaaS -- alle "
                        "cijfers gelden alleen voor deze selectie, niet voor het hele "
                        "landschap\n"));
  EXPECT_THAT(FormatKeyFigures(l, Language::kEnglish),
              HasSubstr("\nFilter: domain Belastingen, SaaS -- every figure is of this "
                        "selection only, not of the whole landscape\n"));
}

TEST(FormatKeyFigures, OneDomainIsSingular) {
  v1::Landscape l;
  l.set_total_datasets(3);
  v1::Count* domain = l.add_by_domain();
  domain->set_key("Belastingen");
  domain->set_count(3);
  EXPECT_THAT(FormatKeyFigures(l, Language::kDutch), HasSubstr("  in 1 domein\n"));
  EXPECT_THAT(FormatKeyFigures(l, Language::kEnglish), HasSubstr("  in 1 domain\n"));
  *l.add_by_domain() = *domain;
  EXPECT_THAT(FormatKeyFigures(l, Language::kDutch), HasSubstr("  in 2 domeinen\n"));
}

TEST(ParseLanguage, AcceptsNlAndEnOnly) {
  EXPECT_EQ(*ParseLanguage("nl", "--lang"), Language::kDutch);
  EXPECT_EQ(*ParseLanguage("EN", "--lang"), Language::kEnglish);
  const absl::StatusOr<Language> bad = ParseLanguage("de", "--lang");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("--lang"));
  EXPECT_THAT(bad.status().message(), HasSubstr("\"de\""));
}

// ---- Output: files and PDF ----

TEST(WriteReportFile, WritesAndReplaces) {
  catalog::testing::TempDir dir;
  const std::string path = dir.path() + "/r.html";
  ASSERT_TRUE(WriteReportFile(path, "first, longer", "--html").ok());
  ASSERT_TRUE(WriteReportFile(path, "second", "--html").ok());
  EXPECT_EQ(catalog::testing::ReadFile(path), "second");
}

TEST(WriteReportFile, UnwritablePathIsFailedPrecondition) {
  catalog::testing::TempDir dir;
  const std::string path = dir.path() + "/missing/r.html";
  const absl::Status s = WriteReportFile(path, "x", "--html");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("--html: cannot write " + path));
  EXPECT_THAT(s.message(), HasSubstr("No such file or directory"));
  EXPECT_EQ(WriteReportFile(dir.path(), "x", "--pdf").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ChromiumBinary, ComesFromTheEnvironment) {
  const char* saved = std::getenv("CATALOG_CHROMIUM");
  const std::string restore = saved == nullptr ? "" : saved;
  setenv("CATALOG_CHROMIUM", "/opt/chromium/chrome", 1);
  EXPECT_EQ(ChromiumBinary(), "/opt/chromium/chrome");
  unsetenv("CATALOG_CHROMIUM");
  EXPECT_EQ(ChromiumBinary(), kDefaultChromium);
  if (saved != nullptr) setenv("CATALOG_CHROMIUM", restore.c_str(), 1);
}

TEST(PrintToPdf, MissingChromiumIsFailedPrecondition) {
  catalog::testing::TempDir dir;
  for (const std::string& chromium :
       {std::string("/nonexistent/chromium"), dir.path(), std::string()}) {
    const absl::Status s =
        PrintToPdf("<p>x</p>", dir.path() + "/r.pdf", {.chromium = chromium});
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << chromium;
    EXPECT_THAT(s.message(), HasSubstr("CATALOG_CHROMIUM"));
    EXPECT_THAT(s.message(), HasSubstr("install-deps.sh --with-browser"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/r.pdf"));
}

TEST(PrintToPdf, FailingChromiumIsInternal) {
  catalog::testing::TempDir dir;
  absl::Status s =
      PrintToPdf("<p>x</p>", dir.path() + "/r.pdf", {.chromium = "/bin/false"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("/bin/false exited with code 1"));
  // Exits 0 but prints nothing.
  s = PrintToPdf("<p>x</p>", dir.path() + "/r.pdf", {.chromium = "/bin/true"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("wrote no PDF"));
}

TEST(PrintToPdf, HangingChromiumIsStoppedAtTheTimeout) {
  catalog::testing::TempDir dir;
  const std::string hanging = dir.path() + "/hanging-chromium";
  ASSERT_TRUE(WriteReportFile(hanging, "#!/bin/sh\nsleep 60\n", "test").ok());
  ASSERT_EQ(chmod(hanging.c_str(), 0700), 0);
  const absl::Time start = absl::Now();
  const absl::Status s =
      PrintToPdf("<p>x</p>", dir.path() + "/r.pdf",
                 {.chromium = hanging, .timeout = absl::Milliseconds(300)});
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("did not finish within 300ms"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

// The real Chromium (Debian's chromium; scripts/install-deps.sh
// --with-browser): missing, it fails here rather than skip.
TEST(PrintToPdf, ChromiumPrintsTheReport) {
  catalog::testing::TempDir dir;
  const std::string pdf = dir.path() + "/landscape.pdf";
  const absl::Status s =
      PrintToPdf(RenderLandscapeHtml(SampleLandscape(), Language::kDutch), pdf);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_THAT(catalog::testing::ReadFile(pdf), StartsWith("%PDF-"));
}

TEST(PrintToPdf, UnwritablePdfPathIsFailedPrecondition) {
  catalog::testing::TempDir dir;
  const std::string pdf = dir.path() + "/missing/landscape.pdf";
  const absl::Status s = PrintToPdf("<p>x</p>", pdf);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_THAT(s.message(), HasSubstr("--pdf: cannot write " + pdf));
}

}  // namespace
}  // namespace catalog::report
