#include "client/lib/amsterdam_schema.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include <google/protobuf/util/field_mask_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "api/enum_text.h"
#include "api/resource_names.h"
#include "client/lib/amsterdam_tables.h"
#include "client/lib/schema_json.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;
namespace fs = std::filesystem;

// One major version of a dataset ("v2"), or the one version of a 1.x file.
struct Version {
  std::string key;      // "v2"; empty for a 1.x dataset.
  std::string version;  // "2.0.1"
  std::string status;   // As written: "stable".
  std::string end_support;
  v1::DatasetStatus mapped = v1::DATASET_STATUS_COMPLETED;
  const Json* tables = nullptr;
  std::string tables_at;
};

// Dataset status of a version (or 1.x dataset) status; nullopt when unknown.
std::optional<v1::DatasetStatus> StatusFor(absl::string_view status) {
  static const auto* const kStatuses = new std::map<std::string, v1::DatasetStatus, std::less<>>{
      {"beschikbaar", v1::DATASET_STATUS_COMPLETED},
      {"niet_beschikbaar", v1::DATASET_STATUS_WITHDRAWN},
      {"stable", v1::DATASET_STATUS_COMPLETED},
      {"under_development", v1::DATASET_STATUS_DEVELOP},
      {"experimental", v1::DATASET_STATUS_DEVELOP},
      {"superseded", v1::DATASET_STATUS_DEPRECATED},
      {"deprecated", v1::DATASET_STATUS_DEPRECATED},
  };
  auto it = kStatuses->find(status);
  if (it == kStatuses->end()) return std::nullopt;
  return it->second;
}

// Reads "status" (and "lifecycleStatus" of metaschema 3.1) of `object`.
void ReadStatus(CheckedFile& file, const Json& object, const std::string& at, Version* v) {
  v->status = file.String(object, at, "status").value_or("");
  if (!v->status.empty()) {
    std::optional<v1::DatasetStatus> mapped = StatusFor(v->status);
    if (!mapped) {
      file.Fail(PointerTo(at, "status"), absl::StrCat("unknown status \"", v->status, "\""));
    } else {
      v->mapped = *mapped;
    }
  }
  if (file.String(object, at, "lifecycleStatus").value_or("") == "experimental" &&
      v->mapped == v1::DATASET_STATUS_COMPLETED) {
    v->mapped = v1::DATASET_STATUS_DEVELOP;
  }
}

Version ReadVersion(CheckedFile& file, const Json& object, const std::string& at,
                    std::string key) {
  Version v;
  v.key = std::move(key);
  v.version = file.String(object, at, "version").value_or("");
  v.end_support = file.String(object, at, "endSupportDate").value_or("");
  ReadStatus(file, object, at, &v);
  v.tables = file.Array(object, at, "tables", true);
  v.tables_at = PointerTo(at, "tables");
  return v;
}

int MajorOf(const std::string& key) {
  return key.size() > 1 && key[0] == 'v' ? std::atoi(key.c_str() + 1) : -1;
}

// Every version of the document, and which one is the default: the
// "defaultVersion", else the highest major version.
std::vector<Version> ReadVersions(CheckedFile& file, const Json& doc, size_t* default_index) {
  std::vector<Version> versions;
  const Json* all = file.Object(doc, "", "versions");
  if (all == nullptr) {
    if (doc.is_object() && doc.contains("versions")) return versions;  // Reported.
    if (!doc.is_object() || !doc.contains("tables")) {
      file.Fail("", "neither \"versions\" (metaschema 2.x and later) nor \"tables\" (1.x)");
      return versions;
    }
    versions.push_back(ReadVersion(file, doc, "", ""));
    *default_index = 0;
    return versions;
  }
  for (const auto& [key, value] : all->items()) {
    const std::string at = PointerTo("/versions", key);
    if (!value.is_object()) {
      file.Fail(at, "expected an object (a dataset version)");
      continue;
    }
    versions.push_back(ReadVersion(file, value, at, key));
  }
  if (versions.empty()) {
    file.Fail("/versions", "no version");
    return versions;
  }
  std::optional<std::string> wanted = file.String(doc, "", "defaultVersion");
  *default_index = 0;
  for (size_t i = 0; i < versions.size(); ++i) {
    const bool chosen = wanted ? versions[i].key == *wanted
                               : MajorOf(versions[i].key) > MajorOf(versions[*default_index].key);
    if (chosen) *default_index = i;
  }
  if (wanted && versions[*default_index].key != *wanted) {
    file.Fail("/defaultVersion", absl::StrCat("no version \"", *wanted, "\" in /versions"));
  }
  return versions;
}

