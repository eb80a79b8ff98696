#include "client/lib/output.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "api/enum_text.h"

namespace catalog::client {
namespace {

using catalog::v1::Dataset;
using catalog::v1::DatasetRevision;

// Number of code points in UTF-8 `text` (continuation bytes not counted).
size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

// Byte offset of the code point number `n` in `text` (text.size() when it
// has fewer).
size_t OffsetOfCodePoint(absl::string_view text, size_t n) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == n) return i;
      ++seen;
    }
  }
  return text.size();
}

absl::StatusOr<std::string> PrintJson(const google::protobuf::Message& message,
                                      bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.always_print_primitive_fields = false;
  options.preserve_proto_field_names = false;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print ", message.GetTypeName(),
                     " as JSON: ", std::string(status.message())));
  }
  if (pretty && (json.empty() || json.back() != '\n')) json.push_back('\n');
  return json;
}

// Short names of a repeated enum field, comma separated.
template <typename E>
std::string EnumList(const google::protobuf::RepeatedField<int>& values) {
  std::vector<std::string> names;
  names.reserve(values.size());
  for (int v : values) names.push_back(EnumText(static_cast<E>(v)));
  return absl::StrJoin(names, ", ");
}

std::string OrganisationText(const catalog::v1::Organisation& org) {
  if (org.oin().empty()) return org.name();
  if (org.name().empty()) return absl::StrCat("OIN ", org.oin());
  return absl::StrCat(org.name(), " (OIN ", org.oin(), ")");
}

std::string ContactText(const catalog::v1::Contact& contact) {
  std::string head = contact.name();
  if (!contact.email().empty()) {
    absl::StrAppend(&head, head.empty() ? "" : " ", "<", contact.email(), ">");
  }
  std::vector<std::string> parts;
  for (const std::string& part :
       {head, contact.phone(), contact.department()}) {
    if (!part.empty()) parts.push_back(part);
  }
  return absl::StrJoin(parts, ", ");
}

std::string SchemaTable(const Dataset& dataset) {
  TextTable table({"NAME", "TYPE", "PERSONAL", "CONFIDENTIALITY"},
                  /*indent=*/2);
  for (const catalog::v1::SchemaField& field : dataset.schema_fields()) {
    table.AddRow({field.name(),
                  field.redacted()       ? "[redacted]"
                  : field.type().empty() ? "-"
                                         : field.type(),
                  JaNee(field.personal_data()),
                  EnumCell(field.confidentiality())});
  }
  return table.Render();
}

}  // namespace

void KeyValueBlock::Group(std::string title) {
  groups_.push_back({std::move(title), {}});
}

void KeyValueBlock::Add(std::string key, std::string value) {
  if (value.empty()) return;
  if (groups_.empty()) groups_.push_back({"", {}});
  groups_.back().lines.emplace_back(std::move(key), std::move(value));
}

std::string KeyValueBlock::Render() const {
  std::string out;
  for (const GroupLines& group : groups_) {
    if (group.lines.empty()) continue;
    const std::string indent = group.title.empty() ? "" : "  ";
    if (!group.title.empty()) {
      if (!out.empty()) out.push_back('\n');
      absl::StrAppend(&out, group.title, ":\n");
    }
    size_t key_width = 0;
    for (const auto& [key, value] : group.lines) {
      key_width = std::max(key_width, DisplayWidth(key) + 1);
    }
    for (const auto& [key, value] : group.lines) {
      // Continuation lines of a multi-line value line up under it.
      const std::string continuation =
          absl::StrCat("\n", indent, std::string(key_width + 1, ' '));
      absl::StrAppend(&out, indent, key, ":",
                      std::string(key_width - DisplayWidth(key), ' '),
                      absl::StrReplaceAll(value, {{"\n", continuation}}), "\n");
    }
  }
  return out;
}

std::string Cell(absl::string_view text) {
  if (text.empty()) return "-";
  std::string cell(text);
  for (char& c : cell) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return cell;
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  return PrintJson(message, /*pretty=*/true);
}

absl::StatusOr<std::string> ToCompactJson(
    const google::protobuf::Message& message) {
  return PrintJson(message, /*pretty=*/false);
}

