// SPDX-License-Identifier: GPL-3.0-or-later
// Gaussian noise for DP-SGD: seeded torch CPU generator, or ChaCha20 + Box–Muller with the
// four-draw sum of Opacus' secure_mode (Mironov 2012).
#include "gaussian_noise.h"

#include "chacha20.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <mutex>

namespace dpsapf::core {

namespace {

constexpr const char *kStatePrefix = "torch-cpu-generator:";
constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr int kSecureDraws = 4; // Opacus secure_mode: Σ of 4 draws of std σ, divided by 2

// 53 random bits -> (0, 1]; never 0, so log() stays finite.
double uniformOpenClosed(std::uint64_t bits)
{
    return static_cast<double>((bits >> 11) + 1) * 0x1.0p-53;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

} // namespace

GaussianNoise::GaussianNoise(NoiseRandomness randomness, std::uint64_t seed)
    : m_randomness(randomness)
{
    if (randomness == NoiseRandomness::Reproducible) {
        m_generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    } else {
        m_chacha = std::make_unique<ChaCha20>(ChaCha20::fromOsEntropy());
    }
}

GaussianNoise::~GaussianNoise() = default;

at::Tensor GaussianNoise::secureNormal(std::int64_t count, double standardDeviation)
{
    auto noise = at::empty({count}, at::TensorOptions().dtype(at::kDouble));
    double *values = noise.data_ptr<double>(); // our own CPU tensor
    double spare = 0.0;
    bool hasSpare = false;
    const auto standardNormal = [&]() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        const double radius = std::sqrt(-2.0 * std::log(uniformOpenClosed(m_chacha->nextUint64())));
        const double angle = kTwoPi * uniformOpenClosed(m_chacha->nextUint64());
        spare = radius * std::sin(angle);
        hasSpare = true;
        return radius * std::cos(angle);
    };
    const double scale = standardDeviation / std::sqrt(static_cast<double>(kSecureDraws));
    for (std::int64_t i = 0; i < count; ++i) {
        double sum = 0.0;
        for (int draw = 0; draw < kSecureDraws; ++draw) {
            sum += standardNormal();
        }
        values[i] = sum * scale;
    }
    return noise;
}

void GaussianNoise::addTo(at::Tensor &sum, double noiseMultiplier, double sensitivity)
{
    TORCH_CHECK(sum.defined() && at::isFloatingType(sum.scalar_type()),
                "GaussianNoise: the sum must be a defined floating-point tensor");
    const double standardDeviation = noiseMultiplier * sensitivity;
    TORCH_CHECK(std::isfinite(standardDeviation) && standardDeviation >= 0.0 &&
                    noiseMultiplier >= 0.0 && sensitivity >= 0.0,
                "GaussianNoise: noiseMultiplier and sensitivity must be finite and >= 0, got ",
                noiseMultiplier, " and ", sensitivity);
    if (standardDeviation == 0.0 || sum.numel() == 0) {
        return;
    }
    const at::NoGradGuard noGrad;
    at::Tensor noise;
    if (m_randomness == NoiseRandomness::Reproducible) {
        const auto drawType = sum.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
        noise = at::normal(0.0, standardDeviation, sum.sizes(), m_generator,
                           at::TensorOptions().dtype(drawType));
    } else {
        noise = secureNormal(sum.numel(), standardDeviation).reshape(sum.sizes());
    }
    sum.add_(noise.to(sum.device(), sum.scalar_type()));
}

std::string GaussianNoise::saveState() const
{
    if (m_randomness != NoiseRandomness::Reproducible) {
        return {};
    }
    at::Tensor state;
    {
        const std::lock_guard<std::mutex> lock(m_generator.mutex());
        state = m_generator.get_state();
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text(kStatePrefix);
    const auto *bytes = state.data_ptr<std::uint8_t>();
    for (std::int64_t i = 0; i < state.numel(); ++i) {
        text.push_back(kDigits[bytes[i] >> 4]);
        text.push_back(kDigits[bytes[i] & 0xf]);
    }
    return text;
}

bool GaussianNoise::restoreState(const std::string &state)
{
    if (m_randomness != NoiseRandomness::Reproducible || state.rfind(kStatePrefix, 0) != 0) {
        return false;
    }
    const std::string hex = state.substr(std::char_traits<char>::length(kStatePrefix));
    const std::lock_guard<std::mutex> lock(m_generator.mutex());
    const std::int64_t expected = m_generator.get_state().numel();
    if (static_cast<std::int64_t>(hex.size()) != 2 * expected) {
        return false;
    }
    auto bytes = at::empty({expected}, at::TensorOptions().dtype(at::kByte));
    auto *data = bytes.data_ptr<std::uint8_t>();
    for (std::int64_t i = 0; i < expected; ++i) {
        const int high = hexValue(hex[static_cast<std::size_t>(2 * i)]);
        const int low = hexValue(hex[static_cast<std::size_t>(2 * i + 1)]);
        if (high < 0 || low < 0) {
            return false;
        }
        data[i] = static_cast<std::uint8_t>(high * 16 + low);
    }
    try {
        m_generator.set_state(bytes);
    } catch (const c10::Error &) {
        return false;
    }
    return true;
}

} // namespace dpsapf::core
