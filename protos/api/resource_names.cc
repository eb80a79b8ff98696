#include "api/resource_names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace catalog::api {
namespace {

bool IsSlugChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

absl::Status ValidateDatasetId(absl::string_view id, absl::string_view field) {
  if (id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  bool chars_ok = true;
  for (char c : id) chars_ok = chars_ok && IsSlugChar(c);
  if (id.size() < kMinIdLength || id.size() > kMaxIdLength || !chars_ok ||
      !absl::ascii_islower(id.front()) || id.back() == '-') {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", absl::CHexEscape(id.substr(0, 80)),
        "\" is not a valid id: use 3 to 63 characters a-z, 0-9 and '-', "
        "starting with a letter and not ending with '-'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParseDatasetName(absl::string_view name,
                                             absl::string_view field) {
  absl::string_view id = name;
  absl::ConsumePrefix(&id, kDatasetCollection);
  if (absl::Status s = ValidateDatasetId(id, field); !s.ok()) return s;
  return std::string(id);
}

absl::Status DatasetNotFoundError(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("dataset ", id, " not found"));
}

absl::Status StaleRevisionError(absl::string_view what, int64_t expected, int64_t now) {
  return absl::AbortedError(absl::StrCat(what, " was changed since revision ", expected,
                                         now > 0 ? absl::StrCat(" (now at ", now, ")") : "",
                                         "; read it again and retry"));
}

std::string DatasetName(absl::string_view id) {
  return absl::StrCat(kDatasetCollection, id);
}

absl::StatusOr<std::string> ParsePartyName(absl::string_view name, absl::string_view field) {
  absl::string_view id = name;
  absl::ConsumePrefix(&id, kPartyCollection);
  if (absl::Status s = ValidateDatasetId(id, field); !s.ok()) return s;
  return std::string(id);
}

std::string PartyName(absl::string_view id) { return absl::StrCat(kPartyCollection, id); }

std::string ActivityName(absl::string_view id) { return absl::StrCat(kActivityCollection, id); }

std::string IdOf(absl::string_view name) {
  const size_t slash = name.find('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

absl::StatusOr<std::string> ParseNodeName(absl::string_view name, absl::string_view field) {
  if (absl::StartsWith(name, kPartyCollection)) {
    absl::StatusOr<std::string> id = ParsePartyName(name, field);
    if (!id.ok()) return id.status();
    return PartyName(*id);
  }
  absl::StatusOr<std::string> id = ParseDatasetName(name, field);
  if (!id.ok()) return id.status();
  return DatasetName(*id);
}

std::string SlugFromText(absl::string_view text, size_t reserve) {
  std::string slug;
  const size_t limit = kMaxIdLength > reserve ? kMaxIdLength - reserve : 1;
  for (char c : text) {
    if (slug.size() >= limit) break;
    char lower = absl::ascii_tolower(static_cast<unsigned char>(c));
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
      slug.push_back(lower);
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty() || !absl::ascii_islower(slug.front())) {
    slug = absl::StrCat("dataset", slug.empty() ? "" : "-", slug);
    if (slug.size() > limit) slug.resize(limit);
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
  }
  return slug;
}

}  // namespace catalog::api
