// SPDX-License-Identifier: GPL-3.0-or-later
// Fréchet distance: zero for a set against itself, symmetric, and equal to the textbook formula
// with sqrtm(S1 S2) computed independently (Denman-Beavers iteration on the non-symmetric product,
// as scipy.linalg.sqrtm would be used) on random covariances.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "eval/frechet_distance.h"

#include "test_registry.h"

#include <QtTest>

using namespace dpsapf::core;

namespace {

// sqrtm of a matrix with positive real eigenvalues (Denman & Beavers 1976), float64.
torch::Tensor denmanBeaversSqrt(const torch::Tensor &a)
{
    torch::Tensor y = a.clone();
    torch::Tensor z = torch::eye(a.size(0), a.options());
    for (int i = 0; i < 60; ++i) {
        const torch::Tensor nextY = (y + torch::linalg::inv(z)) * 0.5;
        const torch::Tensor nextZ = (z + torch::linalg::inv(y)) * 0.5;
        y = nextY;
        z = nextZ;
    }
    return y;
}

double referenceDistance(const FeatureStatistics &a, const FeatureStatistics &b)
{
    const torch::Tensor root = denmanBeaversSqrt(torch::matmul(a.covariance, b.covariance));
    return (a.mean - b.mean).pow(2).sum().item<double>() + a.covariance.trace().item<double>() +
           b.covariance.trace().item<double>() - 2.0 * root.trace().item<double>();
}

} // namespace

class TestFrechet final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void selfDistanceIsZero();
    void matchesTheSqrtmReference();
    void badInput();
};

void TestFrechet::selfDistanceIsZero()
{
    torch::manual_seed(1);
    const torch::Tensor features = torch::randn({500, 64}, torch::kFloat64) * 3.0 + 1.0;
    const auto statistics = featureStatistics(features);
    QVERIFY(statistics);
    QCOMPARE(statistics->count, std::int64_t{500});
    const Expected<double> distance = frechetDistance(*statistics, *statistics);
    QVERIFY(distance);
    QVERIFY2(std::abs(distance.value()) <= 1e-6, std::to_string(distance.value()).c_str());
}

void TestFrechet::matchesTheSqrtmReference()
{
    torch::manual_seed(2);
    for (int trial = 0; trial < 3; ++trial) {
        const std::int64_t d = 32 + 16 * trial;
        const torch::Tensor mix1 = torch::randn({d, d}, torch::kFloat64);
        const torch::Tensor mix2 = torch::randn({d, d}, torch::kFloat64);
        const torch::Tensor x = torch::matmul(torch::randn({400, d}, torch::kFloat64), mix1);
        const torch::Tensor y = torch::matmul(torch::randn({300, d}, torch::kFloat64), mix2) + 0.5;
        const auto a = featureStatistics(x).value();
        const auto b = featureStatistics(y).value();
        const double expected = referenceDistance(a, b);
        for (FrechetRoute route :
             {FrechetRoute::Lapack, FrechetRoute::Cholesky, FrechetRoute::Eigh}) {
            const double ours = frechetDistance(a, b, route).value();
            QVERIFY2(std::abs(ours - expected) <= 1e-6 * std::abs(expected),
                     (std::to_string(ours) + " vs " + std::to_string(expected)).c_str());
            QVERIFY(std::abs(frechetDistance(b, a, route).value() - ours) <= 1e-6 * ours);
        }
    }
    // Fewer samples than dimensions: S1 is singular (the eigh route); symmetric in its arguments.
    const auto few = featureStatistics(torch::randn({20, 48}, torch::kFloat64)).value();
    const auto many = featureStatistics(torch::randn({400, 48}, torch::kFloat64) * 2.0).value();
    const double forward = frechetDistance(few, many).value();
    QVERIFY2(std::abs(frechetDistance(many, few).value() - forward) <= 1e-6 * forward,
             std::to_string(forward).c_str());
    const double viaEigh = frechetDistance(few, many, FrechetRoute::Eigh).value();
    QVERIFY2(std::abs(viaEigh - forward) <= 1e-6 * forward,
             (std::to_string(viaEigh) + " vs " + std::to_string(forward)).c_str());
}

void TestFrechet::badInput()
{
    QVERIFY(!featureStatistics(torch::ones({1, 4})));
    QVERIFY(!featureStatistics(torch::ones({4})));
    torch::Tensor nan = torch::ones({3, 2});
    nan[0][0] = std::nan("");
    QVERIFY(!featureStatistics(nan));
    const auto a = featureStatistics(torch::randn({10, 3})).value();
    const auto b = featureStatistics(torch::randn({10, 4})).value();
    QVERIFY(!frechetDistance(a, b));
}

DPSAPF_REGISTER_TEST(TestFrechet)
#include "test_frechet.moc"
