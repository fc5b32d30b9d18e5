// SPDX-License-Identifier: GPL-3.0-or-later
// Poisson sampler: batch-size and inclusion statistics, empty batches, reproducibility, resume.
#include "dpsapf/core/poisson_sampler.h"

#include "test_registry.h"

#include <QtTest>

#include <cmath>
#include <numeric>

using namespace dpsapf::core;

class TestPoissonSampler final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void batchSizesFollowBinomial();
    void everyRecordIsIncludedWithRateQ();
    void emptyBatchesOccurAtTheExpectedRate();
    void sameSeedSameBatches();
    void restoredStateContinuesTheStream();
    void fullRateTakesEveryRecord();
    void microBatchesCoverTheBatch();
    void invalidConfig();
};

void TestPoissonSampler::batchSizesFollowBinomial()
{
    const std::int64_t n = 10000;
    const double q = 0.03;
    PoissonSampler sampler({n, q, 7});
    const int steps = 2000;
    double sum = 0.0;
    double sumSquares = 0.0;
    for (int step = 0; step < steps; ++step) {
        const auto batch = sampler.next();
        QVERIFY(std::is_sorted(batch.begin(), batch.end()));
        QVERIFY(std::adjacent_find(batch.begin(), batch.end()) == batch.end());
        QVERIFY(batch.empty() || (batch.front() >= 0 && batch.back() < n));
        sum += static_cast<double>(batch.size());
        sumSquares += static_cast<double>(batch.size() * batch.size());
    }
    const double mean = sum / steps;
    const double variance = sumSquares / steps - mean * mean;
    const double expectedMean = n * q;               // 300
    const double expectedVariance = n * q * (1 - q); // 291
    // Mean: 6 standard errors; variance: 20 %.
    QVERIFY2(std::abs(mean - expectedMean) < 6.0 * std::sqrt(expectedVariance / steps),
             qPrintable(QString::number(mean)));
    QVERIFY2(std::abs(variance / expectedVariance - 1.0) < 0.2,
             qPrintable(QString::number(variance)));
    QCOMPARE(sampler.expectedBatchSize(), expectedMean);
    QCOMPARE(sampler.batchesDrawn(), std::int64_t(steps));
}

void TestPoissonSampler::everyRecordIsIncludedWithRateQ()
{
    const std::int64_t n = 50;
    const double q = 0.2;
    PoissonSampler sampler({n, q, 11});
    std::vector<int> hits(n, 0);
    const int steps = 20000;
    for (int step = 0; step < steps; ++step) {
        for (const std::int64_t index : sampler.next()) {
            ++hits[static_cast<std::size_t>(index)];
        }
    }
    const double standardError = std::sqrt(q * (1 - q) / steps);
    for (std::int64_t i = 0; i < n; ++i) {
        const double rate = hits[static_cast<std::size_t>(i)] / static_cast<double>(steps);
        QVERIFY2(std::abs(rate - q) < 5.0 * standardError,
                 qPrintable(QStringLiteral("record %1 rate %2").arg(i).arg(rate)));
    }
}

void TestPoissonSampler::emptyBatchesOccurAtTheExpectedRate()
{
    // (1 - q)^N = 0.9^10 = 0.349: empty batches are legal and frequent at small q N.
    PoissonSampler sampler({10, 0.1, 3});
    int empty = 0;
    const int steps = 20000;
    for (int step = 0; step < steps; ++step) {
        empty += sampler.next().empty() ? 1 : 0;
    }
    const double expected = std::pow(0.9, 10);
    QVERIFY2(std::abs(empty / double(steps) - expected) < 0.02, qPrintable(QString::number(empty)));
}

void TestPoissonSampler::sameSeedSameBatches()
{
    PoissonSampler a({1000, 0.05, 42});
    PoissonSampler b({1000, 0.05, 42});
    PoissonSampler c({1000, 0.05, 43});
    bool differs = false;
    for (int step = 0; step < 50; ++step) {
        const auto batchA = a.next();
        QCOMPARE(batchA, b.next());
        differs = differs || batchA != c.next();
    }
    QVERIFY(differs);
}

void TestPoissonSampler::restoredStateContinuesTheStream()
{
    PoissonSampler original({5000, 0.01, 5});
    for (int step = 0; step < 17; ++step) {
        (void)original.next();
    }
    const std::string state = original.saveState();
    PoissonSampler resumed({5000, 0.01, 999});
    QVERIFY(resumed.restoreState(state).hasValue());
    QCOMPARE(resumed.batchesDrawn(), std::int64_t(17));
    for (int step = 0; step < 20; ++step) {
        QCOMPARE(resumed.next(), original.next());
    }
    QVERIFY(!resumed.restoreState("not a state").hasValue());
}

void TestPoissonSampler::fullRateTakesEveryRecord()
{
    PoissonSampler sampler({25, 1.0, 0});
    const auto batch = sampler.next();
    QCOMPARE(batch.size(), std::size_t(25));
    QCOMPARE(batch.back(), std::int64_t(24));
    PoissonSampler none({0, 0.5, 0});
    QVERIFY(none.next().empty());
}

void TestPoissonSampler::microBatchesCoverTheBatch()
{
    std::vector<std::int64_t> batch(23);
    std::iota(batch.begin(), batch.end(), 100);
    const auto chunks = PoissonSampler::splitIntoMicroBatches(batch, 8);
    QCOMPARE(chunks.size(), std::size_t(3));
    QCOMPARE(chunks[2].size(), std::size_t(7));
    QCOMPARE(chunks[1].front(), std::int64_t(108));
    QVERIFY(PoissonSampler::splitIntoMicroBatches({}, 8).empty());
}

void TestPoissonSampler::invalidConfig()
{
    QVERIFY(!(PoissonSamplerConfig{100, 0.0, 0}.validate().hasValue()));
    QVERIFY(!(PoissonSamplerConfig{100, 1.5, 0}.validate().hasValue()));
    QVERIFY(!(PoissonSamplerConfig{100, std::nan(""), 0}.validate().hasValue()));
    QVERIFY(!(PoissonSamplerConfig{-1, 0.1, 0}.validate().hasValue()));
    QVERIFY((PoissonSamplerConfig{100, 1.0, 0}.validate().hasValue()));
}

DPSAPF_REGISTER_TEST(TestPoissonSampler)
#include "test_poisson_sampler.moc"
