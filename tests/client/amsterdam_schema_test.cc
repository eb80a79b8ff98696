// The Amsterdam Schema mapping (client/lib/amsterdam_schema.h) on the
// fixtures of tests/fixtures/amsterdam-schema and on malformed copies:
// expectations are those of docs/AMSTERDAM-SCHEMA.md, written here.
#include "client/lib/amsterdam_schema.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/test_support.h"

namespace catalog::client {
namespace {

namespace fs = std::filesystem;
namespace v1 = ::catalog::v1;

std::string Fixture(const std::string& relative) {
  return testing::SourceDir() + "/tests/fixtures/amsterdam-schema/datasets/" + relative;
}

v1::Dataset Read(const std::string& relative, const AuthMap& auth = AuthMap()) {
  AmsterdamDataset read = ReadAmsterdamDataset(Fixture(relative), auth);
  for (const SchemaProblem& p : read.problems) ADD_FAILURE() << p.ToString();
  EXPECT_TRUE(read.dataset.has_value());
  return read.dataset.value_or(v1::Dataset());
}

TEST(AmsterdamSchemaTest, BekendeAmsterdammers) {
  const v1::Dataset d = Read("bekendeAmsterdammers/dataset.json");
  EXPECT_EQ(d.id(), "bekende-amsterdammers");
  EXPECT_EQ(d.title(), "Bekende Amsterdammers");
  EXPECT_EQ(d.description(),
            "Bekende historische personen die in Amsterdam hebben gewoond.\n (Een voorbeeld "
            "dataset)");
  EXPECT_EQ(d.roles().owner(), "Gemeente Amsterdam");
  EXPECT_EQ(d.roles().steward(), "myDataTeam@amsterdam.nl");
  EXPECT_EQ(d.creator().name(), "myBronhouder");
  EXPECT_EQ(d.publisher().name(), "myDataTeam");
  EXPECT_EQ(d.classification().confidentiality(), v1::CONFIDENTIALITY_OPENBAAR);
  EXPECT_EQ(d.access_rights(), v1::ACCESS_RIGHTS_PUBLIC);
  EXPECT_EQ(d.openness().level(), v1::OPENNESS_LEVEL_OPEN);
  EXPECT_EQ(d.openness().woo_ground(), "");
  EXPECT_EQ(d.status(), v1::DATASET_STATUS_COMPLETED);
  EXPECT_EQ(d.version(), "2.0.1");
  EXPECT_EQ(d.provenance(),
            "Amsterdam Schema dataset bekendeAmsterdammers, version v2 (2.0.1, stable); "
            "superseded: v1 (1.3.0, superseded, end of support 2025-12-31)");
  EXPECT_FALSE(d.personal_data().contains_personal_data());
  ASSERT_EQ(d.schema_fields_size(), 12);
  const v1::SchemaField& naam = d.schema_fields(1);
  EXPECT_EQ(naam.name(), "personen.volledigeNaam");
  EXPECT_EQ(naam.type(), "string");
  EXPECT_EQ(naam.description(), "Volledige naam van de persoon");
  EXPECT_EQ(naam.confidentiality(), v1::CONFIDENTIALITY_UNSPECIFIED);
  EXPECT_FALSE(naam.personal_data());
  EXPECT_EQ(d.schema_fields(3).name(), "personen.geassocieerdeLocaties");
  EXPECT_EQ(d.schema_fields(3).type(), "array<string>");
  EXPECT_EQ(d.schema_fields(6).name(), "locaties.heeftNummeraanduiding");
  EXPECT_EQ(d.schema_fields(6).type(), "object");
  EXPECT_EQ(d.schema_fields(8).description(),
            "Is de lokatie herkenbaar, door een vermelding van de persoon in de publieke "
            "ruimte. \nBijvoorbeeld door een bordje of gedenksteen.");
  EXPECT_EQ(d.schema_fields(10).type(), "geometry (Point)");
}

TEST(AmsterdamSchemaTest, BrandkranenIsNotPublicWithItsWooGround) {
  const v1::Dataset d = Read("brandkranen/dataset.json");
  EXPECT_EQ(d.id(), "brandkranen");
  EXPECT_EQ(d.classification().confidentiality(), v1::CONFIDENTIALITY_INTERN);
  EXPECT_EQ(d.access_rights(), v1::ACCESS_RIGHTS_NON_PUBLIC);
  EXPECT_EQ(d.openness().level(), v1::OPENNESS_LEVEL_NIET_OPEN);
  EXPECT_EQ(d.openness().woo_ground(),
            "art. 5.1 lid 2 sub h Woo (Zwaarwegend belang: beveiliging van personen en bedrijven "
            "en het voorkomen van sabotage)");
  EXPECT_EQ(d.openness().licence(), "Creative Commons, Naamsvermelding");
  EXPECT_EQ(d.openness().publication_url(), "https://data.amsterdam.nl");
  EXPECT_EQ(d.roles().owner(), "Waternet");
  EXPECT_EQ(d.roles().steward(), "");  // "n.v.t."
  EXPECT_EQ(d.publisher().name(), "BOR");
  EXPECT_EQ(d.domain(), "Veiligheid, wonen");
  ASSERT_EQ(d.themes_size(), 2);
  EXPECT_EQ(d.themes(0), v1::THEME_JUST);
  EXPECT_EQ(d.themes(1), v1::THEME_REGI);
  EXPECT_EQ(d.update_frequency(), v1::UPDATE_FREQUENCY_NEVER);
  EXPECT_EQ(d.issued().seconds(), 1609455600);  // 2021-01-01T00:00:00+01:00
  EXPECT_EQ(d.modified().seconds(), 1609455600);
  ASSERT_EQ(d.conforms_to_size(), 1);
  EXPECT_EQ(d.conforms_to(0), "EPSG:28992");
  EXPECT_EQ(d.spatial_coverage(), "De stad Amsterdam");
  EXPECT_EQ(d.personal_data().purposes_size(), 0);  // " " is no objective.
  ASSERT_EQ(d.tags_size(), 2);
  EXPECT_EQ(d.tags(0), "brandweer");
  ASSERT_EQ(d.schema_fields_size(), 6);
  // The table's auth FP/MDW holds for its fields.
  EXPECT_EQ(d.schema_fields(0).confidentiality(), v1::CONFIDENTIALITY_INTERN);
  EXPECT_EQ(d.schema_fields(3).type(), "geometry (Point)");
}

TEST(AmsterdamSchemaTest, MinimaalAndTheAuthMap) {
  const v1::Dataset d = Read("minimaal/dataset.json");
  EXPECT_EQ(d.id(), "minimaal");
  ASSERT_EQ(d.schema_fields_size(), 2);
  EXPECT_EQ(d.schema_fields(0).name(), "personen.id");
  absl::StatusOr<AuthMap> map =
      AuthMap::FromJson(R"({"FP/MDW": "vertrouwelijk", "*": "zaakvertrouwelijk"})", "map.json");
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(Read("brandkranen/dataset.json", *map).classification().confidentiality(),
            v1::CONFIDENTIALITY_VERTROUWELIJK);
  EXPECT_EQ(map->For("BRK/RSN"), v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK);
  EXPECT_EQ(map->For("OPENBAAR"), v1::CONFIDENTIALITY_OPENBAAR);
  absl::StatusOr<AuthMap> bad = AuthMap::FromJson(R"({"A/B": "heel geheim"})", "map.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("map.json: /A~1B"), std::string::npos) << bad.status();
  EXPECT_FALSE(AuthMap::FromJson("[]", "map.json").ok());
}

// A copy of the minimaal fixture in a temp dir, to break.
class MalformedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(dir_.path()) / "datasets" / "kapot";
    fs::create_directories(root_.parent_path());
    fs::copy(Fixture("minimaal"), root_, fs::copy_options::recursive);
  }
  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(root_ / relative) << text;
  }
  // The one problem of reading the copy, as text.
  std::string Problem() {
    AmsterdamDataset read = ReadAmsterdamDataset((root_ / "dataset.json").string(), AuthMap());
    EXPECT_FALSE(read.dataset.has_value());
    EXPECT_EQ(read.problems.size(), 1u);
    return read.problems.empty() ? "" : read.problems[0].ToString();
  }
  std::string File(const std::string& relative) { return (root_ / relative).string(); }

