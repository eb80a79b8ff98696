#include "client/lib/csv_register.h"

#include <csv.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "api/enum_text.h"

namespace catalog::client {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kBom[] = "\xEF\xBB\xBF";

constexpr CsvColumn kColumns[] = {
    {"id", "id"},
    {"title", "title"},
    {"description", "description"},
    {"status", "status"},
    {"domain", "domain"},
    {"registration_type", "registration_type"},
    {"basisregistratie", "basisregistratie"},
    {"municipal_role", "municipal_role"},
    {"origin", "origin"},
    {"system", "system"},
    {"supplier", "supplier"},
    {"owner", "roles.owner"},
    {"steward", "roles.steward"},
    {"custodian", "roles.custodian"},
    {"hosting", "hosting.kind"},
    {"provider", "hosting.provider"},
    {"country", "hosting.country"},
    {"region", "hosting.region"},
    {"inside_eea", "hosting.inside_eea"},
    {"processor_agreement", "hosting.processor_agreement_ref"},
    {"dpia", "hosting.dpia_ref"},
    {"confidentiality", "classification.confidentiality"},
    {"availability", "classification.availability"},
    {"integrity", "classification.integrity"},
    {"confidentiality_level", "classification.confidentiality_level"},
    {"bbn", "classification.bbn"},
    {"personal_data", "personal_data.contains_personal_data"},
    {"special_categories", "personal_data.special_categories"},
    {"legal_basis", "personal_data.legal_basis"},
    {"legal_basis_explanation", "personal_data.legal_basis_explanation"},
    {"purposes", "personal_data.purposes"},
    {"openness", "openness.level"},
    {"publication_url", "openness.publication_url"},
    {"licence", "openness.licence"},
    {"woo_ground", "openness.woo_ground"},
    {"themes", "themes"},
    {"access_rights", "access_rights"},
    {"update_frequency", "update_frequency"},
    {"tags", "tags"},
    {"business_objects", "business_objects"},
    {"publisher", "publisher.name"},
    {"creator", "creator.name"},
    {"contact_name", "contact_point.name"},
    {"contact_email", "contact_point.email"},
    {"archive_nomination", "retention.archive_nomination"},
    {"retention_period", "retention.retention_period"},
};

// The message holding the leaf of `path` and the leaf's descriptor;
// `create` makes the sub-messages on the way (setting), otherwise a
// missing one reads as its default.
template <typename M>
std::pair<M*, const FieldDescriptor*> Leaf(M* message, absl::string_view path) {
  const std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0;; ++i) {
    const FieldDescriptor* field = message->GetDescriptor()->FindFieldByName(parts[i]);
    if (i + 1 == parts.size()) return {message, field};
    if constexpr (std::is_const_v<M>) {
      message = &message->GetReflection()->GetMessage(*message, field);
    } else {
      message = message->GetReflection()->MutableMessage(message, field);
    }
  }
}

std::string EnumText(const FieldDescriptor* field, int number) {
  return number == 0 ? "" : api::EnumShortName(*field->enum_type(), number);
}

absl::StatusOr<std::string> CellOf(const v1::Dataset& dataset, const CsvColumn& column) {
  auto [message, field] = Leaf<const Message>(&dataset, column.path);
  const Reflection* r = message->GetReflection();
  if (field->is_repeated()) {
    std::vector<std::string> items;
    for (int i = 0; i < r->FieldSize(*message, field); ++i) {
      items.push_back(field->type() == FieldDescriptor::TYPE_ENUM
                          ? EnumText(field, r->GetRepeatedEnumValue(*message, field, i))
                          : r->GetRepeatedString(*message, field, i));
      if (absl::StrContains(items.back(), '\n')) {
        return absl::InvalidArgumentError(absl::StrCat(
            "datasets/", dataset.id(), ": ", column.header, " item \"", items.back(),
            "\" holds a line break; a list cell has one item per line"));
      }
    }
    return absl::StrJoin(items, "\n");
  }
  switch (field->type()) {
    case FieldDescriptor::TYPE_BOOL:
      return std::string(r->GetBool(*message, field) ? "ja" : "nee");
    case FieldDescriptor::TYPE_ENUM:
      return EnumText(field, r->GetEnumValue(*message, field));
    default:
      return r->GetString(*message, field);
  }
}

absl::StatusOr<bool> ParseBool(absl::string_view text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t.empty() || t == "nee" || t == "false" || t == "no" || t == "0" || t == "n") return false;
  if (t == "ja" || t == "true" || t == "yes" || t == "1" || t == "j" || t == "y") return true;
  return absl::InvalidArgumentError(absl::StrCat("expected ja or nee, not \"", text, "\""));
}

