// SPDX-License-Identifier: GPL-3.0-or-later
// The release folder of a pretraining run: model files, sample grid, loss curve and model card.
#include "train/model_release.h"

#include "data/image_codec.h"
#include "dpsapf/core/atomic_file.h"
#include "model/common/state_dict.h"
#include "train/class_sampling.h"
#include "train/model_card.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <fstream>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kFinalLossWindow = 100;

double finalLoss(const std::vector<std::pair<std::int64_t, double>> &losses)
{
    const std::size_t count = std::min(losses.size(), kFinalLossWindow);
    double sum = 0.0;
    for (std::size_t i = losses.size() - count; i < losses.size(); ++i) {
        sum += losses[i].second;
    }
    return count == 0 ? 0.0 : sum / static_cast<double>(count);
}

Expected<bool> writeSampleGrid(const fs::path &path, const ReleaseInputs &inputs)
{
    const PretrainConfig &config = *inputs.config;
    UNet unet(*inputs.model.unetConfig);
    if (auto done = loadStateDict(*unet, *inputs.model.unetWeights, LoadOptions{}); !done) {
        return done;
    }
    const auto classes = static_cast<std::int64_t>(inputs.model.classNames->size());
    const torch::Tensor labels =
        torch::arange(classes, torch::kInt64).repeat_interleave(config.samplesPerClass);
    ClassSamplingOptions options;
    options.steps = config.sampleSteps;
    options.guidanceScale = config.guidanceScale;
    ClassConditioner conditioner = inputs.model.conditioner;
    const torch::Tensor samples =
        sampleClasses(unet, *conditioner, *inputs.model.scheduler, labels, options,
                      at::make_generator<at::CPUGeneratorImpl>(config.seed + 1));
    const Image grid =
        imageGrid(tensorToGrayImages(torch::pixel_shuffle(samples, inputs.model.pixelUnshuffle)),
                  static_cast<std::int32_t>(config.samplesPerClass), 2);
    return writePng(path, grid);
}

} // namespace

std::vector<std::pair<std::int64_t, double>> readLossFile(const fs::path &path)
{
    std::vector<std::pair<std::int64_t, double>> points;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        try {
            const nlohmann::json json = nlohmann::json::parse(line);
            points.emplace_back(json.at("step").get<std::int64_t>(), json.at("loss").get<double>());
        } catch (const nlohmann::json::exception &) {
            // a torn last line of a killed run
        }
    }
    return points;
}

Expected<ReleaseSummary> writeModelRelease(const ReleaseInputs &inputs)
{
    const PretrainConfig &config = *inputs.config;
    const fs::path target = config.outputDir / "model";
    const fs::path lossFile = config.outputDir / "loss.jsonl";
    const Expected<fs::path> created = freshTemporaryFolder(target);
    if (!created) {
        return created.error();
    }
    const fs::path temporary = created.value();
    std::error_code error;
    if (auto done = writeModelFiles(temporary, inputs.model); !done) {
        return done.error();
    }

    ModelCardInfo card;
    const UNet shape(*inputs.model.unetConfig);
    card.unetConfig = inputs.model.unetConfig->toConfigJson();
    for (const auto &[name, tensor] : *inputs.model.unetWeights) {
        card.unetParameters += tensor.numel();
    }
    for (const auto &parameter : inputs.model.conditioner->parameters()) {
        card.conditionerParameters += parameter.numel();
    }
    card.transformerBlocks = static_cast<std::int64_t>(shape->transformerBlocks().size());
    card.candidateMatrices = static_cast<std::int64_t>(shape->attentionProjections().size());
    card.weightBytes =
        fs::file_size(temporary / "unet" / "diffusion_pytorch_model.safetensors", error) +
        fs::file_size(temporary / "conditioner.safetensors", error);
    card.corpus = inputs.corpus;
    card.corpusFingerprint = inputs.corpusFingerprint;
    card.trainingConfig = config.toJson();
    card.steps = inputs.steps;
    card.trainingSeconds = inputs.trainingSeconds;
    card.machine = machineDescription(at::get_num_threads());
    card.classNames = *inputs.model.classNames;
    const auto losses = readLossFile(lossFile);
    card.finalLoss = finalLoss(losses);
    card.lossCurve = smoothLossCurve(losses, 200);
    if (auto done = writePng(temporary / "loss_curve.png", plotLossCurve(card.lossCurve, 480, 240));
        !done) {
        return done.error();
    }
    card.lossCurveFile = "loss_curve.png";
    if (config.samplesPerClass > 0) {
        if (auto done = writeSampleGrid(temporary / "samples.png", inputs); !done) {
            return done.error();
        }
        card.samplesFile = "samples.png";
        card.samplesPerClass = config.samplesPerClass;
    }
    for (const auto &[file, contents] :
         {std::pair<const char *, std::string>{"MODEL_CARD.md", renderModelCard(card)},
          {"pretrain_config.json", config.toJson().dump(2) + "\n"}}) {
        if (auto done = writeFileAtomically(temporary / file, contents); !done) {
            return done.error();
        }
    }
    fs::copy_file(lossFile, temporary / "loss.jsonl", fs::copy_options::overwrite_existing, error);
    if (error) {
        return makeError(ErrorCode::Io,
                         lossFile.string() + ": cannot copy (" + error.message() + ")");
    }
    if (auto done = commitFolder(temporary, target); !done) {
        return done.error();
    }
    return ReleaseSummary{target, card.finalLoss};
}

} // namespace dpsapf::core
