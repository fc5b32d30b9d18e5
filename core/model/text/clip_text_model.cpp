// SPDX-License-Identifier: GPL-3.0-or-later
// CLIP text encoder: config.json, the pre-LN causal transformer, loading and SD prompt encoding.
#include "model/text/clip_text_model.h"

#include "io/lenient_json.h"
#include "model/common/state_dict.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <memory>

namespace dpsapf::core {
namespace {

Error configError(const std::string &key, const std::string &reason)
{
    return makeError(ErrorCode::InvalidArgument, "CLIP text config: '" + key + "' " + reason);
}

torch::nn::Linear linear(std::int64_t in, std::int64_t out)
{
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(true));
}

torch::nn::LayerNorm layerNorm(const ClipTextConfig &config)
{
    return torch::nn::LayerNorm(
        torch::nn::LayerNormOptions({config.hiddenSize}).eps(config.layerNormEps));
}

// A parameterless module that only groups children under a checkpoint path segment.
std::shared_ptr<torch::nn::Module> addGroup(torch::nn::Module &parent, const std::string &name)
{
    return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

} // namespace

Expected<bool> ClipTextConfig::validate() const
{
    const std::pair<const char *, std::int64_t> positive[] = {
        {"vocab_size", vocabSize},
        {"hidden_size", hiddenSize},
        {"intermediate_size", intermediateSize},
        {"num_hidden_layers", numHiddenLayers},
        {"num_attention_heads", numAttentionHeads},
        {"max_position_embeddings", maxPositionEmbeddings}};
    for (const auto &[key, value] : positive) {
        if (value < 1) {
            return configError(key, "must be >= 1 (got " + std::to_string(value) + ")");
        }
    }
    if (hiddenSize % numAttentionHeads != 0) {
        return configError("num_attention_heads", std::to_string(numAttentionHeads) +
                                                      " must divide hidden_size " +
                                                      std::to_string(hiddenSize));
    }
    if (!(layerNormEps > 0.0) || !std::isfinite(layerNormEps)) {
        return configError("layer_norm_eps", "must be a positive number");
    }
    return true;
}

Expected<ClipTextConfig> ClipTextConfig::fromConfigJson(const nlohmann::json &root)
{
    // A full CLIPConfig nests the text tower's settings.
    const bool nested =
        root.is_object() && root.contains("text_config") && root["text_config"].is_object();
    const nlohmann::json &json = nested ? root["text_config"] : root;
    if (!json.is_object()) {
        return makeError(ErrorCode::Format, "CLIP text config: expected a JSON object");
    }
    ClipTextConfig config;
    const std::pair<const char *, std::int64_t *> integers[] = {
        {"vocab_size", &config.vocabSize},
        {"hidden_size", &config.hiddenSize},
        {"intermediate_size", &config.intermediateSize},
        {"num_hidden_layers", &config.numHiddenLayers},
        {"num_attention_heads", &config.numAttentionHeads},
        {"max_position_embeddings", &config.maxPositionEmbeddings},
        {"eos_token_id", &config.eosTokenId}};
    for (const auto &[key, target] : integers) {
        if (!json.contains(key) || (json[key].is_null() && std::string(key) == "eos_token_id")) {
            continue;
        }
        if (!json[key].is_number_integer()) {
            return configError(key, "must be an integer");
        }
        *target = json[key].get<std::int64_t>();
    }
    if (json.contains("layer_norm_eps")) {
        if (!json["layer_norm_eps"].is_number()) {
            return configError("layer_norm_eps", "must be a number");
        }
        config.layerNormEps = json["layer_norm_eps"].get<double>();
    }
    if (json.contains("hidden_act")) {
        const auto &act = json["hidden_act"];
        const std::string name = act.is_string() ? act.get<std::string>() : act.dump();
        if (name == "quick_gelu") {
            config.hiddenAct = ClipActivation::QuickGelu;
        } else if (name == "gelu") {
            config.hiddenAct = ClipActivation::Gelu;
        } else {
            return configError("hidden_act",
                               "must be \"quick_gelu\" or \"gelu\" (got " + act.dump() + ")");
        }
    }
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    return config;
}

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipTextConfig &config)
    : m_heads(config.numAttentionHeads)
    , m_activation(config.hiddenAct)
{
    const std::int64_t width = config.hiddenSize;
    auto selfAttention = addGroup(*this, "self_attn");
    m_queryProjection = selfAttention->register_module("q_proj", linear(width, width));
    m_keyProjection = selfAttention->register_module("k_proj", linear(width, width));
    m_valueProjection = selfAttention->register_module("v_proj", linear(width, width));
    m_outProjection = selfAttention->register_module("out_proj", linear(width, width));
    m_layerNorm1 = register_module("layer_norm1", layerNorm(config));
    auto mlp = addGroup(*this, "mlp");
    m_fc1 = mlp->register_module("fc1", linear(width, config.intermediateSize));
    m_fc2 = mlp->register_module("fc2", linear(config.intermediateSize, width));
    m_layerNorm2 = register_module("layer_norm2", layerNorm(config));
}

