#include "client/lib/jsonl_load.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace catalog::client {

absl::StatusOr<JsonlSource> JsonlSource::Open(const std::string& path, CsvBase csv_base) {
  JsonlSource source;
  source.path_ = path;
  source.name_ = path == kStdinName ? "<stdin>" : path;
  if (absl::EndsWithIgnoreCase(path, ".csv")) {
    if (csv_base == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": CSV input is for datasets only (dataset load)"));
    }
    absl::StatusOr<std::string> content = ReadInput(path);
    if (!content.ok()) return content.status();
    source.content_ = std::make_shared<const std::string>(*std::move(content));
    source.csv_base_ = std::move(csv_base);
  } else if (path == kStdinName) {
    absl::StatusOr<std::string> content = ReadInput(path);
    if (!content.ok()) return content.status();
    source.content_ = std::make_shared<const std::string>(*std::move(content));
  } else if (absl::StatusOr<std::unique_ptr<JsonlReader>> probe = JsonlReader::Open(path);
             !probe.ok()) {
    return probe.status();
  }
  return source;
}

absl::StatusOr<std::unique_ptr<ItemReader>> JsonlSource::Reader() const {
  if (csv_base_ != nullptr) {
    absl::StatusOr<std::unique_ptr<CsvDatasetReader>> csv =
        CsvDatasetReader::Open(*content_, name_, csv_base_);
    if (!csv.ok()) return csv.status();
    return std::unique_ptr<ItemReader>(*std::move(csv));
  }
  if (content_ == nullptr) {
    absl::StatusOr<std::unique_ptr<JsonlReader>> file = JsonlReader::Open(path_);
    if (!file.ok()) return file.status();
    return std::unique_ptr<ItemReader>(*std::move(file));
  }
  return std::unique_ptr<ItemReader>(JsonlReader::FromString(content_, name_));
}

absl::StatusOr<PassReport> RunPass(const JsonlSource& source, google::protobuf::Message* item,
                                   const SendItems& send) {
  absl::StatusOr<std::unique_ptr<ItemReader>> reader = source.Reader();
  if (!reader.ok()) return reader.status();
  PassReport report;
  std::vector<int64_t> lines;  // Of the items sent, by position.
  absl::Status read_error;
  auto problem = [&report](int64_t line, int32_t code, std::string message) {
    ++report.bad_lines;
    if (static_cast<int>(report.problems.size()) < kMaxLineProblems) {
      report.problems.push_back({line, code, std::move(message)});
    }
  };
  auto next = [&](google::protobuf::Message* out) {
    for (;;) {
      absl::StatusOr<bool> more = (*reader)->Next(item);
      if (!more.ok()) {
        if (!(*reader)->failed() && (*reader)->line_number() > 0) {
          ++report.unparsable;
          problem((*reader)->line_number(), static_cast<int32_t>(more.status().code()),
                  std::string(more.status().message()));
          continue;  // Every bad line is reported; reading goes on.
        }
        read_error = more.status();
        return false;
      }
      if (!*more) return false;
      ++report.items;
      lines.push_back((*reader)->line_number());
      out->CopyFrom(*item);
      return true;
    }
  };
  absl::StatusOr<std::vector<ItemFailure>> failures = send(next);
  if (!failures.ok()) return failures.status();
  if (!read_error.ok()) return read_error;
  for (ItemFailure& f : *failures) {
    const int64_t line = f.position < static_cast<int64_t>(lines.size()) ? lines[f.position] : 0;
    problem(line, f.code, absl::StrCat(source.name(), ":", line, ": ", f.message));
  }
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const LineProblem& a, const LineProblem& b) { return a.line < b.line; });
  return report;
}

std::string FormatProblems(const std::string& source, const PassReport& report) {
  std::string out = absl::StrCat(report.bad_lines, " of ", report.lines(),
                                 " lines of ", source, " cannot be loaded:\n");
  for (const LineProblem& p : report.problems) {
    absl::StrAppend(&out, "  ", p.message, " (",
                    absl::StatusCodeToString(static_cast<absl::StatusCode>(p.code)), ")\n");
  }
  if (report.bad_lines > static_cast<int64_t>(report.problems.size())) {
    absl::StrAppend(&out, "  ... and ", report.bad_lines - report.problems.size(), " more\n");
  }
  return out;
}

}  // namespace catalog::client
