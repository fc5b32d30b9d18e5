// SPDX-License-Identifier: GPL-3.0-or-later
// Selection of the LoRA'd matrices from the noisy probe scores (post-processing; method.md §5) and
// the tuning_layers.json / scores.json formats (method.md §11).
#include "dpsapf/core/selection.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>

namespace dpsapf::core {
namespace {

const std::vector<std::pair<std::string, std::string>> kLetters{
    {"to_q", "q"}, {"to_k", "k"}, {"to_v", "v"}, {"to_out.0", "o"}};

Expected<bool> checkRatio(double ratio)
{
    if (!(ratio > 0.0 && ratio <= 1.0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "selection ratio c must lie in (0, 1], got " + std::to_string(ratio));
    }
    return true;
}

// "<processor>.to_q" -> ("<processor>", "to_q"); the processor ends in attn1/attn2.
std::pair<std::string, std::string> splitKey(const std::string &key)
{
    for (const auto &[projection, letter] : kLetters) {
        const std::string suffix = "." + projection;
        if (key.size() > suffix.size() &&
            key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
            return {key.substr(0, key.size() - suffix.size()), projection};
        }
    }
    return {key, ""};
}

std::vector<std::int64_t> ranksOf(const NoisyScores &scores, std::vector<std::size_t> &order)
{
    order.resize(scores.keys.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (scores.scores[a] != scores.scores[b]) {
            return scores.scores[a] > scores.scores[b];
        }
        return scores.keys[a] < scores.keys[b];
    });
    std::vector<std::int64_t> ranks(scores.keys.size());
    for (std::size_t position = 0; position < order.size(); ++position) {
        ranks[order[position]] = static_cast<std::int64_t>(position) + 1;
    }
    return ranks;
}

Expected<bool> checkScores(const NoisyScores &scores)
{
    if (scores.keys.empty() || scores.keys.size() != scores.scores.size()) {
        return makeError(ErrorCode::InvalidArgument,
                         "noisy scores: keys and scores must be non-empty and aligned");
    }
    return true;
}

} // namespace

std::string selectionMethodName(SelectionMethod method)
{
    switch (method) {
    case SelectionMethod::MatrixTopC: return "matrix";
    case SelectionMethod::LayerTopC: return "layer";
    case SelectionMethod::Random: return "random";
    case SelectionMethod::AllAttention: return "all";
    }
    return "matrix";
}

Expected<Selection> selectMatrixTopC(const NoisyScores &scores, double ratio)
{
    if (auto valid = checkRatio(ratio); !valid) {
        return valid.error();
    }
    if (auto valid = checkScores(scores); !valid) {
        return valid.error();
    }
    Selection selection{SelectionMethod::MatrixTopC, ratio, {}, {}};
    std::vector<std::size_t> order;
    selection.ranks = ranksOf(scores, order);
    const auto k = static_cast<std::size_t>(
        std::floor(ratio * static_cast<double>(scores.keys.size()) + 1e-9));
    for (std::size_t i = 0; i < k; ++i) {
        selection.selectedKeys.push_back(scores.keys[order[i]]);
    }
    std::sort(selection.selectedKeys.begin(), selection.selectedKeys.end());
    return selection;
}

Expected<Selection> selectLayerTopC(const NoisyScores &processorScores, double ratio)
{
    if (auto valid = checkRatio(ratio); !valid) {
        return valid.error();
    }
    if (auto valid = checkScores(processorScores); !valid) {
        return valid.error();
    }
    Selection selection{SelectionMethod::LayerTopC, ratio, {}, {}};
    std::vector<std::size_t> order;
    selection.ranks = ranksOf(processorScores, order);
    const auto k =
        static_cast<std::size_t>(std::floor(ratio * static_cast<double>(order.size()) + 1e-9));
    for (std::size_t i = 0; i < k; ++i) {
        for (const auto &[projection, letter] : kLetters) {
            selection.selectedKeys.push_back(processorScores.keys[order[i]] + "." + projection);
        }
    }
    std::sort(selection.selectedKeys.begin(), selection.selectedKeys.end());
    return selection;
}

Expected<Selection> selectRandom(const std::vector<std::string> &keys, double ratio,
                                 std::uint64_t seed)
{
    if (auto valid = checkRatio(ratio); !valid) {
        return valid.error();
    }
    std::vector<std::string> shuffled = keys;
    std::sort(shuffled.begin(), shuffled.end());
    std::mt19937_64 engine(seed);
    // Fisher-Yates with rejection sampling on raw engine output: identical on every platform.
    for (std::size_t i = shuffled.size(); i > 1; --i) {
        const std::uint64_t bound = i;
        const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                    std::numeric_limits<std::uint64_t>::max() % bound;
        std::uint64_t draw = engine();
        while (draw >= limit) {
            draw = engine();
        }
        std::swap(shuffled[i - 1], shuffled[draw % bound]);
    }
    const auto k =
        static_cast<std::size_t>(std::floor(ratio * static_cast<double>(keys.size()) + 1e-9));
    Selection selection{SelectionMethod::Random,
                        ratio,
                        {shuffled.begin(), shuffled.begin() + static_cast<std::ptrdiff_t>(k)},
                        {}};
    std::sort(selection.selectedKeys.begin(), selection.selectedKeys.end());
    return selection;
}

