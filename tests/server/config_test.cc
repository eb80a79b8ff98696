// catalogd's TOML configuration file: every key lands in ServerOptions, the
// periods of the domain rules among them; unknown keys, wrong types, bad
// values and syntax errors are refused naming the file, line and key.
#include "server/catalogd/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/support/test_support.h"

namespace catalog::testing {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  absl::Status Load(const std::string& text) {
    path_ = dir_.path() + "/catalogd.toml";
    std::ofstream(path_) << text;
    return server::LoadConfigFile(path_, &options_, &level_);
  }

  TempDir dir_;
  std::string path_;
  server::ServerOptions options_;
  std::string level_;
};

TEST_F(ConfigTest, EveryKeyLandsInTheOptions) {
  ASSERT_TRUE(Load(R"(
listen = "127.0.0.1:9443"
data_dir = "/srv/catalog"
policy = "/etc/catalog/policy.toml"
log_level = "debug"
write_threads = 16
max_page_size = 500
stale_after_days = 30
concept_days = 14
handling_days_basisregistratie = 7
handling_days_kernregistratie = 15
handling_days_other = 40
change_log_retention_days = 400
openlineage_stub_confidentiality = "zaakvertrouwelijk"
)")
                  .ok());
  EXPECT_EQ(options_.listen, "127.0.0.1:9443");
  EXPECT_EQ(options_.data_dir, "/srv/catalog");
  EXPECT_EQ(level_, "debug");
  EXPECT_EQ(options_.write_threads, 16);
  EXPECT_EQ(options_.limits.max_page_size, 500);
  EXPECT_EQ(options_.quality.stale_after_days, 30);
  EXPECT_EQ(options_.landscape.concept_period, absl::Hours(24 * 14));
  EXPECT_EQ(options_.terugmelding.basisregistratie_period, absl::Hours(24 * 7));
  EXPECT_EQ(options_.terugmelding.kernregistratie_period, absl::Hours(24 * 15));
  EXPECT_EQ(options_.terugmelding.other_period, absl::Hours(24 * 40));
  EXPECT_EQ(options_.change_feed.retention, absl::Hours(24 * 400));
  EXPECT_EQ(options_.lineage_limits.stub_confidentiality,
            catalog::v1::CONFIDENTIALITY_ZAAKVERTROUWELIJK);
}

TEST_F(ConfigTest, DefaultsStayWhenAKeyIsAbsent) {
  ASSERT_TRUE(Load("listen = \"127.0.0.1:1\"\n").ok());
  EXPECT_EQ(options_.quality.stale_after_days, 90);
  EXPECT_EQ(options_.terugmelding.basisregistratie_period, absl::Hours(24 * 5));
  EXPECT_EQ(options_.landscape.concept_period, absl::Hours(24 * 30));
  EXPECT_EQ(options_.change_feed.retention, absl::Hours(24 * 90));
  EXPECT_EQ(options_.lineage_limits.stub_confidentiality, catalog::v1::CONFIDENTIALITY_INTERN);
}

TEST_F(ConfigTest, BadFilesAreRefusedNamingLineAndKey) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {"listen = \"x\"\nno_such_key = 1\n", ":2: unknown key no_such_key"},
      {"stale_after_days = \"ninety\"\n", ":1: stale_after_days has the wrong type"},
      {"stale_after_days = 0\n", ":1: stale_after_days must be 1..3650 days"},
      {"handling_days_basisregistratie = -5\n", "handling_days_basisregistratie must be 1..3650"},
      {"concept_days = 4000\n", "concept_days must be 1..3650 days"},
      {"change_log_retention_days = 0\n", ":1: change_log_retention_days must be 1..3650 days"},
      {"write_threads = 0\n", "write_threads must be a positive number"},
      {"openlineage_stub_confidentiality = \"streng\"\n",
       ":1: openlineage_stub_confidentiality: unknown value \"streng\"; expected one of: "
       "openbaar, beperkt_openbaar, intern"},
      {"openlineage_stub_confidentiality = 3\n",
       ":1: openlineage_stub_confidentiality has the wrong type"},
      {"listen = \n", ":1: "},
  };
  for (const Case& c : cases) {
    const absl::Status s = Load(c.text);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(std::string(s.message()).find(c.expected), std::string::npos)
        << c.text << " -> " << s.message();
    EXPECT_NE(std::string(s.message()).find(path_), std::string::npos) << "names the file";
  }
}

}  // namespace
}  // namespace catalog::testing
