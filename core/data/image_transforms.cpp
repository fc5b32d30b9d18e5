// SPDX-License-Identifier: GPL-3.0-or-later
// Channel conversion, padding, bilinear resizing and cropping of 8-bit HWC images.
#include "data/image_transforms.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dpsapf::core {
namespace {

std::size_t pixelIndex(const Image &image, std::int32_t x, std::int32_t y)
{
    return (static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) +
            static_cast<std::size_t>(x)) *
           static_cast<std::size_t>(image.channels);
}

Image blankLike(const Image &image, std::int32_t width, std::int32_t height)
{
    Image result;
    result.width = width;
    result.height = height;
    result.channels = image.channels;
    result.pixels.assign(result.byteCount(), 0);
    return result;
}

} // namespace

Image toGrayscale(const Image &image)
{
    if (image.channels != 3) {
        return image;
    }
    Image gray;
    gray.width = image.width;
    gray.height = image.height;
    gray.channels = 1;
    gray.pixels.resize(gray.byteCount());
    for (std::size_t p = 0; p < gray.pixels.size(); ++p) {
        const unsigned red = image.pixels[3 * p];
        const unsigned green = image.pixels[3 * p + 1];
        const unsigned blue = image.pixels[3 * p + 2];
        gray.pixels[p] =
            static_cast<std::uint8_t>((299U * red + 587U * green + 114U * blue + 500U) / 1000U);
    }
    return gray;
}

Image toRgb(const Image &image)
{
    if (image.channels != 1) {
        return image;
    }
    Image rgb;
    rgb.width = image.width;
    rgb.height = image.height;
    rgb.channels = 3;
    rgb.pixels.resize(rgb.byteCount());
    for (std::size_t p = 0; p < image.pixels.size(); ++p) {
        rgb.pixels[3 * p] = rgb.pixels[3 * p + 1] = rgb.pixels[3 * p + 2] = image.pixels[p];
    }
    return rgb;
}

Image convertChannels(const Image &image, std::int32_t channels)
{
    if (channels != 1 && channels != 3) {
        throw std::invalid_argument("convertChannels: channels must be 1 or 3, got " +
                                    std::to_string(channels));
    }
    return channels == 1 ? toGrayscale(image) : toRgb(image);
}

std::int64_t unifyChannels(std::vector<Image> &images)
{
    const bool anyRgb = std::any_of(images.begin(), images.end(),
                                    [](const Image &image) { return image.channels == 3; });
    std::int64_t converted = 0;
    if (!anyRgb) {
        return converted;
    }
    for (Image &image : images) {
        if (image.channels == 1) {
            image = toRgb(image);
            ++converted;
        }
    }
    return converted;
}

Image padCentred(const Image &image, std::int32_t width, std::int32_t height)
{
    if (width < image.width || height < image.height) {
        throw std::invalid_argument("padCentred: the canvas is smaller than the image");
    }
    Image result = blankLike(image, width, height);
    const std::int32_t left = (width - image.width) / 2;
    const std::int32_t top = (height - image.height) / 2;
    const std::size_t rowBytes =
        static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.channels);
    for (std::int32_t y = 0; y < image.height; ++y) {
        std::copy_n(
            image.pixels.begin() + static_cast<std::ptrdiff_t>(pixelIndex(image, 0, y)), rowBytes,
            result.pixels.begin() + static_cast<std::ptrdiff_t>(pixelIndex(result, left, top + y)));
    }
    return result;
}

