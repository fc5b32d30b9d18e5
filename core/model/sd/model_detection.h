// SPDX-License-Identifier: GPL-3.0-or-later
// What a public-model path holds, decided from folder layout and safetensors headers only (no
// tensor data is read; sd-format.md §1.3): the bundled pixel-space format, a diffusers Stable
// Diffusion pipeline folder, or an original single-file SD1/SD2 checkpoint. Pickle files
// (.ckpt/.bin/.pt/.pth), SDXL, inpainting models and LoRA files are refused with the reason.
// Torch-free.
#pragma once

#include "dpsapf/core/expected.h"

#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

enum class ModelLayout {
    BundledPixel,      // dpsapf_model.json + unet/ + conditioner (sapf-tiny)
    DiffusersPipeline, // model_index.json + unet/ vae/ text_encoder/ tokenizer/ scheduler/
    SingleFile,        // one .safetensors with model.diffusion_model.* keys
};

enum class SdFamily { Sd1, Sd2 };

[[nodiscard]] std::string sdFamilyName(SdFamily family); // "sd1", "sd2"

struct DetectedModel {
    ModelLayout layout = ModelLayout::BundledPixel;
    SdFamily family = SdFamily::Sd1; // Stable Diffusion layouts only
    std::filesystem::path path;
    std::string description; // one line for logs and `model inspect`
};

[[nodiscard]] Expected<DetectedModel> detectModel(const std::filesystem::path &path);

// The diffusers pipeline components this project needs, in the order they are checked.
[[nodiscard]] const std::vector<std::string> &requiredPipelineComponents();

} // namespace dpsapf::core
