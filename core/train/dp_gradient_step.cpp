// SPDX-License-Identifier: GPL-3.0-or-later
// Noise, post-clip and scaling of the clipped per-record sums of one DP-SGD step.
#include "train/dp_gradient_step.h"

#include <torch/torch.h>

#include <cmath>

namespace dpsapf::core {

DpGradientStep::DpGradientStep(std::vector<torch::Tensor> trainable, PerSampleConfig clipping,
                               DpStepConfig config, NoiseRandomness randomness, std::uint64_t seed)
    : m_trainable(trainable)
    , m_recorder(std::move(trainable), clipping)
    , m_config(config)
    , m_noise(randomness, seed)
{}

double DpGradientStep::sensitivity() const
{
    return m_recorder.config().mode == ClipMode::Flat ? m_recorder.config().maxGradNorm : 1.0;
}

void DpGradientStep::writeGradients()
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> noisy;
    noisy.reserve(m_trainable.size());
    double squaredNorm = 0.0;
    for (std::size_t i = 0; i < m_trainable.size(); ++i) {
        torch::Tensor sum = m_recorder.clippedSum(static_cast<int>(i)).clone();
        m_noise.addTo(sum, m_config.noiseMultiplier, sensitivity());
        squaredNorm += sum.to(torch::kFloat64).pow(2).sum().item<double>();
        noisy.push_back(std::move(sum));
    }
    // Average over the expected batch, then clip the average (the reference's clip_grad_norm_).
    const double norm = std::sqrt(squaredNorm) / m_config.expectedBatchSize;
    const double postClip = (m_config.postClipNorm > 0.0 && norm > m_config.postClipNorm)
                                ? m_config.postClipNorm / norm
                                : 1.0;
    const double scale = postClip / m_config.expectedBatchSize;
    for (std::size_t i = 0; i < m_trainable.size(); ++i) {
        torch::Tensor gradient = (noisy[i] * scale).to(m_trainable[i].options());
        m_trainable[i].mutable_grad() = gradient;
    }
    m_recorder.resetStep();
}

} // namespace dpsapf::core
