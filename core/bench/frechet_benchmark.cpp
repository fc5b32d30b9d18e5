// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf bench frechet`: feature statistics and the Fréchet distance at FID size (2048-d).
#include "dpsapf/core/benchmarks.h"

#include "eval/frechet_distance.h"

#include <torch/torch.h>

#include <chrono>
#include <tuple>

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
    const auto timeRoute = [&](FrechetRoute route, double &seconds,
                               double &distance) -> Expected<bool> {
        const auto begin = Clock::now();
        for (std::int64_t i = 0; i < repeats; ++i) {
            Expected<double> value = frechetDistance(*a, *b, route);
            if (!value) {
                return value.error();
            }
            distance = value.value();
        }
        seconds = std::chrono::duration<double>(Clock::now() - begin).count() /
                  static_cast<double>(repeats);
        return true;
    };
    for (const auto &[route, seconds, distance] :
         {std::tuple{FrechetRoute::Lapack, &result.distanceSeconds, &result.distance},
          std::tuple{FrechetRoute::Cholesky, &result.choleskySeconds, &result.choleskyDistance},
          std::tuple{FrechetRoute::Eigh, &result.eighSeconds, &result.eighDistance}}) {
        if (auto done = timeRoute(route, *seconds, *distance); !done) {
            return done.error();
        }
    }
    return result;
}

} // namespace dpsapf::core
