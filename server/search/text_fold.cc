#include "server/search/text_fold.h"

#include <xapian.h>

namespace catalog::search {
namespace {

// The fold of one lower-case code point, or nullptr when it is kept. Covers
// Latin-1 Supplement (U+00E0..U+00FF) and Latin Extended-A (U+0100..U+017F).
const char* FoldLatin(unsigned ch) {
  if (ch >= 0xE0 && ch <= 0xFF) {
    static const char* const kLatin1[32] = {
        "a", "a", "a", "a", "a", "a", "ae", "c",  // à á â ã ä å æ ç
        "e", "e", "e", "e", "i", "i", "i",  "i",  // è é ê ë ì í î ï
        "d", "n", "o", "o", "o", "o", "o",  nullptr,  // ð ñ ò ó ô õ ö ÷
        "o", "u", "u", "u", "u", "y", "th", "y"};  // ø ù ú û ü ý þ ÿ
    return kLatin1[ch - 0xE0];
  }
  if (ch == 0xDF) return "ss";  // ß (has no simple lower/upper pair)
  if (ch >= 0x100 && ch <= 0x17F) {
    // Latin Extended-A, in pairs (upper, lower) except where noted; after
    // lower-casing only the odd (lower) members of most pairs occur, but
    // both map the same way.
    static const char* const kExtendedA[128] = {
        "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",  // 100
        "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",  // 110
        "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",  // 120
        "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",  // 130
        "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",  // 140
        "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  // 150
        "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",  // 160
        "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s"};  // 170
    return kExtendedA[ch - 0x100];
  }
  return nullptr;
}

bool IsCombiningMark(unsigned ch) { return ch >= 0x300 && ch <= 0x36F; }

}  // namespace

std::string FoldText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it) {
    unsigned ch = Xapian::Unicode::tolower(*it);
    if (ch < 0x80) {
      out.push_back(static_cast<char>(ch));
    } else if (IsCombiningMark(ch)) {
      continue;
    } else if (const char* folded = FoldLatin(ch)) {
      out.append(folded);
    } else {
      Xapian::Unicode::append_utf8(out, ch);
    }
  }
  return out;
}

std::string NormalizeWhole(absl::string_view text) {
  std::string folded = FoldText(text);
  std::string out;
  out.reserve(folded.size());
  bool space = false;
  for (char c : folded) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace catalog::search