absl::StatusOr<int> ParseEnumCell(const FieldDescriptor* field, absl::string_view text,
                                  absl::string_view header) {
  if (text.empty()) return 0;
  return api::ParseEnumText(*field->enum_type(), text, header);
}

// Clears the sub-messages of `dataset` that `before` lacked and that hold
// nothing now: a cell with a default value ("", "nee") must not make a
// dataset differ from the one exported.
void ClearEmptyAdded(const v1::Dataset& before, v1::Dataset* dataset) {
  const Reflection* r = dataset->GetReflection();
  const google::protobuf::Descriptor* d = dataset->GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* field = d->field(i);
    if (field->is_repeated() || field->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    if (!r->HasField(before, field) && r->HasField(*dataset, field) &&
        r->GetMessage(*dataset, field).ByteSizeLong() == 0) {
      r->ClearField(dataset, field);
    }
  }
}

// Sets the leaf of `column` in `dataset` from `cell` (an empty cell
// clears it).
absl::Status SetCell(const CsvColumn& column, absl::string_view raw, v1::Dataset* dataset) {
  // Line breaks inside a cell are "\n" (Excel's); a CR LF one is the same.
  const std::string text = absl::StrReplaceAll(raw, {{"\r\n", "\n"}});
  const absl::string_view cell = absl::StripAsciiWhitespace(text);
  auto [message, field] = Leaf<Message>(dataset, column.path);
  const Reflection* r = message->GetReflection();
  if (field->is_repeated()) {
    r->ClearField(message, field);
    for (absl::string_view item : absl::StrSplit(cell, '\n', absl::SkipWhitespace())) {
      item = absl::StripAsciiWhitespace(item);
      if (field->type() == FieldDescriptor::TYPE_ENUM) {
        absl::StatusOr<int> value = ParseEnumCell(field, item, column.header);
        if (!value.ok()) return value.status();
        r->AddEnumValue(message, field, *value);
      } else {
        r->AddString(message, field, std::string(item));
      }
    }
    return absl::OkStatus();
  }
  switch (field->type()) {
    case FieldDescriptor::TYPE_BOOL: {
      absl::StatusOr<bool> value = ParseBool(cell);
      if (!value.ok()) return value.status();
      r->SetBool(message, field, *value);
      return absl::OkStatus();
    }
    case FieldDescriptor::TYPE_ENUM: {
      absl::StatusOr<int> value = ParseEnumCell(field, cell, column.header);
      if (!value.ok()) return value.status();
      r->SetEnumValue(message, field, *value);
      return absl::OkStatus();
    }
    default:
      r->SetString(message, field, std::string(cell));
      return absl::OkStatus();
  }
}

std::string Quoted(absl::string_view text) {
  std::string out(csv_write(nullptr, 0, text.data(), text.size()), '\0');
  csv_write(out.data(), out.size(), text.data(), text.size());
  return out;
}

// Collects libcsv's fields and records, with the line each record starts.
struct Collector {
  std::vector<CsvRecord> records;
  CsvRecord current;
  int64_t start = 1;

  static void Field(void* data, size_t size, void* self) {
    static_cast<Collector*>(self)->current.fields.emplace_back(static_cast<const char*>(data),
                                                                size);
  }
  static void Row(int, void* self) {
    auto* c = static_cast<Collector*>(self);
    c->current.line = c->start;
    c->records.push_back(std::move(c->current));
    c->current = CsvRecord();
  }
};

}  // namespace

absl::Span<const CsvColumn> CsvColumns() { return kColumns; }

std::string CsvHeaderLine() {
  std::vector<std::string> headers;
  for (const CsvColumn& column : kColumns) headers.push_back(column.header);
  return absl::StrCat(kBom, absl::StrJoin(headers, ";"), "\r\n");
}

