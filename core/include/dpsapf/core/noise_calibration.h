// SPDX-License-Identifier: GPL-3.0-or-later
// Noise calibration: the smallest DP-SGD noise multiplier whose composition with a fixed history
// (e.g. the saliency probe) meets a target (epsilon, delta). Opacus' get_noise_multiplier bracket
// and bisection, with the history prepended as DP-SAPF does (privacy-accounting.md §6).
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/privacy_accountant.h"
#include "dpsapf/core/privacy_history.h"

#include <cstdint>

namespace dpsapf::core {

struct CalibrationRequest {
    PrivacyHistory fixedHistory; // releases charged before training, e.g. the probe
    double sampleRate = 0.0;     // DP-SGD Poisson rate q = B / N
    std::int64_t steps = 0; // DP-SGD steps T (an integer, never derived from a float epoch count)
    double delta = 0.0;
    double targetEpsilon = 0.0;
    AccountantKind accountant = AccountantKind::Prv;
    double epsilonTolerance = 0.01; // bisection stops once target - epsilon <= tolerance

    [[nodiscard]] Expected<bool> validate() const;
};

struct CalibrationResult {
    double noiseMultiplier = 0.0; // the conservative end of the final bracket
    double epsilon = 0.0;         // epsilon of fixedHistory + (noiseMultiplier, q, T); <= target
    int evaluations = 0;          // accountant evaluations used
};

// Errors: an invalid request (message names the field); "budget too low for the probe" when the
// fixed history alone reaches the target; "the privacy budget is too low" when sigma > 1e6 would
// be needed; accountant failures.
[[nodiscard]] Expected<CalibrationResult> calibrateNoise(const CalibrationRequest &request);

} // namespace dpsapf::core
