// SPDX-License-Identifier: GPL-3.0-or-later
// Gaussian noise of DP-SGD: statistics, reproducibility and resume, secure mode (Opacus
// secure_mode, Mironov 2012), and the ChaCha20 block function (RFC 8439 §2.3.2 test vector).
#include <torch/torch.h> // before any Qt header (Qt's `slots` macro breaks torch; stack.md G1)

#include "privacy/chacha20.h"
#include "privacy/gaussian_noise.h"

#include "test_registry.h"

#include <QtTest>

#include <cmath>

using namespace dpsapf::core;

namespace {

torch::Tensor noiseOf(GaussianNoise &noise, torch::IntArrayRef shape, double noiseMultiplier,
                      double sensitivity, torch::ScalarType dtype = torch::kDouble)
{
    auto sum = torch::zeros(shape, dtype);
    noise.addTo(sum, noiseMultiplier, sensitivity);
    return sum;
}

void checkStatistics(GaussianNoise &noise)
{
    const double noiseMultiplier = 1.3;
    const double sensitivity = 0.7;
    const double std = noiseMultiplier * sensitivity;
    const std::int64_t count = 400000;
    const auto draw = noiseOf(noise, {count}, noiseMultiplier, sensitivity);
    const double mean = draw.mean().item<double>();
    const double sampleStd = draw.std().item<double>();
    // Mean within 5 standard errors; std within 1 % (about 9 standard errors of the sample std).
    QVERIFY2(std::abs(mean) < 5.0 * std / std::sqrt(static_cast<double>(count)),
             qPrintable(QString::number(mean)));
    QVERIFY2(std::abs(sampleStd / std - 1.0) < 0.01, qPrintable(QString::number(sampleStd)));
    // Shape: the mass within one σ is 68.27 % for a Gaussian.
    const double withinOne = (draw.abs() < std).to(torch::kDouble).mean().item<double>();
    QVERIFY2(std::abs(withinOne - 0.682689) < 0.004, qPrintable(QString::number(withinOne)));
    // Fourth moment: kurtosis 3 for a Gaussian.
    const double kurtosis = (draw / std).pow(4).mean().item<double>();
    QVERIFY2(std::abs(kurtosis - 3.0) < 0.08, qPrintable(QString::number(kurtosis)));
}

} // namespace

class TestGaussianNoise final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reproducibleStatistics();
    void secureStatistics();
    void sameSeedSameNoise();
    void restoredStateContinuesIdentically();
    void restoreRejectsGarbage();
    void secureInstancesDiffer();
    void zeroStandardDeviationAddsNothing();
    void float32Sum();
    void chacha20BlockTestVector();
    void chacha20Keystream();
};

void TestGaussianNoise::reproducibleStatistics()
{
    GaussianNoise noise(NoiseRandomness::Reproducible, 17);
    checkStatistics(noise);
}

void TestGaussianNoise::secureStatistics()
{
    GaussianNoise noise(NoiseRandomness::Secure, 0);
    checkStatistics(noise);
}

void TestGaussianNoise::sameSeedSameNoise()
{
    GaussianNoise first(NoiseRandomness::Reproducible, 42);
    GaussianNoise second(NoiseRandomness::Reproducible, 42);
    GaussianNoise other(NoiseRandomness::Reproducible, 43);
    for (int step = 0; step < 3; ++step) {
        const auto a = noiseOf(first, {7, 5}, 1.1, 2.0);
        const auto b = noiseOf(second, {7, 5}, 1.1, 2.0);
        const auto c = noiseOf(other, {7, 5}, 1.1, 2.0);
        QVERIFY(torch::equal(a, b));
        QVERIFY(!torch::equal(a, c));
    }
    // Noise is added to the existing values.
    GaussianNoise third(NoiseRandomness::Reproducible, 42);
    auto sum = torch::full({7, 5}, 3.0, torch::kDouble);
    third.addTo(sum, 1.1, 2.0);
    GaussianNoise fourth(NoiseRandomness::Reproducible, 42);
    QVERIFY(torch::allclose(sum - 3.0, noiseOf(fourth, {7, 5}, 1.1, 2.0), 0.0, 1e-14));
}

void TestGaussianNoise::restoredStateContinuesIdentically()
{
    GaussianNoise original(NoiseRandomness::Reproducible, 5);
    (void)noiseOf(original, {100}, 1.0, 1.0);
    (void)noiseOf(original, {3}, 1.0, 1.0); // odd sizes exercise the cached normal sample
    const std::string state = original.saveState();
    QVERIFY(!state.empty());
    const auto next1 = noiseOf(original, {33, 3}, 0.8, 1.5);
    const auto next2 = noiseOf(original, {5}, 0.8, 1.5, torch::kFloat);

    GaussianNoise resumed(NoiseRandomness::Reproducible, 999);
    QVERIFY(resumed.restoreState(state));
    QVERIFY(torch::equal(noiseOf(resumed, {33, 3}, 0.8, 1.5), next1));
    QVERIFY(torch::equal(noiseOf(resumed, {5}, 0.8, 1.5, torch::kFloat), next2));
    QCOMPARE(resumed.saveState(), original.saveState());

    QVERIFY(original.restoreState(state)); // rewinding the same instance
    QVERIFY(torch::equal(noiseOf(original, {33, 3}, 0.8, 1.5), next1));
}

