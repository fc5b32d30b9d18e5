// SPDX-License-Identifier: GPL-3.0-or-later
// Delta, sampling rates and the calibrated noise of a run, from public quantities only.
#include "dpsapf/core/privacy_plan.h"

#include "dpsapf/core/noise_calibration.h"
#include "dpsapf/core/run_config.h"

#include <fmt/format.h>

#include <algorithm>

namespace dpsapf::core {

Expected<PrivacyPlan> planPrivacy(const PrivacyPlanRequest &request)
{
    const std::int64_t n = request.trainRecords;
    if (n < 2) {
        return makeError(ErrorCode::InvalidArgument,
                         "dataset: DP training needs at least 2 training records");
    }
    if (request.delta > 0.0 && request.delta >= 1.0 / static_cast<double>(n)) {
        return makeError(ErrorCode::InvalidArgument,
                         fmt::format("privacy.delta: must be < 1/N = {:.3g} (N = {}): a larger "
                                     "delta allows releasing a whole record",
                                     1.0 / static_cast<double>(n), n));
    }
    if (request.batchSize < 1 || request.batchSize > n) {
        return makeError(ErrorCode::InvalidArgument,
                         fmt::format("train.batch_size: must lie in [1, N = {}]", n));
    }
    PrivacyPlan plan;
    plan.delta = request.delta > 0.0 ? request.delta : defaultDelta(n);
    plan.deltaRule = request.delta > 0.0 ? "fixed" : "1/(N ln N)";
    plan.sampleRate = static_cast<double>(request.batchSize) / static_cast<double>(n);
    plan.probeSampleRate =
        request.chargeProbe
            ? std::min(1.0, static_cast<double>(request.probeSampleSize) / static_cast<double>(n))
            : 0.0;
    CalibrationRequest calibration;
    if (request.chargeProbe) {
        calibration.fixedHistory.push_back({request.probeNoiseMultiplier, plan.probeSampleRate, 1});
    }
    calibration.sampleRate = plan.sampleRate;
    calibration.steps = request.steps;
    calibration.delta = plan.delta;
    calibration.targetEpsilon = request.targetEpsilon;
    calibration.accountant = request.accountant;
    Expected<CalibrationResult> calibrated = calibrateNoise(calibration);
    if (!calibrated) {
        return makeError(calibrated.error().code, "privacy.epsilon: " + calibrated.error().message);
    }
    plan.noiseMultiplier = calibrated->noiseMultiplier;
    plan.calibratedEpsilon = calibrated->epsilon;
    if (request.withBreakdown) {
        PrivacyHistory total = calibration.fixedHistory;
        total.push_back({plan.noiseMultiplier, plan.sampleRate, request.steps});
        if (Expected<EpsilonReport> rdp =
                computeEpsilonWithFallback(total, plan.delta, AccountantKind::Rdp);
            rdp) {
            plan.totalRdp = rdp.value();
        }
        if (request.chargeProbe) {
            for (AccountantKind kind : {AccountantKind::Prv, AccountantKind::Rdp}) {
                Expected<EpsilonReport> probe =
                    computeEpsilonWithFallback(calibration.fixedHistory, plan.delta, kind);
                if (probe) {
                    (kind == AccountantKind::Prv ? plan.probeOnlyPrv : plan.probeOnlyRdp) =
                        probe.value();
                }
            }
        }
    }
    if (request.targetEpsilon > 10.0) {
        plan.warnings.push_back(
            "epsilon above 10 gives weak protection: an attacker's odds of telling whether a "
            "record was used can grow by a factor of e^epsilon");
    }
    return plan;
}

} // namespace dpsapf::core
