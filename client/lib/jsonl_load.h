// Loads of JSONL files that are all-or-nothing: the whole input is checked
// (every line parsed, every item checked by the server with validate_only)
// before anything is written, and every bad line is reported with its line
// number and the problem. Only a clean input is then written. With
// `continue_on_error` the input is written in one pass instead, bad lines
// skipped and reported.
//
// The input is read twice: a file is opened again; standard input is read
// into memory once. Thread-compatible.
#ifndef CATALOG_CLIENT_LIB_JSONL_LOAD_H_
#define CATALOG_CLIENT_LIB_JSONL_LOAD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/lib/csv_register.h"
#include "client/lib/json_input.h"

namespace catalog::client {

// Bad lines reported at most (all are counted).
inline constexpr int kMaxLineProblems = 1000;

// A line of the input that cannot be loaded.
struct LineProblem {
  int64_t line = 0;  // 1-based.
  int32_t code = 0;  // gRPC status code.
  std::string message;
};

// A failed item of one pass, as the server answered it.
struct ItemFailure {
  int64_t position = 0;  // 0-based among the items sent in the pass.
  int32_t code = 0;
  std::string message;
};

struct PassReport {
  int64_t items = 0;       // Lines holding an item (sent).
  int64_t unparsable = 0;  // Lines that are not an item.
  int64_t bad_lines = 0;   // Lines that cannot be loaded (unparsable or refused).
  int64_t lines() const { return items + unparsable; }
  std::vector<LineProblem> problems;  // The first kMaxLineProblems, by line.
};

// A JSONL input (or, for datasets, a CSV register: a file name ending in
// ".csv") that can be read more than once.
class JsonlSource {
 public:
  // NOT_FOUND when the file does not exist, INVALID_ARGUMENT when it cannot
  // be read ("-" is standard input). `csv_base` reads a CSV register's rows
  // onto the stored datasets; without it a ".csv" file is refused.
  static absl::StatusOr<JsonlSource> Open(const std::string& path, CsvBase csv_base = nullptr);
  absl::StatusOr<std::unique_ptr<ItemReader>> Reader() const;
  const std::string& name() const { return name_; }

 private:
  std::string path_;
  std::string name_;
  std::shared_ptr<const std::string> content_;  // Standard input, or the CSV file.
  CsvBase csv_base_;  // Set for a CSV register.
};

// Reads `source` once. Lines that do not parse are problems; the items of
// the others are handed to `send` through its `next` callback, which
// returns the failed items; each becomes a problem of its line. `send`'s
// own error (the stream failed) is returned as is.
using SendItems = std::function<absl::StatusOr<std::vector<ItemFailure>>(
    const std::function<bool(google::protobuf::Message*)>& next)>;
absl::StatusOr<PassReport> RunPass(const JsonlSource& source,
                                   google::protobuf::Message* item, const SendItems& send);

// "N of M lines cannot be loaded ..." and one line per problem
// ("file:line: CODE: message").
std::string FormatProblems(const std::string& source, const PassReport& report);

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_JSONL_LOAD_H_
