#include "client/demo/landscape_generator.h"

#include <algorithm>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/demo/rng.h"

namespace catalog::demo {
namespace {

using namespace catalog::v1;  // Enum values read as the domain's vocabulary.


constexpr const char* kMunicipality = "Gemeente Voorbeeldstad";
constexpr const char* kMunicipalityOin = "00000001234567890000";

struct Org {
  const char* name;
  const char* oin;
};
constexpr Org kKvk{"Kamer van Koophandel", "00000001003214345000"};
constexpr Org kKadaster{"Kadaster", "00000001802327497000"};
constexpr Org kRdw{"RDW", "00000001804770694000"};
constexpr Org kBelastingdienst{"Belastingdienst", "00000001003214369000"};
constexpr Org kTno{"TNO", "00000001003279468000"};
constexpr Org kExternalSources[] = {{"CBS", "00000001001698932000"},
                                    {"RDW", "00000001804770694000"},
                                    {"KNMI", "00000001003216097000"},
                                    {"UWV", "00000001003214410000"},
                                    {"Rijkswaterstaat", "00000001003214150000"}};

// A basisregistratie of the fixed head of the landscape.
struct Basis {
  const char* id;
  const char* title;
  Basisregistratie registratie;
  MunicipalRole role;
  const char* domain;
  const Org* provider;  // Null: the municipality is bronhouder.
  bool personal;
  Confidentiality confidentiality;
  const char* system;
  const char* supplier;
  const char* legislation;
};

constexpr Basis kBasis[] = {
    {"brp-ingezetenen", "BRP ingezetenen", BASISREGISTRATIE_BRP, MUNICIPAL_ROLE_BRONHOUDER,
     "Burgerzaken", nullptr, true, CONFIDENTIALITY_VERTROUWELIJK, "Key2Burgerzaken", "Centric",
     "Wet BRP"},
    {"bag-adressen-gebouwen", "BAG adressen en gebouwen", BASISREGISTRATIE_BAG,
     MUNICIPAL_ROLE_BRONHOUDER, "Ruimte", nullptr, false, CONFIDENTIALITY_OPENBAAR,
     "Key2BAG", "Centric", "Wet BAG"},
    {"bgt-topografie", "BGT grootschalige topografie", BASISREGISTRATIE_BGT,
     MUNICIPAL_ROLE_BRONHOUDER, "Openbare ruimte", nullptr, false, CONFIDENTIALITY_OPENBAAR,
     "GeoVisia", "Esri Nederland", "Wet BGT"},
    {"woz-waarderingen", "WOZ waarderingen", BASISREGISTRATIE_WOZ, MUNICIPAL_ROLE_BRONHOUDER,
     "Belastingen", nullptr, true, CONFIDENTIALITY_ZAAKVERTROUWELIJK, "Key2Belastingen",
     "Centric", "Wet WOZ"},
    {"hr-handelsregister", "Handelsregister", BASISREGISTRATIE_HR, MUNICIPAL_ROLE_AFNEMER,
     "Economie", &kKvk, true, CONFIDENTIALITY_INTERN, "StUF-BG koppeling", "KvK",
     "Handelsregisterwet 2007"},
    {"brk-kadaster", "BRK kadastrale registratie", BASISREGISTRATIE_BRK, MUNICIPAL_ROLE_AFNEMER,
     "Ruimte", &kKadaster, true, CONFIDENTIALITY_INTERN, "Kadaster-on-line", "Kadaster",
     "Kadasterwet"},
    {"brt-topografie", "BRT topografie", BASISREGISTRATIE_BRT, MUNICIPAL_ROLE_AFNEMER, "Ruimte",
     &kKadaster, false, CONFIDENTIALITY_OPENBAAR, "PDOK", "Kadaster", "Kadasterwet"},
    {"brv-voertuigen", "BRV voertuigen", BASISREGISTRATIE_BRV, MUNICIPAL_ROLE_AFNEMER,
     "Veiligheid", &kRdw, true, CONFIDENTIALITY_ZAAKVERTROUWELIJK, "RDW Overheidsdiensten",
     "RDW", "Wegenverkeerswet 1994"},
    {"bri-inkomen", "BRI inkomen", BASISREGISTRATIE_BRI, MUNICIPAL_ROLE_AFNEMER,
     "Sociaal domein", &kBelastingdienst, true, CONFIDENTIALITY_VERTROUWELIJK, "Suwinet-Inkijk",
     "BKWI", "Algemene wet inzake rijksbelastingen"},
    {"bro-ondergrond", "BRO ondergrond", BASISREGISTRATIE_BRO, MUNICIPAL_ROLE_AFNEMER, "Ruimte",
     &kTno, false, CONFIDENTIALITY_OPENBAAR, "BRO-loket", "TNO", "Wet BRO"},
};
constexpr int64_t kBasisCount = sizeof(kBasis) / sizeof(kBasis[0]);

// A kind of dataset beyond the basisregistraties.
struct Subject {
  const char* slug;
  const char* title;
  RegistrationType type;
  const char* domain;
  int personal_percent;
  const char* system;
  const char* supplier;
  const char* legal_basis_explanation;
};

constexpr Subject kSubjects[] = {
    {"kern-personen", "Kernregistratie personen", REGISTRATION_TYPE_KERNREGISTRATIE,
     "Burgerzaken", 100, "Key2Burgerzaken", "Centric", "Wet BRP"},
    {"kern-adressen", "Kernregistratie adressen", REGISTRATION_TYPE_KERNREGISTRATIE, "Ruimte", 0,
     "Key2BAG", "Centric", ""},
    {"kern-zaken", "Zaakregistratie", REGISTRATION_TYPE_KERNREGISTRATIE, "Dienstverlening", 80,
     "Decos JOIN", "Decos", "Awb art. 4:1"},
    {"wmo-maatwerkvoorzieningen", "Wmo maatwerkvoorzieningen",
     REGISTRATION_TYPE_SECTORREGISTRATIE, "Sociaal domein", 100, "Suite4Sociaal Domein",
     "Centric", "Wmo 2015 art. 5.1.1"},
    {"jeugdhulp-trajecten", "Jeugdhulp trajecten", REGISTRATION_TYPE_SECTORREGISTRATIE,
     "Sociaal domein", 100, "Suite4Jeugd", "Centric", "Jeugdwet art. 7.4.0"},
    {"bijstand-uitkeringen", "Participatiewet uitkeringen", REGISTRATION_TYPE_SECTORREGISTRATIE,
     "Sociaal domein", 100, "Socrates", "PinkRoccade", "Participatiewet art. 64"},
    {"schuldhulp-dossiers", "Schuldhulpverlening dossiers", REGISTRATION_TYPE_SECTORREGISTRATIE,
     "Sociaal domein", 100, "Allegro", "Topicus", "Wet gemeentelijke schuldhulpverlening"},
    {"omgevingsvergunningen", "Omgevingsvergunningen", REGISTRATION_TYPE_SECTORREGISTRATIE,
     "Ruimte", 60, "Powerbrowser", "Genetics", "Omgevingswet"},
    {"belastingaanslagen", "Belastingaanslagen", REGISTRATION_TYPE_SECTORREGISTRATIE,
     "Belastingen", 100, "Key2Belastingen", "Centric", "Gemeentewet art. 231"},
    {"parkeervergunningen", "Parkeervergunningen", REGISTRATION_TYPE_SECTORREGISTRATIE,
     "Openbare ruimte", 100, "Parkeerbeheer", "Cale", "Gemeentewet art. 225"},
    {"afvalinzameling", "Afvalinzameling containers", REGISTRATION_TYPE_SECTORREGISTRATIE,
     "Openbare ruimte", 0, "Twee-Bins", "Bammens", ""},
    {"meldingen-openbare-ruimte", "Meldingen openbare ruimte",
     REGISTRATION_TYPE_SECTORREGISTRATIE, "Openbare ruimte", 50, "Topdesk", "Topdesk",
     "Gemeentewet art. 160"},
    {"personeelsdossiers", "Personeelsdossiers", REGISTRATION_TYPE_SECTORREGISTRATIE,
     "Bedrijfsvoering", 100, "AFAS Profit", "AFAS", "Ambtenarenwet 2017"},
    {"financiele-administratie", "Financiele administratie", REGISTRATION_TYPE_SECTORREGISTRATIE,
     "Bedrijfsvoering", 20, "Key2Financien", "Centric", "Gemeentewet art. 212"},
    {"handhavingszaken", "Handhavingszaken", REGISTRATION_TYPE_SECTORREGISTRATIE, "Veiligheid",
     100, "Squit XO", "Roxit", "Gemeentewet art. 125"},
    {"leerlingenvervoer", "Leerlingenvervoer", REGISTRATION_TYPE_SECTORREGISTRATIE, "Onderwijs",
     100, "Suite4Sociaal Domein", "Centric", "Wet op het primair onderwijs art. 4"},
    {"dwh-sociaal-domein", "Datawarehouse sociaal domein", REGISTRATION_TYPE_OVERIG,
     "Sociaal domein", 70, "Azure Synapse", "Microsoft", "Wmo 2015 art. 5.1.1"},
    {"dashboard-dienstverlening", "Dashboard dienstverlening", REGISTRATION_TYPE_OVERIG,
     "Dienstverlening", 0, "Power BI", "Microsoft", ""},
    {"rapportage-woningvoorraad", "Rapportage woningvoorraad", REGISTRATION_TYPE_OVERIG,
     "Ruimte", 0, "Snowflake", "Snowflake", ""},
    {"extract-belastingen", "Extract belastingen voor CBS", REGISTRATION_TYPE_OVERIG,
     "Belastingen", 30, "Key2Belastingen", "Centric", "Wet op het CBS art. 33"},
};
constexpr int kSubjectCount = sizeof(kSubjects) / sizeof(kSubjects[0]);

struct OpenSource {
  const char* slug;
  const char* title;
  const char* domain;
};
constexpr OpenSource kOpenSources[] = {
    {"cbs-kerncijfers-wijken", "CBS kerncijfers wijken en buurten", "Dienstverlening"},
    {"knmi-neerslag", "KNMI neerslaggegevens", "Openbare ruimte"},
    {"rdw-gekentekende-voertuigen", "RDW gekentekende voertuigen", "Veiligheid"},
    {"uwv-arbeidsmarkt", "UWV arbeidsmarktcijfers", "Economie"},
    {"rws-waterstanden", "Rijkswaterstaat waterstanden", "Ruimte"},
};

struct Host {
  HostingKind kind;
  const char* provider;
  const char* region;
  const char* country;
  bool inside_eea;
  const char* jurisdiction;
};
constexpr Host kOnPremises{HOSTING_KIND_ON_PREMISES, "Eigen datacenter", "Voorbeeldstad", "NL",
                           true, ""};
constexpr Host kGovernmentClouds[] = {
    {HOSTING_KIND_GOVERNMENT_CLOUD, "Rijkscloud ODC-Noord", "Groningen", "NL", true, ""},
    {HOSTING_KIND_GOVERNMENT_CLOUD, "Gemeentelijk datacenter regio", "Utrecht", "NL", true, ""},
};
constexpr Host kPublicClouds[] = {
    {HOSTING_KIND_PUBLIC_CLOUD, "Microsoft Azure", "westeurope", "NL", true, "US"},
    {HOSTING_KIND_PUBLIC_CLOUD, "Amazon Web Services", "eu-central-1", "DE", true, "US"},
    {HOSTING_KIND_PUBLIC_CLOUD, "Google Cloud", "europe-west4", "NL", true, "US"},
    {HOSTING_KIND_PUBLIC_CLOUD, "Microsoft Azure", "westeurope", "NL", true, "US"},
    {HOSTING_KIND_PUBLIC_CLOUD, "Amazon Web Services", "us-east-1", "US", false, "US"},
};
constexpr Host kSaas[] = {
    {HOSTING_KIND_SAAS, "Centric", "Gouda", "NL", true, ""},
    {HOSTING_KIND_SAAS, "PinkRoccade", "Apeldoorn", "NL", true, ""},
    {HOSTING_KIND_SAAS, "Topdesk", "Delft", "NL", true, ""},
    {HOSTING_KIND_SAAS, "Salesforce", "eu-west", "IE", true, "US"},
    {HOSTING_KIND_SAAS, "Esri ArcGIS Online", "us-west", "US", false, "US"},
};

struct Field {
  const char* name;
  const char* type;
  const char* description;
  bool personal;
};
constexpr Field kPersonalFields[] = {
    {"bsn", "string", "Burgerservicenummer", true},
    {"geslachtsnaam", "string", "Achternaam van de persoon", true},
    {"voornamen", "string", "Voornamen van de persoon", true},
    {"geboortedatum", "date", "Geboortedatum", true},
    {"adres", "string", "Woonadres", true},
    {"telefoonnummer", "string", "Telefoonnummer voor contact", true},
    {"iban", "string", "Rekeningnummer voor betalingen", true},
};
constexpr Field kPlainFields[] = {
    {"identificatie", "string", "Unieke identificatie van het object", false},
    {"postcode", "string", "Postcode", false},
    {"huisnummer", "integer", "Huisnummer", false},
    {"perceelnummer", "string", "Kadastraal perceelnummer", false},
    {"woz_waarde", "decimal", "Vastgestelde WOZ-waarde in euro", false},
    {"begindatum", "date", "Datum waarop de registratie ingaat", false},
    {"einddatum", "date", "Datum waarop de registratie eindigt", false},
    {"status", "string", "Status van de registratie", false},
    {"geometrie", "geometry", "Ligging in RD-coordinaten", false},
    {"bedrag", "decimal", "Bedrag in euro", false},
};
constexpr const char* kBusinessObjects[] = {
    "Ingeschreven persoon", "Nummeraanduiding",  "Pand",   "WOZ-object",
    "Maatschappelijke activiteit", "Kadastraal onroerende zaak", "Zaak", "Voorziening",
};
constexpr const char* kPurposes[] = {"uitvoering wettelijke taak", "dienstverlening aan inwoners",
                                     "handhaving", "beleidsinformatie", "verantwoording"};
constexpr const char* kTags[] = {"avg", "gis", "open-data", "woo", "dwh", "stuf", "api",
                                 "kernregistratie", "sociaal-domein", "financieel"};
constexpr Confidentiality kOrdinaryConfidentiality[] = {
    CONFIDENTIALITY_OPENBAAR,         CONFIDENTIALITY_OPENBAAR,     CONFIDENTIALITY_INTERN,
    CONFIDENTIALITY_INTERN,           CONFIDENTIALITY_INTERN,       CONFIDENTIALITY_ZAAKVERTROUWELIJK,
    CONFIDENTIALITY_ZAAKVERTROUWELIJK, CONFIDENTIALITY_VERTROUWELIJK, CONFIDENTIALITY_BEPERKT_OPENBAAR,
    CONFIDENTIALITY_CONFIDENTIEEL,
};
constexpr QualityDimension kDimensions[] = {
    QUALITY_DIMENSION_JUISTHEID,       QUALITY_DIMENSION_COMPLEETHEID,
    QUALITY_DIMENSION_VALIDITEIT,      QUALITY_DIMENSION_CONSISTENTIE,
    QUALITY_DIMENSION_ACTUALITEIT,     QUALITY_DIMENSION_PRECISIE,
    QUALITY_DIMENSION_PLAUSIBILITEIT,  QUALITY_DIMENSION_TRACEERBAARHEID,
    QUALITY_DIMENSION_BEGRIJPELIJKHEID, QUALITY_DIMENSION_UNICITEIT,
};

void SetOrg(Organisation* out, const char* name, const char* oin) {
  out->set_name(name);
  out->set_oin(oin);
}

// A reference such as "VWO-2021-017"; none when year is 0.
struct Reference {
  const char* format = "";
  int year = 0;
  int number = 0;
};

// Where a dataset is hosted, as drawn: the draws come before the proto is
// built, so that a dataset's profile (kind, classification) can be drawn
// without building it.
struct HostingDraw {
  const Host* host = &kOnPremises;
  Reference agreement, dpia, exit;
};

Reference DrawReference(Rng& rng, bool external, int percent, const char* format,
                        int first_year, int max_number) {
  Reference r{format};
  if (external && rng.Percent(percent)) {
    // Number before year: the order in which earlier versions drew them, so
    // that a seed still gives the same landscape.
    r.number = rng.Between(1, max_number);
    r.year = rng.Between(first_year, 2025);
  }
  return r;
}

HostingDraw DrawHosting(Rng& rng) {
  HostingDraw draw;
  const int roll = rng.Between(0, 99);
  draw.host = roll < 45   ? &kOnPremises
              : roll < 60 ? &rng.Pick(kGovernmentClouds)
              : roll < 80 ? &rng.Pick(kPublicClouds)
                          : &rng.Pick(kSaas);
  const bool external =
      draw.host->kind == HOSTING_KIND_PUBLIC_CLOUD || draw.host->kind == HOSTING_KIND_SAAS;
  draw.agreement = DrawReference(rng, external, 85, "VWO-%d-%03d", 2018, 250);
  draw.dpia = DrawReference(rng, external, 60, "DPIA-%d-%03d", 2019, 120);
  draw.exit = DrawReference(rng, external, 40, "EXIT-%d-%02d", 2020, 60);
  return draw;
}

void ApplyHosting(const HostingDraw& draw, Dataset* d) {
  const Host& host = *draw.host;
  Hosting* h = d->mutable_hosting();
  h->set_kind(host.kind);
  h->set_provider(host.provider);
  h->set_region(host.region);
  h->set_country(host.country);
  h->set_inside_eea(host.inside_eea);
  h->set_provider_jurisdiction(host.jurisdiction);
  auto format = [](const Reference& r) {
    char ref[32];
    std::snprintf(ref, sizeof(ref), r.format, r.year, r.number);
    return std::string(ref);
  };
  if (draw.agreement.year != 0) h->set_processor_agreement_ref(format(draw.agreement));
  if (draw.dpia.year != 0) h->set_dpia_ref(format(draw.dpia));
  if (draw.exit.year != 0) h->set_exit_strategy_ref(format(draw.exit));
}

void FillPersonalData(Rng& rng, Dataset* d, const char* legal_explanation) {
  PersonalData* p = d->mutable_personal_data();
  p->set_contains_personal_data(true);
  p->set_legal_basis(rng.Percent(60) ? LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG
                                     : LEGAL_BASIS_WETTELIJKE_VERPLICHTING);
  if (legal_explanation[0] != '\0') p->set_legal_basis_explanation(legal_explanation);
  p->add_purposes(rng.Pick(kPurposes));
  p->add_data_subject_categories(d->domain() == "Bedrijfsvoering" ? "medewerkers" : "ingezetenen");
  if (d->domain() == "Sociaal domein" && rng.Percent(40)) {
    p->add_special_categories(SPECIAL_CATEGORY_GEZONDHEID);
  }
  if (d->domain() == "Veiligheid" && rng.Percent(50)) p->set_criminal_data(true);
  p->set_dpia_status(rng.Percent(50) ? DPIA_STATUS_UITGEVOERD
                                     : rng.Percent(50) ? DPIA_STATUS_PRESCAN_GEDAAN
                                                       : DPIA_STATUS_VEREIST);
}

void FillSchema(Rng& rng, Dataset* d) {
  const bool personal = d->personal_data().contains_personal_data();
  const int personal_fields = personal ? rng.Between(1, 4) : 0;
  const int plain_fields = rng.Between(2, 8);
  const uint64_t personal_start = rng.Below(std::size(kPersonalFields));
  for (int i = 0; i < personal_fields; ++i) {
    const Field& f = kPersonalFields[(personal_start + static_cast<uint64_t>(i)) % std::size(kPersonalFields)];
    SchemaField* out = d->add_schema_fields();
    out->set_name(f.name);
    out->set_type(f.type);
    out->set_description(f.description);
    out->set_personal_data(true);
    if (std::string(f.name) == "bsn") out->set_confidentiality(CONFIDENTIALITY_VERTROUWELIJK);
  }
  const uint64_t plain_start = rng.Below(std::size(kPlainFields));
  for (int i = 0; i < plain_fields; ++i) {
    const Field& f = kPlainFields[(plain_start + static_cast<uint64_t>(i)) % std::size(kPlainFields)];
    SchemaField* out = d->add_schema_fields();
    out->set_name(f.name);
    out->set_type(f.type);
    out->set_description(f.description);
  }
}

void FillCommon(Rng& rng, Dataset* d, const char* system, const char* supplier) {
  SetOrg(d->mutable_publisher(), kMunicipality, kMunicipalityOin);
  SetOrg(d->mutable_creator(), kMunicipality, kMunicipalityOin);
  Contact* contact = d->mutable_contact_point();
  contact->set_name("Team " + d->domain());
  contact->set_email("gegevensbeheer@voorbeeldstad.nl");
  contact->set_department(d->domain());
  d->set_system(system);
  d->set_supplier(supplier);
  Roles* roles = d->mutable_roles();
  roles->set_owner("Afdelingshoofd " + d->domain());
  roles->set_steward("Gegevensbeheerder " + d->domain());
  roles->set_custodian("Applicatiebeheer " + std::string(supplier));
  d->set_update_frequency(static_cast<UpdateFrequency>(rng.Between(1, 7)));
  d->add_themes(d->domain() == "Sociaal domein" ? THEME_SOCI
                : d->domain() == "Ruimte"       ? THEME_REGI
                                                : THEME_GOVE);
  d->set_spatial_coverage("GM9999 Voorbeeldstad");
  const int status = rng.Between(0, 99);
  d->set_status(status < 80   ? DATASET_STATUS_COMPLETED
                : status < 90 ? DATASET_STATUS_DEVELOP
                : status < 96 ? DATASET_STATUS_DEPRECATED
                              : DATASET_STATUS_CONCEPT);
  Classification* c = d->mutable_classification();
  c->set_availability(static_cast<BivLevel>(rng.Between(2, 4)));
  c->set_integrity(static_cast<BivLevel>(rng.Between(2, 4)));
  const Confidentiality conf = c->confidentiality();
  c->set_confidentiality_level(conf <= CONFIDENTIALITY_BEPERKT_OPENBAAR ? BIV_LEVEL_GEEN
                               : conf <= CONFIDENTIALITY_ZAAKVERTROUWELIJK ? BIV_LEVEL_MIDDEN
                                                                           : BIV_LEVEL_HOOG);
  c->set_bbn(conf <= CONFIDENTIALITY_INTERN ? BBN_LEVEL_BBN1
             : conf <= CONFIDENTIALITY_VERTROUWELIJK ? BBN_LEVEL_BBN2
                                                     : BBN_LEVEL_BBN2_PLUS);
  d->set_access_rights(conf == CONFIDENTIALITY_OPENBAAR ? ACCESS_RIGHTS_PUBLIC
                       : conf <= CONFIDENTIALITY_INTERN ? ACCESS_RIGHTS_RESTRICTED
                                                        : ACCESS_RIGHTS_NON_PUBLIC);
  Openness* o = d->mutable_openness();
  if (conf == CONFIDENTIALITY_OPENBAAR && !d->personal_data().contains_personal_data()) {
    o->set_level(rng.Percent(80) ? OPENNESS_LEVEL_OPEN : OPENNESS_LEVEL_BEPERKT);
    if (o->level() == OPENNESS_LEVEL_OPEN) {
      o->set_publication_url("https://data.voorbeeldstad.nl/datasets/" + d->id());
      o->set_licence("CC0-1.0");
    }
  } else {
    o->set_level(OPENNESS_LEVEL_NIET_OPEN);
    o->set_woo_ground(d->personal_data().contains_personal_data()
                          ? "art. 5.1 lid 2 sub e Woo (eerbiediging persoonlijke levenssfeer)"
                          : "art. 5.1 lid 2 sub i Woo (goed functioneren bestuursorgaan)");
  }
  Retention* r = d->mutable_retention();
  r->set_archive_nomination(rng.Percent(30) ? ARCHIVE_NOMINATION_BLIJVEND_BEWAREN
                                            : ARCHIVE_NOMINATION_VERNIETIGEN);
  static constexpr const char* kPeriods[] = {"P1Y", "P5Y", "P7Y", "P10Y", "P20Y", "P75Y"};
  r->set_retention_period(rng.Pick(kPeriods));
  r->set_retention_source("Selectielijst gemeenten en intergemeentelijke organen 2020");
  FillSchema(rng, d);
  const int norms = rng.Between(2, 5);
  const uint64_t first = rng.Below(std::size(kDimensions));
  for (int i = 0; i < norms; ++i) {
    QualityNorm* n = d->add_quality_norms();
    n->set_dimension(kDimensions[(first + static_cast<uint64_t>(i)) % std::size(kDimensions)]);
    n->set_target(rng.Between(60, 99));
  }
  const int tags = rng.Between(1, 3);
  const uint64_t tag_start = rng.Below(std::size(kTags));
  for (int i = 0; i < tags; ++i) {
    d->add_tags(kTags[(tag_start + static_cast<uint64_t>(i)) % std::size(kTags)]);
  }
  if (d->personal_data().contains_personal_data()) d->add_tags("persoonsgegevens");
  d->add_business_objects(rng.Pick(kBusinessObjects));
}

Dataset BasisDataset(Rng& rng, const Basis& b) {
  Dataset d;
  d.set_id(b.id);
  d.set_title(b.title);
  d.set_description(std::string(b.title) + " zoals " +
                    (b.role == MUNICIPAL_ROLE_BRONHOUDER ? "bijgehouden door" : "afgenomen door") +
                    " de gemeente Voorbeeldstad.");
  d.set_registration_type(REGISTRATION_TYPE_BASISREGISTRATIE);
  d.set_basisregistratie(b.registratie);
  d.set_municipal_role(b.role);
  d.set_domain(b.domain);
  d.add_applicable_legislation(b.legislation);
  if (b.provider != nullptr) {
    d.set_origin(ORIGIN_EXTERNAL);
    SetOrg(d.mutable_providing_organisation(), b.provider->name, b.provider->oin);
  } else {
    d.set_origin(ORIGIN_INTERNAL);
  }
  d.mutable_hosting()->set_kind(HOSTING_KIND_ON_PREMISES);
  d.mutable_hosting()->set_provider(kOnPremises.provider);
  d.mutable_hosting()->set_country("NL");
  d.mutable_hosting()->set_inside_eea(true);
  d.mutable_classification()->set_confidentiality(b.confidentiality);
  if (b.personal) FillPersonalData(rng, &d, b.legislation);
  FillCommon(rng, &d, b.system, b.supplier);
  d.add_tags("basisregistratie");
  return d;
}

// What kind of dataset an index holds: a basisregistratie, external open
// data, or one of kSubjects. Also names the kinds of source a dataset takes
// its data from.
struct Kind {
  enum Of : uint8_t { kBasisregistratie, kOpenData, kSubject };
  Of of = kSubject;
  int index = 0;  // Into kBasis or kSubjects; 0 for open data.
  bool operator==(const Kind&) const = default;
};

// Streams of the generator besides Dataset(i)'s, so that adding one never
// changes another.
constexpr uint64_t kMeasurementStream = 0x6D656173ull;   // "meas"
constexpr uint64_t kTerugmeldingStream = 0x7465727Bull;  // "ter{"

// How each dimension is typically measured.
const char* MethodOf(QualityDimension d) {
  switch (d) {
    case QUALITY_DIMENSION_JUISTHEID: return "steekproef tegen brondocument";
    case QUALITY_DIMENSION_COMPLEETHEID: return "verplichte velden gevuld";
    case QUALITY_DIMENSION_VALIDITEIT: return "domeinwaarden en formaten";
    case QUALITY_DIMENSION_CONSISTENTIE: return "postcode bestaat in BAG";
    case QUALITY_DIMENSION_ACTUALITEIT: return "mutatie binnen termijn verwerkt";
    case QUALITY_DIMENSION_PRECISIE: return "geometrie binnen 10 cm";
    case QUALITY_DIMENSION_PLAUSIBILITEIT: return "waarden binnen verwachte bandbreedte";
    case QUALITY_DIMENSION_TRACEERBAARHEID: return "herkomst van mutaties vastgelegd";
    case QUALITY_DIMENSION_BEGRIJPELIJKHEID: return "velden met beschrijving";
    case QUALITY_DIMENSION_UNICITEIT: return "geen dubbele identificaties";
    default: return "regel";
  }
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

// Status transitions taken from GEMELD to each status.
constexpr TerugmeldingStatus kTargets[] = {
    TERUGMELDING_STATUS_GEMELD,         TERUGMELDING_STATUS_IN_BEHANDELING,
    TERUGMELDING_STATUS_INGEPLAND,      TERUGMELDING_STATUS_AFGEHANDELD,
    TERUGMELDING_STATUS_INGETROKKEN,    TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE,
    TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER,
};

constexpr const char* kDoubts[] = {
    "Waarde wijkt af van de situatie ter plaatse.",
    "Gegeven komt niet overeen met het brondocument.",
    "Registratie lijkt verouderd; wijziging is niet verwerkt.",
    "Dubbele registratie van hetzelfde object.",
    "Adres bestaat niet meer na vernummering.",
};
constexpr const char* kDepartments[] = {"Burgerzaken", "Belastingen", "Vergunningen",
                                        "Sociaal domein", "Informatiebeheer"};
constexpr const char* kPersons[] = {"J. de Vries", "A. Jansen", "M. Bakker", "S. Visser",
                                    "R. Smit"};


// The first draws of dataset i: its kind. Cheap (two draws), so that
// sources of a kind can be looked for among many candidates.
Kind DrawKind(Rng& rng, int64_t i) {
  if (i < kBasisCount) return {Kind::kBasisregistratie, static_cast<int>(i)};
  if (rng.Percent(12)) return {Kind::kOpenData, 0};
  return {Kind::kSubject, static_cast<int>(rng.Below(kSubjectCount))};
}

// What decides a dataset's place in the lineage graph, drawn before (and
// without) building it: the same draws, in the same order, that Dataset()
// makes first.
struct Profile {
  Kind kind;
  const Basis* basis = nullptr;
  const OpenSource* open = nullptr;
  const Org* org = nullptr;  // Provider of open data.
  const Subject* subject = nullptr;
  HostingDraw hosting;
  Confidentiality confidentiality = CONFIDENTIALITY_UNSPECIFIED;
  bool personal = false;
};

// Continues after DrawKind.
Profile DrawProfile(Rng& rng, Kind kind) {
  Profile p;
  p.kind = kind;
  switch (kind.of) {
    case Kind::kBasisregistratie:
      p.basis = &kBasis[kind.index];
      p.confidentiality = p.basis->confidentiality;
      p.personal = p.basis->personal;
      return p;
    case Kind::kOpenData:
      p.open = &rng.Pick(kOpenSources);
      p.org = &rng.Pick(kExternalSources);
      p.hosting = DrawHosting(rng);
      p.confidentiality = CONFIDENTIALITY_OPENBAAR;
      return p;
    case Kind::kSubject:
      break;
  }
  p.subject = &kSubjects[kind.index];
  p.hosting = DrawHosting(rng);
  Confidentiality conf = rng.Pick(kOrdinaryConfidentiality);
  p.personal = rng.Percent(p.subject->personal_percent);
  if (p.personal && conf < CONFIDENTIALITY_INTERN) conf = CONFIDENTIALITY_ZAAKVERTROUWELIJK;
  if (std::string_view(p.subject->domain) == "Sociaal domein" &&
      conf < CONFIDENTIALITY_VERTROUWELIJK && rng.Percent(60)) {
    conf = CONFIDENTIALITY_VERTROUWELIJK;
  }
  if (rng.Percent(1)) conf = CONFIDENTIALITY_GEHEIM;
  p.confidentiality = conf;
  return p;
}

Profile DrawProfile(Rng& rng, int64_t i) { return DrawProfile(rng, DrawKind(rng, i)); }

std::string DatasetId(const Profile& p, int64_t i) {
  if (p.basis != nullptr) return p.basis->id;
  char suffix[24];
  std::snprintf(suffix, sizeof(suffix), "-%06lld", static_cast<long long>(i));
  return absl::StrCat(p.open != nullptr ? p.open->slug : p.subject->slug, suffix);
}

// What sets datasets of one subject apart, as municipalities name them: an
// area, a period, a stage of processing. Chosen by the dataset's number, so
// that the other draws of the landscape stay as they were.
constexpr const char* kQualifiers[] = {
    ", stadsdeel Noord", ", stadsdeel Zuid", ", stadsdeel Oost", ", stadsdeel West",
    ", Centrum",         " 2019-2022",       " 2023",            " 2024",
    " (archief)",        " (mutaties)",      " (historie)",      ", brondata",
    ", kopie DWH",       ", geaggregeerd",   ", koppelvlak",     " (actueel)",
    ", regio",           ", werkvoorraad",   " (export)",        ", wijkniveau",
};

// The title of the kind of dataset: "Afvalinzameling containers".
const char* BaseTitle(const Profile& p) {
  return p.basis != nullptr ? p.basis->title : p.open != nullptr ? p.open->title : p.subject->title;
}

// The title of dataset i: "Afvalinzameling containers, stadsdeel Noord".
std::string Title(const Profile& p, uint64_t seed, int64_t i) {
  if (p.basis != nullptr) return BaseTitle(p);
  const uint64_t pick = (static_cast<uint64_t>(i) * 7919u + seed) % std::size(kQualifiers);
  return absl::StrCat(BaseTitle(p), kQualifiers[pick]);
}

// Dataset i of the landscape of `seed`.
Dataset GenerateDataset(uint64_t seed, int64_t i) {
  Rng rng(seed, i);
  const Profile p = DrawProfile(rng, i);
  if (p.basis != nullptr) return BasisDataset(rng, *p.basis);

  Dataset d;
  d.set_id(DatasetId(p, i));
  d.set_title(Title(p, seed, i));
  if (p.open != nullptr) {
    // External open data, received from another organisation.
    d.set_description(absl::StrCat(p.open->title, ", ontvangen van ", p.org->name, "."));
    d.set_registration_type(REGISTRATION_TYPE_OVERIG);
    d.set_domain(p.open->domain);
    d.set_origin(ORIGIN_EXTERNAL);
    SetOrg(d.mutable_providing_organisation(), p.org->name, p.org->oin);
    ApplyHosting(p.hosting, &d);
    d.mutable_classification()->set_confidentiality(p.confidentiality);
    FillCommon(rng, &d, "Open data portaal", p.org->name);
    return d;
  }
  const Subject& s = *p.subject;
  d.set_description(absl::StrCat(s.title, " van de gemeente Voorbeeldstad, beheerd in ", s.system,
                                 "."));
  d.set_registration_type(s.type);
  d.set_domain(s.domain);
  d.set_origin(ORIGIN_INTERNAL);
  ApplyHosting(p.hosting, &d);
  d.mutable_classification()->set_confidentiality(p.confidentiality);
  if (p.personal) FillPersonalData(rng, &d, s.legal_basis_explanation);
  FillCommon(rng, &d, s.system, s.supplier);
  return d;
}

// ---- Lineage ----

struct PartySpec {
  const char* id;
  const char* name;
  const char* oin;
  PartyKind kind;
  const char* description;
};

// OINs have the right format (20 digits); they are not checked against the
// register.
constexpr PartySpec kParties[] = {
    {"belastingdienst", "Belastingdienst", kBelastingdienst.oin, PARTY_KIND_BELASTINGDIENST,
     "Ontvangt WOZ-waarden en de loonaangifte."},
    {"cbs", "Centraal Bureau voor de Statistiek", "00000001001698932000", PARTY_KIND_CBS,
     "Ontvangt gegevens voor statistiek (Wet op het CBS art. 33)."},
    {"uwv", "UWV", "00000001003214410000", PARTY_KIND_UWV,
     "Werk en inkomen: uitwisseling via Suwinet."},
    {"svb", "Sociale Verzekeringsbank", "00000001003214394000", PARTY_KIND_SVB,
     "AOW, kinderbijslag en pgb: afstemming met gemeentelijke voorzieningen."},
    {"rvig", "Rijksdienst voor Identiteitsgegevens", "00000001804976233000", PARTY_KIND_OVERHEID,
     "Beheert de centrale voorzieningen van de BRP."},
    {"kadaster", "Kadaster", kKadaster.oin, PARTY_KIND_OVERHEID,
     "Landelijke voorzieningen BAG, BGT en WOZ."},
    {"duo", "Dienst Uitvoering Onderwijs", "00000001800866472000", PARTY_KIND_KETENPARTNER,
     "Onderwijsregistraties (BRON) voor leerplicht en leerlingenvervoer."},
    {"politie", "Politie", "00000001823288444000", PARTY_KIND_KETENPARTNER,
     "Samenwerking in het Zorg- en Veiligheidshuis."},
    {"ggd-regio", "GGD regio Voorbeeldstad", "00000001824196215000", PARTY_KIND_KETENPARTNER,
     "Jeugdgezondheidszorg en infectieziektebestrijding."},
    {"woonstichting-voorbeeldstad", "Woonstichting Voorbeeldstad", "00000003301245670000",
     PARTY_KIND_KETENPARTNER, "Woningcorporatie; prestatieafspraken met de gemeente."},
    {"inlichtingenbureau", "Inlichtingenbureau", "00000001807267193000", PARTY_KIND_KETENPARTNER,
     "Gegevensknooppunt voor gemeenten: rechtmatigheid en kwijtschelding."},
    {"centric-saas", "Centric (SaaS)", "00000003240467890000", PARTY_KIND_LEVERANCIER,
     "Verwerker: Suite4Sociaal Domein als dienst."},
    {"printstraat", "Printstraat B.V.", "00000003271834560000", PARTY_KIND_LEVERANCIER,
     "Verwerker: drukt en verzendt aanslagbiljetten en beschikkingen."},
};

// A delivery (verstrekking) that datasets of one kind make, in `percent`
// of them.
struct Delivery {
  const char* source;  // Id of a basisregistratie or slug of a subject.
  const char* party;   // Id in kParties.
  int percent;
  const char* process;
  UpdateFrequency frequency;
  const char* purpose;
  LegalBasis legal_basis;
  const char* legal_basis_explanation;
};

constexpr Delivery kDeliveries[] = {
    {"brp-ingezetenen", "rvig", 100, "Digikoppeling (GBA-V)", UPDATE_FREQUENCY_CONTINUOUS,
     "bijhouding van de centrale voorzieningen van de BRP", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Wet BRP"},
    {"brp-ingezetenen", "ggd-regio", 100, "Digikoppeling", UPDATE_FREQUENCY_DAILY,
     "oproepen voor jeugdgezondheidszorg en vaccinaties",
     LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG, "Wet publieke gezondheid"},
    {"bag-adressen-gebouwen", "kadaster", 100, "Digikoppeling ebMS", UPDATE_FREQUENCY_CONTINUOUS,
     "aanlevering aan de Landelijke Voorziening BAG", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Wet BAG"},
    {"bgt-topografie", "kadaster", 100, "Digikoppeling ebMS", UPDATE_FREQUENCY_WEEKLY,
     "aanlevering aan de Landelijke Voorziening BGT", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Wet BGT"},
    {"woz-waarderingen", "kadaster", 100, "Digikoppeling ebMS", UPDATE_FREQUENCY_DAILY,
     "aanlevering aan de Landelijke Voorziening WOZ", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Wet WOZ"},
    {"woz-waarderingen", "belastingdienst", 100, "Digikoppeling", UPDATE_FREQUENCY_ANNUAL,
     "WOZ-waarde voor de inkomstenbelasting", LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Wet WOZ"},
    {"bijstand-uitkeringen", "inlichtingenbureau", 60, "SFTP-bestandsoverdracht",
     UPDATE_FREQUENCY_MONTHLY, "signalen over de rechtmatigheid van uitkeringen",
     LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Participatiewet art. 64"},
    {"bijstand-uitkeringen", "cbs", 50, "SFTP-bestandsoverdracht", UPDATE_FREQUENCY_MONTHLY,
     "statistiek bijstandsuitkeringen", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Wet op het CBS art. 33"},
    {"bijstand-uitkeringen", "uwv", 30, "Suwinet", UPDATE_FREQUENCY_DAILY,
     "uitwisseling in de keten werk en inkomen", LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Wet SUWI"},
    {"bijstand-uitkeringen", "svb", 20, "Suwinet", UPDATE_FREQUENCY_MONTHLY,
     "afstemming van AOW en bijstand", LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Wet SUWI"},
    {"wmo-maatwerkvoorzieningen", "cbs", 40, "SFTP-bestandsoverdracht", UPDATE_FREQUENCY_QUARTERLY,
     "Gemeentelijke Monitor Sociaal Domein", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Wet op het CBS art. 33"},
    {"wmo-maatwerkvoorzieningen", "centric-saas", 30, "API", UPDATE_FREQUENCY_CONTINUOUS,
     "uitvoering Wmo in een SaaS-toepassing (verwerker)",
     LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG, "Wmo 2015; verwerkersovereenkomst"},
    {"jeugdhulp-trajecten", "cbs", 40, "SFTP-bestandsoverdracht", UPDATE_FREQUENCY_QUARTERLY,
     "beleidsinformatie jeugd", LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Jeugdwet art. 7.4.0"},
    {"jeugdhulp-trajecten", "ggd-regio", 15, "Digikoppeling", UPDATE_FREQUENCY_WEEKLY,
     "afstemming met de jeugdgezondheidszorg", LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG,
     "Jeugdwet"},
    {"schuldhulp-dossiers", "centric-saas", 20, "API", UPDATE_FREQUENCY_CONTINUOUS,
     "schuldhulpverlening in een SaaS-toepassing (verwerker)",
     LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG,
     "Wet gemeentelijke schuldhulpverlening; verwerkersovereenkomst"},
    {"belastingaanslagen", "inlichtingenbureau", 40, "SFTP-bestandsoverdracht",
     UPDATE_FREQUENCY_ANNUAL, "toets op kwijtschelding van gemeentelijke belastingen",
     LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Invorderingswet 1990"},
    {"belastingaanslagen", "printstraat", 40, "SFTP-bestandsoverdracht", UPDATE_FREQUENCY_ANNUAL,
     "drukken en verzenden van aanslagbiljetten (verwerker)",
     LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Gemeentewet art. 231; verwerkersovereenkomst"},
    {"extract-belastingen", "cbs", 80, "SFTP-bestandsoverdracht", UPDATE_FREQUENCY_ANNUAL,
     "statistiek gemeentelijke belastingen", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Wet op het CBS art. 33"},
    {"personeelsdossiers", "belastingdienst", 40, "Digipoort", UPDATE_FREQUENCY_MONTHLY,
     "loonaangifte", LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Wet op de loonbelasting 1964"},
    {"personeelsdossiers", "uwv", 20, "Digipoort", UPDATE_FREQUENCY_IRREGULAR,
     "ziek- en herstelmeldingen", LEGAL_BASIS_WETTELIJKE_VERPLICHTING, "Ziektewet"},
    {"leerlingenvervoer", "duo", 20, "Digikoppeling", UPDATE_FREQUENCY_MONTHLY,
     "controle van de inschrijving bij een school", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Leerplichtwet 1969"},
    {"handhavingszaken", "politie", 30, "SFTP-bestandsoverdracht", UPDATE_FREQUENCY_IRREGULAR,
     "gezamenlijke aanpak van openbare orde en veiligheid",
     LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG, "Gemeentewet art. 172; Wet politiegegevens"},
    {"rapportage-woningvoorraad", "woonstichting-voorbeeldstad", 50, "API",
     UPDATE_FREQUENCY_ANNUAL, "prestatieafspraken over de woningvoorraad",
     LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG, "Woningwet art. 44"},
    {"omgevingsvergunningen", "cbs", 30, "SFTP-bestandsoverdracht", UPDATE_FREQUENCY_MONTHLY,
     "statistiek bouwvergunningen", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Wet op het CBS art. 33"},
    {"dwh-sociaal-domein", "cbs", 20, "SFTP-bestandsoverdracht", UPDATE_FREQUENCY_QUARTERLY,
     "Gemeentelijke Monitor Sociaal Domein", LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
     "Wet op het CBS art. 33"},
};

// Where the data of each subject comes from: between min and max sources,
// each of one of the kinds in `sources` (space-separated: ids of
// basisregistraties, slugs of subjects, "open-data"). A subject naming
// itself takes an earlier dataset of its own kind (a copy, an earlier
// stage), which is what makes chains deep.
struct Upstream {
  const char* subject;
  int min_sources;
  int max_sources;
  const char* sources;
};

constexpr Upstream kUpstream[] = {
    {"kern-personen", 1, 3, "brp-ingezetenen kern-personen"},
    {"kern-adressen", 1, 3, "bag-adressen-gebouwen bgt-topografie kern-adressen"},
    {"kern-zaken", 1, 3, "brp-ingezetenen hr-handelsregister kern-personen kern-adressen kern-zaken"},
    {"wmo-maatwerkvoorzieningen", 2, 4,
     "brp-ingezetenen kern-personen kern-zaken wmo-maatwerkvoorzieningen jeugdhulp-trajecten"},
    {"jeugdhulp-trajecten", 2, 4,
     "brp-ingezetenen kern-personen kern-zaken jeugdhulp-trajecten leerlingenvervoer"},
    {"bijstand-uitkeringen", 2, 4,
     "brp-ingezetenen bri-inkomen kern-personen kern-zaken bijstand-uitkeringen "
     "schuldhulp-dossiers"},
    {"schuldhulp-dossiers", 2, 4,
     "brp-ingezetenen bri-inkomen kern-personen bijstand-uitkeringen schuldhulp-dossiers"},
    {"omgevingsvergunningen", 2, 4,
     "bag-adressen-gebouwen brk-kadaster bgt-topografie bro-ondergrond hr-handelsregister "
     "kern-adressen kern-zaken omgevingsvergunningen"},
    {"belastingaanslagen", 2, 4,
     "woz-waarderingen brk-kadaster brp-ingezetenen hr-handelsregister kern-personen "
     "kern-adressen belastingaanslagen parkeervergunningen"},
    {"parkeervergunningen", 2, 4,
     "brv-voertuigen brp-ingezetenen bag-adressen-gebouwen kern-personen kern-adressen "
     "parkeervergunningen"},
    {"afvalinzameling", 2, 4,
     "bag-adressen-gebouwen bgt-topografie brt-topografie kern-adressen afvalinzameling"},
    {"meldingen-openbare-ruimte", 2, 4,
     "bgt-topografie bag-adressen-gebouwen kern-adressen kern-zaken meldingen-openbare-ruimte "
     "afvalinzameling"},
    {"personeelsdossiers", 2, 4, "brp-ingezetenen kern-personen personeelsdossiers"},
    {"financiele-administratie", 2, 4,
     "hr-handelsregister belastingaanslagen personeelsdossiers bijstand-uitkeringen "
     "financiele-administratie"},
    {"handhavingszaken", 2, 4,
     "brp-ingezetenen bag-adressen-gebouwen hr-handelsregister brv-voertuigen kern-zaken "
     "omgevingsvergunningen meldingen-openbare-ruimte handhavingszaken parkeervergunningen"},
    {"leerlingenvervoer", 2, 4,
     "brp-ingezetenen kern-personen kern-adressen leerlingenvervoer"},
    {"dwh-sociaal-domein", 3, 5,
     "brp-ingezetenen bri-inkomen wmo-maatwerkvoorzieningen jeugdhulp-trajecten "
     "bijstand-uitkeringen schuldhulp-dossiers leerlingenvervoer dwh-sociaal-domein"},
    {"dashboard-dienstverlening", 3, 5,
     "kern-zaken meldingen-openbare-ruimte dwh-sociaal-domein dashboard-dienstverlening "
     "open-data"},
    {"rapportage-woningvoorraad", 3, 5,
     "bag-adressen-gebouwen woz-waarderingen brk-kadaster brt-topografie kern-adressen "
     "omgevingsvergunningen rapportage-woningvoorraad open-data"},
    {"extract-belastingen", 3, 5, "woz-waarderingen belastingaanslagen extract-belastingen"},
};

// Sources of dataset i lie at most this many indices before it, as
// datasets of one generation and system feed each other: fan-out stays
// realistic at any size.
constexpr int64_t kSourceWindow = 4000;
// Kernregistraties take data from basisregistraties directly at any size
// (that is what they are for). Other datasets do so up to this index, and
// beyond it with probability kDirectBasisUntil / i: at scale, data reaches
// them through the kernregistraties. That keeps the depth of the graph at
// about 12-15 and the basisregistraties' fan-out at a few percent of the
// datasets.
constexpr int64_t kDirectBasisUntil = 1000;
// Random candidates examined for one source.
constexpr int kCandidateTries = 200;
// Percent of dataset edges, and of deliveries, with column mappings.
constexpr int kMappedEdgePercent = 30;
constexpr int kMappedDeliveryPercent = 50;
// Salt of the random stream of Edges(i), separate from that of Dataset(i).
constexpr uint64_t kLineageSalt = 0x4C494E45414745ull;  // "LINEAGE"

struct Recipe {
  int min_sources = 0;
  int max_sources = 0;
  std::vector<Kind> sources;
};

// Tables indexed by kind, resolved from the slugs of kUpstream and
// kDeliveries once. A slug that names nothing is a bug in the tables.
struct LineageTables {
  std::vector<Recipe> recipes;  // By subject.
  // Deliveries by source: basisregistratie b at b, subject s at
  // kBasisCount + s.
  std::vector<std::vector<const Delivery*>> deliveries;
  std::vector<const PartySpec*> delivery_party;  // Parallel to kDeliveries.
};

Kind KindOfSlug(std::string_view slug) {
  if (slug == "open-data") return {Kind::kOpenData, 0};
  for (int b = 0; b < kBasisCount; ++b) {
    if (slug == kBasis[b].id) return {Kind::kBasisregistratie, b};
  }
  for (int s = 0; s < kSubjectCount; ++s) {
    if (slug == kSubjects[s].slug) return {Kind::kSubject, s};
  }
  std::fprintf(stderr, "landscape_generator: unknown kind \"%.*s\"\n",
               static_cast<int>(slug.size()), slug.data());
  std::abort();
}

const LineageTables& Tables() {
  static const LineageTables* const tables = [] {
    auto* t = new LineageTables;
    t->recipes.resize(kSubjectCount);
    for (const Upstream& u : kUpstream) {
      const Kind subject = KindOfSlug(u.subject);
      Recipe& r = t->recipes[static_cast<size_t>(subject.index)];
      r.min_sources = u.min_sources;
      r.max_sources = u.max_sources;
      for (std::string_view rest = u.sources; !rest.empty();) {
        const size_t space = rest.find(' ');
        const std::string_view slug = rest.substr(0, space);
        if (!slug.empty()) r.sources.push_back(KindOfSlug(slug));
        rest = space == std::string_view::npos ? "" : rest.substr(space + 1);
      }
    }
    t->deliveries.resize(static_cast<size_t>(kBasisCount + kSubjectCount));
    for (const Delivery& d : kDeliveries) {
      const Kind source = KindOfSlug(d.source);
      const size_t key = static_cast<size_t>(
          source.of == Kind::kBasisregistratie ? source.index : kBasisCount + source.index);
      t->deliveries[key].push_back(&d);
      const PartySpec* party = nullptr;
      for (const PartySpec& p : kParties) {
        if (std::string_view(p.id) == d.party) party = &p;
      }
      if (party == nullptr) {
        std::fprintf(stderr, "landscape_generator: unknown party \"%s\"\n", d.party);
        std::abort();
      }
      t->delivery_party.push_back(party);
    }
    for (size_t s = 0; s < t->recipes.size(); ++s) {
      if (t->recipes[s].sources.empty()) {
        std::fprintf(stderr, "landscape_generator: no upstream for %s\n", kSubjects[s].slug);
        std::abort();
      }
    }
    return t;
  }();
  return *tables;
}

// A dataset chosen as a source.
struct Source {
  int64_t index = -1;
  Profile profile;
};

// Looks for a source of kind `kind` for dataset `i` (profile `target`)
// that is not in `taken`: returns one classified at or below the target
// when found, else nothing; an acceptable one classified above the target
// is kept in `*above` (a finding, used when nothing else fits).
std::optional<Source> FindSource(uint64_t seed, int64_t i, const Profile& target, Kind kind,
                                 const std::vector<int64_t>& taken, Rng& rng,
                                 std::optional<Source>* above) {
  auto is_taken = [&](int64_t j) { return std::find(taken.begin(), taken.end(), j) != taken.end(); };
  auto judge = [&](Source s) -> std::optional<Source> {
    if (s.profile.confidentiality <= target.confidentiality) return s;
    if (!above->has_value()) *above = std::move(s);
    return std::nullopt;
  };
  if (kind.of == Kind::kBasisregistratie) {
    const int64_t j = kind.index;
    if (is_taken(j)) return std::nullopt;
    if (target.subject->type != REGISTRATION_TYPE_KERNREGISTRATIE && i >= kDirectBasisUntil &&
        rng.Below(static_cast<uint64_t>(i)) >= static_cast<uint64_t>(kDirectBasisUntil)) {
      return std::nullopt;
    }
    Rng source_rng(seed, j);
    return judge({j, DrawProfile(source_rng, j)});
  }
  const int64_t lo = std::max(kBasisCount, i - kSourceWindow);
  if (lo >= i) return std::nullopt;
  for (int t = 0; t < kCandidateTries; ++t) {
    const int64_t j = lo + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(i - lo)));
    Rng source_rng(seed, j);
    const Kind k = DrawKind(source_rng, j);
    if (!(k == kind) || is_taken(j)) continue;
    if (std::optional<Source> s = judge({j, DrawProfile(source_rng, k)})) return s;
  }
  return std::nullopt;
}

std::string SnakeCase(std::string_view slug) {
  std::string out(slug);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

const SchemaField* FindField(const Dataset& d, std::string_view name) {
  for (const SchemaField& f : d.schema_fields()) {
    if (f.name() == name) return &f;
  }
  return nullptr;
}

// Column mappings from fields of `source` to fields of `target` (same name:
// copied; else once a field of the same type, transformed), or with no
// target field for a delivery (`target` null).
void MapColumns(Rng& rng, const Dataset& source, const Dataset* target, LineageEdge* edge) {
  const int fields = source.schema_fields_size();
  if (fields == 0) return;
  int wanted = rng.Between(1, 3);
  const int first = static_cast<int>(rng.Below(static_cast<uint64_t>(fields)));
  for (int k = 0; k < fields && wanted > 0; ++k) {
    const SchemaField& f = source.schema_fields((first + k) % fields);
    if (target != nullptr && FindField(*target, f.name()) == nullptr) continue;
    ColumnMapping* m = edge->add_column_mappings();
    m->set_source_field(f.name());
    if (target != nullptr) m->set_target_field(f.name());
    --wanted;
  }
  if (target == nullptr || edge->column_mappings_size() > 0) return;
  // No common field: one derived field. Personal data only rarely goes into
  // a field not marked as such (a finding).
  const bool allow_personal = rng.Percent(10);
  for (int k = 0; k < fields; ++k) {
    const SchemaField& f = source.schema_fields((first + k) % fields);
    if (f.personal_data() && !allow_personal) continue;
    for (const SchemaField& t : target->schema_fields()) {
      if (t.type() != f.type()) continue;
      ColumnMapping* m = edge->add_column_mappings();
      m->set_source_field(f.name());
      m->set_target_field(t.name());
      m->set_transformation(t.type() == "date"      ? "omgerekend naar peildatum"
                            : t.type() == "decimal" ? "opgeteld per jaar"
                            : t.type() == "integer" ? "geteld per object"
                            : t.type() == "geometry" ? "vereenvoudigd"
                                                      : "genormaliseerd");
      return;
    }
  }
}

constexpr const char* kBasisInterfaces[] = {"StUF-BG", "Haal Centraal API", "Digikoppeling",
                                            "SFTP-bestandsoverdracht"};
constexpr const char* kInternalInterfaces[] = {"API", "ZGW API's", "StUF-ZKN",
                                               "Databasekoppeling", "SFTP-bestandsoverdracht",
                                               "Digikoppeling"};
constexpr const char* kJobPrefixes[] = {"ETL-job load_", "dbt-model ", "Azure Data Factory pl_"};
constexpr UpdateFrequency kFeedFrequencies[] = {UPDATE_FREQUENCY_CONTINUOUS,
                                                UPDATE_FREQUENCY_DAILY};
constexpr UpdateFrequency kInternalFrequencies[] = {
    UPDATE_FREQUENCY_CONTINUOUS, UPDATE_FREQUENCY_DAILY, UPDATE_FREQUENCY_DAILY,
    UPDATE_FREQUENCY_WEEKLY, UPDATE_FREQUENCY_IRREGULAR};
constexpr UpdateFrequency kReportFrequencies[] = {
    UPDATE_FREQUENCY_DAILY, UPDATE_FREQUENCY_WEEKLY, UPDATE_FREQUENCY_MONTHLY,
    UPDATE_FREQUENCY_QUARTERLY};

std::string NodeName(const char* collection, const std::string& id) {
  return absl::StrCat(collection, "/", id);
}

// The edge from `source` into dataset i.
LineageEdge UpstreamEdge(uint64_t seed, const Source& source, int64_t i, const Profile& target,
                         const Dataset& dataset, Rng& rng) {
  const Profile& s = source.profile;
  const bool copy = s.kind == target.kind;
  const bool basis = s.basis != nullptr;
  const bool report = target.subject->type == REGISTRATION_TYPE_OVERIG;
  LineageEdge e;
  e.set_source(NodeName("datasets", DatasetId(s, source.index)));
  e.set_target(NodeName("datasets", dataset.id()));
  const bool takes_as_is =
      copy || (basis && target.subject->type == REGISTRATION_TYPE_KERNREGISTRATIE) ||
      std::string_view(target.subject->slug) == "extract-belastingen";
  e.set_relation(takes_as_is || rng.Percent(15) ? LINEAGE_RELATION_SOURCE
                                                : LINEAGE_RELATION_DERIVED);
  if (copy) {
    e.set_process(rng.Percent(50) ? "Replicatie" : "Databasekoppeling");
    e.set_frequency(rng.Pick(kFeedFrequencies));
  } else if (basis) {
    e.set_process(rng.Pick(kBasisInterfaces));
    e.set_frequency(rng.Pick(kFeedFrequencies));
  } else if (s.open != nullptr) {
    e.set_process("Open data API");
    e.set_frequency(rng.Pick(kReportFrequencies));
  } else if (report) {
    e.set_process(absl::StrCat(rng.Pick(kJobPrefixes), SnakeCase(target.subject->slug)));
    e.set_frequency(rng.Pick(kReportFrequencies));
  } else {
    e.set_process(rng.Pick(kInternalInterfaces));
    e.set_frequency(rng.Pick(kInternalFrequencies));
  }
  const char* from = BaseTitle(s);
  const char* to = BaseTitle(target);
  e.set_description(copy ? absl::StrCat("Kopie van ", from, ".")
                    : e.relation() == LINEAGE_RELATION_SOURCE
                        ? absl::StrCat(to, " neemt gegevens over uit ", from, ".")
                        : absl::StrCat(to, " wordt afgeleid uit ", from, "."));
  if (rng.Percent(kMappedEdgePercent)) {
    MapColumns(rng, GenerateDataset(seed, source.index), &dataset, &e);
  }
  return e;
}

LineageEdge DeliveryEdge(const Delivery& d, const PartySpec& party, const Dataset& dataset,
                         Rng& rng) {
  LineageEdge e;
  e.set_source(NodeName("datasets", dataset.id()));
  e.set_target(NodeName("parties", party.id));
  e.set_relation(LINEAGE_RELATION_DELIVERY);
  e.set_process(d.process);
  e.set_frequency(d.frequency);
  e.set_description(absl::StrCat("Verstrekking aan ", party.name, ": ", d.purpose, "."));
  e.set_purpose(d.purpose);
  e.set_legal_basis(d.legal_basis);
  e.set_legal_basis_explanation(d.legal_basis_explanation);
  if (rng.Percent(kMappedDeliveryPercent)) MapColumns(rng, dataset, nullptr, &e);
  return e;
}

}  // namespace

LandscapeGenerator::LandscapeGenerator(LandscapeOptions options) : options_(options) {}

catalog::v1::Dataset LandscapeGenerator::Dataset(int64_t i) const {
  return GenerateDataset(options_.seed, i);
}

std::vector<catalog::v1::ExternalParty> LandscapeGenerator::Parties() const {
  std::vector<ExternalParty> parties;
  for (const PartySpec& p : kParties) {
    ExternalParty& party = parties.emplace_back();
    party.set_id(p.id);
    party.set_name(p.name);
    party.set_oin(p.oin);
    party.set_kind(p.kind);
    party.set_description(p.description);
  }
  return parties;
}

std::vector<catalog::v1::LineageEdge> LandscapeGenerator::Edges(int64_t i) const {
  return Edges(i, Dataset(i));
}

std::vector<catalog::v1::LineageEdge> LandscapeGenerator::Edges(
    int64_t i, const catalog::v1::Dataset& dataset) const {
  const LineageTables& tables = Tables();
  std::vector<LineageEdge> edges;
  Rng rng(options_.seed ^ kLineageSalt, i);
  Rng dataset_rng(options_.seed, i);
  const Profile target = DrawProfile(dataset_rng, i);
  if (target.subject != nullptr) {
    const Recipe& recipe = tables.recipes[static_cast<size_t>(target.kind.index)];
    const int wanted = rng.Between(recipe.min_sources, recipe.max_sources);
    std::vector<int64_t> taken;
    for (int n = 0; n < wanted; ++n) {
      // A few kinds of source are tried; a source classified above the
      // target only when none classified at or below it was found.
      std::optional<Source> source, above;
      for (int attempt = 0; attempt < 4 && !source; ++attempt) {
        const Kind kind = recipe.sources[rng.Below(recipe.sources.size())];
        source = FindSource(options_.seed, i, target, kind, taken, rng, &above);
      }
      if (!source) source = std::move(above);
      if (!source) continue;
      taken.push_back(source->index);
      edges.push_back(UpstreamEdge(options_.seed, *source, i, target, dataset, rng));
    }
  }
  if (target.open == nullptr) {
    const size_t key = static_cast<size_t>(
        target.basis != nullptr ? target.kind.index : kBasisCount + target.kind.index);
    for (const Delivery* d : tables.deliveries[key]) {
      if (!rng.Percent(d->percent)) continue;
      const PartySpec& party = *tables.delivery_party[static_cast<size_t>(d - kDeliveries)];
      edges.push_back(DeliveryEdge(*d, party, dataset, rng));
    }
  }
  return edges;
}

LandscapeGenerator::Course LandscapeGenerator::CourseOf(int64_t i) const {
  Rng rng(options_.seed ^ kMeasurementStream, i);
  const int roll = rng.Between(0, 99);
  return roll < 35 ? Course::kImproving
         : roll < 60 ? Course::kDeclining
         : roll < 85 ? Course::kSteady
                     : Course::kStale;
}

std::vector<Measurement> LandscapeGenerator::Measurements(int64_t i, absl::Time now) const {
  const catalog::v1::Dataset dataset = Dataset(i);
  const Course course = CourseOf(i);
  Rng rng(options_.seed ^ kMeasurementStream, i);
  rng.Next();  // The draw of CourseOf.
  // A stale dataset's last measurement is 130..300 days old.
  const absl::Time end =
      course == Course::kStale ? now - absl::Hours(24) * rng.Between(130, 300) : now;
  // Points per month the score moves (fractions via /10).
  const double slope = course == Course::kImproving   ? rng.Between(3, 8) / 10.0
                       : course == Course::kDeclining ? -rng.Between(3, 8) / 10.0
                                                      : 0;
  std::vector<Measurement> out;
  for (const QualityNorm& norm : dataset.quality_norms()) {
    // Where the course starts relative to the norm: improving datasets
    // start below it, declining ones above.
    const double start = norm.target() + (course == Course::kImproving   ? -rng.Between(5, 12)
                                          : course == Course::kDeclining ? rng.Between(1, 6)
                                                                         : rng.Between(-4, 4));
    for (int m = 0; m < kHistoryMonths; ++m) {
      // Month m of the history; the last one lies within the final 30 days.
      const absl::Time at = end - absl::Hours(24) * 30 * (kHistoryMonths - 1 - m) -
                            absl::Minutes(rng.Between(60, 24 * 60 * 20));
      const double noise = rng.Between(-15, 15) / 10.0;
      const double score = std::clamp(start + slope * m + noise, 0.0, 100.0);
      Measurement& out_m = out.emplace_back();
      out_m.set_dataset("datasets/" + dataset.id());
      out_m.set_dimension(norm.dimension());
      out_m.set_score(std::round(score * 10) / 10);
      *out_m.mutable_measured_at() = ToTimestamp(at);
      out_m.set_method(MethodOf(norm.dimension()));
      out_m.set_sample_size(rng.Between(200, 5000));
      out_m.set_measured_by("dq-monitor");
    }
  }
  std::sort(out.begin(), out.end(), [](const Measurement& a, const Measurement& b) {
    return google::protobuf::util::TimeUtil::TimestampToMicroseconds(a.measured_at()) <
           google::protobuf::util::TimeUtil::TimestampToMicroseconds(b.measured_at());
  });
  return out;
}

std::vector<Terugmelding> LandscapeGenerator::Terugmeldingen(int64_t i) const {
  Rng rng(options_.seed ^ kTerugmeldingStream, i);
  const bool basis = i < kBasisCount;
  const int count = basis ? rng.Between(2, 4) : rng.Percent(10) ? rng.Between(1, 2) : 0;
  std::vector<Terugmelding> out;
  if (count == 0) return out;
  const catalog::v1::Dataset dataset = Dataset(i);
  for (int k = 0; k < count; ++k) {
    Terugmelding& t = out.emplace_back();
    t.set_dataset("datasets/" + dataset.id());
    const Org& org = rng.Pick(kExternalSources);
    SetOrg(t.mutable_reporter_organisation(), org.name, org.oin);
    t.set_reporter_department(rng.Pick(kDepartments));
    t.set_reporter_person(rng.Pick(kPersons));
    t.set_explanation(rng.Pick(kDoubts));
    char ref[16];
    std::snprintf(ref, sizeof(ref), "VS%06lld-%d", static_cast<long long>(i % 1000000), k);
    t.set_reference(ref);  // At most 12 characters.
    std::snprintf(ref, sizeof(ref), "OBJ-%07d", rng.Between(1, 9999999));
    t.set_object_reference(ref);
    if (!dataset.schema_fields().empty()) {
      const SchemaField& f =
          dataset.schema_fields(static_cast<int>(rng.Below(dataset.schema_fields_size())));
      DoubtedAttribute* a = t.add_attributes();
      a->set_name(f.name());
      a->set_doubted_value("onbekend");
      if (rng.Percent(60)) a->set_proposed_value("gecorrigeerde waarde");
    }
    if (!dataset.quality_norms().empty()) {
      t.set_dimension(
          dataset.quality_norms(static_cast<int>(rng.Below(dataset.quality_norms_size())))
              .dimension());
    }
    TerugmeldingContact* c = t.add_contacts();
    c->set_role(CONTACT_ROLE_MELDER);
    c->set_name(t.reporter_person());
    c->set_email("melder@" + std::string(org.name) + ".example");
  }
  return out;
}

TerugmeldingStatus LandscapeGenerator::TargetStatus(int64_t i, int64_t k) const {
  constexpr int64_t n = std::size(kTargets);
  if (i < kBasisCount) return kTargets[(i * 3 + k) % n];  // Covers every status.
  Rng rng(options_.seed ^ kTerugmeldingStream, -1 - i * 8 - k);
  return kTargets[rng.Below(n)];
}

std::vector<TerugmeldingStatus> LandscapeGenerator::TransitionPath(TerugmeldingStatus target) {
  switch (target) {
    case TERUGMELDING_STATUS_IN_BEHANDELING:
      return {TERUGMELDING_STATUS_IN_BEHANDELING};
    case TERUGMELDING_STATUS_INGEPLAND:
      return {TERUGMELDING_STATUS_IN_BEHANDELING, TERUGMELDING_STATUS_INGEPLAND};
    case TERUGMELDING_STATUS_AFGEHANDELD:
      return {TERUGMELDING_STATUS_IN_BEHANDELING, TERUGMELDING_STATUS_INGEPLAND,
              TERUGMELDING_STATUS_AFGEHANDELD};
    case TERUGMELDING_STATUS_INGETROKKEN:
    case TERUGMELDING_STATUS_ONVOLDOENDE_INFORMATIE:
    case TERUGMELDING_STATUS_VERKEERDE_BRONHOUDER:
      return {target};
    default:
      return {};
  }
}

}  // namespace catalog::demo
