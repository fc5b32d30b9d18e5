// SPDX-License-Identifier: GPL-3.0-or-later
// Poisson subsampling with geometric gaps between included records: exact Bernoulli(q) per record
// at O(q N) cost per batch. Uses only the raw engine output, so streams are identical everywhere.
#include "dpsapf/core/poisson_sampler.h"

#include <cmath>
#include <fmt/format.h>
#include <sstream>

namespace dpsapf::core {

Expected<bool> PoissonSamplerConfig::validate() const
{
    if (datasetSize < 0) {
        return makeError(ErrorCode::InvalidArgument,
                         "dataset size must be >= 0, got " + std::to_string(datasetSize));
    }
    if (!(sampleRate > 0.0 && sampleRate <= 1.0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "sample rate must lie in (0, 1], got " + fmt::format("{}", sampleRate));
    }
    return true;
}

PoissonSampler::PoissonSampler(PoissonSamplerConfig config)
    : m_config(config)
    , m_engine(config.seed)
{}

double PoissonSampler::uniformOpenClosed()
{
    // 53 random bits -> [0, 1) on a 2^-53 grid, then 1 - u lies in (0, 1].
    const double u = static_cast<double>(m_engine() >> 11U) * 0x1.0p-53;
    return 1.0 - u;
}

std::vector<std::int64_t> PoissonSampler::next()
{
    ++m_batchesDrawn;
    std::vector<std::int64_t> batch;
    const std::int64_t n = m_config.datasetSize;
    if (m_config.sampleRate >= 1.0) {
        batch.resize(static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i) {
            batch[static_cast<std::size_t>(i)] = i;
        }
        return batch;
    }
    batch.reserve(static_cast<std::size_t>(m_config.sampleRate * static_cast<double>(n) * 1.2) + 8);
    // The number of records skipped before the next included one is Geometric(q):
    // P(gap = k) = (1 - q)^k q, drawn as floor(ln U / ln(1 - q)).
    const double logOneMinusQ = std::log1p(-m_config.sampleRate);
    std::int64_t index = -1;
    while (true) {
        const double gap = std::floor(std::log(uniformOpenClosed()) / logOneMinusQ);
        if (gap >= static_cast<double>(n - index - 1)) {
            break;
        }
        index += static_cast<std::int64_t>(gap) + 1;
        batch.push_back(index);
    }
    return batch;
}

double PoissonSampler::expectedBatchSize() const
{
    return m_config.sampleRate * static_cast<double>(m_config.datasetSize);
}

std::string PoissonSampler::saveState() const
{
    std::ostringstream out;
    out << m_batchesDrawn << ' ' << m_engine;
    return out.str();
}

Expected<bool> PoissonSampler::restoreState(const std::string &state)
{
    std::istringstream in(state);
    std::int64_t batches = 0;
    std::mt19937_64 engine;
    in >> batches >> engine;
    if (in.fail() || batches < 0) {
        return makeError(ErrorCode::Format, "Poisson sampler state is malformed");
    }
    m_batchesDrawn = batches;
    m_engine = engine;
    return true;
}

std::vector<std::vector<std::int64_t>>
PoissonSampler::splitIntoMicroBatches(const std::vector<std::int64_t> &batch,
                                      std::int64_t microBatchSize)
{
    std::vector<std::vector<std::int64_t>> chunks;
    const auto size = static_cast<std::size_t>(std::max<std::int64_t>(1, microBatchSize));
    for (std::size_t start = 0; start < batch.size(); start += size) {
        const std::size_t end = std::min(batch.size(), start + size);
        chunks.emplace_back(batch.begin() + static_cast<std::ptrdiff_t>(start),
                            batch.begin() + static_cast<std::ptrdiff_t>(end));
    }
    return chunks;
}

} // namespace dpsapf::core