  testing::TempDir dir_;
  fs::path root_;
};

TEST_F(MalformedTest, BadJson) {
  Write("dataset.json", "{\n  \"id\": \"kapot\",\n  \"title\": ,\n}\n");
  EXPECT_EQ(Problem().rfind(File("dataset.json") + ": line 3, column 12: not valid JSON", 0), 0u)
      << Problem();
}

TEST_F(MalformedTest, WrongTypeAtPointer) {
  Write("personen/v1.json",
        R"({"id": "personen", "type": "table", "schema": {"properties": {"naam": {"type": 3}}}})");
  EXPECT_EQ(Problem(), File("personen/v1.json") +
                           ": /schema/properties/naam/type: expected a string, not a number");
}

TEST_F(MalformedTest, MissingRefTarget) {
  fs::remove(root_ / "personen" / "v1.json");
  EXPECT_EQ(Problem(), File("dataset.json") + ": /versions/v1/tables/0/$ref: no table file "
                                              "personen/v1.json (" +
                           File("personen/v1.json") + ")");
}

TEST_F(MalformedTest, UnknownStatusAndMissingRequired) {
  Write("dataset.json",
        R"({"id": "kapot", "type": "dataset", "owner": "o", "creator": "c", "publisher": "p",
            "authorizationGrantor": "g", "auth": "OPENBAAR",
            "versions": {"v1": {"status": "klaar", "tables": [{"$ref": "personen/v1"}]}}})");
  EXPECT_EQ(Problem(), File("dataset.json") + ": /versions/v1/status: unknown status \"klaar\"");
  Write("dataset.json", R"({"id": "kapot", "type": "dataset", "tables": []})");
  AmsterdamDataset read = ReadAmsterdamDataset(File("dataset.json"), AuthMap());
  ASSERT_GE(read.problems.size(), 1u);
  EXPECT_EQ(read.problems[0].ToString(), File("dataset.json") + ": \"owner\" is required");
}

