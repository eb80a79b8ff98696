// The tables of one Amsterdam Schema dataset version as schema fields of
// the catalogue dataset. Internal to amsterdam_schema.cc.
#ifndef CATALOG_CLIENT_LIB_AMSTERDAM_TABLES_H_
#define CATALOG_CLIENT_LIB_AMSTERDAM_TABLES_H_

#include <string>
#include <vector>

#include "catalog/v1/dataset.pb.h"
#include "client/lib/amsterdam_schema.h"
#include "client/lib/schema_json.h"

namespace catalog::client {

// Whether a Woo ground of `reasonsNonPublic` says the data holds personal
// data (5.1 1d persoonsgegevens, 5.1 1e nationaal identificatienummer).
bool MeansPersonalData(const std::vector<std::string>& reasons);

// The most confidential level of `scopes`; unspecified for none.
catalog::v1::Confidentiality LevelOf(const std::vector<std::string>& scopes, const AuthMap& auth);

// Appends the fields of every table of `tables` (the array at `pointer` of
// `dataset`'s document: tables inline or by "$ref" to a table file below
// `dataset_dir`) to `out`'s schema fields. Problems go to `dataset`'s list,
// naming the file they are in.
void ReadTables(const Json& tables, const std::string& pointer, const std::string& dataset_dir,
                CheckedFile& dataset, const AuthMap& auth, catalog::v1::Dataset* out);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_AMSTERDAM_TABLES_H_
