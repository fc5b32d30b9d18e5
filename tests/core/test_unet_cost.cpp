// SPDX-License-Identifier: GPL-3.0-or-later
// The analytic UNet cost used for MFU estimates against the reference counts of sd-format.md §10.
#include "bench/unet_cost.h"

#include "test_registry.h"

#include <QtTest>

#include <cmath>

using namespace dpsapf::core;

class TestUNetCost final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesTheReferenceCounts()
    {
        const UNetConfig sd15; // the defaults are SD 1.5
        const UNetCost at512 = unetForwardCost(sd15, 64, 77);
        QCOMPARE(std::round(at512.totalMacs() / 1e8) / 10, 401.6);
        QCOMPARE(std::round(at512.convolutionMacs / 1e8) / 10, 222.0);
        QCOMPARE(std::round(at512.attentionMacs / 1e8) / 10, 63.0);
        QCOMPARE(std::round(unetForwardCost(sd15, 32, 77).totalMacs() / 1e8) / 10, 90.1);
        QCOMPARE(std::round(unetForwardCost(sd15, 96, 77).totalMacs() / 1e9), 1074.0);

        UNetConfig sd21 = sd15;
        sd21.attentionHeads = {5, 10, 20, 20};
        sd21.crossAttentionDim = 1024;
        sd21.useLinearProjection = true;
        QCOMPARE(std::round(unetForwardCost(sd21, 64, 77).totalMacs() / 1e8) / 10, 402.1);
        QCOMPARE(std::round(unetForwardCost(sd21, 32, 77).totalMacs() / 1e8) / 10, 90.5);
    }
};

DPSAPF_REGISTER_TEST(TestUNetCost)

#include "test_unet_cost.moc"
