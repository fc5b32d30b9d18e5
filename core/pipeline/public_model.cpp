// SPDX-License-Identifier: GPL-3.0-or-later
// Loading a public pixel-space model folder.
#include "pipeline/public_model.h"

#include "dpsapf/core/bundled_model.h"
#include "io/lenient_json.h"

#include <torch/torch.h>

namespace dpsapf::core {

namespace fs = std::filesystem;

Expected<PublicModel> loadPublicModel(const fs::path &requested)
{
    fs::path folder = requested;
    if (folder.empty()) {
        Expected<fs::path> bundled = bundledModelDir();
        if (!bundled) {
            return bundled.error();
        }
        folder = bundled.value();
    }
    const fs::path descriptionPath = folder / "dpsapf_model.json";
    std::error_code error;
    if (!fs::is_regular_file(descriptionPath, error)) {
        if (fs::is_regular_file(folder / "model_index.json", error)) {
            return makeError(ErrorCode::Format,
                             folder.string() +
                                 ": a Stable Diffusion pipeline folder; latent-space models are "
                                 "not supported by this version (use the bundled model)");
        }
        return makeError(ErrorCode::Io, descriptionPath.string() +
                                            ": missing (not a DP-SAPF Studio model folder)");
    }
    Expected<nlohmann::json> description = readLenientJson(descriptionPath);
    if (!description) {
        return description.error();
    }
    PublicModel model;
    model.folder = folder;
    try {
        if (description->value("format", std::string()) != "dpsapf-pixel-diffusion-v1") {
            return makeError(ErrorCode::Format,
                             descriptionPath.string() +
                                 ": format is not \"dpsapf-pixel-diffusion-v1\"");
        }
        model.imageSize = description->at("image_size").get<std::int64_t>();
        model.imageChannels = description->at("image_channels").get<std::int64_t>();
        model.pixelUnshuffle = description->value("pixel_unshuffle", std::int64_t{1});
    } catch (const nlohmann::json::exception &exception) {
        return makeError(ErrorCode::Format, descriptionPath.string() + ": " + exception.what());
    }
    if (model.imageSize < 1 || (model.imageChannels != 1 && model.imageChannels != 3) ||
        model.pixelUnshuffle < 1 || model.imageSize % model.pixelUnshuffle != 0) {
        return makeError(ErrorCode::Format,
                         descriptionPath.string() +
                             ": image_size, image_channels (1 or 3) and pixel_unshuffle "
                             "(dividing image_size) are inconsistent");
    }
    Expected<UNet> unet = loadUNetFolder(folder / "unet");
    if (!unet) {
        return unet.error();
    }
    model.unet = unet.value();
    const UNetConfig &config = model.unet->config();
    const std::int64_t r = model.pixelUnshuffle;
    if (config.inChannels != model.imageChannels * r * r ||
        config.sampleSize * r != model.imageSize) {
        return makeError(ErrorCode::Format,
                         (folder / "unet" / "config.json").string() +
                             ": in_channels/sample_size do not match dpsapf_model.json");
    }
    Expected<LoadedClassConditioner> conditioner = loadClassConditioner(folder);
    if (!conditioner) {
        return conditioner.error();
    }
    model.conditioner = conditioner->conditioner;
    model.classNames = conditioner->classNames;
    if (model.conditioner->contextDim() != config.crossAttentionDim) {
        return makeError(ErrorCode::Format, (folder / "conditioner.json").string() +
                                                ": context_dim differs from the UNet's "
                                                "cross_attention_dim");
    }
    Expected<nlohmann::json> scheduler = readLenientJson(folder / "scheduler_config.json");
    if (!scheduler) {
        return scheduler.error();
    }
    Expected<SchedulerConfig> schedulerConfig = SchedulerConfig::fromJson(scheduler.value());
    if (!schedulerConfig) {
        return makeError(ErrorCode::Format, (folder / "scheduler_config.json").string() + ": " +
                                                schedulerConfig.error().message);
    }
    model.scheduler = schedulerConfig.value();
    return model;
}

torch::Tensor toUNetSpace(const PublicModel &model, const torch::Tensor &images)
{
    return model.pixelUnshuffle == 1 ? images
                                     : torch::pixel_unshuffle(images, model.pixelUnshuffle);
}

torch::Tensor fromUNetSpace(const PublicModel &model, const torch::Tensor &samples)
{
    return model.pixelUnshuffle == 1 ? samples
                                     : torch::pixel_shuffle(samples, model.pixelUnshuffle);
}

} // namespace dpsapf::core
