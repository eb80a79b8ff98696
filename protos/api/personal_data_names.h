// Whether a schema field's name looks like personal data: "bsn",
// "geboortedatum", "woonadres", "e_mail", "telefoonNummer", "date_of_birth".
//
// A heuristic for a finding ("these fields look like personal data, but the
// dataset is not marked as containing it"), not a classification: a steward
// decides. Names are compared case-insensitively, split at separators and
// camelCase. Shared so that the server's finding and any client that warns
// before sending agree. Pure and thread-safe.
#ifndef CATALOG_PROTOS_API_PERSONAL_DATA_NAMES_H_
#define CATALOG_PROTOS_API_PERSONAL_DATA_NAMES_H_

#include "absl/strings/string_view.h"

namespace catalog::api {

bool LooksLikePersonalData(absl::string_view field_name);

}  // namespace catalog::api

#endif  // CATALOG_PROTOS_API_PERSONAL_DATA_NAMES_H_
