// SPDX-License-Identifier: GPL-3.0-or-later
// Convolutional pieces of the SD UNet (diffusers ResnetBlock2D, Downsample2D, Upsample2D and the
// sinusoidal TimestepEmbedding; Ho et al. 2020, Rombach et al. 2022). Names equal checkpoint keys.
#pragma once

#include "model/common/activation_checkpoint.h"
#include "model/unet/projection.h"
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace dpsapf::core {

// Gradient checkpointing (CheckpointableBlock) keeps only the block's inputs for the backward pass.
class ResnetBlock2DImpl : public torch::nn::Module, public CheckpointableBlock
{
public:
    ResnetBlock2DImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t timeDim,
                      std::int64_t groups, double eps);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &timeEmbedding);

private:
    torch::Tensor computeForward(const torch::Tensor &x, const torch::Tensor &timeEmbedding);

    torch::nn::GroupNorm m_norm1{nullptr}, m_norm2{nullptr};
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_convShortcut{nullptr};
    Projection m_timeEmbProj{nullptr};
};
TORCH_MODULE(ResnetBlock2D);

// Stride-2 3x3 convolution, registered as "conv".
class Downsample2DImpl : public torch::nn::Module
{
public:
    Downsample2DImpl(std::int64_t channels, std::int64_t padding);
    torch::Tensor forward(const torch::Tensor &x);

private:
    torch::nn::Conv2d m_conv{nullptr};
};
TORCH_MODULE(Downsample2D);

// Nearest x2 upsampling followed by a 3x3 convolution ("conv").
class Upsample2DImpl : public torch::nn::Module
{
public:
    explicit Upsample2DImpl(std::int64_t channels);
    torch::Tensor forward(const torch::Tensor &x);

private:
    torch::nn::Conv2d m_conv{nullptr};
};
TORCH_MODULE(Upsample2D);

// linear_1 -> SiLU -> linear_2 over the sinusoidal embedding of the timestep.
class TimestepEmbeddingImpl : public torch::nn::Module
{
public:
    TimestepEmbeddingImpl(std::int64_t inDim, std::int64_t timeDim);
    torch::Tensor forward(const torch::Tensor &sinusoid);

private:
    Projection m_linear1{nullptr}, m_linear2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

// diffusers get_timestep_embedding: [sin, cos] of t * exp(-ln(10000) k / (half - shift)), or [cos,
// sin].
[[nodiscard]] torch::Tensor sinusoidalTimestepEmbedding(const torch::Tensor &timesteps,
                                                        std::int64_t dim, bool flipSinToCos,
                                                        double freqShift);

} // namespace dpsapf::core