torch::Tensor ClipEncoderLayerImpl::attention(const torch::Tensor &hidden,
                                              const torch::Tensor &causalMask)
{
    const std::int64_t batch = hidden.size(0);
    const std::int64_t tokens = hidden.size(1);
    const std::int64_t width = hidden.size(2);
    const std::int64_t headDim = width / m_heads;
    const auto splitHeads = [&](const torch::Tensor &x) {
        return x.view({batch, tokens, m_heads, headDim}).transpose(1, 2); // [B, H, T, d]
    };
    // The query is scaled before the product, as transformers does (same rounding).
    const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
    const torch::Tensor query = splitHeads(m_queryProjection(hidden) * scale);
    const torch::Tensor key = splitHeads(m_keyProjection(hidden));
    const torch::Tensor value = splitHeads(m_valueProjection(hidden));
    // matmul -> softmax -> matmul: LibTorch 1.13 has no fused SDPA (stack.md §6).
    const torch::Tensor scores = torch::matmul(query, key.transpose(-1, -2)) + causalMask;
    const torch::Tensor attended = torch::matmul(scores.softmax(-1), value);
    return m_outProjection(attended.transpose(1, 2).reshape({batch, tokens, width}));
}

torch::Tensor ClipEncoderLayerImpl::forward(const torch::Tensor &hidden,
                                            const torch::Tensor &causalMask)
{
    torch::Tensor out = hidden + attention(m_layerNorm1(hidden), causalMask);
    torch::Tensor inner = m_fc1(m_layerNorm2(out));
    inner = m_activation == ClipActivation::QuickGelu ? inner * torch::sigmoid(1.702 * inner)
                                                      : torch::gelu(inner);
    return out + m_fc2(inner);
}

ClipTextModelImpl::ClipTextModelImpl(ClipTextConfig config)
    : m_config(std::move(config))
{
    auto textModel = addGroup(*this, "text_model");
    auto embeddings = addGroup(*textModel, "embeddings");
    m_tokenEmbedding = embeddings->register_module(
        "token_embedding",
        torch::nn::Embedding(torch::nn::EmbeddingOptions(m_config.vocabSize, m_config.hiddenSize)));
    m_positionEmbedding = embeddings->register_module(
        "position_embedding", torch::nn::Embedding(torch::nn::EmbeddingOptions(
                                  m_config.maxPositionEmbeddings, m_config.hiddenSize)));
    auto encoder = addGroup(*textModel, "encoder");
    m_layers = encoder->register_module("layers", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < m_config.numHiddenLayers; ++i) {
        m_layers->push_back(ClipEncoderLayer(m_config));
    }
    m_finalLayerNorm = textModel->register_module("final_layer_norm", layerNorm(m_config));
}

