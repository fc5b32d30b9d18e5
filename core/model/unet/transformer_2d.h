// SPDX-License-Identifier: GPL-3.0-or-later
// Spatial transformer of Stable Diffusion (diffusers Transformer2DModel with one
// BasicTransformerBlock: self-attention attn1, cross-attention attn2, GEGLU feed-forward; Rombach
// et al. 2022). Module names equal the checkpoint keys (sd-format.md §2.2).
#pragma once

#include "model/common/activation_checkpoint.h"
#include "model/unet/projection.h"

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

namespace dpsapf::core {

// Multi-head attention; `to_out` is a list whose entry 0 is the output projection (entry 1 is a
// parameterless dropout in diffusers and is not materialised).
class AttentionImpl : public torch::nn::Module
{
public:
    AttentionImpl(std::int64_t queryDim, std::int64_t contextDim, std::int64_t heads);
    // context undefined: self-attention.
    torch::Tensor forward(const torch::Tensor &hidden, const torch::Tensor &context = {});

    Projection to_q{nullptr}, to_k{nullptr}, to_v{nullptr}, to_out0{nullptr};

private:
    std::int64_t m_heads;
};
TORCH_MODULE(Attention);

// GEGLU feed-forward: net.0.proj [8C, C], net.2 [C, 4C]; net.1 is a dropout (no parameters).
class FeedForwardImpl : public torch::nn::Module
{
public:
    explicit FeedForwardImpl(std::int64_t dim);
    torch::Tensor forward(const torch::Tensor &hidden);

    Projection proj{nullptr}, out{nullptr};
};
TORCH_MODULE(FeedForward);

class BasicTransformerBlockImpl : public torch::nn::Module
{
public:
    BasicTransformerBlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t contextDim);
    torch::Tensor forward(torch::Tensor hidden, const torch::Tensor &context);

    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
    Attention attn1{nullptr}, attn2{nullptr};
    FeedForward ff{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

// Gradient checkpointing (CheckpointableBlock) keeps only the transformer's inputs for the backward
// pass.
class Transformer2DImpl : public torch::nn::Module, public CheckpointableBlock
{
public:
    Transformer2DImpl(std::int64_t channels, std::int64_t heads, std::int64_t contextDim,
                      std::int64_t normGroups, bool linearProjection);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &context);

    [[nodiscard]] BasicTransformerBlock block() const { return m_block; }

private:
    torch::Tensor computeForward(const torch::Tensor &x, const torch::Tensor &context);

    bool m_linearProjection;
    torch::nn::GroupNorm m_norm{nullptr};
    torch::nn::Conv2d m_projInConv{nullptr}, m_projOutConv{nullptr};
    Projection m_projInLinear{nullptr}, m_projOutLinear{nullptr};
    BasicTransformerBlock m_block{nullptr};
};
TORCH_MODULE(Transformer2D);

} // namespace dpsapf::core
