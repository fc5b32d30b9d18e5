// SPDX-License-Identifier: GPL-3.0-or-later
// Counting the UNet's multiply-accumulates level by level, following the block structure of
// model/unet (skip channels pushed on the way down and consumed on the way up).
#include "bench/unet_cost.h"

#include <vector>

namespace dpsapf::core {

namespace {

struct CostCounter {
    const UNetConfig &config;
    std::int64_t contextTokens;
    UNetCost cost;

    void conv(double in, double out, double kernel, double pixels)
    {
        cost.convolutionMacs += in * out * kernel * kernel * pixels;
    }

    void resnet(double in, double out, double pixels)
    {
        cost.linearMacs += static_cast<double>(config.timeEmbeddingDim()) * out; // time_emb_proj
        conv(in, out, 3, pixels);
        conv(out, out, 3, pixels);
        if (in != out) {
            conv(in, out, 1, pixels);
        }
    }

    // Transformer2DModel with one BasicTransformerBlock over n = pixels tokens of width c.
    void transformer(double c, double pixels)
    {
        const double n = pixels, m = static_cast<double>(contextTokens);
        const double d = static_cast<double>(config.crossAttentionDim);
        const double projections = 2 * c * c * n; // proj_in, proj_out (1x1 conv or linear)
        if (config.useLinearProjection) {
            cost.linearMacs += projections;
        } else {
            cost.convolutionMacs += projections;
        }
        cost.linearMacs += 4 * c * c * n;                 // attn1 q, k, v, out
        cost.linearMacs += 2 * c * c * n + 2 * c * d * m; // attn2 q, out; k, v from the context
        cost.linearMacs += 8 * c * c * n + 4 * c * c * n; // GEGLU in (c -> 8c), out (4c -> c)
        cost.attentionMacs += 2 * n * n * c + 2 * n * m * c;
    }
};

} // namespace

UNetCost unetForwardCost(const UNetConfig &config, std::int64_t latentSide,
                         std::int64_t contextTokens)
{
    CostCounter counter{config, contextTokens, {}};
    const auto &channels = config.blockOutChannels;
    const std::int64_t levels = config.levels();
    double side = static_cast<double>(latentSide);
    const double timeDim = static_cast<double>(config.timeEmbeddingDim());
    counter.cost.linearMacs += static_cast<double>(channels[0]) * timeDim + timeDim * timeDim;
    counter.conv(static_cast<double>(config.inChannels), static_cast<double>(channels[0]), 3,
                 side * side);
    std::vector<double> skips{static_cast<double>(channels[0])};
    double current = static_cast<double>(channels[0]);
    for (std::int64_t i = 0; i < levels; ++i) {
        const double out = static_cast<double>(channels[static_cast<std::size_t>(i)]);
        const double pixels = side * side;
        for (std::int64_t j = 0; j < config.layersPerBlock; ++j) {
            counter.resnet(current, out, pixels);
            if (config.downBlockHasAttention[static_cast<std::size_t>(i)]) {
                counter.transformer(out, pixels);
            }
            current = out;
            skips.push_back(out);
        }
        if (i < levels - 1) {
            side /= 2;
            counter.conv(out, out, 3, side * side); // stride 2
            skips.push_back(out);
        }
    }
    const double pixels = side * side;
    counter.resnet(current, current, pixels);
    counter.transformer(current, pixels);
    counter.resnet(current, current, pixels);
    for (std::int64_t i = 0; i < levels; ++i) {
        const double out = static_cast<double>(channels[static_cast<std::size_t>(levels - 1 - i)]);
        for (std::int64_t j = 0; j <= config.layersPerBlock; ++j) {
            const double skip = skips.back();
            skips.pop_back();
            counter.resnet(current + skip, out, side * side);
            if (config.upBlockHasAttention[static_cast<std::size_t>(i)]) {
                counter.transformer(out, side * side);
            }
            current = out;
        }
        if (i < levels - 1) {
            side *= 2;
            counter.conv(out, out, 3, side * side); // after nearest x2
        }
    }
    counter.conv(static_cast<double>(channels[0]), static_cast<double>(config.outChannels), 3,
                 side * side);
    return counter.cost;
}

} // namespace dpsapf::core
