// SPDX-License-Identifier: GPL-3.0-or-later
// Seeded, resumable epoch-wise shuffling.
#include "train/epoch_order.h"

#include <sstream>
#include <utility>

namespace dpsapf::core {
namespace {

// Unbiased draw in [0, m) from the raw engine output.
std::uint64_t bounded(std::mt19937_64 &engine, std::uint64_t m)
{
    const std::uint64_t threshold = (0 - m) % m; // 2^64 mod m
    for (;;) {
        const std::uint64_t r = engine();
        if (r >= threshold) {
            return r % m;
        }
    }
}

} // namespace

EpochOrder::EpochOrder(std::int64_t size, std::uint64_t seed)
    : m_engine(seed)
    , m_permutation(static_cast<std::size_t>(size))
{
    startEpoch();
}

void EpochOrder::startEpoch()
{
    std::ostringstream state;
    state << m_engine;
    m_rngAtEpochStart = state.str();
    const auto n = static_cast<std::int64_t>(m_permutation.size());
    for (std::int64_t i = 0; i < n; ++i) {
        m_permutation[static_cast<std::size_t>(i)] = i;
    }
    for (std::int64_t i = n - 1; i > 0; --i) {
        const auto j =
            static_cast<std::int64_t>(bounded(m_engine, static_cast<std::uint64_t>(i + 1)));
        std::swap(m_permutation[static_cast<std::size_t>(i)],
                  m_permutation[static_cast<std::size_t>(j)]);
    }
    m_position = 0;
}

std::vector<std::int64_t> EpochOrder::next(std::int64_t count)
{
    std::vector<std::int64_t> indices;
    indices.reserve(static_cast<std::size_t>(count));
    while (static_cast<std::int64_t>(indices.size()) < count) {
        if (m_position >= static_cast<std::int64_t>(m_permutation.size())) {
            ++m_epoch;
            startEpoch();
        }
        indices.push_back(m_permutation[static_cast<std::size_t>(m_position++)]);
    }
    return indices;
}

EpochOrder::State EpochOrder::state() const
{
    return State{m_rngAtEpochStart, m_epoch, m_position};
}

Expected<bool> EpochOrder::restore(const State &state)
{
    std::istringstream text(state.rngAtEpochStart);
    std::mt19937_64 engine;
    text >> engine;
    if (text.fail() || state.epoch < 0 || state.position < 0 ||
        state.position > static_cast<std::int64_t>(m_permutation.size())) {
        return makeError(ErrorCode::Format, "data order: unreadable or out-of-range state");
    }
    m_engine = engine;
    m_epoch = state.epoch;
    startEpoch();
    m_position = state.position;
    return true;
}

} // namespace dpsapf::core
