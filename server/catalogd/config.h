// catalogd's command line and configuration file.
//
//   catalogd serve [--config FILE.toml] [--listen ADDR] [--data-dir DIR]
//                  [--tls-cert F] [--tls-key F] [--client-ca F]
//                  [--policy FILE.toml] [--insecure-plaintext] [--log-level LEVEL]
//   catalogd check --data-dir DIR
//
// A TOML file may set the same keys (listen, data_dir, tls_cert, tls_key,
// client_ca, policy, insecure_plaintext, log_level, max_message_bytes,
// max_page_size, write_threads, cert_refresh_seconds, http_listen,
// http_require_client_cert, http_max_body_bytes); flags given on the
// command line win over the file. Only the file sets the periods of the
// domain rules, in days (1..3650): stale_after_days (a dimension without a
// measurement for longer is stale; 90), handling_days_basisregistratie,
// handling_days_kernregistratie, handling_days_other (terugmelding handling
// deadlines by registration type; 5, 10, 20) and concept_days (a dataset in
// status concept for longer is a landscape finding; 30). The file also sets
// openlineage_stub_confidentiality: the confidentiality of the stub datasets
// the OpenLineage intake creates until a steward classifies them ("intern"
// by default; any Confidentiality value, short or full name).
#ifndef CATALOG_SERVER_CATALOGD_CONFIG_H_
#define CATALOG_SERVER_CATALOGD_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "server/transport/catalog_server.h"

namespace catalog::server {

// Reads a TOML configuration file into `options`. INVALID_ARGUMENT naming the
// file, line and key for syntax errors, unknown keys and wrong types.
absl::Status LoadConfigFile(const std::string& path, ServerOptions* options,
                            std::string* log_level);

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CATALOGD_CONFIG_H_
