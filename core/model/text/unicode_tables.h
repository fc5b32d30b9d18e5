// SPDX-License-Identifier: GPL-3.0-or-later
// Raw Unicode data for the CLIP text cleanup, generated from Python's unicodedata by
// generate_unicode_tables.py (so the tokenizer agrees with transformers' Python tokenizer):
// classes and case in unicode_tables.cpp, NFC data in unicode_nfc_tables.cpp.
// Every table is sorted by code point; unicode_text.cpp does the look-ups.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dpsapf::core::unicode_tables {

// A value that holds for every code point from `first` up to the next run's start.
struct ValueRun {
    std::uint32_t first;
    std::uint8_t value;
};

// first, first + stride, ..., last lower-case to code point + delta (single code point mappings;
// U+0130 and the final sigma are special cases in code).
struct LowerRun {
    std::uint32_t first;
    std::uint32_t last;
    std::uint32_t stride;
    std::int32_t delta;
};

// Canonical combining class of first..last (every code point not listed has class 0).
struct CombiningRun {
    std::uint32_t first;
    std::uint32_t last;
    std::uint8_t combiningClass;
};

// Canonical decomposition of `codePoint` into first (+ second, 0 for a singleton).
// `composes` is 1 when NFC recomposes the pair (a primary composite, not an exclusion).
struct Decomposition {
    std::uint32_t codePoint;
    std::uint32_t first;
    std::uint32_t second;
    std::uint8_t composes;
};

extern const char *const kUnicodeVersion;
// CharClass values (see unicode_text.h).
extern const ValueRun kClassRuns[];
extern const std::size_t kClassRunCount;
// How str.lower() treats a code point next to a capital sigma: 0 neither, 1 case-ignorable,
// 2 cased (Unicode's Final_Sigma condition).
extern const ValueRun kSigmaContextRuns[];
extern const std::size_t kSigmaContextRunCount;
extern const LowerRun kLowerRuns[];
extern const std::size_t kLowerRunCount;
extern const CombiningRun kCombiningRuns[];
extern const std::size_t kCombiningRunCount;
extern const Decomposition kDecompositions[];
extern const std::size_t kDecompositionCount;

} // namespace dpsapf::core::unicode_tables
