// SPDX-License-Identifier: GPL-3.0-or-later
// Radix-2 and Bluestein FFTs and the two convolutions the PRV accountant needs (Gopi, Lee,
// Wutschitz 2021, §5; the conventions of numpy's rfft/irfft and scipy.signal.convolve).
#include "privacy/fft.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

namespace dpsapf::core::fft {
namespace {

constexpr double kPi = 3.14159265358979323846264338327950288;
// numpy's complex power multiplies for integer exponents in (-100, 100) and uses cpow otherwise.
constexpr std::int64_t kRepeatedSquaringLimit = 100;

// Plain complex product (no NaN/inf recovery, as numpy's cmul).
inline Complex multiply(const Complex &a, const Complex &b)
{
    return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

std::size_t nextPowerOfTwo(std::size_t n)
{
    std::size_t power = 1;
    while (power < n) {
        power <<= 1U;
    }
    return power;
}

// Twiddles of every radix-2 stage: table[len/2 + j] = exp(-2 pi i j / len) for j < len/2 and
// len = 2, 4, ..., size. Only the largest stage is computed; smaller stages are exact copies.
std::vector<Complex> twiddleTable(std::size_t size)
{
    std::vector<Complex> table(std::max<std::size_t>(size, 2));
    const std::size_t half = size / 2;
    for (std::size_t j = 0; j < half; ++j) {
        const double angle = -2.0 * kPi * static_cast<double>(j) / static_cast<double>(size);
        table[half + j] = {std::cos(angle), std::sin(angle)};
    }
    for (std::size_t len = half; len >= 2; len /= 2) {
        for (std::size_t j = 0; j < len / 2; ++j) {
            table[len / 2 + j] = table[len + 2 * j];
        }
    }
    return table;
}

// Forward unnormalised radix-2 DFT with a twiddle table of at least the data's size.
void forwardRadix2(std::vector<Complex> &data, const std::vector<Complex> &table)
{
    const std::size_t n = data.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1U;
        for (; (j & bit) != 0; bit >>= 1U) {
            j ^= bit;
        }
        j ^= bit;
        if (i < j) {
            std::swap(data[i], data[j]);
        }
    }
    for (std::size_t len = 2; len <= n; len <<= 1U) {
        const std::size_t half = len / 2;
        const Complex *twiddles = table.data() + half;
        for (std::size_t start = 0; start < n; start += len) {
            Complex *low = data.data() + start;
            Complex *high = low + half;
            for (std::size_t j = 0; j < half; ++j) {
                const Complex u = low[j];
                const Complex v = multiply(high[j], twiddles[j]);
                low[j] = u + v;
                high[j] = u - v;
            }
        }
    }
}

void conjugateAll(std::vector<Complex> &data)
{
    for (Complex &value : data) {
        value = std::conj(value);
    }
}

// Bluestein's algorithm: a DFT of length n as a circular convolution of power-of-two length m.
class BluesteinPlan
{
public:
    explicit BluesteinPlan(std::size_t n)
        : m_n(n)
        , m_m(nextPowerOfTwo(2 * n - 1))
        , m_chirp(n)
        , m_kernelSpectrum(m_m)
        , m_twiddles(twiddleTable(m_m))
    {
        // chirp_k = exp(-i pi k^2 / n); k^2 mod 2n keeps the angle exact for large k.
        std::uint64_t square = 0;
        const std::uint64_t period = 2 * static_cast<std::uint64_t>(n);
        for (std::size_t k = 0; k < n; ++k) {
            if (k > 0) {
                square = (square + 2 * static_cast<std::uint64_t>(k) - 1) % period;
            }
            const double angle = -kPi * static_cast<double>(square) / static_cast<double>(n);
            m_chirp[k] = {std::cos(angle), std::sin(angle)};
        }
        m_kernelSpectrum[0] = std::conj(m_chirp[0]);
        for (std::size_t k = 1; k < n; ++k) {
            m_kernelSpectrum[k] = std::conj(m_chirp[k]);
            m_kernelSpectrum[m_m - k] = std::conj(m_chirp[k]);
        }
        forwardRadix2(m_kernelSpectrum, m_twiddles);
    }

