#include "server/core/page_token.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"

namespace catalog::server {
namespace {

const PageTokens kTokens(std::string(PageTokens::kKeySize, 'k'));

TEST(PageToken, RoundTripsAPosition) {
  const uint64_t fingerprint = QueryFingerprint("filter-bytes");
  const std::string token = kTokens.Encode(fingerprint, std::string("pos\0ition", 9));
  absl::StatusOr<std::string> position = kTokens.Decode(token, fingerprint);
  ASSERT_TRUE(position.ok());
  EXPECT_EQ(*position, std::string("pos\0ition", 9));
}

TEST(PageToken, EmptyMeansStartAndEnd) {
  EXPECT_EQ(kTokens.Encode(1, ""), "");
  EXPECT_EQ(*kTokens.Decode("", 1), "");
}

TEST(PageToken, PositionIsNotReadableInTheToken) {
  const std::string token = kTokens.Encode(1, "secret-dataset-id");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  EXPECT_EQ(raw.find("secret"), std::string::npos);
  EXPECT_EQ(token.find("secret"), std::string::npos);
}

TEST(PageToken, TokenOfAnotherQueryIsInvalidArgument) {
  const std::string token = kTokens.Encode(QueryFingerprint("a"), "x");
  absl::Status status = kTokens.Decode(token, QueryFingerprint("b")).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("page_token"), absl::string_view::npos);
}

TEST(PageToken, AlteredTokenOrAnotherKeyIsInvalidArgument) {
  std::string token = kTokens.Encode(7, "position");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  raw[raw.size() / 2] ^= 1;
  EXPECT_EQ(kTokens.Decode(absl::WebSafeBase64Escape(raw), 7).status().code(),
            absl::StatusCode::kInvalidArgument);
  const PageTokens other(std::string(PageTokens::kKeySize, 'o'));
  EXPECT_EQ(other.Decode(token, 7).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PageToken, GarbageIsInvalidArgument) {
  EXPECT_EQ(kTokens.Decode("not base64 !!", 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(kTokens.Decode("AAAA", 1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PageToken, FingerprintIsStable) {
  // FNV-1a of "abc": fingerprints must not change across restarts and builds.
  EXPECT_EQ(QueryFingerprint("abc"), 0xe71fa2190541574bull);
}

}  // namespace
}  // namespace catalog::server
