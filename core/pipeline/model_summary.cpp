// SPDX-License-Identifier: GPL-3.0-or-later
// Describing a public model folder (model_summary.h).
#include "dpsapf/core/model_summary.h"

#include "bench/unet_cost.h"
#include "pipeline/public_model.h"

#include <torch/torch.h>

#include <algorithm>

namespace dpsapf::core {

namespace {

std::int64_t countParameters(const torch::nn::Module &module)
{
    std::int64_t count = 0;
    for (const auto &parameter : module.parameters()) {
        count += parameter.numel();
    }
    return count;
}

void describeLatentModel(const PublicModel &model, ModelSummary &summary)
{
    const StableDiffusionModel &sd = *model.sd;
    summary.latent = true;
    summary.family = std::string("Stable Diffusion ") +
                     (sd.detected.family == SdFamily::Sd2 ? "2.x" : "1.x") +
                     " (latent space, CLIP text conditioning)";
    summary.layout = sd.detected.description;
    summary.storedDtype = sd.storedDtype;
    summary.components = {
        {"unet", "UNet2DConditionModel", countParameters(*sd.unet)},
        {"vae", "AutoencoderKL", countParameters(*sd.vae)},
        {"text_encoder", "CLIPTextModel", countParameters(*sd.textEncoder)},
        {"tokenizer", "CLIP BPE, " + std::to_string(sd.tokenizer->vocabSize()) + " tokens", 0},
    };
}

} // namespace

Expected<ModelSummary> summarizePublicModel(const std::filesystem::path &folder)
{
    Expected<PublicModel> model = loadPublicModel(folder);
    if (!model) {
        return model.error();
    }
    ModelSummary summary;
    summary.folder = model->folder;
    summary.name =
        model->isLatent() ? model->folder.stem().string() : model->folder.filename().string();
    summary.imageSize = model->imageSize;
    summary.imageChannels = model->imageChannels;
    summary.pixelUnshuffle = model->pixelUnshuffle;
    summary.classNames = model->classNames;
    if (model->isLatent()) {
        describeLatentModel(model.value(), summary);
    } else {
        summary.family = "pixel-space class-conditional UNet (Stable Diffusion 1.5 topology)";
        summary.layout = "DP-SAPF Studio model folder";
        summary.components = {
            {"unet", "UNet2DConditionModel", countParameters(*model->unet)},
            {"conditioner",
             "class tokens (" + std::to_string(model->classNames.size()) + " public classes)",
             countParameters(*model->conditioner)}};
    }
    for (const ModelComponent &component : summary.components) {
        summary.totalParameters += component.parameters;
    }
    const std::int64_t contextTokens =
        model->isLatent() ? static_cast<std::int64_t>(model->sd->tokenizer->config().modelMaxLength)
                          : model->conditioner->tokens();
    summary.forwardGmacPerImage =
        unetForwardCost(model->unet->config(), model->unetSampleSize(), contextTokens).totalMacs() /
        1e9;
    for (const auto &[name, block] : model->unet->transformerBlocks()) {
        summary.transformerBlocks.push_back(name);
    }
    for (const auto &[name, projection] : model->unet->attentionProjections()) {
        AttentionMatrixInfo info;
        info.key = name;
        info.rows = projection->weight.size(0);
        info.columns = projection->weight.size(1);
        summary.attentionParameters += projection->weight.numel();
        summary.attentionMatrices.push_back(info);
    }
    return summary;
}

LoraParameterRange loraParameterRange(const std::vector<AttentionMatrixInfo> &matrices,
                                      std::int64_t rank, std::int64_t k)
{
    std::vector<std::int64_t> sizes;
    sizes.reserve(matrices.size());
    for (const AttentionMatrixInfo &matrix : matrices) {
        sizes.push_back(rank * (matrix.rows + matrix.columns));
    }
    std::sort(sizes.begin(), sizes.end());
    LoraParameterRange range;
    const auto count = static_cast<std::int64_t>(sizes.size());
    k = std::clamp<std::int64_t>(k, 0, count);
    for (std::int64_t i = 0; i < count; ++i) {
        range.all += sizes[static_cast<std::size_t>(i)];
        if (i < k) {
            range.fewest += sizes[static_cast<std::size_t>(i)];
        }
        if (i >= count - k) {
            range.most += sizes[static_cast<std::size_t>(i)];
        }
    }
    return range;
}

} // namespace dpsapf::core
