// Where a rendered report goes: a file, or a PDF printed by headless
// Chromium (Debian's `chromium`) from a temporary copy of the HTML, in a
// fresh profile directory and with the network switched off.
//
// Thread-safe: PrintToPdf works in its own temporary directory and starts
// its own Chromium process.
#ifndef CATALOG_CLIENT_REPORT_REPORT_OUTPUT_H_
#define CATALOG_CLIENT_REPORT_REPORT_OUTPUT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace catalog::report {

// The Chromium binary when CATALOG_CHROMIUM is not set.
inline constexpr absl::string_view kDefaultChromium = "/usr/bin/chromium";

// The Chromium binary: $CATALOG_CHROMIUM, else kDefaultChromium.
std::string ChromiumBinary();

// OK when `chromium` is an executable file; otherwise FAILED_PRECONDITION
// saying how to install it or where to point CATALOG_CHROMIUM.
absl::Status CheckChromium(const std::string& chromium);

// Writes `contents` to `path`, replacing it. FAILED_PRECONDITION naming
// `flag` ("--html") and the system's reason when it cannot be written.
absl::Status WriteReportFile(const std::string& path,
                             absl::string_view contents,
                             absl::string_view flag);

struct PdfOptions {
  std::string chromium = ChromiumBinary();
  // Chromium is killed (with every process it started) after this long.
  absl::Duration timeout = absl::Minutes(2);
};

// Prints the HTML document `html` to the PDF file `pdf_path` (flag
// "--pdf" in messages). FAILED_PRECONDITION when Chromium is missing (see
// CheckChromium) or `pdf_path` cannot be written; INTERNAL when Chromium
// fails, does not finish in time or writes no PDF (with the end of its
// output).
absl::Status PrintToPdf(absl::string_view html, const std::string& pdf_path,
                        const PdfOptions& options = {});

}  // namespace catalog::report

#endif  // CATALOG_CLIENT_REPORT_REPORT_OUTPUT_H_
