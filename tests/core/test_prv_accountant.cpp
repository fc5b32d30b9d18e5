// SPDX-License-Identifier: GPL-3.0-or-later
// PRV accountant (Gopi, Lee, Wutschitz 2021): Opacus reference values, bounds, heterogeneous
// composition, the q = 1 Gaussian against the analytic curve, edge cases and the FFT building
// blocks.
#include "dpsapf/core/prv_accountant.h"
#include "dpsapf/core/rdp_accountant.h"
#include "privacy/fft.h"

#include "test_registry.h"

#include <QtTest>

#include <cmath>
#include <complex>
#include <random>
#include <string>
#include <vector>

using namespace dpsapf::core;

namespace {

constexpr double kPi = 3.14159265358979323846;

double normalCdf(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Analytic Gaussian mechanism (Balle & Wang 2018): the exact delta(epsilon) of one release.
double gaussianDelta(double noiseMultiplier, double epsilon)
{
    const double s = noiseMultiplier;
    return normalCdf(-epsilon * s + 1.0 / (2.0 * s)) -
           std::exp(epsilon) * normalCdf(-epsilon * s - 1.0 / (2.0 * s));
}

std::vector<double> randomVector(std::mt19937_64 &rng, std::size_t size, bool positive)
{
    std::uniform_real_distribution<double> uniform(positive ? 0.0 : -1.0, 1.0);
    std::vector<double> values(size);
    for (double &value : values) {
        value = uniform(rng);
    }
    return values;
}

PrvEpsilon evaluate(const PrivacyHistory &history, double delta)
{
    const Expected<PrvEpsilon> result = prvEpsilon(history, delta);
    if (!result) {
        QTest::qFail(result.error().message.c_str(), __FILE__, __LINE__);
        return {};
    }
    return result.value();
}

} // namespace

class TestPrvAccountant final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opacusReferenceValues_data();
    void opacusReferenceValues();
    void boundsAreOrdered();
    void heterogeneousComposition();
    void fullBatchMatchesAnalyticGaussian();
    void zeroNoiseGivesInfinity();
    void emptyHistoryGivesZero();
    void numericalFailureIsReturned();
    void invalidInputsNameTheField();
    void bluesteinMatchesNaiveDft();
    void convolutionPowerMatchesNaive();
    void convolveSameMatchesNaive();
};

void TestPrvAccountant::opacusReferenceValues_data()
{
    QTest::addColumn<double>("noiseMultiplier");
    QTest::addColumn<double>("sampleRate");
    QTest::addColumn<qint64>("steps");
    QTest::addColumn<double>("delta");
    QTest::addColumn<double>("expected");
    QTest::addColumn<double>("tolerance");
    // Row 2: accountants_test.py::test_prv_accountant (places = 7; we reach about 4e-9).
    QTest::newRow("row 2") << 1.5 << 0.04 << qint64(2249) << 1e-5 << 6.777395712150674 << 5e-8;
    // Rows 3-4: prv_accountant.py::test_values (places = 4, microsoft/prv_accountant values).
    QTest::newRow("row 3") << 1.5 << 0.05 << qint64(1000) << 1e-6 << 6.20996924657727 << 5e-5;
    QTest::newRow("row 4") << 0.8 << 0.001 << qint64(1000) << 1e-6 << 0.477771266184523 << 5e-5;
}

void TestPrvAccountant::opacusReferenceValues()
{
    QFETCH(double, noiseMultiplier);
    QFETCH(double, sampleRate);
    QFETCH(qint64, steps);
    QFETCH(double, delta);
    QFETCH(double, expected);
    QFETCH(double, tolerance);
    const PrvEpsilon result = evaluate({{noiseMultiplier, sampleRate, steps}}, delta);
    QVERIFY2(std::abs(result.upper - expected) < tolerance,
             qPrintable(QString::number(result.upper, 'g', 16)));
    QVERIFY(result.gridSize > 0 && result.gridSize % 2 == 0);
    QVERIFY(result.meshSize > 0.0);
}

void TestPrvAccountant::boundsAreOrdered()
{
    const PrvEpsilon result = evaluate({{1.0, 0.01, 3000}}, 1e-5);
    QVERIFY(result.lower <= result.estimate);
    QVERIFY(result.estimate <= result.upper);
    // upper - lower = 2 epsError plus the delta-error widening, which is small here.
    QVERIFY(result.upper - result.lower >= 0.02);
    QVERIFY(result.upper - result.lower < 0.05);
}

