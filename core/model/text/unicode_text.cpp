// SPDX-License-Identifier: GPL-3.0-or-later
// UTF-8, character classes, Python's str.lower() and NFC (Unicode Standard Annex #15) on top of
// the generated tables in unicode_tables.cpp.
#include "model/text/unicode_text.h"

#include "model/text/unicode_tables.h"

#include <algorithm>
#include <unordered_map>

namespace dpsapf::core::unicode {
namespace {

using unicode_tables::ValueRun;

constexpr char32_t kReplacementCharacter = 0xFFFD;
constexpr char32_t kMaxCodePoint = 0x10FFFF;

// Hangul syllables compose and decompose algorithmically (Unicode §3.12), not through tables.
constexpr char32_t kHangulSyllableBase = 0xAC00;
constexpr char32_t kHangulLeadBase = 0x1100;
constexpr char32_t kHangulVowelBase = 0x1161;
constexpr char32_t kHangulTrailBase = 0x11A7;
constexpr char32_t kHangulLeadCount = 19;
constexpr char32_t kHangulVowelCount = 21;
constexpr char32_t kHangulTrailCount = 28;
constexpr char32_t kHangulSyllablesPerLead = kHangulVowelCount * kHangulTrailCount;
constexpr char32_t kHangulSyllableCount = kHangulLeadCount * kHangulSyllablesPerLead;

std::uint8_t runValue(const ValueRun *runs, std::size_t count, char32_t codePoint)
{
    // The last run whose start is <= codePoint (the tables start at U+0000).
    const ValueRun *end = runs + count;
    const ValueRun *next =
        std::upper_bound(runs, end, codePoint,
                         [](char32_t value, const ValueRun &run) { return value < run.first; });
    return next == runs ? 0 : (next - 1)->value;
}

std::uint8_t combiningClass(char32_t codePoint)
{
    const auto *begin = unicode_tables::kCombiningRuns;
    const auto *end = begin + unicode_tables::kCombiningRunCount;
    const auto *found = std::lower_bound(
        begin, end, codePoint, [](const auto &run, char32_t value) { return run.last < value; });
    return found != end && found->first <= codePoint ? found->combiningClass : 0;
}

const unicode_tables::Decomposition *findDecomposition(char32_t codePoint)
{
    const auto *begin = unicode_tables::kDecompositions;
    const auto *end = begin + unicode_tables::kDecompositionCount;
    const auto *found =
        std::lower_bound(begin, end, codePoint,
                         [](const auto &row, char32_t value) { return row.codePoint < value; });
    return found != end && found->codePoint == codePoint ? found : nullptr;
}

void appendCanonicalDecomposition(char32_t codePoint, std::u32string &out)
{
    if (codePoint >= kHangulSyllableBase &&
        codePoint < kHangulSyllableBase + kHangulSyllableCount) {
        const char32_t index = codePoint - kHangulSyllableBase;
        out.push_back(kHangulLeadBase + index / kHangulSyllablesPerLead);
        out.push_back(kHangulVowelBase + (index % kHangulSyllablesPerLead) / kHangulTrailCount);
        if (index % kHangulTrailCount != 0) {
            out.push_back(kHangulTrailBase + index % kHangulTrailCount);
        }
        return;
    }
    const auto *row = findDecomposition(codePoint);
    if (row == nullptr) {
        out.push_back(codePoint);
        return;
    }
    // Table entries hold one level; the parts may decompose further.
    appendCanonicalDecomposition(row->first, out);
    if (row->second != 0) {
        appendCanonicalDecomposition(row->second, out);
    }
}

// The primary composite of a starter and the following character, or 0.
char32_t composePair(char32_t first, char32_t second)
{
    if (first >= kHangulLeadBase && first < kHangulLeadBase + kHangulLeadCount &&
        second >= kHangulVowelBase && second < kHangulVowelBase + kHangulVowelCount) {
        return kHangulSyllableBase +
               ((first - kHangulLeadBase) * kHangulVowelCount + (second - kHangulVowelBase)) *
                   kHangulTrailCount;
    }
    if (first >= kHangulSyllableBase && first < kHangulSyllableBase + kHangulSyllableCount &&
        (first - kHangulSyllableBase) % kHangulTrailCount == 0 && second > kHangulTrailBase &&
        second < kHangulTrailBase + kHangulTrailCount) {
        return first + (second - kHangulTrailBase);
    }
    static const std::unordered_map<std::uint64_t, char32_t> compositions = [] {
        std::unordered_map<std::uint64_t, char32_t> map;
        for (std::size_t i = 0; i < unicode_tables::kDecompositionCount; ++i) {
            const auto &row = unicode_tables::kDecompositions[i];
            if (row.composes != 0) {
                map.emplace((std::uint64_t(row.first) << 32) | row.second, row.codePoint);
            }
        }
        return map;
    }();
    const auto found = compositions.find((std::uint64_t(first) << 32) | second);
    return found == compositions.end() ? 0 : found->second;
}

// Unicode's Final_Sigma condition as CPython evaluates it: a cased letter before the sigma and
// none after it, skipping case-ignorable characters on both sides.
bool isFinalSigma(std::u32string_view text, std::size_t position)
{
    const auto kindAt = [&](std::size_t i) {
        return runValue(unicode_tables::kSigmaContextRuns, unicode_tables::kSigmaContextRunCount,
                        text[i]);
    };
    constexpr std::uint8_t kCaseIgnorable = 1;
    constexpr std::uint8_t kCased = 2;
    std::size_t before = position;
    while (before > 0 && kindAt(before - 1) == kCaseIgnorable) {
        --before;
    }
    if (before == 0 || kindAt(before - 1) != kCased) {
        return false;
    }
    std::size_t after = position + 1;
    while (after < text.size() && kindAt(after) == kCaseIgnorable) {
        ++after;
    }
    return after == text.size() || kindAt(after) != kCased;
}

char32_t lowerSingle(char32_t codePoint)
{
    const auto *begin = unicode_tables::kLowerRuns;
    const auto *end = begin + unicode_tables::kLowerRunCount;
    const auto *found = std::lower_bound(
        begin, end, codePoint, [](const auto &run, char32_t value) { return run.last < value; });
    if (found == end || found->first > codePoint || (codePoint - found->first) % found->stride) {
        return codePoint;
    }
    return static_cast<char32_t>(static_cast<std::int64_t>(codePoint) + found->delta);
}

// Length of the UTF-8 sequence a lead byte announces (0: not a valid lead byte).
int sequenceLength(unsigned char lead)
{
    if (lead < 0x80) {
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        return 2;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        return 4;
    }
    return 0;
}

} // namespace

CharClass classify(char32_t codePoint)
{
    if (codePoint > kMaxCodePoint) {
        return CharClass::Control;
    }
    return static_cast<CharClass>(
        runValue(unicode_tables::kClassRuns, unicode_tables::kClassRunCount, codePoint));
}

std::u32string decodeUtf8(std::string_view text)
{
    std::u32string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const int length = sequenceLength(lead);
        if (length == 1) {
            out.push_back(lead);
            ++i;
            continue;
        }
        bool valid = length != 0 && i + std::size_t(length) <= text.size();
        char32_t value = length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
        for (int k = 1; valid && k < length; ++k) {
            const auto byte = static_cast<unsigned char>(text[i + std::size_t(k)]);
            valid = (byte & 0xC0) == 0x80;
            value = (value << 6) | (byte & 0x3F);
        }
        // Overlong three/four-byte forms, surrogates and values past U+10FFFF are malformed.
        valid = valid && !(length == 3 && value < 0x800) && !(length == 4 && value < 0x10000) &&
                !(value >= 0xD800 && value <= 0xDFFF) && value <= kMaxCodePoint;
        if (!valid) {
            out.push_back(kReplacementCharacter);
            ++i;
            continue;
        }
        out.push_back(value);
        i += std::size_t(length);
    }
    return out;
}

