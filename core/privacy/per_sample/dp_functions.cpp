// SPDX-License-Identifier: GPL-3.0-or-later
// DP Linear, LoRA-Linear, Conv2d (unfold, as Opacus' grad_sample/conv.py) and Embedding as custom
// autograd functions that feed PerSampleGradients (book-keeping, Bu et al. 2023).
#include "dp_functions.h"

#include <torch/csrc/autograd/custom_function.h>

#include <cstdint>
#include <vector>

namespace dpsapf::core {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
using OptionalTensor = c10::optional<at::Tensor>;

// The recorder travels through ctx->saved_data as an int64 (no thread_local: autograd may run the
// backward on a device thread). The caller guarantees it outlives the backward pass.
std::int64_t recorderHandle(PerSampleGradients *recorder)
{
    return static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(recorder));
}

PerSampleGradients *recorderFromHandle(std::int64_t handle)
{
    return reinterpret_cast<PerSampleGradients *>(static_cast<std::intptr_t>(handle));
}

PerSampleGradients *recorderOf(AutogradContext *ctx)
{
    return recorderFromHandle(ctx->saved_data["recorder"].toInt());
}

void saveIndex(AutogradContext *ctx, const char *key, const PerSampleGradients *recorder,
               const at::Tensor &tensor)
{
    ctx->saved_data[key] = static_cast<std::int64_t>(recorder->indexOf(tensor));
}

void saveIndex(AutogradContext *ctx, const char *key, const PerSampleGradients *recorder,
               const OptionalTensor &tensor)
{
    saveIndex(ctx, key, recorder, tensor.has_value() ? *tensor : at::Tensor());
}

// LibTorch 1.13 cannot take undefined tensors as Function inputs (VariableInfo needs a device);
// an empty optional is a non-tensor input instead.
OptionalTensor optionalOf(const at::Tensor &tensor)
{
    return tensor.defined() ? OptionalTensor(tensor) : OptionalTensor(c10::nullopt);
}

int indexOf(AutogradContext *ctx, const char *key)
{
    return static_cast<int>(ctx->saved_data[key].toInt());
}

// [B, ..., w] -> [B, T, w]; 2-D input means T = 1.
at::Tensor asSequence(const at::Tensor &tensor)
{
    return tensor.dim() == 2 ? tensor.unsqueeze(1)
                             : tensor.reshape({tensor.size(0), -1, tensor.size(-1)});
}

void checkRecordDimension(const at::Tensor &input, const char *layer)
{
    TORCH_CHECK(input.dim() >= 2, layer, ": the input needs a record dimension and a feature ",
                "dimension, got ", input.dim(), " dimensions");
}

