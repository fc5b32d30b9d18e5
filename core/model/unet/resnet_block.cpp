// SPDX-License-Identifier: GPL-3.0-or-later
// ResnetBlock2D, Downsample2D, Upsample2D and the timestep embedding of the SD UNet.
#include "model/unet/resnet_block.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

#include <cmath>

namespace dpsapf::core {

namespace F = torch::nn::functional;

ResnetBlock2DImpl::ResnetBlock2DImpl(std::int64_t inChannels, std::int64_t outChannels,
                                     std::int64_t timeDim, std::int64_t groups, double eps)
{
    m_norm1 = register_module(
        "norm1", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, inChannels).eps(eps)));
    m_conv1 = register_module(
        "conv1",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(inChannels, outChannels, 3).padding(1)));
    m_timeEmbProj = register_module("time_emb_proj", Projection(timeDim, outChannels, true));
    m_norm2 = register_module(
        "norm2", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, outChannels).eps(eps)));
    m_conv2 = register_module(
        "conv2",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(outChannels, outChannels, 3).padding(1)));
    if (inChannels != outChannels) {
        m_convShortcut = register_module(
            "conv_shortcut",
            torch::nn::Conv2d(torch::nn::Conv2dOptions(inChannels, outChannels, 1)));
    }
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor &x, const torch::Tensor &timeEmbedding)
{
    return forwardSegment(
        [this](const std::vector<torch::Tensor> &in) { return computeForward(in[0], in[1]); },
        {x, timeEmbedding}, *this);
}

torch::Tensor ResnetBlock2DImpl::computeForward(const torch::Tensor &x,
                                                const torch::Tensor &timeEmbedding)
{
    torch::Tensor hidden = m_conv1(F::silu(m_norm1(x)));
    hidden = hidden + m_timeEmbProj(F::silu(timeEmbedding)).unsqueeze(-1).unsqueeze(-1);
    hidden = m_conv2(F::silu(m_norm2(hidden)));
    return (m_convShortcut ? m_convShortcut(x) : x) + hidden;
}

Downsample2DImpl::Downsample2DImpl(std::int64_t channels, std::int64_t padding)
{
    m_conv = register_module(
        "conv", torch::nn::Conv2d(
                    torch::nn::Conv2dOptions(channels, channels, 3).stride(2).padding(padding)));
}

torch::Tensor Downsample2DImpl::forward(const torch::Tensor &x)
{
    return m_conv(x);
}

Upsample2DImpl::Upsample2DImpl(std::int64_t channels)
{
    m_conv = register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 3).padding(1)));
}

torch::Tensor Upsample2DImpl::forward(const torch::Tensor &x)
{
    const torch::Tensor upsampled =
        F::interpolate(x, F::InterpolateFuncOptions()
                              .scale_factor(std::vector<double>{2.0, 2.0})
                              .mode(torch::kNearest));
    return m_conv(upsampled);
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(std::int64_t inDim, std::int64_t timeDim)
{
    m_linear1 = register_module("linear_1", Projection(inDim, timeDim, true));
    m_linear2 = register_module("linear_2", Projection(timeDim, timeDim, true));
}

torch::Tensor TimestepEmbeddingImpl::forward(const torch::Tensor &sinusoid)
{
    return m_linear2(F::silu(m_linear1(sinusoid)));
}

torch::Tensor sinusoidalTimestepEmbedding(const torch::Tensor &timesteps, std::int64_t dim,
                                          bool flipSinToCos, double freqShift)
{
    const std::int64_t half = dim / 2;
    const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(timesteps.device());
    torch::Tensor exponent = -std::log(10000.0) * torch::arange(0, half, options);
    exponent = exponent / (static_cast<double>(half) - freqShift);
    const torch::Tensor angles =
        timesteps.to(torch::kFloat32).unsqueeze(1) * torch::exp(exponent).unsqueeze(0);
    const torch::Tensor sin = torch::sin(angles);
    const torch::Tensor cos = torch::cos(angles);
    return flipSinToCos ? torch::cat({cos, sin}, -1) : torch::cat({sin, cos}, -1);
}

} // namespace dpsapf::core
