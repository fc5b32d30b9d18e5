// SPDX-License-Identifier: GPL-3.0-or-later
// Loading a public pixel-space model folder.
#include "pipeline/public_model.h"

#include "dpsapf/core/bundled_model.h"
#include "io/lenient_json.h"
#include "model/sd/model_detection.h"

#include <torch/torch.h>

namespace dpsapf::core {

namespace fs = std::filesystem;

namespace {

Expected<PublicModel> loadLatentModel(const DetectedModel &detected)
{
    Expected<StableDiffusionModel> sd = loadStableDiffusion(detected);
    if (!sd) {
        return sd.error();
    }
    PublicModel model;
    model.folder = detected.path;
    model.sd = std::make_shared<StableDiffusionModel>(std::move(sd).value());
    model.unet = model.sd->unet;
    model.scheduler = model.sd->scheduler;
    model.imageChannels = 3;
    if (auto set = setTrainingResolution(model, 0); !set) {
        return set.error();
    }
    return model;
}

} // namespace

std::int64_t PublicModel::resolutionMultiple() const
{
    const std::int64_t unetMultiple = std::int64_t(1) << (unet->config().levels() - 1);
    return unetMultiple * (isLatent() ? sd->vaeScale() : pixelUnshuffle);
}

Expected<bool> setTrainingResolution(PublicModel &model, std::int64_t resolution)
{
    if (!model.isLatent()) {
        if (resolution != 0 && resolution != model.imageSize) {
            return makeError(ErrorCode::InvalidArgument,
                             "model_resolution: the pixel-space model works at " +
                                 std::to_string(model.imageSize) + " px only (use 0)");
        }
        return true;
    }
    const std::int64_t multiple = model.resolutionMultiple();
    if (resolution == 0) {
        const std::int64_t native = model.sd->nativeResolution();
        resolution = std::max(multiple, std::min<std::int64_t>(native, 256) / multiple * multiple);
    }
    if (resolution < multiple || resolution % multiple != 0 || resolution > 2048) {
        return makeError(ErrorCode::InvalidArgument,
                         "model_resolution: " + std::to_string(resolution) +
                             " px; this model needs a multiple of " + std::to_string(multiple) +
                             " px up to 2048");
    }
    model.imageSize = resolution;
    return true;
}

Expected<bool> setPredictionType(PublicModel &model, const std::string &type,
                                 const std::string &what)
{
    if (type.empty()) {
        return true;
    }
    if (type != "epsilon" && type != "v_prediction") {
        return makeError(ErrorCode::InvalidArgument,
                         what + ": must be epsilon or v_prediction (or empty: the model's own)");
    }
    const PredictionType wanted =
        type == "epsilon" ? PredictionType::Epsilon : PredictionType::VPrediction;
    if (!model.isLatent() && wanted != model.scheduler.predictionType) {
        return makeError(ErrorCode::InvalidArgument,
                         what + ": the pixel-space model was trained for its own prediction type "
                                "(leave it empty)");
    }
    model.scheduler.predictionType = wanted;
    if (model.isLatent()) {
        model.sd->scheduler.predictionType = wanted;
    }
    return true;
}

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
    Expected<DetectedModel> detected = detectModel(folder);
    if (!detected) {
        return detected.error();
    }
    if (detected->layout != ModelLayout::BundledPixel) {
        return loadLatentModel(detected.value());
    }
    const fs::path descriptionPath = folder / "dpsapf_model.json";
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
    if (model.isLatent()) {
        torch::NoGradGuard noGrad;
        const auto device = model.sd->vae->parameters().front().device();
        std::vector<torch::Tensor> images;
        for (const torch::Tensor &chunk : samples.split(16, 0)) { // bounds decoder activations
            images.push_back(model.sd->vae->decodeToImages(chunk.to(device)).to(samples.device()));
        }
        return images.empty() ? samples : torch::cat(images, 0) * 2.0 - 1.0;
    }
    return model.pixelUnshuffle == 1 ? samples
                                     : torch::pixel_shuffle(samples, model.pixelUnshuffle);
}

} // namespace dpsapf::core
