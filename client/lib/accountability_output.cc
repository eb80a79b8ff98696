#include "client/lib/accountability_output.h"

#include <iterator>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/lib/output.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::RepeatedPtrField;

// Characters of an id shown unmasked, and the shortest id that shows them.
constexpr size_t kShownIdCharacters = 3;
constexpr size_t kMinMaskedIdLength = 7;

// Indentation of the tables under an activity, and of their titles.
constexpr size_t kIndent = 4;
constexpr absl::string_view kTitleIndent = "  ";

std::string Hex(const std::string& bytes) {
  return bytes.empty() ? "-" : absl::BytesToHexString(bytes);
}

std::string Application(const v1::ProcessingOperation& op) {
  return op.application_version().empty()
             ? Cell(op.application())
             : Cell(absl::StrCat(op.application(), " ", op.application_version()));
}

// OperationStatus has no UNSPECIFIED value, so EnumCell cannot shorten it.
std::string StatusCell(v1::OperationStatus status) {
  constexpr absl::string_view kStatus[] = {"-", "ok", "error"};  // By value.
  const auto value = static_cast<size_t>(status);
  return std::string(value < std::size(kStatus) ? kStatus[value] : "-");
}

std::string Plural(int64_t count, absl::string_view one, absl::string_view more) {
  return absl::StrCat(count, " ", count == 1 ? one : more);
}

std::string DatasetText(const v1::DatasetUse& use) {
  if (use.title().empty()) return use.dataset();
  std::string text = absl::StrCat(use.dataset(), " (", use.title());
  if (!use.personal_fields().empty()) {
    absl::StrAppend(&text, "; personal: ", absl::StrJoin(use.personal_fields(), ", "));
  }
  return absl::StrCat(text, ")");
}

std::string RecipientTable(const RepeatedPtrField<v1::Recipient>& recipients) {
  TextTable table({"RECIPIENT", "PARTY", "FROM", "DATASET", "PURPOSE", "LEGAL BASIS"}, kIndent);
  for (const v1::Recipient& r : recipients) {
    table.AddRow({Cell(r.title()), Cell(r.party()),
                  r.source() == v1::Recipient::SOURCE_DELIVERY ? "delivery" : "register",
                  Cell(r.dataset()), Cell(r.purpose()), EnumCell(r.legal_basis())});
  }
  table.Limit(4, kPurposeWidth);
  return table.Render();
}

std::string SubjectOperationTable(const RepeatedPtrField<v1::ProcessingOperation>& operations) {
  TextTable table({"TIME", "APPLICATION", "NAME", "STATUS", "TRACE"}, kIndent);
  for (const v1::ProcessingOperation& op : operations) {
    table.AddRow({FormatTimestamp(op.start_time()), Application(op), Cell(op.name()),
                  StatusCell(op.status()), Hex(op.trace_id())});
  }
  return table.Render();
}

std::string ActivityAccountText(const v1::ActivityAccount& a) {
  const v1::ProcessingActivity& activity = a.activity();
  KeyValueBlock block;
  block.Group(absl::StrCat(activity.name(), " (version ", activity.version(), ")"));
  block.Add("title", activity.title());
  block.Add("purpose", activity.purpose());
  block.Add("legal basis",
            activity.legal_basis_explanation().empty()
                ? EnumText(activity.legal_basis())
                : absl::StrCat(EnumText(activity.legal_basis()), " (",
                               activity.legal_basis_explanation(), ")"));
  block.Add("controller", activity.controller().name());
  block.Add("retention", activity.retention_period());
  std::vector<std::string> datasets;
  for (const v1::DatasetUse& use : a.datasets()) datasets.push_back(DatasetText(use));
  block.Add("datasets", absl::StrJoin(datasets, "\n"));
  block.Add("other versions", absl::StrJoin(a.other_versions(), ", "));
  std::string text = block.Render();
  if (!a.recipients().empty()) {
    absl::StrAppend(&text, kTitleIndent, "recipients:\n", RecipientTable(a.recipients()));
  }
  return absl::StrCat(text, kTitleIndent, "operations:\n", SubjectOperationTable(a.operations()));
}

}  // namespace

void MergeAccountPage(v1::SubjectAccount page, v1::SubjectAccount* account) {
  for (v1::ActivityAccount& group : *page.mutable_activities()) {
    v1::ActivityAccount* same = nullptr;
    for (v1::ActivityAccount& known : *account->mutable_activities()) {
      if (known.activity().id() == group.activity().id()) same = &known;
    }
    if (same == nullptr) {
      *account->add_activities() = std::move(group);
      continue;
    }
    std::set<std::string> versions(same->other_versions().begin(), same->other_versions().end());
    for (v1::ProcessingOperation& op : *group.mutable_operations()) {
      versions.insert(op.activity());
      *same->add_operations() = std::move(op);
    }
    // The register version of the first page is the one shown.
    versions.erase(same->activity().version_name());
    same->mutable_other_versions()->Assign(versions.begin(), versions.end());
  }
  account->set_operation_count(account->operation_count() + page.operation_count());
  account->set_hidden_operations(account->hidden_operations() + page.hidden_operations());
  account->set_next_page_token(page.next_page_token());
}

