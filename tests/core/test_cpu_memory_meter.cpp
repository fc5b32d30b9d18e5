// SPDX-License-Identifier: GPL-3.0-or-later
// The benchmarks' CPU memory meter (util/cpu_memory_meter.h) counts live CPU tensors and their
// peak, and tensors outlive the meter safely.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "util/cpu_memory_meter.h"

#include "test_registry.h"

#include <QtTest>

using namespace dpsapf::core;

class TestCpuMemoryMeter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsLiveTensorsAndThePeak()
    {
        constexpr std::int64_t kBytes = 4 * (1 << 20); // 1 Mi floats
        torch::Tensor survivor;
        {
            CpuMemoryMeter meter;
            QCOMPARE(meter.currentBytes(), std::int64_t{0});
            {
                const torch::Tensor a = torch::ones({1 << 20});
                QVERIFY(meter.currentBytes() >= kBytes);
                const torch::Tensor b = a * 2.0;
                QVERIFY(meter.currentBytes() >= 2 * kBytes);
                QCOMPARE(b.sum().item<double>(), 2.0 * (1 << 20));
            }
            QVERIFY(meter.currentBytes() < kBytes);
            QVERIFY(meter.peakBytes() >= 2 * kBytes);
            meter.resetPeak();
            QVERIFY(meter.peakBytes() < kBytes);
            survivor = torch::zeros({1 << 20});
            QVERIFY(meter.peakBytes() >= kBytes);
        }
        // Freed after the meter is gone: the wrapper's deleter still releases it.
        survivor = torch::Tensor();
        CpuMemoryMeter again;
        QCOMPARE(again.currentBytes(), std::int64_t{0});
        bool refused = false;
        try {
            CpuMemoryMeter second;
        } catch (const c10::Error &) {
            refused = true;
        }
        QVERIFY(refused);
    }
};

DPSAPF_REGISTER_TEST(TestCpuMemoryMeter)
#include "test_cpu_memory_meter.moc"
