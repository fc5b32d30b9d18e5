// SPDX-License-Identifier: GPL-3.0-or-later
// A Stable Diffusion 1.x / 2.x model from local files (sd-format.md): UNet, VAE, CLIP text
// encoder, BPE tokenizer and scheduler settings, loaded from a diffusers pipeline folder or an
// original single-file .safetensors checkpoint. Weights stored as fp16/bf16 are converted to
// float32 on load.
#pragma once

#include "dpsapf/core/expected.h"
#include "model/sd/model_detection.h"
#include "model/text/clip_text_model.h"
#include "model/text/clip_tokenizer.h"
#include "model/unet/unet.h"
#include "model/vae/autoencoder_kl.h"
#include "sample/noise_schedule.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace dpsapf::core {

struct StableDiffusionModel {
    DetectedModel detected;
    UNet unet{nullptr};
    AutoencoderKL vae{nullptr};
    ClipTextModel textEncoder{nullptr};
    std::shared_ptr<const ClipTokenizer> tokenizer;
    SchedulerConfig scheduler;
    std::string storedDtype; // dtype of the UNet weights on disk: "F32", "F16" or "BF16"

    // Pixels per latent side (8 for SD) and the image side the UNet was trained at.
    [[nodiscard]] std::int64_t vaeScale() const { return vae->downsampleFactor(); }
    [[nodiscard]] std::int64_t nativeResolution() const
    {
        return unet->config().sampleSize * vaeScale();
    }
};

// Loads what detectModel found (a pipeline folder or a single file). A single file carries no
// tokenizer: its folder must hold tokenizer/ (vocab.json, merges.txt). Optional component
// configs beside it (unet/config.json, vae/config.json, text_encoder/config.json,
// scheduler/scheduler_config.json) replace the SD1/SD2 defaults. Errors name file and key.
[[nodiscard]] Expected<StableDiffusionModel> loadStableDiffusion(const DetectedModel &detected);
[[nodiscard]] Expected<StableDiffusionModel> loadStableDiffusion(const std::filesystem::path &path);

// The single-file part of the loader (sd_single_file.cpp).
[[nodiscard]] Expected<StableDiffusionModel>
loadSingleFileCheckpoint(const DetectedModel &detected);

// Prompt embeddings [B, 77, D] for the UNet's cross-attention: tokenized, padded to 77 and
// encoded without an attention mask. clipSkip 0 uses the last layer; 1 the penultimate layer
// followed by the final layer norm (diffusers' clip_skip=1). No gradients.
[[nodiscard]] torch::Tensor encodePrompts(StableDiffusionModel &model,
                                          const std::vector<std::string> &prompts,
                                          int clipSkip = 0);

// The UNet, VAE and text encoder on `device` (float32).
void moveStableDiffusion(StableDiffusionModel &model, const torch::Device &device);

} // namespace dpsapf::core