std::string DescribeVersion(const Version& v) {
  std::vector<std::string> parts;
  if (!v.version.empty()) parts.push_back(v.version);
  if (!v.status.empty()) parts.push_back(v.status);
  if (!v.end_support.empty()) parts.push_back(absl::StrCat("end of support ", v.end_support));
  return absl::StrCat(v.key, " (", absl::StrJoin(parts, ", "), ")");
}

// "Amsterdam Schema dataset X, version v2 (2.0.1, stable); superseded: v1
// (...)": the versions recorded on the dataset.
std::string Provenance(const std::string& id, const std::vector<Version>& versions,
                       size_t default_index) {
  const Version& chosen = versions[default_index];
  std::string text = absl::StrCat("Amsterdam Schema dataset ", id);
  if (!chosen.key.empty()) absl::StrAppend(&text, ", version ", DescribeVersion(chosen));
  std::vector<std::string> older, newer;
  for (size_t i = 0; i < versions.size(); ++i) {
    if (i == default_index) continue;
    (MajorOf(versions[i].key) < MajorOf(chosen.key) ? older : newer)
        .push_back(DescribeVersion(versions[i]));
  }
  if (!older.empty()) absl::StrAppend(&text, "; superseded: ", absl::StrJoin(older, ", "));
  if (!newer.empty()) absl::StrAppend(&text, "; newer: ", absl::StrJoin(newer, ", "));
  return text;
}

// "5.1 2h: Zwaarwegend belang: ..." as "art. 5.1 lid 2 sub h Woo (Zwaarwegend
// belang: ...)"; other text as it is.
std::string WooGround(const std::string& reason) {
  const size_t colon = reason.find(": ");
  const size_t space = reason.find(' ');
  if (colon == std::string::npos || space == std::string::npos || space + 3 != colon ||
      !absl::ascii_isdigit(static_cast<unsigned char>(reason[space + 1])) ||
      !absl::ascii_isalpha(static_cast<unsigned char>(reason[space + 2]))) {
    return reason;
  }
  return absl::StrCat("art. ", reason.substr(0, space), " lid ", reason.substr(space + 1, 1),
                      " sub ", reason.substr(space + 2, 1), " Woo (", reason.substr(colon + 2),
                      ")");
}

// "dagelijks" and the other Dutch words of the corpus; unspecified else.
v1::UpdateFrequency FrequencyFor(std::string text) {
  text = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  const std::pair<const char*, v1::UpdateFrequency> kWords[] = {
      {"dagelijks", v1::UPDATE_FREQUENCY_DAILY},   {"wekelijks", v1::UPDATE_FREQUENCY_WEEKLY},
      {"maand", v1::UPDATE_FREQUENCY_MONTHLY},     {"kwartaal", v1::UPDATE_FREQUENCY_QUARTERLY},
      {"jaarlijks", v1::UPDATE_FREQUENCY_ANNUAL},  {"eenmalig", v1::UPDATE_FREQUENCY_NEVER},
      {"onregelmatig", v1::UPDATE_FREQUENCY_IRREGULAR},
      {"continu", v1::UPDATE_FREQUENCY_CONTINUOUS}, {"realtime", v1::UPDATE_FREQUENCY_CONTINUOUS},
      {"minuten", v1::UPDATE_FREQUENCY_CONTINUOUS}, {"uur", v1::UPDATE_FREQUENCY_CONTINUOUS},
  };
  for (const auto& [word, frequency] : kWords) {
    if (absl::StrContains(text, word)) return frequency;
  }
  return v1::UPDATE_FREQUENCY_UNSPECIFIED;
}

