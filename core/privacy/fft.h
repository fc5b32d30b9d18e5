// SPDX-License-Identifier: GPL-3.0-or-later
// Fast Fourier transforms for the PRV accountant (Gopi, Lee, Wutschitz 2021): radix-2, Bluestein
// for arbitrary lengths, circular self-convolution (irfft(rfft(p)^n)) and "same" linear
// convolution.
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

namespace dpsapf::core::fft {

using Complex = std::complex<double>;

// True for 1, 2, 4, 8, ...
[[nodiscard]] bool isPowerOfTwo(std::size_t n);

// In-place unnormalised DFT, X_k = sum_j x_j exp(-+2 pi i jk/N) (minus sign forward, plus sign
// inverse). The length must be a power of two.
void transformRadix2(std::vector<Complex> &data, bool inverse = false);

// In-place unnormalised DFT of any length: radix-2 when possible, Bluestein's algorithm otherwise.
void transform(std::vector<Complex> &data, bool inverse = false);

// Circular self-convolution of p with itself n times (n >= 1): irfft(rfft(p) ** n) with numpy's
// conventions (integer powers below 100 by repeated squaring, larger ones in polar form). The
// result has the length of p, which must be even.
[[nodiscard]] std::vector<double> circularConvolutionPower(const std::vector<double> &p,
                                                           std::int64_t n);

// scipy.signal.convolve(a, b, mode="same") for inputs of equal length: the centred a.size()
// elements of the linear convolution, computed with a zero-padded radix-2 FFT.
[[nodiscard]] std::vector<double> convolveSame(const std::vector<double> &a,
                                               const std::vector<double> &b);

} // namespace dpsapf::core::fft
