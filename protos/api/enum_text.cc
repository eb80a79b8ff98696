#include "api/enum_text.h"

#include <google/protobuf/descriptor.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace catalog::api {
namespace {

// The common prefix of all value names: "CONFIDENTIALITY_" for
// Confidentiality, taken from the UNSPECIFIED value (number 0).
absl::string_view ValuePrefix(const google::protobuf::EnumDescriptor& d) {
  const google::protobuf::EnumValueDescriptor* zero = d.FindValueByNumber(0);
  if (zero == nullptr) return {};
  absl::string_view name = zero->name();
  constexpr absl::string_view kUnspecified = "UNSPECIFIED";
  if (!absl::EndsWith(name, kUnspecified)) return {};
  return name.substr(0, name.size() - kUnspecified.size());
}

}  // namespace

std::string EnumShortName(const google::protobuf::EnumDescriptor& descriptor,
                          int number) {
  const google::protobuf::EnumValueDescriptor* value =
      descriptor.FindValueByNumber(number);
  if (value == nullptr) return {};
  absl::string_view name = value->name();
  name.remove_prefix(ValuePrefix(descriptor).size());
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<int> ParseEnumText(
    const google::protobuf::EnumDescriptor& descriptor, absl::string_view text,
    absl::string_view field) {
  const std::string wanted = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  const absl::string_view prefix = ValuePrefix(descriptor);
  std::vector<std::string> accepted;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = descriptor.value(i);
    if (value->number() == 0) continue;
    absl::string_view full = value->name();
    absl::string_view short_name = full.substr(prefix.size());
    if (wanted == full || wanted == short_name) return value->number();
    accepted.push_back(absl::AsciiStrToLower(short_name));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": unknown value \"", text,
                   "\"; expected one of: ", absl::StrJoin(accepted, ", ")));
}

}  // namespace catalog::api
