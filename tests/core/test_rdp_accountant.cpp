// SPDX-License-Identifier: GPL-3.0-or-later
// RDP accountant against the reference values of privacy-accounting.md §10 (Opacus tests).
#include "dpsapf/core/privacy_accountant.h"
#include "dpsapf/core/rdp_accountant.h"

#include "test_registry.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace dpsapf::core;

class TestRdpAccountant final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void orderGridMatchesOpacus();
    void integerOrdersMatchClosedForm_data();
    void integerOrdersMatchClosedForm();
    void opacusReferenceEpsilon();
    void edgeCases();
    void splittingStepsDoesNotChangeEpsilon();
    void zeroEventsContributeNothing();
    void invalidInputsAreErrors_data();
    void invalidInputsAreErrors();
    void mironovConversionIsLooser();
    void analyticGaussianMatchesSymmetry();
};

void TestRdpAccountant::orderGridMatchesOpacus()
{
    const std::vector<double> orders = rdpOrders();
    QCOMPARE(orders.size(), std::size_t(99 + 52));
    QCOMPARE(orders.front(), 1.1);
    QCOMPARE(orders[98], 10.9);
    QCOMPARE(orders[99], 12.0);
    QCOMPARE(orders.back(), 63.0);
    const std::vector<double> extended = rdpOrders(RdpOptions{true, RdpConversion::Improved});
    QCOMPARE(extended.size(), orders.size() + 4);
    QCOMPARE(extended.back(), 1024.0);
}

void TestRdpAccountant::integerOrdersMatchClosedForm_data()
{
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("sigma");
    QTest::addColumn<double>("alpha");
    QTest::addColumn<double>("expected");
    QTest::newRow("q=0.01 sigma=1 alpha=2") << 0.01 << 1.0 << 2.0 << 1.71813422075e-4;
    QTest::newRow("q=0.01 sigma=1 alpha=10") << 0.01 << 1.0 << 10.0 << 3.82704188949e-2;
    QTest::newRow("q=1 sigma=5 alpha=20") << 1.0 << 5.0 << 20.0 << 0.4;
}

void TestRdpAccountant::integerOrdersMatchClosedForm()
{
    QFETCH(double, q);
    QFETCH(double, sigma);
    QFETCH(double, alpha);
    QFETCH(double, expected);
    const double rdp = rdpOfSubsampledGaussian(q, sigma, alpha);
    QVERIFY2(std::abs(rdp - expected) <= 1e-9 * expected,
             qPrintable(QString::number(rdp, 'g', 15)));
}

void TestRdpAccountant::opacusReferenceEpsilon()
{
    // Row 1: opacus/tests/accountants_test.py::test_rdp_accountant, steps = int(90 / 0.04).
    const auto result = rdpEpsilon({{1.5, 0.04, 2250}}, 1e-5);
    QVERIFY(result.hasValue());
    QVERIFY2(std::abs(result->epsilon - 7.32911117143) < 5e-8,
             qPrintable(QString::number(result->epsilon, 'g', 15)));
    QVERIFY(!result->orderAtGridEdge);
    QVERIFY(result->optimalOrder > 1.0 && result->optimalOrder < 63.0);
}

void TestRdpAccountant::edgeCases()
{
    QCOMPARE(rdpOfSubsampledGaussian(0.0, 1.0, 2.0), 0.0);
    QVERIFY(std::isinf(rdpOfSubsampledGaussian(0.5, 0.0, 2.0)));
    QVERIFY(std::isinf(rdpOfSubsampledGaussian(0.5, 1.0, std::numeric_limits<double>::infinity())));
    // sigma = 0: no privacy, a finite answer of +inf (never NaN).
    const auto noNoise = rdpEpsilon({{0.0, 0.1, 10}}, 1e-5);
    QVERIFY(noNoise.hasValue());
    QVERIFY(std::isinf(noNoise->epsilon));
    // Huge step counts stay finite.
    const auto huge = rdpEpsilon({{1.0, 0.01, 100000000}}, 1e-5);
    QVERIFY(huge.hasValue());
    QVERIFY(std::isfinite(huge->epsilon));
    // delta close to 0 gives a larger but finite epsilon.
    const auto tinyDelta = rdpEpsilon({{1.0, 0.01, 1000}}, 1e-300);
    QVERIFY(tinyDelta.hasValue());
    QVERIFY(std::isfinite(tinyDelta->epsilon));
    QVERIFY(tinyDelta->epsilon > rdpEpsilon({{1.0, 0.01, 1000}}, 1e-5)->epsilon);
    // q = 1 uses the plain Gaussian mechanism.
    const auto full = rdpEpsilon({{5.0, 1.0, 1}}, 1e-5);
    QVERIFY(full.hasValue() && full->epsilon > 0.0 && std::isfinite(full->epsilon));
}

