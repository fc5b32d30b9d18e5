// SPDX-License-Identifier: GPL-3.0-or-later
// PRV accountant (Gopi, Lee, Wutschitz 2021): safe domain from RDP, discretisation, FFT
// composition and epsilon extraction as in Opacus' prv.py and compose.py (accounting §3).
#include "dpsapf/core/prv_accountant.h"

#include "dpsapf/core/rdp_accountant.h"
#include "privacy/fft.h"
#include "privacy/prv_distribution.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fmt/format.h>
#include <limits>
#include <new>
#include <sstream>
#include <string>

namespace dpsapf::core {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Domain half-width margin added to the RDP bound (Opacus compute_safe_domain_size).
constexpr double kDomainMargin = 3.0;
// Largest grid we try (a 2^26-point Bluestein transform, about 1 GiB per work array).
constexpr std::int64_t kMaxGridSize = std::int64_t{1} << 24;

Error numericalFailure(const std::string &message)
{
    return makeError(ErrorCode::NumericalFailure, message);
}

std::string describe(const PrivacyEvent &event)
{
    std::ostringstream text;
    text << "(noise multiplier " << event.noiseMultiplier << ", sample rate " << event.sampleRate
         << ", count " << event.count << ")";
    return text.str();
}

// Half-width L of the domain [-L, L] (privacy-accounting.md §3.2).
Expected<double> safeDomainHalfWidth(const PrivacyHistory &events, std::int64_t totalSteps,
                                     double epsError, double deltaError)
{
    const Expected<RdpEpsilon> whole = rdpEpsilon(events, deltaError / 4.0);
    if (!whole) {
        return whole.error();
    }
    double halfWidth = whole->epsilon;
    const double singleDelta = deltaError / (8.0 * static_cast<double>(totalSteps));
    for (const PrivacyEvent &event : events) {
        const Expected<RdpEpsilon> single =
            rdpEpsilon(PrivacyHistory{{event.noiseMultiplier, event.sampleRate, 1}}, singleDelta);
        if (!single) {
            return single.error();
        }
        halfWidth = std::max(halfWidth, single->epsilon);
    }
    halfWidth = std::max(halfWidth, epsError) + kDomainMargin;
    if (!std::isfinite(halfWidth)) {
        return numericalFailure("PRV: the RDP bound for the domain size is not finite");
    }
    return halfWidth;
}

// count-fold self-composition: circular convolution power, rolled so that the grid stays put,
// and the domain moved by shifts * (count - 1) (Opacus _compose_fourier).
prv::DiscretePrv composeSelf(const prv::DiscretePrv &prv, std::int64_t count)
{
    const std::vector<double> composed = fft::circularConvolutionPower(prv.pmf, count);
    const auto size = static_cast<std::int64_t>(composed.size());
    std::int64_t roll = count - 1;
    if (count % 2 == 0) {
        roll += size / 2;
    }
    roll %= size;
    std::vector<double> rolled(composed.size());
    for (std::int64_t i = 0; i < size; ++i) {
        rolled[static_cast<std::size_t>((i + roll) % size)] = composed[static_cast<std::size_t>(i)];
    }
    const double shift = prv.domain.shifts * static_cast<double>(count - 1);
    return prv::DiscretePrv{std::move(rolled), prv.domain.shiftedRight(shift)};
}

// Heterogeneous composition: pairwise "same" convolutions as a tree; shifts add (_compose_two).
prv::DiscretePrv composeTree(std::vector<prv::DiscretePrv> prvs)
{
    while (prvs.size() > 1) {
        std::vector<prv::DiscretePrv> next;
        if (prvs.size() % 2 == 1) {
            next.push_back(std::move(prvs.back()));
            prvs.pop_back();
        }
        for (std::size_t i = 0; i + 1 < prvs.size(); i += 2) {
            std::vector<double> pmf = fft::convolveSame(prvs[i].pmf, prvs[i + 1].pmf);
            const prv::Domain domain = prvs[i].domain.shiftedRight(prvs[i + 1].domain.shifts);
            next.push_back(prv::DiscretePrv{std::move(pmf), domain});
        }
        prvs = std::move(next);
    }
    return std::move(prvs.front());
}

// Epsilon bounds of a discrete PRV (Opacus DiscretePRV.compute_epsilon).
Expected<PrvEpsilon> epsilonBounds(const prv::DiscretePrv &prv, double delta, double deltaError,
                                   double epsError)
{
    if (delta <= 0.0) {
        return PrvEpsilon{kInfinity, kInfinity, kInfinity, prv.domain.dt(), prv.domain.size};
    }
    if (static_cast<double>(std::numeric_limits<long double>::epsilon() *
                            static_cast<long double>(prv.domain.size)) > delta - deltaError) {
        return numericalFailure("PRV: floating point errors will dominate for such small values "
                                "of delta; increase delta or reduce the domain size");
    }
    const std::vector<double> ts = prv.domain.points();
    const std::size_t size = ts.size();
    // Suffix sums d1_j = sum_{k>=j} p_k, d2_j = sum_{k>=j} p_k e^{-t_k} (numpy cumsum order).
    std::vector<double> d1(size);
    std::vector<double> d2(size);
    std::vector<double> ndelta(size);
    double sum1 = 0.0;
    double sum2 = 0.0;
    for (std::size_t k = size; k-- > 0;) {
        sum1 += prv.pmf[k];
        sum2 += prv.pmf[k] * std::exp(-ts[k]);
        d1[k] = sum1;
        d2[k] = sum2;
    }
    for (std::size_t k = 0; k < size; ++k) {
        ndelta[k] = std::exp(ts[k]) * d2[k] - d1[k];
    }
    std::string failure;
    const auto findEpsilon = [&](double target) {
        const auto it = std::lower_bound(ndelta.begin(), ndelta.end(), -target);
        const auto i = static_cast<std::size_t>(it - ndelta.begin());
        if (i == 0 || i >= size) {
            failure = "PRV: cannot compute epsilon for delta " + fmt::format("{}", target) +
                      " (the discretised distribution does not reach it)";
            return kInfinity;
        }
        return std::log((d1[i] - target) / d2[i]);
    };
    PrvEpsilon result;
    result.upper = findEpsilon(delta - deltaError) + epsError;
    result.lower = findEpsilon(delta + deltaError) - epsError;
    result.estimate = findEpsilon(delta);
    if (!failure.empty()) {
        return numericalFailure(failure);
    }
    if (std::isnan(result.upper) || std::isnan(result.lower) || std::isnan(result.estimate)) {
        return numericalFailure("PRV: epsilon extraction produced NaN");
    }
    result.meshSize = prv.domain.dt();
    result.gridSize = prv.domain.size;
    return result;
}

Expected<PrvEpsilon> computePrvEpsilon(const PrivacyHistory &events, double delta, double epsError,
                                       double deltaError)
{
    const std::int64_t totalSteps = totalCount(events);
    const Expected<double> halfWidth =
        safeDomainHalfWidth(events, totalSteps, epsError, deltaError);
    if (!halfWidth) {
        return halfWidth.error();
    }
    const double meshSize =
        epsError / std::sqrt(static_cast<double>(totalSteps) * std::log(12.0 / deltaError) / 2.0);
    const Expected<prv::Domain> domain =
        prv::createAlignedDomain(-*halfWidth, *halfWidth, meshSize);
    if (!domain) {
        return domain.error();
    }
    if (domain->size > kMaxGridSize) {
        return numericalFailure("PRV: the discretisation grid would need " +
                                fmt::format("{}", domain->size) + " points (limit " +
                                fmt::format("{}", kMaxGridSize) + "); increase epsError");
    }
    std::vector<prv::DiscretePrv> composed;
    for (const PrivacyEvent &event : events) {
        const prv::SubsampledGaussianPrv single(event.sampleRate, event.noiseMultiplier);
        const prv::TruncatedPrv truncated(single, domain->tMin, domain->tMax);
        Expected<prv::DiscretePrv> discrete = prv::discretize(truncated, *domain);
        if (!discrete) {
            return numericalFailure(discrete.error().message + " for the event " + describe(event));
        }
        composed.push_back(composeSelf(discrete.value(), event.count));
    }
    return epsilonBounds(composeTree(std::move(composed)), delta, deltaError, epsError);
}

} // namespace

