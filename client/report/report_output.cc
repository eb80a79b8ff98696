#include "client/report/report_output.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace catalog::report {
namespace {

namespace fs = std::filesystem;

// Lines of Chromium's output quoted when it fails.
constexpr int kOutputLinesQuoted = 4;

std::string ErrorText(int error) {
  return std::generic_category().message(error);
}

// `path` as a file:// URL, bytes outside the unreserved set and '/'
// percent-encoded.
std::string FileUrl(const fs::path& path) {
  std::string url = "file://";
  for (unsigned char c : path.string()) {
    if (absl::ascii_isalnum(c) || c == '/' || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      url.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&url, "%%%02X", c);
    }
  }
  return url;
}

absl::StatusOr<fs::path> MakeTempDir() {
  std::error_code ec;
  const fs::path base = fs::temp_directory_path(ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("no temporary directory: ", ec.message()));
  }
  std::string pattern = (base / "catalog-report-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create a temporary directory in ", base.string(),
                     ": ", ErrorText(errno)));
  }
  return fs::path(pattern);
}

absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// The last lines of `log`, for an error message.
std::string Tail(const fs::path& log) {
  absl::StatusOr<std::string> text = ReadFile(log);
  if (!text.ok()) return "";
  std::vector<absl::string_view> lines =
      absl::StrSplit(*text, '\n', absl::SkipWhitespace());
  if (lines.size() > kOutputLinesQuoted) {
    lines.erase(lines.begin(), lines.end() - kOutputLinesQuoted);
  }
  return absl::StrJoin(lines, " | ");
}

// Runs `argv` in a process group of its own with stdin from /dev/null and
// stdout and stderr to `log`; returns its wait status. After `timeout` the
// whole group is killed and INTERNAL returned.
absl::StatusOr<int> Run(const std::vector<std::string>& argv,
                        const fs::path& log, absl::Duration timeout) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  absl::Cleanup destroy = [&] {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  };

  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0].c_str(), &actions, &attributes,
                                args.data(), environ);
  if (error != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot start ", argv[0], ": ", ErrorText(error)));
  }
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) {
      return absl::InternalError(
          absl::StrCat("waiting for ", argv[0], ": ", ErrorText(errno)));
    }
    if (absl::Now() > deadline) {
      kill(-pid, SIGKILL);  // Its group: Chromium and the processes it forked.
      waitpid(pid, &status, 0);
      return absl::InternalError(
          absl::StrCat(argv[0], " did not finish within ",
                       absl::FormatDuration(timeout), " and was stopped"));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

}  // namespace

std::string ChromiumBinary() {
  const char* env = std::getenv("CATALOG_CHROMIUM");
  return env != nullptr && *env != '\0' ? env : std::string(kDefaultChromium);
}

absl::Status CheckChromium(const std::string& chromium) {
  std::error_code ec;
  if (!chromium.empty() && !fs::is_directory(chromium, ec) &&
      access(chromium.c_str(), X_OK) == 0) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "--pdf needs Chromium, which is not at ", chromium,
      " (or not executable); install it (apt-get install chromium, or "
      "scripts/install-deps.sh --with-browser) or set CATALOG_CHROMIUM to "
      "its path"));
}

absl::Status WriteReportFile(const std::string& path,
                             absl::string_view contents,
                             absl::string_view flag) {
  const auto failed = [&](int error) {
    return absl::FailedPreconditionError(
        absl::StrCat(flag, ": cannot write ", path, ": ", ErrorText(error)));
  };
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failed(errno);
  for (size_t written = 0; written < contents.size();) {
    const ssize_t n =
        write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      return failed(error);
    }
    written += static_cast<size_t>(n);
  }
  if (close(fd) != 0) return failed(errno);
  return absl::OkStatus();
}

absl::Status PrintToPdf(absl::string_view html, const std::string& pdf_path,
                        const PdfOptions& options) {
  if (absl::Status s = CheckChromium(options.chromium); !s.ok()) return s;
  absl::StatusOr<fs::path> dir = MakeTempDir();
  if (!dir.ok()) return dir.status();
  absl::Cleanup remove = [&] {
    std::error_code ec;
    fs::remove_all(*dir, ec);
  };
  const fs::path page = *dir / "landscape.html";
  const fs::path pdf = *dir / "landscape.pdf";
  const fs::path log = *dir / "chromium.log";
  if (absl::Status s = WriteReportFile(page.string(), html, "report");
      !s.ok()) {
    return s;
  }
  const std::vector<std::string> argv = {
      options.chromium, "--headless", "--disable-gpu", "--no-sandbox",
      "--disable-dev-shm-usage", "--no-first-run", "--no-pdf-header-footer",
      // No network: every request goes to a proxy where nothing listens.
      "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
      absl::StrCat("--user-data-dir=", (*dir / "profile").string()),
      absl::StrCat("--print-to-pdf=", pdf.string()), FileUrl(page)};
  absl::StatusOr<int> status = Run(argv, log, options.timeout);
  if (!status.ok()) return status.status();
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    const std::string how =
        WIFEXITED(*status)
            ? absl::StrCat("exited with code ", WEXITSTATUS(*status))
            : absl::StrCat("was killed by signal ", WTERMSIG(*status));
    return absl::InternalError(
        absl::StrCat("--pdf: ", options.chromium, " ", how, ": ", Tail(log)));
  }
  absl::StatusOr<std::string> contents = ReadFile(pdf);
  if (!contents.ok() || contents->empty()) {
    return absl::InternalError(absl::StrCat("--pdf: ", options.chromium,
                                            " wrote no PDF: ", Tail(log)));
  }
  return WriteReportFile(pdf_path, *contents, "--pdf");
}

}  // namespace catalog::report