std::string encodeUtf8(std::u32string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text) {
        if (c > kMaxCodePoint || (c >= 0xD800 && c <= 0xDFFF)) {
            c = kReplacementCharacter;
        }
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (c >> 12)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (c >> 18)));
            out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

std::u32string toLower(std::u32string_view text)
{
    constexpr char32_t kCapitalDottedI = 0x130;
    constexpr char32_t kCapitalSigma = 0x3A3;
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == kCapitalDottedI) {
            // The one multi-character lower-case mapping without a language condition.
            out += U"i\u0307";
        } else if (text[i] == kCapitalSigma) {
            out.push_back(isFinalSigma(text, i) ? 0x3C2 : 0x3C3);
        } else {
            out.push_back(lowerSingle(text[i]));
        }
    }
    return out;
}

std::u32string toNfc(std::u32string_view text)
{
    // 1. Full canonical decomposition.
    std::u32string decomposed;
    decomposed.reserve(text.size());
    for (const char32_t c : text) {
        appendCanonicalDecomposition(c, decomposed);
    }
    // 2. Canonical ordering: every run of non-starters sorted (stably) by combining class.
    for (std::size_t i = 0; i < decomposed.size();) {
        if (combiningClass(decomposed[i]) == 0) {
            ++i;
            continue;
        }
        std::size_t runEnd = i;
        while (runEnd < decomposed.size() && combiningClass(decomposed[runEnd]) != 0) {
            ++runEnd;
        }
        std::stable_sort(
            decomposed.begin() + std::ptrdiff_t(i), decomposed.begin() + std::ptrdiff_t(runEnd),
            [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = runEnd;
    }
    // 3. Canonical composition: each character joins the last starter unless a character in
    // between blocks it (one of class 0, or of a class >= its own).
    std::u32string out;
    out.reserve(decomposed.size());
    std::size_t starter = std::u32string::npos;
    for (const char32_t c : decomposed) {
        const std::uint8_t cls = combiningClass(c);
        if (starter != std::u32string::npos) {
            const bool adjacent = starter + 1 == out.size();
            const bool blocked = !adjacent && combiningClass(out.back()) >= cls;
            if (!blocked) {
                if (const char32_t composite = composePair(out[starter], c); composite != 0) {
                    out[starter] = composite;
                    continue;
                }
            }
        }
        if (cls == 0) {
            starter = out.size();
        }
        out.push_back(c);
    }
    return out;
}

bool isCjkIdeograph(char32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

} // namespace dpsapf::core::unicode