// EU data themes of an Amsterdam theme ("Veiligheid, wonen"), by its words.
void AddThemes(const std::string& theme, std::set<v1::Theme>* out) {
  const std::string text = absl::AsciiStrToLower(theme);
  const std::pair<const char*, v1::Theme> kWords[] = {
      {"verkeer", v1::THEME_TRAN},    {"parkeer", v1::THEME_TRAN},   {"mobiliteit", v1::THEME_TRAN},
      {"milieu", v1::THEME_ENVI},     {"natuur", v1::THEME_ENVI},    {"duurzaam", v1::THEME_ENVI},
      {"veiligheid", v1::THEME_JUST}, {"handhaving", v1::THEME_JUST}, {"wonen", v1::THEME_REGI},
      {"ruimte", v1::THEME_REGI},     {"topografie", v1::THEME_REGI}, {"onderwijs", v1::THEME_EDUC},
      {"sport", v1::THEME_EDUC},      {"cultuur", v1::THEME_EDUC},   {"economie", v1::THEME_ECON},
      {"financi", v1::THEME_ECON},    {"energie", v1::THEME_ENER},   {"gezondheid", v1::THEME_HEAL},
      {"zorg", v1::THEME_HEAL},       {"bestuur", v1::THEME_GOVE},   {"bevolking", v1::THEME_SOCI},
      {"sociaal", v1::THEME_SOCI},
  };
  for (const auto& [word, eu] : kWords) {
    if (absl::StrContains(text, word)) out->insert(eu);
  }
}

// An RFC 3339 date-time, or a date, as a Timestamp.
void ReadTime(CheckedFile& file, const Json& doc, const char* key,
              google::protobuf::Timestamp* out) {
  std::optional<std::string> text = file.String(doc, "", key);
  if (!text) return;
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, *text, &time, &error) &&
      !absl::ParseTime("%Y-%m-%d", *text, absl::UTCTimeZone(), &time, &error)) {
    file.Fail(PointerTo("", key), absl::StrCat("\"", *text, "\" is not a date-time such as "
                                               "2021-01-01T00:00:00+01:00"));
    return;
  }
  out->set_seconds(absl::ToUnixSeconds(time));
}

// The name of a publisher: a string (1.x), or {"$ref": "/publishers/BOR"}
// read from publishers/BOR.json next to the datasets folder when it is
// there, else its id "BOR".
std::string PublisherName(CheckedFile& file, const Json& doc, const fs::path& root) {
  const Json* publisher = file.Member(doc, "", "publisher", true);
  if (publisher == nullptr) return "";
  if (publisher->is_string()) return publisher->get<std::string>();
  if (!publisher->is_object()) {
    file.Fail("/publisher", "expected a name or an object with \"$ref\"");
    return "";
  }
  std::string ref = file.String(*publisher, "/publisher", "$ref", true).value_or("");
  const std::string id = ref.substr(ref.rfind('/') + 1);
  if (!root.empty() && !absl::StrContains(ref, "..")) {
    std::error_code error;
    const fs::path path = root.parent_path() / absl::StrCat(absl::StripPrefix(ref, "/"), ".json");
    if (fs::is_regular_file(path, error)) {
      CheckedFile publisher_file = file.Sibling(path.string());
      if (std::optional<Json> p = publisher_file.Parse()) {
        return publisher_file.String(*p, "", "name").value_or(id);
      }
    }
  }
  return id;
}

// The folder named "datasets" that holds `file`, or empty.
fs::path DatasetsRoot(const std::string& file) {
  fs::path dir = fs::absolute(fs::path(file)).lexically_normal().parent_path();
  for (fs::path p = dir; p.has_relative_path(); p = p.parent_path()) {
    if (p.filename() == "datasets") return p;
  }
  return {};
}

std::string Trimmed(std::optional<std::string> text) {
  return std::string(absl::StripAsciiWhitespace(text.value_or("")));
}

