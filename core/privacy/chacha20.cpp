// SPDX-License-Identifier: GPL-3.0-or-later
// ChaCha20 block function and keystream (RFC 8439 §2.1–2.3), keyed from getrandom(2).
#include "chacha20.h"

#include <sys/random.h>

#include <cerrno>
#include <cstddef>
#include <stdexcept>

namespace dpsapf::core {

namespace {

constexpr std::uint32_t rotateLeft(std::uint32_t value, int bits)
{
    return (value << bits) | (value >> (32 - bits));
}

void quarterRound(ChaCha20::Block &s, std::size_t a, std::size_t b, std::size_t c, std::size_t d)
{
    s[a] += s[b];
    s[d] = rotateLeft(s[d] ^ s[a], 16);
    s[c] += s[d];
    s[b] = rotateLeft(s[b] ^ s[c], 12);
    s[a] += s[b];
    s[d] = rotateLeft(s[d] ^ s[a], 8);
    s[c] += s[d];
    s[b] = rotateLeft(s[b] ^ s[c], 7);
}

template <typename Array>
Array osEntropy()
{
    Array words{};
    auto *bytes = reinterpret_cast<unsigned char *>(words.data());
    std::size_t filled = 0;
    const std::size_t size = sizeof(words);
    while (filled < size) {
        const ssize_t got = getrandom(bytes + filled, size - filled, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::runtime_error(
                "ChaCha20: getrandom(2) failed; no OS entropy for secure noise");
        }
        filled += static_cast<std::size_t>(got);
    }
    return words;
}

} // namespace

ChaCha20::ChaCha20(const Key &key, const Nonce &nonce, std::uint32_t counter)
    : m_key(key)
    , m_nonce(nonce)
    , m_counter(counter)
{}

ChaCha20 ChaCha20::fromOsEntropy()
{
    ChaCha20 generator(osEntropy<Key>(), osEntropy<Nonce>(), 0);
    generator.m_rekeyOnWrap = true;
    return generator;
}

ChaCha20::Block ChaCha20::block(const Key &key, std::uint32_t counter, const Nonce &nonce)
{
    const Block input{0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u, // "expand 32-byte k"
                      key[0],      key[1],      key[2],      key[3],      key[4],   key[5],
                      key[6],      key[7],      counter,     nonce[0],    nonce[1], nonce[2]};
    Block state = input;
    for (int round = 0; round < 10; ++round) { // 20 rounds: 10 column + 10 diagonal
        quarterRound(state, 0, 4, 8, 12);
        quarterRound(state, 1, 5, 9, 13);
        quarterRound(state, 2, 6, 10, 14);
        quarterRound(state, 3, 7, 11, 15);
        quarterRound(state, 0, 5, 10, 15);
        quarterRound(state, 1, 6, 11, 12);
        quarterRound(state, 2, 7, 8, 13);
        quarterRound(state, 3, 4, 9, 14);
    }
    for (std::size_t i = 0; i < state.size(); ++i) {
        state[i] += input[i];
    }
    return state;
}

void ChaCha20::refill()
{
    if (m_exhausted) { // 2^32 blocks used: never reuse a (key, nonce, counter) triple
        if (!m_rekeyOnWrap) {
            throw std::runtime_error("ChaCha20: keystream exhausted (2^32 blocks)");
        }
        m_key = osEntropy<Key>();
        m_nonce = osEntropy<Nonce>();
        m_exhausted = false;
    }
    m_block = block(m_key, m_counter, m_nonce);
    m_position = 0;
    ++m_counter;
    m_exhausted = m_counter == 0;
}

std::uint64_t ChaCha20::nextUint64()
{
    if (m_position + 2 > m_block.size()) {
        refill();
    }
    const std::uint64_t low = m_block[m_position];
    const std::uint64_t high = m_block[m_position + 1];
    m_position += 2;
    return low | (high << 32);
}

} // namespace dpsapf::core
