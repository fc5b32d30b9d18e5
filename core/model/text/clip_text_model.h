// SPDX-License-Identifier: GPL-3.0-or-later
// CLIP text encoder (Radford et al. 2021) with transformers' CLIPTextModel semantics
// (sd-format.md §6.1): pre-LN causal transformer; parameter paths equal the checkpoint keys
// ("text_model.encoder.layers.0.self_attn.q_proj.weight", ...), so files load without renaming.
#pragma once

#include "dpsapf/core/expected.h"
#include "io/torch_tensors.h"

#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

enum class ClipActivation {
    QuickGelu, // x * sigmoid(1.702 x): OpenAI CLIP, SD 1.x
    Gelu,      // exact (erf) GELU: OpenCLIP, SD 2.x
};

// transformers' CLIPTextConfig (the fields the forward pass needs; projection_dim is ignored).
struct ClipTextConfig {
    std::int64_t vocabSize = 49408;
    std::int64_t hiddenSize = 768;
    std::int64_t intermediateSize = 3072;
    std::int64_t numHiddenLayers = 12;
    std::int64_t numAttentionHeads = 12;
    std::int64_t maxPositionEmbeddings = 77;
    ClipActivation hiddenAct = ClipActivation::QuickGelu;
    double layerNormEps = 1e-5;
    // Selects the pooled position: 2 (the legacy value of every SD checkpoint) pools at the largest
    // input id, as transformers does for it; any other value pools at the first such id.
    std::int64_t eosTokenId = 2;

    // Checks every field; the message names the config.json key.
    [[nodiscard]] Expected<bool> validate() const;
    // From a transformers text_encoder/config.json (or a full CLIPConfig with "text_config");
    // absent keys get the SD 1.5 values above. The result is validated.
    [[nodiscard]] static Expected<ClipTextConfig> fromConfigJson(const nlohmann::json &json);
};

struct ClipTextOutput {
    torch::Tensor lastHiddenState;           // [B, T, D], after final_layer_norm
    std::vector<torch::Tensor> hiddenStates; // numHiddenLayers + 1 of [B, T, D]: embeddings,
                                             // then after each layer (no final_layer_norm)
    torch::Tensor poolerOutput;              // [B, D]: lastHiddenState at the pooled position
};

// One pre-LN encoder layer: h += out_proj(causal attention(layer_norm1(h))),
// h += fc2(act(fc1(layer_norm2(h)))).
class ClipEncoderLayerImpl : public torch::nn::Module
{
public:
    explicit ClipEncoderLayerImpl(const ClipTextConfig &config);
    // causalMask [T, T]: 0 on and below the diagonal, -inf above it.
    torch::Tensor forward(const torch::Tensor &hidden, const torch::Tensor &causalMask);

private:
    torch::Tensor attention(const torch::Tensor &hidden, const torch::Tensor &causalMask);

    std::int64_t m_heads;
    ClipActivation m_activation;
    // Registered under "self_attn" (q_proj, k_proj, v_proj, out_proj) and "mlp" (fc1, fc2).
    torch::nn::Linear m_queryProjection{nullptr}, m_keyProjection{nullptr},
        m_valueProjection{nullptr}, m_outProjection{nullptr};
    torch::nn::LayerNorm m_layerNorm1{nullptr}, m_layerNorm2{nullptr};
    torch::nn::Linear m_fc1{nullptr}, m_fc2{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

class ClipTextModelImpl : public torch::nn::Module
{
public:
    explicit ClipTextModelImpl(ClipTextConfig config); // config must be valid

    // inputIds [B, T] (int64, T <= maxPositionEmbeddings). Only the causal mask is applied, as
    // in Stable Diffusion: padding tokens are attended to.
    ClipTextOutput forward(const torch::Tensor &inputIds);

    [[nodiscard]] const ClipTextConfig &config() const { return m_config; }
    // final_layer_norm applied to any hidden state (CLIP skip).
    torch::Tensor finalLayerNorm(const torch::Tensor &hidden);

private:
    ClipTextConfig m_config;
    torch::nn::Embedding m_tokenEmbedding{nullptr}, m_positionEmbedding{nullptr};
    torch::nn::ModuleList m_layers{nullptr};
    torch::nn::LayerNorm m_finalLayerNorm{nullptr};
};
TORCH_MODULE(ClipTextModel);

// Fills the model from checkpoint tensors. `text_model.embeddings.position_ids` (a constant
// 0..76 that older files carry) is accepted and ignored; F16/BF16 weights are converted to the
// model's dtype. Missing, unexpected or mis-shaped tensors are errors naming `source`.
[[nodiscard]] Expected<bool> loadClipTextWeights(ClipTextModel &model, const TensorMap &tensors,
                                                 const std::string &source);

// A transformers text_encoder folder: config.json + model.safetensors. The model is in eval mode.
[[nodiscard]] Expected<ClipTextModel> loadClipTextModelFolder(const std::filesystem::path &folder);

// Stable Diffusion's prompt embedding for token ids [B, T] -> [B, T, D] (diffusers'
// encode_prompt): clipSkip 0 is last_hidden_state; clipSkip k >= 1 is
// final_layer_norm(hidden_states[-(k + 1)]) (diffusers' clip_skip=k; "CLIP skip k+1" elsewhere).
// clipSkip must be in [0, numHiddenLayers].
torch::Tensor encodePrompt(ClipTextModel &model, const torch::Tensor &inputIds, int clipSkip = 0);

} // namespace dpsapf::core
