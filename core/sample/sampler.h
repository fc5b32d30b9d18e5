// SPDX-License-Identifier: GPL-3.0-or-later
// The sampler interface (one implementation per file: DDIM, DPM-Solver++(2M)) and its factory.
#pragma once

#include "dpsapf/core/expected.h"
#include "sample/noise_schedule.h"

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dpsapf::core {

enum class SamplerKind { Ddim, DpmSolverPP2M, DpmSolverPP2MKarras };

[[nodiscard]] std::string samplerName(SamplerKind kind); // "ddim", "dpmpp-2m", "dpmpp-2m-karras"
[[nodiscard]] std::optional<SamplerKind> parseSampler(const std::string &name);

class Sampler
{
public:
    virtual ~Sampler() = default;
    // Prepares a run of `steps` denoising steps; resets any multistep history.
    virtual void setTimesteps(std::int64_t steps) = 0;
    [[nodiscard]] virtual const std::vector<std::int64_t> &timesteps() const = 0;
    // One update from step `index` (timesteps()[index]) given the model output at that step.
    // `noise` is used only by stochastic samplers (DDIM with eta > 0); may be undefined otherwise.
    [[nodiscard]] virtual torch::Tensor step(const torch::Tensor &modelOutput, std::size_t index,
                                             const torch::Tensor &sample,
                                             const torch::Tensor &noise = {}) = 0;
    [[nodiscard]] virtual TimestepSpacing spacing() const = 0;
    [[nodiscard]] virtual SamplerKind kind() const = 0;
};

// eta applies to DDIM only.
[[nodiscard]] std::unique_ptr<Sampler> makeSampler(SamplerKind kind, const SchedulerConfig &config,
                                                   double eta = 0.0);

} // namespace dpsapf::core
