// SPDX-License-Identifier: GPL-3.0-or-later
// Gaussian noise for the clipped gradient sum of DP-SGD (Abadi et al. 2016), reproducible or
// secure (CSPRNG with Opacus' secure_mode defence against floating-point attacks, Mironov 2012).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <string>

namespace dpsapf::core {

class ChaCha20;

enum class NoiseRandomness {
    Reproducible, // seeded torch CPU generator; checkpointable; for experiments
    Secure,       // ChaCha20 keyed from getrandom(2); not reproducible; for releases
};

// Design:
// - Reproducible: at::normal on a CPU generator (at::make_generator<at::CPUGeneratorImpl>(seed)),
//   drawn on the CPU in float32/float64 and then moved to the tensor's device, so the noise does
//   not depend on the device. saveState()/restoreState() carry the generator state, so a resumed
//   run draws exactly the noise the uninterrupted run would have drawn.
// - Secure: a ChaCha20 keystream (RFC 8439) keyed and nonced from OS entropy (getrandom(2)).
//   64 keystream bits give a uniform u = (⌊x / 2^11⌋ + 1)·2^-53 in (0, 1] (53 bits, never 0), two
//   uniforms give two standard normals by Box–Muller in double. Against Mironov's attack on the
//   low-order bits of floating-point Gaussians, each element is (z1 + z2 + z3 + z4)·σ/2 with four
//   independent draws, as Opacus' secure_mode does (the sum has exactly the requested std σ).
//   The draws are made on the CPU in double and then cast to the tensor's dtype and device.
class GaussianNoise
{
public:
    GaussianNoise(NoiseRandomness randomness, std::uint64_t seed); // seed ignored for Secure
    ~GaussianNoise();
    GaussianNoise(const GaussianNoise &) = delete;
    GaussianNoise &operator=(const GaussianNoise &) = delete;

    [[nodiscard]] NoiseRandomness randomness() const { return m_randomness; }

    // Adds N(0, (noiseMultiplier·sensitivity)²) independently to every element, in place.
    // A std of 0 (explicit non-private debug mode) adds nothing.
    void addTo(at::Tensor &sum, double noiseMultiplier, double sensitivity);

    // Reproducible only: an opaque text state (empty for Secure), and its restoration (false if
    // the text is not a state of this generator, or the mode is Secure).
    [[nodiscard]] std::string saveState() const;
    bool restoreState(const std::string &state);

private:
    [[nodiscard]] at::Tensor secureNormal(std::int64_t count, double standardDeviation);

    NoiseRandomness m_randomness;
    mutable at::Generator m_generator; // mutable: its mutex guards get_state()
    std::unique_ptr<ChaCha20> m_chacha;
};

} // namespace dpsapf::core
