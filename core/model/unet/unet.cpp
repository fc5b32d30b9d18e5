// SPDX-License-Identifier: GPL-3.0-or-later
// The SD UNet: construction from a config, forward pass, candidate matrices, folder loading.
#include "model/unet/unet.h"

#include "io/lenient_json.h"
#include "model/common/state_dict.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace dpsapf::core {

namespace F = torch::nn::functional;

UNetImpl::UNetImpl(UNetConfig config)
    : m_config(std::move(config))
{
    const auto &channels = m_config.blockOutChannels;
    const std::int64_t levels = m_config.levels();
    m_convIn = register_module(
        "conv_in", torch::nn::Conv2d(
                       torch::nn::Conv2dOptions(m_config.inChannels, channels[0], 3).padding(1)));
    m_timeEmbedding = register_module("time_embedding",
                                      TimestepEmbedding(channels[0], m_config.timeEmbeddingDim()));

    BlockShape shape;
    shape.timeDim = m_config.timeEmbeddingDim();
    shape.groups = m_config.normNumGroups;
    shape.eps = m_config.normEps;
    shape.contextDim = m_config.crossAttentionDim;
    shape.linearProjection = m_config.useLinearProjection;

    auto downList = register_module("down_blocks", torch::nn::ModuleList());
    std::vector<std::int64_t> skipChannels{channels[0]};
    std::int64_t current = channels[0];
    for (std::int64_t i = 0; i < levels; ++i) {
        const bool last = i == levels - 1;
        shape.heads = m_config.attentionHeads[static_cast<std::size_t>(i)];
        const std::int64_t out = channels[static_cast<std::size_t>(i)];
        m_downBlocks.emplace_back(current, out, m_config.layersPerBlock,
                                  m_config.downBlockHasAttention[static_cast<std::size_t>(i)],
                                  !last, m_config.downsamplePadding, shape);
        downList->push_back(m_downBlocks.back());
        for (std::int64_t j = 0; j < m_config.layersPerBlock + (last ? 0 : 1); ++j) {
            skipChannels.push_back(out);
        }
        current = out;
    }

    shape.heads = m_config.attentionHeads.back();
    m_midBlock = register_module("mid_block", MidBlock(channels.back(), shape));

    auto upList = register_module("up_blocks", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < levels; ++i) {
        const auto level = static_cast<std::size_t>(levels - 1 - i);
        const bool last = i == levels - 1;
        shape.heads = m_config.attentionHeads[level];
        std::vector<std::int64_t> consumed;
        for (std::int64_t j = 0; j <= m_config.layersPerBlock; ++j) {
            consumed.push_back(skipChannels.back());
            skipChannels.pop_back();
        }
        m_upBlocks.emplace_back(current, channels[level], consumed,
                                m_config.upBlockHasAttention[static_cast<std::size_t>(i)], !last,
                                shape);
        upList->push_back(m_upBlocks.back());
        current = channels[level];
    }

    m_convNormOut = register_module(
        "conv_norm_out",
        torch::nn::GroupNorm(torch::nn::GroupNormOptions(m_config.normNumGroups, channels[0])
                                 .eps(m_config.normEps)));
    m_convOut = register_module(
        "conv_out", torch::nn::Conv2d(
                        torch::nn::Conv2dOptions(channels[0], m_config.outChannels, 3).padding(1)));
}

torch::Tensor UNetImpl::forward(const torch::Tensor &sample, const torch::Tensor &timesteps,
                                const torch::Tensor &context)
{
    // The UNet computes in the dtype of its (frozen) weights and answers in the sample's dtype.
    const auto computeType = m_convIn->weight.scalar_type();
    torch::Tensor steps =
        timesteps.dim() == 0 ? timesteps.reshape({1}).expand({sample.size(0)}) : timesteps;
    const torch::Tensor sinusoid =
        sinusoidalTimestepEmbedding(steps.to(sample.device()), m_config.blockOutChannels[0],
                                    m_config.flipSinToCos, static_cast<double>(m_config.freqShift))
            .to(computeType);
    const torch::Tensor timeEmbedding = m_timeEmbedding(sinusoid);
    const torch::Tensor computeContext =
        context.defined() ? context.to(computeType) : torch::Tensor();

    torch::Tensor hidden = m_convIn(sample.to(computeType));
    std::vector<torch::Tensor> skips{hidden};
    for (auto &block : m_downBlocks) {
        hidden = block(hidden, timeEmbedding, computeContext, skips);
    }
    hidden = m_midBlock(hidden, timeEmbedding, computeContext);
    for (auto &block : m_upBlocks) {
        hidden = block(hidden, timeEmbedding, computeContext, skips);
    }
    return m_convOut(F::silu(m_convNormOut(hidden))).to(sample.scalar_type());
}

