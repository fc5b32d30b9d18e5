// SPDX-License-Identifier: GPL-3.0-or-later
// CLI11 validators for numeric flags that also reject NaN and infinity.
#include "cli_validators.h"

#include <cmath>
#include <sstream>

namespace dpsapf::app {
namespace {

std::string formatBound(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

} // namespace

CLI::Validator numberIn(double lower, Bound lowerBound, double upper, Bound upperBound)
{
    std::string description =
        lowerBound == Bound::None ? "(-inf" : (lowerBound == Bound::Open ? "(" : "[");
    if (lowerBound != Bound::None) {
        description += formatBound(lower);
    }
    description += ", ";
    description += upperBound == Bound::None
                       ? "inf)"
                       : formatBound(upper) + (upperBound == Bound::Open ? ")" : "]");

    return CLI::Validator(
        [=](std::string &text) -> std::string {
            double value = 0.0;
            std::size_t used = 0;
            try {
                value = std::stod(text, &used);
            } catch (const std::exception &) {
                return "'" + text + "' is not a number";
            }
            if (used != text.size() || !std::isfinite(value)) {
                return "'" + text + "' is not a finite number";
            }
            const bool lowerOk = lowerBound == Bound::None ||
                                 (lowerBound == Bound::Open ? value > lower : value >= lower);
            const bool upperOk = upperBound == Bound::None ||
                                 (upperBound == Bound::Open ? value < upper : value <= upper);
            if (!lowerOk || !upperOk) {
                return text + " is outside " + description;
            }
            return {};
        },
        "NUMBER in " + description);
}

} // namespace dpsapf::app