void TestGaussianNoise::restoreRejectsGarbage()
{
    GaussianNoise noise(NoiseRandomness::Reproducible, 5);
    const std::string state = noise.saveState();
    QVERIFY(!noise.restoreState(""));
    QVERIFY(!noise.restoreState("not a state"));
    QVERIFY(!noise.restoreState(state.substr(0, state.size() - 2)));
    std::string corrupted = state;
    corrupted.back() = 'x';
    QVERIFY(!noise.restoreState(corrupted));
    QCOMPARE(noise.saveState(), state); // unchanged by the failed attempts
}

void TestGaussianNoise::secureInstancesDiffer()
{
    GaussianNoise first(NoiseRandomness::Secure, 1);
    GaussianNoise second(NoiseRandomness::Secure, 1);
    const auto a = noiseOf(first, {64}, 1.0, 1.0);
    const auto b = noiseOf(second, {64}, 1.0, 1.0);
    QVERIFY(!torch::equal(a, b));
    QVERIFY(!torch::equal(a, noiseOf(first, {64}, 1.0, 1.0)));
    QVERIFY(first.saveState().empty());
    QVERIFY(!first.restoreState(GaussianNoise(NoiseRandomness::Reproducible, 1).saveState()));
    QVERIFY(torch::isfinite(a).all().item<bool>());
}

void TestGaussianNoise::zeroStandardDeviationAddsNothing()
{
    GaussianNoise noise(NoiseRandomness::Reproducible, 3);
    auto sum = torch::arange(6, torch::kDouble);
    noise.addTo(sum, 0.0, 1.0);
    QVERIFY(torch::equal(sum, torch::arange(6, torch::kDouble)));
    auto empty = torch::zeros({0, 4});
    noise.addTo(empty, 1.0, 1.0);
    QCOMPARE(empty.numel(), std::int64_t(0));
    bool threw = false;
    try {
        noise.addTo(sum, -1.0, 1.0);
    } catch (const c10::Error &) {
        threw = true;
    }
    QVERIFY(threw);
}

void TestGaussianNoise::float32Sum()
{
    for (const auto randomness : {NoiseRandomness::Reproducible, NoiseRandomness::Secure}) {
        GaussianNoise noise(randomness, 8);
        const auto draw = noiseOf(noise, {100000}, 2.0, 0.5, torch::kFloat);
        QCOMPARE(draw.scalar_type(), torch::kFloat);
        QVERIFY(std::abs(draw.std().item<double>() - 1.0) < 0.02);
    }
}

void TestGaussianNoise::chacha20BlockTestVector()
{
    // RFC 8439 §2.3.2: key 00:01:...:1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1.
    const ChaCha20::Key key{0x03020100u, 0x07060504u, 0x0b0a0908u, 0x0f0e0d0cu,
                            0x13121110u, 0x17161514u, 0x1b1a1918u, 0x1f1e1d1cu};
    const ChaCha20::Nonce nonce{0x09000000u, 0x4a000000u, 0x00000000u};
    const ChaCha20::Block expected{0xe4e7f110u, 0x15593bd1u, 0x1fdd0f50u, 0xc47120a3u,
                                   0xc7f4d1c7u, 0x0368c033u, 0x9aaa2204u, 0x4e6cd4c3u,
                                   0x466482d2u, 0x09aa9f07u, 0x05d7c214u, 0xa2028bd9u,
                                   0xd19c12b5u, 0xb94e16deu, 0xe883d0cbu, 0x4e3c50a2u};
    QVERIFY(ChaCha20::block(key, 1, nonce) == expected);
}

void TestGaussianNoise::chacha20Keystream()
{
    const ChaCha20::Key key{0x03020100u, 0x07060504u, 0x0b0a0908u, 0x0f0e0d0cu,
                            0x13121110u, 0x17161514u, 0x1b1a1918u, 0x1f1e1d1cu};
    const ChaCha20::Nonce nonce{0x09000000u, 0x4a000000u, 0x00000000u};
    ChaCha20 stream(key, nonce, 1);
    // Serialized block of RFC 8439 §2.3.2: 10 f1 e7 e4 d1 3b 59 15 ..., read as little-endian.
    QCOMPARE(stream.nextUint64(), std::uint64_t(0x15593bd1e4e7f110ull));
    for (int i = 1; i < 8; ++i) {
        (void)stream.nextUint64();
    }
    // The next word pair comes from the block with counter 2.
    const auto block2 = ChaCha20::block(key, 2, nonce);
    QCOMPARE(stream.nextUint64(), std::uint64_t(block2[0]) | (std::uint64_t(block2[1]) << 32));
}

DPSAPF_REGISTER_TEST(TestGaussianNoise)
#include "test_gaussian_noise.moc"
