// SPDX-License-Identifier: GPL-3.0-or-later
// Text-to-image sampling with a Stable Diffusion model, as diffusers' StableDiffusionPipeline
// computes it (sd-format.md §7): prompt embeddings, the guided denoising loop with a DDIM or
// DPM-Solver++(2M) sampler configured from the model's scheduler settings, and the VAE decode.
#pragma once

#include "model/sd/stable_diffusion.h"
#include "sample/guided_denoising.h"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dpsapf::core {

// A guidance scale <= 1 turns guidance off (one UNet call per step), as in diffusers.
struct PromptSamplingOptions : DenoisingOptions {
    int clipSkip = 0;
};

// The denoised (scaled) latents, and the decoded images.
struct PromptSamplingResult : DenoisingResult {
    torch::Tensor images; // [B, 3, H, W] float32 in [0, 1] (CPU)
};

// Starts from `initialLatents` [B, C, h, w] (already multiplied by the sampler's initial sigma,
// which is 1 for DDIM and DPM-Solver++), with one prompt per row, or one prompt for all rows.
// `progress` (may be empty) is told the steps done. Runs without gradients on the UNet's device.
[[nodiscard]] PromptSamplingResult
sampleFromPrompts(StableDiffusionModel &model, const std::vector<std::string> &prompts,
                  const std::vector<std::string> &negativePrompts,
                  const torch::Tensor &initialLatents, const PromptSamplingOptions &options,
                  const std::function<void(std::int64_t)> &progress = {});

} // namespace dpsapf::core
