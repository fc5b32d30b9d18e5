// SPDX-License-Identifier: GPL-3.0-or-later
// Poisson subsampling for DP-SGD and the saliency probe: every record joins a step independently
// with probability q, so batch sizes vary and empty batches are legal (privacy-accounting.md §8).
// Seeded, reproducible and resumable; independent of LibTorch.
#pragma once

#include "dpsapf/core/expected.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace dpsapf::core {

struct PoissonSamplerConfig {
    std::int64_t datasetSize = 0; // N
    double sampleRate = 0.0;      // q in (0, 1]
    std::uint64_t seed = 0;

    [[nodiscard]] Expected<bool> validate() const;
};

class PoissonSampler
{
public:
    explicit PoissonSampler(PoissonSamplerConfig config); // config must be valid

    // The sorted record indices of the next logical batch (possibly empty).
    [[nodiscard]] std::vector<std::int64_t> next();

    // q * N: the divisor for plain SGD, never the realised batch size.
    [[nodiscard]] double expectedBatchSize() const;
    [[nodiscard]] std::int64_t batchesDrawn() const { return m_batchesDrawn; }
    [[nodiscard]] const PoissonSamplerConfig &config() const { return m_config; }

    // RNG state and batch count as text, for checkpoints; restoring continues the same stream.
    [[nodiscard]] std::string saveState() const;
    [[nodiscard]] Expected<bool> restoreState(const std::string &state);

    // Splits a logical batch into physical micro-batches of at most microBatchSize records.
    [[nodiscard]] static std::vector<std::vector<std::int64_t>>
    splitIntoMicroBatches(const std::vector<std::int64_t> &batch, std::int64_t microBatchSize);

private:
    [[nodiscard]] double uniformOpenClosed(); // U in (0, 1]

    PoissonSamplerConfig m_config;
    std::mt19937_64 m_engine;
    std::int64_t m_batchesDrawn = 0;
};

} // namespace dpsapf::core