absl::StatusOr<std::string> CsvLine(const v1::Dataset& dataset) {
  std::vector<std::string> cells;
  for (const CsvColumn& column : kColumns) {
    absl::StatusOr<std::string> cell = CellOf(dataset, column);
    if (!cell.ok()) return cell.status();
    cells.push_back(Quoted(*cell));
  }
  return absl::StrCat(absl::StrJoin(cells, ";"), "\r\n");
}

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text) {
  if (absl::StartsWith(text, kBom)) text.remove_prefix(3);
  const absl::string_view first = text.substr(0, text.find('\n'));
  const bool semicolons = std::count(first.begin(), first.end(), ';') >=
                          std::count(first.begin(), first.end(), ',');
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return absl::InternalError("cannot start the CSV parser");
  }
  csv_set_delim(&parser, semicolons ? ';' : ',');
  Collector collector;
  bool at_start = true;  // Of a record: blank lines there are skipped.
  int64_t line = 0;
  absl::Status status;
  for (absl::string_view rest = text; !rest.empty() && status.ok();) {
    const size_t end = rest.find('\n');
    const absl::string_view piece = rest.substr(0, end == absl::string_view::npos ? end : end + 1);
    rest.remove_prefix(piece.size());
    ++line;
    const size_t records = collector.records.size();
    if (at_start && absl::StripAsciiWhitespace(piece).empty()) continue;
    if (at_start) collector.start = line;
    at_start = false;
    if (csv_parse(&parser, piece.data(), piece.size(), Collector::Field, Collector::Row,
                  &collector) != piece.size()) {
      status = absl::InvalidArgumentError(
          absl::StrCat("line ", line, ": ", csv_strerror(csv_error(&parser))));
    }
    at_start = collector.records.size() > records && absl::EndsWith(piece, "\n");
  }
  if (status.ok() && csv_fini(&parser, Collector::Field, Collector::Row, &collector) != 0) {
    status = absl::InvalidArgumentError(absl::StrCat(
        "line ", collector.start, ": ", csv_strerror(csv_error(&parser)),
        " (a quoted field that is not closed)"));
  }
  csv_free(&parser);
  if (!status.ok()) return status;
  return std::move(collector.records);
}

absl::StatusOr<std::unique_ptr<CsvDatasetReader>> CsvDatasetReader::Open(absl::string_view text,
                                                                         std::string name,
                                                                         CsvBase base) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  if (!records.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": ", records.status().message()));
  }
  if (records->empty()) return absl::InvalidArgumentError(absl::StrCat(name, ": no header line"));
  std::unique_ptr<CsvDatasetReader> reader(new CsvDatasetReader());
  bool has_id = false;
  for (const std::string& raw : records->front().fields) {
    const std::string header = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
    const CsvColumn* column = nullptr;
    for (const CsvColumn& known : kColumns) {
      if (header == known.header) column = &known;
    }
    if (column == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ":", records->front().line, ": unknown column \"", raw,
          "\" (docs/CSV.md lists the columns)"));
    }
    if (std::find(reader->columns_.begin(), reader->columns_.end(), column) !=
        reader->columns_.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ":", records->front().line, ": column \"", raw, "\" twice"));
    }
    has_id = has_id || header == "id";
    reader->columns_.push_back(column);
  }
  if (!has_id) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": the header has no \"id\" column"));
  }
  reader->records_ = *std::move(records);
  reader->name_ = std::move(name);
  reader->base_ = std::move(base);
  return reader;
}

absl::Status CsvDatasetReader::Apply(const CsvRecord& record, v1::Dataset* dataset) const {
  if (record.fields.size() != columns_.size()) {
    return absl::InvalidArgumentError(absl::StrCat(record.fields.size(), " fields, the header has ",
                                                   columns_.size()));
  }
  std::string id;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (std::string_view(columns_[i]->header) == "id") {
      id = std::string(absl::StripAsciiWhitespace(record.fields[i]));
    }
  }
  dataset->Clear();
  if (!id.empty() && base_) {
    absl::StatusOr<std::optional<v1::Dataset>> stored = base_(id);
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) *dataset = **stored;
  }
  const v1::Dataset before = *dataset;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (absl::Status set = SetCell(*columns_[i], record.fields[i], dataset); !set.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("column ", columns_[i]->header, ": ", set.message()));
    }
  }
  ClearEmptyAdded(before, dataset);
  return absl::OkStatus();
}

absl::StatusOr<bool> CsvDatasetReader::Next(google::protobuf::Message* message) {
  if (next_ >= records_.size()) return false;
  const CsvRecord& record = records_[next_++];
  line_ = record.line;
  auto* dataset = dynamic_cast<v1::Dataset*>(message);
  if (dataset == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": CSV holds datasets only"));
  }
  absl::Status applied = Apply(record, dataset);
  if (applied.ok()) return true;
  if (!absl::IsInvalidArgument(applied)) return applied;
  return absl::InvalidArgumentError(absl::StrCat(name_, ":", line_, ": ", applied.message()));
}

}  // namespace catalog::client
