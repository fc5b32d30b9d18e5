// SPDX-License-Identifier: GPL-3.0-or-later
// The UNet's down, mid and up blocks (diffusers CrossAttnDownBlock2D / DownBlock2D,
// UNetMidBlock2DCrossAttn, CrossAttnUpBlock2D / UpBlock2D), with "resnets", "attentions" and
// "downsamplers"/"upsamplers" lists named as in the checkpoints.
#pragma once

#include "model/unet/resnet_block.h"
#include "model/unet/transformer_2d.h"

#include <vector>

namespace dpsapf::core {

struct BlockShape {
    std::int64_t timeDim = 0;
    std::int64_t groups = 32;
    double eps = 1e-5;
    std::int64_t heads = 8;
    std::int64_t contextDim = 768;
    bool linearProjection = false;
};

class DownBlockImpl : public torch::nn::Module
{
public:
    DownBlockImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t layers,
                  bool withAttention, bool withDownsample, std::int64_t downsamplePadding,
                  const BlockShape &shape);
    // Returns the block output; appends every skip connection to `skips`.
    torch::Tensor forward(torch::Tensor hidden, const torch::Tensor &timeEmbedding,
                          const torch::Tensor &context, std::vector<torch::Tensor> &skips);

    std::vector<Transformer2D> attentions;

private:
    std::vector<ResnetBlock2D> m_resnets;
    Downsample2D m_downsample{nullptr};
};
TORCH_MODULE(DownBlock);

class MidBlockImpl : public torch::nn::Module
{
public:
    MidBlockImpl(std::int64_t channels, const BlockShape &shape);
    torch::Tensor forward(torch::Tensor hidden, const torch::Tensor &timeEmbedding,
                          const torch::Tensor &context);

    Transformer2D attention{nullptr};

private:
    ResnetBlock2D m_resnet0{nullptr}, m_resnet1{nullptr};
};
TORCH_MODULE(MidBlock);

class UpBlockImpl : public torch::nn::Module
{
public:
    // skipChannels[j]: channels of the skip connection consumed by resnet j.
    UpBlockImpl(std::int64_t previousChannels, std::int64_t outChannels,
                const std::vector<std::int64_t> &skipChannels, bool withAttention,
                bool withUpsample, const BlockShape &shape);
    // Pops one skip connection per layer from the back of `skips`.
    torch::Tensor forward(torch::Tensor hidden, const torch::Tensor &timeEmbedding,
                          const torch::Tensor &context, std::vector<torch::Tensor> &skips);

    std::vector<Transformer2D> attentions;

private:
    std::vector<ResnetBlock2D> m_resnets;
    Upsample2D m_upsample{nullptr};
};
TORCH_MODULE(UpBlock);

} // namespace dpsapf::core