ClipTextOutput ClipTextModelImpl::forward(const torch::Tensor &inputIds)
{
    TORCH_CHECK(inputIds.dim() == 2, "CLIP text model: input ids must be [batch, tokens], got ",
                inputIds.sizes());
    const std::int64_t tokens = inputIds.size(1);
    TORCH_CHECK(tokens >= 1 && tokens <= m_config.maxPositionEmbeddings,
                "CLIP text model: ", tokens, " tokens, at most ", m_config.maxPositionEmbeddings,
                " are supported");
    const torch::Tensor ids = inputIds.to(torch::kLong);
    const torch::Tensor positions = torch::arange(tokens, ids.options());
    torch::Tensor hidden = m_tokenEmbedding(ids) + m_positionEmbedding(positions).unsqueeze(0);
    // Each token sees itself and the tokens before it.
    const torch::Tensor causalMask =
        torch::full({tokens, tokens}, -std::numeric_limits<float>::infinity(), hidden.options())
            .triu(1);
    ClipTextOutput output;
    output.hiddenStates.reserve(m_layers->size() + 1);
    output.hiddenStates.push_back(hidden);
    for (const auto &layer : *m_layers) {
        hidden = layer->as<ClipEncoderLayer>()->forward(hidden, causalMask);
        output.hiddenStates.push_back(hidden);
    }
    output.lastHiddenState = m_finalLayerNorm(hidden);
    // transformers pools at argmax(ids) for the legacy eos_token_id 2 (EOS has the largest id in
    // CLIP's vocabulary), otherwise at the first EOS; argmax returns the first maximum.
    const torch::Tensor pooledPosition =
        m_config.eosTokenId == 2 ? ids.argmax(-1)
                                 : ids.eq(m_config.eosTokenId).to(torch::kInt).argmax(-1);
    const std::int64_t width = output.lastHiddenState.size(2);
    output.poolerOutput =
        output.lastHiddenState
            .gather(1, pooledPosition.view({-1, 1, 1}).expand({ids.size(0), 1, width}))
            .squeeze(1);
    return output;
}

torch::Tensor ClipTextModelImpl::finalLayerNorm(const torch::Tensor &hidden)
{
    return m_finalLayerNorm(hidden);
}

Expected<bool> loadClipTextWeights(ClipTextModel &model, const TensorMap &tensors,
                                   const std::string &source)
{
    // transformers keeps position_ids as a non-persistent buffer today; older files saved it.
    TensorMap weights = tensors;
    weights.erase("text_model.embeddings.position_ids");
    return loadStateDict(*model, weights, LoadOptions{false, false, source});
}

Expected<ClipTextModel> loadClipTextModelFolder(const std::filesystem::path &folder)
{
    const auto configPath = folder / "config.json";
    const Expected<nlohmann::json> configJson = readLenientJson(configPath);
    if (!configJson) {
        return configJson.error();
    }
    Expected<ClipTextConfig> config = ClipTextConfig::fromConfigJson(configJson.value());
    if (!config) {
        return makeError(config.error().code, configPath.string() + ": " + config.error().message);
    }
    const auto weightsPath = folder / "model.safetensors";
    Expected<TensorMap> weights = loadSafetensorsTensors(weightsPath);
    if (!weights) {
        return weights.error();
    }
    ClipTextModel model(config.value());
    if (auto loaded = loadClipTextWeights(model, weights.value(), weightsPath.string()); !loaded) {
        return loaded.error();
    }
    model->eval();
    return model;
}

torch::Tensor encodePrompt(ClipTextModel &model, const torch::Tensor &inputIds, int clipSkip)
{
    TORCH_CHECK(clipSkip >= 0 && clipSkip <= model->config().numHiddenLayers,
                "CLIP skip must be in [0, ", model->config().numHiddenLayers, "], got ", clipSkip);
    ClipTextOutput output = model->forward(inputIds);
    if (clipSkip == 0) {
        return output.lastHiddenState;
    }
    const std::size_t index = output.hiddenStates.size() - 1 - std::size_t(clipSkip);
    return model->finalLayerNorm(output.hiddenStates[index]);
}

} // namespace dpsapf::core
