#include "client/lib/processing_output.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/lib/output.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;

constexpr size_t kActivityPurposeWidth = 60;

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return absl::StrJoin(items, ", ");
}

}  // namespace

std::string FormatActivityTable(
    const google::protobuf::RepeatedPtrField<v1::ProcessingActivity>& activities) {
  TextTable table({"ACTIVITY", "TITLE", "LEGAL BASIS", "STATUS", "VERSION", "DATASETS"});
  for (const v1::ProcessingActivity& a : activities) {
    table.AddRow({Cell(a.name()), Cell(a.title()), EnumCell(a.legal_basis()),
                  EnumCell(a.status()), absl::StrCat(a.version()),
                  absl::StrCat(a.datasets_size())});
  }
  table.Limit(1, kTitleWidth);
  return table.Render();
}

std::string FormatActivityDetail(const v1::ProcessingActivity& a) {
  KeyValueBlock block;
  block.Add("name", a.name());
  block.Add("version", absl::StrCat(a.version(), " (", a.version_name(), ")"));
  block.Add("title", a.title());
  block.Add("status", EnumText(a.status()));
  block.Add("description", a.description());
  block.Group("Purpose and legal basis");
  block.Add("purpose", a.purpose());
  block.Add("legal basis", EnumText(a.legal_basis()));
  block.Add("explanation", a.legal_basis_explanation());
  block.Group("Responsible");
  block.Add("controller", a.controller().oin().empty()
                              ? a.controller().name()
                              : absl::StrCat(a.controller().name(), " (OIN ",
                                             a.controller().oin(), ")"));
  block.Add("governing body", EnumText(a.governing_body()));
  block.Add("data protection officer", a.data_protection_officer().name());
  block.Add("officer e-mail", a.data_protection_officer().email());
  block.Group("Data");
  block.Add("data subjects", Joined(a.data_subject_categories()));
  block.Add("personal data", Joined(a.personal_data_categories()));
  std::vector<std::string> special;
  for (int c : a.special_categories()) special.push_back(EnumText(static_cast<v1::SpecialCategory>(c)));
  block.Add("special categories", absl::StrJoin(special, ", "));
  block.Add("criminal data", a.criminal_data() ? "ja" : "");
  block.Add("datasets", Joined(a.datasets()));
  block.Group("Recipients and transfers");
  block.Add("recipient categories", Joined(a.recipient_categories()));
  block.Add("recipient parties", Joined(a.recipient_parties()));
  std::vector<std::string> transfers;
  for (const v1::ThirdCountryTransfer& t : a.transfers()) {
    transfers.push_back(absl::StrCat(t.country(), ": ", t.recipient(), " (", t.safeguards(), ")"));
  }
  block.Add("outside the EEA", absl::StrJoin(transfers, "; "));
  block.Group("Retention and security");
  block.Add("retention", a.retention_period());
  block.Add("log confidentiality", EnumText(a.log_confidentiality()));
  block.Add("security measures", a.security_measures());
  block.Group("Version");
  block.Add("valid from", FormatTimestamp(a.valid_from()));
  block.Add("valid until", FormatTimestamp(a.valid_until()));
  AddBookkeeping(block, a.revision(), a.etag(), a.create_time(), a.update_time());
  return block.Render();
}

std::string FormatActivityVersionTable(
    const google::protobuf::RepeatedPtrField<v1::ProcessingActivity>& versions) {
  TextTable table({"VERSION", "VALID FROM", "VALID UNTIL", "LEGAL BASIS", "PURPOSE"});
  for (const v1::ProcessingActivity& v : versions) {
    table.AddRow({absl::StrCat(v.version()), Cell(FormatTimestamp(v.valid_from())),
                  Cell(FormatTimestamp(v.valid_until())), EnumCell(v.legal_basis()),
                  Cell(v.purpose())});
  }
  table.Limit(4, kActivityPurposeWidth);
  return table.Render();
}

}  // namespace catalog::client
