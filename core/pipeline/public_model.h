// SPDX-License-Identifier: GPL-3.0-or-later
// A public pixel-space model folder (the format of training_checkpoint.h's ModelFiles, e.g. the
// bundled sapf-tiny): UNet, class conditioner, scheduler and how images map to the UNet's input.
#pragma once

#include "dpsapf/core/expected.h"
#include "model/conditioning/class_conditioner.h"
#include "model/unet/unet.h"
#include "sample/noise_schedule.h"

#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

struct PublicModel {
    std::filesystem::path folder;
    UNet unet{nullptr};
    ClassConditioner conditioner{nullptr};
    std::vector<std::string> classNames; // the public classes the conditioner knows
    SchedulerConfig scheduler;
    std::int64_t imageSize = 32;     // S: images are S x S
    std::int64_t imageChannels = 1;  // 1 or 3
    std::int64_t pixelUnshuffle = 1; // r: the UNet sees pixel_unshuffle(image, r)
};

// An empty path means the bundled model (bundled_model.h). Errors name the file and field.
[[nodiscard]] Expected<PublicModel> loadPublicModel(const std::filesystem::path &folder);

// Images in [-1, 1] [B, C, S, S] <-> UNet space [B, C r^2, S/r, S/r].
[[nodiscard]] torch::Tensor toUNetSpace(const PublicModel &model, const torch::Tensor &images);
[[nodiscard]] torch::Tensor fromUNetSpace(const PublicModel &model, const torch::Tensor &samples);

} // namespace dpsapf::core
