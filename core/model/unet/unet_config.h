// SPDX-License-Identifier: GPL-3.0-or-later
// Configuration of a Stable-Diffusion-family UNet (diffusers UNet2DConditionModel semantics,
// sd-format.md §2): from config.json, from the weights alone, or the SD1.5 defaults.
#pragma once

#include "dpsapf/core/expected.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dpsapf::core {

struct UNetConfig {
    std::int64_t inChannels = 4;
    std::int64_t outChannels = 4;
    std::vector<std::int64_t> blockOutChannels{320, 640, 1280, 1280};
    std::int64_t layersPerBlock = 2;
    // true for CrossAttnDownBlock2D / CrossAttnUpBlock2D, false for DownBlock2D / UpBlock2D.
    std::vector<bool> downBlockHasAttention{true, true, true, false};
    std::vector<bool> upBlockHasAttention{false, true, true, true};
    // Heads per down level (diffusers' attention_head_dim is the head COUNT; issue #2011).
    std::vector<std::int64_t> attentionHeads{8, 8, 8, 8};
    std::int64_t crossAttentionDim = 768;
    std::int64_t normNumGroups = 32;
    double normEps = 1e-5;
    bool useLinearProjection = false; // SD2: Linear proj_in/proj_out; SD1: 1x1 Conv
    bool flipSinToCos = true;
    std::int64_t freqShift = 0;
    std::int64_t downsamplePadding = 1;
    std::int64_t sampleSize = 64; // latent (or pixel) side the model was trained at
    bool upcastAttention = false;

    [[nodiscard]] std::int64_t levels() const
    {
        return static_cast<std::int64_t>(blockOutChannels.size());
    }
    [[nodiscard]] std::int64_t timeEmbeddingDim() const { return 4 * blockOutChannels.front(); }
    // Checks every field; the message names the config.json key.
    [[nodiscard]] Expected<bool> validate() const;

    // From a diffusers unet/config.json object; absent keys get the class defaults.
    [[nodiscard]] static Expected<UNetConfig> fromConfigJson(const nlohmann::json &json);
    // Everything the weights determine (channels, levels, layers, projections, attention placement,
    // cross-attention width); what weights cannot tell (heads, norm groups and eps, time embedding
    // flags) is taken from `defaults`, where a single head count applies to every level.
    [[nodiscard]] static Expected<UNetConfig>
    detectFromWeights(const std::map<std::string, std::vector<std::int64_t>> &shapes,
                      const UNetConfig &defaults);
    // The diffusers config.json for this configuration (round-trips through fromConfigJson).
    [[nodiscard]] nlohmann::json toConfigJson() const;
};

} // namespace dpsapf::core
