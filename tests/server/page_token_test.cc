#include "server/core/page_token.h"

#include <gtest/gtest.h>

namespace catalog::server {
namespace {

TEST(PageToken, RoundTripsAPosition) {
  const uint64_t fingerprint = QueryFingerprint("filter-bytes");
  const std::string token = EncodePageToken(fingerprint, std::string("pos\0ition", 9));
  absl::StatusOr<std::string> position = DecodePageToken(token, fingerprint);
  ASSERT_TRUE(position.ok());
  EXPECT_EQ(*position, std::string("pos\0ition", 9));
}

TEST(PageToken, EmptyMeansStartAndEnd) {
  EXPECT_EQ(EncodePageToken(1, ""), "");
  EXPECT_EQ(*DecodePageToken("", 1), "");
}

TEST(PageToken, TokenOfAnotherQueryIsInvalidArgument) {
  const std::string token = EncodePageToken(QueryFingerprint("a"), "x");
  absl::Status status = DecodePageToken(token, QueryFingerprint("b")).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("page_token"), absl::string_view::npos);
}

TEST(PageToken, GarbageIsInvalidArgument) {
  EXPECT_EQ(DecodePageToken("not base64 !!", 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("AAAA", 1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PageToken, FingerprintIsStable) {
  // FNV-1a of "abc": tokens must stay valid across restarts and builds.
  EXPECT_EQ(QueryFingerprint("abc"), 0xe71fa2190541574bull);
}

}  // namespace
}  // namespace catalog::server