Image resizeBilinear(const Image &image, std::int32_t width, std::int32_t height)
{
    if (width <= 0 || height <= 0 || image.width <= 0 || image.height <= 0) {
        throw std::invalid_argument("resizeBilinear: sizes must be positive");
    }
    if (width == image.width && height == image.height) {
        return image;
    }
    // Source coordinate, lower neighbour, upper neighbour and weight of the upper one per output
    // column/row.
    struct Tap {
        std::int32_t low;
        std::int32_t high;
        double weight;
    };
    const auto taps = [](std::int32_t in, std::int32_t out) {
        std::vector<Tap> result(static_cast<std::size_t>(out));
        const double scale = static_cast<double>(in) / static_cast<double>(out);
        for (std::int32_t d = 0; d < out; ++d) {
            const double source = std::max(0.0, (d + 0.5) * scale - 0.5);
            const auto low = std::min(static_cast<std::int32_t>(source), in - 1);
            result[static_cast<std::size_t>(d)] = {low, std::min(low + 1, in - 1),
                                                   source - static_cast<double>(low)};
        }
        return result;
    };
    const std::vector<Tap> columns = taps(image.width, width);
    const std::vector<Tap> rows = taps(image.height, height);
    Image result = blankLike(image, width, height);
    for (std::int32_t y = 0; y < height; ++y) {
        const Tap &row = rows[static_cast<std::size_t>(y)];
        for (std::int32_t x = 0; x < width; ++x) {
            const Tap &column = columns[static_cast<std::size_t>(x)];
            for (std::int32_t c = 0; c < image.channels; ++c) {
                const auto at = [&](std::int32_t px, std::int32_t py) {
                    return static_cast<double>(
                        image.pixels[pixelIndex(image, px, py) + static_cast<std::size_t>(c)]);
                };
                const double top = at(column.low, row.low) * (1.0 - column.weight) +
                                   at(column.high, row.low) * column.weight;
                const double bottom = at(column.low, row.high) * (1.0 - column.weight) +
                                      at(column.high, row.high) * column.weight;
                const double value = top * (1.0 - row.weight) + bottom * row.weight;
                result.pixels[pixelIndex(result, x, y) + static_cast<std::size_t>(c)] =
                    static_cast<std::uint8_t>(std::clamp(std::floor(value + 0.5), 0.0, 255.0));
            }
        }
    }
    return result;
}

Image cropCentred(const Image &image, std::int32_t width, std::int32_t height)
{
    if (width > image.width || height > image.height || width <= 0 || height <= 0) {
        throw std::invalid_argument("cropCentred: the window must lie inside the image");
    }
    Image result = blankLike(image, width, height);
    const std::int32_t left = (image.width - width) / 2;
    const std::int32_t top = (image.height - height) / 2;
    const std::size_t rowBytes =
        static_cast<std::size_t>(width) * static_cast<std::size_t>(image.channels);
    for (std::int32_t y = 0; y < height; ++y) {
        std::copy_n(image.pixels.begin() +
                        static_cast<std::ptrdiff_t>(pixelIndex(image, left, top + y)),
                    rowBytes,
                    result.pixels.begin() + static_cast<std::ptrdiff_t>(pixelIndex(result, 0, y)));
    }
    return result;
}

Image toModelInput(const Image &image, std::int32_t resolution, std::int32_t channels)
{
    if (resolution <= 0) {
        throw std::invalid_argument("toModelInput: resolution must be positive");
    }
    const Image converted = convertChannels(image, channels);
    const std::int32_t missingX = resolution - converted.width;
    const std::int32_t missingY = resolution - converted.height;
    constexpr std::int32_t kMaxPadding = 8; // at most 4 px on each side
    if (missingX >= 0 && missingY >= 0 && missingX <= kMaxPadding && missingY <= kMaxPadding) {
        return missingX == 0 && missingY == 0 ? converted
                                              : padCentred(converted, resolution, resolution);
    }
    const std::int32_t shortSide = std::min(converted.width, converted.height);
    const double scale = static_cast<double>(resolution) / static_cast<double>(shortSide);
    const auto scaled = [&](std::int32_t side) {
        return side == shortSide
                   ? resolution
                   : std::max(resolution, static_cast<std::int32_t>(std::lround(side * scale)));
    };
    const Image resized =
        resizeBilinear(converted, scaled(converted.width), scaled(converted.height));
    return cropCentred(resized, resolution, resolution);
}

} // namespace dpsapf::core
