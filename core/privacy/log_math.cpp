// SPDX-License-Identifier: GPL-3.0-or-later
// Log-space arithmetic for the accountants.
#include "privacy/log_math.h"

#include <cmath>
#include <stdexcept>

namespace dpsapf::core::logmath {

double logAdd(double logX, double logY)
{
    const double low = std::min(logX, logY);
    const double high = std::max(logX, logY);
    if (low == kNegativeInfinity) {
        return high;
    }
    return std::log1p(std::exp(low - high)) + high;
}

double logSubtract(double logX, double logY)
{
    if (logX < logY) {
        throw std::domain_error("log-space subtraction with a negative result");
    }
    if (logY == kNegativeInfinity) {
        return logX;
    }
    if (logX == logY) {
        return kNegativeInfinity;
    }
    const double difference = std::expm1(logX - logY);
    if (std::isinf(difference)) {
        return logX;
    }
    return std::log(difference) + logY;
}

double normalCdf(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

double logNormalCdf(double x)
{
    if (x > 6.0) {
        // Phi(x) is close to 1: log(1 - Phi(-x)).
        return std::log1p(-0.5 * std::erfc(x / std::sqrt(2.0)));
    }
    if (x > -20.0) {
        return std::log(normalCdf(x));
    }
    // Asymptotic series: Phi(x) = phi(x)/(-x) * (1 - 1/x^2 + 3/x^4 - 15/x^6 + ...).
    const double inverseSquare = 1.0 / (x * x);
    double term = 1.0;
    double series = 1.0;
    for (int k = 1; k < 12; ++k) {
        term *= -(2.0 * k - 1.0) * inverseSquare;
        series += term;
    }
    return -0.5 * x * x - std::log(-x) - 0.5 * std::log(2.0 * M_PI) + std::log(series);
}

double logErfc(double x)
{
    return std::log(2.0) + logNormalCdf(-x * std::sqrt(2.0));
}

} // namespace dpsapf::core::logmath