    void forward(std::vector<Complex> &data) const
    {
        std::vector<Complex> work(m_m);
        for (std::size_t k = 0; k < m_n; ++k) {
            work[k] = multiply(data[k], m_chirp[k]);
        }
        forwardRadix2(work, m_twiddles);
        // Inverse transform of the product via conj(DFT(conj(x))).
        for (std::size_t k = 0; k < m_m; ++k) {
            work[k] = std::conj(multiply(work[k], m_kernelSpectrum[k]));
        }
        forwardRadix2(work, m_twiddles);
        const double scale = 1.0 / static_cast<double>(m_m);
        for (std::size_t k = 0; k < m_n; ++k) {
            data[k] = multiply(std::conj(work[k]) * scale, m_chirp[k]);
        }
    }

    void inverse(std::vector<Complex> &data) const
    {
        conjugateAll(data);
        forward(data);
        conjugateAll(data);
    }

private:
    std::size_t m_n;
    std::size_t m_m;
    std::vector<Complex> m_chirp;
    std::vector<Complex> m_kernelSpectrum;
    std::vector<Complex> m_twiddles;
};

// A DFT of one fixed length, reusable for forward and inverse transforms.
class Plan
{
public:
    explicit Plan(std::size_t n)
        : m_n(n)
    {
        if (isPowerOfTwo(n)) {
            m_twiddles = twiddleTable(n);
        } else {
            m_bluestein = std::make_unique<BluesteinPlan>(n);
        }
    }

