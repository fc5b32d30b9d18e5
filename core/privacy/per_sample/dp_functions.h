// SPDX-License-Identifier: GPL-3.0-or-later
// DP layers as torch::autograd::Function: the forward is the plain op, the backward hands
// per-record information to PerSampleGradients (book-keeping, Bu et al. 2023; fastDP's extending
// engine).
#pragma once

#include "per_sample_gradients.h"

#include <ATen/ATen.h>

#include <array>
#include <cstdint>

namespace dpsapf::core {

// Common contract of the DP layers:
// - the forward equals the plain op; the first dimension of `input` is always the record;
// - the backward returns the normal input gradient (so backprop continues), hands per-record
//   information for the tensors registered in `recorder` to it, and returns undefined gradients
//   for them (their gradient is recorder->clippedSum(index));
// - tensors that are not registered (frozen) get no per-record work and an undefined gradient;
// - recorder == nullptr: the plain op with ordinary autograd (no DP);
// - the recorder travels to the backward as an int64 in ctx->saved_data: it must outlive every
//   backward pass of graphs built with it (one PerSampleGradients per training run is typical).

// h = x Wᵀ + b. input [B, d] (T = 1) or [B, ..., d] (the middle dimensions are positions T).
at::Tensor dpLinear(const at::Tensor &input, const at::Tensor &weight,
                    const at::Tensor &bias /*may be undefined*/, PerSampleGradients *recorder);

// h = x Wᵀ + b + scale·(x Aᵀ) Bᵀ with A [r, d] and B [p, r] (per-sample-gradients.md §5): the
// per-record gradients of A and B are instantiated from tensors backprop forms anyway. With
// reduced-precision frozen weights (bf16/fp16 input and W, float32 A and B) the op computes in the
// input's dtype; each record's gradient is formed once in that dtype, and its norm, clip factor
// and clipped sum are all computed from that one tensor in float32, so the bound ‖clip(g_i)‖ ≤ C
// holds exactly.
at::Tensor dpLoraLinear(const at::Tensor &input, const at::Tensor &weight /*frozen*/,
                        const at::Tensor &bias /*frozen, may be undefined*/,
                        const at::Tensor &loraA, const at::Tensor &loraB, double scale,
                        PerSampleGradients *recorder);

// Conv2d through unfold (im2col): per record W'_i = G_i U_iᵀ. groups > 1 is supported for the
// bias and for frozen weights only (a registered grouped weight is rejected with an error).
at::Tensor dpConv2d(const at::Tensor &input, const at::Tensor &weight,
                    const at::Tensor &bias /*may be undefined*/, std::array<std::int64_t, 2> stride,
                    std::array<std::int64_t, 2> padding, std::array<std::int64_t, 2> dilation,
                    std::int64_t groups, PerSampleGradients *recorder);

// Embedding lookup table[indices]; indices [B] or [B, T] (int64), table [n, dim].
at::Tensor dpEmbedding(const at::Tensor &indices, const at::Tensor &table,
                       PerSampleGradients *recorder);

} // namespace dpsapf::core
