// SPDX-License-Identifier: GPL-3.0-or-later
// The in-memory dataset (one contiguous pixel buffer) and the class-name helpers shared by the
// loaders.
#include "data/in_memory_dataset.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace dpsapf::core {

InMemoryDataset::InMemoryDataset(std::vector<std::string> classNames, std::string description)
    : m_classNames(std::move(classNames))
    , m_description(std::move(description))
{}

std::shared_ptr<InMemoryDataset>
InMemoryDataset::fromUniformBuffer(std::int32_t width, std::int32_t height, std::int32_t channels,
                                   std::vector<std::uint8_t> pixels,
                                   std::vector<std::int64_t> labels,
                                   std::vector<std::string> classNames, std::string description)
{
    auto dataset = std::make_shared<InMemoryDataset>(std::move(classNames), std::move(description));
    const std::size_t stride = static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                               static_cast<std::size_t>(channels);
    if (pixels.size() != stride * labels.size()) {
        throw std::invalid_argument("InMemoryDataset: pixel buffer does not match the labels");
    }
    dataset->m_pixels = std::move(pixels);
    dataset->m_labels = std::move(labels);
    const std::size_t n = dataset->m_labels.size();
    dataset->m_offsets.resize(n);
    dataset->m_shapes.assign(n, {width, height, channels});
    for (std::size_t i = 0; i < n; ++i) {
        dataset->m_offsets[i] = i * stride;
    }
    return dataset;
}

void InMemoryDataset::reserve(std::int64_t images, std::size_t pixelBytes)
{
    m_pixels.reserve(pixelBytes);
    m_offsets.reserve(static_cast<std::size_t>(images));
    m_shapes.reserve(static_cast<std::size_t>(images));
    m_labels.reserve(static_cast<std::size_t>(images));
}

void InMemoryDataset::add(const Image &image, std::int64_t label)
{
    if ((image.channels != 1 && image.channels != 3) || image.pixels.size() != image.byteCount()) {
        throw std::invalid_argument("InMemoryDataset: invalid image");
    }
    m_offsets.push_back(m_pixels.size());
    m_shapes.push_back({image.width, image.height, image.channels});
    m_pixels.insert(m_pixels.end(), image.pixels.begin(), image.pixels.end());
    m_labels.push_back(label);
}

std::int64_t InMemoryDataset::size() const
{
    return static_cast<std::int64_t>(m_labels.size());
}

Image InMemoryDataset::image(std::int64_t index) const
{
    const auto i = static_cast<std::size_t>(index);
    Image result;
    result.width = m_shapes.at(i)[0];
    result.height = m_shapes[i][1];
    result.channels = m_shapes[i][2];
    const auto begin = m_pixels.begin() + static_cast<std::ptrdiff_t>(m_offsets[i]);
    result.pixels.assign(begin, begin + static_cast<std::ptrdiff_t>(result.byteCount()));
    return result;
}

std::int64_t InMemoryDataset::label(std::int64_t index) const
{
    return m_labels.at(static_cast<std::size_t>(index));
}

const std::vector<std::string> &InMemoryDataset::classNames() const
{
    return m_classNames;
}

std::string InMemoryDataset::description() const
{
    return m_description;
}

const std::uint8_t *InMemoryDataset::pixelData(std::int64_t index) const
{
    return m_pixels.data() + m_offsets.at(static_cast<std::size_t>(index));
}

std::vector<std::string> numericClassNames(std::int64_t count)
{
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
    for (std::int64_t i = 0; i < count; ++i) {
        names.push_back(std::to_string(i));
    }
    return names;
}

Expected<std::vector<std::string>> resolveClassNames(const std::vector<std::int64_t> &labels,
                                                     std::vector<std::string> classNames,
                                                     const std::string &source)
{
    const std::int64_t limit = classNames.empty() ? std::numeric_limits<std::int32_t>::max()
                                                  : static_cast<std::int64_t>(classNames.size());
    std::int64_t largest = -1;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || labels[i] >= limit) {
            return makeError(ErrorCode::Format,
                             source + ": label " + std::to_string(labels[i]) + " of record " +
                                 std::to_string(i) + " is outside [0, " + std::to_string(limit) +
                                 ")" + (classNames.empty() ? "" : " (the given class names)"));
        }
        largest = std::max(largest, labels[i]);
    }
    if (classNames.empty()) {
        return numericClassNames(largest + 1);
    }
    return classNames;
}

} // namespace dpsapf::core
