#include "client/report/landscape_report.h"

#include <google/protobuf/repeated_ptr_field.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "client/lib/output.h"
#include "client/report/charts.h"

namespace catalog::report {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::EnumDescriptor;
using google::protobuf::RepeatedPtrField;

// Rows of a breakdown chart; beyond it the rest is summed into one row.
constexpr int kMaxBars = 12;
// Consumers drawn per basisregistratie (direct_consumers holds at most 12;
// parties reached further downstream come after them).
constexpr int kMaxDiagramNodes = 14;
// Readers named per basisregistratie.
constexpr int kReadersNamed = 3;
// Datasets or activities named per finding on a terminal (the report names
// every one the server sent).
constexpr int kTerminalNames = 5;

constexpr absl::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

constexpr absl::string_view kCss = R"css(
:root { --accent: #2b6cb0; --dark: #1f4e79; --ink: #1a202c; --muted: #5a6472; --line: #d8dee6; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1120px; padding: 24px 32px; background: #fff; color: var(--ink);
       font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 6px; color: var(--dark); }
h2 { font-size: 20px; color: var(--dark); border-bottom: 1px solid var(--line); padding-bottom: 4px; margin: 28px 0 12px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
.meta { color: var(--muted); margin: 2px 0; font-size: 13px; }
.disclaimer { background: #fff8e1; border-left: 4px solid #f2b01e; padding: 6px 10px; margin: 10px 0 0; font-size: 13px; }
.figures { display: grid; grid-template-columns: repeat(5, 1fr); gap: 10px; margin-bottom: 8px; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: #f7fafc; break-inside: avoid; }
.figure .value { display: block; font-size: 28px; font-weight: bold; color: var(--dark); }
.figure .label { display: block; font-weight: bold; font-size: 13px; }
.figure .detail { display: block; color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 8px 24px; }
figure { margin: 0 0 12px; break-inside: avoid; }
figcaption { font-weight: bold; margin-bottom: 4px; }
svg { max-width: 100%; height: auto; }
svg text { font-family: inherit; font-size: 12px; fill: var(--ink); }
svg .val { fill: var(--muted); font-size: 11px; }
svg .source { fill: #fff; font-weight: bold; }
svg .edge { fill: none; stroke: #7a8ca3; stroke-width: 1.5; }
svg .edge.indirect { stroke-dasharray: 5 4; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 6px; text-align: left; vertical-align: top; }
th { background: #edf2f7; font-size: 12px; }
.num { text-align: right; }
td.num { white-space: nowrap; }
.sub { color: var(--muted); font-size: 11px; }
tr { break-inside: avoid; }
.sev { display: inline-block; min-width: 56px; text-align: center; border-radius: 10px; padding: 1px 8px;
       font-size: 11px; font-weight: bold; color: #fff; background: #607d8b; }
.sev-high { background: #c62828; }
.sev-medium { background: #ef6c00; }
.top-findings li { margin: 6px 0; }
.empty { color: var(--muted); font-style: italic; }
.legend { font-size: 12px; color: var(--muted); margin: 4px 0; }
.legend span { margin-right: 12px; white-space: nowrap; }
.diagrams { display: grid; grid-template-columns: repeat(auto-fit, minmax(500px, 1fr)); gap: 12px 24px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  section { break-before: page; }
  #summary { break-before: auto; }
  h2 { margin-top: 0; }
}
)css";

// `nl` or `en`, by `language`.
absl::string_view L(Language language, absl::string_view nl,
                    absl::string_view en) {
  return Text{nl, en}.In(language);
}

// The level of a Confidentiality key, 0 when not recorded or unknown.
int ConfidentialityLevel(absl::string_view key) {
  v1::Confidentiality value = v1::CONFIDENTIALITY_UNSPECIFIED;
  v1::Confidentiality_Parse(std::string(key), &value);
  return value;
}

// The colour of a confidentiality marking, green (openbaar) to purple
// (zeer geheim); grey when not recorded or unknown.
std::string ConfidentialityColour(absl::string_view key) {
  constexpr absl::string_view kColours[] = {"#9e9e9e", "#4caf50", "#8bc34a",
                                            "#cddc39", "#ffc107", "#ff9800",
                                            "#f4511e", "#c62828", "#6a1b9a"};
  return std::string(kColours[ConfidentialityLevel(key)]);
}

// True for the key that counts datasets without a value: "" (as the API
// says) or the enum's UNSPECIFIED value.
bool IsUnset(const EnumDescriptor* type, absl::string_view key) {
  if (key.empty()) return true;
  const google::protobuf::EnumValueDescriptor* value =
      type == nullptr ? nullptr : type->FindValueByName(std::string(key));
  return value != nullptr && value->number() == 0;
}

// The label of a breakdown key: of enum `type`, or text when it is null.
std::string KeyLabel(const EnumDescriptor* type, absl::string_view key,
                     Language language) {
  return type == nullptr ? TextLabel(key, language)
                         : EnumLabel(*type, key, language);
}

// The count of `key` in a breakdown, 0 when it is not there.
int64_t CountOf(const RepeatedPtrField<v1::Count>& counts,
                absl::string_view key) {
  for (const v1::Count& c : counts) {
    if (c.key() == key) return c.count();
  }
  return 0;
}

// A breakdown as bars (without the datasets that have no value, when
// `only_set`), the rows beyond kMaxBars summed into one.
std::vector<Bar> CountBars(const RepeatedPtrField<v1::Count>& counts,
                           const EnumDescriptor* type, bool only_set,
                           Language language) {
  std::vector<const v1::Count*> rows;
  for (const v1::Count& c : counts) {
    if (!only_set || !IsUnset(type, c.key())) rows.push_back(&c);
  }
  const size_t shown = rows.size() > kMaxBars ? kMaxBars - 1 : rows.size();
  std::vector<Bar> bars;
  for (size_t i = 0; i < shown; ++i) {
    const v1::Count& c = *rows[i];
    Bar bar{KeyLabel(type, c.key(), language), static_cast<double>(c.count()),
            absl::StrCat(c.count())};
    if (type == v1::Confidentiality_descriptor()) {
      bar.colour = ConfidentialityColour(c.key());
    }
    bars.push_back(std::move(bar));
  }
  if (shown < rows.size()) {
    int64_t rest = 0;
    for (size_t i = shown; i < rows.size(); ++i) rest += rows[i]->count();
    bars.push_back(
        {absl::StrCat(L(language, "Overige ", "Other "), rows.size() - shown),
         static_cast<double>(rest), absl::StrCat(rest), "#8da2bb"});
  }
  return bars;
}

// A paragraph saying there is nothing to show.
std::string Empty(absl::string_view text) {
  return absl::StrCat("<p class=\"empty\">", text, "</p>");
}

std::string EmptyNote(Language language) {
  return Empty(L(language, "Geen gegevens.", "No data."));
}

// A captioned bar chart of one breakdown; `type` null for text keys.
// `only_set` leaves out the datasets without a value (for fields that only
// basisregistraties have).
struct ChartSpec {
  Text caption;
  const RepeatedPtrField<v1::Count>& counts;
  const EnumDescriptor* type = nullptr;
  bool only_set = false;
};

// The charts side by side (one column when printed).
std::string Charts(std::initializer_list<ChartSpec> charts, Language language) {
  std::string html = "<div class=\"charts\">";
  for (const ChartSpec& c : charts) {
    const std::string chart =
        BarChart(CountBars(c.counts, c.type, c.only_set, language));
    absl::StrAppend(&html, "<figure><figcaption>",
                    HtmlEscape(c.caption.In(language)), "</figcaption>",
                    chart.empty() ? EmptyNote(language) : chart, "</figure>");
  }
  return absl::StrCat(html, "</div>");
}

// "60,0%" over "12/20", as HTML.
std::string Coverage(int64_t part, int64_t whole, Language language) {
  return absl::StrCat(FormatPercent(part, whole, language),
                      "<br><span class=\"sub\">", part, "/", whole, "</span>");
}

// A table; `cells` are HTML already (escaped by the caller). Columns whose
// header starts with '#' are numeric (right-aligned); the '#' is dropped.
std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string html = "<table><thead><tr>";
  std::vector<bool> numeric;
  for (const std::string& h : header) {
    numeric.push_back(absl::StartsWith(h, "#"));
    absl::StrAppend(&html, numeric.back() ? "<th class=\"num\">" : "<th>",
                    HtmlEscape(absl::StripPrefix(h, "#")), "</th>");
  }
  absl::StrAppend(&html, "</tr></thead><tbody>");
  for (const std::vector<std::string>& row : rows) {
    absl::StrAppend(&html, "<tr>");
    for (size_t i = 0; i < row.size(); ++i) {
      const bool num = i < numeric.size() && numeric[i];
      absl::StrAppend(&html, num ? "<td class=\"num\">" : "<td>", row[i],
                      "</td>");
    }
    absl::StrAppend(&html, "</tr>");
  }
  return absl::StrCat(html, "</tbody></table>");
}

// A key figure; one with an id carries it as data-figure.
std::string FigureHtml(const KeyFigure& f) {
  const std::string attribute =
      f.id.empty() ? "" : absl::StrCat(" data-figure=\"", f.id, "\"");
  return absl::StrCat("<div class=\"figure\"><span class=\"value\"", attribute,
                      ">", HtmlEscape(f.value), "</span><span class=\"label\">",
                      HtmlEscape(f.label), "</span><span class=\"detail\">",
                      HtmlEscape(f.detail), "</span></div>");
}

std::string FiguresHtml(const std::vector<KeyFigure>& figures) {
  std::string html = "<div class=\"figures\">";
  for (const KeyFigure& f : figures) absl::StrAppend(&html, FigureHtml(f));
  return absl::StrCat(html, "</div>");
}

// A figure of a section other than the first page, without data-figure
// (the ids are the first page's and the processing section's).
struct SectionFigure {
  Text label;
  int64_t value = 0;
  std::string detail = {};
};

std::string Figures(std::initializer_list<SectionFigure> figures,
                    Language language) {
  std::vector<KeyFigure> shown;
  for (const SectionFigure& f : figures) {
    shown.push_back({"", std::string(f.label.In(language)),
                     absl::StrCat(f.value), f.detail});
  }
  return FiguresHtml(shown);
}

// A section: a page of its own when printed.
std::string Section(absl::string_view id, Text title, Language language,
                    absl::string_view body) {
  return absl::StrCat("<section id=\"", id, "\"><h2>", title.In(language),
                      "</h2>", body, "</section>");
}

// The server's mean of the measured datasets' overall scores; none when
// nothing is measured.
std::optional<double> MeanQuality(const v1::QualityOverview& quality) {
  if (quality.measured_datasets() == 0) return std::nullopt;
  return quality.mean_score();
}

int64_t InCloud(const v1::CloudOverview& cloud) {
  int64_t n = 0;
  for (v1::HostingKind kind :
       {v1::HOSTING_KIND_PUBLIC_CLOUD, v1::HOSTING_KIND_SAAS,
        v1::HOSTING_KIND_GOVERNMENT_CLOUD}) {
    n += CountOf(cloud.by_hosting_kind(), v1::HostingKind_Name(kind));
  }
  return n;
}

std::string SeverityClass(v1::FindingSeverity severity) {
  switch (severity) {
    case v1::FINDING_SEVERITY_HIGH:
      return "sev sev-high";
    case v1::FINDING_SEVERITY_MEDIUM:
      return "sev sev-medium";
    default:
      return "sev";
  }
}

std::string SeverityBadge(v1::FindingSeverity severity, Language language) {
  return absl::StrCat("<span class=\"", SeverityClass(severity), "\">",
                      HtmlEscape(EnumLabel(severity, language)), "</span>");
}

// "parties/cbs" -> "cbs", "datasets/brp" -> "brp",
// "processing-activities/wmo" -> "wmo".
absl::string_view ShortName(absl::string_view name) {
  for (absl::string_view prefix :
       {"datasets/", "parties/", "processing-activities/"}) {
    if (absl::ConsumePrefix(&name, prefix)) break;
  }
  return name;
}

// The operations per activity, keyed by the activities' short names.
RepeatedPtrField<v1::Count> OperationsByActivity(
    const v1::ProcessingOverview& p) {
  RepeatedPtrField<v1::Count> counts = p.operations_by_activity();
  for (v1::Count& c : counts) c.set_key(std::string(ShortName(c.key())));
  return counts;
}

// True for a finding that names processing activities, not datasets.
bool NamesActivities(const v1::ComplianceFinding& f) {
  return f.activities_size() > 0 ||
         f.rule() == v1::COMPLIANCE_RULE_ACTIVITY_BASIS_NOT_ALLOWED ||
         f.rule() ==
             v1::COMPLIANCE_RULE_SPECIAL_CATEGORIES_TRANSFER_WITHOUT_SAFEGUARDS;
}

// The first `max` datasets or activities a finding names, short, and how
// many more it counts: "a, b (+23 meer)".
std::string AffectedNames(const v1::ComplianceFinding& f, Language language,
                          int max = std::numeric_limits<int>::max()) {
  const RepeatedPtrField<std::string>& names =
      NamesActivities(f) ? f.activities() : f.datasets();
  std::vector<std::string> ids;
  for (int i = 0; i < names.size() && i < max; ++i) {
    ids.emplace_back(ShortName(names[i]));
  }
  std::string text = absl::StrJoin(ids, ", ");
  if (f.count() > static_cast<int64_t>(ids.size())) {
    absl::StrAppend(&text, text.empty() ? "" : " ", "(+",
                    f.count() - static_cast<int64_t>(ids.size()),
                    L(language, " meer)", " more)"));
  }
  return text;
}

// ---- The sections ----

std::string FilterText(const v1::LandscapeFilter& f, Language language) {
  std::vector<std::string> parts;
  if (!f.domain().empty()) {
    parts.push_back(
        absl::StrCat(L(language, "domein ", "domain "), f.domain()));
  }
  if (f.registration_type() != v1::REGISTRATION_TYPE_UNSPECIFIED) {
    parts.push_back(EnumLabel(f.registration_type(), language));
  }
  if (f.hosting_kind() != v1::HOSTING_KIND_UNSPECIFIED) {
    parts.push_back(EnumLabel(f.hosting_kind(), language));
  }
  if (!f.provider().empty()) {
    parts.push_back(
        absl::StrCat(L(language, "leverancier ", "provider "), f.provider()));
  }
  if (parts.empty()) {
    return std::string(
        L(language, "geen (het hele landschap)", "none (the whole landscape)"));
  }
  return absl::StrJoin(parts, ", ");
}

std::string Header(const v1::Landscape& l, Language language) {
  return absl::StrCat(
      "<header><h1>",
      L(language, "Datalandschap van de gemeente",
        "The municipal data landscape"),
      "</h1><p class=\"meta\">",
      L(language, "Gegenereerd op ", "Generated at "),
      "<span data-field=\"generated_at\">", FormatTime(l.generated_at()),
      "</span> · ", L(language, "catalogusrevisie ", "catalogue revision "),
      "<span data-field=\"revision\">", l.revision(), "</span> · ",
      L(language, "gebruik gemeten van ", "usage measured from "),
      FormatTime(l.usage_since()), L(language, " tot ", " to "),
      FormatTime(l.usage_until()), "</p><p class=\"meta\">Filter: ",
      HtmlEscape(FilterText(l.filter(), language)),
      "</p><p class=\"disclaimer\">",
      L(language,
        "Dit overzicht is samengesteld op basis van uw rechten: datasets "
        "boven uw vertrouwelijkheidsniveau zijn nergens meegeteld en worden "
        "niet genoemd. Alleen stroomafwaarts van basisregistraties staat hun "
        "aantal, zonder namen.",
        "This overview is based on your access rights: datasets above your "
        "clearance are counted nowhere and "
        "never named. Only downstream of basisregistraties is their number "
        "given, without names."),
      "</p></header>");
}

struct FindingText {
  std::string title, count, fix;
};

FindingText DescribeFinding(const v1::ComplianceFinding& f, Language language) {
  return {EnumLabel(f.rule(), language),
          NamesActivities(f) ? ActivityCount(f.count(), language)
                             : DatasetCount(f.count()),
          RuleFix(f, language)};
}

std::string Summary(const v1::Landscape& l, Language language) {
  std::string body = absl::StrCat(
      FiguresHtml(KeyFigures(l, language)), "<h3>",
      L(language, "Belangrijkste bevindingen", "Top findings"), "</h3>");
  if (l.findings().empty()) {
    absl::StrAppend(&body,
                    Empty(L(language, "Geen bevindingen: alles is op orde.",
                            "No findings: everything is in order.")));
  } else {
    absl::StrAppend(&body, "<ol class=\"top-findings\">");
    for (int i = 0; i < l.findings_size() && i < kTopFindings; ++i) {
      const v1::ComplianceFinding& f = l.findings(i);
      const FindingText t = DescribeFinding(f, language);
      absl::StrAppend(&body, "<li>", SeverityBadge(f.severity(), language),
                      " <strong>", HtmlEscape(t.title),
                      "</strong>: ", HtmlEscape(t.count), ". ",
                      HtmlEscape(t.fix), "</li>");
    }
    absl::StrAppend(&body, "</ol>");
  }
  return Section("summary", {"Kerncijfers", "Key figures"}, language, body);
}

std::string Inventory(const v1::Landscape& l, Language language) {
  return Section(
      "inventory", {"Welke gegevens hebben we?", "What data do we have?"},
      language,
      absl::StrCat(
          Figures(
              {{{"Datasets", "Datasets"}, l.total_datasets()},
               {{"Externe partijen", "External parties"}, l.external_parties()},
               {{"Lineage-verbindingen", "Lineage edges"}, l.lineage_edges()}},
              language),
          Charts(
              {{{"Per domein", "By domain"}, l.by_domain()},
               {{"Per registratietype", "By registration type"},
                l.by_registration_type(),
                v1::RegistrationType_descriptor()},
               {{"Per basisregistratie", "By basisregistratie"},
                l.by_basisregistratie(),
                v1::Basisregistratie_descriptor(),
                /*only_set=*/true},
               {{"Rol van de gemeente", "Role of the municipality"},
                l.by_municipal_role(),
                v1::MunicipalRole_descriptor(),
                /*only_set=*/true},
               {{"Herkomst", "Origin"}, l.by_origin(), v1::Origin_descriptor()},
               {{"Status", "Status"},
                l.by_status(),
                v1::DatasetStatus_descriptor()},
               {{"Openheid", "Openness"},
                l.by_openness(),
                v1::OpennessLevel_descriptor()}},
              language)));
}

std::string ConfidentialityLegend(Language language) {
  std::string html = "<p class=\"legend\">";
  for (int i = v1::CONFIDENTIALITY_OPENBAAR;
       i <= v1::CONFIDENTIALITY_ZEER_GEHEIM; ++i) {
    const std::string key =
        v1::Confidentiality_Name(static_cast<v1::Confidentiality>(i));
    absl::StrAppend(
        &html, "<span>", Swatch(ConfidentialityColour(key)), " ",
        HtmlEscape(EnumLabel(*v1::Confidentiality_descriptor(), key, language)),
        "</span>");
  }
  return absl::StrCat(html, "</p>");
}

std::string ProvidersTable(const v1::CloudOverview& cloud, Language language) {
  if (cloud.providers().empty()) return EmptyNote(language);
  std::vector<std::vector<std::string>> rows;
  for (const v1::ProviderSummary& p : cloud.providers()) {
    std::vector<std::string> kinds;
    for (const v1::Count& c : p.by_hosting_kind()) {
      kinds.push_back(absl::StrCat(
          EnumLabel(*v1::HostingKind_descriptor(), c.key(), language), " ",
          c.count()));
    }
    // From openbaar to zeer geheim, so that the colours read as a scale.
    std::vector<const v1::Count*> levels;
    for (const v1::Count& c : p.by_confidentiality()) levels.push_back(&c);
    std::stable_sort(levels.begin(), levels.end(), [](auto* a, auto* b) {
      return ConfidentialityLevel(a->key()) < ConfidentialityLevel(b->key());
    });
    std::vector<Bar> spread;
    for (const v1::Count* c : levels) {
      spread.push_back(
          {EnumLabel(*v1::Confidentiality_descriptor(), c->key(), language),
           static_cast<double>(c->count()), absl::StrCat(c->count()),
           ConfidentialityColour(c->key())});
    }
    rows.push_back(
        {HtmlEscape(TextLabel(p.provider(), language)),
         absl::StrCat(p.datasets()), HtmlEscape(absl::StrJoin(kinds, ", ")),
         StackedBar(spread),
         FormatPercent(p.personal_data(), p.datasets(), language),
         p.measured_datasets() == 0 ? "–"
                                    : FormatDecimal(p.mean_quality(), language),
         Coverage(p.with_processor_agreement(), p.datasets(), language),
         Coverage(p.with_dpia(), p.datasets(), language),
         Coverage(p.with_exit_strategy(), p.datasets(), language),
         absl::StrCat(p.outside_eea()), absl::StrCat(p.integrated())});
  }
  return absl::StrCat(
      ConfidentialityLegend(language),
      Table({std::string(L(language, "Leverancier", "Provider")), "#Datasets",
             "Hosting",
             std::string(L(language, "Classificatie", "Classification")),
             std::string(
                 L(language, "#Persoons\u00adgegevens", "#Personal data")),
             std::string(L(language, "#Kwaliteit", "#Quality")),
             std::string(L(language, "#Verwerkers\u00adovereenkomst",
                           "#Processor agreement")),
             "#DPIA",
             std::string(L(language, "#Exitstrategie", "#Exit strategy")),
             std::string(L(language, "#Buiten EER", "#Outside EEA")),
             std::string(L(language, "#Gekoppeld", "#Integrated"))},
            rows));
}

std::string Cloud(const v1::Landscape& l, Language language) {
  const v1::CloudOverview& cloud = l.cloud();
  return Section(
      "cloud", {"Waar staan onze gegevens?", "Where is our data?"}, language,
      absl::StrCat(
          Figures(
              {{{"In de cloud", "In the cloud"},
                InCloud(cloud),
                FormatPercent(InCloud(cloud), l.total_datasets(), language)},
               {{"Binnen de EER", "Inside the EEA"}, cloud.inside_eea()},
               {{"Buiten de EER", "Outside the EEA"}, cloud.outside_eea()},
               {{"Leveranciers", "Providers"}, cloud.providers_size()}},
              language),
          Charts({{{"Soort hosting", "Kind of hosting"},
                   cloud.by_hosting_kind(),
                   v1::HostingKind_descriptor()},
                  {{"Per leverancier", "By provider"}, cloud.by_provider()},
                  {{"Per land", "By country"}, cloud.by_country()},
                  {{"Per regio", "By region"}, cloud.by_region()}},
                 language),
          "<h3>",
          L(language,
            "Leveranciers: classificatie, persoonsgegevens, kwaliteit en "
            "afspraken",
            "Providers: classification, personal data, quality and "
            "agreements"),
          "</h3>", ProvidersTable(cloud, language)));
}

std::string Security(const v1::Landscape& l, Language language) {
  const v1::SecurityOverview& s = l.security();
  return Section(
      "security", {"Hoe veilig zijn onze gegevens?", "How safe is our data?"},
      language,
      absl::StrCat(
          Figures(
              {{{"Met persoonsgegevens", "With personal data"},
                s.personal_data(),
                FormatPercent(s.personal_data(), l.total_datasets(), language)},
               {{"Bijzondere persoonsgegevens", "Special categories"},
                s.special_categories(),
                std::string(L(language, "AVG art. 9", "GDPR art. 9"))},
               {{"Strafrechtelijke gegevens", "Criminal data"},
                s.criminal_data(),
                std::string(L(language, "AVG art. 10", "GDPR art. 10"))}},
              language),
          Charts({{{"Vertrouwelijkheid", "Confidentiality"},
                   s.by_confidentiality(),
                   v1::Confidentiality_descriptor()},
                  {{"Bijzondere categorieën", "Special categories"},
                   s.by_special_category(),
                   v1::SpecialCategory_descriptor()},
                  {{"BIV: beschikbaarheid", "BIV: availability"},
                   s.by_availability(),
                   v1::BivLevel_descriptor()},
                  {{"BIV: integriteit", "BIV: integrity"},
                   s.by_integrity(),
                   v1::BivLevel_descriptor()},
                  {{"BIV: vertrouwelijkheid", "BIV: confidentiality"},
                   s.by_confidentiality_level(),
                   v1::BivLevel_descriptor()},
                  {{"Basisbeveiligingsniveau (BIO)",
                    "Baseline security level (BIO)"},
                   s.by_bbn(),
                   v1::BbnLevel_descriptor()}},
                 language)));
}

std::string QualityHeatMap(const v1::QualityOverview& q, Language language) {
  // Columns: every dimension that has a score anywhere, in enum order.
  std::set<int> dimensions;
  for (const v1::ScoreSummary& s : q.by_dimension()) {
    dimensions.insert(s.dimension());
  }
  for (const v1::DomainQuality& d : q.by_domain()) {
    for (const v1::ScoreSummary& s : d.scores())
      dimensions.insert(s.dimension());
  }
  std::vector<std::string> columns;
  for (int d : dimensions) {
    columns.push_back(
        EnumLabel(static_cast<v1::QualityDimension>(d), language));
  }
  std::vector<std::string> rows;
  std::vector<std::vector<HeatCell>> cells;
  auto add_row = [&](std::string label,
                     const RepeatedPtrField<v1::ScoreSummary>& scores) {
    std::vector<HeatCell> row(dimensions.size(),
                              HeatCell{std::nullopt, "–", DatasetCount(0)});
    for (const v1::ScoreSummary& s : scores) {
      if (s.datasets() == 0) continue;
      const auto column =
          std::distance(dimensions.begin(), dimensions.find(s.dimension()));
      row[column] = {s.mean(), FormatDecimal(s.mean(), language),
                     DatasetCount(s.datasets())};
    }
    rows.push_back(std::move(label));
    cells.push_back(std::move(row));
  };
  add_row(std::string(L(language, "Alle domeinen", "All domains")),
          q.by_dimension());
  for (const v1::DomainQuality& d : q.by_domain()) {
    add_row(TextLabel(d.domain(), language), d.scores());
  }
  const std::string map = HeatMap(columns, rows, cells,
                                  L(language, "niet gemeten", "not measured"));
  return map.empty() ? EmptyNote(language) : map;
}

std::string Quality(const v1::Landscape& l, Language language) {
  const v1::QualityOverview& q = l.quality();
  return Section(
      "quality", {"Hoe goed zijn onze gegevens?", "How good is our data?"},
      language,
      absl::StrCat(
          Figures(
              {{{"Gemeten datasets", "Measured datasets"},
                q.measured_datasets()},
               {{"Onder de norm", "Below norm"}, q.below_norm()},
               {{"Niet recent gemeten", "Not measured recently"}, q.stale()},
               {{"Open terugmeldingen", "Open terugmeldingen"},
                q.open_terugmeldingen()},
               {{"Over de termijn", "Past deadline"},
                q.overdue_terugmeldingen()}},
              language),
          "<figure><figcaption>",
          L(language,
            "Gemiddelde laatste score per domein en kwaliteitsdimensie (0–100)",
            "Mean latest score per domain and quality dimension (0–100)"),
          "</figcaption>", QualityHeatMap(q, language), "</figure>"));
}

std::string UseDiagram(const v1::BasisregistratieUse& use, Language language) {
  std::vector<DiagramNode> nodes;
  std::set<std::string> direct;
  for (const std::string& c : use.direct_consumers()) {
    nodes.push_back(
        {std::string(ShortName(c)), absl::StartsWith(c, "parties/"), true});
    direct.insert(c);
  }
  for (const std::string& p : use.external_parties()) {
    if (!direct.contains(p))
      nodes.push_back({std::string(ShortName(p)), true, false});
  }
  std::string more;
  if (nodes.size() > kMaxDiagramNodes) {
    more = absl::StrCat("+", nodes.size() - kMaxDiagramNodes + 1,
                        L(language, " meer", " more"));
    nodes.resize(kMaxDiagramNodes - 1);
  }
  std::string note = absl::StrCat(
      use.downstream_datasets(), L(language, " stroomafwaarts", " downstream"));
  if (use.hidden_downstream_datasets() > 0) {
    absl::StrAppend(&note, " (+", use.hidden_downstream_datasets(),
                    L(language, " verborgen)", " hidden)"));
  }
  return absl::StrCat(
      "<figure><figcaption>",
      HtmlEscape(absl::StrCat(EnumLabel(use.basisregistratie(), language), ": ",
                              use.title())),
      "</figcaption>",
      LineageDiagram(
          use.title().empty() ? ShortName(use.dataset()) : use.title(), note,
          nodes, more,
          L(language, "geen afnemers bekend", "no known consumers")),
      "</figure>");
}

std::string Basisregistraties(const v1::Landscape& l, Language language) {
  constexpr Text kTitle = {"Wie gebruikt de basisregistraties?",
                           "Who uses the basisregistraties?"};
  if (l.basisregistratie_use().empty()) {
    return Section("basisregistraties", kTitle, language, EmptyNote(language));
  }
  std::vector<std::vector<std::string>> rows;
  for (const v1::BasisregistratieUse& u : l.basisregistratie_use()) {
    std::vector<std::string> readers;
    for (int i = 0; i < u.readers_size() && i < kReadersNamed; ++i) {
      readers.push_back(
          absl::StrCat(u.readers(i).key(), " (", u.readers(i).count(), ")"));
    }
    std::vector<std::string> parties;
    for (const std::string& p : u.external_parties()) {
      parties.emplace_back(ShortName(p));
    }
    rows.push_back({HtmlEscape(EnumLabel(u.basisregistratie(), language)),
                    HtmlEscape(u.title()),
                    HtmlEscape(EnumLabel(u.municipal_role(), language)),
                    absl::StrCat(u.downstream_datasets()),
                    absl::StrCat(u.hidden_downstream_datasets()),
                    HtmlEscape(absl::StrJoin(parties, ", ")),
                    absl::StrCat(u.reads()), absl::StrCat(u.distinct_readers()),
                    HtmlEscape(absl::StrJoin(readers, ", "))});
  }
  std::string body = absl::StrCat(
      Table({"Basisregistratie", "Dataset",
             std::string(L(language, "Rol", "Role")),
             std::string(L(language, "#Stroomafwaarts", "#Downstream")),
             std::string(L(language, "#Verborgen", "#Hidden")),
             std::string(L(language, "Externe partijen", "External parties")),
             std::string(L(language, "#Leesacties", "#Reads")),
             std::string(L(language, "#Lezers", "#Readers")),
             std::string(L(language, "Meeste leesacties", "Top readers"))},
            rows),
      "<p class=\"legend\">",
      L(language,
        "Leesacties en lezers in de gebruiksperiode (auditspoor). In de "
        "diagrammen: doorgetrokken lijn = directe afnemer, gestippeld = "
        "externe partij verder stroomafwaarts; blauw = dataset, oranje = "
        "externe partij.",
        "Reads and readers in the usage period (audit trail). In the "
        "diagrams: solid line = direct consumer, dashed = external party "
        "further downstream; blue = dataset, orange = external party."),
      "</p><div class=\"diagrams\">");
  for (const v1::BasisregistratieUse& u : l.basisregistratie_use()) {
    absl::StrAppend(&body, UseDiagram(u, language));
  }
  return Section("basisregistraties", kTitle, language,
                 absl::StrCat(body, "</div>"));
}

std::string Processing(const v1::Landscape& l, Language language) {
  const v1::ProcessingOverview& p = l.processing();
  const RepeatedPtrField<v1::Count> operations = OperationsByActivity(p);
  return Section(
      "processing", {"Verwerkingen", "Processing"}, language,
      absl::StrCat(
          FiguresHtml(ProcessingFigures(l, language)),
          Charts({{{"Actieve activiteiten per grondslag (AVG art. 6)",
                    "Active activities by legal basis (GDPR art. 6)"},
                   p.by_legal_basis(),
                   v1::LegalBasis_descriptor()},
                  {{"Operaties per activiteit", "Operations by activity"},
                   operations}},
                 language),
          "<p class=\"legend\">",
          L(language,
            "Het register van verwerkingsactiviteiten (AVG art. 30) en het "
            "verwerkingslogboek: operaties die applicaties vastlegden en die "
            "in de gebruiksperiode begonnen, per activiteit, de meeste "
            "eerst.",
            "The register of processing activities (GDPR art. 30) and the "
            "processing log: operations that applications logged and that "
            "started in the usage period, by activity, most first."),
          "</p>"));
}

std::string Findings(const v1::Landscape& l, Language language) {
  constexpr Text kTitle = {"Wat is niet op orde?", "What is not in order?"};
  if (l.findings().empty()) {
    return Section("findings", kTitle, language,
                   Empty(L(language, "Geen bevindingen.", "No findings.")));
  }
  std::vector<std::vector<std::string>> rows;
  for (const v1::ComplianceFinding& f : l.findings()) {
    const FindingText t = DescribeFinding(f, language);
    rows.push_back({SeverityBadge(f.severity(), language), HtmlEscape(t.title),
                    absl::StrCat(f.count()),
                    HtmlEscape(AffectedNames(f, language)), HtmlEscape(t.fix)});
  }
  return Section("findings", kTitle, language,
                 Table({std::string(L(language, "Ernst", "Severity")),
                        std::string(L(language, "Regel", "Rule")),
                        std::string(L(language, "#Aantal", "#Count")),
                        std::string(L(language, "Datasets of activiteiten",
                                      "Datasets or activities")),
                        std::string(L(language, "Wat te doen", "What to do"))},
                       rows));
}

// The processing figures for a terminal: the active activities with, under
// them, their legal bases; the ended ones; the operations with, under them,
// the activities with the most.
std::string ProcessingTable(const v1::Landscape& l, Language language) {
  const v1::ProcessingOverview& p = l.processing();
  const std::vector<KeyFigure> figures = ProcessingFigures(l, language);
  client::TextTable table(
      {std::string(L(language, "VERWERKINGEN", "PROCESSING")),
       std::string(L(language, "AANTAL", "COUNT")),
       std::string(L(language, "TOELICHTING", "DETAIL"))});
  const auto add_figure = [&](const KeyFigure& f) {
    table.AddRow({f.label, f.value, f.detail});
  };
  // Server keys under their figure, indented.
  const auto add_bars = [&](const std::vector<Bar>& bars, auto detail) {
    for (const Bar& b : bars) {
      table.AddRow(
          {absl::StrCat("  ", client::Cell(b.label)), b.value_text, detail(b)});
    }
  };
  add_figure(figures[0]);
  add_bars(CountBars(p.by_legal_basis(), v1::LegalBasis_descriptor(),
                     /*only_set=*/false, language),
           [&](const Bar&) {
             return std::string(L(language, "grondslag", "legal basis"));
           });
  add_figure(figures[1]);
  add_figure(figures[2]);
  add_bars(
      CountBars(OperationsByActivity(p), nullptr, /*only_set=*/false, language),
      [&](const Bar& b) {
        return absl::StrCat(
            FormatPercent(static_cast<int64_t>(b.value), p.operations(),
                          language),
            L(language, " van de operaties", " of the operations"));
      });
  return table.Render();
}

}  // namespace

std::vector<KeyFigure> KeyFigures(const v1::Landscape& l, Language language) {
  const int64_t total = l.total_datasets();
  const int64_t in_cloud = InCloud(l.cloud());
  const v1::QualityOverview& q = l.quality();
  const std::optional<double> mean = MeanQuality(q);
  int64_t high = 0;
  for (const v1::ComplianceFinding& f : l.findings()) {
    if (f.severity() == v1::FINDING_SEVERITY_HIGH) ++high;
  }
  const auto share = [&](int64_t part) {
    return absl::StrCat(FormatPercent(part, total, language),
                        L(language, " van alle datasets", " of all datasets"));
  };
  return {
      {"total_datasets", "Datasets", absl::StrCat(total),
       absl::StrCat(L(language, "in ", "in "), l.by_domain_size(),
                    l.by_domain_size() == 1 ? L(language, " domein", " domain")
                                            : L(language, " domeinen", " domains"))},
      {"cloud_share", std::string(L(language, "In de cloud", "In the cloud")),
       FormatPercent(in_cloud, total, language),
       absl::StrCat(DatasetCount(in_cloud),
                    L(language, ": publieke cloud, SaaS, overheidscloud",
                      ": public cloud, SaaS, government cloud"))},
      {"outside_eea",
       std::string(L(language, "Buiten de EER", "Outside the EEA")),
       absl::StrCat(l.cloud().outside_eea()), share(l.cloud().outside_eea())},
      {"personal_data",
       std::string(L(language, "Met persoonsgegevens", "With personal data")),
       absl::StrCat(l.security().personal_data()),
       share(l.security().personal_data())},
      {"special_categories",
       std::string(L(language, "Bijzondere persoonsgegevens",
                     "Special categories of personal data")),
       absl::StrCat(l.security().special_categories()),
       std::string(L(language, "AVG art. 9", "GDPR art. 9"))},
      {"mean_quality",
       std::string(L(language, "Gemiddelde kwaliteit", "Mean quality")),
       mean ? FormatDecimal(*mean, language) : "–",
       absl::StrCat(L(language, "0–100, over ", "0–100, over "),
                    DatasetCount(q.measured_datasets()),
                    L(language, " gemeten", " measured"))},
      {"below_norm", std::string(L(language, "Onder de norm", "Below norm")),
       absl::StrCat(q.below_norm()),
       absl::StrCat(L(language, "van ", "of "),
                    DatasetCount(q.measured_datasets()),
                    L(language, " gemeten", " measured"))},
      {"open_terugmeldingen",
       std::string(L(language, "Open terugmeldingen", "Open terugmeldingen")),
       absl::StrCat(q.open_terugmeldingen()),
       std::string(L(language, "meldingen van twijfel aan gegevens",
                     "reports of doubted data"))},
      {"overdue_terugmeldingen",
       std::string(L(language, "Terugmeldingen over de termijn",
                     "Terugmeldingen past deadline")),
       absl::StrCat(q.overdue_terugmeldingen()),
       std::string(
           L(language, "niet op tijd afgehandeld", "not handled in time"))},
      {"findings", std::string(L(language, "Bevindingen", "Findings")),
       absl::StrCat(l.findings_size()),
       absl::StrCat(high, L(language, " met ernst hoog", " of high severity"))},
  };
}

std::vector<KeyFigure> ProcessingFigures(const v1::Landscape& l,
                                         Language language) {
  const v1::ProcessingOverview& p = l.processing();
  return {
      {"active_activities",
       std::string(L(language, "Actieve verwerkingsactiviteiten",
                     "Active processing activities")),
       absl::StrCat(p.active_activities()),
       std::string(L(language, "in het register (AVG art. 30)",
                     "in the register (GDPR art. 30)"))},
      {"ended_activities",
       std::string(L(language, "Beëindigde verwerkingsactiviteiten",
                     "Ended processing activities")),
       absl::StrCat(p.ended_activities()),
       std::string(
           L(language, "niet meer uitgevoerd", "no longer carried out"))},
      {"operations",
       std::string(
           L(language, "Operaties in de periode", "Operations in the period")),
       absl::StrCat(p.operations()),
       absl::StrCat(L(language, "in het logboek, ", "in the log, "),
                    FormatTime(l.usage_since()), " – ",
                    FormatTime(l.usage_until()))},
  };
}

std::vector<std::string> TopFindings(const v1::Landscape& l, Language language,
                                     int max) {
  std::vector<std::string> lines;
  for (int i = 0; i < l.findings_size() && i < max; ++i) {
    const FindingText t = DescribeFinding(l.findings(i), language);
    lines.push_back(absl::StrCat(t.title, ": ", t.count, ". ", t.fix));
  }
  return lines;
}

// "Filter: ..." with, for a filtered landscape, the warning that its figures
// are those of the selection: management must not quote them as the whole.
std::string FilterLine(const v1::LandscapeFilter& f, Language language) {
  const bool filtered = !f.domain().empty() ||
                        f.registration_type() != v1::REGISTRATION_TYPE_UNSPECIFIED ||
                        f.hosting_kind() != v1::HOSTING_KIND_UNSPECIFIED || !f.provider().empty();
  return absl::StrCat(
      "Filter: ", FilterText(f, language),
      filtered ? L(language, " -- alle cijfers gelden alleen voor deze selectie, niet voor het "
                             "hele landschap",
                   " -- every figure is of this selection only, not of the whole landscape")
               : "",
      "\n");
}

std::string FormatKeyFigures(const v1::Landscape& l, Language language) {
  client::TextTable table({std::string(L(language, "KERNCIJFER", "FIGURE")),
                           std::string(L(language, "WAARDE", "VALUE")),
                           std::string(L(language, "TOELICHTING", "DETAIL"))});
  for (const KeyFigure& f : KeyFigures(l, language)) {
    table.AddRow({f.label, f.value, f.detail});
  }
  std::string text = absl::StrCat(
      L(language, "Datalandschap, revisie ", "Data landscape, revision "),
      l.revision(), ", ", FormatTime(l.generated_at()),
      L(language, " (op basis van uw rechten)\n",
        " (for your access rights)\n"),
      FilterLine(l.filter(), language), table.Render(), "\n",
      ProcessingTable(l, language));
  const std::vector<std::string> top = TopFindings(l, language);
  if (!top.empty()) {
    absl::StrAppend(
        &text, "\n",
        L(language, "Belangrijkste bevindingen:\n", "Top findings:\n"));
  }
  for (size_t i = 0; i < top.size(); ++i) {
    absl::StrAppend(&text, "  ", i + 1, ". ", top[i], "\n");
    // The datasets or activities it names, as the report's findings table.
    const std::string affected =
        AffectedNames(l.findings(i), language, kTerminalNames);
    if (!affected.empty()) {
      absl::StrAppend(&text, "     ", L(language, "Betreft: ", "Concerns: "),
                      client::Cell(affected), "\n");
    }
  }
  return text;
}

std::string RenderLandscapeHtml(const v1::Landscape& l, Language language) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"", LanguageCode(language),
      "\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"",
      kContentSecurityPolicy,
      "\"><meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\"><title>",
      L(language, "Datalandschap", "Data landscape"), " – ",
      FormatTime(l.generated_at()), "</title><style>", kCss,
      "</style></head><body>", Header(l, language), Summary(l, language),
      Inventory(l, language), Cloud(l, language), Security(l, language),
      Quality(l, language), Basisregistraties(l, language),
      Processing(l, language), Findings(l, language), "<footer>catalogd · ",
      L(language, "landschapsoverzicht", "landscape overview"), " · ",
      L(language, "revisie ", "revision "), l.revision(),
      "</footer></body></html>\n");
}

}  // namespace catalog::report