// The DCAT description, people and organisations.
void MapDescription(CheckedFile& file, const Json& doc, v1::Dataset* d) {
  d->set_title(Trimmed(file.String(doc, "", "title")));
  d->set_description(Trimmed(file.String(doc, "", "description")));
  d->mutable_roles()->set_owner(Trimmed(file.String(doc, "", "owner", true)));
  d->mutable_creator()->set_name(Trimmed(file.String(doc, "", "creator", true)));
  std::string grantor = Trimmed(file.String(doc, "", "authorizationGrantor", true));
  if (absl::AsciiStrToLower(grantor) != "n.v.t.") d->mutable_roles()->set_steward(grantor);
  std::set<v1::Theme> themes;
  for (const std::string& theme : file.Strings(doc, "", "theme")) {
    AddThemes(theme, &themes);
    if (d->domain().empty()) d->set_domain(Trimmed(theme));
  }
  for (v1::Theme theme : themes) d->add_themes(theme);
  std::set<std::string> tags;
  for (const std::string& keyword : file.Strings(doc, "", "keywords")) {
    std::string tag = absl::AsciiStrToLower(absl::StripAsciiWhitespace(keyword));
    if (!tag.empty() && tag.size() <= 64 && tags.insert(tag).second) d->add_tags(tag);
  }
  d->mutable_openness()->set_licence(Trimmed(file.String(doc, "", "license")));
  if (std::string basis = Trimmed(file.String(doc, "", "legalBasis")); !basis.empty()) {
    d->add_applicable_legislation(basis);
  }
  if (std::string objective = Trimmed(file.String(doc, "", "objective")); !objective.empty()) {
    d->mutable_personal_data()->add_purposes(objective);
  }
  if (const Json* contact = file.Object(doc, "", "contactPoint")) {
    d->mutable_contact_point()->set_name(Trimmed(file.String(*contact, "/contactPoint", "name")));
    d->mutable_contact_point()->set_email(
        Trimmed(file.String(*contact, "/contactPoint", "email")));
  }
  if (std::string crs = Trimmed(file.String(doc, "", "crs")); !crs.empty()) d->add_conforms_to(crs);
  d->mutable_openness()->set_publication_url(Trimmed(file.String(doc, "", "homepage")));
  d->set_spatial_coverage(Trimmed(file.String(doc, "", "spatialDescription")));
  file.String(doc, "", "language");  // Checked; the Dataset has no place for it.
  ReadTime(file, doc, "dateCreated", d->mutable_issued());
  ReadTime(file, doc, "dateModified", d->mutable_modified());
  d->set_update_frequency(FrequencyFor(file.String(doc, "", "accrualPeriodicity").value_or("")));
}

// `auth` and `reasonsNonPublic`: confidentiality, access rights, openness.
void MapAccess(CheckedFile& file, const Json& doc, const AuthMap& auth, v1::Dataset* d) {
  const std::vector<std::string> scopes = file.Scopes(doc, "");
  if (file.Member(doc, "", "auth", true) == nullptr) return;
  const v1::Confidentiality level = LevelOf(scopes, auth);
  d->mutable_classification()->set_confidentiality(level);
  const bool open = level == v1::CONFIDENTIALITY_OPENBAAR;
  d->set_access_rights(open ? v1::ACCESS_RIGHTS_PUBLIC : v1::ACCESS_RIGHTS_NON_PUBLIC);
  const std::vector<std::string> reasons = file.Strings(doc, "", "reasonsNonPublic");
  std::vector<std::string> grounds;
  for (const std::string& reason : reasons) grounds.push_back(WooGround(reason));
  d->mutable_openness()->set_woo_ground(absl::StrJoin(grounds, "; "));
  d->mutable_openness()->set_level(open && reasons.empty() ? v1::OPENNESS_LEVEL_OPEN
                                                           : v1::OPENNESS_LEVEL_NIET_OPEN);
  if (MeansPersonalData(reasons)) d->mutable_personal_data()->set_contains_personal_data(true);
}

