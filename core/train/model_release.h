// SPDX-License-Identifier: GPL-3.0-or-later
// The release folder of a finished pretraining run ("<out>/model", written as "model.tmp" and
// renamed): the model files of training_checkpoint.h plus MODEL_CARD.md, samples.png (DDIM with
// classifier-free guidance), loss_curve.png, loss.jsonl and pretrain_config.json.
#pragma once

#include "dpsapf/core/pretrain.h"
#include "train/public_data.h"
#include "train/training_checkpoint.h"

#include <filesystem>
#include <string>

namespace dpsapf::core {

struct ReleaseInputs {
    const PretrainConfig *config = nullptr; // outputDir, sampling settings, seed
    ModelFiles model;                       // the released (EMA) weights
    const PublicCorpus *corpus = nullptr;
    std::string corpusFingerprint;
    std::int64_t steps = 0;
    double trainingSeconds = 0.0;
};

struct ReleaseSummary {
    std::filesystem::path folder;
    double finalLoss = 0.0; // mean of the last (up to) 100 lines of loss.jsonl
};

[[nodiscard]] Expected<ReleaseSummary> writeModelRelease(const ReleaseInputs &inputs);

// (step, loss) of every readable line of a loss.jsonl (a torn last line is skipped).
[[nodiscard]] std::vector<std::pair<std::int64_t, double>>
readLossFile(const std::filesystem::path &path);

} // namespace dpsapf::core
