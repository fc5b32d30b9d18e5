// SPDX-License-Identifier: GPL-3.0-or-later
// Validation and normalisation of a privacy history (privacy-accounting.md §1, §11.4).
#include "dpsapf/core/privacy_history.h"

#include <cmath>
#include <fmt/format.h>

namespace dpsapf::core {

Expected<bool> validateHistory(const PrivacyHistory &history)
{
    for (std::size_t i = 0; i < history.size(); ++i) {
        const PrivacyEvent &event = history[i];
        const std::string where = "privacy event " + std::to_string(i) + ": ";
        if (!std::isfinite(event.sampleRate) || event.sampleRate < 0.0 || event.sampleRate > 1.0) {
            return makeError(ErrorCode::InvalidArgument,
                             where + "sample rate must lie in [0, 1], got " +
                                 fmt::format("{}", event.sampleRate));
        }
        if (std::isnan(event.noiseMultiplier) || event.noiseMultiplier < 0.0) {
            return makeError(ErrorCode::InvalidArgument,
                             where + "noise multiplier must be >= 0, got " +
                                 fmt::format("{}", event.noiseMultiplier));
        }
        if (event.count < 0) {
            return makeError(ErrorCode::InvalidArgument,
                             where + "count must be >= 0, got " + std::to_string(event.count));
        }
    }
    return true;
}

PrivacyHistory normalizeHistory(const PrivacyHistory &history)
{
    PrivacyHistory merged;
    for (const PrivacyEvent &event : history) {
        if (event.sampleRate == 0.0 || event.count == 0) {
            continue;
        }
        if (!merged.empty() && merged.back().noiseMultiplier == event.noiseMultiplier &&
            merged.back().sampleRate == event.sampleRate) {
            merged.back().count += event.count;
        } else {
            merged.push_back(event);
        }
    }
    return merged;
}

std::int64_t totalCount(const PrivacyHistory &history)
{
    std::int64_t total = 0;
    for (const PrivacyEvent &event : history) {
        total += event.count;
    }
    return total;
}

} // namespace dpsapf::core
