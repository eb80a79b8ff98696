#include "server/search/text_fold.h"

#include <gtest/gtest.h>

namespace catalog::search {
namespace {

TEST(TextFoldTest, FoldsDutchDiacriticsAndCase) {
  EXPECT_EQ(FoldText("Financiële"), "financiele");
  EXPECT_EQ(FoldText("café CRÈME"), "cafe creme");
  EXPECT_EQ(FoldText("naïef ÖVER über"), "naief over uber");
  EXPECT_EQ(FoldText("ĳsbaan Ĳmuiden"), "ijsbaan ijmuiden");
  EXPECT_EQ(FoldText("Straße Œuvre Æsop"), "strasse oeuvre aesop");
  EXPECT_EQ(FoldText("Dvořák Łódź"), "dvorak lodz");
}

TEST(TextFoldTest, DropsCombiningMarks) {
  EXPECT_EQ(FoldText("financie\xCC\x88le"), "financiele");  // e + U+0308
}

TEST(TextFoldTest, KeepsOtherText) {
  EXPECT_EQ(FoldText("woz-beschikking 2024"), "woz-beschikking 2024");
  EXPECT_EQ(FoldText("Ωμέγα"), "ωμέγα");
}

TEST(TextFoldTest, NormalizeWholeCollapsesSpace) {
  EXPECT_EQ(NormalizeWhole("  Belasting \t WOZ\n"), "belasting woz");
}

}  // namespace
}  // namespace catalog::search
