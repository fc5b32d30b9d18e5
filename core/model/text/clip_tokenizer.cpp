// SPDX-License-Identifier: GPL-3.0-or-later
// CLIP BPE tokenizer: tokenizer folder files, special-token splitting, the byte-to-unicode map,
// the BPE merge loop and padding/truncation (transformers' CLIPTokenizer semantics).
#include "model/text/clip_tokenizer.h"

#include "dpsapf/core/atomic_file.h"
#include "io/lenient_json.h"
#include "model/text/clip_pretokenizer.h"
#include "model/text/unicode_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <mutex>
#include <sstream>

namespace dpsapf::core {

struct ClipTokenizer::BpeCache {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<std::string>> words;
};

namespace {

constexpr const char *kEndOfWord = "</w>";
// CLIP uses only the first 49152 - 256 - 2 merges of its merge file (the original
// bpe_simple_vocab_16e6 lists more); transformers applies the same cut.
constexpr std::size_t kMaxMerges = 49152 - 256 - 2;
// Prompts repeat few words; the cap only bounds memory for a long-running process.
constexpr std::size_t kMaxCachedWords = 1u << 16;

Error formatError(const std::filesystem::path &file, const std::string &what)
{
    return makeError(ErrorCode::Format, file.string() + ": " + what);
}

// GPT-2's reversible byte -> printable code point map: printable Latin-1 bytes keep their value,
// the other 68 bytes (0-32, 127-160, 173) take 256, 257, ... in increasing order.
std::array<std::string, 256> makeByteSymbols()
{
    std::array<std::string, 256> symbols;
    char32_t next = 256;
    for (int byte = 0; byte < 256; ++byte) {
        const bool printable =
            (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || byte >= 174;
        const char32_t codePoint = printable ? char32_t(byte) : next++;
        symbols[std::size_t(byte)] = unicode::encodeUtf8(std::u32string(1, codePoint));
    }
    return symbols;
}

// A special-token entry: a plain string or an AddedToken object {"content": ...}; null = unset.
Expected<bool> readTokenEntry(const nlohmann::json &entry, const std::filesystem::path &file,
                              const std::string &key, std::string &target)
{
    if (entry.is_null()) {
        return true;
    }
    if (entry.is_string()) {
        target = entry.get<std::string>();
        return true;
    }
    if (entry.is_object() && entry.contains("content") && entry["content"].is_string()) {
        target = entry["content"].get<std::string>();
        return true;
    }
    return formatError(file, "'" + key + "' must be a string or an object with a 'content' string");
}

Expected<bool> applyTokenizerJson(const nlohmann::json &json, const std::filesystem::path &file,
                                  ClipTokenizerConfig &config)
{
    if (!json.is_object()) {
        return formatError(file, "expected a JSON object");
    }
    const std::pair<const char *, std::string *> tokenFields[] = {{"bos_token", &config.bosToken},
                                                                  {"eos_token", &config.eosToken},
                                                                  {"pad_token", &config.padToken},
                                                                  {"unk_token", &config.unkToken}};
    for (const auto &[key, target] : tokenFields) {
        if (json.contains(key)) {
            if (auto read = readTokenEntry(json[key], file, key, *target); !read) {
                return read.error();
            }
        }
    }
    if (json.contains("additional_special_tokens")) {
        const auto &list = json["additional_special_tokens"];
        if (!list.is_array()) {
            return formatError(file, "'additional_special_tokens' must be a list");
        }
        for (const auto &entry : list) {
            std::string token;
            if (auto read = readTokenEntry(entry, file, "additional_special_tokens", token);
                !read) {
                return read.error();
            }
            if (!token.empty()) {
                config.additionalSpecialTokens.push_back(token);
            }
        }
    }
    if (json.contains("model_max_length")) {
        const auto &value = json["model_max_length"];
        if (!value.is_number()) {
            return formatError(file, "'model_max_length' must be a number");
        }
        // transformers writes 1e30 for "unbounded"; CLIP is then bounded by its 77 positions.
        const double length = value.get<double>();
        if (length >= 2 && length <= 1e6) {
            config.modelMaxLength = static_cast<std::size_t>(length);
        }
    }
    if (json.contains("added_tokens_decoder")) {
        const auto &decoder = json["added_tokens_decoder"];
        if (!decoder.is_object()) {
            return formatError(file, "'added_tokens_decoder' must be an object");
        }
        for (const auto &[idText, entry] : decoder.items()) {
            std::string token;
            std::int64_t id = -1;
            std::istringstream(idText) >> id;
            if (auto read = readTokenEntry(entry, file, "added_tokens_decoder", token);
                !read || token.empty() || id < 0) {
                return formatError(file, "'added_tokens_decoder' entry '" + idText +
                                             "' needs a numeric id and a 'content' string");
            }
            config.addedTokenIds[token] = id;
        }
    }
    return true;
}

Expected<std::unordered_map<std::string, std::int64_t>> readVocab(const std::filesystem::path &file)
{
    const Expected<nlohmann::json> json = readLenientJson(file);
    if (!json) {
        return json.error();
    }
    if (!json->is_object() || json->empty()) {
        return formatError(file, "expected a non-empty object of token -> id");
    }
    std::unordered_map<std::string, std::int64_t> vocab;
    for (const auto &[token, id] : json->items()) {
        if (!id.is_number_integer() || id.get<std::int64_t>() < 0) {
            return formatError(file,
                               "the id of token '" + token + "' is not a non-negative integer");
        }
        vocab.emplace(token, id.get<std::int64_t>());
    }
    return vocab;
}

// merges.txt: a "#version: ..." header, then one "first second" pair per line in rank order.
Expected<std::vector<std::string>> readMerges(const std::filesystem::path &file)
{
    const Expected<std::string> text = readWholeFile(file);
    if (!text) {
        return text.error();
    }
    std::vector<std::string> merges;
    std::istringstream lines(text.value());
    std::string line;
    std::size_t lineNumber = 0;
    std::size_t blankRun = 0;
    while (std::getline(lines, line) && merges.size() < kMaxMerges) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (lineNumber == 1 && line.rfind("#version", 0) == 0) {
            continue;
        }
        std::istringstream fields(line);
        std::string first;
        std::string second;
        std::string extra;
        if (!(fields >> first)) {
            ++blankRun; // blank lines are only allowed at the end of the file
            continue;
        }
        if (blankRun != 0 || !(fields >> second) || (fields >> extra)) {
            return formatError(file, "line " + std::to_string(lineNumber - blankRun) +
                                         ": expected two symbols separated by a space");
        }
        merges.push_back(first + " " + second);
    }
    if (merges.empty()) {
        return formatError(file, "no merges");
    }
    return merges;
}

} // namespace

Expected<ClipTokenizer> ClipTokenizer::load(const std::filesystem::path &tokenizerFolder)
{
    ClipTokenizerConfig config;
    // special_tokens_map.json is read last: its values win, as in transformers' from_pretrained.
    for (const char *name : {"tokenizer_config.json", "special_tokens_map.json"}) {
        const auto file = tokenizerFolder / name;
        if (!std::filesystem::exists(file)) {
            continue;
        }
        const Expected<nlohmann::json> json = readLenientJson(file);
        if (!json) {
            return json.error();
        }
        if (auto applied = applyTokenizerJson(json.value(), file, config); !applied) {
            return applied.error();
        }
    }
    auto vocab = readVocab(tokenizerFolder / "vocab.json");
    if (!vocab) {
        return vocab.error();
    }
    const auto merges = readMerges(tokenizerFolder / "merges.txt");
    if (!merges) {
        return merges.error();
    }
    auto tokenizer = fromVocabulary(std::move(vocab).value(), merges.value(), std::move(config));
    if (!tokenizer) {
        return makeError(tokenizer.error().code,
                         tokenizerFolder.string() + ": " + tokenizer.error().message);
    }
    return tokenizer;
}

Expected<ClipTokenizer>
ClipTokenizer::fromVocabulary(std::unordered_map<std::string, std::int64_t> vocab,
                              const std::vector<std::string> &merges, ClipTokenizerConfig config)
{
    ClipTokenizer tokenizer;
    tokenizer.m_config = std::move(config);
    tokenizer.m_vocab = std::move(vocab);
    for (std::size_t rank = 0; rank < merges.size(); ++rank) {
        // A repeated merge keeps its last rank, as transformers' dict(zip(merges, ranks)) does.
        tokenizer.m_mergeRanks[merges[rank]] = rank;
    }
    tokenizer.m_byteSymbols = makeByteSymbols();
    tokenizer.m_cache = std::make_shared<BpeCache>();
    if (auto resolved = tokenizer.resolveSpecialTokens(); !resolved) {
        return resolved.error();
    }
    return tokenizer;
}

Expected<bool> ClipTokenizer::resolveSpecialTokens()
{
    const auto idOf = [this](const std::string &token) -> std::int64_t {
        if (const auto added = m_config.addedTokenIds.find(token);
            added != m_config.addedTokenIds.end()) {
            return added->second;
        }
        const auto found = m_vocab.find(token);
        return found == m_vocab.end() ? -1 : found->second;
    };
    std::vector<std::string> neverSplit{m_config.bosToken, m_config.eosToken, m_config.padToken,
                                        m_config.unkToken};
    neverSplit.insert(neverSplit.end(), m_config.additionalSpecialTokens.begin(),
                      m_config.additionalSpecialTokens.end());
    for (const auto &[token, id] : m_config.addedTokenIds) {
        neverSplit.push_back(token);
    }
    m_specialTokens.clear();
    for (const auto &token : neverSplit) {
        const std::int64_t id = idOf(token);
        if (token.empty() || id < 0) {
            return makeError(ErrorCode::Format,
                             "special token '" + token +
                                 "' is neither in vocab.json nor an added token");
        }
        if (std::none_of(m_specialTokens.begin(), m_specialTokens.end(),
                         [&](const auto &known) { return known.first == token; })) {
            m_specialTokens.emplace_back(token, id);
        }
    }
    // Longest first, so that a token containing another is matched whole.
    std::stable_sort(m_specialTokens.begin(), m_specialTokens.end(),
                     [](const auto &a, const auto &b) { return a.first.size() > b.first.size(); });
    m_bosId = idOf(m_config.bosToken);
    m_eosId = idOf(m_config.eosToken);
    m_padId = idOf(m_config.padToken);
    m_unkId = idOf(m_config.unkToken);
    return true;
}

Expected<bool> ClipTokenizer::setPadToken(const std::string &token)
{
    ClipTokenizerConfig previous = m_config;
    m_config.padToken = token;
    if (auto resolved = resolveSpecialTokens(); !resolved) {
        m_config = std::move(previous);
        (void)resolveSpecialTokens();
        return resolved.error();
    }
    return true;
}

std::vector<std::string> ClipTokenizer::bpe(const std::string &piece) const
{
    // The two special-token spellings that the pre-tokenization pattern cuts out stay whole
    // (transformers seeds its BPE cache with them).
    if (piece == "<|startoftext|>" || piece == "<|endoftext|>") {
        return {piece};
    }
    {
        std::lock_guard<std::mutex> lock(m_cache->mutex);
        if (const auto cached = m_cache->words.find(piece); cached != m_cache->words.end()) {
            return cached->second;
        }
    }
    std::vector<std::string> word;
    for (const char byte : piece) {
        word.push_back(m_byteSymbols[static_cast<unsigned char>(byte)]);
    }
    if (word.empty()) {
        return {};
    }
    word.back() += kEndOfWord;
    // Merge the lowest-ranked adjacent pair everywhere (left to right, non-overlapping) until no
    // adjacent pair is a known merge.
    while (word.size() > 1) {
        std::size_t bestRank = std::numeric_limits<std::size_t>::max();
        std::string best;
        for (std::size_t i = 0; i + 1 < word.size(); ++i) {
            const std::string pair = word[i] + " " + word[i + 1];
            if (const auto rank = m_mergeRanks.find(pair);
                rank != m_mergeRanks.end() && rank->second < bestRank) {
                bestRank = rank->second;
                best = pair;
            }
        }
        if (best.empty()) {
            break;
        }
        std::vector<std::string> merged;
        merged.reserve(word.size());
        for (std::size_t i = 0; i < word.size(); ++i) {
            if (i + 1 < word.size() && word[i] + " " + word[i + 1] == best) {
                merged.push_back(word[i] + word[i + 1]);
                ++i;
            } else {
                merged.push_back(word[i]);
            }
        }
        word = std::move(merged);
    }
    std::lock_guard<std::mutex> lock(m_cache->mutex);
    if (m_cache->words.size() >= kMaxCachedWords) {
        m_cache->words.clear();
    }
    m_cache->words.emplace(piece, word);
    return word;
}

std::vector<std::string> ClipTokenizer::bpeTokens(const std::string &text) const
{
    std::vector<std::string> tokens;
    const auto appendText = [&](std::size_t begin, std::size_t end) {
        if (begin == end) {
            return;
        }
        for (const auto &piece :
             clipPreTokenize(std::string_view(text).substr(begin, end - begin))) {
            const auto symbols = bpe(piece);
            tokens.insert(tokens.end(), symbols.begin(), symbols.end());
        }
    };
    // Special tokens are cut out of the raw text first and never cleaned or split (transformers'
    // added-tokens trie); the text between them is tokenized piece by piece.
    std::size_t segmentStart = 0;
    std::size_t position = 0;
    while (position < text.size()) {
        const auto special =
            std::find_if(m_specialTokens.begin(), m_specialTokens.end(), [&](const auto &entry) {
                return text.compare(position, entry.first.size(), entry.first) == 0;
            });
        if (special == m_specialTokens.end()) {
            ++position;
            continue;
        }
        appendText(segmentStart, position);
        tokens.push_back(special->first);
        position += special->first.size();
        segmentStart = position;
    }
    appendText(segmentStart, text.size());
    return tokens;
}

std::int64_t ClipTokenizer::tokenToId(const std::string &token) const
{
    if (const auto added = m_config.addedTokenIds.find(token);
        added != m_config.addedTokenIds.end()) {
        return added->second;
    }
    for (const auto &[special, id] : m_specialTokens) {
        if (special == token) {
            return id;
        }
    }
    const auto found = m_vocab.find(token);
    return found == m_vocab.end() ? m_unkId : found->second;
}

std::vector<std::int64_t> ClipTokenizer::encode(const std::string &text) const
{
    std::vector<std::int64_t> ids;
    for (const auto &token : bpeTokens(text)) {
        ids.push_back(tokenToId(token));
    }
    return ids;
}

std::vector<std::int64_t> ClipTokenizer::encodePadded(const std::string &text,
                                                      std::size_t length) const
{
    length = std::max<std::size_t>(length, 2); // room for BOS and EOS
    std::vector<std::int64_t> ids = encode(text);
    ids.resize(std::min(ids.size(), length - 2));
    ids.insert(ids.begin(), m_bosId);
    ids.push_back(m_eosId);
    ids.resize(length, m_padId);
    return ids;
}

std::vector<std::int64_t> ClipTokenizer::attentionMask(const std::string &text,
                                                       std::size_t length) const
{
    length = std::max<std::size_t>(length, 2);
    const std::size_t used = std::min(encode(text).size(), length - 2) + 2;
    std::vector<std::int64_t> mask(length, 0);
    std::fill(mask.begin(), mask.begin() + std::ptrdiff_t(used), 1);
    return mask;
}

} // namespace dpsapf::core