void TestRdpAccountant::splittingStepsDoesNotChangeEpsilon()
{
    const auto whole = rdpEpsilon({{1.1, 0.02, 2000}}, 1e-6);
    // A different event in between keeps the two halves from being merged.
    const auto probeFirst = rdpEpsilon({{5.0, 1.0, 1}, {1.1, 0.02, 2000}}, 1e-6);
    const auto split = rdpEpsilon({{1.1, 0.02, 1000}, {5.0, 1.0, 1}, {1.1, 0.02, 1000}}, 1e-6);
    QVERIFY(whole.hasValue() && probeFirst.hasValue() && split.hasValue());
    QVERIFY(std::abs(probeFirst->epsilon - split->epsilon) < 1e-9);
    QVERIFY(probeFirst->epsilon > whole->epsilon);
}

void TestRdpAccountant::zeroEventsContributeNothing()
{
    const auto base = rdpEpsilon({{1.1, 0.02, 500}}, 1e-6);
    const auto padded = rdpEpsilon({{3.0, 0.0, 50}, {1.1, 0.02, 500}, {0.5, 0.3, 0}}, 1e-6);
    QCOMPARE(padded->epsilon, base->epsilon);
    QCOMPARE(rdpEpsilon({}, 1e-6)->epsilon, 0.0);
    const PrivacyHistory merged =
        normalizeHistory({{1.0, 0.1, 3}, {1.0, 0.1, 4}, {2.0, 0.1, 1}, {1.0, 0.0, 9}});
    QCOMPARE(merged.size(), std::size_t(2));
    QCOMPARE(merged[0].count, std::int64_t(7));
}

void TestRdpAccountant::invalidInputsAreErrors_data()
{
    QTest::addColumn<double>("sigma");
    QTest::addColumn<double>("q");
    QTest::addColumn<qint64>("count");
    QTest::addColumn<double>("delta");
    QTest::addColumn<QString>("field");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("q > 1") << 1.0 << 1.5 << qint64(10) << 1e-5 << QStringLiteral("sample rate");
    QTest::newRow("q NaN") << 1.0 << nan << qint64(10) << 1e-5 << QStringLiteral("sample rate");
    QTest::newRow("sigma < 0") << -1.0 << 0.1 << qint64(10) << 1e-5
                               << QStringLiteral("noise multiplier");
    QTest::newRow("sigma NaN") << nan << 0.1 << qint64(10) << 1e-5
                               << QStringLiteral("noise multiplier");
    QTest::newRow("count < 0") << 1.0 << 0.1 << qint64(-1) << 1e-5 << QStringLiteral("count");
    QTest::newRow("delta 0") << 1.0 << 0.1 << qint64(10) << 0.0 << QStringLiteral("delta");
    QTest::newRow("delta 1") << 1.0 << 0.1 << qint64(10) << 1.0 << QStringLiteral("delta");
    QTest::newRow("delta NaN") << 1.0 << 0.1 << qint64(10) << nan << QStringLiteral("delta");
}

void TestRdpAccountant::invalidInputsAreErrors()
{
    QFETCH(double, sigma);
    QFETCH(double, q);
    QFETCH(qint64, count);
    QFETCH(double, delta);
    QFETCH(QString, field);
    for (const AccountantKind kind : {AccountantKind::Rdp, AccountantKind::Prv}) {
        const auto result = computeEpsilon({{sigma, q, count}}, delta, kind);
        QVERIFY(!result.hasValue());
        QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(QString::fromStdString(result.error().message).contains(field),
                 result.error().message.c_str());
    }
}

void TestRdpAccountant::mironovConversionIsLooser()
{
    const PrivacyHistory history{{1.5, 0.04, 2250}};
    const auto improved = rdpEpsilon(history, 1e-5);
    const auto mironov = rdpEpsilon(history, 1e-5, RdpOptions{false, RdpConversion::Mironov});
    QVERIFY(mironov->epsilon > improved->epsilon);
}

void TestRdpAccountant::analyticGaussianMatchesSymmetry()
{
    // delta(0) of a Gaussian mechanism is the total variation 2*Phi(1/(2 sigma)) - 1.
    const double sigma = 2.0;
    const double expected = std::erf(1.0 / (2.0 * sigma) / std::sqrt(2.0));
    QVERIFY(std::abs(analyticGaussianDelta(sigma, 0.0) - expected) < 1e-12);
    // Decreasing in epsilon, and tiny far out (never negative, never NaN).
    QVERIFY(analyticGaussianDelta(sigma, 1.0) < analyticGaussianDelta(sigma, 0.5));
    const double far = analyticGaussianDelta(5.0, 40.0);
    QVERIFY(far >= 0.0 && far < 1e-100);
}

DPSAPF_REGISTER_TEST(TestRdpAccountant)
#include "test_rdp_accountant.moc"