std::string MaskSubjectId(absl::string_view id) {
  const size_t shown = id.size() >= kMinMaskedIdLength ? kShownIdCharacters : 0;
  return absl::StrCat(std::string(id.size() - shown, '*'), id.substr(id.size() - shown));
}

std::string FormatSubjectAccount(const v1::SubjectAccount& account, absl::string_view subject,
                                 absl::string_view period) {
  std::string text = absl::StrCat(
      "Data subject ", subject, ", ", period, ": ",
      Plural(account.operation_count(), "operation", "operations"), " in ",
      Plural(account.activities_size(), "activity", "activities"), "\n");
  if (account.hidden_operations() > 0) {
    absl::StrAppend(&text, Plural(account.hidden_operations(), "operation", "operations"),
                    " above your clearance not shown\n");
  }
  for (const v1::ActivityAccount& a : account.activities()) {
    absl::StrAppend(&text, "\n", ActivityAccountText(a));
  }
  return text;
}

std::string FormatActivityOperationTable(
    const RepeatedPtrField<v1::ProcessingOperation>& operations) {
  TextTable table({"TIME", "VERSION", "APPLICATION", "NAME", "STATUS", "ID TYPE", "TRACE"});
  for (const v1::ProcessingOperation& op : operations) {
    table.AddRow({FormatTimestamp(op.start_time()), Cell(op.activity()), Application(op),
                  Cell(op.name()), StatusCell(op.status()), Cell(op.data_subject_id_type()),
                  Hex(op.trace_id())});
  }
  return table.Render();
}

std::string FormatTrace(const v1::Trace& trace) {
  std::string text = absl::StrCat(
      "Trace ", trace.trace_id(), ": ",
      Plural(trace.operations_size(), "operation", "operations"),
      trace.hidden_operations() > 0
          ? absl::StrCat(" (", trace.hidden_operations(), " above your clearance not shown)")
          : "",
      "\n");
  TextTable table({"TIME", "SPAN", "PARENT", "VERSION", "APPLICATION", "NAME", "STATUS"});
  for (const v1::ProcessingOperation& op : trace.operations()) {
    table.AddRow({FormatTimestamp(op.start_time()), Hex(op.span_id()), Hex(op.parent_span_id()),
                  Cell(op.activity()), Application(op), Cell(op.name()),
                  StatusCell(op.status())});
  }
  absl::StrAppend(&text, table.Render());
  if (trace.foreign_operations().empty()) return text;
  TextTable foreign({"PROCESSOR", "TRACE", "SPAN"});
  for (const v1::ForeignOperation& f : trace.foreign_operations()) {
    foreign.AddRow({Cell(f.processor()), Hex(f.trace_id()), Hex(f.span_id())});
  }
  return absl::StrCat(text, "\nForeign operations:\n", foreign.Render());
}

std::string FormatDeliveryTable(const RepeatedPtrField<v1::Delivery>& deliveries) {
  TextTable table({"DATASET", "PARTY", "PURPOSE", "LEGAL BASIS", "PERSONAL", "COVERED BY"});
  for (const v1::Delivery& d : deliveries) {
    table.AddRow({Cell(d.dataset()), Cell(d.party()), Cell(d.purpose()),
                  EnumCell(d.legal_basis()), JaNee(d.personal_data()),
                  d.covering_activities().empty() ? "none"
                                                  : absl::StrJoin(d.covering_activities(), ", ")});
  }
  table.Limit(2, kPurposeWidth);
  return table.Render();
}

std::string FormatPurgeResult(const v1::PurgeExpiredOperationsResponse& result, bool dry_run) {
  std::string text = absl::StrCat(dry_run ? "would remove " : "removed ",
                                  Plural(result.operations(), "operation", "operations"),
                                  " past their activity's retention period",
                                  dry_run ? " (dry run: nothing removed)" : "", "\n");
  if (result.activities().empty()) return text;
  TextTable table({"ACTIVITY", "RETENTION", "OPERATIONS"});
  for (const v1::PurgedActivity& a : result.activities()) {
    table.AddRow({Cell(a.activity()), Cell(a.retention_period()), absl::StrCat(a.operations())});
  }
  return absl::StrCat(text, table.Render());
}

}  // namespace catalog::client
