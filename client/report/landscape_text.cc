#include "client/report/landscape_text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "api/enum_text.h"

namespace catalog::report {
namespace {

namespace v1 = ::catalog::v1;

struct KeyText {
  absl::string_view key;
  Text text;
};

// Labels of the enum values whose short name does not read well or needs
// translating; every other value is shown by its short name (Dutch domain
// terms such as "Vertrouwelijk" and "Bronhouder" stay Dutch in English).
constexpr KeyText kLabels[] = {
    {"HOSTING_KIND_ON_PREMISES", {"Eigen datacentrum", "On premises"}},
    {"HOSTING_KIND_GOVERNMENT_CLOUD", {"Overheidscloud", "Government cloud"}},
    {"HOSTING_KIND_PUBLIC_CLOUD", {"Publieke cloud", "Public cloud"}},
    {"HOSTING_KIND_SAAS", {"SaaS", "SaaS"}},
    {"REGISTRATION_TYPE_OVERIG", {"Overig", "Other"}},
    {"ORIGIN_INTERNAL", {"Eigen inwinning", "Collected ourselves"}},
    {"ORIGIN_EXTERNAL", {"Van derden", "Received from others"}},
    {"DATASET_STATUS_CONCEPT", {"Concept", "Draft"}},
    {"DATASET_STATUS_DEVELOP", {"In ontwikkeling", "In development"}},
    {"DATASET_STATUS_COMPLETED", {"In gebruik", "In use"}},
    {"DATASET_STATUS_DEPRECATED", {"Wordt uitgefaseerd", "Being phased out"}},
    {"DATASET_STATUS_WITHDRAWN", {"Ingetrokken", "Withdrawn"}},
    {"OPENNESS_LEVEL_OPEN", {"Open", "Open"}},
    {"OPENNESS_LEVEL_BEPERKT", {"Beperkt open", "Restricted"}},
    {"OPENNESS_LEVEL_NIET_OPEN", {"Niet open", "Not open"}},
    {"BIV_LEVEL_GEEN", {"Geen", "None"}},
    {"BIV_LEVEL_LAAG", {"Laag", "Low"}},
    {"BIV_LEVEL_MIDDEN", {"Midden", "Medium"}},
    {"BIV_LEVEL_HOOG", {"Hoog", "High"}},
    {"BBN_LEVEL_BBN1", {"BBN1", "BBN1"}},
    {"BBN_LEVEL_BBN2", {"BBN2", "BBN2"}},
    {"BBN_LEVEL_BBN2_PLUS", {"BBN2+", "BBN2+"}},
    {"BBN_LEVEL_BBN3", {"BBN3", "BBN3"}},
    {"SPECIAL_CATEGORY_RAS_ETNISCH",
     {"Ras of etnische afkomst", "Racial or ethnic origin"}},
    {"SPECIAL_CATEGORY_POLITIEK",
     {"Politieke opvattingen", "Political opinions"}},
    {"SPECIAL_CATEGORY_RELIGIE_LEVENSOVERTUIGING",
     {"Religie of levensovertuiging", "Religious or philosophical beliefs"}},
    {"SPECIAL_CATEGORY_VAKBOND",
     {"Lidmaatschap vakbond", "Trade union membership"}},
    {"SPECIAL_CATEGORY_GENETISCH", {"Genetische gegevens", "Genetic data"}},
    {"SPECIAL_CATEGORY_BIOMETRISCH",
     {"Biometrische gegevens", "Biometric data"}},
    {"SPECIAL_CATEGORY_GEZONDHEID", {"Gezondheid", "Health"}},
    {"SPECIAL_CATEGORY_SEKSUEEL",
     {"Seksueel gedrag of gerichtheid", "Sex life or sexual orientation"}},
    {"QUALITY_DIMENSION_JUISTHEID", {"Juistheid", "Accuracy"}},
    {"QUALITY_DIMENSION_COMPLEETHEID", {"Compleetheid", "Completeness"}},
    {"QUALITY_DIMENSION_VALIDITEIT", {"Validiteit", "Validity"}},
    {"QUALITY_DIMENSION_CONSISTENTIE", {"Consistentie", "Consistency"}},
    {"QUALITY_DIMENSION_ACTUALITEIT", {"Actualiteit", "Currentness"}},
    {"QUALITY_DIMENSION_PRECISIE", {"Precisie", "Precision"}},
    {"QUALITY_DIMENSION_PLAUSIBILITEIT", {"Plausibiliteit", "Plausibility"}},
    {"QUALITY_DIMENSION_TRACEERBAARHEID", {"Traceerbaarheid", "Traceability"}},
    {"QUALITY_DIMENSION_BEGRIJPELIJKHEID",
     {"Begrijpelijkheid", "Understandability"}},
    {"QUALITY_DIMENSION_UNICITEIT", {"Uniciteit", "Uniqueness"}},
    {"LEGAL_BASIS_TOESTEMMING", {"Toestemming (a)", "Consent (a)"}},
    {"LEGAL_BASIS_OVEREENKOMST", {"Overeenkomst (b)", "Contract (b)"}},
    {"LEGAL_BASIS_WETTELIJKE_VERPLICHTING",
     {"Wettelijke verplichting (c)", "Legal obligation (c)"}},
    {"LEGAL_BASIS_VITAAL_BELANG", {"Vitaal belang (d)", "Vital interests (d)"}},
    {"LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG",
     {"Publieke taak (e)", "Public task (e)"}},
    {"LEGAL_BASIS_GERECHTVAARDIGD_BELANG",
     {"Gerechtvaardigd belang (f)", "Legitimate interests (f)"}},
    {"FINDING_SEVERITY_LOW", {"Laag", "Low"}},
    {"FINDING_SEVERITY_MEDIUM", {"Middel", "Medium"}},
    {"FINDING_SEVERITY_HIGH", {"Hoog", "High"}},
    // The compliance rules: their titles.
    {"COMPLIANCE_RULE_NO_OWNER", {"Geen eigenaar vastgelegd", "No owner"}},
    {"COMPLIANCE_RULE_NO_CLASSIFICATION",
     {"Geen vertrouwelijkheid vastgelegd", "No confidentiality marking"}},
    {"COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_BASIS_OR_PURPOSE",
     {"Persoonsgegevens zonder grondslag of doel",
      "Personal data without legal basis or purpose"}},
    {"COMPLIANCE_RULE_CLOUD_PERSONAL_DATA_WITHOUT_AGREEMENT",
     {"Persoonsgegevens in de cloud zonder verwerkersovereenkomst of DPIA",
      "Personal data in the cloud without processor agreement or DPIA"}},
    {"COMPLIANCE_RULE_SPECIAL_CATEGORIES_OUTSIDE_EEA",
     {"Bijzondere persoonsgegevens buiten de EER",
      "Special categories of personal data outside the EEA"}},
    {"COMPLIANCE_RULE_DERIVED_BELOW_SOURCE",
     {"Afgeleide gegevens lager geclassificeerd dan hun bron",
      "Derived data classified below its source"}},
    {"COMPLIANCE_RULE_DELIVERY_WITHOUT_PURPOSE_OR_BASIS",
     {"Levering aan derden zonder doel of grondslag",
      "Delivery to third parties without purpose or legal basis"}},
    {"COMPLIANCE_RULE_QUALITY_BELOW_NORM",
     {"Kwaliteit onder de norm", "Quality below norm"}},
    {"COMPLIANCE_RULE_QUALITY_STALE",
     {"Kwaliteit niet recent gemeten", "Quality not measured recently"}},
    {"COMPLIANCE_RULE_TERUGMELDINGEN_OVERDUE",
     {"Terugmeldingen over de termijn", "Terugmeldingen past deadline"}},
    {"COMPLIANCE_RULE_OPENBAAR_NOT_PUBLISHED",
     {"Openbaar maar niet gepubliceerd", "Public but not published"}},
    {"COMPLIANCE_RULE_CONCEPT_TOO_LONG",
     {"Te lang in concept", "Draft for too long"}},
    {"COMPLIANCE_RULE_PERSONAL_DATA_NOT_MARKED",
     {"Lijkt persoonsgegevens, niet zo gemarkeerd", "Looks like personal data, not marked"}},
    {"COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_ACTIVITY",
     {"Persoonsgegevens zonder verwerkingsactiviteit", "Personal data without processing activity"}},
    {"COMPLIANCE_RULE_ACTIVITY_BASIS_NOT_ALLOWED",
     {"Verwerking op gerechtvaardigd belang", "Processing on legitimate interest"}},
    {"COMPLIANCE_RULE_DELIVERY_RECIPIENT_NOT_REGISTERED",
     {"Levering aan ontvanger buiten het register", "Delivery to a recipient not in the register"}},
    {"COMPLIANCE_RULE_SPECIAL_CATEGORIES_TRANSFER_WITHOUT_SAFEGUARDS",
     {"Bijzondere gegevens buiten de EER zonder waarborgen",
      "Special categories outside the EEA without safeguards"}},
    {"COMPLIANCE_RULE_DCAT_INCOMPLETE",
     {"Open data onvolledig beschreven voor DCAT-AP-NL",
      "Open data incompletely described for DCAT-AP-NL"}},
};

// What to do, per compliance rule.
constexpr KeyText kFixes[] = {
    {"COMPLIANCE_RULE_NO_OWNER",
     {"Leg per dataset de eigenaar vast: het verantwoordelijke "
      "afdelingshoofd.",
      "Record the owner of each dataset: the accountable head of "
      "department."}},
    {"COMPLIANCE_RULE_NO_CLASSIFICATION",
     {"Stel de vertrouwelijkheid vast (BIV-classificatie) en leg die vast.",
      "Assess the confidentiality (BIV classification) and record it."}},
    {"COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_BASIS_OR_PURPOSE",
     {"Leg de AVG-grondslag en het doel van de verwerking vast, of verwijder "
      "de persoonsgegevens.",
      "Record the GDPR legal basis and the purpose of the processing, or "
      "remove the personal data."}},
    {"COMPLIANCE_RULE_CLOUD_PERSONAL_DATA_WITHOUT_AGREEMENT",
     {"Sluit een verwerkersovereenkomst met de leverancier, voer een DPIA uit "
      "en leg beide vast.",
      "Conclude a processor agreement with the supplier, carry out a DPIA "
      "and record both."}},
    {"COMPLIANCE_RULE_SPECIAL_CATEGORIES_OUTSIDE_EEA",
     {"Breng de gegevens onder binnen de EER, of leg een doorgiftegrondslag "
      "(AVG hoofdstuk V) en een DPIA vast.",
      "Move the data into the EEA, or record a transfer mechanism (GDPR "
      "chapter V) and a DPIA."}},
    {"COMPLIANCE_RULE_DERIVED_BELOW_SOURCE",
     {"Classificeer de afgeleide dataset minstens zo hoog als zijn bron en "
      "markeer overgenomen persoonsgegevens.",
      "Classify the derived dataset at least as high as its source and mark "
      "the personal data it takes over."}},
    {"COMPLIANCE_RULE_DELIVERY_WITHOUT_PURPOSE_OR_BASIS",
     {"Leg bij elke levering van persoonsgegevens het doel en de grondslag "
      "vast, of stop de levering.",
      "Record the purpose and the legal basis of every delivery of personal "
      "data, or stop it."}},
    {"COMPLIANCE_RULE_QUALITY_BELOW_NORM",
     {"Zoek de oorzaak, herstel de gegevens bij de bron en meet opnieuw.",
      "Find the cause, correct the data at the source and measure again."}},
    {"COMPLIANCE_RULE_QUALITY_STALE",
     {"Meet de genormeerde dimensies opnieuw en plan vaste metingen in.",
      "Measure the normed dimensions again and schedule regular "
      "measurements."}},
    {"COMPLIANCE_RULE_TERUGMELDINGEN_OVERDUE",
     {"Handel de terugmeldingen af of plan ze in, en informeer de melders.",
      "Handle or schedule the terugmeldingen, and inform the reporters."}},
    {"COMPLIANCE_RULE_OPENBAAR_NOT_PUBLISHED",
     {"Publiceer de dataset als open data (open, tenzij) en leg de "
      "publicatie-URL vast.",
      "Publish the dataset as open data (open unless) and record its "
      "publication URL."}},
    {"COMPLIANCE_RULE_CONCEPT_TOO_LONG",
     {"Maak de beschrijving compleet en zet de dataset in gebruik, of "
      "verwijder hem.",
      "Complete the description and put the dataset in use, or delete it."}},
    {"COMPLIANCE_RULE_PERSONAL_DATA_NOT_MARKED",
     {"Controleer de velden met namen als bsn, geboortedatum of adres; markeer de "
      "dataset (en de velden) als persoonsgegevens met grondslag en doelen, of hernoem "
      "de velden.",
      "Check the fields named like bsn, date of birth or address; mark the dataset (and "
      "the fields) as personal data with legal basis and purposes, or rename the fields."}},
    {"COMPLIANCE_RULE_PERSONAL_DATA_WITHOUT_ACTIVITY",
     {"Neem de verwerkingsactiviteit die de dataset gebruikt op in het register (AVG art. "
      "30), of verwijder de persoonsgegevens.",
      "Record the processing activity that uses the dataset in the register (AVG art. 30), "
      "or remove the personal data."}},
    {"COMPLIANCE_RULE_ACTIVITY_BASIS_NOT_ALLOWED",
     {"Baseer de verwerking op een publieke taak of wettelijke verplichting: een "
      "overheidsorgaan mag voor zijn publieke taken geen gerechtvaardigd belang gebruiken.",
      "Base the processing on a public task or a legal obligation: a public body may not "
      "rely on legitimate interest for its public tasks."}},
    {"COMPLIANCE_RULE_DELIVERY_RECIPIENT_NOT_REGISTERED",
     {"Neem de partij als ontvanger op bij een verwerkingsactiviteit die de dataset "
      "gebruikt, of stop de levering.",
      "List the party as a recipient of a processing activity that uses the dataset, or stop "
      "the delivery."}},
    {"COMPLIANCE_RULE_SPECIAL_CATEGORIES_TRANSFER_WITHOUT_SAFEGUARDS",
     {"Leg de waarborgen van elke doorgifte buiten de EER vast (adequaatheidsbesluit, "
      "modelcontractbepalingen) of stop de doorgifte.",
      "Record the safeguards of every transfer outside the EEA (adequacy decision, standard "
      "contractual clauses) or stop the transfer."}},
    {"COMPLIANCE_RULE_DCAT_INCOMPLETE",
     {"Vul de verplichte DCAT-AP-NL-eigenschappen aan die catalogctl export dcat als "
      "ontbrekend meldt (uitgever, maker, contactpunt, thema's, licentie, publicatie-URL).",
      "Record the mandatory DCAT-AP-NL properties that catalogctl export dcat reports missing "
      "(publisher, creator, contact point, themes, licence, publication URL)."}},
};

constexpr Text kNotRecorded = {"(niet vastgelegd)", "(not recorded)"};

const Text* Find(absl::Span<const KeyText> table, absl::string_view key) {
  for (const KeyText& entry : table) {
    if (entry.key == key) return &entry.text;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<Language> ParseLanguage(absl::string_view text,
                                       absl::string_view flag) {
  const std::string value = absl::AsciiStrToLower(text);
  if (value == "nl") return Language::kDutch;
  if (value == "en") return Language::kEnglish;
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": expected nl or en, not \"", text, "\""));
}

absl::string_view LanguageCode(Language language) {
  return language == Language::kDutch ? "nl" : "en";
}

std::string EnumLabel(const google::protobuf::EnumDescriptor& type,
                      absl::string_view key, Language language) {
  if (key.empty()) return std::string(kNotRecorded.In(language));
  if (const Text* label = Find(kLabels, key)) {
    return std::string(label->In(language));
  }
  const google::protobuf::EnumValueDescriptor* value =
      type.FindValueByName(std::string(key));
  if (value == nullptr) return std::string(key);
  if (value->number() == 0) return std::string(kNotRecorded.In(language));
  std::string name = absl::StrReplaceAll(
      catalog::api::EnumShortName(type, value->number()), {{"_", " "}});
  if (&type == v1::Basisregistratie_descriptor()) {
    absl::AsciiStrToUpper(&name);
  } else if (!name.empty()) {
    name[0] = absl::ascii_toupper(name[0]);
  }
  return name;
}

std::string TextLabel(absl::string_view key, Language language) {
  return std::string(key.empty() ? kNotRecorded.In(language) : key);
}

std::string RuleFix(const v1::ComplianceFinding& finding, Language language) {
  const Text* fix = Find(kFixes, v1::ComplianceRule_Name(finding.rule()));
  return fix == nullptr ? finding.fix() : std::string(fix->In(language));
}

std::string FormatDecimal(double value, Language language) {
  std::string text = absl::StrFormat("%.1f", value);
  if (language == Language::kDutch) absl::StrReplaceAll({{".", ","}}, &text);
  return text;
}

std::string FormatPercent(int64_t part, int64_t whole, Language language) {
  if (whole == 0) return "–";
  return absl::StrCat(
      FormatDecimal(100.0 * static_cast<double>(part) / whole, language), "%");
}

std::string DatasetCount(int64_t count) {
  return absl::StrCat(count, count == 1 ? " dataset" : " datasets");
}

std::string ActivityCount(int64_t count, Language language) {
  const Text unit =
      count == 1 ? Text{" verwerkingsactiviteit", " processing activity"}
                 : Text{" verwerkingsactiviteiten", " processing activities"};
  return absl::StrCat(count, unit.In(language));
}

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "–";
  return absl::FormatTime("%Y-%m-%d %H:%M UTC",
                          absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

}  // namespace catalog::report
