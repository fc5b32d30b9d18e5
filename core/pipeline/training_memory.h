// SPDX-License-Identifier: GPL-3.0-or-later
// The training-memory settings of a run (docs/stable-diffusion.md, "Memory"): gradient
// checkpointing of the UNet and the dtype of its frozen weights. Neither changes what is
// private: per-record norms, clip factors and clipped sums stay float32 and are computed from one
// tensor per record (per-sample-gradients.md §7).
#pragma once

#include "dpsapf/core/expected.h"
#include "pipeline/public_model.h"

#include <torch/types.h>

#include <string>

namespace dpsapf::core {

// "auto" (on for latent-space models, whose activations dominate the memory), "on" or "off".
[[nodiscard]] bool gradientCheckpointingFor(const PublicModel &model, const std::string &mode);

// "fp32", "bf16" or "fp16" as a dtype for `model` on `device`; errors name `frozen_precision`:
// reduced precision is for latent-space (Stable Diffusion) models, fp16 needs a CUDA device.
[[nodiscard]] Expected<torch::ScalarType> frozenPrecisionFor(const PublicModel &model,
                                                             const std::string &precision,
                                                             const torch::Device &device);

// Both settings on the model's UNet (already on `device`).
[[nodiscard]] Expected<bool> applyTrainingMemorySettings(PublicModel &model,
                                                         const std::string &checkpointing,
                                                         const std::string &precision,
                                                         const torch::Device &device);

} // namespace dpsapf::core
