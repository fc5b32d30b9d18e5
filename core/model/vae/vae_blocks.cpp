// SPDX-License-Identifier: GPL-3.0-or-later
// Resnets, resampling, mid-block attention and the encoder/decoder towers of the SD VAE.
#include "model/vae/vae_blocks.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

#include <cmath>
#include <utility>

namespace dpsapf::core {

namespace F = torch::nn::functional;

namespace {

torch::nn::GroupNorm vaeGroupNorm(std::int64_t groups, std::int64_t channels)
{
    // NOLINTNEXTLINE(modernize-return-braced-init-list): ModuleHolder's constructor is explicit
    return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels).eps(kVaeNormEps));
}

torch::nn::Conv2d conv3x3(std::int64_t inChannels, std::int64_t outChannels)
{
    // NOLINTNEXTLINE(modernize-return-braced-init-list): ModuleHolder's constructor is explicit
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(inChannels, outChannels, 3).padding(1));
}

// GroupNorm followed by SiLU. Under NoGradGuard (how every inference caller runs the VAE) the
// normalised tensor is a temporary that nobody else sees, so SiLU overwrites it instead of
// allocating a second activation-sized buffer (134 MB per image at the decoder's 512x512x128
// stage). With autograd on, SiLU has to keep its input for the backward pass.
torch::Tensor normThenSilu(torch::nn::GroupNorm &norm, const torch::Tensor &x)
{
    torch::Tensor normalised = norm(x);
    if (torch::GradMode::is_enabled()) {
        return torch::silu(normalised);
    }
    return torch::silu_(normalised);
}

} // namespace

VaeResnetBlockImpl::VaeResnetBlockImpl(std::int64_t inChannels, std::int64_t outChannels,
                                       std::int64_t groups)
{
    m_norm1 = register_module("norm1", vaeGroupNorm(groups, inChannels));
    m_conv1 = register_module("conv1", conv3x3(inChannels, outChannels));
    m_norm2 = register_module("norm2", vaeGroupNorm(groups, outChannels));
    // diffusers' dropout (p = 0, identity at inference) sits between norm2's SiLU and conv2.
    m_conv2 = register_module("conv2", conv3x3(outChannels, outChannels));
    if (inChannels != outChannels) {
        m_convShortcut = register_module(
            "conv_shortcut",
            torch::nn::Conv2d(torch::nn::Conv2dOptions(inChannels, outChannels, 1)));
    }
}

torch::Tensor VaeResnetBlockImpl::forward(const torch::Tensor &x)
{
    torch::Tensor hidden = m_conv1(normThenSilu(m_norm1, x));
    hidden = m_conv2(normThenSilu(m_norm2, hidden));
    // In place on conv2's fresh output (a convolution's backward does not need its output), so the
    // sum needs no third buffer. output_scale_factor is 1 in every VAE block.
    return hidden.add_(m_convShortcut ? m_convShortcut(x) : x);
}

VaeDownsampleImpl::VaeDownsampleImpl(std::int64_t channels)
{
    m_conv = register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 3).stride(2)));
}

torch::Tensor VaeDownsampleImpl::forward(const torch::Tensor &x)
{
    // (left, right, top, bottom): the original LDM encoder pads asymmetrically so that an even side
    // halves exactly while the kernel still sees one zero row/column past the last pixel.
    return m_conv(F::pad(x, F::PadFuncOptions({0, 1, 0, 1})));
}

VaeAttentionImpl::VaeAttentionImpl(std::int64_t channels, std::int64_t groups)
{
    m_groupNorm = register_module("group_norm", vaeGroupNorm(groups, channels));
    m_toQ = register_module("to_q", torch::nn::Linear(channels, channels));
    m_toK = register_module("to_k", torch::nn::Linear(channels, channels));
    m_toV = register_module("to_v", torch::nn::Linear(channels, channels));
    // diffusers' to_out is [Linear, Dropout]; the dropout has no parameters, so only index 0
    // exists.
    auto toOut = register_module("to_out", torch::nn::ModuleList());
    m_toOut = torch::nn::Linear(channels, channels);
    toOut->push_back(m_toOut);
}

torch::Tensor VaeAttentionImpl::forward(const torch::Tensor &x)
{
    const std::int64_t batch = x.size(0);
    const std::int64_t channels = x.size(1);
    const std::int64_t height = x.size(2);
    const std::int64_t width = x.size(3);
    torch::Tensor tokens = m_groupNorm(x).view({batch, channels, height * width}).transpose(1, 2);
    torch::Tensor query = m_toQ(tokens);
    torch::Tensor key = m_toK(tokens);
    torch::Tensor value = m_toV(tokens);
    tokens.reset();
    // One head of width C: scale 1/sqrt(C), applied after the product as diffusers' baddbmm(alpha)
    // does. The [B, HW, HW] score matrix is the largest buffer here (64 MB per image for a 64x64
    // latent), so each step replaces the previous one instead of keeping both.
    const double scale = 1.0 / std::sqrt(static_cast<double>(channels));
    torch::Tensor weights = torch::bmm(query, key.transpose(1, 2)).mul_(scale);
    query.reset();
    key.reset();
    weights = torch::softmax(weights, -1);
    torch::Tensor attended = m_toOut(torch::bmm(weights, value));
    weights.reset();
    // residual_connection = true, rescale_output_factor = 1.
    return attended.transpose(1, 2).reshape({batch, channels, height, width}) + x;
}

