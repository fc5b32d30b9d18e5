// SPDX-License-Identifier: GPL-3.0-or-later
// Derived privacy values for the privacy view (privacy_preview.h).
#include "privacy_preview.h"

#include "dpsapf/core/benchmarks.h"
#include "dpsapf/core/privacy_plan.h"

#include <QObject>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>

namespace dpsapf::app {
namespace {

QString minutes(double seconds)
{
    if (seconds < 90.0) {
        return QObject::tr("%1 s").arg(std::lround(seconds));
    }
    if (seconds < 5400.0) {
        return QObject::tr("%1 min").arg(std::lround(seconds / 60.0));
    }
    return QObject::tr("%1 h").arg(seconds / 3600.0, 0, 'f', 1);
}

qint64 microBatches(qint64 records, qint64 microBatch)
{
    return (records + microBatch - 1) / microBatch;
}

} // namespace

std::optional<MeasuredSpeed> measureSpeed(QString *error)
{
    core::DpStepBenchmarkConfig config;
    config.batchSize = 64;
    config.repeats = 2;
    const core::Expected<core::DpStepBenchmarkResult> result = core::benchmarkDpStep(config);
    if (!result) {
        if (error != nullptr) {
            *error = QString::fromStdString(result.error().message);
        }
        return std::nullopt;
    }
    MeasuredSpeed speed;
    speed.dpStepSeconds = result->dpStepSeconds;
    speed.probeSeconds = result->probeSeconds;
    speed.threads = core::benchmarkMachine().computeThreads;
    speed.gmacPerImage = result->forwardGmacPerImage;
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        speed.peakMemoryMb = static_cast<double>(usage.ru_maxrss) / 1024.0; // kB on Linux
    }
    return speed;
}

ui::PrivacyPreview computePrivacyPreview(const PreviewRequest &request)
{
    ui::PrivacyPreview preview;
    const ui::PrivacyInputs &in = request.inputs;
    if (request.trainRecords < 2) {
        preview.error = QObject::tr("Load a dataset on the Data page: N, δ and the sampling "
                                    "rates depend on its size.");
        return preview;
    }
    core::PrivacyPlanRequest plan;
    plan.trainRecords = request.trainRecords;
    plan.targetEpsilon = in.epsilon;
    plan.delta = in.delta;
    plan.chargeProbe = true;
    plan.probeSampleSize = in.probeSampleSize;
    plan.probeNoiseMultiplier = in.probeNoise;
    plan.batchSize = std::min<qint64>(in.batchSize, request.trainRecords);
    plan.steps = in.steps;
    plan.accountant = request.final ? core::AccountantKind::Prv : core::AccountantKind::Rdp;
    plan.withBreakdown = true;
    const core::Expected<core::PrivacyPlan> result = core::planPrivacy(plan);
    if (!result) {
        preview.error = QString::fromStdString(result.error().message);
        return preview;
    }
    preview.records = request.trainRecords;
    preview.delta = result->delta;
    preview.deltaRule = QString::fromStdString(result->deltaRule);
    preview.sampleRate = result->sampleRate;
    preview.probeSampleRate = result->probeSampleRate;
    preview.sigma = result->noiseMultiplier;
    preview.accountant = request.final ? QStringLiteral("PRV") : QStringLiteral("RDP");
    preview.final = request.final;
    if (result->probeOnlyRdp) {
        preview.probeEpsilonRdp = result->probeOnlyRdp->epsilon;
    }
    if (request.final && result->probeOnlyPrv) {
        preview.probeEpsilonPrv = result->probeOnlyPrv->epsilon;
    }
    preview.totalEpsilonRdp = result->totalRdp ? result->totalRdp->epsilon : 0.0;
    for (const std::string &warning : result->warnings) {
        preview.warnings << QString::fromStdString(warning);
    }
    if (request.model) {
        const auto &matrices = request.model->attentionMatrices;
        preview.candidateMatrices = static_cast<int>(matrices.size());
        preview.selectedMatrices =
            static_cast<int>(std::floor(in.ratio * static_cast<double>(matrices.size()) + 1e-9));
        const core::LoraParameterRange range =
            core::loraParameterRange(matrices, request.loraRank, preview.selectedMatrices);
        preview.sapfParametersFewest = range.fewest;
        preview.sapfParametersMost = range.most;
        preview.loraParameters = range.all;
    }
    // The speed test runs the bundled model; another model's time is scaled by its analytic
    // compute per image (0.17 GMAC for sapf-tiny, 90 GMAC for SD1.5 at 256 px).
    const double modelGmac = request.model ? request.model->forwardGmacPerImage : 0.0;
    const double speedGmac = request.speed ? request.speed->gmacPerImage : 0.0;
    const bool scaled =
        modelGmac > 0.0 && speedGmac > 0.0 && std::fabs(modelGmac / speedGmac - 1.0) > 0.01;
    if (request.speed && request.model && request.model->latent && speedGmac <= 0.0) {
        preview.runtime = QObject::tr("measure this computer's speed again: the stored "
                                      "measurement cannot be scaled to this model");
        preview.memory = preview.runtime;
    } else if (request.speed) {
        const MeasuredSpeed &speed = *request.speed;
        const double factor = scaled ? modelGmac / speed.gmacPerImage : 1.0;
        const double probe =
            static_cast<double>(microBatches(std::min(in.probeSampleSize, request.trainRecords),
                                             request.microBatch)) *
            speed.probeSeconds * factor;
        const double train = static_cast<double>(in.steps) *
                             static_cast<double>(microBatches(plan.batchSize, request.microBatch)) *
                             speed.dpStepSeconds * factor;
        preview.runtime = QObject::tr("about %1 for probe and training on this computer (%2 "
                                      "threads; DP-LoRA speed, an upper bound for DP-SAPF), plus "
                                      "image generation")
                              .arg(minutes(probe + train))
                              .arg(speed.threads);
        preview.memory = QObject::tr("peak %1 MB measured during the speed test (micro-batches "
                                     "of %2)")
                             .arg(std::lround(speed.peakMemoryMb))
                             .arg(request.microBatch);
        if (scaled) {
            preview.runtime += QObject::tr("; scaled from the bundled model's speed by the "
                                           "compute per image (%1 vs %2 GMAC)")
                                   .arg(modelGmac, 0, 'f', 1)
                                   .arg(speed.gmacPerImage, 0, 'f', 2);
            preview.memory += QObject::tr(" with the bundled model; this model needs more");
        }
    } else {
        preview.runtime = QObject::tr("not measured yet: use “Measure this computer's speed”");
        preview.memory = preview.runtime;
    }
    return preview;
}

} // namespace dpsapf::app
