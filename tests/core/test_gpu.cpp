// SPDX-License-Identifier: GPL-3.0-or-later
// GPU smoke test: a matrix product on the CUDA device equals the CPU result. Exits 77 (skipped
// by CTest) when this build or machine has no CUDA device.
#include <torch/torch.h> // before any Qt header (Qt's `slots` macro breaks torch; stack.md G1)

#include "dpsapf/core/runtime_info.h"

#include <QtTest>

#include <cstdio>

class TestGpu final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runtimeSeesTheDevice() { QVERIFY(dpsapf::core::queryRuntimeInfo().cudaDeviceCount >= 1); }

    void matmulMatchesCpu()
    {
        torch::manual_seed(0);
        const torch::Tensor a = torch::randn({256, 384});
        const torch::Tensor b = torch::randn({384, 128});
        const torch::Tensor expected = torch::matmul(a, b);
        const torch::Tensor actual =
            torch::matmul(a.to(torch::kCUDA), b.to(torch::kCUDA)).to(torch::kCPU);
        // TF32 may be on for CUDA matmuls: compare with a matching tolerance.
        QVERIFY(torch::allclose(actual, expected, 1e-2, 1e-2));
    }
};

int main(int argc, char **argv)
{
    if (!torch::cuda::is_available()) {
        std::puts("SKIP: no CUDA device");
        return 77;
    }
    QCoreApplication application(argc, argv);
    TestGpu test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_gpu.moc"