void TestPrvAccountant::heterogeneousComposition()
{
    // A full-batch probe (sigma 5) followed by DP-SGD: PRV is tighter than RDP.
    const PrivacyHistory probeFirst{{5.0, 1.0, 1}, {1.5, 0.04, 1000}};
    const PrvEpsilon prv = evaluate(probeFirst, 1e-5);
    const Expected<RdpEpsilon> rdp = rdpEpsilon(probeFirst, 1e-5);
    QVERIFY(rdp.hasValue());
    QVERIFY2(prv.upper <= rdp->epsilon, qPrintable(QString::number(prv.upper)));
    // Composition is commutative, and splitting the DP-SGD entry around the probe (normalizeHistory
    // cannot merge the halves) leaves domain and mesh unchanged: the same epsilon to rounding.
    const PrvEpsilon reversed = evaluate({{1.5, 0.04, 1000}, {5.0, 1.0, 1}}, 1e-5);
    const PrvEpsilon split = evaluate({{1.5, 0.04, 500}, {5.0, 1.0, 1}, {1.5, 0.04, 500}}, 1e-5);
    QVERIFY2(std::abs(reversed.upper - prv.upper) < 1e-7,
             qPrintable(QString::number(reversed.upper)));
    QVERIFY2(std::abs(split.upper - prv.upper) < 1e-7, qPrintable(QString::number(split.upper)));
    // The probe costs something.
    const PrvEpsilon withoutProbe = evaluate({{1.5, 0.04, 1000}}, 1e-5);
    QVERIFY(withoutProbe.upper < prv.upper);
}

void TestPrvAccountant::fullBatchMatchesAnalyticGaussian()
{
    // q = 1 is a plain Gaussian mechanism (ln(1 - q) = -inf): the analytic curve at the returned
    // epsilons brackets delta, and the estimate hits it closely.
    const double delta = 1e-5;
    for (const double noiseMultiplier : {1.0, 2.0, 5.0}) {
        const PrvEpsilon result = evaluate({{noiseMultiplier, 1.0, 1}}, delta);
        const QByteArray where = QByteArray::number(noiseMultiplier);
        QVERIFY2(gaussianDelta(noiseMultiplier, result.upper) <= delta, where.constData());
        QVERIFY2(gaussianDelta(noiseMultiplier, result.lower) >= delta, where.constData());
        QVERIFY2(std::abs(gaussianDelta(noiseMultiplier, result.estimate) - delta) < 1e-3 * delta,
                 where.constData());
    }
}

void TestPrvAccountant::zeroNoiseGivesInfinity()
{
    const PrvEpsilon result = evaluate({{1.0, 0.01, 100}, {0.0, 0.5, 1}}, 1e-5);
    QVERIFY(std::isinf(result.upper) && result.upper > 0.0);
    QVERIFY(std::isinf(result.estimate) && std::isinf(result.lower));
}

void TestPrvAccountant::emptyHistoryGivesZero()
{
    for (const PrivacyHistory &history :
         {PrivacyHistory{}, PrivacyHistory{{1.0, 0.0, 100}, {1.0, 0.5, 0}}}) {
        const PrvEpsilon result = evaluate(history, 1e-5);
        QCOMPARE(result.upper, 0.0);
        QCOMPARE(result.estimate, 0.0);
        QCOMPARE(result.lower, 0.0);
        QCOMPARE(result.gridSize, std::int64_t{0});
    }
    // Events that contribute nothing change nothing.
    const PrvEpsilon plain = evaluate({{1.5, 0.05, 100}}, 1e-6);
    const PrvEpsilon padded = evaluate({{2.0, 0.0, 7}, {1.5, 0.05, 100}, {3.0, 0.2, 0}}, 1e-6);
    QCOMPARE(padded.upper, plain.upper);
}

void TestPrvAccountant::numericalFailureIsReturned()
{
    // A heavy-tailed single step whose discretised mean cannot be corrected (opacus#601).
    const Expected<PrvEpsilon> result = prvEpsilon({{0.3, 0.1, 1}}, 1e-6);
    QVERIFY(!result.hasValue());
    QCOMPARE(result.error().code, ErrorCode::NumericalFailure);
    QVERIFY2(result.error().message.find("discrete mean") != std::string::npos,
             result.error().message.c_str());
}

