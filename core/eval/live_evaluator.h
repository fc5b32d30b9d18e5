// SPDX-License-Identifier: GPL-3.0-or-later
// Live metrics during DP training (RunConfig::eval): a class-balanced sample from fixed seeds
// (stream "live-eval", the same at every evaluation), its FID against the training split's
// cached statistics (bundled backbone, model resolution) and an accuracy proxy: a nearest-class-
// mean classifier in feature space fitted on the sample, tested on a fixed subset of training
// records. Both use sensitive data and are NOT covered by the DP guarantee; they stay in the run's
// metrics.jsonl. Generation draws no global random numbers, so training is unchanged.
#pragma once

#include "eval/feature_backbone.h"
#include "eval/frechet_distance.h"
#include "model/conditioning/class_conditioner.h"
#include "model/unet/unet.h"
#include "pipeline/public_model.h"
#include "pipeline/run_context.h"

#include <nlohmann/json.hpp>

#include <memory>

namespace dpsapf::core {

class LiveEvaluator
{
public:
    // Loads the backbone and the reference statistics (cached under <run>/eval/cache) and times
    // the generation of one image (the cost estimate before the first evaluation).
    [[nodiscard]] static Expected<std::unique_ptr<LiveEvaluator>>
    create(RunContext &run, const SensitiveData &data, UNet &unet, Conditioner &conditioner,
           const PublicModel &model);

    // The metrics line {"step", "eval": true, "fid", "fid_backbone", "fid_images",
    // "accuracy_proxy", "eval_seconds"} for the current weights.
    [[nodiscard]] Expected<nlohmann::json> evaluate(UNet &unet, Conditioner &conditioner,
                                                    const PublicModel &model, std::int64_t step);

    // Seconds the next evaluation is expected to take: the last one's, or before the first one
    // the one-image generation time times the sample size (an overestimate: batches are faster).
    [[nodiscard]] double expectedSeconds() const;

private:
    LiveEvaluator(RunContext &run, std::unique_ptr<FeatureBackbone> backbone);

    RunContext &m_run;
    std::unique_ptr<FeatureBackbone> m_backbone;
    FeatureStatistics m_reference;
    torch::Tensor m_proxyFeatures; // [M, d] of the proxy records
    torch::Tensor m_proxyLabels;
    std::vector<std::int64_t> m_labels; // of the live sample, class-major
    std::vector<std::uint64_t> m_seeds;
    double m_secondsPerImage = 0.0;
    double m_lastSeconds = 0.0;
};

} // namespace dpsapf::core
