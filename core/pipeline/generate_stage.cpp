// SPDX-License-Identifier: GPL-3.0-or-later
// Stage "generate": a class-balanced synthetic set from the DP-trained model (post-processing of
// the DP release, no privacy cost). Image j (class-major order) is seeded by derive(seed, "gen",
// j); images are brought back to the dataset's resolution and channels (the inverse of the
// zero-padding, or a bilinear resize) and stored as bytes in generated/.
#include "data/image_transforms.h"
#include "dpsapf/core/atomic_file.h"
#include "io/torch_tensors.h"
#include "pipeline/stages.h"
#include "pipeline/synthesis.h"
#include "pipeline/trained_model.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>

namespace dpsapf::core {
namespace {

// The inverse of toModelInput for one generated image.
Image toNativeImage(const Image &generated, const ResolvedPlan &plan)
{
    const auto width = static_cast<std::int32_t>(plan.nativeWidth);
    const auto height = static_cast<std::int32_t>(plan.nativeHeight);
    const auto size = generated.width;
    const bool padded = width <= size && height <= size && width >= size - 8 && height >= size - 8;
    const Image sized =
        padded ? cropCentred(generated, width, height) : resizeBilinear(generated, width, height);
    return convertChannels(sized, static_cast<std::int32_t>(plan.nativeChannels));
}

} // namespace

Expected<RunOutcome> runGenerateStage(RunContext &run)
{
    Expected<TrainedModel> loaded = loadTrainedModel(run);
    if (!loaded) {
        return loaded.error();
    }
    TrainedModel &trained = loaded.value();
    const GenerateSettings &settings = run.config.generate;
    const auto classes = static_cast<std::int64_t>(run.plan.classNames.size());
    const std::int64_t total = classes * settings.imagesPerClass;
    std::vector<std::int64_t> labels;
    std::vector<std::uint64_t> seeds;
    for (std::int64_t j = 0; j < total; ++j) {
        labels.push_back(j / settings.imagesPerClass);
        seeds.push_back(run.seed("gen", static_cast<std::uint64_t>(j)));
    }
    run.message(RunStage::Generate,
                fmt::format("{} images ({} per class), {} with {} steps, guidance {}", total,
                            settings.imagesPerClass, settings.sampler, settings.steps,
                            settings.guidanceScale));
    const auto start = std::chrono::steady_clock::now();
    std::vector<Image> native;
    native.reserve(static_cast<std::size_t>(total));
    // Chunks of the whole set, so that a stop request is honoured between them.
    const std::int64_t chunk = std::max<std::int64_t>(settings.batchSize, 1);
    for (std::int64_t first = 0; first < total; first += chunk) {
        if (run.stopNow()) {
            return RunOutcome::Stopped;
        }
        const std::int64_t end = std::min(total, first + chunk);
        const std::vector<std::int64_t> chunkLabels(labels.begin() + first, labels.begin() + end);
        const std::vector<std::uint64_t> chunkSeeds(seeds.begin() + first, seeds.begin() + end);
        const torch::Tensor images =
            synthesize(trained.fineTune->unet(), *trained.fineTune->conditioner(), trained.model,
                       chunkLabels, chunkSeeds, settings);
        for (const Image &image : imagesFromTensor(images)) {
            native.push_back(toNativeImage(image, run.plan));
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        RunEvent progress;
        progress.kind = RunEvent::Kind::Progress;
        progress.stage = RunStage::Generate;
        progress.step = end;
        progress.total = total;
        progress.etaSeconds = seconds / static_cast<double>(end) * static_cast<double>(total - end);
        run.emit(progress);
    }
    std::error_code error;
    std::filesystem::create_directories(run.paths.generated(), error);
    if (auto done = saveNpyTensor(run.paths.generated() / "images.npy", tensorFromImages(native));
        !done) {
        return done.error();
    }
    if (auto done = saveNpyTensor(run.paths.generated() / "labels.npy",
                                  torch::tensor(labels, torch::kInt64));
        !done) {
        return done.error();
    }
    const nlohmann::json info{
        {"images", total},
        {"images_per_class", settings.imagesPerClass},
        {"order", "class-major: image j has label j / images_per_class"},
        {"sampler", settings.sampler},
        {"steps", settings.steps},
        {"guidance_scale", settings.guidanceScale},
        {"seed_rule", "image j starts from noise drawn from derive(seed, \"gen\", j) alone"},
        {"seed", run.config.seed},
        {"checkpoint_step", checkpointStep(run.paths)},
        {"model_resolution", run.plan.modelImageSize},
        {"size", {run.plan.nativeWidth, run.plan.nativeHeight, run.plan.nativeChannels}},
        {"seconds",
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}};
    // info.json last: it marks the stage as finished.
    if (auto done = writeJsonFile(run.paths.generated() / "info.json", info); !done) {
        return done.error();
    }
    return RunOutcome::Completed;
}

} // namespace dpsapf::core
