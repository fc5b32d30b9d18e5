// SPDX-License-Identifier: GPL-3.0-or-later
// RunConfig: variants, validation per field, presets.
#include "dpsapf/core/run_config.h"

#include <cmath>

namespace dpsapf::core {
namespace {

Error fieldError(const std::string &key, const std::string &reason)
{
    return makeError(ErrorCode::InvalidArgument, key + ": " + reason);
}

bool oneOf(const std::string &value, std::initializer_list<const char *> allowed)
{
    for (const char *option : allowed) {
        if (value == option) {
            return true;
        }
    }
    return false;
}

bool positiveFinite(double value)
{
    return value > 0.0 && std::isfinite(value);
}

} // namespace

std::string variantName(RunVariant variant)
{
    switch (variant) {
    case RunVariant::DpSapf: return "dp-sapf";
    case RunVariant::DpLora: return "dp-lora";
    case RunVariant::Random: return "random";
    case RunVariant::LayerLevel: return "layer-level";
    case RunVariant::NoLora: return "no-lora";
    case RunVariant::AllParameters: return "all-parameters";
    }
    return "dp-sapf";
}

Expected<RunVariant> parseVariant(const std::string &name)
{
    for (RunVariant variant :
         {RunVariant::DpSapf, RunVariant::DpLora, RunVariant::Random, RunVariant::LayerLevel,
          RunVariant::NoLora, RunVariant::AllParameters}) {
        if (variantName(variant) == name) {
            return variant;
        }
    }
    return fieldError("variant", "\"" + name +
                                     "\" is not one of dp-sapf, dp-lora, random, layer-level, "
                                     "no-lora, all-parameters");
}

bool variantRunsProbe(RunVariant variant)
{
    return variant == RunVariant::DpSapf || variant == RunVariant::LayerLevel ||
           variant == RunVariant::NoLora || variant == RunVariant::AllParameters;
}

std::int64_t LoraSettings::rankFor(char letter) const
{
    std::int64_t specific = 0;
    switch (letter) {
    case 'q': specific = rankQ; break;
    case 'k': specific = rankK; break;
    case 'v': specific = rankV; break;
    default: specific = rankOut; break;
    }
    return specific > 0 ? specific : rank;
}

double defaultDelta(std::int64_t trainRecords)
{
    const auto n = static_cast<double>(trainRecords);
    return 1.0 / (n * std::log(n));
}

Expected<bool> RunConfig::validate() const
{
    if (!oneOf(device, {"cpu", "cuda", "auto"})) {
        return fieldError("device", "must be cpu, cuda or auto");
    }
    for (const auto &name : compareVariants) {
        if (auto parsed = parseVariant(name); !parsed) {
            return fieldError("compare_variants", parsed.error().message);
        }
    }
    if (!oneOf(dataset.kind, {"fashion-mnist", "idx", "folder", "npy", "npz", "zip"})) {
        return fieldError("dataset.kind", "must be fashion-mnist, idx, folder, npy, npz or zip");
    }
    if (dataset.kind != "fashion-mnist" && dataset.path.empty()) {
        return fieldError("dataset.path", "is required for a " + dataset.kind + " dataset");
    }
    if (dataset.trainSize < 0) {
        return fieldError("dataset.train_size", "must be >= 0 (0 = all but a twelfth)");
    }
    if (dataset.limit < 0) {
        return fieldError("dataset.limit", "must be >= 0 (0 = all)");
    }
    if (!oneOf(dataset.badFiles, {"fail", "skip"})) {
        return fieldError("dataset.bad_files", "must be fail or skip");
    }
    if (!positiveFinite(privacy.epsilon)) {
        return fieldError("privacy.epsilon", "must be > 0");
    }
    if (!(privacy.delta >= 0.0 && privacy.delta < 1.0)) {
        return fieldError("privacy.delta", "must lie in [0, 1) (0 = 1/(N ln N))");
    }
    if (!oneOf(privacy.accountant, {"prv", "rdp"})) {
        return fieldError("privacy.accountant", "must be prv or rdp");
    }
    if (!oneOf(privacy.noise, {"reproducible", "secure"})) {
        return fieldError("privacy.noise", "must be reproducible or secure");
    }
    if (probe.sampleSize < 1) {
        return fieldError("probe.sample_size", "must be >= 1");
    }
    if (!positiveFinite(probe.noiseMultiplier)) {
        return fieldError("probe.noise_multiplier", "must be > 0");
    }
    if (!positiveFinite(probe.clipNorm)) {
        return fieldError("probe.clip_norm", "must be > 0");
    }
    if (probe.microBatchSize < 1) {
        return fieldError("probe.micro_batch_size", "must be >= 1");
    }
    if (!(selection.ratio > 0.0 && selection.ratio <= 1.0)) {
        return fieldError("selection.ratio", "must lie in (0, 1]");
    }
    if (lora.rank < 1) {
        return fieldError("lora.rank", "must be >= 1");
    }
    for (auto [key, value] : {std::pair<const char *, std::int64_t>{"lora.rank_q", lora.rankQ},
                              {"lora.rank_k", lora.rankK},
                              {"lora.rank_v", lora.rankV},
                              {"lora.rank_out", lora.rankOut}}) {
        if (value < 0) {
            return fieldError(key, "must be >= 1, or 0 for lora.rank");
        }
    }
    if (!(lora.alpha >= 0.0) || !std::isfinite(lora.alpha)) {
        return fieldError("lora.alpha", "must be > 0, or 0 for the rank");
    }
    if (train.steps < 1) {
        return fieldError("train.steps", "must be >= 1");
    }
    if (train.batchSize < 1) {
        return fieldError("train.batch_size", "must be >= 1");
    }
    if (train.microBatchSize < 1) {
        return fieldError("train.micro_batch_size", "must be >= 1");
    }
    if (!positiveFinite(train.learningRate)) {
        return fieldError("train.learning_rate", "must be > 0");
    }
    if (!(train.embeddingLearningRate >= 0.0) || !std::isfinite(train.embeddingLearningRate)) {
        return fieldError("train.embedding_learning_rate", "must be >= 0 (0 = frozen tokens)");
    }
    if (!(train.weightDecay >= 0.0) || !std::isfinite(train.weightDecay)) {
        return fieldError("train.weight_decay", "must be >= 0");
    }
    if (!oneOf(train.clipMode, {"automatic", "flat"})) {
        return fieldError("train.clip_mode", "must be automatic or flat");
    }
    if (!positiveFinite(train.maxGradNorm)) {
        return fieldError("train.max_grad_norm", "must be > 0");
    }
    if (!(train.postClipNorm >= 0.0) || !std::isfinite(train.postClipNorm)) {
        return fieldError("train.post_clip_norm", "must be >= 0 (0 = off)");
    }
    if (train.checkpointEvery < 1) {
        return fieldError("train.checkpoint_every", "must be >= 1");
    }
    if (train.gridSamplesPerClass < 0) {
        return fieldError("train.grid_samples_per_class", "must be >= 0");
    }
    if (!oneOf(train.classTokenInit, {"public-classes", "null"})) {
        return fieldError("train.class_token_init", "must be public-classes or null");
    }
    if (!oneOf(predictionType, {"", "epsilon", "v_prediction"})) {
        return fieldError("prediction_type",
                          "must be epsilon or v_prediction (or empty: the model's own)");
    }
    if (!oneOf(gradientCheckpointing, {"auto", "on", "off"})) {
        return fieldError("gradient_checkpointing", "must be auto, on or off");
    }
    if (!oneOf(frozenPrecision, {"fp32", "bf16", "fp16"})) {
        return fieldError("frozen_precision", "must be fp32, bf16 or fp16");
    }
    if (frozenPrecision != "fp32" &&
        (variant == RunVariant::NoLora || variant == RunVariant::AllParameters)) {
        return fieldError("frozen_precision",
                          frozenPrecision + " applies to the LoRA variants; " +
                              variantName(variant) +
                              " trains full-rank weights, which stay fp32 (use fp32)");
    }
    if (modelResolution < 0 || modelResolution > 2048) {
        return fieldError("model_resolution", "must be in [0, 2048] (0 = the model's default)");
    }
    if (prompts.clipSkip < 0 || prompts.clipSkip > 1) {
        return fieldError("prompts.clip_skip", "must be 0 or 1");
    }
    if (prompts.classPrompts.empty() &&
        prompts.classTemplate.find("{class}") == std::string::npos) {
        return fieldError("prompts.template", "must contain {class}");
    }
    if (generate.imagesPerClass < 1) {
        return fieldError("generate.images_per_class", "must be >= 1");
    }
    if (!oneOf(generate.sampler, {"ddim", "dpmpp-2m", "dpmpp-2m-karras"})) {
        return fieldError("generate.sampler", "must be ddim, dpmpp-2m or dpmpp-2m-karras");
    }
    if (generate.steps < 1) {
        return fieldError("generate.steps", "must be >= 1");
    }
    if (!(generate.guidanceScale >= 0.0) || !std::isfinite(generate.guidanceScale)) {
        return fieldError("generate.guidance_scale", "must be >= 0");
    }
    if (generate.batchSize < 1) {
        return fieldError("generate.batch_size", "must be >= 1");
    }
    if (eval.liveEvery < 0) {
        return fieldError("eval.live_every", "must be >= 0 (0 = at every checkpoint)");
    }
    if (eval.liveImagesPerClass < 2) {
        return fieldError("eval.live_images_per_class", "must be >= 2");
    }
    if (eval.liveProxyRecords < 1) {
        return fieldError("eval.live_proxy_records", "must be >= 1");
    }
    if (eval.liveReferenceRecords < 0 || eval.liveReferenceRecords == 1) {
        return fieldError("eval.live_reference_records", "must be >= 2 (0 = all)");
    }
    if (!(eval.liveMaxCost >= 0.0) || !std::isfinite(eval.liveMaxCost)) {
        return fieldError("eval.live_max_cost", "must be >= 0 (0 = never skip)");
    }
    return true;
}

Expected<bool> RunConfig::validateForDataset(std::int64_t trainRecords) const
{
    if (trainRecords < 2) {
        return fieldError("dataset", "the training split has " + std::to_string(trainRecords) +
                                         " records; DP training needs at least 2");
    }
    if (privacy.delta > 0.0 && privacy.delta >= 1.0 / static_cast<double>(trainRecords)) {
        return fieldError("privacy.delta", "must be < 1/N = " + std::to_string(1.0 / trainRecords) +
                                               " (N = " + std::to_string(trainRecords) +
                                               "): a larger delta allows releasing a whole record");
    }
    if (train.batchSize > trainRecords) {
        return fieldError("train.batch_size",
                          "the expected batch " + std::to_string(train.batchSize) +
                              " exceeds the " + std::to_string(trainRecords) + " training records");
    }
    return true;
}

std::vector<std::string> presetNames()
{
    return {"smoke", "quick", "paper"};
}

Expected<RunConfig> presetConfig(const std::string &name)
{
    RunConfig config;
    config.name = name;
    if (name == "paper") {
        config.device = "auto";
        config.generate.guidanceScale = 7.0;
        config.compareVariants = {"dp-sapf", "dp-lora"};
        return config;
    }
    if (name == "quick") {
        config.compareVariants = {"dp-sapf", "dp-lora"};
        config.probe.sampleSize = 1000;
        config.probe.microBatchSize = 100;
        // Sized for <= 15 minutes for both runs on 2 CPU cores (about 25 records/s per DP step).
        config.train.steps = 25;
        config.train.batchSize = 256;
        config.train.microBatchSize = 128;
        config.train.learningRate = 2e-3;
        config.train.embeddingLearningRate = 2e-2;
        config.train.checkpointEvery = 5;
        config.train.gridSamplesPerClass = 2;
        config.generate.imagesPerClass = 20;
        config.generate.steps = 10;
        config.generate.batchSize = 100;
        return config;
    }
    if (name == "smoke") {
        config.dataset.limit = 240;
        config.probe.sampleSize = 64;
        config.probe.microBatchSize = 32;
        config.train.steps = 4;
        config.train.batchSize = 24;
        config.train.microBatchSize = 16;
        config.train.checkpointEvery = 2;
        config.train.gridSamplesPerClass = 1;
        config.generate.imagesPerClass = 2;
        config.generate.steps = 3;
        config.generate.batchSize = 20;
        return config;
    }
    return makeError(ErrorCode::InvalidArgument,
                     "--preset " + name + ": unknown preset (smoke, quick or paper)");
}

} // namespace dpsapf::core
