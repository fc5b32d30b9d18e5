// SPDX-License-Identifier: GPL-3.0-or-later
// Building blocks of the Stable Diffusion VAE (diffusers Encoder/Decoder of AutoencoderKL, with
// DownEncoderBlock2D, UpDecoderBlock2D, UNetMidBlock2D; Kingma & Welling 2014, Rombach et al. 2022,
// sd-format.md §5). Registered names equal the diffusers checkpoint keys.
#pragma once

#include "model/unet/resnet_block.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <cstdint>
#include <vector>

namespace dpsapf::core {

// diffusers builds every VAE GroupNorm (resnets, mid attention, conv_norm_out) with eps 1e-6,
// unlike the UNet's 1e-5; the difference is visible in the outputs at 1e-5 tolerance.
inline constexpr double kVaeNormEps = 1e-6;

// What the encoder and decoder towers share (the architecture part of VaeConfig).
struct VaeTowerShape {
    std::vector<std::int64_t> blockOutChannels;
    std::int64_t layersPerBlock = 2; // encoder resnets per block; the decoder has one more
    std::int64_t normGroups = 32;
    bool midBlockAttention = true;
};

// ResnetBlock2D without a time embedding: norm1, conv1, norm2, conv2 (+ conv_shortcut when the
// width changes), SiLU activations, output = shortcut(x) + h.
class VaeResnetBlockImpl : public torch::nn::Module
{
public:
    VaeResnetBlockImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t groups);
    torch::Tensor forward(const torch::Tensor &x);

private:
    torch::nn::GroupNorm m_norm1{nullptr}, m_norm2{nullptr};
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_convShortcut{nullptr};
};
TORCH_MODULE(VaeResnetBlock);

// Encoder downsampling: zero-pad one column right and one row bottom, then a 3x3 stride-2 conv with
// no padding ("conv"). Not the UNet's symmetric padding-1 Downsample2D.
class VaeDownsampleImpl : public torch::nn::Module
{
public:
    explicit VaeDownsampleImpl(std::int64_t channels);
    torch::Tensor forward(const torch::Tensor &x);

private:
    torch::nn::Conv2d m_conv{nullptr};
};
TORCH_MODULE(VaeDownsample);

// The mid block's single-head self-attention over the H*W positions (diffusers Attention with
// heads = 1, dim_head = C, residual_connection, rescale_output_factor 1):
// y = x + to_out.0(softmax(Q K^T / sqrt(C)) V), Q/K/V = to_q/k/v(group_norm(x)) as [B, HW, C].
class VaeAttentionImpl : public torch::nn::Module
{
public:
    VaeAttentionImpl(std::int64_t channels, std::int64_t groups);
    torch::Tensor forward(const torch::Tensor &x);

private:
    torch::nn::GroupNorm m_groupNorm{nullptr};
    torch::nn::Linear m_toQ{nullptr}, m_toK{nullptr}, m_toV{nullptr}, m_toOut{nullptr};
};
TORCH_MODULE(VaeAttention);

// UNetMidBlock2D without time embedding: resnets.0, attentions.0 (optional), resnets.1.
class VaeMidBlockImpl : public torch::nn::Module
{
public:
    VaeMidBlockImpl(std::int64_t channels, std::int64_t groups, bool withAttention);
    torch::Tensor forward(torch::Tensor hidden);

private:
    VaeResnetBlock m_resnet0{nullptr}, m_resnet1{nullptr};
    VaeAttention m_attention{nullptr};
};
TORCH_MODULE(VaeMidBlock);

// DownEncoderBlock2D: `layers` resnets, then (except in the last block) "downsamplers.0".
class VaeDownBlockImpl : public torch::nn::Module
{
public:
    VaeDownBlockImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t layers,
                     std::int64_t groups, bool withDownsample);
    torch::Tensor forward(torch::Tensor hidden);

private:
    std::vector<VaeResnetBlock> m_resnets;
    VaeDownsample m_downsample{nullptr};
};
TORCH_MODULE(VaeDownBlock);

// UpDecoderBlock2D: `layers` resnets, then (except in the last block) "upsamplers.0".
class VaeUpBlockImpl : public torch::nn::Module
{
public:
    VaeUpBlockImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t layers,
                   std::int64_t groups, bool withUpsample);
    torch::Tensor forward(torch::Tensor hidden);

private:
    std::vector<VaeResnetBlock> m_resnets;
    Upsample2D m_upsample{nullptr}; // the UNet's: nearest x2, then a 3x3 conv ("conv")
};
TORCH_MODULE(VaeUpBlock);

// Image [B, inChannels, H, W] -> moments [B, momentChannels, H/f, W/f] (before quant_conv).
class VaeEncoderImpl : public torch::nn::Module
{
public:
    VaeEncoderImpl(std::int64_t inChannels, std::int64_t momentChannels,
                   const VaeTowerShape &shape);
    torch::Tensor forward(const torch::Tensor &images);

private:
    torch::nn::Conv2d m_convIn{nullptr}, m_convOut{nullptr};
    std::vector<VaeDownBlock> m_downBlocks;
    VaeMidBlock m_midBlock{nullptr};
    torch::nn::GroupNorm m_convNormOut{nullptr};
};
TORCH_MODULE(VaeEncoder);

// Latents [B, latentChannels, h, w] (after post_quant_conv) -> image [B, outChannels, h*f, w*f].
// The up blocks walk block_out_channels in reverse (widest first), as diffusers' Decoder does.
class VaeDecoderImpl : public torch::nn::Module
{
public:
    VaeDecoderImpl(std::int64_t latentChannels, std::int64_t outChannels,
                   const VaeTowerShape &shape);
    torch::Tensor forward(const torch::Tensor &latents);

private:
    torch::nn::Conv2d m_convIn{nullptr}, m_convOut{nullptr};
    VaeMidBlock m_midBlock{nullptr};
    std::vector<VaeUpBlock> m_upBlocks;
    torch::nn::GroupNorm m_convNormOut{nullptr};
};
TORCH_MODULE(VaeDecoder);

} // namespace dpsapf::core
