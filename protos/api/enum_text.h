// Enum <-> text for the catalog.v1 enums, shared by server and clients.
//
// Every catalog.v1 enum value is named PREFIX_VALUE (e.g.
// CONFIDENTIALITY_VERTROUWELIJK). People and config files use the short form
// ("vertrouwelijk"); the API's JSON uses the full name. Both are accepted,
// case-insensitively. The tables are the protobuf descriptors themselves, so
// there is no second list to keep in step. Thread-safe.
#ifndef CATALOG_PROTOS_API_ENUM_TEXT_H_
#define CATALOG_PROTOS_API_ENUM_TEXT_H_

#include <string>
#include "absl/strings/string_view.h"

#include <google/protobuf/generated_enum_reflection.h>

#include "absl/status/statusor.h"

namespace catalog::api {

// Short lower-case name of an enum value: "vertrouwelijk" for
// CONFIDENTIALITY_VERTROUWELIJK. Empty for an unknown number.
std::string EnumShortName(const google::protobuf::EnumDescriptor& descriptor,
                          int number);

// Parses a short or full name, case-insensitively. INVALID_ARGUMENT naming
// `field` and listing the accepted values when it matches none, or when it
// names the UNSPECIFIED value.
absl::StatusOr<int> ParseEnumText(
    const google::protobuf::EnumDescriptor& descriptor, absl::string_view text,
    absl::string_view field);

template <typename E>
std::string EnumShortName(E value) {
  return EnumShortName(*google::protobuf::GetEnumDescriptor<E>(),
                       static_cast<int>(value));
}

template <typename E>
absl::StatusOr<E> ParseEnum(absl::string_view text, absl::string_view field) {
  absl::StatusOr<int> number =
      ParseEnumText(*google::protobuf::GetEnumDescriptor<E>(), text, field);
  if (!number.ok()) return number.status();
  return static_cast<E>(*number);
}

}  // namespace catalog::api

#endif  // CATALOG_PROTOS_API_ENUM_TEXT_H_
