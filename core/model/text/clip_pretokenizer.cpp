// SPDX-License-Identifier: GPL-3.0-or-later
// CLIP text cleanup (transformers' BasicTokenizer without ftfy) and the pre-tokenization pattern,
// matched by hand because std::regex has no \p{L} / \p{N}.
#include "model/text/clip_pretokenizer.h"

#include "model/text/unicode_text.h"

#include <array>

namespace dpsapf::core {
namespace {

using unicode::CharClass;

constexpr char32_t kReplacementCharacter = 0xFFFD;
// COMBINING GREEK YPOGEGRAMMENI is a mark, but case-insensitive matching relates it to the
// letter iota, so `[^\s\p{L}\p{N}]` rejects it while `\p{L}` does not accept it: no alternative
// matches and Python's findall skips the character. Checked against the regex module.
constexpr char32_t kUnmatchedMark = 0x345;
// Simple case folding maps LATIN SMALL LETTER LONG S to 's', so "'ſ" is the contraction 's.
constexpr char32_t kLongS = 0x17F;

// BasicTokenizer._clean_text and _tokenize_chinese_chars, then NFC, whitespace split and
// str.lower() per word (the order transformers applies them in).
std::vector<std::u32string> cleanWords(std::string_view text)
{
    std::u32string cleaned;
    for (const char32_t c : unicode::decodeUtf8(text)) {
        const CharClass cls = unicode::classify(c);
        if (c == 0 || c == kReplacementCharacter || cls == CharClass::Control) {
            continue;
        }
        if (cls == CharClass::Whitespace) {
            cleaned.push_back(U' ');
        } else if (unicode::isCjkIdeograph(c)) {
            cleaned += {U' ', c, U' '};
        } else {
            cleaned.push_back(c);
        }
    }
    const std::u32string normalized = unicode::toNfc(cleaned);
    std::vector<std::u32string> words;
    std::u32string word;
    for (const char32_t c : normalized) {
        if (unicode::classify(c) == CharClass::Whitespace) {
            if (!word.empty()) {
                words.push_back(unicode::toLower(word));
                word.clear();
            }
        } else {
            word.push_back(c);
        }
    }
    if (!word.empty()) {
        words.push_back(unicode::toLower(word));
    }
    return words;
}

bool matchesIgnoringCase(char32_t textChar, char32_t patternChar)
{
    // The text is lower-case already; only folds that lower-casing leaves apart remain.
    return textChar == patternChar || (patternChar == U's' && textChar == kLongS);
}

// Length of `literal` matched at `position`, or 0.
std::size_t matchLiteral(const std::u32string &word, std::size_t position,
                         std::u32string_view literal)
{
    if (word.size() - position < literal.size()) {
        return 0;
    }
    for (std::size_t i = 0; i < literal.size(); ++i) {
        if (!matchesIgnoringCase(word[position + i], literal[i])) {
            return 0;
        }
    }
    return literal.size();
}

// The special tokens and contractions, in the pattern's order (the first that matches wins).
std::size_t matchFixedAlternative(const std::u32string &word, std::size_t position)
{
    static constexpr std::array<std::u32string_view, 9> kAlternatives{
        U"<|startoftext|>", U"<|endoftext|>", U"'s", U"'t", U"'re", U"'ve", U"'m", U"'ll", U"'d"};
    for (const auto literal : kAlternatives) {
        if (const std::size_t length = matchLiteral(word, position, literal); length != 0) {
            return length;
        }
    }
    return 0;
}

bool isOtherSymbol(char32_t c)
{
    const CharClass cls = unicode::classify(c);
    return cls != CharClass::Letter && cls != CharClass::Number && cls != CharClass::Whitespace &&
           c != kUnmatchedMark;
}

void appendPieces(const std::u32string &word, std::vector<std::string> &pieces)
{
    std::size_t position = 0;
    while (position < word.size()) {
        std::size_t length = matchFixedAlternative(word, position);
        const char32_t first = word[position];
        const CharClass cls = unicode::classify(first);
        if (length == 0 && cls == CharClass::Letter) {
            while (position + length < word.size() &&
                   unicode::classify(word[position + length]) == CharClass::Letter) {
                ++length;
            }
        } else if (length == 0 && cls == CharClass::Number) {
            length = 1; // digits are pieces of their own
        } else if (length == 0 && isOtherSymbol(first)) {
            while (position + length < word.size() && isOtherSymbol(word[position + length])) {
                ++length;
            }
        }
        if (length == 0) {
            ++position; // no alternative matches here: findall moves on
            continue;
        }
        pieces.push_back(unicode::encodeUtf8(std::u32string_view(word).substr(position, length)));
        position += length;
    }
}

} // namespace

std::vector<std::string> clipPreTokenize(std::string_view text)
{
    std::vector<std::string> pieces;
    for (const auto &word : cleanWords(text)) {
        appendPieces(word, pieces);
    }
    return pieces;
}

} // namespace dpsapf::core
