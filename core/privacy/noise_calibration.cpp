// SPDX-License-Identifier: GPL-3.0-or-later
// Noise calibration with Opacus' bracket (sigma_high = 20, 40, ...) and bisection in epsilon units.
#include "dpsapf/core/noise_calibration.h"

#include "dpsapf/core/logging.h"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <string>

namespace dpsapf::core {
namespace {

constexpr double kMaxNoiseMultiplier = 1e6;

std::string describe(const PrivacyEvent &event)
{
    return "(noise multiplier " + fmt::format("{}", event.noiseMultiplier) + ", sample rate " +
           fmt::format("{}", event.sampleRate) + ", count " + std::to_string(event.count) + ")";
}

} // namespace

Expected<bool> CalibrationRequest::validate() const
{
    if (auto valid = validateHistory(fixedHistory); !valid) {
        return valid.error();
    }
    if (!(sampleRate > 0.0 && sampleRate <= 1.0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "sample rate must lie in (0, 1], got " + fmt::format("{}", sampleRate));
    }
    if (steps < 1) {
        return makeError(ErrorCode::InvalidArgument,
                         "steps must be >= 1, got " + std::to_string(steps));
    }
    if (!(delta > 0.0 && delta < 1.0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "delta must lie in (0, 1), got " + fmt::format("{}", delta));
    }
    if (!(targetEpsilon > 0.0) || std::isinf(targetEpsilon)) {
        return makeError(ErrorCode::InvalidArgument,
                         "target epsilon must be a positive finite number, got " +
                             fmt::format("{}", targetEpsilon));
    }
    if (!(epsilonTolerance > 0.0) || std::isinf(epsilonTolerance)) {
        return makeError(ErrorCode::InvalidArgument, "epsilon tolerance must be positive, got " +
                                                         fmt::format("{}", epsilonTolerance));
    }
    return true;
}

Expected<CalibrationResult> calibrateNoise(const CalibrationRequest &request)
{
    if (auto valid = request.validate(); !valid) {
        return valid.error();
    }
    CalibrationResult result;

    // Probe-only feasibility before any search (privacy-accounting.md §5).
    const PrivacyHistory fixed = normalizeHistory(request.fixedHistory);
    for (const PrivacyEvent &event : fixed) {
        const bool singleFullRelease =
            event.sampleRate == 1.0 && event.count == 1 && event.noiseMultiplier > 0.0;
        if (singleFullRelease &&
            analyticGaussianDelta(event.noiseMultiplier, request.targetEpsilon) > request.delta) {
            return makeError(ErrorCode::Unreachable,
                             "budget too low for the probe: the release " + describe(event) +
                                 " alone exceeds epsilon " +
                                 fmt::format("{}", request.targetEpsilon) + " at delta " +
                                 fmt::format("{}", request.delta));
        }
    }
    if (!fixed.empty()) {
        const Expected<EpsilonReport> fixedOnly =
            computeEpsilon(fixed, request.delta, request.accountant);
        ++result.evaluations;
        if (!fixedOnly) {
            return fixedOnly.error();
        }
        if (fixedOnly->epsilon >= request.targetEpsilon) {
            return makeError(
                ErrorCode::Unreachable,
                "budget too low for the probe: the fixed releases alone spend epsilon " +
                    fmt::format("{}", fixedOnly->epsilon) + " of the target " +
                    fmt::format("{}", request.targetEpsilon));
        }
    }

    const auto epsilonAt = [&](double noiseMultiplier) -> Expected<EpsilonReport> {
        PrivacyHistory history = fixed;
        history.push_back({noiseMultiplier, request.sampleRate, request.steps});
        ++result.evaluations;
        // Where PRV has no trustworthy number (small sigma, large q), its RDP bound still is one.
        return computeEpsilonWithFallback(history, request.delta, request.accountant);
    };

    double sigmaLow = 0.0;
    double sigmaHigh = 10.0;
    double epsilonHigh = std::numeric_limits<double>::infinity();
    while (epsilonHigh > request.targetEpsilon) {
        sigmaHigh *= 2.0;
        const Expected<EpsilonReport> high = epsilonAt(sigmaHigh);
        if (!high) {
            return high.error();
        }
        epsilonHigh = high->epsilon;
        if (sigmaHigh > kMaxNoiseMultiplier) {
            return makeError(ErrorCode::Unreachable, "the privacy budget is too low: epsilon " +
                                                         fmt::format("{}", request.targetEpsilon) +
                                                         " needs a noise multiplier above 1e6");
        }
    }
    // Also stops when the bracket cannot shrink further (every smaller sigma failed numerically).
    while (request.targetEpsilon - epsilonHigh > request.epsilonTolerance &&
           sigmaHigh - sigmaLow > 1e-9 * sigmaHigh) {
        const double sigma = (sigmaLow + sigmaHigh) / 2.0;
        const Expected<EpsilonReport> middle = epsilonAt(sigma);
        if (!middle) {
            if (middle.error().code != ErrorCode::NumericalFailure) {
                return middle.error();
            }
            // No trustworthy epsilon at this (small) sigma: treat it as too little noise. The
            // result is always a sigma whose epsilon was computed.
            logger(LogChannel::Privacy)
                ->debug("calibration: no epsilon at sigma {} ({}); searching above it", sigma,
                        middle.error().message);
            sigmaLow = sigma;
            continue;
        }
        if (middle->epsilon < request.targetEpsilon) {
            sigmaHigh = sigma;
            epsilonHigh = middle->epsilon;
        } else {
            sigmaLow = sigma;
        }
    }
    result.noiseMultiplier = sigmaHigh;
    result.epsilon = epsilonHigh;
    if (!(result.epsilon <= request.targetEpsilon)) {
        return makeError(ErrorCode::NumericalFailure, "calibration overshoot: epsilon " +
                                                          fmt::format("{}", result.epsilon) +
                                                          " exceeds the target");
    }
    logger(LogChannel::Privacy)
        ->info("calibrated noise multiplier {:.6f} for epsilon {:.4f} <= {} at delta {:.3g} ({} "
               "accountant, {} "
               "evaluations)",
               result.noiseMultiplier, result.epsilon, request.targetEpsilon, request.delta,
               accountantName(request.accountant), result.evaluations);
    return result;
}

} // namespace dpsapf::core