Expected<PrvEpsilon> prvEpsilon(const PrivacyHistory &history, double delta,
                                const PrvOptions &options)
{
    if (auto valid = validateHistory(history); !valid) {
        return valid.error();
    }
    if (!(delta > 0.0 && delta < 1.0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "delta must lie in (0, 1), got " + fmt::format("{}", delta));
    }
    if (!(options.epsError > 0.0) || !std::isfinite(options.epsError)) {
        return makeError(ErrorCode::InvalidArgument, "epsError must be finite and > 0, got " +
                                                         fmt::format("{}", options.epsError));
    }
    const double deltaError = options.deltaError == 0.0 ? delta / 1000.0 : options.deltaError;
    if (!(deltaError > 0.0 && deltaError < delta)) {
        return makeError(ErrorCode::InvalidArgument, "deltaError must lie in (0, delta), got " +
                                                         fmt::format("{}", options.deltaError));
    }
    // Infinite noise releases nothing; such events contribute 0 (as in RDP).
    PrivacyHistory events = normalizeHistory(history);
    events.erase(
        std::remove_if(events.begin(), events.end(),
                       [](const PrivacyEvent &event) { return std::isinf(event.noiseMultiplier); }),
        events.end());
    if (events.empty()) {
        return PrvEpsilon{};
    }
    for (const PrivacyEvent &event : events) {
        if (event.noiseMultiplier == 0.0) {
            return PrvEpsilon{kInfinity, kInfinity, kInfinity, 0.0, 0};
        }
    }
    try {
        return computePrvEpsilon(events, delta, options.epsError, deltaError);
    } catch (const std::bad_alloc &) {
        return numericalFailure("PRV: out of memory for the discretisation grid");
    } catch (const std::exception &error) {
        return numericalFailure(std::string("PRV: ") + error.what());
    }
}

} // namespace dpsapf::core
