// The spreadsheet register: datasets as rows of a CSV file, as a
// municipality keeps them in Excel. The columns (CsvColumns, documented in
// docs/CSV.md) name fields of catalog.v1.Dataset; enum values are written
// by their short Dutch names ("vertrouwelijk", "saas") and read by short or
// full name; booleans as "ja"/"nee" (also true/false, yes/no, 1/0); lists
// one item per line inside the cell. Parsing is libcsv's (Debian's
// libcsv-dev): quoted fields with new lines, ";" or "," as separator (the
// header tells which), a UTF-8 byte-order mark, CR LF line ends.
#ifndef CATALOG_CLIENT_LIB_CSV_REGISTER_H_
#define CATALOG_CLIENT_LIB_CSV_REGISTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "catalog/v1/dataset.pb.h"
#include "client/lib/json_input.h"

namespace catalog::client {

struct CsvColumn {
  const char* header;  // "confidentiality"
  const char* path;    // "classification.confidentiality"
};

// Every column, in the order export writes them.
absl::Span<const CsvColumn> CsvColumns();

// The first line of an export: a byte-order mark, the headers separated by
// ';' (what Dutch Excel opens without asking), CR LF.
std::string CsvHeaderLine();
// One dataset as a line of the export. INVALID_ARGUMENT when a list item
// holds a line break (it could not be read back as one item).
absl::StatusOr<std::string> CsvLine(const catalog::v1::Dataset& dataset);

// One record of a CSV text and the line it starts on (1-based).
struct CsvRecord {
  int64_t line = 0;
  std::vector<std::string> fields;
};
// Splits `text` into records. INVALID_ARGUMENT "line N: ..." for a quote
// that is not closed or stray quotes inside a field.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

// The dataset a row describes, for `dataset load`: the stored dataset with
// that id (or none), to which the row's columns are applied, so that fields
// the register has no column for are kept.
using CsvBase = std::function<absl::StatusOr<std::optional<catalog::v1::Dataset>>(
    const std::string& id)>;

// Reads the datasets of a CSV text row by row (an ItemReader for the
// loads of jsonl_load.h): the first record is the header; every other
// record, applied onto its CsvBase, is one Dataset. A row that cannot be
// read is INVALID_ARGUMENT "<name>:<line>: column <header>: ..." and
// reading goes on.
class CsvDatasetReader final : public ItemReader {
 public:
  // INVALID_ARGUMENT for an empty file, a header that names no known
  // column or names one twice, or no "id" column.
  static absl::StatusOr<std::unique_ptr<CsvDatasetReader>> Open(absl::string_view text,
                                                                std::string name, CsvBase base);

  absl::StatusOr<bool> Next(google::protobuf::Message* message) override;
  int64_t line_number() const override { return line_; }
  bool failed() const override { return false; }

 private:
  CsvDatasetReader() = default;
  absl::Status Apply(const CsvRecord& record, catalog::v1::Dataset* dataset) const;

  std::vector<CsvRecord> records_;
  std::vector<const CsvColumn*> columns_;  // By field position of the header.
  std::string name_;
  CsvBase base_;
  size_t next_ = 1;
  int64_t line_ = 0;
};

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_CSV_REGISTER_H_
