// SPDX-License-Identifier: GPL-3.0-or-later
// A Linear layer whose parameters keep diffusers' names ("weight", "bias") and that can carry a
// LoRA adapter ("lora_A.weight" [r, in], "lora_B.weight" [out, r]; Hu et al. 2021). Attention
// projections use it, so the 128 DP-SAPF candidate matrices can be adapted or trained in place.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace dpsapf::core {

class PerSampleGradients;

class ProjectionImpl : public torch::nn::Module
{
public:
    ProjectionImpl(std::int64_t inFeatures, std::int64_t outFeatures, bool withBias);

    torch::Tensor forward(const torch::Tensor &input);

    // Adds a rank-r adapter: A ~ N(0, (1/r)^2), B = 0 (method.md §6.1); scale = alpha / r. The
    // factors are float32 (float64 for a float64 weight) whatever the frozen weight's dtype.
    void attachLora(std::int64_t rank, double alpha, torch::Generator generator);
    void detachLora();
    [[nodiscard]] bool hasLora() const { return m_loraA.defined(); }
    [[nodiscard]] double loraScale() const { return m_loraScale; }
    void setLoraScale(double scale) { m_loraScale = scale; }
    [[nodiscard]] const torch::Tensor &loraA() const { return m_loraA; }
    [[nodiscard]] const torch::Tensor &loraB() const { return m_loraB; }

    // Routes the forward through the DP functions so that the backward hands per-record
    // information of the registered tensors to `recorder` (nullptr: plain autograd).
    void setPerSampleRecorder(PerSampleGradients *recorder) { m_recorder = recorder; }

    torch::Tensor weight;
    torch::Tensor bias; // undefined when the projection has no bias

private:
    torch::Tensor m_loraA;
    torch::Tensor m_loraB;
    double m_loraScale = 1.0;
    PerSampleGradients *m_recorder = nullptr;
};
TORCH_MODULE(Projection);

} // namespace dpsapf::core
