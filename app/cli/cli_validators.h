// SPDX-License-Identifier: GPL-3.0-or-later
// CLI11 validators for numeric flags that also reject NaN and infinity (CLI::Range lets NaN pass).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace dpsapf::app {

enum class Bound { Open, Closed, None };

// A finite number in the interval (lower, upper) with the given bound types; e.g.
// numberIn(0, Bound::Open, 1, Bound::Closed) accepts (0, 1].
[[nodiscard]] CLI::Validator numberIn(double lower, Bound lowerBound, double upper,
                                      Bound upperBound);

} // namespace dpsapf::app
