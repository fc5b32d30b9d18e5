// SPDX-License-Identifier: GPL-3.0-or-later
// Class-conditional synthesis for the pipeline (method.md §9): image j starts from noise drawn
// from its own seed alone, so the result does not depend on batch size, device count or order.
#pragma once

#include "dpsapf/core/image_dataset.h"
#include "dpsapf/core/run_config.h"
#include "model/conditioning/class_conditioner.h"
#include "pipeline/public_model.h"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace dpsapf::core {

// uint8 images [N, C, S, S] (the model's resolution), one per label, image i seeded by seeds[i].
[[nodiscard]] torch::Tensor synthesize(UNet &unet, Conditioner &conditioner,
                                       const PublicModel &model,
                                       const std::vector<std::int64_t> &labels,
                                       const std::vector<std::uint64_t> &seeds,
                                       const GenerateSettings &settings,
                                       const std::function<void(std::int64_t)> &progress = {});

// uint8 [N, C, H, W] -> 8-bit HWC images.
[[nodiscard]] std::vector<Image> imagesFromTensor(const torch::Tensor &images);
// uint8 HWC images -> [N, C, H, W] (all images must share one shape).
[[nodiscard]] torch::Tensor tensorFromImages(const std::vector<Image> &images);

} // namespace dpsapf::core