// The default version: status, version, tables; the others in provenance.
void MapVersions(CheckedFile& file, const Json& doc, const std::string& amsterdam_id,
                 const AuthMap& auth, v1::Dataset* d) {
  size_t chosen = 0;
  const std::vector<Version> versions = ReadVersions(file, doc, &chosen);
  if (versions.empty()) return;
  const Version& v = versions[chosen];
  d->set_status(v.mapped);
  d->set_version(v.version);
  d->set_provenance(Provenance(amsterdam_id, versions, chosen));
  if (v.tables == nullptr) return;
  const std::string dir = fs::path(file.file()).parent_path().string();
  ReadTables(*v.tables, v.tables_at, dir.empty() ? "." : dir, file, auth, d);
  for (const v1::SchemaField& field : d->schema_fields()) {
    if (field.personal_data()) d->mutable_personal_data()->set_contains_personal_data(true);
  }
}

// Hyphens for camelCase humps and separators; lower case.
std::string Slug(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (absl::ascii_isupper(c) && i > 0 &&
        absl::ascii_islower(static_cast<unsigned char>(text[i - 1]))) {
      out += '-';
    }
    if (absl::ascii_isalnum(c)) {
      out += absl::ascii_tolower(c);
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Paths the import writes besides ImportedPaths: those filled only when
// missing (on create, or when the stored dataset lacks them).
constexpr const char* kFilledPaths[] = {"domain", "registration_type", "hosting.kind",
                                        "personal_data.contains_personal_data",
                                        "personal_data.legal_basis"};

}  // namespace

std::string SchemaProblem::ToString() const {
  return pointer.empty() ? absl::StrCat(file, ": ", message)
                         : absl::StrCat(file, ": ", pointer, ": ", message);
}

AuthMap::AuthMap()
    : levels_{{"OPENBAAR", v1::CONFIDENTIALITY_OPENBAAR}}, other_(v1::CONFIDENTIALITY_INTERN) {}

absl::StatusOr<AuthMap> AuthMap::FromJson(absl::string_view text, absl::string_view name) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": expected a JSON object {\"SCOPE\": \"level\", ...}"));
  }
  AuthMap map;
  for (const auto& [scope, value] : doc.items()) {
    const std::string at = absl::StrCat(name, ": ", PointerTo("", scope));
    if (!value.is_string()) return absl::InvalidArgumentError(absl::StrCat(at, ": expected a level"));
    absl::StatusOr<v1::Confidentiality> level =
        api::ParseEnum<v1::Confidentiality>(value.get<std::string>(), at);
    if (!level.ok()) return level.status();
    if (*level == v1::CONFIDENTIALITY_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": a level is required"));
    }
    (scope == "*" ? map.other_ : map.levels_[scope]) = *level;
  }
  return map;
}

v1::Confidentiality AuthMap::For(const std::string& scope) const {
  auto it = levels_.find(scope);
  return it == levels_.end() ? other_ : it->second;
}

absl::StatusOr<std::vector<std::string>> FindDatasetFiles(const std::string& path) {
  std::error_code error;
  if (fs::is_regular_file(path, error)) return std::vector<std::string>{path};
  if (!fs::is_directory(path, error)) {
    return absl::NotFoundError(absl::StrCat("no such file or folder: ", path));
  }
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file() && it->path().filename() == "dataset.json") {
      files.push_back(it->path().string());
    }
  }
  if (error) return absl::InvalidArgumentError(absl::StrCat(path, ": ", error.message()));
  if (files.empty()) return absl::NotFoundError(absl::StrCat("no dataset.json under ", path));
  std::sort(files.begin(), files.end());
  return files;
}

absl::StatusOr<std::string> CatalogIdFor(const std::string& dataset_file) {
  const fs::path dir = fs::absolute(fs::path(dataset_file)).lexically_normal().parent_path();
  const fs::path root = DatasetsRoot(dataset_file);
  const std::string folder = root.empty() ? dir.filename().string()
                                          : dir.lexically_relative(root).string();
  std::string id = Slug(folder);
  if (absl::Status s = api::ValidateDatasetId(id, "id"); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("the folder \"", folder, "\" gives the id \"",
                                                   id, "\", which is not valid: ", s.message()));
  }
  return id;
}

