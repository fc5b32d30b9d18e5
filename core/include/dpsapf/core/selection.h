// SPDX-License-Identifier: GPL-3.0-or-later
// Selection of the matrices that get LoRA adapters (method.md §5). Every selection is
// post-processing of the probe's NOISY release: the functions take NoisyScores only, which holds
// nothing but differentially private values, so selecting costs no extra privacy.
#pragma once

#include "dpsapf/core/expected.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dpsapf::core {

// The probe's release: one noisy score per candidate key (S_m + N(0, (sigma_s C^2)^2)).
struct NoisyScores {
    std::vector<std::string> keys; // module paths, e.g. "...transformer_blocks.0.attn2.to_k"
    std::vector<double> scores;    // noisy, aligned with keys
    std::vector<std::vector<std::int64_t>> shapes; // weight shape per key (may be empty)
    double noiseMultiplier = 0.0;                  // sigma_s
    double clipNorm = 1.0;                         // C; the noise std is sigma_s * C^2
    double sampleRate = 1.0;                       // q_s
    // Records in the probe's sample (the dataset size is treated as public, as delta = 1/(N ln N)
    // already uses it; method.md §11 lists it in scores.json).
    std::int64_t recordsUsed = 0;
    std::uint64_t seed = 0;
};

enum class SelectionMethod {
    MatrixTopC,   // DP-SAPF default: global top-k of the noisy key scores, k = floor(c |K|)
    LayerTopC,    // top floor(c * 32) attention processors, all four projections each
    Random,       // k random keys (seeded), no data touched
    AllAttention, // DP-LoRA: every candidate, no probe
};

struct Selection {
    SelectionMethod method = SelectionMethod::MatrixTopC;
    double ratio = 0.0;                    // c
    std::vector<std::string> selectedKeys; // sorted by name
    std::vector<std::int64_t> ranks; // per NoisyScores key: 1 = highest (empty without scores)
};

[[nodiscard]] std::string
selectionMethodName(SelectionMethod method); // "matrix", "layer", "random", "all"

// k = floor(c |K|), ranked by noisy score descending, ties by key name ascending.
[[nodiscard]] Expected<Selection> selectMatrixTopC(const NoisyScores &scores, double ratio);
// Processors ("...attn1"/"...attn2") ranked by their noisy processor score (a separate release).
[[nodiscard]] Expected<Selection> selectLayerTopC(const NoisyScores &processorScores, double ratio);
[[nodiscard]] Expected<Selection> selectRandom(const std::vector<std::string> &keys, double ratio,
                                               std::uint64_t seed);
[[nodiscard]] Selection selectAll(const std::vector<std::string> &keys);

// DP-SAPF's tuning_layers.json: {"<processor>.processor": ["k", "o", ...]} with keys sorted;
// letters q, k, v, o for to_q, to_k, to_v, to_out.0.
[[nodiscard]] nlohmann::json tuningLayersJson(const Selection &selection);
// Reads both reference forms (object of letters, or an array of processor paths) back into keys.
[[nodiscard]] Expected<std::vector<std::string>> readTuningLayers(const nlohmann::json &json);
// saliency/scores.json: noisy score, rank, selected flag per candidate, plus the release
// parameters.
[[nodiscard]] nlohmann::json scoresJson(const NoisyScores &scores, const Selection &selection);
// The release back from a scores.json.
[[nodiscard]] Expected<NoisyScores> noisyScoresFromJson(const nlohmann::json &json);

} // namespace dpsapf::core