class DpLinearFunction : public torch::autograd::Function<DpLinearFunction>
{
public:
    static at::Tensor forward(AutogradContext *ctx, const at::Tensor &input,
                              const at::Tensor &weight, const OptionalTensor &bias,
                              std::int64_t handle)
    {
        const auto *recorder = recorderFromHandle(handle);
        ctx->saved_data["recorder"] = handle;
        saveIndex(ctx, "weight", recorder, weight);
        saveIndex(ctx, "bias", recorder, bias);
        ctx->save_for_backward({input, weight});
        return at::linear(input, weight, bias);
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &input = saved[0];
        const at::Tensor &weight = saved[1];
        const at::Tensor &grad = grads[0];
        at::Tensor gradInput;
        if (ctx->needs_input_grad(0)) {
            gradInput = at::matmul(grad, weight);
        }
        if (input.size(0) > 0) {
            auto *recorder = recorderOf(ctx);
            recorder->addLinearWeight(indexOf(ctx, "weight"), input, grad);
            recorder->addBias(indexOf(ctx, "bias"), grad);
        }
        return {gradInput, at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

class DpLoraLinearFunction : public torch::autograd::Function<DpLoraLinearFunction>
{
public:
    static at::Tensor forward(AutogradContext *ctx, const at::Tensor &input,
                              const at::Tensor &weight, const OptionalTensor &bias,
                              const at::Tensor &loraA, const at::Tensor &loraB, double scale,
                              std::int64_t handle)
    {
        const auto *recorder = recorderFromHandle(handle);
        ctx->saved_data["recorder"] = handle;
        ctx->saved_data["scale"] = scale;
        saveIndex(ctx, "weight", recorder, weight);
        saveIndex(ctx, "bias", recorder, bias);
        saveIndex(ctx, "loraA", recorder, loraA);
        saveIndex(ctx, "loraB", recorder, loraB);
        // U = x Aᵀ, kept for grad_B. The factors compute in the input's dtype (float32 factors on
        // bf16/fp16 frozen weights).
        const auto projected = at::matmul(input, loraA.to(input.scalar_type()).t());
        ctx->save_for_backward({input, weight, loraA, loraB, projected});
        auto output = at::linear(input, weight, bias);
        output.add_(at::matmul(projected, loraB.to(input.scalar_type()).t()), scale);
        return output;
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &input = saved[0];
        const at::Tensor &weight = saved[1];
        const at::Tensor &loraA = saved[2];
        const at::Tensor &loraB = saved[3];
        const at::Tensor &projected = saved[4];
        const double scale = ctx->saved_data["scale"].toDouble();
        const at::Tensor &grad = grads[0];
        const auto type = grad.scalar_type();
        // Gradient flowing into U: s·G B (backprop forms it anyway).
        const auto gradProjected = at::matmul(grad, loraB.to(type)).mul_(scale);
        at::Tensor gradInput;
        if (ctx->needs_input_grad(0)) {
            gradInput = at::matmul(grad, weight).add_(at::matmul(gradProjected, loraA.to(type)));
        }
        if (input.size(0) > 0) {
            auto *recorder = recorderOf(ctx);
            const int indexA = indexOf(ctx, "loraA");
            const int indexB = indexOf(ctx, "loraB");
            if (indexA >= 0) {
                // grad_A,i = (s·G_i B)ᵀ X_i  [r, d]
                recorder->addInstantiated(
                    indexA, at::bmm(asSequence(gradProjected).transpose(1, 2), asSequence(input)));
            }
            if (indexB >= 0) {
                // grad_B,i = s·G_iᵀ U_i  [p, r]
                recorder->addInstantiated(
                    indexB,
                    at::bmm(asSequence(grad).transpose(1, 2), asSequence(projected)).mul_(scale));
            }
            recorder->addLinearWeight(indexOf(ctx, "weight"), input, grad);
            recorder->addBias(indexOf(ctx, "bias"), grad);
        }
        return {gradInput,    at::Tensor(), at::Tensor(), at::Tensor(),
                at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

class DpConv2dFunction : public torch::autograd::Function<DpConv2dFunction>
{
public:
    // geometry = {stride h, stride w, padding h, padding w, dilation h, dilation w, groups}
    static at::Tensor forward(AutogradContext *ctx, const at::Tensor &input,
                              const at::Tensor &weight, const OptionalTensor &bias,
                              std::vector<std::int64_t> geometry, std::int64_t handle)
    {
        const auto *recorder = recorderFromHandle(handle);
        ctx->saved_data["recorder"] = handle;
        saveIndex(ctx, "weight", recorder, weight);
        saveIndex(ctx, "bias", recorder, bias);
        ctx->saved_data["geometry"] = geometry;
        ctx->save_for_backward({input, weight});
        return at::conv2d(input, weight, bias, {geometry[0], geometry[1]},
                          {geometry[2], geometry[3]}, {geometry[4], geometry[5]}, geometry[6]);
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &input = saved[0];
        const at::Tensor &weight = saved[1];
        const at::Tensor &grad = grads[0];
        const auto geometry = ctx->saved_data["geometry"].toIntVector();
        const std::vector<std::int64_t> stride{geometry[0], geometry[1]};
        const std::vector<std::int64_t> padding{geometry[2], geometry[3]};
        const std::vector<std::int64_t> dilation{geometry[4], geometry[5]};
        const std::int64_t groups = geometry[6];
        at::Tensor gradInput;
        if (ctx->needs_input_grad(0)) {
            gradInput = std::get<0>(at::convolution_backward(
                grad, input, weight, c10::nullopt, stride, padding, dilation,
                /*transposed=*/false, {0, 0}, groups, {true, false, false}));
        }
        const std::int64_t records = input.size(0);
        if (records > 0) {
            auto *recorder = recorderOf(ctx);
            const int weightIndex = indexOf(ctx, "weight");
            // G_i as [T, C_out] with T = H_out·W_out.
            const auto outputGrads = grad.reshape({records, grad.size(1), -1}).transpose(1, 2);
            if (weightIndex >= 0) {
                // U_i = unfold(X_i) [D, T], D = C_in·k_h·k_w; W'_i = G_iᵀ U_iᵀ as a Linear.
                const auto unfolded =
                    at::im2col(input, {weight.size(2), weight.size(3)}, dilation, padding, stride);
                recorder->addLinearWeight(weightIndex, unfolded.transpose(1, 2), outputGrads);
            }
            recorder->addBias(indexOf(ctx, "bias"), outputGrads);
        }
        return {gradInput, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

class DpEmbeddingFunction : public torch::autograd::Function<DpEmbeddingFunction>
{
public:
    static at::Tensor forward(AutogradContext *ctx, const at::Tensor &indices,
                              const at::Tensor &table, std::int64_t handle)
    {
        const auto *recorder = recorderFromHandle(handle);
        ctx->saved_data["recorder"] = handle;
        saveIndex(ctx, "table", recorder, table);
        ctx->save_for_backward({indices});
        return at::embedding(table, indices);
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &indices = saved[0];
        const at::Tensor &grad = grads[0];
        const std::int64_t records = indices.size(0);
        if (records > 0) {
            recorderOf(ctx)->addEmbedding(indexOf(ctx, "table"), indices.reshape({records, -1}),
                                          grad.reshape({records, -1, grad.size(-1)}));
        }
        return {at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

} // namespace

at::Tensor dpLinear(const at::Tensor &input, const at::Tensor &weight, const at::Tensor &bias,
                    PerSampleGradients *recorder)
{
    if (recorder == nullptr) {
        return at::linear(input, weight, bias);
    }
    checkRecordDimension(input, "dpLinear");
    return DpLinearFunction::apply(input, weight, optionalOf(bias), recorderHandle(recorder));
}

at::Tensor dpLoraLinear(const at::Tensor &input, const at::Tensor &weight, const at::Tensor &bias,
                        const at::Tensor &loraA, const at::Tensor &loraB, double scale,
                        PerSampleGradients *recorder)
{
    TORCH_CHECK(loraA.dim() == 2 && loraB.dim() == 2 && loraB.size(1) == loraA.size(0) &&
                    loraA.size(1) == weight.size(1) && loraB.size(0) == weight.size(0),
                "dpLoraLinear: A must be [r, d] and B [p, r] for a [p, d] weight");
    if (recorder == nullptr) {
        return at::linear(input, weight, bias) +
               scale * at::matmul(at::matmul(input, loraA.t()), loraB.t());
    }
    checkRecordDimension(input, "dpLoraLinear");
    return DpLoraLinearFunction::apply(input, weight, optionalOf(bias), loraA, loraB, scale,
                                       recorderHandle(recorder));
}

at::Tensor dpConv2d(const at::Tensor &input, const at::Tensor &weight, const at::Tensor &bias,
                    std::array<std::int64_t, 2> stride, std::array<std::int64_t, 2> padding,
                    std::array<std::int64_t, 2> dilation, std::int64_t groups,
                    PerSampleGradients *recorder)
{
    if (recorder == nullptr) {
        return at::conv2d(input, weight, bias, stride, padding, dilation, groups);
    }
    TORCH_CHECK(input.dim() == 4, "dpConv2d: the input must be [B, C, H, W], got ", input.dim(),
                " dimensions");
    TORCH_CHECK(groups == 1 || recorder->indexOf(weight) < 0,
                "dpConv2d: per-record gradients of a grouped convolution weight (groups = ", groups,
                ") are not supported");
    std::vector<std::int64_t> geometry{stride[0],   stride[1],   padding[0], padding[1],
                                       dilation[0], dilation[1], groups};
    return DpConv2dFunction::apply(input, weight, optionalOf(bias), std::move(geometry),
                                   recorderHandle(recorder));
}

at::Tensor dpEmbedding(const at::Tensor &indices, const at::Tensor &table,
                       PerSampleGradients *recorder)
{
    if (recorder == nullptr) {
        return at::embedding(table, indices);
    }
    TORCH_CHECK(indices.dim() >= 1 && table.dim() == 2,
                "dpEmbedding: indices must be [B] or [B, T] and the table [n, dim]");
    return DpEmbeddingFunction::apply(indices, table, recorderHandle(recorder));
}

} // namespace dpsapf::core
