#include "storage/key_codec.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

using namespace std::string_literals;

namespace catalog::storage {
namespace {

TEST(KeyCodec, Uint64RoundTripsAndSortsNumerically) {
  std::vector<uint64_t> values = {0, 1, 255, 256, 65535, 1ull << 32, (1ull << 63) + 5, ~0ull};
  std::vector<std::string> encoded;
  for (uint64_t v : values) {
    std::string out;
    AppendUint64(&out, v);
    ASSERT_EQ(out.size(), 8u);
    std::string_view in = out;
    uint64_t back = 0;
    ASSERT_TRUE(ConsumeUint64(&in, &back));
    EXPECT_EQ(back, v);
    EXPECT_TRUE(in.empty());
    encoded.push_back(out);
  }
  EXPECT_TRUE(std::is_sorted(encoded.begin(), encoded.end()));
}

TEST(KeyCodec, OrderedStringSortsLikeTheStringsThemselves) {
  std::mt19937 random(42);
  std::vector<std::string> strings = {"", "a", "a\0"s, "a\0b"s, "ab", "b", "\xff", "\0"s, "\0\0"s};
  for (int i = 0; i < 500; ++i) {
    std::string s(random() % 6, '\0');
    for (char& c : s) c = static_cast<char>(random() % 4);  // Lots of zero bytes.
    strings.push_back(s);
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& s : strings) {
    std::string key;
    AppendOrderedString(&key, s);
    pairs.emplace_back(key, s);
  }
  std::sort(pairs.begin(), pairs.end());
  for (size_t i = 1; i < pairs.size(); ++i) {
    EXPECT_LE(pairs[i - 1].second, pairs[i].second) << "order broken at " << i;
  }
}

TEST(KeyCodec, OrderedStringIsSelfDelimitingInCompositeKeys) {
  // ("a", 2) must sort before ("ab", 1): the string ends before the number.
  std::string a = DatasetRevisionKey("a", 2);
  std::string ab = DatasetRevisionKey("ab", 1);
  EXPECT_LT(a, ab);
  std::string id;
  uint64_t revision = 0;
  ASSERT_TRUE(ParseDatasetRevisionKey(a, &id, &revision));
  EXPECT_EQ(id, "a");
  EXPECT_EQ(revision, 2u);
}

TEST(KeyCodec, RevisionKeysOfOneDatasetSortByRevision) {
  EXPECT_LT(DatasetRevisionKey("brp", 9), DatasetRevisionKey("brp", 10));
  EXPECT_LT(DatasetRevisionKey("brp", 255), DatasetRevisionKey("brp", 256));
  EXPECT_TRUE(DatasetRevisionKey("brp", 7).starts_with(DatasetRevisionPrefix("brp")));
  EXPECT_FALSE(DatasetRevisionKey("brp-x", 7).starts_with(DatasetRevisionPrefix("brp")));
}

TEST(KeyCodec, IndexKeysParseBackForEveryValueKind) {
  struct Case {
    IndexValueKind kind;
    std::string value;
  };
  for (const Case& c : {Case{IndexValueKind::kString, IndexStringValue("Burgerzaken")},
                        Case{IndexValueKind::kUint32, IndexUint32Value(7)},
                        Case{IndexValueKind::kUint64, IndexUint64Value(123456789)}}) {
    const std::string key = IndexKey(3, c.value, "brp-ingezetenen");
    uint8_t index = 0;
    std::string_view value;
    std::string id;
    ASSERT_TRUE(ParseIndexKey(key, c.kind, &index, &value, &id));
    EXPECT_EQ(index, 3);
    EXPECT_EQ(value, c.value);
    EXPECT_EQ(id, "brp-ingezetenen");
    EXPECT_TRUE(key.starts_with(IndexValuePrefix(3, c.value)));
  }
}

TEST(KeyCodec, IndexEntriesOfOneValueSortById) {
  const std::string value = IndexUint32Value(1);
  EXPECT_LT(IndexKey(2, value, "aaa"), IndexKey(2, value, "bbb"));
  EXPECT_LT(IndexKey(2, value, "zzz"), IndexKey(2, IndexUint32Value(2), "aaa"));
}

TEST(KeyCodec, MalformedKeysAreRejectedNotMisread) {
  std::string id;
  uint64_t revision = 0;
  EXPECT_FALSE(ParseDatasetKey("no-terminator", &id));
  EXPECT_FALSE(ParseDatasetRevisionKey(DatasetKey("x") + "123", &id,
                                       &revision));
  EXPECT_FALSE(ParseChangeLogKey("short", &revision));
  std::string bad_escape = "a";
  bad_escape += '\0';
  bad_escape += '\x07';
  EXPECT_FALSE(ParseDatasetKey(bad_escape, &id));
  uint8_t index = 0;
  std::string_view value;
  EXPECT_FALSE(ParseIndexKey(std::string(1, '\x02') + "abc", IndexValueKind::kUint32, &index,
                             &value, &id));
}

TEST(KeyCodec, PrefixSuccessorBoundsThePrefix) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), "");
  EXPECT_LT(std::string("ab\xff\xff"), PrefixSuccessor("ab"));
}

}  // namespace
}  // namespace catalog::storage