Selection selectAll(const std::vector<std::string> &keys)
{
    Selection selection{SelectionMethod::AllAttention, 1.0, keys, {}};
    std::sort(selection.selectedKeys.begin(), selection.selectedKeys.end());
    return selection;
}

nlohmann::json tuningLayersJson(const Selection &selection)
{
    std::map<std::string, std::set<std::string>> processors;
    for (const std::string &key : selection.selectedKeys) {
        const auto [processor, projection] = splitKey(key);
        for (const auto &[name, letter] : kLetters) {
            if (name == projection) {
                processors[processor + ".processor"].insert(letter);
            }
        }
    }
    if (selection.method == SelectionMethod::LayerTopC) {
        nlohmann::json array = nlohmann::json::array();
        for (const auto &item : processors) {
            array.push_back(item.first);
        }
        return array;
    }
    nlohmann::json object = nlohmann::json::object();
    for (const auto &[processor, letters] : processors) {
        object[processor] = std::vector<std::string>(letters.begin(), letters.end());
    }
    return object;
}

Expected<std::vector<std::string>> readTuningLayers(const nlohmann::json &json)
{
    const auto stripProcessor = [](std::string path) -> Expected<std::string> {
        const std::string suffix = ".processor";
        if (path.size() <= suffix.size() ||
            path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
            return makeError(ErrorCode::Format,
                             "tuning_layers.json: '" + path + "' does not end in .processor");
        }
        return path.substr(0, path.size() - suffix.size());
    };
    std::vector<std::string> keys;
    if (json.is_array()) {
        for (const auto &item : json) {
            if (!item.is_string()) {
                return makeError(ErrorCode::Format,
                                 "tuning_layers.json: array entries must be processor paths");
            }
            auto processor = stripProcessor(item.get<std::string>());
            if (!processor) {
                return processor.error();
            }
            for (const auto &[projection, letter] : kLetters) {
                keys.push_back(processor.value() + "." + projection);
            }
        }
    } else if (json.is_object()) {
        for (const auto &[path, letters] : json.items()) {
            auto processor = stripProcessor(path);
            if (!processor) {
                return processor.error();
            }
            if (!letters.is_array()) {
                return makeError(ErrorCode::Format, "tuning_layers.json: '" + path +
                                                        "' must map to a list of letters");
            }
            for (const auto &letter : letters) {
                const auto found =
                    std::find_if(kLetters.begin(), kLetters.end(), [&](const auto &entry) {
                        return letter.is_string() && entry.second == letter.get<std::string>();
                    });
                if (found == kLetters.end()) {
                    return makeError(ErrorCode::Format, "tuning_layers.json: '" + path +
                                                            "' has unknown letter " +
                                                            letter.dump());
                }
                keys.push_back(processor.value() + "." + found->first);
            }
        }
    } else {
        return makeError(ErrorCode::Format, "tuning_layers.json: expected an object or an array");
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

nlohmann::json scoresJson(const NoisyScores &scores, const Selection &selection)
{
    const std::set<std::string> selected(selection.selectedKeys.begin(),
                                         selection.selectedKeys.end());
    std::vector<bool> flags;
    for (const std::string &key : scores.keys) {
        // A processor key (layer-level) is selected when its projections are.
        flags.push_back(selected.count(key) == 1 || selected.count(key + ".to_q") == 1);
    }
    return {{"keys", scores.keys},
            {"shapes", scores.shapes},
            {"noisy_scores", scores.scores},
            {"rank", selection.ranks},
            {"selected", flags},
            {"method", selectionMethodName(selection.method)},
            {"c", selection.ratio},
            {"k", selection.selectedKeys.size()},
            {"sigma_s", scores.noiseMultiplier},
            {"clip_norm", scores.clipNorm},
            {"q_s", scores.sampleRate},
            {"n_used", scores.recordsUsed},
            {"seed", scores.seed}};
}

Expected<NoisyScores> noisyScoresFromJson(const nlohmann::json &json)
{
    NoisyScores scores;
    try {
        scores.keys = json.at("keys").get<std::vector<std::string>>();
        scores.scores = json.at("noisy_scores").get<std::vector<double>>();
        if (json.contains("shapes")) {
            scores.shapes = json.at("shapes").get<std::vector<std::vector<std::int64_t>>>();
        }
        scores.noiseMultiplier = json.at("sigma_s").get<double>();
        scores.clipNorm = json.at("clip_norm").get<double>();
        scores.sampleRate = json.at("q_s").get<double>();
        scores.recordsUsed = json.at("n_used").get<std::int64_t>();
        scores.seed = json.at("seed").get<std::uint64_t>();
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, std::string("scores: ") + error.what());
    }
    if (scores.keys.size() != scores.scores.size() ||
        (!scores.shapes.empty() && scores.shapes.size() != scores.keys.size())) {
        return makeError(ErrorCode::Format,
                         "scores: keys, noisy_scores and shapes differ in length");
    }
    return scores;
}

} // namespace dpsapf::core
