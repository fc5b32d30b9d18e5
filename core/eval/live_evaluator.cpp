// SPDX-License-Identifier: GPL-3.0-or-later
// Live FID and accuracy proxy during training.
#include "eval/live_evaluator.h"

#include "eval/fid.h"
#include "pipeline/synthesis.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>

namespace dpsapf::core {

LiveEvaluator::LiveEvaluator(RunContext &run, std::unique_ptr<FeatureBackbone> backbone)
    : m_run(run)
    , m_backbone(std::move(backbone))
{}

Expected<std::unique_ptr<LiveEvaluator>> LiveEvaluator::create(RunContext &run,
                                                               const SensitiveData &data,
                                                               UNet &unet, Conditioner &conditioner,
                                                               const PublicModel &model)
{
    Expected<std::unique_ptr<FeatureBackbone>> backbone = loadFeatureBackbone();
    if (!backbone) {
        return backbone.error();
    }
    std::unique_ptr<LiveEvaluator> live(new LiveEvaluator(run, std::move(backbone).value()));
    // The reference: all training records or the first live_reference_records of a seeded
    // permutation.
    const std::int64_t limit = run.config.eval.liveReferenceRecords;
    torch::Tensor referenceImages = data.images;
    if (limit > 0 && limit < data.size()) {
        auto generator = at::make_generator<at::CPUGeneratorImpl>(run.seed("live-eval-reference"));
        referenceImages = data.images.index_select(
            0, torch::randperm(data.size(), generator, torch::kInt64).slice(0, 0, limit));
    }
    const ReferenceKey key{
        data.fingerprint,
        fmt::format("training split at the model's resolution, {} of {} "
                    "records (seed {})",
                    referenceImages.size(0), data.size(), run.seed("live-eval-reference")),
        referenceImages.size(0),
        fmt::format("{}x{}x{}", data.images.size(3), data.images.size(2), data.images.size(1))};
    Expected<FeatureStatistics> reference = referenceStatistics(
        *live->m_backbone, referenceImages, key, run.paths.root / "eval" / "cache");
    if (!reference) {
        return reference.error();
    }
    live->m_reference = std::move(reference).value();
    const std::int64_t proxyCount = std::min(run.config.eval.liveProxyRecords, data.size());
    auto generator = at::make_generator<at::CPUGeneratorImpl>(run.seed("live-eval-proxy"));
    const torch::Tensor proxy =
        torch::randperm(data.size(), generator, torch::kInt64).slice(0, 0, proxyCount);
    Expected<torch::Tensor> features =
        live->m_backbone->features(data.images.index_select(0, proxy));
    if (!features) {
        return features.error();
    }
    live->m_proxyFeatures = features.value();
    live->m_proxyLabels = data.labels.index_select(0, proxy);
    const auto classes = static_cast<std::int64_t>(run.plan.classNames.size());
    const std::int64_t perClass = run.config.eval.liveImagesPerClass;
    for (std::int64_t j = 0; j < classes * perClass; ++j) {
        live->m_labels.push_back(j / perClass);
        live->m_seeds.push_back(run.seed("live-eval", static_cast<std::uint64_t>(j)));
    }
    const auto start = std::chrono::steady_clock::now();
    {
        torch::NoGradGuard noGrad;
        (void)synthesize(unet, conditioner, model, {live->m_labels.front()},
                         {live->m_seeds.front()}, run.config.generate);
    }
    live->m_secondsPerImage =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return live;
}

double LiveEvaluator::expectedSeconds() const
{
    return m_lastSeconds > 0.0 ? m_lastSeconds
                               : m_secondsPerImage * static_cast<double>(m_labels.size());
}

Expected<nlohmann::json> LiveEvaluator::evaluate(UNet &unet, Conditioner &conditioner,
                                                 const PublicModel &model, std::int64_t step)
{
    const auto start = std::chrono::steady_clock::now();
    torch::NoGradGuard noGrad;
    const torch::Tensor images =
        synthesize(unet, conditioner, model, m_labels, m_seeds, m_run.config.generate);
    Expected<torch::Tensor> features = m_backbone->features(images);
    if (!features) {
        return features.error();
    }
    Expected<FeatureStatistics> statistics = featureStatistics(features.value());
    if (!statistics) {
        return statistics.error();
    }
    Expected<double> fid = frechetDistance(m_reference, statistics.value());
    if (!fid) {
        return fid.error();
    }
    // Nearest class mean, fitted on the generated sample, tested on the proxy records.
    const torch::Tensor labels = torch::tensor(m_labels, torch::kInt64);
    const auto classes = static_cast<std::int64_t>(m_run.plan.classNames.size());
    const torch::Tensor means =
        torch::zeros({classes, features->size(1)}).index_add_(0, labels, features.value()) /
        torch::bincount(labels, {}, classes).unsqueeze(1).to(torch::kFloat32);
    const torch::Tensor predicted = torch::cdist(m_proxyFeatures, means).argmin(1);
    const double proxy = predicted.eq(m_proxyLabels).to(torch::kFloat64).mean().item<double>();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m_lastSeconds = seconds;
    return nlohmann::json{{"step", step},
                          {"eval", true},
                          {"fid", fid.value()},
                          {"fid_backbone", m_backbone->info().id},
                          {"fid_images", static_cast<std::int64_t>(m_labels.size())},
                          {"fid_reference_images", m_reference.count},
                          {"accuracy_proxy", proxy},
                          {"eval_seconds", seconds}};
}

} // namespace dpsapf::core
