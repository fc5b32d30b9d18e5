// SPDX-License-Identifier: GPL-3.0-or-later
// Linear projection with diffusers parameter names and an optional LoRA adapter.
#include "model/unet/projection.h"

#include "privacy/per_sample/dp_functions.h"

#include <torch/nn/init.h>
#include <torch/torch.h>

#include <cmath>

namespace dpsapf::core {

ProjectionImpl::ProjectionImpl(std::int64_t inFeatures, std::int64_t outFeatures, bool withBias)
{
    weight = register_parameter("weight", torch::empty({outFeatures, inFeatures}));
    torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
    if (withBias) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(inFeatures));
        bias = register_parameter("bias", torch::empty({outFeatures}).uniform_(-bound, bound));
    }
}

torch::Tensor ProjectionImpl::forward(const torch::Tensor &input)
{
    if (m_recorder != nullptr) {
        return m_loraA.defined()
                   ? dpLoraLinear(input, weight, bias, m_loraA, m_loraB, m_loraScale, m_recorder)
                   : dpLinear(input, weight, bias, m_recorder);
    }
    torch::Tensor output = torch::nn::functional::linear(input, weight, bias);
    if (m_loraA.defined()) {
        // float32 factors on reduced-precision frozen weights compute in the input's dtype; the
        // cast's backward hands float32 gradients to the factors.
        const auto type = input.scalar_type();
        output = output + m_loraScale * torch::matmul(torch::matmul(input, m_loraA.to(type).t()),
                                                      m_loraB.to(type).t());
    }
    return output;
}

void ProjectionImpl::attachLora(std::int64_t rank, double alpha, torch::Generator generator)
{
    detachLora();
    // The factors are trained, so they stay float32 when the frozen weight is bf16 or fp16
    // (float64 weights, in tests, get float64 factors).
    const auto factorType =
        weight.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
    const auto options = weight.options().dtype(factorType).requires_grad(false);
    // Drawn on the CPU from the seeded CPU generator, so the start is the same on every device.
    torch::Tensor a = torch::empty({rank, weight.size(1)}, torch::kFloat32);
    {
        torch::NoGradGuard noGrad;
        a.normal_(0.0, 1.0 / static_cast<double>(rank), generator);
    }
    a = a.to(options);
    auto loraAModule = std::make_shared<torch::nn::Module>();
    auto loraBModule = std::make_shared<torch::nn::Module>();
    m_loraA = loraAModule->register_parameter("weight", a);
    m_loraB =
        loraBModule->register_parameter("weight", torch::zeros({weight.size(0), rank}, options));
    register_module("lora_A", loraAModule);
    register_module("lora_B", loraBModule);
    m_loraScale = alpha / static_cast<double>(rank);
}

void ProjectionImpl::detachLora()
{
    if (!m_loraA.defined()) {
        return;
    }
    unregister_module("lora_A");
    unregister_module("lora_B");
    m_loraA = torch::Tensor();
    m_loraB = torch::Tensor();
    m_loraScale = 1.0;
}

} // namespace dpsapf::core
