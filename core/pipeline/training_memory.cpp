// SPDX-License-Identifier: GPL-3.0-or-later
// Gradient checkpointing and frozen-weight precision of a run's UNet.
#include "pipeline/training_memory.h"

namespace dpsapf::core {

bool gradientCheckpointingFor(const PublicModel &model, const std::string &mode)
{
    return mode == "on" || (mode == "auto" && model.isLatent());
}

Expected<torch::ScalarType> frozenPrecisionFor(const PublicModel &model,
                                               const std::string &precision,
                                               const torch::Device &device)
{
    if (precision == "fp32") {
        return torch::kFloat32;
    }
    if (precision != "bf16" && precision != "fp16") {
        return makeError(ErrorCode::InvalidArgument,
                         "frozen_precision: must be fp32, bf16 or fp16, got '" + precision + "'");
    }
    if (!model.isLatent()) {
        return makeError(ErrorCode::InvalidArgument,
                         "frozen_precision: " + precision +
                             " is for Stable Diffusion models; the bundled model trains in fp32");
    }
    if (precision == "fp16" && !device.is_cuda()) {
        return makeError(ErrorCode::InvalidArgument,
                         "frozen_precision: fp16 needs device=cuda (the CPU lacks fp16 "
                         "convolutions); use bf16 or fp32 on the CPU");
    }
    return precision == "bf16" ? torch::kBFloat16 : torch::kFloat16;
}

Expected<bool> applyTrainingMemorySettings(PublicModel &model, const std::string &checkpointing,
                                           const std::string &precision,
                                           const torch::Device &device)
{
    Expected<torch::ScalarType> type = frozenPrecisionFor(model, precision, device);
    if (!type) {
        return type.error();
    }
    model.unet->setGradientCheckpointing(gradientCheckpointingFor(model, checkpointing));
    if (type.value() != torch::kFloat32) {
        model.unet->setFrozenWeightType(type.value());
    }
    return true;
}

} // namespace dpsapf::core
