// SPDX-License-Identifier: GPL-3.0-or-later
// UNet configuration: validation, diffusers config.json, detection from weight shapes.
#include "model/unet/unet_config.h"

#include <nlohmann/json.hpp>

namespace dpsapf::core {
namespace {

Error configError(const std::string &key, const std::string &reason)
{
    return makeError(ErrorCode::InvalidArgument, "UNet config: '" + key + "' " + reason);
}

} // namespace

Expected<bool> UNetConfig::validate() const
{
    if (inChannels < 1 || outChannels < 1) {
        return configError("in_channels/out_channels", "must be >= 1");
    }
    if (blockOutChannels.empty()) {
        return configError("block_out_channels", "must not be empty");
    }
    if (downBlockHasAttention.size() != blockOutChannels.size() ||
        upBlockHasAttention.size() != blockOutChannels.size()) {
        return configError("down_block_types/up_block_types",
                           "must have one entry per block_out_channels entry");
    }
    if (attentionHeads.size() != blockOutChannels.size()) {
        return configError("attention_head_dim", "must be one number or one per level");
    }
    if (layersPerBlock < 1) {
        return configError("layers_per_block", "must be >= 1");
    }
    if (normNumGroups < 1 || !(normEps > 0.0)) {
        return configError("norm_num_groups/norm_eps", "must be positive");
    }
    for (std::size_t i = 0; i < blockOutChannels.size(); ++i) {
        const std::int64_t channels = blockOutChannels[i];
        if (channels < 1 || channels % normNumGroups != 0) {
            return configError("block_out_channels",
                               "entry " + std::to_string(channels) +
                                   " must be a positive multiple of norm_num_groups " +
                                   std::to_string(normNumGroups));
        }
        if (attentionHeads[i] < 1 || channels % attentionHeads[i] != 0) {
            return configError("attention_head_dim", "heads " + std::to_string(attentionHeads[i]) +
                                                         " must divide the channel width " +
                                                         std::to_string(channels));
        }
    }
    if (crossAttentionDim < 1) {
        return configError("cross_attention_dim", "must be >= 1");
    }
    if (timeEmbeddingDim() % 2 != 0 || blockOutChannels.front() % 2 != 0) {
        return configError("block_out_channels",
                           "first entry must be even (sinusoidal time embedding)");
    }
    return true;
}

Expected<UNetConfig> UNetConfig::fromConfigJson(const nlohmann::json &json)
{
    UNetConfig config;
    try {
        config.inChannels = json.value("in_channels", config.inChannels);
        config.outChannels = json.value("out_channels", config.outChannels);
        config.blockOutChannels = json.value("block_out_channels", config.blockOutChannels);
        config.layersPerBlock = json.value("layers_per_block", config.layersPerBlock);
        config.crossAttentionDim = json.value("cross_attention_dim", config.crossAttentionDim);
        config.normNumGroups = json.value("norm_num_groups", config.normNumGroups);
        config.normEps = json.value("norm_eps", config.normEps);
        config.useLinearProjection =
            json.contains("use_linear_projection") && json["use_linear_projection"].is_boolean()
                ? json["use_linear_projection"].get<bool>()
                : false;
        config.flipSinToCos = json.value("flip_sin_to_cos", config.flipSinToCos);
        config.freqShift = json.value("freq_shift", config.freqShift);
        config.downsamplePadding = json.value("downsample_padding", config.downsamplePadding);
        config.sampleSize = json.value("sample_size", config.sampleSize);
        config.upcastAttention = json.contains("upcast_attention") &&
                                 json["upcast_attention"].is_boolean() &&
                                 json["upcast_attention"].get<bool>();
        const std::size_t levels = config.blockOutChannels.size();
        if (json.contains("down_block_types")) {
            config.downBlockHasAttention.clear();
            for (const auto &type : json.at("down_block_types")) {
                const std::string name = type.get<std::string>();
                if (name != "CrossAttnDownBlock2D" && name != "DownBlock2D") {
                    return configError("down_block_types", "has unsupported block '" + name + "'");
                }
                config.downBlockHasAttention.push_back(name == "CrossAttnDownBlock2D");
            }
        }
        if (json.contains("up_block_types")) {
            config.upBlockHasAttention.clear();
            for (const auto &type : json.at("up_block_types")) {
                const std::string name = type.get<std::string>();
                if (name != "CrossAttnUpBlock2D" && name != "UpBlock2D") {
                    return configError("up_block_types", "has unsupported block '" + name + "'");
                }
                config.upBlockHasAttention.push_back(name == "CrossAttnUpBlock2D");
            }
        }
        const std::string midType =
            json.value("mid_block_type", std::string("UNetMidBlock2DCrossAttn"));
        if (midType != "UNetMidBlock2DCrossAttn") {
            return configError("mid_block_type", "'" + midType + "' is not supported");
        }
        // num_attention_heads wins when present; otherwise attention_head_dim holds the head count.
        nlohmann::json heads =
            json.contains("num_attention_heads") && !json["num_attention_heads"].is_null()
                ? json["num_attention_heads"]
                : json.value("attention_head_dim", nlohmann::json(8));
        if (heads.is_number_integer()) {
            config.attentionHeads.assign(levels, heads.get<std::int64_t>());
        } else {
            config.attentionHeads = heads.get<std::vector<std::int64_t>>();
        }
        if (json.value("transformer_layers_per_block", nlohmann::json(1)) != nlohmann::json(1)) {
            return configError("transformer_layers_per_block",
                               "must be 1 (Stable Diffusion 1.x/2.x)");
        }
        for (const char *unsupported :
             {"class_embed_type", "addition_embed_type", "time_cond_proj_dim", "encoder_hid_dim"}) {
            if (json.contains(unsupported) && !json[unsupported].is_null()) {
                return configError(unsupported,
                                   "is not supported (Stable Diffusion 1.x/2.x UNets only)");
            }
        }
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, std::string("UNet config: ") + error.what());
    }
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    return config;
}

