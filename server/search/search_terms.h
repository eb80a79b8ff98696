// The index's term scheme, shared by the document builder and the query
// side (internal to catalog_search). Every rule of text analysis lives here
// or in text_fold.h:
//
// - Text fields (kTextFields): each field's folded text (FoldText) is
//   indexed twice by a Dutch TermGenerator (Stem("dutch"), STEM_SOME: raw
//   terms with positions plus Z-prefixed stems): under the field's prefix
//   (for "title:woz") and without a prefix (for free text). Title and id use
//   wdf_inc kStrongWdf, so that their matches rank higher.
// - English stems: an English TermGenerator (Stem("english"), STEM_ALL_Z:
//   only Z-prefixed stems, the raw terms are the Dutch pass's) indexes the
//   same texts under "XE" + field prefix and under "XE".
// - Hyphens: TermGenerator splits "WOZ-beschikking" into two words; the query
//   side replaces a hyphen between two letters or digits by a space, so that
//   the words are stemmed (Xapian would make an unstemmed phrase).
// - Boolean terms (no positions, wdf 0): "Q" + resource name (unique, the
//   replace key, also the exact-id lookup), "XT" + normalized whole title
//   (NormalizeWhole, the exact-title lookup), "XK" + kind, "XC" + confidentiality number (visibility), and
//   one per structured filter (kFilter*).
// - Values: one slot per Facet, holding the facet's display value, and
//   kIdSlot holding the dataset id: hits of equal weight are ordered by it,
//   so that an index built afresh ranks exactly as one built incrementally
//   (Xapian would otherwise break ties by document number).
#ifndef CATALOG_SERVER_SEARCH_SEARCH_TERMS_H_
#define CATALOG_SERVER_SEARCH_SEARCH_TERMS_H_

#include <string>
#include <vector>

#include <xapian.h>

#include "absl/strings/string_view.h"
#include "catalog/v1/dataset.pb.h"
#include "server/search/search_index.h"

namespace catalog::search {

// The value slot of the dataset id (after the facets' slots).
inline constexpr Xapian::valueno kIdSlot = kFacetCount;

// wdf_inc of title and id terms (other fields: 1).
inline constexpr Xapian::termcount kStrongWdf = 5;
// Prefix of the English pass (before the field's prefix).
inline constexpr absl::string_view kEnglishPrefix = "XE";

struct TextField {
  const char* query_name;  // Field qualifier in queries ("title").
  const char* prefix;      // Term prefix ("S").
  const char* path;        // API field path, for matched fields ("title").
};
// In the order matched fields are reported.
const std::vector<TextField>& TextFields();

// Boolean term prefixes.
inline constexpr absl::string_view kUniquePrefix = "Q";
inline constexpr absl::string_view kKindPrefix = "XK";
inline constexpr absl::string_view kWholeTitlePrefix = "XT";
inline constexpr absl::string_view kConfidentialityPrefix = "XC";
inline constexpr absl::string_view kFilterDomain = "XRD";
inline constexpr absl::string_view kFilterRegistrationType = "XRT";
inline constexpr absl::string_view kFilterBasisregistratie = "XRB";
inline constexpr absl::string_view kFilterHostingKind = "XRH";
inline constexpr absl::string_view kFilterProvider = "XRV";
inline constexpr absl::string_view kFilterInsideEea = "XRE";
inline constexpr absl::string_view kFilterOwner = "XRO";
inline constexpr absl::string_view kFilterTag = "XRG";
inline constexpr absl::string_view kFilterPersonalData = "XRM";
inline constexpr absl::string_view kFilterStatus = "XRS";
inline constexpr absl::string_view kFilterQuality = "XRQ";

inline constexpr absl::string_view kDatasetKind = "dataset";

// prefix + value, shortened to Xapian's term length limit (a longer value
// cannot be filtered on exactly; none of the catalogue's are that long).
std::string BooleanTerm(absl::string_view prefix, absl::string_view value);
std::string BoolValue(bool value);

// The document of `dataset`: terms, values and data (the resource name).
Xapian::Document BuildDocument(const catalog::v1::Dataset& dataset, const DocumentExtras& extras);

}  // namespace catalog::search

#endif  // CATALOG_SERVER_SEARCH_SEARCH_TERMS_H_
