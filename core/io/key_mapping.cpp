// SPDX-License-Identifier: GPL-3.0-or-later
// CompVis / OpenCLIP <-> diffusers / transformers tensor names (sd-format.md §8).
#include "io/key_mapping.h"

#include "util/string_affixes.h"
#include <array>
#include <cctype>
#include <utility>
#include <vector>

namespace dpsapf::core {

namespace {

// Reads a non-negative integer at `text[position]` up to the next '.'; advances past the dot.
std::optional<std::int64_t> readIndex(const std::string &text, std::size_t &position)
{
    const std::size_t dot = text.find('.', position);
    if (dot == std::string::npos || dot == position) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (std::size_t i = position; i < dot; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    position = dot + 1;
    return value;
}

// Applies the first matching prefix rename of `table` (from -> to) to `rest`.
template <std::size_t N>
std::optional<std::string>
renamePrefix(const std::string &rest,
             const std::array<std::pair<const char *, const char *>, N> &table)
{
    for (const auto &[from, to] : table) {
        if (startsWith(rest, from)) {
            return std::string(to) + rest.substr(std::string(from).size());
        }
    }
    return std::nullopt;
}

// Inside a UNet resnet: original layer names <-> diffusers names (first: original).
const std::array<std::pair<const char *, const char *>, 6> kUNetResnetNames{{
    {"in_layers.0.", "norm1."},
    {"in_layers.2.", "conv1."},
    {"emb_layers.1.", "time_emb_proj."},
    {"out_layers.0.", "norm2."},
    {"out_layers.3.", "conv2."},
    {"skip_connection.", "conv_shortcut."},
}};

template <std::size_t N>
std::array<std::pair<const char *, const char *>, N>
reversed(const std::array<std::pair<const char *, const char *>, N> &table)
{
    std::array<std::pair<const char *, const char *>, N> result{};
    for (std::size_t i = 0; i < N; ++i) {
        result[i] = {table[i].second, table[i].first};
    }
    return result;
}

std::optional<std::string> unetResnetFromCompvis(const std::string &prefix, const std::string &rest)
{
    const auto renamed = renamePrefix(rest, kUNetResnetNames);
    return renamed ? std::optional<std::string>(prefix + *renamed) : std::nullopt;
}

std::optional<std::string> unetResnetToCompvis(const std::string &prefix, const std::string &rest)
{
    const auto renamed = renamePrefix(rest, reversed(kUNetResnetNames));
    return renamed ? std::optional<std::string>(prefix + *renamed) : std::nullopt;
}

} // namespace

std::optional<std::string> unetKeyFromCompvis(const std::string &key)
{
    static const std::array<std::pair<const char *, const char *>, 5> kTopLevel{{
        {"input_blocks.0.0.", "conv_in."},
        {"time_embed.0.", "time_embedding.linear_1."},
        {"time_embed.2.", "time_embedding.linear_2."},
        {"out.0.", "conv_norm_out."},
        {"out.2.", "conv_out."},
    }};
    if (auto renamed = renamePrefix(key, kTopLevel)) {
        return renamed;
    }
    std::size_t position = 0;
    if (startsWith(key, "input_blocks.")) {
        position = std::string("input_blocks.").size();
        const auto block = readIndex(key, position);
        const auto layer = block ? readIndex(key, position) : std::nullopt;
        if (!layer || *block < 1) {
            return std::nullopt;
        }
        const std::int64_t level = (*block - 1) / 3, slot = (*block - 1) % 3;
        const std::string rest = key.substr(position);
        const std::string down = "down_blocks." + std::to_string(level) + ".";
        if (slot == 2) { // the level's downsampler: input_blocks.(3i+3).0.op
            return *layer == 0 && startsWith(rest, "op.")
                       ? std::optional<std::string>(down + "downsamplers.0.conv." + rest.substr(3))
                       : std::nullopt;
        }
        if (*layer == 0) {
            return unetResnetFromCompvis(down + "resnets." + std::to_string(slot) + ".", rest);
        }
        return *layer == 1 ? std::optional<std::string>(down + "attentions." +
                                                        std::to_string(slot) + "." + rest)
                           : std::nullopt;
    }
    if (startsWith(key, "middle_block.")) {
        position = std::string("middle_block.").size();
        const auto layer = readIndex(key, position);
        const std::string rest = key.substr(position);
        if (!layer) {
            return std::nullopt;
        }
        switch (*layer) {
        case 0: return unetResnetFromCompvis("mid_block.resnets.0.", rest);
        case 1: return "mid_block.attentions.0." + rest;
        case 2: return unetResnetFromCompvis("mid_block.resnets.1.", rest);
        default: return std::nullopt;
        }
    }
    if (startsWith(key, "output_blocks.")) {
        position = std::string("output_blocks.").size();
        const auto block = readIndex(key, position);
        const auto layer = block ? readIndex(key, position) : std::nullopt;
        if (!layer) {
            return std::nullopt;
        }
        const std::string rest = key.substr(position);
        const std::string up = "up_blocks." + std::to_string(*block / 3) + ".";
        const std::string slot = std::to_string(*block % 3);
        if (*layer == 0) {
            return unetResnetFromCompvis(up + "resnets." + slot + ".", rest);
        }
        // An upsampler is the module's "conv" child; attentions have no such child.
        if (startsWith(rest, "conv.")) {
            return (*layer == 1 || *layer == 2) && *block % 3 == 2
                       ? std::optional<std::string>(up + "upsamplers.0." + rest)
                       : std::nullopt;
        }
        return *layer == 1 ? std::optional<std::string>(up + "attentions." + slot + "." + rest)
                           : std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> unetKeyToCompvis(const std::string &key)
{
    static const std::array<std::pair<const char *, const char *>, 5> kTopLevel{{
        {"conv_in.", "input_blocks.0.0."},
        {"time_embedding.linear_1.", "time_embed.0."},
        {"time_embedding.linear_2.", "time_embed.2."},
        {"conv_norm_out.", "out.0."},
        {"conv_out.", "out.2."},
    }};
    if (auto renamed = renamePrefix(key, kTopLevel)) {
        return renamed;
    }
    std::size_t position = 0;
    const auto blockAndKind =
        [&](const std::string &prefix) -> std::optional<std::pair<std::int64_t, std::string>> {
        position = prefix.size();
        const auto block = readIndex(key, position);
        const std::size_t dot = key.find('.', position);
        if (!block || dot == std::string::npos) {
            return std::nullopt;
        }
        std::string kind = key.substr(position, dot - position);
        position = dot + 1;
        return std::make_pair(*block, kind);
    };
    if (startsWith(key, "down_blocks.")) {
        const auto parsed = blockAndKind("down_blocks.");
        const auto slot = parsed ? readIndex(key, position) : std::nullopt;
        if (!slot) {
            return std::nullopt;
        }
        const auto &[level, kind] = *parsed;
        const std::string rest = key.substr(position);
        const std::string base = "input_blocks.";
        if (kind == "resnets") {
            return unetResnetToCompvis(base + std::to_string(3 * level + *slot + 1) + ".0.", rest);
        }
        if (kind == "attentions") {
            return base + std::to_string(3 * level + *slot + 1) + ".1." + rest;
        }
        if (kind == "downsamplers" && *slot == 0 && startsWith(rest, "conv.")) {
            return base + std::to_string(3 * level + 3) + ".0.op." + rest.substr(5);
        }
        return std::nullopt;
    }
    if (startsWith(key, "mid_block.")) {
        static const std::array<std::pair<const char *, const char *>, 3> kMid{{
            {"mid_block.resnets.0.", "middle_block.0."},
            {"mid_block.attentions.0.", "middle_block.1."},
            {"mid_block.resnets.1.", "middle_block.2."},
        }};
        for (const auto &[from, to] : kMid) {
            if (startsWith(key, from)) {
                const std::string rest = key.substr(std::string(from).size());
                return std::string(from).find("resnets") != std::string::npos
                           ? unetResnetToCompvis(to, rest)
                           : std::optional<std::string>(to + rest);
            }
        }
        return std::nullopt;
    }
    if (startsWith(key, "up_blocks.")) {
        const auto parsed = blockAndKind("up_blocks.");
        const auto slot = parsed ? readIndex(key, position) : std::nullopt;
        if (!slot) {
            return std::nullopt;
        }
        const auto &[level, kind] = *parsed;
        const std::string rest = key.substr(position);
        const std::string base = "output_blocks.";
        if (kind == "resnets") {
            return unetResnetToCompvis(base + std::to_string(3 * level + *slot) + ".0.", rest);
        }
        if (kind == "attentions") {
            return base + std::to_string(3 * level + *slot) + ".1." + rest;
        }
        if (kind == "upsamplers" && *slot == 0 && startsWith(rest, "conv.")) {
            // Level 0 has no attentions, so its upsampler is layer 1 of the block; others layer 2.
            return base + std::to_string(3 * level + 2) + (level == 0 ? ".1." : ".2.") + rest;
        }
        return std::nullopt;
    }
    return std::nullopt;
}

namespace {

// Whole-prefix renames inside either coder (first: original, second: diffusers).
const std::array<std::pair<const char *, const char *>, 9> kVaeNames{{
    {"mid.block_1.", "mid_block.resnets.0."},
    {"mid.block_2.", "mid_block.resnets.1."},
    {"mid.attn_1.norm.", "mid_block.attentions.0.group_norm."},
    {"mid.attn_1.q.", "mid_block.attentions.0.to_q."},
    {"mid.attn_1.k.", "mid_block.attentions.0.to_k."},
    {"mid.attn_1.v.", "mid_block.attentions.0.to_v."},
    {"mid.attn_1.proj_out.", "mid_block.attentions.0.to_out.0."},
    {"norm_out.", "conv_norm_out."},
    {"nin_shortcut.", "conv_shortcut."},
}};

std::string replaceAll(std::string text, const std::string &from, const std::string &to)
{
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

// How one layout names a coder level, its resnets and its sampler.
struct VaeLevelNames {
    std::string group, resnets, sampler;
};

VaeLevelNames vaeLevelNames(bool encoder, bool diffusers)
{
    if (diffusers) {
        return encoder ? VaeLevelNames{"down_blocks.", "resnets.", "downsamplers.0."}
                       : VaeLevelNames{"up_blocks.", "resnets.", "upsamplers.0."};
    }
    return encoder ? VaeLevelNames{"down.", "block.", "downsample."}
                   : VaeLevelNames{"up.", "block.", "upsample."};
}

// The level part of a name inside one coder; names outside the levels come back unchanged. The
// decoder's levels are numbered in opposite directions in the two layouts.
std::optional<std::string> renameVaeLevel(const std::string &rest, bool encoder,
                                          std::int64_t levels, bool toDiffusers)
{
    const VaeLevelNames from = vaeLevelNames(encoder, !toDiffusers);
    const VaeLevelNames to = vaeLevelNames(encoder, toDiffusers);
    if (!startsWith(rest, from.group)) {
        return rest;
    }
    std::size_t position = from.group.size();
    const auto level = readIndex(rest, position);
    if (!level || *level >= levels) {
        return std::nullopt;
    }
    const std::int64_t mapped = encoder ? *level : levels - 1 - *level;
    const std::string target = to.group + std::to_string(mapped) + ".";
    const std::string inner = rest.substr(position);
    if (startsWith(inner, from.resnets)) {
        return target + to.resnets + inner.substr(from.resnets.size());
    }
    if (startsWith(inner, from.sampler)) {
        return target + to.sampler + inner.substr(from.sampler.size());
    }
    return std::nullopt;
}

std::optional<std::string> renameVaeKey(const std::string &key, std::int64_t levels,
                                        bool toDiffusers)
{
    if (startsWith(key, "quant_conv.") || startsWith(key, "post_quant_conv.")) {
        return key;
    }
    for (const std::string side : {"encoder.", "decoder."}) {
        if (!startsWith(key, side)) {
            continue;
        }
        const std::string rest = key.substr(side.size());
        if (auto renamed = renamePrefix(rest, toDiffusers ? kVaeNames : reversed(kVaeNames))) {
            return side + *renamed;
        }
        const auto level = renameVaeLevel(rest, side == "encoder.", levels, toDiffusers);
        if (!level) {
            return std::nullopt;
        }
        return side + (toDiffusers ? replaceAll(*level, ".nin_shortcut.", ".conv_shortcut.")
                                   : replaceAll(*level, ".conv_shortcut.", ".nin_shortcut."));
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> vaeKeyFromCompvis(const std::string &key, std::int64_t levels)
{
    return renameVaeKey(key, levels, true);
}

std::optional<std::string> vaeKeyToCompvis(const std::string &key, std::int64_t levels)
{
    return renameVaeKey(key, levels, false);
}

std::string vaeKeyFromLegacyAttention(const std::string &key)
{
    static const std::array<std::pair<const char *, const char *>, 4> kLegacy{{
        {".attentions.0.query.", ".attentions.0.to_q."},
        {".attentions.0.key.", ".attentions.0.to_k."},
        {".attentions.0.value.", ".attentions.0.to_v."},
        {".attentions.0.proj_attn.", ".attentions.0.to_out.0."},
    }};
    for (const auto &[from, to] : kLegacy) {
        if (key.find(from) != std::string::npos) {
            return replaceAll(key, from, to);
        }
    }
    return key;
}

std::optional<std::string> clipKeyFromCompvis(const std::string &key)
{
    if (startsWith(key, "text_model.")) {
        return key;
    }
    if (startsWith(key, "embeddings.") || startsWith(key, "encoder.") ||
        startsWith(key, "final_layer_norm.")) {
        return "text_model." + key;
    }
    return std::nullopt;
}

std::optional<std::vector<OpenClipTarget>> openClipKeyToTransformers(const std::string &key,
                                                                     std::int64_t keptLayers)
{
    using Targets = std::vector<OpenClipTarget>;
    if (key == "token_embedding.weight") {
        return Targets{{"text_model.embeddings.token_embedding.weight"}};
    }
    if (key == "positional_embedding") {
        return Targets{{"text_model.embeddings.position_embedding.weight"}};
    }
    if (startsWith(key, "ln_final.")) {
        return Targets{{"text_model.final_layer_norm." + key.substr(9)}};
    }
    if (key == "text_projection" || key == "logit_scale") {
        return Targets{};
    }
    const std::string blocks = "transformer.resblocks.";
    if (!startsWith(key, blocks)) {
        return std::nullopt;
    }
    std::size_t position = blocks.size();
    const auto layer = readIndex(key, position);
    if (!layer) {
        return std::nullopt;
    }
    if (*layer >= keptLayers) {
        return Targets{};
    }
    const std::string target = "text_model.encoder.layers." + std::to_string(*layer) + ".";
    const std::string rest = key.substr(position);
    if (rest == "attn.in_proj_weight" || rest == "attn.in_proj_bias") {
        const std::string suffix = rest == "attn.in_proj_weight" ? "weight" : "bias";
        return Targets{{target + "self_attn.q_proj." + suffix, 0},
                       {target + "self_attn.k_proj." + suffix, 1},
                       {target + "self_attn.v_proj." + suffix, 2}};
    }
    static const std::array<std::pair<const char *, const char *>, 5> kLayerNames{{
        {"ln_1.", "layer_norm1."},
        {"ln_2.", "layer_norm2."},
        {"attn.out_proj.", "self_attn.out_proj."},
        {"mlp.c_fc.", "mlp.fc1."},
        {"mlp.c_proj.", "mlp.fc2."},
    }};
    if (auto renamed = renamePrefix(rest, kLayerNames)) {
        return Targets{{target + *renamed}};
    }
    return std::nullopt;
}

} // namespace dpsapf::core
