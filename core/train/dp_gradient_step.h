// SPDX-License-Identifier: GPL-3.0-or-later
// One DP-SGD gradient (Abadi et al. 2016) from the clipped per-record sums of a logical step:
// add N(0, sigma^2 C_eff^2) once, divide by the EXPECTED batch size qN (never the realised one),
// clip the average to postClipNorm (the reference's clip_grad_norm_; pure post-processing), and
// hand it to the optimizer as .grad.
#pragma once

#include "privacy/gaussian_noise.h"
#include "privacy/per_sample/per_sample_gradients.h"

#include <torch/types.h>

#include <vector>

namespace dpsapf::core {

struct DpStepConfig {
    double noiseMultiplier = 1.0;
    double expectedBatchSize = 1.0; // q * N
    double postClipNorm = 1.0;      // <= 0 disables the post-processing clip
};

class DpGradientStep
{
public:
    DpGradientStep(std::vector<torch::Tensor> trainable, PerSampleConfig clipping,
                   DpStepConfig config, NoiseRandomness randomness, std::uint64_t seed);

    [[nodiscard]] PerSampleGradients &recorder() { return m_recorder; }
    [[nodiscard]] GaussianNoise &noise() { return m_noise; }
    // Sensitivity of the clipped sum: 1 for automatic clipping, C for flat clipping.
    [[nodiscard]] double sensitivity() const;

    // Noise + post-clip + scaling of the step's clipped sums into every trainable tensor's .grad;
    // resets the sums for the next logical step. An empty step still adds noise.
    void writeGradients();

private:
    std::vector<torch::Tensor> m_trainable;
    PerSampleGradients m_recorder;
    DpStepConfig m_config;
    GaussianNoise m_noise;
};

} // namespace dpsapf::core
