#include "client/demo/landscape_generator.h"

#include <cstdio>
#include <string>

namespace catalog::demo {
namespace {

using namespace catalog::v1;  // Enum values read as the domain's vocabulary.

// splitmix64: a small, well-mixed generator whose output is fixed by
// definition (std:: distributions are implementation-defined).
class Rng {
 public:
  Rng(uint64_t seed, int64_t index)
      : state_(seed * 0x9E3779B97F4A7C15ull ^ (static_cast<uint64_t>(index) + 0x632BE59BD9B4E019ull)) {
    Next();
  }
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); the modulo bias is irrelevant for n << 2^64.
  uint64_t Below(uint64_t n) { return Next() % n; }
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  bool Percent(int p) { return Below(100) < static_cast<uint64_t>(p); }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) { return items[Below(N)]; }

 private:
  uint64_t state_;
};

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

void FillHosting(Rng& rng, Dataset* d) {
  const int roll = rng.Between(0, 99);
  const Host& host = roll < 45   ? kOnPremises
                     : roll < 60 ? rng.Pick(kGovernmentClouds)
                     : roll < 80 ? rng.Pick(kPublicClouds)
                                 : rng.Pick(kSaas);
  Hosting* h = d->mutable_hosting();
  h->set_kind(host.kind);
  h->set_provider(host.provider);
  h->set_region(host.region);
  h->set_country(host.country);
  h->set_inside_eea(host.inside_eea);
  h->set_provider_jurisdiction(host.jurisdiction);
  const bool external = host.kind == HOSTING_KIND_PUBLIC_CLOUD || host.kind == HOSTING_KIND_SAAS;
  char ref[32];
  if (external && rng.Percent(85)) {
    std::snprintf(ref, sizeof(ref), "VWO-%d-%03d", rng.Between(2018, 2025), rng.Between(1, 250));
    h->set_processor_agreement_ref(ref);
  }
  if (external && rng.Percent(60)) {
    std::snprintf(ref, sizeof(ref), "DPIA-%d-%03d", rng.Between(2019, 2025), rng.Between(1, 120));
    h->set_dpia_ref(ref);
  }
  if (external && rng.Percent(40)) {
    std::snprintf(ref, sizeof(ref), "EXIT-%d-%02d", rng.Between(2020, 2025), rng.Between(1, 60));
    h->set_exit_strategy_ref(ref);
  }
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

}  // namespace

LandscapeGenerator::LandscapeGenerator(LandscapeOptions options) : options_(options) {}

catalog::v1::Dataset LandscapeGenerator::Dataset(int64_t i) const {
  Rng rng(options_.seed, i);
  if (i < kBasisCount) return BasisDataset(rng, kBasis[i]);

  catalog::v1::Dataset d;
  char suffix[24];
  std::snprintf(suffix, sizeof(suffix), "-%06lld", static_cast<long long>(i));
  if (rng.Percent(12)) {
    // External open data, received from another organisation.
    const OpenSource& source = rng.Pick(kOpenSources);
    const Org& org = rng.Pick(kExternalSources);
    d.set_id(std::string(source.slug) + suffix);
    d.set_title(source.title);
    d.set_description(std::string(source.title) + ", ontvangen van " + org.name + ".");
    d.set_registration_type(REGISTRATION_TYPE_OVERIG);
    d.set_domain(source.domain);
    d.set_origin(ORIGIN_EXTERNAL);
    SetOrg(d.mutable_providing_organisation(), org.name, org.oin);
    FillHosting(rng, &d);
    d.mutable_classification()->set_confidentiality(CONFIDENTIALITY_OPENBAAR);
    FillCommon(rng, &d, "Open data portaal", org.name);
    return d;
  }
  const Subject& s = kSubjects[rng.Below(kSubjectCount)];
  d.set_id(std::string(s.slug) + suffix);
  d.set_title(s.title);
  d.set_description(std::string(s.title) + " van de gemeente Voorbeeldstad, beheerd in " +
                    s.system + ".");
  d.set_registration_type(s.type);
  d.set_domain(s.domain);
  d.set_origin(ORIGIN_INTERNAL);
  FillHosting(rng, &d);
  Confidentiality conf = rng.Pick(kOrdinaryConfidentiality);
  const bool personal = rng.Percent(s.personal_percent);
  if (personal && conf < CONFIDENTIALITY_INTERN) conf = CONFIDENTIALITY_ZAAKVERTROUWELIJK;
  if (d.domain() == "Sociaal domein" && conf < CONFIDENTIALITY_VERTROUWELIJK && rng.Percent(60)) {
    conf = CONFIDENTIALITY_VERTROUWELIJK;
  }
  if (rng.Percent(1)) conf = CONFIDENTIALITY_GEHEIM;
  d.mutable_classification()->set_confidentiality(conf);
  if (personal) FillPersonalData(rng, &d, s.legal_basis_explanation);
  FillCommon(rng, &d, s.system, s.supplier);
  return d;
}

}  // namespace catalog::demo
