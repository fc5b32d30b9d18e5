// SPDX-License-Identifier: GPL-3.0-or-later
// datasetFingerprint: 64-bit FNV-1a over the records (labels, shapes, pixels) of a dataset, for
// run configs and FID-statistics cache keys.
#include "dpsapf/core/image_dataset.h"

#include <cstdio>

namespace dpsapf::core {
namespace {

constexpr std::uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

class Fnv1a64
{
public:
    void addBytes(const std::uint8_t *data, std::size_t size)
    {
        for (std::size_t i = 0; i < size; ++i) {
            m_state = (m_state ^ data[i]) * kFnvPrime;
        }
    }
    template <typename Integer>
    void addLittleEndian(Integer value)
    {
        std::uint8_t bytes[sizeof(Integer)];
        auto bits = static_cast<std::uint64_t>(value);
        for (std::size_t i = 0; i < sizeof(Integer); ++i) {
            bytes[i] = static_cast<std::uint8_t>(bits & 0xFFU);
            bits >>= 8U;
        }
        addBytes(bytes, sizeof bytes);
    }
    [[nodiscard]] std::uint64_t value() const { return m_state; }

private:
    std::uint64_t m_state = kFnvOffsetBasis;
};

} // namespace

std::string datasetFingerprint(const ImageDataset &dataset)
{
    Fnv1a64 hash;
    constexpr char kTag[] = "dpsapf-dataset-v1";
    hash.addBytes(reinterpret_cast<const std::uint8_t *>(kTag), sizeof kTag - 1);
    hash.addLittleEndian<std::int64_t>(dataset.size());
    for (std::int64_t i = 0; i < dataset.size(); ++i) {
        const Image image = dataset.image(i);
        hash.addLittleEndian<std::int64_t>(dataset.label(i));
        hash.addLittleEndian<std::int32_t>(image.width);
        hash.addLittleEndian<std::int32_t>(image.height);
        hash.addLittleEndian<std::int32_t>(image.channels);
        hash.addBytes(image.pixels.data(), image.pixels.size());
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash.value()));
    return text;
}

} // namespace dpsapf::core
