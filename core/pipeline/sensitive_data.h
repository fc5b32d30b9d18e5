// SPDX-License-Identifier: GPL-3.0-or-later
// The sensitive dataset of a run: loaded as the config says, split into train/validation with a
// recorded seed, limited for smoke runs, converted to the public model's resolution and channels
// and held as one uint8 tensor. These bytes are the private data: they never leave the run.
#pragma once

#include "dpsapf/core/image_dataset.h"
#include "dpsapf/core/run_config.h"

#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

namespace dpsapf::core {

struct SensitiveData {
    torch::Tensor images; // [N, C, S, S] uint8 at the model's resolution and channels
    torch::Tensor labels; // [N] int64
    std::vector<std::string> classNames;
    SplitIndices split; // indices into the loaded dataset (train after the limit)
    std::int64_t loadedRecords = 0;
    std::string fingerprint; // datasetFingerprint of the training split
    std::string description; // what was loaded
    std::int32_t nativeWidth = 0, nativeHeight = 0, nativeChannels = 0; // of the first image
    LoadReport report;

    [[nodiscard]] std::int64_t size() const { return images.size(0); }
    // Training images in [-1, 1] as float32 [B, C, S, S].
    [[nodiscard]] torch::Tensor batch(const std::vector<std::int64_t> &records) const;
};

[[nodiscard]] Expected<SensitiveData> loadSensitiveData(const DatasetSettings &settings,
                                                        std::int64_t modelSize,
                                                        std::int64_t modelChannels);

} // namespace dpsapf::core
