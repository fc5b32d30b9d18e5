// SPDX-License-Identifier: GPL-3.0-or-later
// Loading, splitting and converting the sensitive dataset.
#include "pipeline/sensitive_data.h"

#include "data/image_transforms.h"
#include "dpsapf/core/logging.h"
#include "pipeline/public_model.h"

#include <torch/torch.h>

#include <cstring>

namespace dpsapf::core {

Expected<std::shared_ptr<ImageDataset>> loadConfiguredDataset(const DatasetSettings &settings,
                                                              LoadReport &report)
{
    if (settings.kind == "fashion-mnist") {
        return loadFashionMnist(settings.path.empty() ? kFashionMnistDir : settings.path, true,
                                &report);
    }
    DatasetSource source;
    source.path = settings.path;
    source.labelsPath = settings.labelsPath;
    source.classNames = settings.classNames;
    if (settings.kind == "idx") {
        source.kind = DatasetSource::Kind::Idx;
    } else if (settings.kind == "folder") {
        source.kind = DatasetSource::Kind::ClassFolders;
    } else if (settings.kind == "npy") {
        source.kind = DatasetSource::Kind::Npy;
    } else if (settings.kind == "npz") {
        source.kind = DatasetSource::Kind::Npz;
    } else {
        source.kind = DatasetSource::Kind::ZipWithLabels;
    }
    const BadFilePolicy policy =
        settings.badFiles == "skip" ? BadFilePolicy::Skip : BadFilePolicy::Fail;
    return loadDataset(source, policy, &report);
}

torch::Tensor SensitiveData::batch(const std::vector<std::int64_t> &records) const
{
    const torch::Tensor index = torch::tensor(records, torch::kInt64);
    return images.index_select(0, index).to(torch::kFloat32) / 127.5 - 1.0;
}

CleanBatch SensitiveData::cleanBatch(const std::vector<std::int64_t> &records) const
{
    CleanBatch clean;
    if (latentMean.defined()) {
        const torch::Tensor index = torch::tensor(records, torch::kInt64);
        clean.latentMean = latentMean.index_select(0, index);
        clean.latentStd = latentStd.index_select(0, index);
    } else {
        clean.images = batch(records);
    }
    return clean;
}

Expected<bool> encodeLatentPosteriors(SensitiveData &data, const PublicModel &model,
                                      const std::atomic<bool> *stop)
{
    if (!model.isLatent() || data.latentMean.defined()) {
        return true;
    }
    torch::NoGradGuard noGrad;
    AutoencoderKL vae = model.sd->vae;
    vae->eval();
    const auto device = vae->parameters().front().device();
    const double scale = vae->scalingFactor();
    std::vector<torch::Tensor> means, stds;
    constexpr std::int64_t kChunk = 16; // bounds the encoder's activations
    for (std::int64_t start = 0; start < data.size(); start += kChunk) {
        if (stop != nullptr && stop->load()) {
            return makeError(ErrorCode::Cancelled, "stopped while encoding the latents");
        }
        const std::int64_t end = std::min(data.size(), start + kChunk);
        const torch::Tensor images =
            data.images.slice(0, start, end).to(torch::kFloat32) / 127.5 - 1.0;
        const VaePosterior posterior = vae->encode(images.to(device));
        means.push_back((posterior.mean * scale).to(torch::kCPU));
        stds.push_back((posterior.std * scale).to(torch::kCPU));
    }
    data.latentMean = torch::cat(means, 0);
    data.latentStd = torch::cat(stds, 0);
    logger(LogChannel::Data)
        ->info("sensitive data: {} records encoded to {}x{}x{} latents", data.size(),
               data.latentMean.size(1), data.latentMean.size(2), data.latentMean.size(3));
    return true;
}

Expected<SensitiveData> loadSensitiveData(const DatasetSettings &settings, std::int64_t modelSize,
                                          std::int64_t modelChannels)
{
    SensitiveData data;
    Expected<std::shared_ptr<ImageDataset>> loaded = loadConfiguredDataset(settings, data.report);
    if (!loaded) {
        return loaded.error();
    }
    const std::shared_ptr<ImageDataset> dataset = loaded.value();
    data.loadedRecords = dataset->size();
    data.description = dataset->description();
    if (data.loadedRecords < 2) {
        return makeError(ErrorCode::InvalidArgument,
                         "dataset: " + data.description + " has fewer than 2 images");
    }
    const std::int64_t n = data.loadedRecords;
    const std::int64_t trainSize = settings.trainSize > 0 ? settings.trainSize : n - n / 12;
    if (trainSize > n) {
        return makeError(ErrorCode::InvalidArgument,
                         "dataset.train_size: " + std::to_string(trainSize) + " exceeds the " +
                             std::to_string(n) + " images of " + data.description);
    }
    Expected<SplitIndices> split = splitTrainValidation(n, trainSize, settings.splitSeed);
    if (!split) {
        return split.error();
    }
    data.split = std::move(split).value();
    if (settings.limit > 0 && settings.limit < static_cast<std::int64_t>(data.split.train.size())) {
        data.split.train.resize(static_cast<std::size_t>(settings.limit));
    }
    const std::shared_ptr<ImageDataset> train = subset(dataset, data.split.train);
    data.classNames = train->classNames();
    data.fingerprint = datasetFingerprint(*train);

    const std::int64_t count = train->size();
    const auto side = static_cast<std::int32_t>(modelSize);
    const auto channels = static_cast<std::int32_t>(modelChannels);
    data.images = torch::empty({count, modelChannels, modelSize, modelSize}, torch::kUInt8);
    data.labels = torch::empty({count}, torch::kInt64);
    auto *labels = data.labels.data_ptr<std::int64_t>();
    auto *out = data.images.data_ptr<std::uint8_t>();
    const auto planeBytes = static_cast<std::size_t>(side) * static_cast<std::size_t>(side);
    for (std::int64_t i = 0; i < count; ++i) {
        const Image original = train->image(i);
        if (i == 0) {
            data.nativeWidth = original.width;
            data.nativeHeight = original.height;
            data.nativeChannels = original.channels;
        }
        const Image image = toModelInput(original, side, channels);
        // HWC -> CHW
        std::uint8_t *target = out + static_cast<std::size_t>(i) * planeBytes * channels;
        for (std::size_t p = 0; p < planeBytes; ++p) {
            for (std::int32_t c = 0; c < channels; ++c) {
                target[static_cast<std::size_t>(c) * planeBytes + p] =
                    image.pixels[p * static_cast<std::size_t>(channels) + c];
            }
        }
        labels[i] = train->label(i);
    }
    logger(LogChannel::Data)
        ->info("sensitive data: {} training records of {} ({} validation), {} classes, "
               "fingerprint {}",
               count, n, data.split.validation.size(), data.classNames.size(), data.fingerprint);
    return data;
}

} // namespace dpsapf::core