TEST(AmsterdamSchemaTest, PersonalDataFromReasonsNonPublic) {
  testing::TempDir dir;
  const fs::path root = fs::path(dir.path()) / "datasets" / "inwoners";
  fs::create_directories(root / "personen");
  std::ofstream(root / "dataset.json") << R"({"id": "inwoners", "type": "dataset",
      "owner": "o", "creator": "c", "publisher": "p", "authorizationGrantor": "g",
      "auth": "FP/MDW", "versions": {"v1": {"version": "1.0.0", "status": "stable",
      "tables": [{"$ref": "personen/v1"}]}}})";
  std::ofstream(root / "personen" / "v1.json") << R"({"id": "personen", "type": "table",
      "schema": {"properties": {"bsn": {"type": "string", "auth": "BRP/RSN",
      "reasonsNonPublic": ["5.1 1e: Bevat nationaal identificatienummer"]},
      "geboortedatum": {"type": "string", "format": "date"}}}})";
  absl::StatusOr<AuthMap> map = AuthMap::FromJson(R"({"BRP/RSN": "geheim"})", "m");
  ASSERT_TRUE(map.ok());
  AmsterdamDataset read = ReadAmsterdamDataset((root / "dataset.json").string(), *map);
  ASSERT_TRUE(read.dataset.has_value()) << read.problems[0].ToString();
  const v1::Dataset& d = *read.dataset;
  EXPECT_TRUE(d.personal_data().contains_personal_data());
  EXPECT_TRUE(d.schema_fields(0).personal_data());
  EXPECT_EQ(d.schema_fields(0).confidentiality(), v1::CONFIDENTIALITY_GEHEIM);
  EXPECT_FALSE(d.schema_fields(1).personal_data());
  EXPECT_EQ(d.schema_fields(1).type(), "date");
  // On create: the required fields Amsterdam Schema lacks, and a legal basis.
  const v1::Dataset created = MergeOntoStored(d, nullptr, CreateDefaults());
  EXPECT_EQ(created.domain(), "Overig");
  EXPECT_EQ(created.registration_type(), v1::REGISTRATION_TYPE_OVERIG);
  EXPECT_EQ(created.hosting().kind(), v1::HOSTING_KIND_ON_PREMISES);
  EXPECT_EQ(created.personal_data().legal_basis(), v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);
}

TEST(AmsterdamSchemaTest, MergeKeepsWhatTheImportDoesNotSet) {
  const v1::Dataset imported = Read("brandkranen/dataset.json");
  v1::Dataset stored = MergeOntoStored(imported, nullptr, CreateDefaults());
  stored.set_system("Brandkranenregister");
  stored.set_domain("Brandweer");
  stored.set_etag("7");
  EXPECT_TRUE(ChangedPaths(stored, MergeOntoStored(imported, &stored, CreateDefaults())).empty());
  v1::Dataset changed = imported;
  changed.set_title("Brandkranen (nieuw)");
  const v1::Dataset merged = MergeOntoStored(changed, &stored, CreateDefaults());
  EXPECT_EQ(merged.system(), "Brandkranenregister");
  EXPECT_EQ(merged.domain(), "Brandweer");
  EXPECT_EQ(ChangedPaths(stored, merged), std::vector<std::string>{"title"});
}

TEST(AmsterdamSchemaTest, FindsDatasetFilesAndIds) {
  absl::StatusOr<std::vector<std::string>> files = FindDatasetFiles(Fixture(""));
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[1], Fixture("brandkranen/dataset.json"));
  EXPECT_TRUE(absl::IsNotFound(FindDatasetFiles(Fixture("nowhere")).status()));
  EXPECT_TRUE(absl::IsNotFound(FindDatasetFiles(Fixture("brandkranen/brandkranen")).status()));
  testing::TempDir dir;
  fs::create_directories(fs::path(dir.path()) / "datasets" / "ab");
  EXPECT_FALSE(CatalogIdFor(dir.path() + "/datasets/ab/dataset.json").ok());
}

}  // namespace
}  // namespace catalog::client
