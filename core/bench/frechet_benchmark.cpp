// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf bench frechet`: feature statistics and the Fréchet distance at FID size (2048-d).
#include "dpsapf/core/benchmarks.h"

#include "eval/frechet_distance.h"

#include <torch/torch.h>

#include <chrono>

namespace dpsapf::core {

Expected<FrechetBenchmarkResult> benchmarkFrechet(std::int64_t dimension, std::int64_t samples,
                                                  std::int64_t repeats)
{
    if (dimension < 1 || samples < 2 || repeats < 1) {
        return makeError(ErrorCode::InvalidArgument,
                         "bench frechet: dimension >= 1, samples >= 2 and repeats >= 1");
    }
    using Clock = std::chrono::steady_clock;
    torch::manual_seed(0);
    const torch::Tensor x = torch::randn({samples, dimension}, torch::kFloat64);
    const torch::Tensor y = torch::randn({samples, dimension}, torch::kFloat64) * 1.1 + 0.1;
    FrechetBenchmarkResult result;
    result.dimension = dimension;
    result.samples = samples;
    auto start = Clock::now();
    Expected<FeatureStatistics> a = featureStatistics(x);
    Expected<FeatureStatistics> b = featureStatistics(y);
    result.statisticsSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!a || !b) {
        return (!a ? a : b).error();
    }
    (void)frechetDistance(*a, *b); // warm-up
    start = Clock::now();
    for (std::int64_t i = 0; i < repeats; ++i) {
        Expected<double> distance = frechetDistance(*a, *b);
        if (!distance) {
            return distance.error();
        }
        result.distance = distance.value();
    }
    result.distanceSeconds =
        std::chrono::duration<double>(Clock::now() - start).count() / static_cast<double>(repeats);
    return result;
}

} // namespace dpsapf::core
