// The demo landscape's register of processing activities: what a
// municipality's AVG art. 30 register typically holds, tied to the
// basisregistraties of the landscape.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/demo/landscape_generator.h"

namespace catalog::demo {
namespace {

namespace v1 = ::catalog::v1;

struct ActivitySpec {
  const char* id;
  const char* title;
  const char* purpose;
  v1::LegalBasis basis;
  const char* explanation;
  v1::GoverningBody body;
  std::vector<const char*> subjects;
  std::vector<const char*> data;
  std::vector<v1::SpecialCategory> special;
  std::vector<const char*> datasets;    // ids of basisregistraties
  std::vector<const char*> recipients;  // party ids
  const char* retention;
  v1::Confidentiality log_confidentiality;
  v1::ProcessingActivityStatus status;
};

const std::vector<ActivitySpec>& Specs() {
  static const std::vector<ActivitySpec>* const kSpecs = new std::vector<ActivitySpec>{
      {"brp-bijhouding", "Bijhouden van de BRP",
       "Inschrijven en bijhouden van de persoonsgegevens van ingezetenen",
       v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Wet BRP art. 1.2 en 2.1",
       v1::GOVERNING_BODY_COLLEGE_VAN_BW, {"Ingezetenen"},
       {"NAW-gegevens", "geboortegegevens", "nationaliteit", "verblijfstitel"}, {},
       {"brp-ingezetenen"}, {"rvig"}, "P20Y", v1::CONFIDENTIALITY_VERTROUWELIJK,
       v1::PROCESSING_ACTIVITY_STATUS_ACTIVE},
      {"woz-beschikking", "Vaststellen van de WOZ-waarde",
       "Waarderen van onroerende zaken en beschikken over de WOZ-waarde",
       v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Wet WOZ art. 22",
       v1::GOVERNING_BODY_HEFFINGSAMBTENAAR, {"Eigenaren", "Gebruikers"},
       {"NAW-gegevens", "objectkenmerken", "WOZ-waarde"}, {},
       {"woz-waarderingen", "brk-kadaster", "bag-adressen-gebouwen"}, {"belastingdienst"}, "P7Y",
       v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK, v1::PROCESSING_ACTIVITY_STATUS_ACTIVE},
      {"belastingaanslag", "Heffen en innen van gemeentelijke belastingen",
       "Opleggen van aanslagen OZB, afvalstoffenheffing en rioolheffing",
       v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Gemeentewet art. 220 en 231",
       v1::GOVERNING_BODY_HEFFINGSAMBTENAAR, {"Belastingplichtigen"},
       {"NAW-gegevens", "bankrekeningnummer", "aanslaggegevens"}, {},
       {"woz-waarderingen", "brp-ingezetenen"}, {"printstraat"}, "P7Y",
       v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK, v1::PROCESSING_ACTIVITY_STATUS_ACTIVE},
      {"wmo-aanvraag", "Beoordelen van een Wmo-aanvraag",
       "Onderzoeken en beslissen over maatwerkvoorzieningen (Wmo 2015)",
       v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG, "Wmo 2015 art. 2.3.2 en 2.3.5",
       v1::GOVERNING_BODY_COLLEGE_VAN_BW, {"Aanvragers Wmo", "Mantelzorgers"},
       {"NAW-gegevens", "inkomen", "gezondheid en beperkingen"},
       {v1::SPECIAL_CATEGORY_GEZONDHEID}, {"brp-ingezetenen", "bri-inkomen"}, {"ggd-regio"},
       "P15Y", v1::CONFIDENTIALITY_VERTROUWELIJK, v1::PROCESSING_ACTIVITY_STATUS_ACTIVE},
      {"bijstand", "Verstrekken van bijstand",
       "Vaststellen van het recht op bijstand en betalen van de uitkering",
       v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Participatiewet art. 7 en 53a",
       v1::GOVERNING_BODY_COLLEGE_VAN_BW, {"Aanvragers bijstand", "Gezinsleden"},
       {"NAW-gegevens", "inkomen en vermogen", "woonsituatie"}, {},
       {"brp-ingezetenen", "bri-inkomen"}, {"uwv", "inlichtingenbureau"}, "P10Y",
       v1::CONFIDENTIALITY_VERTROUWELIJK, v1::PROCESSING_ACTIVITY_STATUS_ACTIVE},
      {"parkeervergunning", "Verlenen van parkeervergunningen",
       "Beoordelen en verlenen van bewoners- en bedrijfsvergunningen",
       v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG, "Parkeerverordening art. 2",
       v1::GOVERNING_BODY_COLLEGE_VAN_BW, {"Aanvragers parkeervergunning"},
       {"NAW-gegevens", "kenteken"}, {}, {"brv-voertuigen", "brp-ingezetenen"}, {}, "P2Y",
       v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK, v1::PROCESSING_ACTIVITY_STATUS_ACTIVE},
      {"tozo", "Uitvoeren van de Tozo",
       "Tijdelijke overbruggingsregeling zelfstandig ondernemers (2020-2021)",
       v1::LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Besluit Tozo art. 2",
       v1::GOVERNING_BODY_COLLEGE_VAN_BW, {"Zelfstandig ondernemers"},
       {"NAW-gegevens", "inkomen", "bedrijfsgegevens"}, {}, {"hr-handelsregister"}, {"uwv"},
       "P10Y", v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK, v1::PROCESSING_ACTIVITY_STATUS_ENDED},
  };
  return *kSpecs;
}

}  // namespace

std::vector<v1::ProcessingActivity> LandscapeGenerator::ProcessingActivities() const {
  std::set<std::string> present;
  for (int64_t i = 0; i < size() && i < 16; ++i) present.insert(Dataset(i).id());
  std::vector<v1::ProcessingActivity> activities;
  for (const ActivitySpec& s : Specs()) {
    v1::ProcessingActivity& a = activities.emplace_back();
    a.set_id(s.id);
    a.set_title(s.title);
    a.set_purpose(s.purpose);
    a.set_legal_basis(s.basis);
    a.set_legal_basis_explanation(s.explanation);
    a.mutable_controller()->set_name("Gemeente Voorbeeldstad");
    a.mutable_controller()->set_oin("00000001001234567000");
    a.set_governing_body(s.body);
    a.mutable_data_protection_officer()->set_name("Functionaris gegevensbescherming");
    a.mutable_data_protection_officer()->set_email("fg@voorbeeldstad.nl");
    for (const char* c : s.subjects) a.add_data_subject_categories(c);
    for (const char* c : s.data) a.add_personal_data_categories(c);
    for (v1::SpecialCategory c : s.special) a.add_special_categories(c);
    for (const char* d : s.datasets) {
      if (present.contains(d)) a.add_datasets(absl::StrCat("datasets/", d));
    }
    for (const char* p : s.recipients) a.add_recipient_parties(absl::StrCat("parties/", p));
    a.set_retention_period(s.retention);
    a.set_security_measures("Toegang op basis van rollen, logging volgens de BIO, versleuteling "
                            "bij transport en opslag.");
    a.set_log_confidentiality(s.log_confidentiality);
    a.set_status(s.status);
  }
  return activities;
}

}  // namespace catalog::demo
