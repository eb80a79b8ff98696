#include "client/lib/json_input.h"

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/lib/json_diagnostics.h"
#include "client/lib/local_file.h"
#include "client/lib/status.h"

namespace catalog::client {
namespace {

// How errors name input file `path`.
std::string InputFile(const std::string& path) {
  return absl::StrCat("input file \"", path, "\"");
}

}  // namespace

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::ostringstream content;
  if (path == kStdinName) {
    content << std::cin.rdbuf();
    if (std::cin.bad()) {
      return absl::InvalidArgumentError("cannot read standard input");
    }
    return std::move(content).str();
  }
  return ReadLocalFile(path, InputFile(path));
}

absl::Status ParseJsonMessage(absl::string_view json, absl::string_view source,
                              google::protobuf::Message* message) {
  message->Clear();
  const std::string& type = message->GetDescriptor()->name();
  if (absl::StripAsciiWhitespace(json).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": empty input, expected a ", type, " as JSON"));
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      std::string(json), message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a valid ", type, ": ",
                     ExplainJsonError(json, std::string(status.message()), *message->GetDescriptor())));
  }
  return absl::OkStatus();
}

absl::Status ReadJsonFile(const std::string& path,
                          google::protobuf::Message* message) {
  absl::StatusOr<std::string> json = ReadInput(path);
  if (!json.ok()) return json.status();
  return ParseJsonMessage(*json, path == kStdinName ? "<stdin>" : path,
                          message);
}

absl::Status ParseDatasetJson(absl::string_view json, absl::string_view source,
                              catalog::v1::Dataset* dataset) {
  return ParseJsonMessage(json, source, dataset);
}

absl::StatusOr<catalog::v1::Dataset> ReadDatasetFile(const std::string& path) {
  catalog::v1::Dataset dataset;
  absl::Status status = ReadJsonFile(path, &dataset);
  if (!status.ok()) return status;
  return dataset;
}

absl::StatusOr<std::unique_ptr<JsonlReader>> JsonlReader::Open(
    const std::string& path) {
  if (path == kStdinName) {
    return std::make_unique<JsonlReader>(&std::cin, "<stdin>");
  }
  absl::StatusOr<std::unique_ptr<std::ifstream>> file = OpenLocalFile(path, InputFile(path));
  if (!file.ok()) return file.status();
  auto reader = std::make_unique<JsonlReader>(file->get(), path);
  reader->owned_ = *std::move(file);
  return reader;
}

std::unique_ptr<JsonlReader> JsonlReader::FromString(
    std::shared_ptr<const std::string> content, std::string name) {
  auto in = std::make_unique<std::istringstream>(*content);
  auto reader = std::make_unique<JsonlReader>(in.get(), std::move(name));
  reader->owned_ = std::move(in);
  reader->content_ = std::move(content);
  return reader;
}

JsonlReader::JsonlReader(std::istream* in, std::string name)
    : in_(in), name_(std::move(name)) {}

JsonlReader::~JsonlReader() = default;

absl::StatusOr<bool> JsonlReader::Next(google::protobuf::Message* message) {
  while (std::getline(*in_, line_)) {
    ++line_number_;
    if (absl::StripAsciiWhitespace(line_).empty()) continue;
    absl::Status status = ParseJsonMessage(
        line_, absl::StrCat(name_, ":", line_number_), message);
    if (!status.ok()) return status;
    return true;
  }
  if (in_->bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", name_, " after line ", line_number_));
  }
  return false;
}

}  // namespace catalog::client
