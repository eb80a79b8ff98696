// The Dutch words of the inzage letter (AVG art. 15): dates as a letter
// writes them, retention periods, legal bases with their AVG article, the
// name of an id type, the governing body, the period asked for.
//
// All functions are pure and thread-safe.
#ifndef CATALOG_CLIENT_REPORT_INZAGE_TEXT_H_
#define CATALOG_CLIENT_REPORT_INZAGE_TEXT_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "catalog/v1/dataset.pb.h"
#include "catalog/v1/processing_service.pb.h"

namespace catalog::report {

// The time zone of the letter's times and what to call it in the letter.
struct LetterZone {
  absl::TimeZone zone;
  std::string label;  // "Nederlandse tijd", or "UTC".
};

// Europe/Amsterdam ("Nederlandse tijd"); UTC when the system has no time
// zone data (tzdata).
LetterZone DutchTimeZone();

// "7 december 2026".
std::string DutchDate(absl::Time time, absl::TimeZone zone);

// "07-12-2026 12:42".
std::string DutchDateTime(absl::Time time, absl::TimeZone zone);

// An ISO 8601 period of years, months, weeks and days in words: "P7Y" ->
// "7 jaar", "P1Y6M" -> "1 jaar en 6 maanden", "P30D" -> "30 dagen". Any
// other text (a time part, a typo) is returned as is.
std::string RetentionText(absl::string_view period);

// "Wettelijke verplichting (artikel 6, lid 1, onder c AVG)"; "" when not
// recorded.
std::string LegalBasisText(catalog::v1::LegalBasis basis);

// "college van burgemeester en wethouders"; "" when not recorded or other.
std::string GoverningBodyText(catalog::v1::GoverningBody body);

// "Burgerservicenummer" for BSN, "KvK-nummer" for KVK (any case); another
// type as given.
std::string IdTypeLabel(absl::string_view id_type);

// The period asked for, as the letter says it: "van 1 januari 2026 tot 1
// februari 2026", "vanaf 1 januari 2026", "tot 1 februari 2026", or, with
// neither bound, "alle vastgelegde verwerkingen".
std::string PeriodText(std::optional<absl::Time> since, std::optional<absl::Time> until,
                       absl::TimeZone zone);

}  // namespace catalog::report

#endif  // CATALOG_CLIENT_REPORT_INZAGE_TEXT_H_