Expected<UNetConfig>
UNetConfig::detectFromWeights(const std::map<std::string, std::vector<std::int64_t>> &shapes,
                              const UNetConfig &defaults)
{
    const auto shapeOf = [&](const std::string &key) -> const std::vector<std::int64_t> * {
        const auto found = shapes.find(key);
        return found == shapes.end() ? nullptr : &found->second;
    };
    const auto *convIn = shapeOf("conv_in.weight");
    const auto *convOut = shapeOf("conv_out.weight");
    if (convIn == nullptr || convOut == nullptr || convIn->size() != 4 || convOut->size() != 4) {
        return makeError(ErrorCode::Format,
                         "UNet weights: conv_in.weight / conv_out.weight missing or not 4-D");
    }
    UNetConfig config = defaults;
    config.inChannels = (*convIn)[1];
    config.outChannels = (*convOut)[0];
    config.blockOutChannels.clear();
    config.downBlockHasAttention.clear();
    config.upBlockHasAttention.clear();
    for (int level = 0;; ++level) {
        const auto *conv =
            shapeOf("down_blocks." + std::to_string(level) + ".resnets.0.conv1.weight");
        if (conv == nullptr) {
            break;
        }
        config.blockOutChannels.push_back((*conv)[0]);
        config.downBlockHasAttention.push_back(shapeOf("down_blocks." + std::to_string(level) +
                                                       ".attentions.0.norm.weight") != nullptr);
        config.upBlockHasAttention.push_back(
            shapeOf("up_blocks." + std::to_string(level) + ".attentions.0.norm.weight") != nullptr);
    }
    if (config.blockOutChannels.empty()) {
        return makeError(ErrorCode::Format,
                         "UNet weights: no down_blocks.N.resnets.0.conv1.weight");
    }
    config.layersPerBlock = 0;
    while (shapeOf("down_blocks.0.resnets." + std::to_string(config.layersPerBlock) +
                   ".conv1.weight") != nullptr) {
        ++config.layersPerBlock;
    }
    const auto *projIn = shapeOf("mid_block.attentions.0.proj_in.weight");
    config.useLinearProjection = projIn != nullptr && projIn->size() == 2;
    const auto *toK = shapeOf("mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight");
    if (toK == nullptr || toK->size() != 2) {
        return makeError(ErrorCode::Format, "UNet weights: mid_block attn2.to_k.weight missing");
    }
    config.crossAttentionDim = (*toK)[1];
    if (config.attentionHeads.size() != config.blockOutChannels.size()) {
        const std::int64_t heads =
            config.attentionHeads.empty() ? 8 : config.attentionHeads.front();
        config.attentionHeads.assign(config.blockOutChannels.size(), heads);
    }
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    return config;
}

nlohmann::json UNetConfig::toConfigJson() const
{
    nlohmann::json down = nlohmann::json::array();
    nlohmann::json up = nlohmann::json::array();
    for (const bool attention : downBlockHasAttention) {
        down.push_back(attention ? "CrossAttnDownBlock2D" : "DownBlock2D");
    }
    for (const bool attention : upBlockHasAttention) {
        up.push_back(attention ? "CrossAttnUpBlock2D" : "UpBlock2D");
    }
    return {{"_class_name", "UNet2DConditionModel"},
            {"act_fn", "silu"},
            {"attention_head_dim", attentionHeads},
            {"block_out_channels", blockOutChannels},
            {"cross_attention_dim", crossAttentionDim},
            {"down_block_types", down},
            {"downsample_padding", downsamplePadding},
            {"flip_sin_to_cos", flipSinToCos},
            {"freq_shift", freqShift},
            {"in_channels", inChannels},
            {"layers_per_block", layersPerBlock},
            {"mid_block_scale_factor", 1},
            {"mid_block_type", "UNetMidBlock2DCrossAttn"},
            {"norm_eps", normEps},
            {"norm_num_groups", normNumGroups},
            {"out_channels", outChannels},
            {"sample_size", sampleSize},
            {"up_block_types", up},
            {"upcast_attention", upcastAttention},
            {"use_linear_projection", useLinearProjection}};
}

} // namespace dpsapf::core
