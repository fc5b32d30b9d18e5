// SPDX-License-Identifier: GPL-3.0-or-later
// The public model a run adapts: either a pixel-space model folder (the format of
// training_checkpoint.h's ModelFiles, e.g. the bundled sapf-tiny: UNet, class conditioner,
// scheduler) or a latent-space Stable Diffusion model (VAE, CLIP text encoder, tokenizer, UNet;
// model/sd/stable_diffusion.h), and how images map to the UNet's input.
#pragma once

#include "dpsapf/core/expected.h"
#include "model/conditioning/class_conditioner.h"
#include "model/sd/stable_diffusion.h"
#include "model/unet/unet.h"
#include "sample/noise_schedule.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace dpsapf::core {

struct PublicModel {
    std::filesystem::path folder; // the folder or single file it was loaded from
    UNet unet{nullptr};
    ClassConditioner conditioner{nullptr}; // pixel-space models only
    std::vector<std::string> classNames;   // the public classes the conditioner knows
    SchedulerConfig scheduler;
    std::int64_t imageSize = 32;     // S: images are S x S (the training resolution)
    std::int64_t imageChannels = 1;  // 1 or 3
    std::int64_t pixelUnshuffle = 1; // r: the UNet sees pixel_unshuffle(image, r)
    // Latent-space models: the Stable Diffusion parts (sd->unet is `unet`); null otherwise.
    std::shared_ptr<StableDiffusionModel> sd;

    [[nodiscard]] bool isLatent() const { return sd != nullptr; }
    // The side of the UNet's input: S / r in pixel space, S / (VAE scale) in latent space.
    [[nodiscard]] std::int64_t unetSampleSize() const
    {
        return isLatent() ? imageSize / sd->vaeScale() : imageSize / pixelUnshuffle;
    }
    // Image sides the model accepts are multiples of this (VAE scale x the UNet's downsampling).
    [[nodiscard]] std::int64_t resolutionMultiple() const;
};

// Sets the training resolution of a latent-space model; 0 = the default, its native size but at
// most 256 px (method.md §8). Pixel-space models only accept 0 or their size. Errors name
// `model_resolution`.
[[nodiscard]] Expected<bool> setTrainingResolution(PublicModel &model, std::int64_t resolution);

// What the UNet predicts, when the weights do not say (sd-format.md §4: SD 2.x 768-px models
// predict v): "" keeps the model's scheduler setting, "epsilon" or "v_prediction" replace it for a
// latent-space model. Pixel-space models only accept their own. `what` names the setting.
[[nodiscard]] Expected<bool> setPredictionType(PublicModel &model, const std::string &type,
                                               const std::string &what);

// An empty path means the bundled model (bundled_model.h); a Stable Diffusion pipeline folder or
// single file gives a latent-space model at its default resolution. Errors name file and field.
[[nodiscard]] Expected<PublicModel> loadPublicModel(const std::filesystem::path &folder);

// Pixel space: images in [-1, 1] [B, C, S, S] <-> UNet space [B, C r^2, S/r, S/r]. Latent space:
// fromUNetSpace decodes scaled latents with the VAE to images in [-1, 1]; toUNetSpace is not used
// (training starts from the cached posterior, SensitiveData::cleanBatch).
[[nodiscard]] torch::Tensor toUNetSpace(const PublicModel &model, const torch::Tensor &images);
[[nodiscard]] torch::Tensor fromUNetSpace(const PublicModel &model, const torch::Tensor &samples);

} // namespace dpsapf::core
