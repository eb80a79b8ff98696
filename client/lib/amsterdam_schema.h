// Amsterdam Schema (https://schemas.data.amsterdam.nl) as catalogue
// datasets: one `dataset.json` and the table version files it refers to
// (`$ref`) become one catalog.v1.Dataset, by the mapping of
// docs/AMSTERDAM-SCHEMA.md. Metaschema 1.x (tables on the dataset) and
// 2.x-4.x (`versions` of major versions with their tables) are read.
//
// Pure: files in, protos and problems out; nothing here talks to a server.
// A file that is not JSON or does not follow the metaschema yields problems
// (its path and the JSON pointer of the place) and no dataset.
#ifndef CATALOG_CLIENT_LIB_AMSTERDAM_SCHEMA_H_
#define CATALOG_CLIENT_LIB_AMSTERDAM_SCHEMA_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "catalog/v1/dataset.pb.h"

namespace catalog::client {

// One problem of one file: "datasets/x/dataset.json: /versions/v1/status:
// unknown status \"klaar\"". `pointer` is a JSON pointer ("" the document);
// for a file that is not JSON it is empty and `message` names the line and
// column.
struct SchemaProblem {
  std::string file;
  std::string pointer;
  std::string message;
  std::string ToString() const;
};

// Amsterdam authorisation scopes ("OPENBAAR", "FP/MDW") to confidentiality.
// By default OPENBAAR is openbaar and every other scope intern; a file can
// name other levels per scope (and "*" for unlisted scopes).
class AuthMap {
 public:
  AuthMap();
  // A JSON object {"SCOPE": "level", ...} with levels as confidentiality
  // names ("vertrouwelijk" or CONFIDENTIALITY_VERTROUWELIJK). INVALID_ARGUMENT
  // "<name>: <pointer>: ..." for anything else.
  static absl::StatusOr<AuthMap> FromJson(absl::string_view text, absl::string_view name);
  catalog::v1::Confidentiality For(const std::string& scope) const;

 private:
  std::map<std::string, catalog::v1::Confidentiality> levels_;
  catalog::v1::Confidentiality other_;
};

// What reading one dataset.json gave: the dataset, or the problems.
struct AmsterdamDataset {
  std::string file;              // The dataset.json read.
  std::string amsterdam_id;      // Its `id`, when it has one.
  std::optional<catalog::v1::Dataset> dataset;
  std::vector<SchemaProblem> problems;
};

// The dataset.json files under `path` (a datasets/ tree or one dataset
// folder, searched recursively) or `path` itself when it is a file; sorted.
// NOT_FOUND when `path` does not exist or holds no dataset.json.
absl::StatusOr<std::vector<std::string>> FindDatasetFiles(const std::string& path);

// The catalogue id of the dataset in `dataset_file`: its folder's path below
// the nearest enclosing "datasets" folder (or the folder name when there is
// none), camelCase and separators turned into '-', lower case:
// ".../datasets/bekendeAmsterdammers/dataset.json" is
// "bekende-amsterdammers". INVALID_ARGUMENT when that is not a valid id.
absl::StatusOr<std::string> CatalogIdFor(const std::string& dataset_file);

// Reads `dataset_file` and its tables and maps them.
AmsterdamDataset ReadAmsterdamDataset(const std::string& dataset_file, const AuthMap& auth);

// The Dataset paths the import sets (docs/AMSTERDAM-SCHEMA.md): on an
// update exactly these are taken from the import, everything else is kept.
absl::Span<const char* const> ImportedPaths();

// Values for the required fields Amsterdam Schema has no place for, used
// only when a dataset is created (or the stored one lacks them).
struct CreateDefaults {
  std::string domain = "Overig";  // When the dataset has no theme.
  catalog::v1::HostingKind hosting = catalog::v1::HOSTING_KIND_ON_PREMISES;
};

// The dataset to write: `imported` onto `stored` (ImportedPaths taken from
// `imported`, the rest kept), or `imported` completed with `defaults` when
// nothing is stored. Bookkeeping fields are those of `stored`.
catalog::v1::Dataset MergeOntoStored(const catalog::v1::Dataset& imported,
                                     const catalog::v1::Dataset* stored,
                                     const CreateDefaults& defaults);

// The ImportedPaths whose values differ between `a` and `b`.
std::vector<std::string> ChangedPaths(const catalog::v1::Dataset& a,
                                      const catalog::v1::Dataset& b);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_AMSTERDAM_SCHEMA_H_