    void run(std::vector<Complex> &data, bool inverse) const
    {
        if (data.size() != m_n) {
            throw std::invalid_argument("fft: data length differs from the plan length");
        }
        if (m_bluestein) {
            inverse ? m_bluestein->inverse(data) : m_bluestein->forward(data);
            return;
        }
        if (inverse) {
            conjugateAll(data);
        }
        forwardRadix2(data, m_twiddles);
        if (inverse) {
            conjugateAll(data);
        }
    }

private:
    std::size_t m_n;
    std::vector<Complex> m_twiddles;
    std::unique_ptr<BluesteinPlan> m_bluestein;
};

// z ** n as numpy computes it for an integer exponent n >= 1.
Complex integerPower(const Complex &z, std::int64_t n)
{
    if (n < kRepeatedSquaringLimit) {
        Complex result{1.0, 0.0};
        Complex power = z;
        for (std::int64_t mask = 1;; mask <<= 1) {
            if ((n & mask) != 0) {
                result = multiply(result, power);
            }
            if (n < (mask << 1)) {
                break;
            }
            power = multiply(power, power);
        }
        return result;
    }
    // cpow(z, n) = cexp(n * clog(z)).
    const Complex logarithm = std::log(z);
    const auto exponent = static_cast<double>(n);
    return std::polar(std::exp(exponent * logarithm.real()), exponent * logarithm.imag());
}

} // namespace

bool isPowerOfTwo(std::size_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

void transformRadix2(std::vector<Complex> &data, bool inverse)
{
    if (!isPowerOfTwo(data.size())) {
        throw std::invalid_argument("fft: radix-2 length must be a power of two, got " +
                                    std::to_string(data.size()));
    }
    Plan(data.size()).run(data, inverse);
}

void transform(std::vector<Complex> &data, bool inverse)
{
    if (data.empty()) {
        return;
    }
    Plan(data.size()).run(data, inverse);
}

std::vector<double> circularConvolutionPower(const std::vector<double> &p, std::int64_t n)
{
    const std::size_t size = p.size();
    if (size == 0 || size % 2 != 0) {
        throw std::invalid_argument("fft: self-composition needs an even, non-zero length");
    }
    if (n < 1) {
        throw std::invalid_argument("fft: self-composition count must be >= 1");
    }
    // The real transform of length N = 2K through one complex transform of length K:
    // z_m = p_2m + i p_2m+1, X_k = E_k + W^k O_k with W = exp(-2 pi i / N), E and O the
    // transforms of the even and odd samples.
    const std::size_t half = size / 2;
    const Plan plan(half);
    std::vector<Complex> packed(half);
    for (std::size_t m = 0; m < half; ++m) {
        packed[m] = {p[2 * m], p[2 * m + 1]};
    }
    plan.run(packed, false);
    std::vector<Complex> twiddles(half + 1);
    for (std::size_t k = 0; k <= half; ++k) {
        const double angle = -2.0 * kPi * static_cast<double>(k) / static_cast<double>(size);
        twiddles[k] = {std::cos(angle), std::sin(angle)};
    }
    // rfft's half spectrum X_0..X_K, raised to the n-th power.
    std::vector<Complex> spectrum(half + 1);
    for (std::size_t k = 0; k <= half; ++k) {
        const Complex z = packed[k % half];
        const Complex mirrored = std::conj(packed[(half - k % half) % half]);
        const Complex even = 0.5 * (z + mirrored);
        const Complex odd = Complex(0.0, -0.5) * (z - mirrored);
        spectrum[k] = integerPower(even + multiply(twiddles[k], odd), n);
    }
    // irfft ignores the imaginary parts of the DC and Nyquist terms.
    spectrum[0] = {spectrum[0].real(), 0.0};
    spectrum[half] = {spectrum[half].real(), 0.0};
    // Inverse: E_k = (X_k + conj X_{K-k}) / 2, O_k = (X_k - conj X_{K-k}) / (2 W^k), Z = E + i O.
    for (std::size_t k = 0; k < half; ++k) {
        const Complex x = spectrum[k];
        const Complex mirrored = std::conj(spectrum[half - k]);
        const Complex even = 0.5 * (x + mirrored);
        const Complex odd = multiply(0.5 * (x - mirrored), std::conj(twiddles[k]));
        packed[k] = even + Complex(-odd.imag(), odd.real());
    }
    plan.run(packed, true);
    const double scale = 1.0 / static_cast<double>(half);
    std::vector<double> result(size);
    for (std::size_t m = 0; m < half; ++m) {
        result[2 * m] = packed[m].real() * scale;
        result[2 * m + 1] = packed[m].imag() * scale;
    }
    return result;
}

std::vector<double> convolveSame(const std::vector<double> &a, const std::vector<double> &b)
{
    if (a.empty() || b.empty()) {
        std::vector<double> zeros(a.size(), 0.0);
        return zeros;
    }
    const std::size_t full = a.size() + b.size() - 1;
    const std::size_t m = nextPowerOfTwo(full);
    // Both real inputs in one complex transform: c = a + i b.
    std::vector<Complex> packed(m);
    for (std::size_t k = 0; k < a.size(); ++k) {
        packed[k].real(a[k]);
    }
    for (std::size_t k = 0; k < b.size(); ++k) {
        packed[k].imag(b[k]);
    }
    const Plan plan(m);
    plan.run(packed, false);
    // A_k = (C_k + conj C_{-k}) / 2, B_k = (C_k - conj C_{-k}) / 2i, so A_k B_k =
    // (C_k^2 - conj(C_{-k})^2) / 4i.
    std::vector<Complex> product(m);
    for (std::size_t k = 0; k < m; ++k) {
        const Complex c = packed[k];
        const Complex mirrored = std::conj(packed[(m - k) % m]);
        const Complex spectrumA = 0.5 * (c + mirrored);
        const Complex spectrumB = Complex(0.0, -0.5) * (c - mirrored);
        product[k] = multiply(spectrumA, spectrumB);
    }
    plan.run(product, true);
    const std::size_t start = (full - a.size()) / 2;
    const double scale = 1.0 / static_cast<double>(m);
    std::vector<double> result(a.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
        result[k] = product[start + k].real() * scale;
    }
    return result;
}

} // namespace dpsapf::core::fft
