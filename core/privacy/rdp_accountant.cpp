// SPDX-License-Identifier: GPL-3.0-or-later
// RDP accountant of the Poisson-subsampled Gaussian (Mironov, Talwar, Zhang 2019, §3.3), with the
// conversion of Balle et al. 2020 (Thm 21). Conventions follow privacy-accounting.md §2.
#include "dpsapf/core/rdp_accountant.h"

#include "privacy/log_math.h"

#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace dpsapf::core {
namespace {

using logmath::kNegativeInfinity;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// log A_alpha for integer alpha: a sum of positive terms (privacy-accounting.md §2.2).
double logAIntegerOrder(double q, double sigma, int alpha)
{
    double logA = kNegativeInfinity;
    const double logQ = std::log(q);
    const double logOneMinusQ = std::log1p(-q);
    for (int i = 0; i <= alpha; ++i) {
        const double logBinomial =
            std::lgamma(alpha + 1.0) - std::lgamma(i + 1.0) - std::lgamma(alpha - i + 1.0);
        const double logCoefficient = logBinomial + i * logQ + (alpha - i) * logOneMinusQ;
        logA = logmath::logAdd(logA, logCoefficient +
                                         (static_cast<double>(i) * i - i) / (2.0 * sigma * sigma));
    }
    return logA;
}

// log A_alpha for fractional alpha: Opacus' signed series (privacy-accounting.md §2.3).
double logAFractionalOrder(double q, double sigma, double alpha)
{
    double logA0 = kNegativeInfinity;
    double logA1 = kNegativeInfinity;
    const double z0 = sigma * sigma * std::log(1.0 / q - 1.0) + 0.5;
    const double logQ = std::log(q);
    const double logOneMinusQ = std::log1p(-q);
    const double sqrt2Sigma = std::sqrt(2.0) * sigma;
    double coefficient = 1.0; // generalised binomial C(alpha, i), updated incrementally
    for (int i = 0;; ++i) {
        if (i > 0) {
            coefficient *= (alpha - (i - 1)) / i;
        }
        const double logCoefficient = std::log(std::abs(coefficient));
        const double j = alpha - i;
        const double logT0 = logCoefficient + i * logQ + j * logOneMinusQ;
        const double logT1 = logCoefficient + j * logQ + i * logOneMinusQ;
        const double logE0 = std::log(0.5) + logmath::logErfc((i - z0) / sqrt2Sigma);
        const double logE1 = std::log(0.5) + logmath::logErfc((z0 - j) / sqrt2Sigma);
        const double logS0 =
            logT0 + (static_cast<double>(i) * i - i) / (2.0 * sigma * sigma) + logE0;
        const double logS1 = logT1 + (j * j - j) / (2.0 * sigma * sigma) + logE1;
        if (coefficient > 0.0) {
            logA0 = logmath::logAdd(logA0, logS0);
            logA1 = logmath::logAdd(logA1, logS1);
        } else {
            logA0 = logmath::logSubtract(logA0, logS0);
            logA1 = logmath::logSubtract(logA1, logS1);
        }
        if (std::max(logS0, logS1) < -30.0) {
            break;
        }
    }
    return logmath::logAdd(logA0, logA1);
}

} // namespace

std::vector<double> rdpOrders(const RdpOptions &options)
{
    std::vector<double> orders;
    for (int tenth = 11; tenth <= 109; ++tenth) {
        orders.push_back(1.0 + (tenth - 10) / 10.0); // 1.1 ... 10.9 as numpy's 1 + x / 10.0
    }
    for (int order = 12; order <= 63; ++order) {
        orders.push_back(order);
    }
    if (options.extendedOrders) {
        for (const double order : {128.0, 256.0, 512.0, 1024.0}) {
            orders.push_back(order);
        }
    }
    return orders;
}

double rdpOfSubsampledGaussian(double sampleRate, double noiseMultiplier, double order)
{
    if (sampleRate == 0.0) {
        return 0.0;
    }
    if (noiseMultiplier == 0.0) {
        return kInfinity;
    }
    if (sampleRate == 1.0) {
        return order / (2.0 * noiseMultiplier * noiseMultiplier);
    }
    if (std::isinf(order)) {
        return kInfinity;
    }
    const double logA = (order == std::floor(order))
                            ? logAIntegerOrder(sampleRate, noiseMultiplier, static_cast<int>(order))
                            : logAFractionalOrder(sampleRate, noiseMultiplier, order);
    return logA / (order - 1.0);
}

std::vector<double> rdpOfHistory(const PrivacyHistory &history, const std::vector<double> &orders)
{
    std::vector<double> total(orders.size(), 0.0);
    for (const PrivacyEvent &event : normalizeHistory(history)) {
        for (std::size_t k = 0; k < orders.size(); ++k) {
            total[k] += static_cast<double>(event.count) *
                        rdpOfSubsampledGaussian(event.sampleRate, event.noiseMultiplier, orders[k]);
        }
    }
    return total;
}

RdpEpsilon rdpToEpsilon(const std::vector<double> &orders, const std::vector<double> &rdp,
                        double delta, RdpConversion conversion)
{
    RdpEpsilon best{kInfinity, std::numeric_limits<double>::quiet_NaN(), false};
    std::size_t bestIndex = orders.size();
    for (std::size_t k = 0; k < orders.size(); ++k) {
        const double alpha = orders[k];
        const double epsilon = conversion == RdpConversion::Improved
                                   ? rdp[k] - (std::log(delta) + std::log(alpha)) / (alpha - 1.0) +
                                         std::log((alpha - 1.0) / alpha)
                                   : rdp[k] - std::log(delta) / (alpha - 1.0);
        if (std::isnan(epsilon)) {
            continue;
        }
        if (bestIndex == orders.size() || epsilon < best.epsilon) {
            best.epsilon = epsilon;
            best.optimalOrder = alpha;
            bestIndex = k;
        }
    }
    best.orderAtGridEdge = bestIndex == 0 || bestIndex + 1 == orders.size();
    return best;
}

Expected<RdpEpsilon> rdpEpsilon(const PrivacyHistory &history, double delta,
                                const RdpOptions &options)
{
    if (auto valid = validateHistory(history); !valid) {
        return valid.error();
    }
    if (!(delta > 0.0 && delta < 1.0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "delta must lie in (0, 1), got " + fmt::format("{}", delta));
    }
    const PrivacyHistory events = normalizeHistory(history);
    if (events.empty()) {
        return RdpEpsilon{0.0, 0.0, false};
    }
    const std::vector<double> orders = rdpOrders(options);
    return rdpToEpsilon(orders, rdpOfHistory(events, orders), delta, options.conversion);
}

} // namespace dpsapf::core
