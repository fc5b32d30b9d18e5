// SPDX-License-Identifier: GPL-3.0-or-later
// Log-space arithmetic for the accountants: log-add, log-subtract, log erfc and log Phi that stay
// accurate far in the tails (privacy-accounting.md §2.3).
#pragma once

namespace dpsapf::core::logmath {

inline constexpr double kNegativeInfinity = -__builtin_huge_val();

// log(exp(x) + exp(y)).
[[nodiscard]] double logAdd(double logX, double logY);
// log(exp(x) - exp(y)) for x >= y; -inf for x == y; x when the difference overflows.
[[nodiscard]] double logSubtract(double logX, double logY);
// log Phi(x), Phi the standard normal CDF; accurate for x -> -inf (asymptotic series).
[[nodiscard]] double logNormalCdf(double x);
// log erfc(x) = log 2 + log Phi(-sqrt(2) x).
[[nodiscard]] double logErfc(double x);
// Standard normal CDF.
[[nodiscard]] double normalCdf(double x);

} // namespace dpsapf::core::logmath
