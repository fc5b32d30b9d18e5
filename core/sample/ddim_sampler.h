// SPDX-License-Identifier: GPL-3.0-or-later
// DDIM sampler (Song, Meng, Ermon 2021) with diffusers DDIMScheduler semantics: leading, trailing
// or linspace timestep spacing, eta for stochasticity, set_alpha_to_one for the final step.
#pragma once

#include "sample/sampler.h"

namespace dpsapf::core {

class DdimSampler final : public Sampler
{
public:
    DdimSampler(SchedulerConfig config, double eta);

    void setTimesteps(std::int64_t steps) override;
    [[nodiscard]] const std::vector<std::int64_t> &timesteps() const override
    {
        return m_timesteps;
    }
    [[nodiscard]] torch::Tensor step(const torch::Tensor &modelOutput, std::size_t index,
                                     const torch::Tensor &sample,
                                     const torch::Tensor &noise = {}) override;
    [[nodiscard]] TimestepSpacing spacing() const override;
    [[nodiscard]] SamplerKind kind() const override { return SamplerKind::Ddim; }

    // x0 predicted at the last step() (diffusers' pred_original_sample).
    [[nodiscard]] const torch::Tensor &predictedOriginal() const { return m_predictedOriginal; }

private:
    SchedulerConfig m_config;
    double m_eta;
    torch::Tensor m_alphasCumprod;
    std::vector<std::int64_t> m_timesteps;
    std::int64_t m_steps = 0;
    torch::Tensor m_predictedOriginal;
};

} // namespace dpsapf::core
