// SPDX-License-Identifier: GPL-3.0-or-later
// CLIP's text cleanup and pre-tokenization (Radford et al. 2021; sd-format.md §6.2 steps 1-2), as
// transformers' slow CLIPTokenizer does it when ftfy is not installed. Torch-free.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dpsapf::core {

// Splits `text` (UTF-8) into the pieces that BPE then encodes one by one, as UTF-8 strings:
//  1. cleanup (transformers' BasicTokenizer with strip_accents=False and no punctuation split):
//     NUL, U+FFFD and control/format/unassigned characters are dropped, whitespace becomes a
//     space, CJK ideographs become words of their own, the text is NFC-normalised, split on
//     whitespace and lower-cased with Python's str.lower();
//  2. each word is cut with CLIP's pattern
//     <|startoftext|> | <|endoftext|> | 's|'t|'re|'ve|'m|'ll|'d | \p{L}+ | \p{N} | [^\s\p{L}\p{N}]+
//     (case-insensitive, leftmost alternative first, as Python's `regex` module matches it).
[[nodiscard]] std::vector<std::string> clipPreTokenize(std::string_view text);

} // namespace dpsapf::core
