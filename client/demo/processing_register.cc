// The demo landscape's register of processing activities: what a
// municipality's AVG art. 30 register typically holds, tied to the
// basisregistraties of the landscape.
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "client/demo/rng.h"
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

// The application that logs an activity's operations, and what they are
// called.
struct LogSpec {
  const char* activity;
  const char* application;
  const char* operations[3];
};

constexpr LogSpec kLogSpecs[] = {
    {"brp-bijhouding", "burgerzaken-suite",
     {"Verhuizing verwerken", "Persoonslijst raadplegen", "Adresonderzoek starten"}},
    {"woz-beschikking", "woz-taxatie", {"WOZ-waarde vaststellen", "Beschikking opstellen",
                                        "Bezwaar WOZ behandelen"}},
    {"belastingaanslag", "belastingen", {"Aanslag opleggen", "Kwijtschelding beoordelen",
                                         "Betaling verwerken"}},
    {"wmo-aanvraag", "wmo-portaal", {"Melding registreren", "Keukentafelgesprek verslaan",
                                     "Beschikking maatwerkvoorziening"}},
    {"bijstand", "participatie", {"Aanvraag beoordelen", "Inlichtingen opvragen",
                                  "Uitkering betalen"}},
    {"parkeervergunning", "parkeren", {"Vergunning aanvragen", "Kenteken controleren",
                                       "Vergunning verlengen"}},
};

void SetString(opentelemetry::proto::common::v1::KeyValue* kv, const char* key,
               const std::string& value) {
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

std::string Bytes(Rng& rng, size_t n) {
  std::string bytes;
  while (bytes.size() < n) {
    const uint64_t v = rng.Next();
    for (int i = 0; i < 8 && bytes.size() < n; ++i) bytes.push_back(static_cast<char>(v >> (8 * i)));
  }
  return bytes;
}

}  // namespace

std::vector<std::string> DemoBsns(size_t count) {
  std::vector<std::string> bsns;
  for (int n = 999900000; n <= 999999999 && bsns.size() < count; ++n) {
    const std::string digits = absl::StrCat(n);
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (9 - i) * (digits[i] - '0');
    sum -= digits[8] - '0';
    if (sum % 11 == 0) bsns.push_back(digits);
  }
  return bsns;
}

absl::Time LandscapeGenerator::RegisterInForceSince() {
  return absl::FromCivil(absl::CivilDay(2024, 1, 1), absl::UTCTimeZone());
}

std::vector<opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest>
LandscapeGenerator::ProcessingLog(int64_t operations, int days, absl::Time now) const {
  namespace otlp = ::opentelemetry::proto;
  constexpr int kBatch = 512;
  const std::vector<std::string> bsns = DemoBsns(400);
  Rng rng(options_.seed, -19);
  std::vector<otlp::collector::trace::v1::ExportTraceServiceRequest> requests;
  // One open request per application; full ones are moved out.
  std::vector<otlp::collector::trace::v1::ExportTraceServiceRequest> open(std::size(kLogSpecs));
  auto spans_of = [](otlp::collector::trace::v1::ExportTraceServiceRequest& r) {
    return r.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  };
  for (size_t a = 0; a < open.size(); ++a) {
    otlp::trace::v1::ResourceSpans* rs = open[a].add_resource_spans();
    SetString(rs->mutable_resource()->add_attributes(), "service.name", kLogSpecs[a].application);
    rs->add_scope_spans();
  }
  const int64_t window_micros = int64_t{days} * 86400 * 1000000;
  for (int64_t done = 0; done < operations;) {
    const size_t a = rng.Below(std::size(kLogSpecs));
    const LogSpec& spec = kLogSpecs[a];
    const std::string trace = Bytes(rng, 16);
    const std::string& bsn = bsns[rng.Below(bsns.size())];
    int64_t start = absl::ToUnixMicros(now) - 60000000 -
                    static_cast<int64_t>(rng.Below(static_cast<uint64_t>(window_micros)));
    std::string parent;
    const int steps = rng.Between(1, 3);
    for (int k = 0; k < steps && done < operations; ++k, ++done) {
      otlp::trace::v1::Span* span = spans_of(open[a])->Add();
      span->set_trace_id(trace);
      span->set_span_id(Bytes(rng, 8));
      span->set_parent_span_id(parent);
      parent = span->span_id();
      span->set_name(spec.operations[k]);
      const int64_t duration = rng.Between(20, 4000) * int64_t{1000};
      span->set_start_time_unix_nano(static_cast<uint64_t>(start) * 1000);
      span->set_end_time_unix_nano(static_cast<uint64_t>(start + duration) * 1000);
      start += duration + rng.Between(1, 600) * int64_t{1000};
      span->mutable_status()->set_code(rng.Percent(3) ? otlp::trace::v1::Status::STATUS_CODE_ERROR
                                                      : otlp::trace::v1::Status::STATUS_CODE_OK);
      SetString(span->add_attributes(), "dpl.core.processing_activity_id",
                absl::StrCat("processing-activities/", spec.activity));
      SetString(span->add_attributes(), "dpl.core.data_subject_id", bsn);
      SetString(span->add_attributes(), "dpl.core.data_subject_id_type", "BSN");
      if (spans_of(open[a])->size() == kBatch) {
        requests.push_back(open[a]);
        spans_of(open[a])->Clear();
      }
    }
  }
  for (auto& request : open) {
    if (!spans_of(request)->empty()) requests.push_back(std::move(request));
  }
  return requests;
}

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
    *a.mutable_valid_from() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
        absl::ToUnixMicros(RegisterInForceSince()));
  }
  return activities;
}

}  // namespace catalog::demo
