// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf generate --public-model …`: text-to-image with a Stable Diffusion model from local files,
// optionally with a LoRA file, writing PNGs and the arrays scripts compare against diffusers.
// Torch-free API.
#pragma once

#include "dpsapf/core/expected.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dpsapf::core {

struct TextToImageSettings {
    std::string publicModel; // pipeline folder or single-file .safetensors
    std::string prompt;
    std::string negativePrompt; // empty = "" (as diffusers)
    std::int64_t steps = 25;
    double guidance = 7.5;              // <= 1: no classifier-free guidance
    std::string scheduler = "dpmpp-2m"; // ddim | dpmpp-2m | dpmpp-2m-karras
    std::int64_t height = 0, width = 0; // 0 = the model's native size; multiples of 8 (VAE scale)
    std::int64_t images = 1;            // ignored with initialLatents (its batch size counts)
    std::uint64_t seed = 0;             // initial latents ~ N(0, I) from this seed
    std::string initialLatents;         // .npy float32 [B, C, h, w] instead of the seed
    std::string lora;                   // LoRA .safetensors (PEFT, diffusers or kohya keys)
    double loraScale = 1.0;
    int clipSkip = 0;
    std::string predictionType; // "" = the model's scheduler setting; epsilon | v_prediction
    std::string outDir;         // PNGs <outDir>/image_<i>.png (+ generation.json)
    std::string saveNpy;        // decoded images float32 NHWC in [0, 1]
    std::string saveLatents;    // latents after each step float32 [steps, B, C, h, w]
    std::string device = "cpu"; // cpu | cuda

    // Checks that need no files; messages name the flag ("--steps: ...").
    [[nodiscard]] Expected<bool> validate() const;
};

struct TextToImageSummary {
    std::string model; // what was loaded (layout and family)
    std::string device;
    std::string scheduler; // sampler and its timestep spacing
    std::vector<std::int64_t> timesteps;
    std::int64_t images = 0, height = 0, width = 0;
    double seconds = 0.0;
    std::vector<std::string> files; // everything written
};

// `progress` (may be empty) gets (steps done, steps in total).
[[nodiscard]] Expected<TextToImageSummary>
runTextToImage(const TextToImageSettings &settings,
               const std::function<void(std::int64_t, std::int64_t)> &progress = {});

} // namespace dpsapf::core
