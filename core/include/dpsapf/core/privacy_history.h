// SPDX-License-Identifier: GPL-3.0-or-later
// The history of a run's private releases as the accountants see them: Poisson-subsampled Gaussian
// mechanisms described by (noise multiplier, sampling rate, count). See privacy-accounting.md §1.
#pragma once

#include "dpsapf/core/expected.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dpsapf::core {

struct PrivacyEvent {
    double noiseMultiplier = 0.0; // noise std / L2 sensitivity
    double sampleRate = 0.0;      // Poisson sampling probability q in [0, 1]
    std::int64_t count = 0;       // how many times the mechanism was applied

    friend bool operator==(const PrivacyEvent &a, const PrivacyEvent &b)
    {
        return a.noiseMultiplier == b.noiseMultiplier && a.sampleRate == b.sampleRate &&
               a.count == b.count;
    }
};

using PrivacyHistory = std::vector<PrivacyEvent>;

// Checks every event (0 <= q <= 1, sigma >= 0, count >= 0, all finite); the message names the
// event index and field.
[[nodiscard]] Expected<bool> validateHistory(const PrivacyHistory &history);

// Drops events that contribute nothing (q = 0 or count = 0) and merges adjacent events with equal
// (noise multiplier, sampling rate). Accounting results do not change.
[[nodiscard]] PrivacyHistory normalizeHistory(const PrivacyHistory &history);

// Sum of counts.
[[nodiscard]] std::int64_t totalCount(const PrivacyHistory &history);

} // namespace dpsapf::core
