// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf bench dp-step`: a non-private LoRA step against a DP-SGD LoRA step (per-record clipping
// + noise), and a plain forward+backward against the saliency probe's per-matrix norms, on the
// sapf-tiny UNet in one run (per-sample-gradients.md §8 gives published anchors).
#include "dpsapf/core/benchmarks.h"

#include "bench/unet_cost.h"
#include "dpsapf/core/runtime_info.h"
#include "model/unet/unet.h"
#include "train/dp_gradient_step.h"
#include "train/pretrain.h"

#include <torch/torch.h>

#include <chrono>
#include <functional>

namespace dpsapf::core {
namespace {

double meanSeconds(std::int64_t repeats, const std::function<void()> &work)
{
    work(); // warm-up
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < repeats; ++i) {
        work();
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / static_cast<double>(repeats);
}

struct Batch {
    torch::Tensor noisy, timesteps, context, noise;
};

Batch makeBatch(const UNetConfig &config, std::int64_t batch)
{
    const std::int64_t side = config.sampleSize;
    const torch::Tensor clean = torch::rand({batch, config.inChannels, side, side}) * 2 - 1;
    const torch::Tensor noise = torch::randn_like(clean);
    const torch::Tensor timesteps = torch::randint(0, 1000, {batch}, torch::kInt64);
    const torch::Tensor alphaBar =
        torch::linspace(0.999, 0.005, 1000).index_select(0, timesteps).view({batch, 1, 1, 1});
    return {alphaBar.sqrt() * clean + (1 - alphaBar).sqrt() * noise, timesteps,
            torch::randn({batch, 1, config.crossAttentionDim}), noise};
}

// Per-record losses [B]: the mean over each record's elements (method.md §2).
torch::Tensor perRecordLoss(UNet &unet, const Batch &batch)
{
    const torch::Tensor prediction = unet->forward(batch.noisy, batch.timesteps, batch.context);
    return (prediction - batch.noise).pow(2).flatten(1).mean(1);
}

void setRecorder(UNet &unet, PerSampleGradients *recorder)
{
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->setPerSampleRecorder(recorder);
    }
}

} // namespace

Expected<DpStepBenchmarkResult> benchmarkDpStep(const DpStepBenchmarkConfig &config)
{
    if (config.batchSize < 1 || config.repeats < 1 || config.loraRank < 1) {
        return makeError(ErrorCode::InvalidArgument,
                         "bench dp-step: batch, repeats and rank must be >= 1");
    }
    torch::manual_seed(static_cast<std::uint64_t>(config.seed));
    const UNetConfig unetConfig = sapfTinyUNetConfig();
    UNet unet(unetConfig);
    unet->eval();
    for (auto &parameter : unet->parameters()) {
        parameter.set_requires_grad(false);
    }
    DpStepBenchmarkResult result;
    result.model = "sapf-tiny (random weights)";
    result.batchSize = config.batchSize;
    for (const auto &parameter : unet->parameters()) {
        result.modelParameters += parameter.numel();
    }
    const Batch batch = makeBatch(unetConfig, config.batchSize);
    result.forwardGmacPerImage =
        unetForwardCost(unetConfig, unetConfig.sampleSize, batch.context.size(1)).totalMacs() / 1e9;
    auto projections = unet->attentionProjections();
    result.candidateMatrices = static_cast<std::int64_t>(projections.size());

    // LoRA on every attention matrix (DP-LoRA), B non-zero so that both factors get gradients.
    auto generator = at::detail::createCPUGenerator(config.seed);
    std::vector<torch::Tensor> lora;
    for (auto &[name, projection] : projections) {
        projection->attachLora(config.loraRank, static_cast<double>(config.loraRank), generator);
        torch::NoGradGuard noGrad;
        projection->loraB().normal_(0.0, 0.01, generator);
        lora.push_back(projection->loraA());
        lora.push_back(projection->loraB());
    }
    for (auto &tensor : lora) {
        tensor.set_requires_grad(true);
        result.loraParameters += tensor.numel();
    }
    torch::optim::AdamW optimizer(lora, torch::optim::AdamWOptions(5e-4).weight_decay(1e-2));

    result.nonprivateStepSeconds = meanSeconds(config.repeats, [&] {
        optimizer.zero_grad();
        perRecordLoss(unet, batch).mean().backward();
        optimizer.step();
    });

    DpStepConfig stepConfig;
    stepConfig.noiseMultiplier = 1.0;
    stepConfig.expectedBatchSize = static_cast<double>(config.batchSize);
    DpGradientStep dpStep(lora, PerSampleConfig{}, stepConfig, NoiseRandomness::Reproducible,
                          config.seed);
    setRecorder(unet, &dpStep.recorder());
    result.dpStepSeconds = meanSeconds(config.repeats, [&] {
        optimizer.zero_grad();
        dpStep.recorder().beginMicroBatch(config.batchSize);
        perRecordLoss(unet, batch).sum().backward();
        (void)dpStep.recorder().endMicroBatch();
        dpStep.writeGradients();
        optimizer.step();
    });
    setRecorder(unet, nullptr);
    result.dpOverheadRatio = result.dpStepSeconds / result.nonprivateStepSeconds;

    // Probe: per-record, per-matrix squared norms of the jointly clipped full-weight gradients.
    std::vector<torch::Tensor> candidates;
    for (auto &[name, projection] : projections) {
        projection->detachLora();
        candidates.push_back(projection->weight);
        if (projection->bias.defined()) {
            candidates.push_back(projection->bias);
        }
    }
    for (auto &tensor : candidates) {
        tensor.set_requires_grad(true);
    }
    result.probeBaselineSeconds = meanSeconds(config.repeats, [&] {
        for (auto &tensor : candidates) {
            tensor.mutable_grad() = torch::Tensor();
        }
        perRecordLoss(unet, batch).mean().backward();
    });
    PerSampleConfig probeClipping;
    probeClipping.mode = ClipMode::Flat;
    probeClipping.accumulateClippedSums = false;
    PerSampleGradients probeRecorder(candidates, probeClipping);
    setRecorder(unet, &probeRecorder);
    result.probeSeconds = meanSeconds(config.repeats, [&] {
        probeRecorder.beginMicroBatch(config.batchSize);
        perRecordLoss(unet, batch).sum().backward();
        const torch::Tensor norms = probeRecorder.endMicroBatch();
        const torch::Tensor clip =
            torch::clamp_max(1.0 / norms.sum(1).sqrt().clamp_min(1e-12), 1.0);
        (void)(clip.pow(2).unsqueeze(1) * norms).sum(0);
    });
    setRecorder(unet, nullptr);
    result.probeOverheadRatio = result.probeSeconds / result.probeBaselineSeconds;
    return result;
}

BenchmarkMachine benchmarkMachine()
{
    const RuntimeInfo info = queryRuntimeInfo();
    return {info.intraOpThreads, info.libTorchVersion, info.defaultDevice()};
}

} // namespace dpsapf::core
