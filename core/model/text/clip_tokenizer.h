// SPDX-License-Identifier: GPL-3.0-or-later
// CLIP's byte-level BPE tokenizer (Radford et al. 2021; sd-format.md §6.2) with the semantics of
// transformers' slow CLIPTokenizer (without ftfy), read from a transformers tokenizer folder.
// Torch-free.
#pragma once

#include "dpsapf/core/expected.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dpsapf::core {

// The special tokens and lengths of a tokenizer folder (transformers' defaults for CLIP).
struct ClipTokenizerConfig {
    std::string bosToken = "<|startoftext|>";
    std::string eosToken = "<|endoftext|>";
    std::string padToken = "<|endoftext|>"; // SD 2.x tokenizers pad with "!"
    std::string unkToken = "<|endoftext|>";
    std::size_t modelMaxLength = 77;
    std::vector<std::string> additionalSpecialTokens;
    // tokenizer_config.json's added_tokens_decoder (content -> id); these ids win over vocab.json.
    std::map<std::string, std::int64_t> addedTokenIds;
};

class ClipTokenizer
{
public:
    // Reads vocab.json and merges.txt, plus tokenizer_config.json and special_tokens_map.json
    // when present (the latter wins, as in transformers). Errors name the file and the field.
    [[nodiscard]] static Expected<ClipTokenizer> load(const std::filesystem::path &tokenizerFolder);
    // `merges` in rank order ("a b" per entry, no header); for tests and synthetic vocabularies.
    [[nodiscard]] static Expected<ClipTokenizer>
    fromVocabulary(std::unordered_map<std::string, std::int64_t> vocab,
                   const std::vector<std::string> &merges, ClipTokenizerConfig config);

    // transformers' tokenize(): BPE symbols (with "</w>" ending words) and special tokens.
    [[nodiscard]] std::vector<std::string> bpeTokens(const std::string &text) const;
    // Token ids without BOS/EOS.
    [[nodiscard]] std::vector<std::int64_t> encode(const std::string &text) const;
    // BOS + ids + EOS, cut to `length` with EOS kept last, then padded with the pad id: what a
    // Stable Diffusion pipeline feeds the text encoder (padding="max_length", truncation=True).
    [[nodiscard]] std::vector<std::int64_t> encodePadded(const std::string &text,
                                                         std::size_t length = 77) const;
    // 1 for BOS, the kept ids and EOS of encodePadded(text, length), 0 for the padding.
    [[nodiscard]] std::vector<std::int64_t> attentionMask(const std::string &text,
                                                          std::size_t length = 77) const;

    // Changes the padding token (e.g. "!" for SD 2.x); it must be in the vocabulary or among the
    // special tokens. Like transformers, it then also becomes a token that is never split.
    [[nodiscard]] Expected<bool> setPadToken(const std::string &token);

    [[nodiscard]] std::int64_t bosId() const { return m_bosId; }
    [[nodiscard]] std::int64_t eosId() const { return m_eosId; }
    [[nodiscard]] std::int64_t padId() const { return m_padId; }
    [[nodiscard]] std::int64_t unkId() const { return m_unkId; }
    [[nodiscard]] std::size_t vocabSize() const { return m_vocab.size(); }
    [[nodiscard]] const ClipTokenizerConfig &config() const { return m_config; }

private:
    struct BpeCache;

    ClipTokenizer() = default;
    [[nodiscard]] Expected<bool> resolveSpecialTokens();
    [[nodiscard]] std::vector<std::string> bpe(const std::string &piece) const;
    [[nodiscard]] std::int64_t tokenToId(const std::string &token) const;

    ClipTokenizerConfig m_config;
    std::unordered_map<std::string, std::int64_t> m_vocab;
    std::unordered_map<std::string, std::size_t> m_mergeRanks; // "first second" -> rank
    // Tokens that are split off before cleanup and BPE, longest first, with their ids.
    std::vector<std::pair<std::string, std::int64_t>> m_specialTokens;
    std::array<std::string, 256> m_byteSymbols; // UTF-8 of the code point each byte maps to
    std::int64_t m_bosId = 0;
    std::int64_t m_eosId = 0;
    std::int64_t m_padId = 0;
    std::int64_t m_unkId = 0;
    std::shared_ptr<BpeCache> m_cache; // per-word BPE results, shared by copies
};

} // namespace dpsapf::core
