// SPDX-License-Identifier: GPL-3.0-or-later
// The saliency probe against an oracle loop of one record at a time (plain autograd, joint clip),
// its noise scale, Poisson sampling and stopping.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "probe/saliency_probe.h"
#include "sd_tiny_fixtures.h"

#include "test_registry.h"

#include <QtTest>

using namespace dpsapf::core;

namespace {

const std::filesystem::path &kFixtures = dpsapf::test::kSdTinyFixtures;

struct ProbeData {
    torch::Tensor noisy, timesteps, context, noise;
};

ProbeData makeData(std::int64_t records)
{
    torch::manual_seed(17);
    return {torch::randn({records, 4, 8, 8}), torch::randint(0, 1000, {records}, torch::kInt64),
            torch::randn({records, 3, 32}), torch::randn({records, 4, 8, 8})};
}

PerRecordLoss lossOf(UNet &unet, const ProbeData &data)
{
    return [&unet, &data](const std::vector<std::int64_t> &records) {
        const torch::Tensor index = torch::tensor(records, torch::kInt64);
        const torch::Tensor prediction =
            unet->forward(data.noisy.index_select(0, index), data.timesteps.index_select(0, index),
                          data.context.index_select(0, index));
        return (prediction - data.noise.index_select(0, index)).pow(2).flatten(1).mean(1);
    };
}

} // namespace

class TestProbe final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scoresMatchTheOneRecordOracle();
    void noiseHasStdSigmaTimesCSquared();
    void poissonSampleAndStop();
};

void TestProbe::scoresMatchTheOneRecordOracle()
{
    auto unet = loadUNetFolder(kFixtures / "unet").value();
    const std::int64_t records = 6;
    const ProbeData data = makeData(records);
    ProbeConfig config;
    config.noiseMultiplier = 1e-12; // noise far below the tolerance
    config.clipNorm = 0.05;         // binds for some records
    config.microBatchSize = 4;      // two micro-batches
    const auto released = runSaliencyProbe(unet, records, lossOf(unet, data), config);
    QVERIFY2(released.hasValue(), released ? "" : released.error().message.c_str());
    QCOMPARE(released->keys.size(), std::size_t(128));
    QCOMPARE(released->recordsUsed, records);

    // Oracle: one record at a time, ordinary autograd on the 128 weights + 32 biases.
    const auto projections = unet->attentionProjections();
    for (auto &parameter : unet->parameters()) {
        parameter.set_requires_grad(false);
    }
    std::vector<double> expected(projections.size(), 0.0);
    int clipped = 0;
    for (std::int64_t i = 0; i < records; ++i) {
        for (auto &[name, projection] : projections) {
            projection->weight.set_requires_grad(true);
            projection->weight.mutable_grad() = torch::Tensor();
            if (projection->bias.defined()) {
                projection->bias.set_requires_grad(true);
                projection->bias.mutable_grad() = torch::Tensor();
            }
        }
        lossOf(unet, data)({i}).sum().backward();
        std::vector<double> perKey;
        double total = 0.0;
        for (auto &[name, projection] : projections) {
            double mass = projection->weight.grad().to(torch::kFloat64).pow(2).sum().item<double>();
            if (projection->bias.defined()) {
                mass += projection->bias.grad().to(torch::kFloat64).pow(2).sum().item<double>();
            }
            perKey.push_back(mass);
            total += mass;
        }
        const double factor = std::min(1.0, config.clipNorm / std::sqrt(total));
        clipped += factor < 1.0 ? 1 : 0;
        for (std::size_t m = 0; m < perKey.size(); ++m) {
            expected[m] += factor * factor * perKey[m];
        }
    }
    QVERIFY(clipped > 0);
    for (std::size_t m = 0; m < expected.size(); ++m) {
        QCOMPARE(released->keys[m], projections[m].first);
        QVERIFY2(
            std::abs(released->scores[m] - expected[m]) <= 1e-4 * std::max(expected[m], 1e-6),
            qPrintable(
                QStringLiteral("%1: %2 vs %3").arg(m).arg(released->scores[m]).arg(expected[m])));
    }
}

void TestProbe::noiseHasStdSigmaTimesCSquared()
{
    auto unet = loadUNetFolder(kFixtures / "unet").value();
    const ProbeData data = makeData(1);
    ProbeConfig config;
    config.noiseMultiplier = 5.0;
    config.clipNorm = 2.0;
    // An empty dataset: the release is pure noise of std sigma_s * C^2 = 20.
    const auto released = runSaliencyProbe(unet, 0, lossOf(unet, data), config);
    QVERIFY(released.hasValue());
    double sumSquares = 0.0;
    for (const double score : released->scores) {
        sumSquares += score * score;
    }
    const double std = std::sqrt(sumSquares / static_cast<double>(released->scores.size()));
    QVERIFY2(std > 20.0 * 0.75 && std < 20.0 * 1.25, qPrintable(QString::number(std)));
}

void TestProbe::poissonSampleAndStop()
{
    auto unet = loadUNetFolder(kFixtures / "unet").value();
    const ProbeData data = makeData(40);
    ProbeConfig config;
    config.sampleRate = 0.25;
    config.seed = 9;
    const auto released = runSaliencyProbe(unet, 40, lossOf(unet, data), config);
    QVERIFY(released.hasValue());
    QVERIFY(released->recordsUsed > 0 && released->recordsUsed < 40);
    QCOMPARE(released->sampleRate, 0.25);
    std::atomic<bool> stop{true};
    const auto stopped = runSaliencyProbe(unet, 40, lossOf(unet, data), config, &stop);
    QVERIFY(!stopped.hasValue());
    QCOMPARE(stopped.error().code, ErrorCode::Cancelled);
    config.noiseMultiplier = 0.0;
    QVERIFY(
        runSaliencyProbe(unet, 40, lossOf(unet, data), config).error().message.find("sigma_s") !=
        std::string::npos);
}

DPSAPF_REGISTER_TEST(TestProbe)
#include "test_probe.moc"
