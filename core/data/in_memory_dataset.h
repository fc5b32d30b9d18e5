// SPDX-License-Identifier: GPL-3.0-or-later
// The one dataset implementation that holds data: all images in one contiguous byte buffer (sizes
// may differ per image), integer labels and class names. Loaders build it; it is read-only after.
#pragma once

#include "dpsapf/core/image_dataset.h"

#include <array>

namespace dpsapf::core {

class InMemoryDataset final : public ImageDataset
{
public:
    InMemoryDataset(std::vector<std::string> classNames, std::string description);

    // Builds a dataset of equally shaped images from one HWC buffer of n * h * w * c bytes.
    [[nodiscard]] static std::shared_ptr<InMemoryDataset>
    fromUniformBuffer(std::int32_t width, std::int32_t height, std::int32_t channels,
                      std::vector<std::uint8_t> pixels, std::vector<std::int64_t> labels,
                      std::vector<std::string> classNames, std::string description);

    void reserve(std::int64_t images, std::size_t pixelBytes);
    // The image must be valid (channels 1 or 3, pixels.size() == byteCount()).
    void add(const Image &image, std::int64_t label);
    void setDescription(std::string description) { m_description = std::move(description); }

    [[nodiscard]] std::int64_t size() const override;
    [[nodiscard]] Image image(std::int64_t index) const override;
    [[nodiscard]] std::int64_t label(std::int64_t index) const override;
    [[nodiscard]] const std::vector<std::string> &classNames() const override;
    [[nodiscard]] std::string description() const override;

    // The first pixel of an image, without copying.
    [[nodiscard]] const std::uint8_t *pixelData(std::int64_t index) const;

private:
    std::vector<std::uint8_t> m_pixels;
    std::vector<std::size_t> m_offsets;                // byte offset of each image
    std::vector<std::array<std::int32_t, 3>> m_shapes; // width, height, channels
    std::vector<std::int64_t> m_labels;
    std::vector<std::string> m_classNames;
    std::string m_description;
};

// "0", "1", ..., "count-1": the class names of formats that store only integer labels.
[[nodiscard]] std::vector<std::string> numericClassNames(std::int64_t count);

// Checks labels against explicit class names (every label in [0, names)) or, when `classNames` is
// empty, against [0, 2^31) and returns numericClassNames(max label + 1). `source` names the file.
[[nodiscard]] Expected<std::vector<std::string>>
resolveClassNames(const std::vector<std::int64_t> &labels, std::vector<std::string> classNames,
                  const std::string &source);

} // namespace dpsapf::core