absl::StatusOr<nlohmann::ordered_json> ToJsonValue(
    const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = ToCompactJson(message);
  if (!json.ok()) return json.status();
  nlohmann::ordered_json value =
      nlohmann::ordered_json::parse(*json, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return absl::InternalError(absl::StrCat(
        "protobuf printed invalid JSON for ", message.GetTypeName()));
  }
  return value;
}

std::string FormatJson(const nlohmann::ordered_json& value) {
  return value.dump(/*indent=*/1) + "\n";  // As protobuf's add_whitespace.
}

namespace {

struct TableLayout {
  bool wide = false;
  size_t terminal_width = 0;
};

TableLayout& Layout() {
  static TableLayout layout;
  return layout;
}

// A column is not cut below its header or this many code points.
constexpr size_t kMinColumnWidth = 8;

}  // namespace

void SetTableLayout(bool wide, size_t terminal_width) {
  Layout() = TableLayout{wide, terminal_width};
}

TextTable::TextTable(std::vector<std::string> header, size_t indent)
    : indent_(indent), limits_(header.size(), 0) {
  rows_.push_back(std::move(header));
}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(rows_.front().size());
  rows_.push_back(std::move(cells));
}

void TextTable::Limit(size_t column, size_t width) {
  if (column < limits_.size()) limits_[column] = width;
}

std::vector<size_t> TextTable::ColumnWidths() const {
  const size_t columns = rows_.front().size();
  std::vector<size_t> widths(columns, 0);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < columns; ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  const TableLayout& layout = Layout();
  if (layout.wide || layout.terminal_width == 0) return widths;
  auto floor = [&](size_t c) {
    return std::min(widths[c], std::max(DisplayWidth(rows_.front()[c]), kMinColumnWidth));
  };
  for (size_t c = 0; c < columns; ++c) {
    if (limits_[c] > 0) widths[c] = std::max(std::min(widths[c], limits_[c]), floor(c));
  }
  size_t total = indent_ + 2 * (columns - 1);
  for (size_t w : widths) total += w;
  while (total > layout.terminal_width) {
    size_t widest = 0;
    for (size_t c = 1; c < columns; ++c) {
      if (widths[c] > floor(c) && (widest == 0 || widths[c] > widths[widest])) widest = c;
    }
    if (widest == 0) break;  // Nothing left to cut.
    --widths[widest];
    --total;
  }
  return widths;
}