void UNetImpl::setGradientCheckpointing(bool enabled)
{
    m_checkpointing = enabled;
    for (const auto &module : modules(/*include_self=*/false)) {
        if (auto *block = dynamic_cast<CheckpointableBlock *>(module.get())) {
            block->setGradientCheckpointing(enabled);
        }
    }
}

void UNetImpl::setFrozenWeightType(torch::ScalarType type)
{
    torch::NoGradGuard noGrad;
    for (auto &item : named_parameters()) {
        if (item.key().find("lora_") == std::string::npos) {
            item.value().set_data(item.value().to(type));
        }
    }
    for (auto &buffer : buffers()) {
        if (buffer.is_floating_point()) {
            buffer.set_data(buffer.to(type));
        }
    }
}

std::vector<std::pair<std::string, BasicTransformerBlock>> UNetImpl::transformerBlocks() const
{
    std::vector<std::pair<std::string, BasicTransformerBlock>> blocks;
    const auto add = [&](const std::string &path, const Transformer2D &transformer) {
        blocks.emplace_back(path + ".transformer_blocks.0", transformer->block());
    };
    for (std::size_t i = 0; i < m_downBlocks.size(); ++i) {
        for (std::size_t j = 0; j < m_downBlocks[i]->attentions.size(); ++j) {
            add("down_blocks." + std::to_string(i) + ".attentions." + std::to_string(j),
                m_downBlocks[i]->attentions[j]);
        }
    }
    add("mid_block.attentions.0", m_midBlock->attention);
    for (std::size_t i = 0; i < m_upBlocks.size(); ++i) {
        for (std::size_t j = 0; j < m_upBlocks[i]->attentions.size(); ++j) {
            add("up_blocks." + std::to_string(i) + ".attentions." + std::to_string(j),
                m_upBlocks[i]->attentions[j]);
        }
    }
    return blocks;
}

std::vector<std::pair<std::string, Projection>> UNetImpl::attentionProjections() const
{
    std::vector<std::pair<std::string, Projection>> projections;
    for (const auto &[path, block] : transformerBlocks()) {
        for (const auto &[attentionName, attention] :
             {std::pair{"attn1", block->attn1}, std::pair{"attn2", block->attn2}}) {
            const std::string base = path + "." + attentionName;
            projections.emplace_back(base + ".to_q", attention->to_q);
            projections.emplace_back(base + ".to_k", attention->to_k);
            projections.emplace_back(base + ".to_v", attention->to_v);
            projections.emplace_back(base + ".to_out.0", attention->to_out0);
        }
    }
    return projections;
}

std::vector<std::pair<std::string, Projection>> UNetImpl::linearProjections() const
{
    std::vector<std::pair<std::string, Projection>> projections;
    for (const auto &item : named_modules("", false)) {
        if (auto projection = std::dynamic_pointer_cast<ProjectionImpl>(item.value())) {
            projections.emplace_back(item.key(), Projection(projection));
        }
    }
    return projections;
}

Expected<UNet> loadUNetFolder(const std::filesystem::path &folder)
{
    const auto configPath = folder / "config.json";
    const Expected<nlohmann::json> configJson = readLenientJson(configPath);
    if (!configJson) {
        return configJson.error();
    }
    Expected<UNetConfig> config = UNetConfig::fromConfigJson(configJson.value());
    if (!config) {
        return makeError(config.error().code, configPath.string() + ": " + config.error().message);
    }
    const auto weightsPath = folder / "diffusion_pytorch_model.safetensors";
    Expected<TensorMap> weights = loadSafetensorsTensors(weightsPath);
    if (!weights) {
        return weights.error();
    }
    UNet unet(config.value());
    if (auto loaded =
            loadStateDict(*unet, weights.value(), LoadOptions{false, false, weightsPath.string()});
        !loaded) {
        return loaded.error();
    }
    unet->eval();
    return unet;
}

} // namespace dpsapf::core
