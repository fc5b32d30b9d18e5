// SPDX-License-Identifier: GPL-3.0-or-later
// One entry point for "epsilon of this history" under the RDP or the PRV accountant, plus the
// analytic Gaussian mechanism used for probe-only feasibility checks (privacy-accounting.md §5).
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/privacy_history.h"

#include <optional>
#include <string>
#include <string_view>

namespace dpsapf::core {

enum class AccountantKind {
    Rdp, // Renyi DP with Opacus' order grid and the improved conversion
    Prv, // privacy random variables (Gopi et al. 2021); tighter; the calibration default
};

[[nodiscard]] std::string_view accountantName(AccountantKind kind); // "rdp" or "prv"
[[nodiscard]] std::optional<AccountantKind> parseAccountant(std::string_view name);

struct EpsilonReport {
    AccountantKind accountant = AccountantKind::Prv;
    double delta = 0.0;
    double epsilon = 0.0; // the guarantee (PRV: eps_upper)
    // RDP only: the optimal order and whether it sits on the edge of the order grid.
    double optimalOrder = 0.0;
    bool orderAtGridEdge = false;
    // PRV only: the estimate and lower bound around the guarantee.
    double epsilonEstimate = 0.0;
    double epsilonLower = 0.0;
    // Set when PRV was asked for but failed and the RDP bound is shown instead: the reason.
    std::string prvFailure;
};

// Epsilon of a history at delta under one accountant. Errors name the invalid field, or say why
// the accountant could not produce a trustworthy number (never NaN).
[[nodiscard]] Expected<EpsilonReport> computeEpsilon(const PrivacyHistory &history, double delta,
                                                     AccountantKind accountant);

// As computeEpsilon; when PRV fails numerically, returns the RDP bound with prvFailure set (a
// visible flag, never a silent swap; privacy-accounting.md §3.6). Invalid input is still an error.
[[nodiscard]] Expected<EpsilonReport>
computeEpsilonWithFallback(const PrivacyHistory &history, double delta, AccountantKind accountant);

// delta(epsilon) of one Gaussian mechanism with noise multiplier sigma, without subsampling
// (Balle & Wang 2018): Phi(-eps*sigma + 1/(2 sigma)) - e^eps * Phi(-eps*sigma - 1/(2 sigma)).
[[nodiscard]] double analyticGaussianDelta(double noiseMultiplier, double epsilon);

} // namespace dpsapf::core
