// SPDX-License-Identifier: GPL-3.0-or-later
// The denoising loop shared by class-conditional synthesis and text-to-image: one UNet call per
// step and one sampler update, with classifier-free guidance (Ho & Salimans 2022) when an
// unconditional context is given: one batched call on [uncond; cond], eps = eps_u + w (eps_c -
// eps_u).
#pragma once

#include "model/unet/unet.h"
#include "sample/sampler.h"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace dpsapf::core {

struct DenoisingOptions {
    SamplerKind sampler = SamplerKind::DpmSolverPP2M;
    std::int64_t steps = 25;
    double guidanceScale = 7.5;   // w; used only with an unconditional context
    bool keepStepLatents = false; // record the latents after every step
};

struct DenoisingResult {
    torch::Tensor latents;     // final [B, C, h, w] (CPU)
    torch::Tensor stepLatents; // [steps, B, C, h, w] when keepStepLatents (CPU)
    std::vector<std::int64_t> timesteps;
};

// From `initial` [B, C, h, w] (already scaled by the sampler's initial sigma, 1 for DDIM and
// DPM-Solver++) with contexts cond [B, T, D] and uncond [B, T, D] (undefined: no guidance). Runs
// without gradients, in eval mode, on the UNet's device; `progress` (may be empty) gets the steps
// done.
[[nodiscard]] DenoisingResult denoise(UNet &unet, const SchedulerConfig &scheduler,
                                      const torch::Tensor &cond, const torch::Tensor &uncond,
                                      const torch::Tensor &initial, const DenoisingOptions &options,
                                      const std::function<void(std::int64_t)> &progress = {});

} // namespace dpsapf::core
