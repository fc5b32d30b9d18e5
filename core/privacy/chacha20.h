// SPDX-License-Identifier: GPL-3.0-or-later
// ChaCha20 stream generator (RFC 8439, Bernstein 2008) keyed from OS entropy: the CSPRNG behind
// the secure noise mode (the role of Opacus' secure_mode generator).
#pragma once

#include <array>
#include <cstdint>

namespace dpsapf::core {

class ChaCha20
{
public:
    using Key = std::array<std::uint32_t, 8>;    // 256-bit key as little-endian words
    using Nonce = std::array<std::uint32_t, 3>;  // 96-bit nonce as little-endian words
    using Block = std::array<std::uint32_t, 16>; // one keystream block (64 bytes)

    ChaCha20(const Key &key, const Nonce &nonce, std::uint32_t counter = 0);

    // A generator keyed and nonced with getrandom(2); throws std::runtime_error if the OS has no
    // entropy to give.
    [[nodiscard]] static ChaCha20 fromOsEntropy();

    // The RFC 8439 §2.3 block function (the state after the 20 rounds plus the input state).
    [[nodiscard]] static Block block(const Key &key, std::uint32_t counter, const Nonce &nonce);

    // The next 64 keystream bits (two little-endian words). After 2^32 blocks the key and nonce
    // are replaced with fresh OS entropy, so a (key, nonce, counter) triple is never reused.
    std::uint64_t nextUint64();

private:
    void refill();

    Key m_key;
    Nonce m_nonce;
    std::uint32_t m_counter;
    Block m_block{};
    std::size_t m_position = 16; // next unused word of m_block; 16 means empty
    bool m_rekeyOnWrap = false;
    bool m_exhausted = false;
};

} // namespace dpsapf::core
