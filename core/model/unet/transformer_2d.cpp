// SPDX-License-Identifier: GPL-3.0-or-later
// Spatial transformer of Stable Diffusion: attention, GEGLU feed-forward, transformer block.
#include "model/unet/transformer_2d.h"

#include <torch/nn/functional.h>
#include <torch/torch.h>

#include <cmath>

namespace dpsapf::core {

namespace F = torch::nn::functional;

AttentionImpl::AttentionImpl(std::int64_t queryDim, std::int64_t contextDim, std::int64_t heads)
    : m_heads(heads)
{
    to_q = register_module("to_q", Projection(queryDim, queryDim, false));
    to_k = register_module("to_k", Projection(contextDim, queryDim, false));
    to_v = register_module("to_v", Projection(contextDim, queryDim, false));
    auto toOut = register_module("to_out", torch::nn::ModuleList());
    to_out0 = Projection(queryDim, queryDim, true);
    toOut->push_back(to_out0);
}

torch::Tensor AttentionImpl::forward(const torch::Tensor &hidden, const torch::Tensor &context)
{
    const torch::Tensor &source = context.defined() ? context : hidden;
    const std::int64_t batch = hidden.size(0);
    const std::int64_t channels = to_q->weight.size(0);
    const std::int64_t headDim = channels / m_heads;
    const auto splitHeads = [&](const torch::Tensor &t) {
        return t.reshape({batch, t.size(1), m_heads, headDim}).permute({0, 2, 1, 3});
    };
    const torch::Tensor query = splitHeads(to_q(hidden));
    const torch::Tensor key = splitHeads(to_k(source));
    const torch::Tensor value = splitHeads(to_v(source));
    const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
    // matmul -> softmax -> matmul: LibTorch 1.13 has no fused SDPA (stack.md §6).
    const torch::Tensor scores = torch::matmul(query, key.transpose(-1, -2)) * scale;
    const torch::Tensor probabilities = scores.softmax(-1);
    const torch::Tensor attended = torch::matmul(probabilities, value)
                                       .permute({0, 2, 1, 3})
                                       .reshape({batch, hidden.size(1), channels});
    return to_out0(attended);
}

FeedForwardImpl::FeedForwardImpl(std::int64_t dim)
{
    auto net = register_module("net", torch::nn::ModuleList());
    auto geglu = std::make_shared<torch::nn::Module>();
    proj = Projection(dim, 8 * dim, true);
    geglu->register_module("proj", proj);
    net->push_back(geglu);
    net->push_back(torch::nn::Identity()); // diffusers' dropout, no parameters
    out = Projection(4 * dim, dim, true);
    net->push_back(out);
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor &hidden)
{
    const auto parts = proj(hidden).chunk(2, -1);
    return out(parts[0] * F::gelu(parts[1]));
}

BasicTransformerBlockImpl::BasicTransformerBlockImpl(std::int64_t dim, std::int64_t heads,
                                                     std::int64_t contextDim)
{
    norm1 = register_module("norm1",
                            torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5)));
    attn1 = register_module("attn1", Attention(dim, dim, heads));
    norm2 = register_module("norm2",
                            torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5)));
    attn2 = register_module("attn2", Attention(dim, contextDim, heads));
    norm3 = register_module("norm3",
                            torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5)));
    ff = register_module("ff", FeedForward(dim));
}

torch::Tensor BasicTransformerBlockImpl::forward(torch::Tensor hidden, const torch::Tensor &context)
{
    hidden = attn1(norm1(hidden)) + hidden;
    hidden = attn2(norm2(hidden), context) + hidden;
    return ff(norm3(hidden)) + hidden;
}

Transformer2DImpl::Transformer2DImpl(std::int64_t channels, std::int64_t heads,
                                     std::int64_t contextDim, std::int64_t normGroups,
                                     bool linearProjection)
    : m_linearProjection(linearProjection)
{
    m_norm = register_module(
        "norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(normGroups, channels).eps(1e-6)));
    if (linearProjection) {
        m_projInLinear = register_module("proj_in", Projection(channels, channels, true));
    } else {
        m_projInConv = register_module(
            "proj_in", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)));
    }
    auto blocks = register_module("transformer_blocks", torch::nn::ModuleList());
    m_block = BasicTransformerBlock(channels, heads, contextDim);
    blocks->push_back(m_block);
    if (linearProjection) {
        m_projOutLinear = register_module("proj_out", Projection(channels, channels, true));
    } else {
        m_projOutConv = register_module(
            "proj_out", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)));
    }
}

torch::Tensor Transformer2DImpl::forward(const torch::Tensor &x, const torch::Tensor &context)
{
    return forwardSegment(
        [this](const std::vector<torch::Tensor> &in) { return computeForward(in[0], in[1]); },
        {x, context}, *this);
}

torch::Tensor Transformer2DImpl::computeForward(const torch::Tensor &x,
                                                const torch::Tensor &context)
{
    const std::int64_t batch = x.size(0);
    const std::int64_t channels = x.size(1);
    const std::int64_t height = x.size(2);
    const std::int64_t width = x.size(3);
    const auto toTokens = [&](const torch::Tensor &t) {
        return t.permute({0, 2, 3, 1}).reshape({batch, height * width, channels});
    };
    const auto toImage = [&](const torch::Tensor &t) {
        return t.reshape({batch, height, width, channels}).permute({0, 3, 1, 2}).contiguous();
    };
    torch::Tensor hidden = m_norm(x);
    hidden = m_linearProjection ? m_projInLinear(toTokens(hidden)) : toTokens(m_projInConv(hidden));
    hidden = m_block(hidden, context);
    hidden = m_linearProjection ? toImage(m_projOutLinear(hidden)) : m_projOutConv(toImage(hidden));
    return hidden + x;
}

} // namespace dpsapf::core
