// Text normalization shared by indexing and querying: lower-casing and
// diacritics folding, so that "Financiële" and "financiele" give the same
// terms. Applied to every indexed text and to every query before Xapian sees
// it (the one place where the rule lives). Thread-safe (pure functions).
#ifndef CATALOG_SERVER_SEARCH_TEXT_FOLD_H_
#define CATALOG_SERVER_SEARCH_TEXT_FOLD_H_

#include <string>

#include "absl/strings/string_view.h"

namespace catalog::search {

// `text` (UTF-8) lower-cased (Unicode simple case mapping) with Latin
// diacritics folded: à..å -> a, ç -> c, è..ë -> e, ì..ï -> i, ñ -> n,
// ò..ö/ø -> o, ù..ü -> u, ý/ÿ -> y, ß -> ss, æ -> ae, œ -> oe, ĳ -> ij and
// the Latin Extended-A letters used in European names (č, ł, ő, š, ž, ...).
// Combining marks (U+0300..U+036F) are dropped, so decomposed input folds
// like precomposed. Other characters pass through lower-cased; invalid
// UTF-8 bytes are kept as Latin-1 characters (Xapian::Utf8Iterator's rule).
std::string FoldText(absl::string_view text);

// FoldText, then runs of white space collapsed to one space and the ends
// trimmed: the key of the whole-title and id lookups (exact matches).
std::string NormalizeWhole(absl::string_view text);

}  // namespace catalog::search

#endif  // CATALOG_SERVER_SEARCH_TEXT_FOLD_H_
