// SPDX-License-Identifier: GPL-3.0-or-later
// The model that DP training adapts: the public UNet with LoRA adapters on the selected attention
// matrices (or, for direct fine-tuning, the selected weights themselves), and tokens for the
// sensitive classes beside the public null token (for latent-space models: the frozen text
// embeddings of the class prompts and of ""). Trainable tensors are named as in checkpoints and
// exports: "unet.<module>.lora_A.weight", "unet.<module>.lora_B.weight", "unet.<module>.weight"
// / ".bias" (direct), and "conditioner.class_tokens" (pixel-space models only).
#pragma once

#include "dpsapf/core/run_config.h"
#include "io/torch_tensors.h"
#include "model/conditioning/class_conditioner.h"
#include "pipeline/lora_files.h"
#include "pipeline/public_model.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <utility>
#include <vector>

namespace dpsapf::core {

class PerSampleGradients;

// Tokens of the sensitive classes ("class_tokens" [K, T*D], trainable) and the public model's
// null token ("null_token" [1, T*D], a frozen buffer: DP noise never touches it).
class SensitiveConditionerImpl : public torch::nn::Module, public Conditioner
{
public:
    SensitiveConditionerImpl(const torch::Tensor &initialTokens, const torch::Tensor &nullToken,
                             std::int64_t tokensPerClass);

    [[nodiscard]] torch::Tensor context(const torch::Tensor &labels) override;
    [[nodiscard]] torch::Tensor nullContext(std::int64_t batch) override;
    [[nodiscard]] std::int64_t contextDim() const override { return m_contextDim; }
    [[nodiscard]] std::int64_t tokens() const override { return m_tokensPerClass; }

    void setPerSampleRecorder(PerSampleGradients *recorder) { m_recorder = recorder; }
    // As a ClassConditioner with K classes (its table is [class_tokens; null_token]).
    [[nodiscard]] ClassConditioner toClassConditioner() const;

    torch::Tensor classTokens;
    torch::Tensor nullToken;

private:
    std::int64_t m_tokensPerClass = 1;
    std::int64_t m_contextDim = 0;
    PerSampleGradients *m_recorder = nullptr;
};
TORCH_MODULE(SensitiveConditioner);

struct FineTuneSetup {
    RunVariant variant = RunVariant::DpSapf;
    std::vector<std::string> selectedKeys; // module paths of the adapted matrices
    LoraSettings lora;
    std::string classTokenInit = "public-classes";
    std::int64_t sensitiveClasses = 0;
    std::uint64_t loraSeed = 0; // A ~ N(0, 1/r^2)
    // Latent-space models: the fixed prompt p(y) of every sensitive class (method.md §2). Their
    // text-encoder embeddings take the place of the class tokens and are not trained.
    std::vector<std::string> classPrompts;
    std::int64_t clipSkip = 0;
};

class FineTuneModel
{
public:
    // Takes the public model's UNet and conditioner (they are modified in place).
    FineTuneModel(PublicModel &model, const FineTuneSetup &setup);

    [[nodiscard]] UNet &unet() { return m_unet; }
    [[nodiscard]] SensitiveConditioner &conditioner() { return m_conditioner; }
    [[nodiscard]] const std::vector<std::pair<std::string, torch::Tensor>> &trainable() const
    {
        return m_trainable;
    }
    [[nodiscard]] std::vector<torch::Tensor> trainableTensors() const;
    [[nodiscard]] std::int64_t trainableParameters(bool includeTokens) const;
    void setPerSampleRecorder(PerSampleGradients *recorder);

    // Trainable tensors by name (CPU copies) and their restoration (all names must be present).
    [[nodiscard]] TensorMap state() const;
    [[nodiscard]] Expected<bool> restore(const TensorMap &saved, const std::string &source);

    // LoRA factors per adapted module (CPU copies); empty for direct fine-tuning.
    [[nodiscard]] std::vector<LoraAdapter> adapters() const;

private:
    UNet m_unet;
    SensitiveConditioner m_conditioner{nullptr};
    std::vector<std::pair<std::string, Projection>> m_adapted;
    std::vector<std::pair<std::string, torch::Tensor>> m_trainable;
};

} // namespace dpsapf::core
