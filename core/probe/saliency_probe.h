// SPDX-License-Identifier: GPL-3.0-or-later
// The DP-SAPF saliency probe (method.md §4): for a Poisson sample of the sensitive records, the
// per-record gradient w.r.t. every candidate attention matrix is jointly clipped to C, the
// per-key squared masses are summed, and Gaussian noise of std sigma_s * C^2 is added once per key.
// Only the noisy scores leave this file; the clean sums are never stored, logged or returned.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/privacy_history.h"
#include "dpsapf/core/selection.h"
#include "model/unet/unet.h"
#include "privacy/gaussian_noise.h"

#include <torch/types.h>

#include <atomic>
#include <functional>
#include <vector>

namespace dpsapf::core {

struct ProbeConfig {
    double sampleRate = 1.0;      // q_s = min(1, n_probe / N)
    double noiseMultiplier = 5.0; // sigma_s
    double clipNorm = 1.0;        // C (joint clip over all candidate tensors)
    std::int64_t microBatchSize = 64;
    std::uint64_t seed = 0; // Poisson sample and (with Reproducible) the noise
    NoiseRandomness randomness = NoiseRandomness::Reproducible;
    // false: one score per matrix (128 keys); true: one per attention processor ("...attn1",
    // 32 keys), summing its four projections before the noise (method.md §5.2).
    bool perProcessor = false;
    // true: every linear layer of the UNet is a candidate (the all-parameters variant), not only
    // the 128 attention matrices.
    bool allLinearLayers = false;

    [[nodiscard]] Expected<bool> validate() const;
    // The accountant entry of this release: (sigma_s, q_s, 1).
    [[nodiscard]] PrivacyEvent privacyEvent() const { return {noiseMultiplier, sampleRate, 1}; }
};

// Per-record losses [B] (each the mean over that record's elements, method.md §2) for the given
// record indices; the function draws each record's (t, noise) and runs `unet`.
using PerRecordLoss = std::function<torch::Tensor(const std::vector<std::int64_t> &records)>;

// Runs the probe over all 128 candidate matrices of `unet` (to_out.0 biases count towards their
// key). `stop` (may be null) is checked between micro-batches; a stopped probe releases nothing.
[[nodiscard]] Expected<NoisyScores> runSaliencyProbe(UNet &unet, std::int64_t datasetSize,
                                                     const PerRecordLoss &perRecordLoss,
                                                     const ProbeConfig &config,
                                                     const std::atomic<bool> *stop = nullptr);

} // namespace dpsapf::core
