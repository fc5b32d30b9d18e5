// SPDX-License-Identifier: GPL-3.0-or-later
// The DP-SAPF saliency probe: jointly clipped per-key gradient masses plus Gaussian noise.
#include "probe/saliency_probe.h"

#include "dpsapf/core/logging.h"
#include "dpsapf/core/poisson_sampler.h"
#include "privacy/per_sample/per_sample_gradients.h"

#include <torch/torch.h>

#include <cmath>

namespace dpsapf::core {

Expected<bool> ProbeConfig::validate() const
{
    if (!(sampleRate > 0.0 && sampleRate <= 1.0)) {
        return makeError(ErrorCode::InvalidArgument, "probe: sample rate q_s must lie in (0, 1]");
    }
    if (!(noiseMultiplier > 0.0) || std::isinf(noiseMultiplier)) {
        return makeError(ErrorCode::InvalidArgument,
                         "probe: noise multiplier sigma_s must be positive and finite");
    }
    if (!(clipNorm > 0.0) || std::isinf(clipNorm)) {
        return makeError(ErrorCode::InvalidArgument,
                         "probe: clip norm C must be positive and finite");
    }
    if (microBatchSize < 1) {
        return makeError(ErrorCode::InvalidArgument, "probe: micro-batch size must be >= 1");
    }
    return true;
}

Expected<NoisyScores> runSaliencyProbe(UNet &unet, std::int64_t datasetSize,
                                       const PerRecordLoss &perRecordLoss,
                                       const ProbeConfig &config, const std::atomic<bool> *stop)
{
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    auto projections =
        config.allLinearLayers ? unet->linearProjections() : unet->attentionProjections();
    // Candidate tensors and, per tensor, the key (projection) it belongs to.
    std::vector<torch::Tensor> tensors;
    std::vector<std::size_t> keyOfTensor;
    NoisyScores scores;
    for (const auto &[name, projection] : projections) {
        // Processor of ".../attn1.to_q" is ".../attn1"; of ".../attn1.to_out.0" also.
        const std::string key =
            config.perProcessor ? name.substr(0, name.find(".to_", name.rfind("attn"))) : name;
        if (scores.keys.empty() || scores.keys.back() != key) {
            scores.keys.push_back(key);
            scores.shapes.push_back(
                config.perProcessor ? std::vector<std::int64_t>{}
                                    : std::vector<std::int64_t>(projection->weight.sizes().begin(),
                                                                projection->weight.sizes().end()));
        }
        const std::size_t keyIndex = scores.keys.size() - 1;
        tensors.push_back(projection->weight);
        keyOfTensor.push_back(keyIndex);
        if (projection->bias.defined()) {
            tensors.push_back(projection->bias);
            keyOfTensor.push_back(keyIndex);
        }
    }
    std::vector<bool> previousRequiresGrad;
    for (auto &parameter : unet->parameters()) {
        previousRequiresGrad.push_back(parameter.requires_grad());
        parameter.set_requires_grad(false);
    }
    for (auto &tensor : tensors) {
        tensor.set_requires_grad(true);
    }
    PerSampleConfig clipping;
    clipping.mode = ClipMode::Flat;
    clipping.maxGradNorm = config.clipNorm;
    clipping.accumulateClippedSums = false;
    PerSampleGradients recorder(tensors, clipping);
    for (auto &[name, projection] : projections) {
        projection->setPerSampleRecorder(&recorder);
    }
    const auto restore = [&] {
        for (auto &[name, projection] : projections) {
            projection->setPerSampleRecorder(nullptr);
        }
        std::size_t i = 0;
        for (auto &parameter : unet->parameters()) {
            parameter.set_requires_grad(previousRequiresGrad[i++]);
        }
    };

    // S_m = sum_i min(1, C/||g_i||)^2 * ||g_{i,m}||^2, accumulated in float64. Never released as
    // is.
    torch::Tensor cleanSums =
        torch::zeros({static_cast<std::int64_t>(scores.keys.size())}, torch::kFloat64);
    const torch::Tensor keyIndex = torch::tensor(
        std::vector<std::int64_t>(keyOfTensor.begin(), keyOfTensor.end()), torch::kInt64);
    PoissonSampler sampler({datasetSize, config.sampleRate, config.seed});
    const std::vector<std::int64_t> sample = sampler.next();
    unet->eval();
    for (const auto &microBatch :
         PoissonSampler::splitIntoMicroBatches(sample, config.microBatchSize)) {
        if (stop != nullptr && stop->load()) {
            restore();
            return makeError(ErrorCode::Cancelled, "probe stopped before its release");
        }
        recorder.beginMicroBatch(static_cast<std::int64_t>(microBatch.size()));
        perRecordLoss(microBatch).sum().backward();
        const torch::Tensor norms =
            recorder.endMicroBatch().to(torch::kFloat64).cpu(); // [B, tensors]
        const torch::Tensor total = norms.sum(1).sqrt();
        const torch::Tensor factors =
            torch::clamp_max(config.clipNorm / total.clamp_min(1e-300), 1.0);
        const torch::Tensor perTensor = (factors.pow(2).unsqueeze(1) * norms).sum(0);
        cleanSums.index_add_(0, keyIndex, perTensor);
    }
    restore();

    // One release: N(0, (sigma_s C^2)^2) per key (sensitivity C^2, method.md §4.3).
    GaussianNoise noise(config.randomness, config.seed ^ 0x5A11E9C7B0BEULL);
    torch::Tensor noisy = cleanSums.clone();
    noise.addTo(noisy, config.noiseMultiplier, config.clipNorm * config.clipNorm);
    cleanSums.zero_();
    const auto *values = noisy.data_ptr<double>();
    scores.scores.assign(values, values + noisy.numel());
    scores.noiseMultiplier = config.noiseMultiplier;
    scores.clipNorm = config.clipNorm;
    scores.sampleRate = config.sampleRate;
    scores.recordsUsed = static_cast<std::int64_t>(sample.size());
    scores.seed = config.seed;
    logger(LogChannel::Probe)
        ->info("saliency probe released {} noisy scores (sigma_s {}, C {}, q_s {})",
               scores.keys.size(), config.noiseMultiplier, config.clipNorm, config.sampleRate);
    return scores;
}

} // namespace dpsapf::core
