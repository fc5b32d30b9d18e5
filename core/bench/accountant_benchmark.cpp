// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf bench privacy`: wall time of RDP and PRV epsilon for a long DP-SGD run and of a PRV noise
// calibration with a probe release, the shape of the default experiment.
#include "dpsapf/core/benchmarks.h"

#include "dpsapf/core/noise_calibration.h"
#include "dpsapf/core/privacy_accountant.h"

#include <chrono>
#include <cmath>

namespace dpsapf::core {
namespace {

class Stopwatch
{
public:
    [[nodiscard]] double lap()
    {
        const auto now = std::chrono::steady_clock::now();
        const std::chrono::duration<double> elapsed = now - m_start;
        m_start = now;
        return elapsed.count();
    }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

} // namespace

Expected<AccountantBenchmarkResult> benchmarkAccountants(std::int64_t steps)
{
    if (steps < 1) {
        return makeError(ErrorCode::InvalidArgument, "bench privacy: steps must be >= 1");
    }
    AccountantBenchmarkResult result;
    result.steps = steps;
    const PrivacyHistory history{{1.0, 0.01, steps}};
    Stopwatch stopwatch;
    const Expected<EpsilonReport> rdp = computeEpsilon(history, 1e-5, AccountantKind::Rdp);
    result.rdpEpsilonSeconds = stopwatch.lap();
    const Expected<EpsilonReport> prv = computeEpsilon(history, 1e-5, AccountantKind::Prv);
    result.prvEpsilonSeconds = stopwatch.lap();
    if (!rdp) {
        return rdp.error();
    }
    if (!prv) {
        return prv.error();
    }
    result.rdpEpsilon = rdp->epsilon;
    result.prvEpsilon = prv->epsilon;

    // Fashion-MNIST train split (55,000), probe over all records, 1,000 steps at q = 4096/55000.
    const double n = 55000.0;
    CalibrationRequest request;
    request.fixedHistory = {{5.0, 1.0, 1}};
    request.sampleRate = 4096.0 / n;
    request.steps = 1000;
    request.delta = 1.0 / (n * std::log(n));
    request.targetEpsilon = 10.0;
    request.accountant = AccountantKind::Prv;
    (void)stopwatch.lap();
    const Expected<CalibrationResult> calibration = calibrateNoise(request);
    result.calibrationSeconds = stopwatch.lap();
    if (!calibration) {
        return calibration.error();
    }
    result.calibrationEvaluations = calibration->evaluations;
    return result;
}

} // namespace dpsapf::core
