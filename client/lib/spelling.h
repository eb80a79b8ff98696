// "Did you mean ...?": the candidate closest to a mistyped word.
#ifndef CATALOG_CLIENT_LIB_SPELLING_H_
#define CATALOG_CLIENT_LIB_SPELLING_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace catalog::client {

// Levenshtein distance, ignoring ASCII case.
size_t EditDistance(absl::string_view a, absl::string_view b);

// The candidate closest to `word` when it is a likely typo of it (a few
// edits, or `word` is a prefix or plural of it); "" otherwise. Ties go to
// the first candidate.
std::string ClosestWord(absl::string_view word, const std::vector<std::string>& candidates);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_SPELLING_H_
