#include "client/report/inzage_report.h"

#include <google/protobuf/timestamp.pb.h>

#include <set>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/report/charts.h"
#include "client/report/landscape_text.h"

namespace catalog::report {
namespace {

namespace v1 = ::catalog::v1;

constexpr absl::string_view kTitle = "Overzicht van de verwerking van uw persoonsgegevens";

constexpr absl::string_view kPolicy = "default-src 'none'; style-src 'unsafe-inline'";

constexpr absl::string_view kCss = R"css(
:root { --accent: #1f4e79; --ink: #1a202c; --muted: #5a6472; --line: #d8dee6; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 860px; padding: 32px 40px; background: #fff; color: var(--ink);
       font: 14px/1.5 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
header { margin-bottom: 20px; }
.sender { font-weight: bold; color: var(--accent); margin: 0 0 18px; }
h1 { font-size: 22px; margin: 0 0 12px; color: var(--accent); }
h2 { font-size: 17px; color: var(--accent); border-bottom: 1px solid var(--line);
     padding-bottom: 3px; margin: 26px 0 10px; break-after: avoid; }
h3 { font-size: 14px; margin: 14px 0 6px; break-after: avoid; }
table.meta th { text-align: left; padding: 1px 16px 1px 0; font-weight: normal;
                color: var(--muted); }
table.meta td { padding: 1px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 8px; }
dt { color: var(--muted); }
dd { margin: 0; }
dd ul { margin: 0; padding-left: 18px; }
.sub { color: var(--muted); font-size: 12px; }
.note { color: var(--muted); font-size: 12.5px; font-style: italic; }
table.operations { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 4px 0 12px; }
table.operations th, table.operations td { border-bottom: 1px solid var(--line); padding: 4px 6px;
                                           text-align: left; vertical-align: top; }
table.operations th { background: #edf2f7; font-size: 12px; }
table.operations td.time { white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
footer { margin-top: 28px; color: var(--muted); font-size: 11.5px;
         border-top: 1px solid var(--line); padding-top: 6px; }
@page { size: A4; margin: 20mm 18mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
}
)css";

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// "<dt>label</dt><dd>html</dd>"; nothing when `html` is empty.
std::string Fact(absl::string_view label, absl::string_view html) {
  if (html.empty()) return "";
  return absl::StrCat("<dt>", label, "</dt><dd>", html, "</dd>");
}

// `items` (HTML already) as a list; one item stays a line, none is "".
std::string List(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items.front();
  std::string html = "<ul>";
  for (const std::string& item : items) absl::StrAppend(&html, "<li>", item, "</li>");
  return absl::StrCat(html, "</ul>");
}

std::vector<std::string> Escaped(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::vector<std::string> html;
  for (const std::string& item : items) html.push_back(HtmlEscape(item));
  return html;
}

// The controllers named by the activities, once each, in order.
std::vector<std::string> Controllers(const v1::SubjectAccount& account) {
  std::vector<std::string> names;
  for (const v1::ActivityAccount& a : account.activities()) {
    const std::string& name = a.activity().controller().name();
    if (!name.empty() && !absl::c_linear_search(names, name)) names.push_back(name);
  }
  return names;
}

std::string Header(const v1::SubjectAccount& account, const InzageLetter& letter) {
  const std::vector<std::string> controllers = Controllers(account);
  return absl::StrCat(
      "<header>",
      controllers.empty()
          ? ""
          : absl::StrCat("<p class=\"sender\">", HtmlEscape(absl::StrJoin(controllers, ", ")),
                         "</p>"),
      "<h1>", kTitle, "</h1><table class=\"meta\"><tr><th>Betreft</th><td data-field=\"subject\">",
      HtmlEscape(IdTypeLabel(letter.id_type)), " ", HtmlEscape(letter.masked_id),
      "</td></tr><tr><th>Periode</th><td data-field=\"period\">",
      HtmlEscape(PeriodText(letter.since, letter.until, letter.zone.zone)),
      "</td></tr><tr><th>Datum</th><td data-field=\"generated_at\">",
      DutchDate(letter.generated, letter.zone.zone), "</td></tr></table></header>");
}

std::string Introduction(const v1::SubjectAccount& account) {
  std::string counts =
      account.operation_count() == 0
          ? "In deze periode hebben wij geen verwerkingen van uw persoonsgegevens vastgelegd."
          : absl::StrCat("In deze periode hebben wij ", account.operation_count(),
                         account.operation_count() == 1 ? " verwerking" : " verwerkingen",
                         " van uw persoonsgegevens vastgelegd, bij ", account.activities_size(),
                         account.activities_size() == 1 ? " verwerkingsactiviteit"
                                                        : " verwerkingsactiviteiten",
                         ".");
  return absl::StrCat(
      "<section id=\"inleiding\"><p>U heeft ons gevraagd welke persoonsgegevens wij van u "
      "verwerken (artikel 15 van de Algemene verordening gegevensbescherming, AVG). In dit "
      "overzicht staat per verwerkingsactiviteit waarvoor wij uw gegevens gebruiken, op welke "
      "grondslag, wie daarvoor verantwoordelijk is, om welke gegevens het gaat, hoe lang wij ze "
      "bewaren en aan wie wij ze verstrekken. Daarna volgen de verwerkingen zelf, met datum en "
      "tijd en de toepassing waarin ze plaatsvonden.</p><p>",
      counts, "</p></section>");
}

std::string LegalBasis(const v1::ProcessingActivity& a) {
  const std::string basis = HtmlEscape(LegalBasisText(a.legal_basis()));
  if (a.legal_basis_explanation().empty()) return basis;
  return absl::StrCat(basis, "<br><span class=\"sub\">", HtmlEscape(a.legal_basis_explanation()),
                      "</span>");
}

std::string Controller(const v1::ProcessingActivity& a) {
  const std::string body = GoverningBodyText(a.governing_body());
  return HtmlEscape(body.empty() ? a.controller().name()
                                 : absl::StrCat(a.controller().name(), " (", body, ")"));
}

std::string Categories(const v1::ProcessingActivity& a) {
  std::vector<std::string> items = Escaped(a.personal_data_categories());
  for (int c : a.special_categories()) {
    items.push_back(absl::StrCat(
        HtmlEscape(EnumLabel(static_cast<v1::SpecialCategory>(c), Language::kDutch)),
        " <span class=\"sub\">(bijzonder persoonsgegeven, artikel 9 AVG)</span>"));
  }
  if (a.criminal_data()) items.push_back("Strafrechtelijke gegevens (artikel 10 AVG)");
  return List(items);
}

// The title of dataset `name` as the account gives it, else its name.
std::string DatasetTitle(const v1::ActivityAccount& a, const std::string& name) {
  for (const v1::DatasetUse& use : a.datasets()) {
    if (use.dataset() == name && !use.title().empty()) return use.title();
  }
  return name;
}

std::string Recipient(const v1::ActivityAccount& a, const v1::Recipient& r) {
  std::string html = HtmlEscape(r.title());
  if (r.source() != v1::Recipient::SOURCE_DELIVERY) return html;
  std::vector<std::string> details = {
      absl::StrCat("verstrekking uit ", HtmlEscape(DatasetTitle(a, r.dataset())))};
  if (!r.purpose().empty()) details.push_back(absl::StrCat("doel: ", HtmlEscape(r.purpose())));
  const std::string basis = LegalBasisText(r.legal_basis());
  if (!basis.empty()) details.push_back(absl::StrCat("grondslag: ", HtmlEscape(basis)));
  return absl::StrCat(html, " <span class=\"sub\">(", absl::StrJoin(details, "; "), ")</span>");
}

std::string Recipients(const v1::ActivityAccount& a) {
  std::vector<std::string> items;
  std::set<std::string> seen;
  for (const v1::Recipient& r : a.recipients()) {
    std::string item = Recipient(a, r);
    if (seen.insert(item).second) items.push_back(std::move(item));
  }
  return items.empty() ? "Geen ontvangers vastgelegd." : List(items);
}

std::string Transfers(const v1::ProcessingActivity& a) {
  std::vector<std::string> items;
  for (const v1::ThirdCountryTransfer& t : a.transfers()) {
    items.push_back(HtmlEscape(
        absl::StrCat(t.recipient(), " (", t.country(), "), waarborgen: ", t.safeguards())));
  }
  return List(items);
}

std::string Registrations(const v1::ActivityAccount& a) {
  std::vector<std::string> titles;
  for (const v1::DatasetUse& use : a.datasets()) {
    if (!use.title().empty()) titles.push_back(HtmlEscape(use.title()));
  }
  return List(titles);
}

std::string OperationRows(const v1::ActivityAccount& a, const LetterZone& zone) {
  std::string rows;
  for (const v1::ProcessingOperation& op : a.operations()) {
    absl::StrAppend(&rows, "<tr data-operation><td class=\"time\">",
                    DutchDateTime(TimeOf(op.start_time()), zone.zone), "</td><td>",
                    HtmlEscape(op.name()),
                    op.status() == v1::OPERATION_STATUS_ERROR
                        ? " <span class=\"sub\">(mislukt)</span>"
                        : "",
                    "</td><td>", HtmlEscape(op.application()), "</td></tr>");
  }
  return absl::StrCat(
      "<table class=\"operations\"><thead><tr><th>Datum en tijd (", HtmlEscape(zone.label),
      ")</th><th>Handeling</th><th>Toepassing</th></tr></thead><tbody>", rows,
      "</tbody></table>");
}

// "versie 1 en 3" of "processing-activities/x/versions/1", ...
std::string OtherVersions(const v1::ActivityAccount& a) {
  if (a.other_versions().empty()) return "";
  std::vector<std::string> numbers;
  for (const std::string& name : a.other_versions()) {
    const size_t slash = name.rfind('/');
    numbers.push_back(HtmlEscape(slash == std::string::npos ? name : name.substr(slash + 1)));
  }
  return absl::StrCat(
      "<p class=\"note\">Een deel van deze verwerkingen viel onder een andere versie van deze "
      "verwerkingsactiviteit in ons register (versie ",
      absl::StrJoin(numbers, ", "), "). Hierboven staat versie ", a.activity().version(),
      ", die gold bij de eerste verwerking in deze periode.</p>");
}

std::string ActivitySection(const v1::ActivityAccount& a, const LetterZone& zone) {
  const v1::ProcessingActivity& activity = a.activity();
  return absl::StrCat(
      "<section class=\"activity\" data-activity=\"", HtmlEscape(activity.name()), "\"><h2>",
      HtmlEscape(activity.title()), "</h2><dl>", Fact("Doel", HtmlEscape(activity.purpose())),
      Fact("Grondslag", LegalBasis(activity)),
      Fact("Verwerkingsverantwoordelijke", Controller(activity)),
      Fact("Categorieën persoonsgegevens", Categories(activity)),
      Fact("Registraties", Registrations(a)),
      Fact("Bewaartermijn", HtmlEscape(RetentionText(activity.retention_period()))),
      Fact("Ontvangers", Recipients(a)), Fact("Doorgifte buiten de EER", Transfers(activity)),
      "</dl>", OtherVersions(a), "<h3>Verwerkingen</h3>", OperationRows(a, zone), "</section>");
}

// "naam (e-mail)" of every data protection officer named, once each.
std::vector<std::string> Officers(const v1::SubjectAccount& account) {
  std::vector<std::string> officers;
  for (const v1::ActivityAccount& a : account.activities()) {
    const v1::Contact& c = a.activity().data_protection_officer();
    if (c.name().empty() && c.email().empty()) continue;
    std::string text = c.email().empty() || c.name().empty()
                           ? absl::StrCat(c.name(), c.email())
                           : absl::StrCat(c.name(), " (", c.email(), ")");
    if (!absl::c_linear_search(officers, text)) officers.push_back(std::move(text));
  }
  return officers;
}

std::string Rights(const v1::SubjectAccount& account) {
  const std::vector<std::string> officers = Officers(account);
  const std::string contact =
      officers.empty()
          ? "Hebt u vragen over dit overzicht? Neem dan contact op met de functionaris "
            "gegevensbescherming van de gemeente."
          : absl::StrCat("Hebt u vragen over dit overzicht? Neem dan contact op met de "
                         "functionaris gegevensbescherming: ",
                         HtmlEscape(absl::StrJoin(officers, ", ")), ".");
  return absl::StrCat(
      "<section id=\"rechten\"><h2>Uw rechten</h2><p>Kloppen uw gegevens niet, of wilt u dat wij "
      "ze niet langer gebruiken? U kunt ons vragen uw gegevens te verbeteren of aan te vullen "
      "(artikel 16 AVG), ze te wissen (artikel 17 AVG) of de verwerking te beperken (artikel 18 "
      "AVG), en u kunt bezwaar maken tegen de verwerking (artikel 21 AVG). Bent u het niet eens "
      "met hoe wij met uw gegevens omgaan, dan kunt u een klacht indienen bij de Autoriteit "
      "Persoonsgegevens.</p><p>",
      contact, "</p></section>");
}

}  // namespace

std::string RenderInzageHtml(const v1::SubjectAccount& account, const InzageLetter& letter) {
  std::string activities;
  for (const v1::ActivityAccount& a : account.activities()) {
    absl::StrAppend(&activities, ActivitySection(a, letter.zone));
  }
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"",
      kPolicy,
      "\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>", kTitle,
      "</title><style>", kCss, "</style></head><body>", Header(account, letter),
      Introduction(account), activities, Rights(account),
      "<footer>Opgesteld met catalogd op ", DutchDate(letter.generated, letter.zone.zone),
      " uit het register van verwerkingsactiviteiten en het logboek dataverwerkingen."
      "</footer></body></html>\n");
}

}  // namespace catalog::report