VaeMidBlockImpl::VaeMidBlockImpl(std::int64_t channels, std::int64_t groups, bool withAttention)
{
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    m_resnet0 = VaeResnetBlock(channels, channels, groups);
    m_resnet1 = VaeResnetBlock(channels, channels, groups);
    resnets->push_back(m_resnet0);
    resnets->push_back(m_resnet1);
    if (withAttention) {
        auto attentions = register_module("attentions", torch::nn::ModuleList());
        m_attention = VaeAttention(channels, groups);
        attentions->push_back(m_attention);
    }
}

torch::Tensor VaeMidBlockImpl::forward(torch::Tensor hidden)
{
    hidden = m_resnet0(hidden);
    if (m_attention) {
        hidden = m_attention(hidden);
    }
    return m_resnet1(hidden);
}

VaeDownBlockImpl::VaeDownBlockImpl(std::int64_t inChannels, std::int64_t outChannels,
                                   std::int64_t layers, std::int64_t groups, bool withDownsample)
{
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    for (std::int64_t j = 0; j < layers; ++j) {
        m_resnets.emplace_back(j == 0 ? inChannels : outChannels, outChannels, groups);
        resnets->push_back(m_resnets.back());
    }
    if (withDownsample) {
        auto samplers = register_module("downsamplers", torch::nn::ModuleList());
        m_downsample = VaeDownsample(outChannels);
        samplers->push_back(m_downsample);
    }
}

torch::Tensor VaeDownBlockImpl::forward(torch::Tensor hidden)
{
    for (auto &resnet : m_resnets) {
        hidden = resnet(hidden);
    }
    return m_downsample ? m_downsample(hidden) : hidden;
}

VaeUpBlockImpl::VaeUpBlockImpl(std::int64_t inChannels, std::int64_t outChannels,
                               std::int64_t layers, std::int64_t groups, bool withUpsample)
{
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    for (std::int64_t j = 0; j < layers; ++j) {
        m_resnets.emplace_back(j == 0 ? inChannels : outChannels, outChannels, groups);
        resnets->push_back(m_resnets.back());
    }
    if (withUpsample) {
        auto samplers = register_module("upsamplers", torch::nn::ModuleList());
        m_upsample = Upsample2D(outChannels);
        samplers->push_back(m_upsample);
    }
}

torch::Tensor VaeUpBlockImpl::forward(torch::Tensor hidden)
{
    for (auto &resnet : m_resnets) {
        hidden = resnet(hidden);
    }
    return m_upsample ? m_upsample(hidden) : hidden;
}

VaeEncoderImpl::VaeEncoderImpl(std::int64_t inChannels, std::int64_t momentChannels,
                               const VaeTowerShape &shape)
{
    const auto &channels = shape.blockOutChannels;
    m_convIn = register_module("conv_in", conv3x3(inChannels, channels.front()));
    auto downBlocks = register_module("down_blocks", torch::nn::ModuleList());
    std::int64_t previous = channels.front();
    for (std::size_t i = 0; i < channels.size(); ++i) {
        const bool last = i + 1 == channels.size();
        m_downBlocks.emplace_back(previous, channels[i], shape.layersPerBlock, shape.normGroups,
                                  !last);
        downBlocks->push_back(m_downBlocks.back());
        previous = channels[i];
    }
    m_midBlock = register_module(
        "mid_block", VaeMidBlock(channels.back(), shape.normGroups, shape.midBlockAttention));
    m_convNormOut =
        register_module("conv_norm_out", vaeGroupNorm(shape.normGroups, channels.back()));
    m_convOut = register_module("conv_out", conv3x3(channels.back(), momentChannels));
}

torch::Tensor VaeEncoderImpl::forward(const torch::Tensor &images)
{
    torch::Tensor hidden = m_convIn(images);
    for (auto &block : m_downBlocks) {
        hidden = block(std::move(hidden));
    }
    hidden = m_midBlock(std::move(hidden));
    return m_convOut(normThenSilu(m_convNormOut, hidden));
}

VaeDecoderImpl::VaeDecoderImpl(std::int64_t latentChannels, std::int64_t outChannels,
                               const VaeTowerShape &shape)
{
    std::vector<std::int64_t> reversed(shape.blockOutChannels.rbegin(),
                                       shape.blockOutChannels.rend());
    m_convIn = register_module("conv_in", conv3x3(latentChannels, reversed.front()));
    m_midBlock = register_module(
        "mid_block", VaeMidBlock(reversed.front(), shape.normGroups, shape.midBlockAttention));
    auto upBlocks = register_module("up_blocks", torch::nn::ModuleList());
    std::int64_t previous = reversed.front();
    for (std::size_t i = 0; i < reversed.size(); ++i) {
        const bool last = i + 1 == reversed.size();
        // One resnet more than the encoder block: the decoder has no skip connections to consume,
        // the extra layer is simply part of diffusers' (and the original LDM's) design.
        m_upBlocks.emplace_back(previous, reversed[i], shape.layersPerBlock + 1, shape.normGroups,
                                !last);
        upBlocks->push_back(m_upBlocks.back());
        previous = reversed[i];
    }
    m_convNormOut =
        register_module("conv_norm_out", vaeGroupNorm(shape.normGroups, reversed.back()));
    m_convOut = register_module("conv_out", conv3x3(reversed.back(), outChannels));
}

torch::Tensor VaeDecoderImpl::forward(const torch::Tensor &latents)
{
    torch::Tensor hidden = m_midBlock(m_convIn(latents));
    for (auto &block : m_upBlocks) {
        hidden = block(std::move(hidden));
    }
    return m_convOut(normThenSilu(m_convNormOut, hidden));
}

} // namespace dpsapf::core
