// SPDX-License-Identifier: GPL-3.0-or-later
// DPM-Solver++(2M) (Lu et al. 2022): data-prediction multistep solver of order 2, midpoint type,
// first order at the final step, final sigma 0; optional Karras sigmas (Karras et al. 2022).
// Semantics of diffusers DPMSolverMultistepScheduler (algorithm_type dpmsolver++).
#pragma once

#include "sample/sampler.h"

namespace dpsapf::core {

class DpmSolverPlusPlus final : public Sampler
{
public:
    DpmSolverPlusPlus(SchedulerConfig config, bool karrasSigmas);

    void setTimesteps(std::int64_t steps) override;
    [[nodiscard]] const std::vector<std::int64_t> &timesteps() const override
    {
        return m_timesteps;
    }
    [[nodiscard]] torch::Tensor step(const torch::Tensor &modelOutput, std::size_t index,
                                     const torch::Tensor &sample,
                                     const torch::Tensor &noise = {}) override;
    [[nodiscard]] TimestepSpacing spacing() const override;
    [[nodiscard]] SamplerKind kind() const override
    {
        return m_karras ? SamplerKind::DpmSolverPP2MKarras : SamplerKind::DpmSolverPP2M;
    }
    // sigma_k for every step plus the final 0 (float32).
    [[nodiscard]] const torch::Tensor &sigmas() const { return m_sigmas; }

private:
    SchedulerConfig m_config;
    bool m_karras;
    torch::Tensor m_alphasCumprod;
    std::vector<std::int64_t> m_timesteps;
    torch::Tensor m_sigmas;
    torch::Tensor m_previousDataPrediction; // D of the previous step (multistep history)
};

} // namespace dpsapf::core
