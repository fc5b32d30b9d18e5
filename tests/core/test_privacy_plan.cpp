// SPDX-License-Identifier: GPL-3.0-or-later
// The privacy plan: delta rules, sampling rates, calibration against the Opacus reference row,
// the probe's share of the budget, and refusals that name the config key.
#include "dpsapf/core/privacy_plan.h"

#include "test_registry.h"

#include <QtTest>

#include <cmath>

using namespace dpsapf::core;

class TestPrivacyPlan final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void calibratesLikeOpacusWithoutProbe();
    void probeShareAndDefaultDelta();
    void refusals();
};

void TestPrivacyPlan::calibratesLikeOpacusWithoutProbe()
{
    // privacy-accounting.md row 6 (Opacus test_get_noise_multiplier_prv_epochs): q = 0.04,
    // T = 2250, delta = 1e-5, epsilon 8 -> sigma 1.34765625.
    PrivacyPlanRequest request;
    request.trainRecords = 25000;
    request.batchSize = 1000;
    request.steps = 2250;
    request.delta = 1e-5;
    request.targetEpsilon = 8.0;
    request.chargeProbe = false;
    const Expected<PrivacyPlan> plan = planPrivacy(request);
    QVERIFY2(plan, plan ? "" : plan.error().message.c_str());
    QCOMPARE(plan->sampleRate, 0.04);
    QCOMPARE(plan->deltaRule, std::string("fixed"));
    QCOMPARE(plan->probeSampleRate, 0.0);
    QVERIFY(std::abs(plan->noiseMultiplier - 1.34765625) < 5e-5);
    QVERIFY(plan->calibratedEpsilon <= 8.0);
}

void TestPrivacyPlan::probeShareAndDefaultDelta()
{
    PrivacyPlanRequest request;
    request.trainRecords = 55000;
    request.batchSize = 256;
    request.steps = 25;
    request.probeSampleSize = 1000;
    request.withBreakdown = true;
    const Expected<PrivacyPlan> plan = planPrivacy(request);
    QVERIFY2(plan, plan ? "" : plan.error().message.c_str());
    QCOMPARE(plan->deltaRule, std::string("1/(N ln N)"));
    QVERIFY(std::abs(plan->delta - 1.0 / (55000.0 * std::log(55000.0))) < 1e-15);
    QVERIFY(std::abs(plan->probeSampleRate - 1000.0 / 55000.0) < 1e-15);
    QVERIFY(plan->probeOnlyPrv && plan->probeOnlyRdp && plan->totalRdp);
    QVERIFY(plan->probeOnlyPrv->epsilon > 0.0);
    QVERIFY(plan->probeOnlyPrv->epsilon < plan->calibratedEpsilon);
    QVERIFY(plan->totalRdp->epsilon >= plan->calibratedEpsilon); // RDP is the looser bound
    QVERIFY(plan->warnings.empty());
    request.targetEpsilon = 20.0;
    QCOMPARE(planPrivacy(request)->warnings.size(), std::size_t{1});
}

void TestPrivacyPlan::refusals()
{
    PrivacyPlanRequest request;
    request.trainRecords = 1000;
    request.batchSize = 100;
    request.steps = 10;
    request.delta = 1e-3; // = 1/N
    QVERIFY(planPrivacy(request).error().message.rfind("privacy.delta:", 0) == 0);
    request.delta = 0.0;
    request.batchSize = 2000;
    QVERIFY(planPrivacy(request).error().message.rfind("train.batch_size:", 0) == 0);
    request.batchSize = 100;
    // sigma_s = 5 on every record alone exceeds epsilon 0.2 at delta = 1/(N ln N).
    request.probeSampleSize = 1000;
    request.targetEpsilon = 0.2;
    const auto refused = planPrivacy(request);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.rfind("privacy.epsilon: budget too low for the probe", 0) == 0,
             refused.error().message.c_str());
    request.trainRecords = 1;
    QVERIFY(planPrivacy(request).error().message.rfind("dataset:", 0) == 0);
}

DPSAPF_REGISTER_TEST(TestPrivacyPlan)
#include "test_privacy_plan.moc"
