// SPDX-License-Identifier: GPL-3.0-or-later
// Stable-Diffusion-family UNet (diffusers UNet2DConditionModel semantics; Rombach et al. 2022,
// sd-format.md §2). Parameter paths equal the diffusers keys, so checkpoints load without renaming.
#pragma once

#include "dpsapf/core/expected.h"
#include "model/unet/unet_blocks.h"
#include "model/unet/unet_config.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace dpsapf::core {

class UNetImpl : public torch::nn::Module
{
public:
    explicit UNetImpl(UNetConfig config); // config must be valid

    // sample [B, C, H, W]; timesteps [B] or 0-d (broadcast); context [B, T, crossAttentionDim].
    // Computes in the dtype of the weights; the result has the sample's dtype.
    torch::Tensor forward(const torch::Tensor &sample, const torch::Tensor &timesteps,
                          const torch::Tensor &context);

    [[nodiscard]] const UNetConfig &config() const { return m_config; }

    // Gradient checkpointing of every resnet and spatial transformer (Chen et al. 2016): the
    // training backward recomputes their activations instead of keeping them (about one more
    // forward pass of compute for a fraction of the activation memory). Results are unchanged.
    void setGradientCheckpointing(bool enabled);
    [[nodiscard]] bool gradientCheckpointing() const { return m_checkpointing; }

    // Casts every weight except the LoRA factors (which stay float32 so that the optimizer sees
    // full-precision values) to `type`, e.g. bf16 to halve the frozen weights and activations on a
    // GPU. The forward then computes in `type` and returns the sample's dtype.
    void setFrozenWeightType(torch::ScalarType type);

    // The transformer blocks in UNet order (down, mid, up) with their module paths, e.g.
    // "down_blocks.0.attentions.0.transformer_blocks.0".
    [[nodiscard]] std::vector<std::pair<std::string, BasicTransformerBlock>>
    transformerBlocks() const;
    // The DP-SAPF candidate matrices: attn1/attn2 x to_q, to_k, to_v, to_out.0 of every transformer
    // block (128 for the SD1.5 topology), with their module paths.
    [[nodiscard]] std::vector<std::pair<std::string, Projection>> attentionProjections() const;
    // Every linear layer (attention, feed-forward, linear proj_in/out, time embedding, the
    // resnets' time_emb_proj) with its module path, in registration order: the candidates of the
    // all-parameters variant (method.md §7).
    [[nodiscard]] std::vector<std::pair<std::string, Projection>> linearProjections() const;

private:
    UNetConfig m_config;
    bool m_checkpointing = false;
    torch::nn::Conv2d m_convIn{nullptr}, m_convOut{nullptr};
    torch::nn::GroupNorm m_convNormOut{nullptr};
    TimestepEmbedding m_timeEmbedding{nullptr};
    std::vector<DownBlock> m_downBlocks;
    MidBlock m_midBlock{nullptr};
    std::vector<UpBlock> m_upBlocks;
};
TORCH_MODULE(UNet);

// A diffusers UNet folder: config.json + diffusion_pytorch_model.safetensors (fp32/fp16/bf16).
[[nodiscard]] Expected<UNet> loadUNetFolder(const std::filesystem::path &folder);

} // namespace dpsapf::core
