// catalogd's log: one structured format for everything it writes to stderr.
//
// Every line is `ts=<UTC> level=<level> key=value ...`; values with spaces
// or quotes are written with LogQuoted. gRPC's own log lines (a failed TLS
// handshake, a transport error) are routed through the same logger as
// `component=grpc`, instead of gRPC's "E1207 08:00:00.000 ..." lines.
// Messages never carry secrets or dataset contents.
#ifndef CATALOG_SERVER_TRANSPORT_LOGGING_H_
#define CATALOG_SERVER_TRANSPORT_LOGGING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace catalog::server {

// Installs the structured logger on stderr at `level` (trace, debug, info,
// warn, error) as spdlog's default, and routes gRPC's log into it: gRPC's
// errors always, its info and debug lines only when GRPC_VERBOSITY asks for
// them. Call once, before the server starts.
void SetUpLogging(const std::string& level);

// `value` in double quotes, with `"` and `\` escaped and control characters
// (newlines) written as \n, \t or \xHH, so that one entry stays one line.
std::string LogQuoted(absl::string_view value);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_TRANSPORT_LOGGING_H_
