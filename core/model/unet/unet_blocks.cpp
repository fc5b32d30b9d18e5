// SPDX-License-Identifier: GPL-3.0-or-later
// Down, mid and up blocks of the SD UNet.
#include "model/unet/unet_blocks.h"

#include <torch/torch.h>

namespace dpsapf::core {

DownBlockImpl::DownBlockImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t layers,
                             bool withAttention, bool withDownsample,
                             std::int64_t downsamplePadding, const BlockShape &shape)
{
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    torch::nn::ModuleList attentionList;
    if (withAttention) {
        attentionList = register_module("attentions", torch::nn::ModuleList());
    }
    for (std::int64_t j = 0; j < layers; ++j) {
        m_resnets.emplace_back(j == 0 ? inChannels : outChannels, outChannels, shape.timeDim,
                               shape.groups, shape.eps);
        resnets->push_back(m_resnets.back());
        if (withAttention) {
            attentions.emplace_back(outChannels, shape.heads, shape.contextDim, shape.groups,
                                    shape.linearProjection);
            attentionList->push_back(attentions.back());
        }
    }
    if (withDownsample) {
        auto samplers = register_module("downsamplers", torch::nn::ModuleList());
        m_downsample = Downsample2D(outChannels, downsamplePadding);
        samplers->push_back(m_downsample);
    }
}

torch::Tensor DownBlockImpl::forward(torch::Tensor hidden, const torch::Tensor &timeEmbedding,
                                     const torch::Tensor &context,
                                     std::vector<torch::Tensor> &skips)
{
    for (std::size_t j = 0; j < m_resnets.size(); ++j) {
        hidden = m_resnets[j](hidden, timeEmbedding);
        if (!attentions.empty()) {
            hidden = attentions[j](hidden, context);
        }
        skips.push_back(hidden);
    }
    if (m_downsample) {
        hidden = m_downsample(hidden);
        skips.push_back(hidden);
    }
    return hidden;
}

MidBlockImpl::MidBlockImpl(std::int64_t channels, const BlockShape &shape)
{
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    m_resnet0 = ResnetBlock2D(channels, channels, shape.timeDim, shape.groups, shape.eps);
    m_resnet1 = ResnetBlock2D(channels, channels, shape.timeDim, shape.groups, shape.eps);
    resnets->push_back(m_resnet0);
    resnets->push_back(m_resnet1);
    auto attentionList = register_module("attentions", torch::nn::ModuleList());
    attention = Transformer2D(channels, shape.heads, shape.contextDim, shape.groups,
                              shape.linearProjection);
    attentionList->push_back(attention);
}

torch::Tensor MidBlockImpl::forward(torch::Tensor hidden, const torch::Tensor &timeEmbedding,
                                    const torch::Tensor &context)
{
    hidden = m_resnet0(hidden, timeEmbedding);
    hidden = attention(hidden, context);
    return m_resnet1(hidden, timeEmbedding);
}

UpBlockImpl::UpBlockImpl(std::int64_t previousChannels, std::int64_t outChannels,
                         const std::vector<std::int64_t> &skipChannels, bool withAttention,
                         bool withUpsample, const BlockShape &shape)
{
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    torch::nn::ModuleList attentionList;
    if (withAttention) {
        attentionList = register_module("attentions", torch::nn::ModuleList());
    }
    for (std::size_t j = 0; j < skipChannels.size(); ++j) {
        const std::int64_t resnetIn = (j == 0 ? previousChannels : outChannels) + skipChannels[j];
        m_resnets.emplace_back(resnetIn, outChannels, shape.timeDim, shape.groups, shape.eps);
        resnets->push_back(m_resnets.back());
        if (withAttention) {
            attentions.emplace_back(outChannels, shape.heads, shape.contextDim, shape.groups,
                                    shape.linearProjection);
            attentionList->push_back(attentions.back());
        }
    }
    if (withUpsample) {
        auto samplers = register_module("upsamplers", torch::nn::ModuleList());
        m_upsample = Upsample2D(outChannels);
        samplers->push_back(m_upsample);
    }
}

torch::Tensor UpBlockImpl::forward(torch::Tensor hidden, const torch::Tensor &timeEmbedding,
                                   const torch::Tensor &context, std::vector<torch::Tensor> &skips)
{
    for (std::size_t j = 0; j < m_resnets.size(); ++j) {
        hidden = torch::cat({hidden, skips.back()}, 1);
        skips.pop_back();
        hidden = m_resnets[j](hidden, timeEmbedding);
        if (!attentions.empty()) {
            hidden = attentions[j](hidden, context);
        }
    }
    if (m_upsample) {
        hidden = m_upsample(hidden);
    }
    return hidden;
}

} // namespace dpsapf::core
