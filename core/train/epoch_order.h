// SPDX-License-Identifier: GPL-3.0-or-later
// Seeded epoch-wise shuffling of [0, n) for the pretraining batches, with a resumable state: the
// text state of the std::mt19937_64 at the start of the current epoch, the epoch and the position.
#pragma once

#include "dpsapf/core/expected.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace dpsapf::core {

class EpochOrder
{
public:
    struct State {
        std::string rngAtEpochStart; // operator<< text of the engine
        std::int64_t epoch = 0;
        std::int64_t position = 0; // next index into the epoch's permutation
    };

    // Each epoch is a Fisher-Yates permutation drawn from the raw engine output (unbiased
    // rejection sampling, portable across standard libraries). size must be >= 1.
    EpochOrder(std::int64_t size, std::uint64_t seed);

    // The next `count` indices; an epoch that runs out continues with the next permutation.
    [[nodiscard]] std::vector<std::int64_t> next(std::int64_t count);

    [[nodiscard]] State state() const;
    // Continues exactly where state() was taken (for a set of the same size).
    [[nodiscard]] Expected<bool> restore(const State &state);

private:
    void startEpoch();

    std::mt19937_64 m_engine;
    std::vector<std::int64_t> m_permutation;
    std::string m_rngAtEpochStart;
    std::int64_t m_epoch = 0;
    std::int64_t m_position = 0;
};

} // namespace dpsapf::core
