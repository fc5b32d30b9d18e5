// SPDX-License-Identifier: GPL-3.0-or-later
// Internal side of the pretraining API (dpsapf/core/pretrain.h): a pretrain() overload with test
// seams, plus the typed sapf-tiny config (train/pretrain_config.h).
#pragma once

#include "dpsapf/core/pretrain.h"
#include "train/pretrain_config.h"
#include "train/training_checkpoint.h"

namespace dpsapf::core {

struct PretrainHooks {
    BeforeCommitHook beforeCheckpointCommit; // see writeTrainingCheckpoint
};

[[nodiscard]] Expected<PretrainResult> pretrain(const PretrainConfig &config,
                                                const std::atomic<bool> *stopRequested,
                                                const PretrainProgressCallback &progress,
                                                const PretrainHooks &hooks);

} // namespace dpsapf::core