std::string TextTable::Render() const {
  const std::vector<size_t> widths = ColumnWidths();
  std::string out;
  for (const auto& row : rows_) {
    std::string line(indent_, ' ');
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string cell =
          DisplayWidth(row[c]) > widths[c] ? Truncate(row[c], widths[c]) : row[c];
      absl::StrAppend(&line, cell);
      if (c + 1 < widths.size()) line.append(widths[c] - DisplayWidth(cell) + 2, ' ');
    }
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string Truncate(absl::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  constexpr absl::string_view kEllipsis = "...";
  if (width <= kEllipsis.size()) {
    return std::string(text.substr(0, OffsetOfCodePoint(text, width)));
  }
  return absl::StrCat(
      text.substr(0, OffsetOfCodePoint(text, width - kEllipsis.size())),
      kEllipsis);
}

std::string JaNee(bool value) { return value ? "ja" : "nee"; }

void AddBookkeeping(KeyValueBlock& block, int64_t revision, const std::string& etag,
                    const google::protobuf::Timestamp& created,
                    const google::protobuf::Timestamp& updated) {
  block.Add("revision", revision == 0 ? "" : absl::StrCat(revision));
  block.Add("etag", etag);
  block.Add("created", FormatTimestamp(created));
  block.Add("updated", FormatTimestamp(updated));
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

std::string FormatDatasetTable(
    const google::protobuf::RepeatedPtrField<Dataset>& datasets) {
  TextTable table({"ID", "TITLE", "DOMAIN", "TYPE", "HOSTING",
                   "CONFIDENTIALITY", "PERSONAL", "REVISION"});
  for (const Dataset& d : datasets) {
    table.AddRow({d.id(), Cell(d.title()), d.domain(),
                  EnumCell(d.registration_type()), EnumCell(d.hosting().kind()),
                  EnumCell(d.classification().confidentiality()),
                  JaNee(d.personal_data().contains_personal_data()),
                  absl::StrCat(d.revision())});
  }
  table.Limit(1, kTitleWidth);
  return table.Render();
}

std::string FormatDatasetDetail(const Dataset& d) {
  KeyValueBlock block;
  block.Add("id", d.id());
  block.Add("title", d.title());
  block.Add("status", EnumText(d.status()));
  block.Add("revision", d.revision() == 0 ? "" : absl::StrCat(d.revision()));
  block.Add("etag", d.etag());
  block.Add("created", FormatTimestamp(d.create_time()));
  block.Add("updated", FormatTimestamp(d.update_time()));

  block.Group("Description");
  block.Add("description", d.description());
  block.Add("publisher", OrganisationText(d.publisher()));
  block.Add("creator", OrganisationText(d.creator()));
  block.Add("contact point", ContactText(d.contact_point()));
  block.Add("themes", EnumList<catalog::v1::Theme>(d.themes()));
  block.Add("access rights", EnumText(d.access_rights()));
  block.Add("update frequency", EnumText(d.update_frequency()));
  block.Add("provenance", d.provenance());
  block.Add("issued", FormatTimestamp(d.issued()));
  block.Add("modified", FormatTimestamp(d.modified()));
  block.Add("version", d.version());
  block.Add("spatial coverage", d.spatial_coverage());
  block.Add("temporal coverage", d.temporal_coverage());
  block.Add("conforms to", absl::StrJoin(d.conforms_to(), ", "));
  block.Add("legislation", absl::StrJoin(d.applicable_legislation(), ", "));
  block.Add("tags", absl::StrJoin(d.tags(), ", "));
  block.Add("business objects", absl::StrJoin(d.business_objects(), ", "));

  block.Group("Ownership");
  block.Add("domain", d.domain());
  block.Add("registration type", EnumText(d.registration_type()));
  block.Add("basisregistratie", EnumText(d.basisregistratie()));
  block.Add("municipal role", EnumText(d.municipal_role()));
  block.Add("origin", EnumText(d.origin()));
  block.Add("providing organisation",
            OrganisationText(d.providing_organisation()));
  block.Add("owner", d.roles().owner());
  block.Add("steward", d.roles().steward());
  block.Add("custodian", d.roles().custodian());
  block.Add("system", d.system());
  block.Add("supplier", d.supplier());

  if (d.has_hosting()) {
    const catalog::v1::Hosting& h = d.hosting();
    block.Group("Hosting");
    block.Add("kind", EnumText(h.kind()));
    block.Add("provider", h.provider());
    block.Add("region", h.region());
    block.Add("country", h.country());
    block.Add("inside EEA", JaNee(h.inside_eea()));
    block.Add("provider jurisdiction", h.provider_jurisdiction());
    block.Add("processor agreement", h.processor_agreement_ref());
    block.Add("DPIA", h.dpia_ref());
    block.Add("exit strategy", h.exit_strategy_ref());
  }

  const catalog::v1::Classification& c = d.classification();
  block.Group("Classification");
  block.Add("confidentiality", EnumText(c.confidentiality()));
  block.Add("availability (B)", EnumText(c.availability()));
  block.Add("integrity (I)", EnumText(c.integrity()));
  block.Add("confidentiality (V)", EnumText(c.confidentiality_level()));
  block.Add("BBN", EnumText(c.bbn()));
  block.Add("VIR-BI", EnumText(c.vir_bi()));

  const catalog::v1::PersonalData& p = d.personal_data();
  block.Group("Personal data");
  block.Add("contains personal data", JaNee(p.contains_personal_data()));
  block.Add("special categories",
            EnumList<catalog::v1::SpecialCategory>(p.special_categories()));
  if (p.criminal_data()) block.Add("criminal data", JaNee(true));
  block.Add("data subjects", absl::StrJoin(p.data_subject_categories(), ", "));
  block.Add("legal basis", EnumText(p.legal_basis()));
  block.Add("legal basis explanation", p.legal_basis_explanation());
  block.Add("purposes", absl::StrJoin(p.purposes(), ", "));
  block.Add("DPIA status", EnumText(p.dpia_status()));

  const catalog::v1::Openness& o = d.openness();
  block.Group("Openness");
  block.Add("level", EnumText(o.level()));
  block.Add("publication URL", o.publication_url());
  block.Add("licence", o.licence());
  block.Add("Woo ground", o.woo_ground());

  const catalog::v1::Retention& r = d.retention();
  block.Group("Retention");
  block.Add("archive nomination", EnumText(r.archive_nomination()));
  block.Add("retention period", r.retention_period());
  block.Add("source", r.retention_source());

  block.Group("Quality norms");
  for (const catalog::v1::QualityNorm& norm : d.quality_norms()) {
    block.Add(EnumText(norm.dimension()), absl::StrCat(norm.target()));
  }

  std::string out = block.Render();
  if (d.schema_fields_size() > 0) {
    absl::StrAppend(&out, "\nSchema (", d.schema_fields_size(), " fields):\n",
                    SchemaTable(d));
  }
  return out;
}

std::string FormatRevisionTable(
    const google::protobuf::RepeatedPtrField<DatasetRevision>& revisions) {
  TextTable table({"REVISION", "TIME", "KIND", "PRINCIPAL"});
  for (const DatasetRevision& r : revisions) {
    table.AddRow({absl::StrCat(r.revision()), FormatTimestamp(r.change_time()),
                  EnumCell(r.kind()), r.principal()});
  }
  return table.Render();
}

std::string MethodShortName(absl::string_view method) {
  const size_t slash = method.rfind('/');
  if (slash == absl::string_view::npos) return std::string(method);
  return std::string(method.substr(slash + 1));
}

std::string FormatAuditTable(
    const google::protobuf::RepeatedPtrField<catalog::v1::AuditEvent>& events) {
  TextTable table({"SEQ", "TIME", "PRINCIPAL", "METHOD", "RESOURCES", "PURPOSE",
                   "OUTCOME"});
  for (const catalog::v1::AuditEvent& e : events) {
    const std::string outcome =
        e.code_name().empty()
            ? absl::StatusCodeToString(static_cast<absl::StatusCode>(e.code()))
            : e.code_name();
    table.AddRow(
        {absl::StrCat(e.sequence()), Cell(FormatTimestamp(e.time())),
         Cell(e.principal()), Cell(MethodShortName(e.method())),
         Cell(absl::StrJoin(e.resources(), ",")), Cell(e.purpose()), Cell(outcome)});
  }
  table.Limit(4, kResourcesWidth);
  table.Limit(5, kPurposeWidth);
  return table.Render();
}

std::string FormatAuditVerification(
    const catalog::v1::VerifyAuditTrailResponse& result) {
  if (result.intact()) {
    return absl::StrCat("audit trail intact: ", result.entries(), " entries\n");
  }
  return absl::StrCat("audit trail BROKEN at sequence ",
                      result.first_broken_sequence(), ": ",
                      Cell(result.problem()), "\n");
}

std::string FormatBulkLoadResult(const BulkLoadResult& result,
                                 int max_failures) {
  std::string out =
      absl::StrCat("created ", result.created, ", replaced ", result.replaced,
                   ", unchanged ", result.unchanged, ", failed ", result.failed, "\n");
  int shown = 0;
  for (const catalog::v1::UpsertResult& failure : result.failures) {
    if (shown == max_failures) break;
    absl::StrAppend(
        &out, "  ", failure.id().empty() ? "(no id)" : failure.id(), ": ",
        absl::StatusCodeToString(static_cast<absl::StatusCode>(failure.code())),
        ": ", failure.message(), "\n");
    ++shown;
  }
  if (result.failed > shown) {
    absl::StrAppend(&out, "  ... and ", result.failed - shown,
                    " more failures\n");
  }
  return out;
}

absl::StatusOr<nlohmann::ordered_json> BulkLoadResultToJson(
    const BulkLoadResult& result) {
  nlohmann::ordered_json json;
  json["created"] = result.created;
  json["replaced"] = result.replaced;
  json["unchanged"] = result.unchanged;
  json["failed"] = result.failed;
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const catalog::v1::UpsertResult& failure : result.failures) {
    absl::StatusOr<nlohmann::ordered_json> item = ToJsonValue(failure);
    if (!item.ok()) return item.status();
    failures.push_back(*std::move(item));
  }
  json["failures"] = std::move(failures);
  return json;
}

}  // namespace catalog::client
