// SPDX-License-Identifier: GPL-3.0-or-later
// SHA-256 after FIPS 180-4 §6.2 (one block at a time; files are streamed in 64 KiB chunks).
#include "util/sha256.h"

#include <array>
#include <cstdint>
#include <fstream>
#include <vector>

namespace dpsapf::core {
namespace {

constexpr std::array<std::uint32_t, 64> kRound = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotateRight(std::uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

class Sha256
{
public:
    void update(const unsigned char *data, std::size_t size)
    {
        for (std::size_t i = 0; i < size; ++i) {
            m_block[m_fill++] = data[i];
            if (m_fill == 64) {
                compress();
                m_fill = 0;
            }
        }
        m_length += size;
    }

    std::string finish()
    {
        const std::uint64_t bits = m_length * 8;
        const unsigned char one = 0x80;
        const unsigned char zero = 0;
        update(&one, 1);
        while (m_fill != 56) {
            update(&zero, 1);
        }
        for (int i = 7; i >= 0; --i) {
            const auto byte = static_cast<unsigned char>(bits >> (8 * i));
            update(&byte, 1);
        }
        static const char *digits = "0123456789abcdef";
        std::string hex;
        for (std::uint32_t word : m_state) {
            for (int shift = 28; shift >= 0; shift -= 4) {
                hex += digits[(word >> shift) & 0xf];
            }
        }
        return hex;
    }

private:
    void compress()
    {
        std::array<std::uint32_t, 64> w{};
        for (std::size_t t = 0; t < 16; ++t) {
            w[t] = (std::uint32_t{m_block[4 * t]} << 24) |
                   (std::uint32_t{m_block[4 * t + 1]} << 16) |
                   (std::uint32_t{m_block[4 * t + 2]} << 8) | std::uint32_t{m_block[4 * t + 3]};
        }
        for (std::size_t t = 16; t < 64; ++t) {
            const std::uint32_t s0 =
                rotateRight(w[t - 15], 7) ^ rotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            const std::uint32_t s1 =
                rotateRight(w[t - 2], 17) ^ rotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        std::array<std::uint32_t, 8> v = m_state;
        for (std::size_t t = 0; t < 64; ++t) {
            const std::uint32_t s1 =
                rotateRight(v[4], 6) ^ rotateRight(v[4], 11) ^ rotateRight(v[4], 25);
            const std::uint32_t choice = (v[4] & v[5]) ^ (~v[4] & v[6]);
            const std::uint32_t t1 = v[7] + s1 + choice + kRound[t] + w[t];
            const std::uint32_t s0 =
                rotateRight(v[0], 2) ^ rotateRight(v[0], 13) ^ rotateRight(v[0], 22);
            const std::uint32_t majority = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            const std::uint32_t t2 = s0 + majority;
            v = {t1 + t2, v[0], v[1], v[2], v[3] + t1, v[4], v[5], v[6]};
        }
        for (std::size_t i = 0; i < 8; ++i) {
            m_state[i] += v[i];
        }
    }

    std::array<std::uint32_t, 8> m_state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::array<unsigned char, 64> m_block{};
    std::size_t m_fill = 0;
    std::uint64_t m_length = 0;
};

} // namespace

std::string sha256Hex(const std::string &bytes)
{
    Sha256 hash;
    hash.update(reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
    return hash.finish();
}

Expected<std::string> sha256File(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return makeError(ErrorCode::Io, path.string() + ": cannot open for reading");
    }
    Sha256 hash;
    std::vector<char> buffer(1 << 16);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const std::streamsize got = in.gcount();
        if (got > 0) {
            hash.update(reinterpret_cast<const unsigned char *>(buffer.data()),
                        static_cast<std::size_t>(got));
        }
    }
    if (in.bad()) {
        return makeError(ErrorCode::Io, path.string() + ": read error");
    }
    return hash.finish();
}

} // namespace dpsapf::core
