// SPDX-License-Identifier: GPL-3.0-or-later
// The Unicode operations CLIP's tokenizer needs, with Python's semantics (transformers runs them
// through unicodedata and str): UTF-8 <-> code points, character classes, str.lower() and NFC.
// Torch-free. Data: unicode_tables.cpp, generated from Python's unicodedata.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dpsapf::core::unicode {

// The classes the text cleanup and the CLIP pre-tokenizer distinguish.
enum class CharClass : std::uint8_t {
    Other = 0,      // punctuation, symbols, marks, ...
    Letter = 1,     // general category L* (\p{L})
    Number = 2,     // general category N* (\p{N})
    Whitespace = 3, // Zs, \t \n \r, U+2028, U+2029
    Control = 4,    // general category C* except \t \n \r (incl. unassigned and private use)
};

[[nodiscard]] CharClass classify(char32_t codePoint);

// Malformed UTF-8 (bad lead or continuation bytes, overlong forms, surrogates, values past
// U+10FFFF) decodes to U+FFFD, one per offending byte, instead of failing: a prompt is never
// refused, and the cleanup then drops U+FFFD as transformers does.
[[nodiscard]] std::u32string decodeUtf8(std::string_view text);
[[nodiscard]] std::string encodeUtf8(std::u32string_view text);

// Python's str.lower(): full lower-case mapping, including U+0130 -> "i\u0307" and the
// word-final sigma.
[[nodiscard]] std::u32string toLower(std::u32string_view text);

// Unicode Normalization Form C (what unicodedata.normalize("NFC", ...) returns).
[[nodiscard]] std::u32string toNfc(std::u32string_view text);

// The CJK ideograph blocks that BERT's BasicTokenizer surrounds with spaces.
[[nodiscard]] bool isCjkIdeograph(char32_t codePoint);

} // namespace dpsapf::core::unicode
