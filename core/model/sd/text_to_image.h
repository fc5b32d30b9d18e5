// SPDX-License-Identifier: GPL-3.0-or-later
// Text-to-image sampling with a Stable Diffusion model, as diffusers' StableDiffusionPipeline
// computes it (sd-format.md §7): prompt embeddings, classifier-free guidance on one batched
// [uncond; cond] UNet call per step, a DDIM or DPM-Solver++(2M) sampler configured from the
// model's scheduler settings, and the VAE decode.
#pragma once

#include "model/sd/stable_diffusion.h"
#include "sample/sampler.h"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dpsapf::core {

struct PromptSamplingOptions {
    SamplerKind sampler = SamplerKind::DpmSolverPP2M;
    std::int64_t steps = 25;
    double guidanceScale = 7.5; // <= 1 turns guidance off (one UNet call per step)
    int clipSkip = 0;
    bool keepStepLatents = false; // record the latents after every step
};

struct PromptSamplingResult {
    torch::Tensor images;      // [B, 3, H, W] float32 in [0, 1] (CPU)
    torch::Tensor latents;     // final scaled latents [B, C, h, w] (CPU)
    torch::Tensor stepLatents; // [steps, B, C, h, w] when keepStepLatents (CPU)
    std::vector<std::int64_t> timesteps;
};

// Starts from `initialLatents` [B, C, h, w] (already multiplied by the sampler's initial sigma,
// which is 1 for DDIM and DPM-Solver++), with one prompt per row, or one prompt for all rows.
// `progress` (may be empty) is told the steps done. Runs without gradients on the UNet's device.
[[nodiscard]] PromptSamplingResult
sampleFromPrompts(StableDiffusionModel &model, const std::vector<std::string> &prompts,
                  const std::vector<std::string> &negativePrompts,
                  const torch::Tensor &initialLatents, const PromptSamplingOptions &options,
                  const std::function<void(std::int64_t)> &progress = {});

// The same loop on given embeddings: cond [B, 77, D] and uncond [B, 77, D] (unused without
// guidance). Returns the final latents and, when asked, the latents after every step.
[[nodiscard]] PromptSamplingResult
denoiseLatents(UNet &unet, const SchedulerConfig &scheduler, const torch::Tensor &cond,
               const torch::Tensor &uncond, const torch::Tensor &initialLatents,
               const PromptSamplingOptions &options,
               const std::function<void(std::int64_t)> &progress = {});

} // namespace dpsapf::core