void TestPrvAccountant::invalidInputsNameTheField()
{
    const PrivacyHistory good{{1.0, 0.01, 100}};
    const auto check = [](const Expected<PrvEpsilon> &result, const char *field) {
        QVERIFY(!result.hasValue());
        QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(result.error().message.find(field) != std::string::npos,
                 result.error().message.c_str());
    };
    check(prvEpsilon(good, 0.0), "delta");
    check(prvEpsilon(good, 1.0), "delta");
    check(prvEpsilon(good, std::nan("")), "delta");
    check(prvEpsilon(good, 1e-5, PrvOptions{0.0, 0.0}), "epsError");
    check(prvEpsilon(good, 1e-5, PrvOptions{0.01, 1e-5}), "deltaError");
    check(prvEpsilon(good, 1e-5, PrvOptions{0.01, -1e-8}), "deltaError");
    check(prvEpsilon({{1.0, 1.5, 10}}, 1e-5), "sample rate");
    check(prvEpsilon({{-1.0, 0.1, 10}}, 1e-5), "noise multiplier");
    check(prvEpsilon({{1.0, 0.1, -1}}, 1e-5), "count");
}

void TestPrvAccountant::bluesteinMatchesNaiveDft()
{
    std::mt19937_64 rng(7);
    for (const std::size_t size : {3U, 12U, 100U, 1000U, 1023U}) {
        const std::vector<double> re = randomVector(rng, size, false);
        const std::vector<double> im = randomVector(rng, size, false);
        std::vector<fft::Complex> input(size);
        for (std::size_t j = 0; j < size; ++j) {
            input[j] = {re[j], im[j]};
        }
        for (const bool inverse : {false, true}) {
            std::vector<fft::Complex> output = input;
            fft::transform(output, inverse);
            double error = 0.0;
            for (std::size_t k = 0; k < size; ++k) {
                fft::Complex sum = 0.0;
                for (std::size_t j = 0; j < size; ++j) {
                    const double angle = (inverse ? 2.0 : -2.0) * kPi *
                                         static_cast<double>((j * k) % size) /
                                         static_cast<double>(size);
                    sum += input[j] * std::polar(1.0, angle);
                }
                error = std::max(error, std::abs(sum - output[k]));
            }
            QVERIFY2(error < 1e-9, qPrintable(QString::number(error)));
        }
    }
}

void TestPrvAccountant::convolutionPowerMatchesNaive()
{
    std::mt19937_64 rng(11);
    // 14 = 2 * 7 runs Bluestein on the half length; 64 runs radix-2.
    for (const std::size_t size : {2U, 14U, 64U, 250U}) {
        std::vector<double> p = randomVector(rng, size, true);
        double total = 0.0;
        for (const double value : p) {
            total += value;
        }
        for (double &value : p) {
            value /= total;
        }
        for (const std::int64_t power : {1, 3, 120}) {
            std::vector<double> expected = p;
            for (std::int64_t step = 1; step < power; ++step) {
                std::vector<double> next(size, 0.0);
                for (std::size_t i = 0; i < size; ++i) {
                    for (std::size_t j = 0; j < size; ++j) {
                        next[(i + j) % size] += expected[i] * p[j];
                    }
                }
                expected = next;
            }
            const std::vector<double> actual = fft::circularConvolutionPower(p, power);
            QCOMPARE(actual.size(), size);
            for (std::size_t i = 0; i < size; ++i) {
                QVERIFY2(
                    std::abs(actual[i] - expected[i]) < 1e-13,
                    qPrintable(
                        QStringLiteral("size %1 power %2 index %3").arg(size).arg(power).arg(i)));
            }
        }
    }
}

void TestPrvAccountant::convolveSameMatchesNaive()
{
    // scipy.signal.convolve([1..6], [0.5, -1, 2, 0, 1, 3], mode="same").
    const std::vector<double> known = fft::convolveSame({1, 2, 3, 4, 5, 6}, {0.5, -1, 2, 0, 1, 3});
    const std::vector<double> scipy{1.5, 3, 5.5, 11, 13, 25};
    for (std::size_t i = 0; i < scipy.size(); ++i) {
        QVERIFY(std::abs(known[i] - scipy[i]) < 1e-12);
    }
    std::mt19937_64 rng(13);
    for (const std::size_t size : {1U, 7U, 10U, 301U}) {
        const std::vector<double> a = randomVector(rng, size, false);
        const std::vector<double> b = randomVector(rng, size, false);
        std::vector<double> full(2 * size - 1, 0.0);
        for (std::size_t i = 0; i < size; ++i) {
            for (std::size_t j = 0; j < size; ++j) {
                full[i + j] += a[i] * b[j];
            }
        }
        const std::vector<double> same = fft::convolveSame(a, b);
        QCOMPARE(same.size(), size);
        const std::size_t start = (size - 1) / 2;
        for (std::size_t i = 0; i < size; ++i) {
            QVERIFY(std::abs(same[i] - full[start + i]) < 1e-12);
        }
    }
}

DPSAPF_REGISTER_TEST(TestPrvAccountant)
#include "test_prv_accountant.moc"
