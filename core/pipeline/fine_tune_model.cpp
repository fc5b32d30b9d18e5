// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA attachment on the selection, sensitive class tokens, trainable-tensor bookkeeping.
#include "pipeline/fine_tune_model.h"

#include "model/common/state_dict.h"
#include "privacy/per_sample/dp_functions.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <set>

namespace dpsapf::core {
namespace {

// 'q', 'k', 'v' or 'o' from a module path ending in to_q, to_k, to_v or to_out.0.
char projectionLetter(const std::string &module)
{
    if (module.size() >= 8 && module.compare(module.size() - 8, 8, "to_out.0") == 0) {
        return 'o';
    }
    return module.back();
}

} // namespace

SensitiveConditionerImpl::SensitiveConditionerImpl(const torch::Tensor &initialTokens,
                                                   const torch::Tensor &nullTokenValue,
                                                   std::int64_t tokensPerClass)
    : m_tokensPerClass(tokensPerClass)
    , m_contextDim(initialTokens.size(1) / tokensPerClass)
{
    classTokens = register_parameter("class_tokens", initialTokens.detach().clone());
    nullToken = register_buffer("null_token", nullTokenValue.detach().clone().view({1, -1}));
}

torch::Tensor SensitiveConditionerImpl::context(const torch::Tensor &labels)
{
    TORCH_CHECK(labels.dim() == 1, "sensitive conditioner: labels must be 1-D");
    const torch::Tensor indices = labels.to(torch::kInt64).to(classTokens.device());
    return dpEmbedding(indices, classTokens, m_recorder)
        .reshape({indices.size(0), m_tokensPerClass, m_contextDim});
}

torch::Tensor SensitiveConditionerImpl::nullContext(std::int64_t batch)
{
    return nullToken.expand({batch, -1}).reshape({batch, m_tokensPerClass, m_contextDim});
}

ClassConditioner SensitiveConditionerImpl::toClassConditioner() const
{
    ClassConditionerConfig config;
    config.numClasses = classTokens.size(0);
    config.contextDim = m_contextDim;
    config.tokensPerClass = m_tokensPerClass;
    ClassConditioner conditioner(config);
    torch::NoGradGuard noGrad;
    for (auto &parameter : conditioner->parameters()) {
        parameter.copy_(torch::cat({classTokens.detach(), nullToken}, 0).to(parameter.device()));
    }
    return conditioner;
}

FineTuneModel::FineTuneModel(PublicModel &model, const FineTuneSetup &setup)
    : m_unet(model.unet)
{
    for (auto &parameter : m_unet->parameters()) {
        parameter.set_requires_grad(false);
    }
    if (model.isLatent()) {
        // Frozen prompt embeddings [K, 77, D] and the unconditional "" for guidance.
        TORCH_CHECK(static_cast<std::int64_t>(setup.classPrompts.size()) == setup.sensitiveClasses,
                    "fine-tuning a latent-space model needs one prompt per class");
        const int clipSkip = static_cast<int>(setup.clipSkip);
        const torch::Tensor prompts = encodePrompts(*model.sd, setup.classPrompts, clipSkip);
        const torch::Tensor empty = encodePrompts(*model.sd, {""}, clipSkip);
        m_conditioner =
            SensitiveConditioner(prompts.flatten(1), empty.flatten(1)[0], prompts.size(1));
    } else {
        // Sensitive class tokens: distinct public tokens (class i <- public class i mod P) or the
        // null token; both are public starting points.
        const torch::Tensor table = model.conditioner->parameters().front().detach();
        const std::int64_t publicClasses = table.size(0) - 1;
        const torch::Tensor nullRow = table[publicClasses];
        std::vector<torch::Tensor> rows;
        for (std::int64_t k = 0; k < setup.sensitiveClasses; ++k) {
            rows.push_back(setup.classTokenInit == "null" ? nullRow : table[k % publicClasses]);
        }
        m_conditioner =
            SensitiveConditioner(torch::stack(rows, 0), nullRow, model.conditioner->tokens());
    }

    const std::set<std::string> selected(setup.selectedKeys.begin(), setup.selectedKeys.end());
    auto generator = at::make_generator<at::CPUGeneratorImpl>(setup.loraSeed);
    const bool direct =
        setup.variant == RunVariant::NoLora || setup.variant == RunVariant::AllParameters;
    for (auto &[name, projection] : m_unet->linearProjections()) {
        if (selected.count(name) == 0) {
            continue;
        }
        m_adapted.emplace_back(name, projection);
        if (direct) {
            m_trainable.emplace_back("unet." + name + ".weight", projection->weight);
            if (projection->bias.defined()) {
                m_trainable.emplace_back("unet." + name + ".bias", projection->bias);
            }
            continue;
        }
        const std::int64_t rank = setup.lora.rankFor(projectionLetter(name));
        const double alpha = setup.lora.alpha > 0.0 ? setup.lora.alpha : static_cast<double>(rank);
        projection->attachLora(rank, alpha, generator);
        m_trainable.emplace_back("unet." + name + ".lora_A.weight", projection->loraA());
        m_trainable.emplace_back("unet." + name + ".lora_B.weight", projection->loraB());
    }
    if (!model.isLatent()) {
        m_trainable.emplace_back("conditioner.class_tokens", m_conditioner->classTokens);
    }
    for (auto &[name, tensor] : m_trainable) {
        tensor.set_requires_grad(true);
    }
    m_unet->eval(); // no dropout; the reference trains in eval-free mode but has no dropout either
}

std::vector<torch::Tensor> FineTuneModel::trainableTensors() const
{
    std::vector<torch::Tensor> out;
    for (const auto &[name, tensor] : m_trainable) {
        out.push_back(tensor);
    }
    return out;
}

std::int64_t FineTuneModel::trainableParameters(bool includeTokens) const
{
    std::int64_t count = 0;
    for (const auto &[name, tensor] : m_trainable) {
        if (includeTokens || name.rfind("conditioner.", 0) != 0) {
            count += tensor.numel();
        }
    }
    return count;
}

void FineTuneModel::setPerSampleRecorder(PerSampleGradients *recorder)
{
    for (auto &[name, projection] : m_unet->linearProjections()) {
        projection->setPerSampleRecorder(recorder);
    }
    m_conditioner->setPerSampleRecorder(recorder);
}

TensorMap FineTuneModel::state() const
{
    TensorMap out;
    for (const auto &[name, tensor] : m_trainable) {
        out.emplace(name, tensor.detach().to(torch::kCPU).contiguous().clone());
    }
    return out;
}

Expected<bool> FineTuneModel::restore(const TensorMap &saved, const std::string &source)
{
    torch::NoGradGuard noGrad;
    for (auto &[name, tensor] : m_trainable) {
        const auto found = saved.find(name);
        if (found == saved.end()) {
            return makeError(ErrorCode::Format, source + ": lacks '" + name + "'");
        }
        if (found->second.sizes() != tensor.sizes()) {
            return makeError(ErrorCode::Format, source + ": '" + name + "' has the wrong shape");
        }
        tensor.copy_(found->second.to(tensor.dtype()));
    }
    return true;
}

std::vector<LoraAdapter> FineTuneModel::adapters() const
{
    std::vector<LoraAdapter> out;
    for (const auto &[name, projection] : m_adapted) {
        if (projection->hasLora()) {
            out.push_back({name, projection->loraA().detach().to(torch::kCPU),
                           projection->loraB().detach().to(torch::kCPU), projection->loraScale()});
        }
    }
    return out;
}

} // namespace dpsapf::core
