// SPDX-License-Identifier: GPL-3.0-or-later
// The sensitive dataset of a run: loaded as the config says, split into train/validation with a
// recorded seed, limited for smoke runs, converted to the public model's resolution and channels
// and held as one uint8 tensor. These bytes are the private data: they never leave the run.
#pragma once

#include "dpsapf/core/image_dataset.h"
#include "dpsapf/core/run_config.h"

#include <torch/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace dpsapf::core {

struct PublicModel;

// What the diffusion loss starts from for a batch of records: images in [-1, 1] for pixel-space
// models, or the VAE posterior (mean and std, already multiplied by the scaling factor) for
// latent-space models, from which the loss draws z0 = mean + std * n per record (method.md §2).
struct CleanBatch {
    torch::Tensor images;
    torch::Tensor latentMean, latentStd;
    [[nodiscard]] bool latent() const { return latentMean.defined(); }
};

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

    // Latent-space models: the scaled VAE posterior of every record, float32 [N, C, h, w]
    // (encodeLatentPosteriors); undefined for pixel-space models. Held in memory only.
    torch::Tensor latentMean, latentStd;

    [[nodiscard]] std::int64_t size() const { return images.size(0); }
    // Training images in [-1, 1] as float32 [B, C, S, S].
    [[nodiscard]] torch::Tensor batch(const std::vector<std::int64_t> &records) const;
    // The loss's inputs for these records (the posterior once it has been encoded).
    [[nodiscard]] CleanBatch cleanBatch(const std::vector<std::int64_t> &records) const;
};

// Encodes every record once with the VAE of a latent-space model (on the VAE's device, in chunks)
// and keeps mean and std scaled by its scaling factor; `stop` (may be null) cancels.
[[nodiscard]] Expected<bool> encodeLatentPosteriors(SensitiveData &data, const PublicModel &model,
                                                    const std::atomic<bool> *stop);

[[nodiscard]] Expected<SensitiveData> loadSensitiveData(const DatasetSettings &settings,
                                                        std::int64_t modelSize,
                                                        std::int64_t modelChannels);

} // namespace dpsapf::core
