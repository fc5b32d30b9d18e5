// SPDX-License-Identifier: GPL-3.0-or-later
// RDP accountant for compositions of Poisson-subsampled Gaussian mechanisms (Mironov, Talwar,
// Zhang 2019) with Opacus' conventions: order grid, signed fractional series, and the RDP to
// (epsilon, delta) conversion of Balle et al. 2020. See privacy-accounting.md §2.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/privacy_history.h"

#include <vector>

namespace dpsapf::core {

enum class RdpConversion {
    Improved, // Balle et al. 2020, Thm 21 (Opacus get_privacy_spent); the default
    Mironov,  // Mironov 2017, Prop. 3: looser; only to reproduce older published numbers
};

struct RdpOptions {
    bool extendedOrders = false; // append {128, 256, 512, 1024} to the Opacus grid
    RdpConversion conversion = RdpConversion::Improved;
};

struct RdpEpsilon {
    double epsilon = 0.0;
    double optimalOrder = 0.0;
    bool orderAtGridEdge =
        false; // the optimum is the smallest or largest order: grid-limited bound
};

// Opacus' RDPAccountant.DEFAULT_ALPHAS: 1.1, 1.2, ..., 10.9 and 12, ..., 63 (151 orders).
[[nodiscard]] std::vector<double> rdpOrders(const RdpOptions &options = {});

// RDP at order alpha of one Poisson-subsampled Gaussian step (may be +inf).
[[nodiscard]] double rdpOfSubsampledGaussian(double sampleRate, double noiseMultiplier,
                                             double order);

// Composed RDP of a history at every order.
[[nodiscard]] std::vector<double> rdpOfHistory(const PrivacyHistory &history,
                                               const std::vector<double> &orders);

// Converts RDP values at the given orders into (epsilon, optimal order) at delta.
[[nodiscard]] RdpEpsilon rdpToEpsilon(const std::vector<double> &orders,
                                      const std::vector<double> &rdp, double delta,
                                      RdpConversion conversion = RdpConversion::Improved);

// Epsilon of a history at delta. Errors for an invalid history or delta outside (0, 1).
[[nodiscard]] Expected<RdpEpsilon> rdpEpsilon(const PrivacyHistory &history, double delta,
                                              const RdpOptions &options = {});

} // namespace dpsapf::core
