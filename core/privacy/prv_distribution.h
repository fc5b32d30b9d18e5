// SPDX-License-Identifier: GPL-3.0-or-later
// Privacy loss random variables of the Poisson-subsampled Gaussian (Gopi, Lee, Wutschitz 2021,
// Propositions B1/B4): CDF, truncation, mean, discretisation on an aligned grid, composition.
#pragma once

#include "dpsapf/core/expected.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace dpsapf::core::prv {

// An even-sized grid t_j = tMin + j * dt(), j < size (numpy.linspace(tMin, tMax, size)). shifts is
// the total mean correction the grid has been moved by.
struct Domain {
    double tMin = 0.0;
    double tMax = 0.0;
    std::int64_t size = 0;
    double shifts = 0.0;

    [[nodiscard]] double dt() const;
    [[nodiscard]] std::vector<double> points() const;
    [[nodiscard]] Domain shiftedRight(double shift) const;
};

// Opacus' Domain.create_aligned: the end points rounded out to multiples of dt, one more point on
// top when the count would be odd.
[[nodiscard]] Expected<Domain> createAlignedDomain(double tMin, double tMax, double dt);

// The PRV of one Poisson-subsampled Gaussian step with noise multiplier sigma > 0, rate q in (0,
// 1].
class SubsampledGaussianPrv
{
public:
    SubsampledGaussianPrv(double sampleRate, double noiseMultiplier);

    // 0 for t <= ln(1 - q); 1 - q/2 erfc((2 z s^2 - 1)/(2 sqrt2 s)) - (1-q)/2 erfc((2 z s^2 +
    // 1)/...) with z = ln((e^t + q - 1)/q) otherwise (z = t when q = 1).
    [[nodiscard]] double cdf(double t) const;

    [[nodiscard]] double sampleRate() const { return m_sampleRate; }
    [[nodiscard]] double noiseMultiplier() const { return m_noiseMultiplier; }

private:
    double m_sampleRate;
    double m_noiseMultiplier;
    double m_logOneMinusRate; // -inf for q = 1
};

// The PRV conditioned on [tMin, tMax].
class TruncatedPrv
{
public:
    TruncatedPrv(const SubsampledGaussianPrv &prv, double tMin, double tMax);

    // 0 below tMin, 1 at or above tMax, (cdf(t) - cdf(tMin)) / remainingMass() in between.
    [[nodiscard]] double cdf(double t) const;
    [[nodiscard]] double remainingMass() const { return m_remainingMass; }
    // Continuous mean, [t F(t)] - integral of F over Opacus' partition of [tMin, tMax]
    // (adaptive Gauss-Kronrod, absolute error about 1e-13).
    [[nodiscard]] double mean() const;

private:
    SubsampledGaussianPrv m_prv;
    double m_tMin;
    double m_tMax;
    double m_cdfAtMin;
    double m_remainingMass;
};

// A probability mass function on a grid.
struct DiscretePrv {
    std::vector<double> pmf;
    Domain domain;
};

// p_j = F(t_j + dt/2) - F(t_j - dt/2), then the grid is shifted so that its mean equals the
// continuous mean. Fails when the shift is at least dt/2 or the truncated mass is not positive.
[[nodiscard]] Expected<DiscretePrv> discretize(const TruncatedPrv &prv, const Domain &domain);

// Adaptive Gauss-Kronrod (21 points) integral of f over [a, b]; exposed for tests.
[[nodiscard]] double integrate(const std::function<double(double)> &f, double a, double b);

} // namespace dpsapf::core::prv
