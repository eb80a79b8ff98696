// Reading datasets (and other messages) written as proto3 JSON (the API's JSON
// mapping: field names in lowerCamelCase or as in the proto, enums by full
// name), from a file or from stdin ("-"). Unknown fields are errors, so that a
// typo in a field name is not silently dropped.
//
// Not thread-safe per object; different objects may be used concurrently
// (but only one may read stdin).
#ifndef CATALOG_CLIENT_LIB_JSON_INPUT_H_
#define CATALOG_CLIENT_LIB_JSON_INPUT_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <istream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/v1/dataset.pb.h"

namespace catalog::client {

// The name "-" stands for standard input.
inline constexpr absl::string_view kStdinName = "-";

// Whole content of `path`, or of stdin for "-". NOT_FOUND when the file does
// not exist, INVALID_ARGUMENT when it cannot be read.
absl::StatusOr<std::string> ReadInput(const std::string& path);

// Parses one message from `json` into `*message` (cleared first).
// INVALID_ARGUMENT "<source>: <what is wrong>" on bad JSON or an unknown
// field; `source` names the input, e.g. "ds.json" or "ds.jsonl:12".
absl::Status ParseJsonMessage(absl::string_view json, absl::string_view source,
                              google::protobuf::Message* message);

// ReadInput + ParseJsonMessage into `*message`.
absl::Status ReadJsonFile(const std::string& path,
                          google::protobuf::Message* message);

// ParseJsonMessage for a Dataset.
absl::Status ParseDatasetJson(absl::string_view json, absl::string_view source,
                              catalog::v1::Dataset* dataset);

// ReadJsonFile for a Dataset.
absl::StatusOr<catalog::v1::Dataset> ReadDatasetFile(const std::string& path);

// A source of input items, one at a time, for the loads (jsonl_load.h):
// JSONL, or the CSV register (csv_register.h).
class ItemReader {
 public:
  virtual ~ItemReader() = default;
  // The next item into `*message`: true when one was read, false at the
  // end. INVALID_ARGUMENT "<name>:<line>: ..." for an item that cannot be
  // read; reading may continue after it.
  virtual absl::StatusOr<bool> Next(google::protobuf::Message* message) = 0;
  // The line the last item read starts on (1-based), 0 before the first.
  virtual int64_t line_number() const = 0;
  // Whether the input itself could not be read (not a bad item).
  virtual bool failed() const = 0;
};

// Reads JSONL: one message (a Dataset, a Measurement, ...) per line, blank
// lines skipped.
class JsonlReader final : public ItemReader {
 public:
  // Opens `path` ("-" for stdin). Errors as ReadInput.
  static absl::StatusOr<std::unique_ptr<JsonlReader>> Open(
      const std::string& path);

  // Reads `content` (kept by the reader), named `name` in messages.
  static std::unique_ptr<JsonlReader> FromString(std::shared_ptr<const std::string> content,
                                                 std::string name);

  // Reads from `in`, which must outlive the reader; `name` is used in
  // error messages.
  JsonlReader(std::istream* in, std::string name);
  ~JsonlReader();

  JsonlReader(const JsonlReader&) = delete;
  JsonlReader& operator=(const JsonlReader&) = delete;

  // Reads the next line into `*message`. Returns true when one was read,
  // false at the end of the input. INVALID_ARGUMENT "<name>:<line>: ..." for
  // a line that is not a valid message of its type; reading may continue
  // after it.
  absl::StatusOr<bool> Next(google::protobuf::Message* message) override;

  // Number of the last line read (1-based), 0 before the first.
  int64_t line_number() const override { return line_number_; }
  // Whether the input itself could not be read (not a bad line).
  bool failed() const override { return in_->bad(); }

 private:
  std::unique_ptr<std::istream> owned_;  // The file, when opened by Open.
  std::shared_ptr<const std::string> content_;  // For FromString.
  std::istream* in_;
  std::string name_;
  std::string line_;
  int64_t line_number_ = 0;
};

// The reader `dataset load` has always used.
using JsonlDatasetReader = JsonlReader;

}  // namespace catalog::client

#endif  // CATALOG_CLIENT_LIB_JSON_INPUT_H_