AmsterdamDataset ReadAmsterdamDataset(const std::string& dataset_file, const AuthMap& auth) {
  AmsterdamDataset result;
  result.file = dataset_file;
  CheckedFile file(dataset_file, &result.problems);
  std::optional<Json> doc = file.Parse();
  if (!doc) return result;
  if (!doc->is_object()) {
    file.Fail("", "expected an object (a dataset)");
    return result;
  }
  result.amsterdam_id = file.String(*doc, "", "id", true).value_or("");
  if (std::optional<std::string> type = file.String(*doc, "", "type"); type && *type != "dataset") {
    file.Fail("/type", absl::StrCat("expected \"dataset\", not \"", *type, "\""));
  }
  v1::Dataset d;
  absl::StatusOr<std::string> id = CatalogIdFor(dataset_file);
  if (!id.ok()) file.Fail("", std::string(id.status().message()));
  d.set_id(id.value_or(""));
  MapDescription(file, *doc, &d);
  if (d.title().empty()) d.set_title(result.amsterdam_id);
  d.mutable_publisher()->set_name(PublisherName(file, *doc, DatasetsRoot(dataset_file)));
  MapAccess(file, *doc, auth, &d);
  MapVersions(file, *doc, result.amsterdam_id, auth, &d);
  if (result.problems.empty()) result.dataset = std::move(d);
  return result;
}

absl::Span<const char* const> ImportedPaths() {
  static constexpr const char* kPaths[] = {
      "title",          "description",         "status",
      "version",        "provenance",          "roles.owner",
      "roles.steward",  "creator.name",        "publisher.name",
      "contact_point.name", "contact_point.email", "themes",
      "tags",           "access_rights",       "update_frequency",
      "issued",         "modified",            "spatial_coverage",
      "conforms_to",    "applicable_legislation", "classification.confidentiality",
      "openness.level", "openness.licence",    "openness.woo_ground",
      "openness.publication_url", "personal_data.purposes", "schema_fields",
  };
  return kPaths;
}

namespace {

bool SameAt(const v1::Dataset& a, const v1::Dataset& b, const std::string& path) {
  google::protobuf::FieldMask mask;
  mask.add_paths(path);
  v1::Dataset only_a, only_b;
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(a, mask, {}, &only_a);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(b, mask, {}, &only_b);
  return only_a.SerializeAsString() == only_b.SerializeAsString();
}

}  // namespace

v1::Dataset MergeOntoStored(const v1::Dataset& imported, const v1::Dataset* stored,
                            const CreateDefaults& defaults) {
  v1::Dataset merged = stored != nullptr ? *stored : v1::Dataset();
  merged.set_id(imported.id());
  google::protobuf::FieldMask mask;
  for (const char* path : ImportedPaths()) mask.add_paths(path);
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(imported, mask, options, &merged);
  if (merged.domain().empty()) {
    merged.set_domain(imported.domain().empty() ? defaults.domain : imported.domain());
  }
  if (merged.registration_type() == v1::REGISTRATION_TYPE_UNSPECIFIED) {
    merged.set_registration_type(v1::REGISTRATION_TYPE_OVERIG);
  }
  if (merged.hosting().kind() == v1::HOSTING_KIND_UNSPECIFIED) {
    merged.mutable_hosting()->set_kind(defaults.hosting);
  }
  v1::PersonalData* personal = merged.mutable_personal_data();
  if (imported.personal_data().contains_personal_data()) personal->set_contains_personal_data(true);
  if (personal->contains_personal_data() &&
      personal->legal_basis() == v1::LEGAL_BASIS_UNSPECIFIED) {
    personal->set_legal_basis(v1::LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG);
  }
  return merged;
}

std::vector<std::string> ChangedPaths(const v1::Dataset& a, const v1::Dataset& b) {
  std::vector<std::string> changed;
  for (const char* path : ImportedPaths()) {
    if (!SameAt(a, b, path)) changed.push_back(path);
  }
  for (const char* path : kFilledPaths) {
    if (!SameAt(a, b, path)) changed.push_back(path);
  }
  return changed;
}

}  // namespace catalog::client
