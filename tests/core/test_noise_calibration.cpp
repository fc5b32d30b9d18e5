// SPDX-License-Identifier: GPL-3.0-or-later
// Noise calibration: Opacus reference values, round trips, probe feasibility and invalid requests.
#include "dpsapf/core/noise_calibration.h"

#include "test_registry.h"

#include <QtTest>

#include <cmath>

using namespace dpsapf::core;

class TestNoiseCalibration final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opacusReferenceRdp();
    void opacusReferencePrv();
    void roundTripMeetsTarget_data();
    void roundTripMeetsTarget();
    void probeIsChargedFirst();
    void budgetTooLowForProbe();
    void unreachableTarget();
    void invalidRequests();
};

void TestNoiseCalibration::opacusReferenceRdp()
{
    // Row 5: accountants_test.py::test_get_noise_multiplier_rdp_epochs (epochs 90, q 0.04).
    CalibrationRequest request{{}, 0.04, 2250, 1e-5, 8.0, AccountantKind::Rdp, 0.01};
    const auto result = calibrateNoise(request);
    QVERIFY2(result.hasValue(), result ? "" : result.error().message.c_str());
    QVERIFY2(std::abs(result->noiseMultiplier - 1.416) < 5e-5,
             qPrintable(QString::number(result->noiseMultiplier)));
    QVERIFY(result->epsilon <= 8.0);
}

void TestNoiseCalibration::opacusReferencePrv()
{
    // Row 6: accountants_test.py::test_get_noise_multiplier_prv_epochs.
    CalibrationRequest request{{}, 0.04, 2250, 1e-5, 8.0, AccountantKind::Prv, 0.01};
    const auto result = calibrateNoise(request);
    QVERIFY2(result.hasValue(), result ? "" : result.error().message.c_str());
    QVERIFY2(std::abs(result->noiseMultiplier - 1.34765625) < 5e-5,
             qPrintable(QString::number(result->noiseMultiplier, 'g', 12)));
}

void TestNoiseCalibration::roundTripMeetsTarget_data()
{
    QTest::addColumn<int>("accountant");
    QTest::addColumn<double>("target");
    QTest::newRow("rdp eps 1") << int(AccountantKind::Rdp) << 1.0;
    QTest::newRow("rdp eps 10") << int(AccountantKind::Rdp) << 10.0;
    QTest::newRow("prv eps 3") << int(AccountantKind::Prv) << 3.0;
}

void TestNoiseCalibration::roundTripMeetsTarget()
{
    QFETCH(int, accountant);
    QFETCH(double, target);
    const auto kind = static_cast<AccountantKind>(accountant);
    CalibrationRequest request{{}, 0.02, 500, 1e-6, target, kind, 0.01};
    const auto result = calibrateNoise(request);
    QVERIFY2(result.hasValue(), result ? "" : result.error().message.c_str());
    // sigma -> epsilon: recomputing gives the same epsilon, within the target and its tolerance.
    const auto again = computeEpsilon({{result->noiseMultiplier, 0.02, 500}}, 1e-6, kind);
    QVERIFY(again.hasValue());
    QCOMPARE(again->epsilon, result->epsilon);
    QVERIFY(again->epsilon <= target);
    QVERIFY(again->epsilon >= target - 0.01);
    // epsilon -> sigma: a slightly smaller sigma would overshoot (conservative end, tolerance
    // aside).
    const auto smaller = computeEpsilon({{result->noiseMultiplier * 0.98, 0.02, 500}}, 1e-6, kind);
    QVERIFY(smaller->epsilon > result->epsilon);
}

void TestNoiseCalibration::probeIsChargedFirst()
{
    const PrivacyHistory probe{{5.0, 1.0, 1}};
    CalibrationRequest without{{}, 0.05, 300, 1e-5, 4.0, AccountantKind::Rdp, 0.01};
    CalibrationRequest with = without;
    with.fixedHistory = probe;
    const auto a = calibrateNoise(without);
    const auto b = calibrateNoise(with);
    QVERIFY(a.hasValue() && b.hasValue());
    QVERIFY(b->noiseMultiplier > a->noiseMultiplier);
    PrivacyHistory full = probe;
    full.push_back({b->noiseMultiplier, 0.05, 300});
    QVERIFY(computeEpsilon(full, 1e-5, AccountantKind::Rdp)->epsilon <= 4.0);
}

void TestNoiseCalibration::budgetTooLowForProbe()
{
    // method.md §6.5: sigma_s = 5, q_s = 1 costs more than epsilon = 0.2 at delta = 1/(N ln N).
    const double n = 55000.0;
    CalibrationRequest request{{{5.0, 1.0, 1}},     0.07, 1000, 1.0 / (n * std::log(n)), 0.2,
                               AccountantKind::Prv, 0.01};
    const auto result = calibrateNoise(request);
    QVERIFY(!result.hasValue());
    QCOMPARE(result.error().code, ErrorCode::Unreachable);
    QVERIFY2(result.error().message.find("budget too low for the probe") != std::string::npos,
             result.error().message.c_str());
    QVERIFY(result.error().message.find("noise multiplier 5") != std::string::npos);
}

void TestNoiseCalibration::unreachableTarget()
{
    CalibrationRequest request{{}, 1.0, 1000000, 1e-10, 1e-4, AccountantKind::Rdp, 1e-5};
    const auto result = calibrateNoise(request);
    QVERIFY(!result.hasValue());
    QCOMPARE(result.error().code, ErrorCode::Unreachable);
    QVERIFY(result.error().message.find("too low") != std::string::npos);
}

void TestNoiseCalibration::invalidRequests()
{
    const CalibrationRequest good{{}, 0.1, 100, 1e-5, 2.0, AccountantKind::Rdp, 0.01};
    QVERIFY(good.validate().hasValue());
    auto check = [](CalibrationRequest request, const char *field) {
        const auto result = calibrateNoise(request);
        QVERIFY(!result.hasValue());
        QVERIFY2(result.error().message.find(field) != std::string::npos,
                 result.error().message.c_str());
    };
    CalibrationRequest bad = good;
    bad.sampleRate = 0.0;
    check(bad, "sample rate");
    bad = good;
    bad.steps = 0;
    check(bad, "steps");
    bad = good;
    bad.delta = 1.0;
    check(bad, "delta");
    bad = good;
    bad.targetEpsilon = -1.0;
    check(bad, "target epsilon");
    bad = good;
    bad.targetEpsilon = std::nan("");
    check(bad, "target epsilon");
    bad = good;
    bad.fixedHistory = {{-2.0, 1.0, 1}};
    check(bad, "noise multiplier");
}

DPSAPF_REGISTER_TEST(TestNoiseCalibration)
#include "test_noise_calibration.moc"
