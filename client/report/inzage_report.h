// The inzage letter (AVG art. 15): a catalog.v1.SubjectAccount
// (AccountabilityService.GetSubjectAccount, every page merged) as one
// self-contained Dutch HTML page a municipality can send to the resident:
// "Overzicht van de verwerking van uw persoonsgegevens", the period, per
// verwerkingsactiviteit its doel, grondslag, verwerkingsverantwoordelijke,
// categorieën persoonsgegevens, bewaartermijn and ontvangers, and a table of
// the verwerkingen (date and time, handeling, toepassing); then the
// resident's rights and whom to ask.
//
// As the landscape report: the page loads nothing (a Content-Security-
// Policy forbids it too), its CSS is inline and prints on A4, and every
// string from the server is HTML-escaped.
//
// The data subject's id: the renderer is given only its masked form
// (client::MaskSubjectId, "******653"), which the letter shows once, where
// it says whom it concerns; the plain id never reaches it, so no part of
// the page (title included) can hold it. Operations the caller's clearance
// does not reach (hidden_operations) are not mentioned in the letter;
// catalogctl warns the sender about them.
//
// All functions are pure and thread-safe.
#ifndef CATALOG_CLIENT_REPORT_INZAGE_REPORT_H_
#define CATALOG_CLIENT_REPORT_INZAGE_REPORT_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "catalog/v1/accountability_service.pb.h"
#include "client/report/inzage_text.h"

namespace catalog::report {

// What the letter says besides the account.
struct InzageLetter {
  // The id type as asked ("BSN") and the id masked ("******653").
  std::string id_type;
  std::string masked_id;
  // The period asked for; unset: unbounded on that side.
  std::optional<absl::Time> since, until;
  // The letter's date.
  absl::Time generated;
  LetterZone zone = DutchTimeZone();
};

// The letter as one HTML document (UTF-8). Elements carry stable
// attributes for tests: data-field="subject|period|generated_at" in the
// header, data-activity="{activity name}" on an activity's section and
// data-operation on each row of its operations. An account without
// operations gives a letter saying none were logged.
std::string RenderInzageHtml(const catalog::v1::SubjectAccount& account,
                             const InzageLetter& letter);

}  // namespace catalog::report

#endif  // CATALOG_CLIENT_REPORT_INZAGE_REPORT_H_
