// SubjectKey::Hash is HMAC-SHA256 (RFC 2104) over id type, a zero byte and
// the id. The expected digests were computed independently, with Python's
// hmac module: hmac.new(key, b"BSN\x00999993653", hashlib.sha256).
#include "server/core/subject_key.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace catalog::server {
namespace {

std::string HexHash(const std::string& key) {
  return absl::BytesToHexString(SubjectKey(key).Hash("BSN", "999993653"));
}

TEST(SubjectKeyTest, HashIsHmacSha256OfTypeZeroByteAndId) {
  // A key of 32 bytes (padded to the block), of exactly one block, and of
  // more than one block (hashed first).
  EXPECT_EQ(HexHash("0123456789abcdef0123456789abcdef"),
            "fc58d2f35fc3b5fd9f059ed72d7ed89b73d0526e36b4b79ee849438f1bf8f312");
  EXPECT_EQ(HexHash(std::string(64, 'k')),
            "36defbcf2db02c31dc8df3affc4c89dc6c3dab3bcbf92fc462f89b94ddfc79fa");
  std::string long_key;
  for (int i = 0; i < 131; ++i) long_key.push_back(static_cast<char>(i));
  EXPECT_EQ(HexHash(long_key),
            "80230039d12b0340297d1699d88c4c8a95a226a78946133462f9c6c6309c63d8");
}

TEST(SubjectKeyTest, HashIsTheSameOnEveryCallAndDiffersByTypeAndId) {
  const SubjectKey key(std::string(40, 'x'));
  const std::string first = key.Hash("BSN", "999993653");
  EXPECT_EQ(first.size(), SubjectKey::kHashBytes);
  EXPECT_EQ(key.Hash("BSN", "999993653"), first);
  EXPECT_NE(key.Hash("BSN", "999993654"), first);
  EXPECT_NE(key.Hash("RSIN", "999993653"), first);
  // The zero byte keeps type and id apart.
  EXPECT_NE(key.Hash("BS", "N999993653"), first);
}

}  // namespace
}  // namespace catalog::server
