// SPDX-License-Identifier: GPL-3.0-or-later
// Conditioning of the UNet's cross-attention: the Conditioner interface (context tokens for a batch
// of labels, and the null context for classifier-free guidance; Ho & Salimans 2022) and its first
// implementation, learned class tokens. A CLIP text conditioner is a later implementation.
#pragma once

#include "dpsapf/core/expected.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

class Conditioner
{
public:
    virtual ~Conditioner() = default;
    // labels [B] (int64, in [0, classes)) -> context [B, T, D].
    [[nodiscard]] virtual torch::Tensor context(const torch::Tensor &labels) = 0;
    // The unconditional context [B, T, D] of classifier-free guidance.
    [[nodiscard]] virtual torch::Tensor nullContext(std::int64_t batch) = 0;
    [[nodiscard]] virtual std::int64_t contextDim() const = 0; // D = UNet cross_attention_dim
    [[nodiscard]] virtual std::int64_t tokens() const = 0;     // T
};

struct ClassConditionerConfig {
    std::int64_t numClasses = 20;
    std::int64_t contextDim = 64;
    std::int64_t tokensPerClass = 1;

    [[nodiscard]] Expected<bool> validate() const;
};

// Learned class tokens: "class_embedding.weight" [numClasses + 1, T * D], where row numClasses is
// the null token. Rows are initialised N(0, 1) (torch.nn.Embedding's default).
class ClassConditionerImpl : public torch::nn::Module, public Conditioner
{
public:
    explicit ClassConditionerImpl(ClassConditionerConfig config); // config must be valid

    [[nodiscard]] torch::Tensor context(const torch::Tensor &labels) override;
    [[nodiscard]] torch::Tensor nullContext(std::int64_t batch) override;
    [[nodiscard]] std::int64_t contextDim() const override { return m_config.contextDim; }
    [[nodiscard]] std::int64_t tokens() const override { return m_config.tokensPerClass; }

    [[nodiscard]] const ClassConditionerConfig &config() const { return m_config; }
    [[nodiscard]] std::int64_t nullLabel() const { return m_config.numClasses; }
    // Training-time label dropout: each label becomes nullLabel() with probability
    // `unconditionalProbability`, drawn from `generator` (one uniform number per label).
    [[nodiscard]] torch::Tensor dropLabels(const torch::Tensor &labels,
                                           double unconditionalProbability,
                                           torch::Generator generator) const;

private:
    ClassConditionerConfig m_config;
    torch::nn::Embedding m_embedding{nullptr};
};
TORCH_MODULE(ClassConditioner);

// conditioner.safetensors ("class_embedding.weight") plus conditioner.json:
// {"type": "class_tokens", "num_classes", "tokens_per_class", "context_dim", "null_label",
//  "class_names": [...]}.
[[nodiscard]] Expected<bool> saveClassConditioner(const std::filesystem::path &folder,
                                                  ClassConditioner &conditioner,
                                                  const std::vector<std::string> &classNames);
struct LoadedClassConditioner {
    ClassConditioner conditioner{nullptr};
    std::vector<std::string> classNames;
};
[[nodiscard]] Expected<LoadedClassConditioner>
loadClassConditioner(const std::filesystem::path &folder);

} // namespace dpsapf::core
