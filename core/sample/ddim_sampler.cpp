// SPDX-License-Identifier: GPL-3.0-or-later
// DDIM sampler with diffusers DDIMScheduler semantics.
#include "sample/ddim_sampler.h"

#include <torch/torch.h>

#include <cmath>

namespace dpsapf::core {

DdimSampler::DdimSampler(SchedulerConfig config, double eta)
    : m_config(std::move(config))
    , m_eta(eta)
    , m_alphasCumprod(alphasCumprod(m_config))
{}

TimestepSpacing DdimSampler::spacing() const
{
    return m_config.timestepSpacing.value_or(TimestepSpacing::Leading);
}

void DdimSampler::setTimesteps(std::int64_t steps)
{
    m_steps = steps;
    m_timesteps.clear();
    const std::int64_t train = m_config.numTrainTimesteps;
    switch (spacing()) {
    case TimestepSpacing::Leading: {
        const std::int64_t ratio = train / steps;
        for (std::int64_t i = steps - 1; i >= 0; --i) {
            m_timesteps.push_back(i * ratio + m_config.stepsOffset);
        }
        break;
    }
    case TimestepSpacing::Trailing: {
        const double ratio = static_cast<double>(train) / static_cast<double>(steps);
        for (std::int64_t k = 0; static_cast<double>(train) - static_cast<double>(k) * ratio > 0.0;
             ++k) {
            m_timesteps.push_back(
                static_cast<std::int64_t>(
                    std::nearbyint(static_cast<double>(train) - static_cast<double>(k) * ratio)) -
                1);
        }
        break;
    }
    case TimestepSpacing::Linspace:
        for (std::int64_t i = steps - 1; i >= 0; --i) {
            // numpy: linspace(0, train - 1, steps) = i * step, rounded half to even.
            const double step =
                steps == 1 ? 0.0 : static_cast<double>(train - 1) / static_cast<double>(steps - 1);
            const double t = static_cast<double>(i) * step;
            m_timesteps.push_back(static_cast<std::int64_t>(std::nearbyint(t)));
        }
        break;
    }
}

torch::Tensor DdimSampler::step(const torch::Tensor &modelOutput, std::size_t index,
                                const torch::Tensor &sample, const torch::Tensor &noise)
{
    const std::int64_t timestep = m_timesteps.at(index);
    const std::int64_t previous = timestep - m_config.numTrainTimesteps / m_steps;
    const torch::Tensor alphaProduct = m_alphasCumprod[timestep];
    const torch::Tensor alphaProductPrevious =
        previous >= 0 ? m_alphasCumprod[previous]
                      : (m_config.setAlphaToOne ? torch::ones({}, m_alphasCumprod.options())
                                                : m_alphasCumprod[0]);
    const torch::Tensor betaProduct = 1 - alphaProduct;

    torch::Tensor predictedEpsilon;
    if (m_config.predictionType == PredictionType::Epsilon) {
        m_predictedOriginal = (sample - betaProduct.pow(0.5) * modelOutput) / alphaProduct.pow(0.5);
        predictedEpsilon = modelOutput;
    } else {
        m_predictedOriginal = alphaProduct.pow(0.5) * sample - betaProduct.pow(0.5) * modelOutput;
        predictedEpsilon = alphaProduct.pow(0.5) * modelOutput + betaProduct.pow(0.5) * sample;
    }
    const torch::Tensor variance =
        ((1 - alphaProductPrevious) / betaProduct) * (1 - alphaProduct / alphaProductPrevious);
    const torch::Tensor standardDeviation = m_eta * variance.pow(0.5);
    const torch::Tensor direction =
        (1 - alphaProductPrevious - standardDeviation.pow(2)).pow(0.5) * predictedEpsilon;
    torch::Tensor previousSample = alphaProductPrevious.pow(0.5) * m_predictedOriginal + direction;
    if (m_eta > 0.0 && noise.defined()) {
        previousSample = previousSample + standardDeviation * noise;
    }
    return previousSample;
}

} // namespace dpsapf::core
