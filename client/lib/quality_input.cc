#include "client/lib/quality_input.h"

#include <google/protobuf/util/time_util.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "api/enum_text.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

}  // namespace

absl::StatusOr<google::protobuf::Timestamp> ParseTimeText(
    absl::string_view text, absl::string_view field) {
  const std::string trimmed(absl::StripAsciiWhitespace(text));
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, trimmed, &time, &error) &&
      !absl::ParseTime("%Y-%m-%d", trimmed, absl::UTCTimeZone(), &time,
                       &error)) {
    return Invalid(field, absl::StrCat("\"", text,
                                       "\" is not an RFC 3339 time such as "
                                       "2026-11-28T10:00:00Z, nor a date"));
  }
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(time));
}

absl::StatusOr<v1::DoubtedAttribute> ParseDoubtedAttribute(
    absl::string_view text) {
  const size_t eq = text.find('=');
  if (eq == absl::string_view::npos) {
    return Invalid("--attribute",
                   absl::StrCat("\"", text, "\" is not NAME=DOUBTED[:PROPOSED]"));
  }
  v1::DoubtedAttribute attribute;
  attribute.set_name(std::string(absl::StripAsciiWhitespace(text.substr(0, eq))));
  if (attribute.name().empty()) {
    return Invalid("--attribute", absl::StrCat("\"", text, "\" has no name"));
  }
  const absl::string_view values = text.substr(eq + 1);
  const size_t colon = values.find(':');
  attribute.set_doubted_value(std::string(values.substr(0, colon)));
  if (colon != absl::string_view::npos) {
    attribute.set_proposed_value(std::string(values.substr(colon + 1)));
  }
  return attribute;
}

absl::StatusOr<v1::TerugmeldingContact> ParseTerugmeldingContact(
    absl::string_view text) {
  const size_t first = text.find(':');
  if (first == absl::string_view::npos) {
    return Invalid("--contact",
                   absl::StrCat("\"", text, "\" is not ROLE:NAME[:EMAIL]"));
  }
  absl::StatusOr<v1::ContactRole> role = catalog::api::ParseEnum<v1::ContactRole>(
      absl::StripAsciiWhitespace(text.substr(0, first)), "--contact role");
  if (!role.ok()) return role.status();
  if (*role == v1::CONTACT_ROLE_UNSPECIFIED) {
    return Invalid("--contact", "the role must be melder or behandelaar");
  }
  v1::TerugmeldingContact contact;
  contact.set_role(*role);
  const absl::string_view rest = text.substr(first + 1);
  const size_t second = rest.find(':');
  contact.set_name(
      std::string(absl::StripAsciiWhitespace(rest.substr(0, second))));
  if (contact.name().empty()) {
    return Invalid("--contact", absl::StrCat("\"", text, "\" has no name"));
  }
  if (second != absl::string_view::npos) {
    contact.set_email(
        std::string(absl::StripAsciiWhitespace(rest.substr(second + 1))));
  }
  return contact;
}

absl::StatusOr<std::string> TerugmeldingName(absl::string_view dataset_id,
                                             absl::string_view report) {
  const std::string prefix =
      absl::StrCat("datasets/", dataset_id, kReportsInfix);
  absl::string_view id = report;
  if (absl::StartsWith(report, "datasets/")) {
    if (!absl::StartsWith(report, prefix)) {
      return Invalid("REPORT_ID",
                     absl::StrCat("\"", report, "\" is not a report of ",
                                  dataset_id));
    }
    id.remove_prefix(prefix.size());
  }
  if (id.empty() || absl::StrContains(id, '/') ||
      absl::StrContains(id, ' ')) {
    return Invalid("REPORT_ID",
                   absl::StrCat("\"", report, "\" is not a report id"));
  }
  return absl::StrCat(prefix, id);
}

}  // namespace catalog::client
