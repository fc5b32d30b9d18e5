// SPDX-License-Identifier: GPL-3.0-or-later
// Analytic multiply-accumulate count of one UNet forward pass per image (sd-format.md §10):
// convolutions, linear layers (the time embedding included) and the attention matmuls (QK^T and
// AV); norms, activations and softmax are left out. Used for MFU estimates. Torch-free.
#pragma once

#include "model/unet/unet_config.h"

#include <cstdint>

namespace dpsapf::core {

struct UNetCost {
    double convolutionMacs = 0.0;
    double linearMacs = 0.0;
    double attentionMacs = 0.0; // QK^T and AV
    [[nodiscard]] double totalMacs() const { return convolutionMacs + linearMacs + attentionMacs; }
};

// latentSide: the UNet input's side; contextTokens: the cross-attention sequence (77 for SD).
[[nodiscard]] UNetCost unetForwardCost(const UNetConfig &config, std::int64_t latentSide,
                                       std::int64_t contextTokens);

} // namespace dpsapf::core
