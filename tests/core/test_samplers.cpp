// SPDX-License-Identifier: GPL-3.0-or-later
// Samplers against the diffusers scheduler fixtures: timesteps exactly, every step <= 1e-5.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "io/lenient_json.h"
#include "sample/ddim_sampler.h"
#include "sample/dpm_solver_pp.h"
#include "sd_tiny_fixtures.h"

#include "test_registry.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace dpsapf::core;

namespace {

const std::filesystem::path &kFixtures = dpsapf::test::kSdTinyFixtures;
const auto npy = dpsapf::test::loadFixtureNpy;

SchedulerConfig configOf(const std::string &folder)
{
    return SchedulerConfig::fromJson(
               readLenientJson(kFixtures / folder / "scheduler_config.json").value())
        .value();
}

std::vector<std::int64_t> toVector(const torch::Tensor &tensor)
{
    const torch::Tensor values = tensor.to(torch::kInt64).contiguous();
    return {values.data_ptr<std::int64_t>(), values.data_ptr<std::int64_t>() + values.numel()};
}

} // namespace

class TestSamplers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scheduleMatchesDiffusers();
    void timestepsMatchExactly_data();
    void timestepsMatchExactly();
    void stepsMatchTheFixture_data();
    void stepsMatchTheFixture();
    void ddimWithTrueNoiseRecoversTheSample();
    void spacingRules();
    void lastDpmStepReturnsTheDataPrediction();
};

void TestSamplers::scheduleMatchesDiffusers()
{
    const torch::Tensor expected = npy(kFixtures / "scheduler/alphas_cumprod.npy");
    const torch::Tensor actual = alphasCumprod(configOf("scheduler"));
    QCOMPARE(actual.numel(), std::int64_t(1000));
    QVERIFY((actual - expected).abs().max().item<double>() <= 1e-7);
}

void TestSamplers::timestepsMatchExactly_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("kind");
    QTest::newRow("ddim") << QStringLiteral("scheduler") << int(SamplerKind::Ddim);
    QTest::newRow("dpmpp-2m") << QStringLiteral("scheduler_dpmpp_2m")
                              << int(SamplerKind::DpmSolverPP2M);
    QTest::newRow("dpmpp-2m-karras")
        << QStringLiteral("scheduler_dpmpp_2m_karras") << int(SamplerKind::DpmSolverPP2MKarras);
}

void TestSamplers::timestepsMatchExactly()
{
    QFETCH(QString, folder);
    QFETCH(int, kind);
    const auto dir = kFixtures / folder.toStdString();
    auto sampler = makeSampler(static_cast<SamplerKind>(kind), configOf(folder.toStdString()));
    for (const int steps : {10, 20}) {
        sampler->setTimesteps(steps);
        QCOMPARE(sampler->timesteps(),
                 toVector(npy(dir / ("timesteps_" + std::to_string(steps) + ".npy"))));
        if (auto *dpm = dynamic_cast<DpmSolverPlusPlus *>(sampler.get())) {
            const torch::Tensor expected = npy(dir / ("sigmas_" + std::to_string(steps) + ".npy"));
            QVERIFY((dpm->sigmas() - expected).abs().max().item<double>() <= 1e-5);
        }
    }
}

void TestSamplers::stepsMatchTheFixture_data()
{
    timestepsMatchExactly_data();
}

