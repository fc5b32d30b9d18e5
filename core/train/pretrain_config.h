// SPDX-License-Identifier: GPL-3.0-or-later
// The typed UNet side of PretrainConfig (torch-free): sapf-tiny's UNet and the resolution of
// PretrainConfig::unetConfig.
#pragma once

#include "dpsapf/core/pretrain.h"
#include "model/unet/unet_config.h"

namespace dpsapf::core {

// sapf-tiny: SD1.5 topology (3 x CrossAttnDownBlock2D + DownBlock2D, mid block with attention,
// UpBlock2D + 3 x CrossAttnUpBlock2D, layers_per_block 2: 16 transformer blocks) on 2 x 2
// space-to-depth 32 x 32 gray images (4 x 16 x 16).
[[nodiscard]] UNetConfig sapfTinyUNetConfig();

// config.unetConfig parsed, or sapf-tiny when it is null.
[[nodiscard]] Expected<UNetConfig> resolveUNetConfig(const PretrainConfig &config);

} // namespace dpsapf::core
