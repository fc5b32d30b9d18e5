// SPDX-License-Identifier: GPL-3.0-or-later
// Every tensor rename between the original (CompVis / A1111 / OpenCLIP) single-file Stable
// Diffusion checkpoints and the diffusers / transformers names this project's modules use
// (sd-format.md §8), in one place. Pure string functions: no torch. A name that does not belong
// to the mapped component gives std::nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dpsapf::core {

// Prefixes of the components inside an original single-file checkpoint.
inline constexpr const char *kCompvisUNetPrefix = "model.diffusion_model.";
inline constexpr const char *kCompvisVaePrefix = "first_stage_model.";
inline constexpr const char *kCompvisClipPrefix = "cond_stage_model.transformer."; // SD1
inline constexpr const char *kOpenClipPrefix = "cond_stage_model.model.";          // SD2

// UNet, names after kCompvisUNetPrefix <-> diffusers UNet2DConditionModel names.
// `input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight` <->
// `down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight`.
[[nodiscard]] std::optional<std::string> unetKeyFromCompvis(const std::string &compvis);
[[nodiscard]] std::optional<std::string> unetKeyToCompvis(const std::string &diffusers);

// AutoencoderKL, names after kCompvisVaePrefix <-> diffusers names. The decoder's levels are
// numbered in opposite directions, so the number of levels (block_out_channels) is needed.
[[nodiscard]] std::optional<std::string> vaeKeyFromCompvis(const std::string &compvis,
                                                           std::int64_t levels);
[[nodiscard]] std::optional<std::string> vaeKeyToCompvis(const std::string &diffusers,
                                                         std::int64_t levels);

// The VAE's mid-block attention in diffusers releases before 0.14 (and some Hub files):
// query/key/value/proj_attn -> to_q/to_k/to_v/to_out.0. Other names are returned unchanged.
[[nodiscard]] std::string vaeKeyFromLegacyAttention(const std::string &diffusers);

// SD1 CLIP text encoder: names after kCompvisClipPrefix (with or without "text_model.") ->
// transformers CLIPTextModel names ("text_model.…").
[[nodiscard]] std::optional<std::string> clipKeyFromCompvis(const std::string &compvis);

// SD2 OpenCLIP text tower: a name after kOpenClipPrefix -> the transformers CLIPTextModel
// tensors it fills. Usually one plain copy; `attn.in_proj_weight` / `in_proj_bias` hold q, k and v
// stacked along dim 0 and give three targets whose `chunk` (0 q, 1 k, 2 v) says which third.
// Layers at or beyond `keptLayers` (SD2 uses 23 of 24), `text_projection` and `logit_scale` give
// no target. std::nullopt for a name that is not part of the text tower.
struct OpenClipTarget {
    std::string name;
    int chunk = -1; // -1: the whole tensor
};
[[nodiscard]] std::optional<std::vector<OpenClipTarget>>
openClipKeyToTransformers(const std::string &openClip, std::int64_t keptLayers);

} // namespace dpsapf::core