void TestSamplers::stepsMatchTheFixture()
{
    QFETCH(QString, folder);
    QFETCH(int, kind);
    const auto dir = kFixtures / folder.toStdString();
    auto sampler = makeSampler(static_cast<SamplerKind>(kind), configOf(folder.toStdString()));
    sampler->setTimesteps(10);
    const torch::Tensor outputs = npy(dir / "model_outputs.npy");
    const torch::Tensor expected = npy(dir / "loop10_prev_samples.npy");
    torch::Tensor x = npy(dir / "x0.npy");
    for (std::size_t i = 0; i < 10; ++i) {
        x = sampler->step(outputs[static_cast<std::int64_t>(i)], i, x);
        const double error =
            (x - expected[static_cast<std::int64_t>(i)]).abs().max().item<double>();
        const double scale = expected[static_cast<std::int64_t>(i)].abs().max().item<double>();
        QVERIFY2(error <= 1e-5 * std::max(1.0, scale),
                 qPrintable(QStringLiteral("step %1 error %2").arg(i).arg(error)));
        if (i < 3 && kind == int(SamplerKind::Ddim)) {
            const auto *ddim = dynamic_cast<DdimSampler *>(sampler.get());
            const torch::Tensor original =
                npy(dir / "step3_pred_original.npy")[static_cast<std::int64_t>(i)];
            QVERIFY((ddim->predictedOriginal() - original).abs().max().item<double>() <=
                    1e-5 * std::max(1.0, original.abs().max().item<double>()));
        }
    }
}

void TestSamplers::ddimWithTrueNoiseRecoversTheSample()
{
    // Fed the true noise, deterministic DDIM predicts x0 = z0 at every step (sd-format.md §7).
    SchedulerConfig config;
    const torch::Tensor alphas = alphasCumprod(config);
    DdimSampler sampler(config, 0.0);
    sampler.setTimesteps(25);
    torch::manual_seed(3);
    const torch::Tensor z0 = torch::randn({2, 4, 8, 8});
    const torch::Tensor noise = torch::randn({2, 4, 8, 8});
    const std::int64_t first = sampler.timesteps().front();
    torch::Tensor x = alphas[first].sqrt() * z0 + (1 - alphas[first]).sqrt() * noise;
    for (std::size_t i = 0; i < sampler.timesteps().size(); ++i) {
        x = sampler.step(noise, i, x);
        QVERIFY((sampler.predictedOriginal() - z0).abs().max().item<double>() < 1e-3);
    }
}

void TestSamplers::spacingRules()
{
    SchedulerConfig config;
    DdimSampler leading(config, 0.0);
    leading.setTimesteps(50);
    QCOMPARE(leading.timesteps().front(), std::int64_t(981));
    QCOMPARE(leading.timesteps().back(), std::int64_t(1));
    config.timestepSpacing = TimestepSpacing::Trailing;
    DdimSampler trailing(config, 0.0);
    trailing.setTimesteps(50);
    QCOMPARE(trailing.timesteps().front(), std::int64_t(999));
    QCOMPARE(trailing.timesteps().back(), std::int64_t(19));
    config.timestepSpacing.reset();
    DpmSolverPlusPlus linspace(config, false);
    linspace.setTimesteps(20);
    QCOMPARE(linspace.timesteps().front(), std::int64_t(999));
    QCOMPARE(linspace.timesteps()[1], std::int64_t(949));
    QCOMPARE(linspace.timesteps().back(), std::int64_t(50));
    QCOMPARE(samplerName(SamplerKind::DpmSolverPP2MKarras), std::string("dpmpp-2m-karras"));
    QVERIFY(parseSampler("dpmpp-2m") == SamplerKind::DpmSolverPP2M);
    QVERIFY(!parseSampler("pndm"));
}

void TestSamplers::lastDpmStepReturnsTheDataPrediction()
{
    SchedulerConfig config;
    DpmSolverPlusPlus sampler(config, false);
    sampler.setTimesteps(5);
    torch::manual_seed(5);
    torch::Tensor x = torch::randn({1, 4, 4, 4});
    const torch::Tensor epsilon = torch::randn({1, 4, 4, 4});
    for (std::size_t i = 0; i + 1 < 5; ++i) {
        x = sampler.step(epsilon, i, x);
    }
    const torch::Tensor sigma = sampler.sigmas()[4];
    const torch::Tensor alpha = 1 / (sigma.pow(2) + 1).sqrt();
    const torch::Tensor data = (x - sigma * alpha * epsilon) / alpha;
    QVERIFY((sampler.step(epsilon, 4, x) - data).abs().max().item<double>() < 1e-5);
}

DPSAPF_REGISTER_TEST(TestSamplers)
#include "test_samplers.moc"
