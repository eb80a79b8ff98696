#include "server/catalogd/config.h"

#include <toml++/toml.h>

#include "absl/strings/str_cat.h"
#include "api/dcat_profile.h"
#include "api/enum_text.h"
#include "catalog/v1/dataset.pb.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;

// Periods in days at most (ten years).
constexpr int64_t kMaxDays = 3650;

template <typename T>
absl::Status Assign(const toml::node& node, const std::string& key, const std::string& path,
                    T* target) {
  std::optional<T> value = node.value<T>();
  if (!value.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", node.source().begin.line, ": ", key, " has the wrong type"));
  }
  *target = *value;
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadConfigFile(const std::string& path, ServerOptions* options,
                            std::string* log_level) {
  // Debian's toml++ is built with exceptions; they stop here and become a
  // Status, as errors are values everywhere else.
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":", error.source().begin.line, ": ",
                                                   std::string(error.description())));
  }
  for (const auto& [key_view, node] : table) {
    const std::string key(key_view.str());
    int64_t number = 0;
    absl::Status s;
    if (key == "listen") {
      s = Assign(node, key, path, &options->listen);
    } else if (key == "data_dir") {
      s = Assign(node, key, path, &options->data_dir);
    } else if (key == "tls_cert") {
      s = Assign(node, key, path, &options->tls_cert);
    } else if (key == "tls_key") {
      s = Assign(node, key, path, &options->tls_key);
    } else if (key == "crl") {
      s = Assign(node, key, path, &options->crl_file);
    } else if (key == "policy") {
      s = Assign(node, key, path, &options->policy_file);
    } else if (key == "dcat_base_iri") {
      s = Assign(node, key, path, &options->dcat.base_iri);
      if (s.ok() && !api::IsPublishableUrl(options->dcat.base_iri)) {
        s = absl::InvalidArgumentError(absl::StrCat(path, ":", node.source().begin.line, ": ",
                                                    key, " must be an http(s) URL"));
      }
    } else if (key == "dcat_catalog_title") {
      s = Assign(node, key, path, &options->dcat.catalog_title);
    } else if (key == "dcat_publisher") {
      s = Assign(node, key, path, &options->dcat.publisher);
    } else if (key == "processing_subject_key_file") {
      s = Assign(node, key, path, &options->processing_subject_key_file);
    } else if (key == "http_listen") {
      s = Assign(node, key, path, &options->http_listen);
    } else if (key == "http_require_client_cert") {
      s = Assign(node, key, path, &options->http_require_client_cert);
    } else if (key == "client_ca") {
      s = Assign(node, key, path, &options->client_ca);
    } else if (key == "search_index") {
      s = Assign(node, key, path, &options->search_indexer.enabled);
    } else if (key == "insecure_plaintext") {
      s = Assign(node, key, path, &options->insecure_plaintext);
    } else if (key == "log_level") {
      s = Assign(node, key, path, log_level);
    } else if (key == "openlineage_stub_confidentiality") {
      std::string text;
      s = Assign(node, key, path, &text);
      absl::StatusOr<v1::Confidentiality> level =
          s.ok() ? api::ParseEnum<v1::Confidentiality>(text, key) : s;
      if (s.ok() && !level.ok()) {
        s = absl::InvalidArgumentError(absl::StrCat(path, ":", node.source().begin.line, ": ",
                                                    level.status().message()));
      }
      if (s.ok()) options->lineage_limits.stub_confidentiality = *level;
    } else if (key == "max_message_bytes" || key == "max_page_size" || key == "write_threads" ||
               key == "cert_refresh_seconds" || key == "http_max_body_bytes") {
      s = Assign(node, key, path, &number);
      if (s.ok() && (number <= 0 || number > (1 << 30))) {
        s = absl::InvalidArgumentError(absl::StrCat(path, ":", node.source().begin.line, ": ",
                                                    key, " must be a positive number"));
      }
      if (s.ok()) {
        const int value = static_cast<int>(number);
        if (key == "max_message_bytes") options->max_message_bytes = value;
        if (key == "max_page_size") options->limits.max_page_size = value;
        if (key == "write_threads") options->write_threads = value;
        if (key == "http_max_body_bytes") options->http_max_body_bytes = static_cast<size_t>(value);
        if (key == "cert_refresh_seconds") options->cert_refresh_seconds = static_cast<unsigned>(value);
      }
    } else if (key == "stale_after_days" || key == "concept_days" ||
               key == "handling_days_basisregistratie" ||
               key == "handling_days_kernregistratie" || key == "handling_days_other" ||
               key == "change_log_retention_days") {
      s = Assign(node, key, path, &number);
      if (s.ok() && (number <= 0 || number > kMaxDays)) {
        s = absl::InvalidArgumentError(absl::StrCat(path, ":", node.source().begin.line, ": ",
                                                    key, " must be 1..", kMaxDays, " days"));
      }
      if (s.ok()) {
        const absl::Duration days = absl::Hours(24) * number;
        if (key == "stale_after_days") options->quality.stale_after_days = static_cast<int>(number);
        if (key == "concept_days") options->landscape.concept_period = days;
        if (key == "handling_days_basisregistratie") {
          options->terugmelding.basisregistratie_period = days;
        }
        if (key == "handling_days_kernregistratie") {
          options->terugmelding.kernregistratie_period = days;
        }
        if (key == "handling_days_other") options->terugmelding.other_period = days;
        if (key == "change_log_retention_days") options->change_feed.retention = days;
      }
    } else {
      s = absl::InvalidArgumentError(
          absl::StrCat(path, ":", node.source().begin.line, ": unknown key ", key));
    }
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace catalog::server
