// SPDX-License-Identifier: GPL-3.0-or-later
// Class-conditional sampling with classifier-free guidance (Ho & Salimans 2022):
// eps = eps_uncond + w * (eps_cond - eps_uncond), one batched UNet call on [uncond; cond] per step.
#pragma once

#include "dpsapf/core/image_dataset.h"
#include "model/conditioning/class_conditioner.h"
#include "model/unet/unet.h"
#include "sample/sampler.h"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace dpsapf::core {

struct ClassSamplingOptions {
    SamplerKind sampler = SamplerKind::Ddim;
    std::int64_t steps = 25;
    double guidanceScale = 3.0;
    std::int64_t chunk = 40; // images per UNet batch (doubled by guidance)
};

// Samples one image per label: [N, C, H, W] in about [-1, 1] (not clamped). The starting noise is
// drawn from `generator`, chunk by chunk in label order. Runs without gradients.
[[nodiscard]] torch::Tensor sampleClasses(UNet &unet, Conditioner &conditioner,
                                          const SchedulerConfig &scheduler,
                                          const torch::Tensor &labels,
                                          const ClassSamplingOptions &options,
                                          torch::Generator generator);

// As sampleClasses, from given starting noise [N, C, H, W] (e.g. drawn per image from its own
// seed, so results do not depend on batching). `progress` (may be empty) gets images done.
[[nodiscard]] torch::Tensor
sampleClassesFromNoise(UNet &unet, Conditioner &conditioner, const SchedulerConfig &scheduler,
                       const torch::Tensor &labels, const torch::Tensor &noise,
                       const ClassSamplingOptions &options,
                       const std::function<void(std::int64_t)> &progress = {});

// [N, 1, H, W] in [-1, 1] -> 8-bit gray images (clamped, (x + 1) * 127.5 rounded).
[[nodiscard]] std::vector<Image> tensorToGrayImages(const torch::Tensor &images);

} // namespace dpsapf::core
