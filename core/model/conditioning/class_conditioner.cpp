// SPDX-License-Identifier: GPL-3.0-or-later
// Learned class tokens for cross-attention, with a null token for classifier-free guidance.
#include "model/conditioning/class_conditioner.h"

#include "dpsapf/core/atomic_file.h"
#include "io/lenient_json.h"
#include "io/torch_tensors.h"
#include "model/common/state_dict.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace dpsapf::core {
namespace {

constexpr const char *kWeightsFile = "conditioner.safetensors";
constexpr const char *kConfigFile = "conditioner.json";
constexpr const char *kType = "class_tokens";

Error configError(const std::string &field, const std::string &reason)
{
    return makeError(ErrorCode::InvalidArgument, "class conditioner " + field + ": " + reason);
}

} // namespace

Expected<bool> ClassConditionerConfig::validate() const
{
    if (numClasses < 1) {
        return configError("num_classes", "must be >= 1");
    }
    if (contextDim < 1) {
        return configError("context_dim", "must be >= 1");
    }
    if (tokensPerClass < 1) {
        return configError("tokens_per_class", "must be >= 1");
    }
    return true;
}

ClassConditionerImpl::ClassConditionerImpl(ClassConditionerConfig config)
    : m_config(config)
{
    m_embedding = register_module(
        "class_embedding", torch::nn::Embedding(m_config.numClasses + 1,
                                                m_config.tokensPerClass * m_config.contextDim));
}

torch::Tensor ClassConditionerImpl::context(const torch::Tensor &labels)
{
    TORCH_CHECK(labels.dim() == 1, "class conditioner: labels must be 1-D, got ", labels.sizes());
    const torch::Tensor indices = labels.to(torch::kInt64);
    TORCH_CHECK(indices.numel() == 0 || (indices.min().item<std::int64_t>() >= 0 &&
                                         indices.max().item<std::int64_t>() <= m_config.numClasses),
                "class conditioner: labels must lie in [0, ", m_config.numClasses, "]");
    return m_embedding(indices).reshape(
        {indices.size(0), m_config.tokensPerClass, m_config.contextDim});
}

torch::Tensor ClassConditionerImpl::nullContext(std::int64_t batch)
{
    const torch::Tensor labels = torch::full({batch}, nullLabel(), torch::kInt64);
    return context(labels.to(m_embedding->weight.device()));
}

torch::Tensor ClassConditionerImpl::dropLabels(const torch::Tensor &labels,
                                               double unconditionalProbability,
                                               torch::Generator generator) const
{
    const torch::Tensor uniform =
        torch::rand({labels.size(0)}, generator, torch::TensorOptions().dtype(torch::kFloat64));
    const torch::Tensor drop = uniform.lt(unconditionalProbability).to(labels.device());
    return torch::where(drop, torch::full_like(labels, nullLabel()), labels);
}

Expected<bool> saveClassConditioner(const std::filesystem::path &folder,
                                    ClassConditioner &conditioner,
                                    const std::vector<std::string> &classNames)
{
    const ClassConditionerConfig &config = conditioner->config();
    if (static_cast<std::int64_t>(classNames.size()) != config.numClasses) {
        return makeError(ErrorCode::InvalidArgument,
                         "class conditioner: " + std::to_string(classNames.size()) +
                             " class names for " + std::to_string(config.numClasses) + " classes");
    }
    TensorMap tensors;
    for (const auto &[name, tensor] : moduleStateDict(*conditioner)) {
        tensors.emplace(name, tensor.detach().to(torch::kCPU).contiguous());
    }
    if (auto saved = saveSafetensorsTensors(folder / kWeightsFile, tensors, {{"format", "pt"}});
        !saved) {
        return saved.error();
    }
    const nlohmann::json json{{"type", kType},
                              {"num_classes", config.numClasses},
                              {"tokens_per_class", config.tokensPerClass},
                              {"context_dim", config.contextDim},
                              {"null_label", conditioner->nullLabel()},
                              {"class_names", classNames}};
    return writeFileAtomically(folder / kConfigFile, json.dump(2) + "\n");
}

Expected<LoadedClassConditioner> loadClassConditioner(const std::filesystem::path &folder)
{
    const auto configPath = folder / kConfigFile;
    const Expected<nlohmann::json> json = readLenientJson(configPath);
    if (!json) {
        return json.error();
    }
    LoadedClassConditioner loaded;
    ClassConditionerConfig config;
    try {
        if (json->value("type", std::string()) != kType) {
            return makeError(ErrorCode::Format,
                             configPath.string() + ": type is not \"" + std::string(kType) + "\"");
        }
        config.numClasses = json->at("num_classes").get<std::int64_t>();
        config.tokensPerClass = json->value("tokens_per_class", std::int64_t{1});
        config.contextDim = json->at("context_dim").get<std::int64_t>();
        loaded.classNames = json->at("class_names").get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, configPath.string() + ": " + error.what());
    }
    if (auto valid = config.validate(); !valid) {
        return makeError(ErrorCode::Format, configPath.string() + ": " + valid.error().message);
    }
    if (static_cast<std::int64_t>(loaded.classNames.size()) != config.numClasses) {
        return makeError(ErrorCode::Format,
                         configPath.string() + ": class_names does not have num_classes entries");
    }
    const auto weightsPath = folder / kWeightsFile;
    Expected<TensorMap> weights = loadSafetensorsTensors(weightsPath);
    if (!weights) {
        return weights.error();
    }
    loaded.conditioner = ClassConditioner(config);
    if (auto done = loadStateDict(*loaded.conditioner, weights.value(),
                                  LoadOptions{false, false, weightsPath.string()});
        !done) {
        return done.error();
    }
    return loaded;
}

} // namespace dpsapf::core
