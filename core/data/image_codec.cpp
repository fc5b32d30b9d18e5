// SPDX-License-Identifier: GPL-3.0-or-later
// stb_image decoding (implementation compiled here, with static linkage so no other copy of stb
// in the process can clash) and a minimal PNG writer (PNG spec, ISO/IEC 15948) on top of zlib.
#include "data/image_codec.h"

#include "dpsapf/core/atomic_file.h"

#include <zlib.h>

#include <limits>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wuseless-cast"
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#include <stb/stb_image.h> // Debian libstb-dev
#pragma GCC diagnostic pop

namespace dpsapf::core {
namespace {

constexpr std::int32_t kMaxDimension = 1 << 16; // larger images are refused (memory safety)

void appendBigEndian32(std::string &out, std::uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((value >> static_cast<unsigned>(shift)) & 0xFFU));
    }
}

void appendChunk(std::string &out, const char *type, const std::string &data)
{
    appendBigEndian32(out, static_cast<std::uint32_t>(data.size()));
    const std::size_t typeStart = out.size();
    out.append(type, 4);
    out += data;
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef *>(out.data() + typeStart),
                static_cast<uInt>(4 + data.size()));
    appendBigEndian32(out, static_cast<std::uint32_t>(crc));
}

// `rows` holds height rows of rowBytes unfiltered bytes each.
Expected<std::string> encodePngRows(std::int32_t width, std::int32_t height, std::int32_t channels,
                                    int bitDepth, const std::uint8_t *rows, std::size_t rowBytes)
{
    if (width <= 0 || height <= 0 || width > kMaxDimension || height > kMaxDimension) {
        return makeError(ErrorCode::InvalidArgument, "PNG encoder: invalid size " +
                                                         std::to_string(width) + "x" +
                                                         std::to_string(height));
    }
    if (channels < 1 || channels > 4) {
        return makeError(ErrorCode::InvalidArgument,
                         "PNG encoder: " + std::to_string(channels) + " channels (1 to 4)");
    }
    std::string filtered;
    filtered.reserve(static_cast<std::size_t>(height) * (rowBytes + 1));
    for (std::int32_t y = 0; y < height; ++y) {
        filtered.push_back('\0'); // filter type None
        filtered.append(reinterpret_cast<const char *>(rows) +
                            static_cast<std::size_t>(y) * rowBytes,
                        rowBytes);
    }
    uLongf compressedSize = compressBound(static_cast<uLong>(filtered.size()));
    std::string compressed(compressedSize, '\0');
    const int status = compress2(reinterpret_cast<Bytef *>(compressed.data()), &compressedSize,
                                 reinterpret_cast<const Bytef *>(filtered.data()),
                                 static_cast<uLong>(filtered.size()), Z_DEFAULT_COMPRESSION);
    if (status != Z_OK) {
        return makeError(ErrorCode::Io,
                         "PNG encoder: zlib compress2 failed with code " + std::to_string(status));
    }
    compressed.resize(compressedSize);

    std::string header;
    appendBigEndian32(header, static_cast<std::uint32_t>(width));
    appendBigEndian32(header, static_cast<std::uint32_t>(height));
    header.push_back(static_cast<char>(bitDepth));
    // PNG colour types: 0 gray, 4 gray + alpha, 2 RGB, 6 RGBA.
    constexpr char kColourTypes[] = {0, 4, 2, 6};
    header.push_back(kColourTypes[channels - 1]);
    header.append(3, '\0'); // deflate, adaptive filtering, no interlace

    std::string png("\x89PNG\r\n\x1a\n", 8);
    appendChunk(png, "IHDR", header);
    appendChunk(png, "IDAT", compressed);
    appendChunk(png, "IEND", std::string());
    return png;
}

} // namespace

Expected<Image> decodeImage(const std::string &bytes, const std::string &source)
{
    if (bytes.empty()) {
        return makeError(ErrorCode::Format, source + ": empty file, not an image");
    }
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        return makeError(ErrorCode::Format, source + ": file too large for the image decoder");
    }
    const auto *data = reinterpret_cast<const stbi_uc *>(bytes.data());
    const int length = static_cast<int>(bytes.size());
    int width = 0;
    int height = 0;
    int components = 0;
    if (stbi_info_from_memory(data, length, &width, &height, &components) == 0) {
        return makeError(ErrorCode::Format, source + ": not a PNG or JPEG image (stb_image: " +
                                                stbi_failure_reason() + ")");
    }
    if (width > kMaxDimension || height > kMaxDimension) {
        return makeError(ErrorCode::Format, source + ": image of " + std::to_string(width) + "x" +
                                                std::to_string(height) +
                                                " px exceeds the limit of " +
                                                std::to_string(kMaxDimension) + " px per side");
    }
    stbi_uc *decoded = stbi_load_from_memory(data, length, &width, &height, &components, 0);
    if (decoded == nullptr) {
        return makeError(ErrorCode::Format,
                         source + ": corrupt image (stb_image: " + stbi_failure_reason() + ")");
    }
    Image image;
    image.width = width;
    image.height = height;
    image.channels = components <= 2 ? 1 : 3;
    const std::size_t pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    image.pixels.resize(pixels * static_cast<std::size_t>(image.channels));
    const auto inStride = static_cast<std::size_t>(components);
    const auto outStride = static_cast<std::size_t>(image.channels);
    for (std::size_t p = 0; p < pixels; ++p) {
        for (std::size_t c = 0; c < outStride; ++c) {
            image.pixels[p * outStride + c] = decoded[p * inStride + c];
        }
    }
    stbi_image_free(decoded);
    return image;
}

Expected<Image> readImageFile(const std::filesystem::path &path)
{
    Expected<std::string> bytes = readWholeFile(path);
    if (!bytes) {
        return bytes.error();
    }
    return decodeImage(bytes.value(), path.string());
}

Expected<std::string> encodePng(const Image &image)
{
    if (image.pixels.size() != image.byteCount()) {
        return makeError(ErrorCode::InvalidArgument,
                         "PNG encoder: " + std::to_string(image.pixels.size()) +
                             " pixel bytes for a " + std::to_string(image.width) + "x" +
                             std::to_string(image.height) + "x" + std::to_string(image.channels) +
                             " image");
    }
    const std::size_t rowBytes = static_cast<std::size_t>(std::max(image.width, 0)) *
                                 static_cast<std::size_t>(image.channels);
    return encodePngRows(image.width, image.height, image.channels, 8, image.pixels.data(),
                         rowBytes);
}

Expected<std::string> encodePng16(std::int32_t width, std::int32_t height, std::int32_t channels,
                                  const std::vector<std::uint16_t> &samples)
{
    const std::size_t count = static_cast<std::size_t>(std::max(width, 0)) *
                              static_cast<std::size_t>(std::max(height, 0)) *
                              static_cast<std::size_t>(std::max(channels, 0));
    if (samples.size() != count) {
        return makeError(ErrorCode::InvalidArgument,
                         "PNG encoder: " + std::to_string(samples.size()) + " samples for a " +
                             std::to_string(width) + "x" + std::to_string(height) + "x" +
                             std::to_string(channels) + " image");
    }
    std::vector<std::uint8_t> bigEndian(2 * count);
    for (std::size_t i = 0; i < count; ++i) {
        bigEndian[2 * i] = static_cast<std::uint8_t>(samples[i] >> 8U);
        bigEndian[2 * i + 1] = static_cast<std::uint8_t>(samples[i] & 0xFFU);
    }
    const std::size_t rowBytes =
        2 * static_cast<std::size_t>(std::max(width, 0)) * static_cast<std::size_t>(channels);
    return encodePngRows(width, height, channels, 16, bigEndian.data(), rowBytes);
}

Expected<bool> writePng(const std::filesystem::path &path, const Image &image)
{
    Expected<std::string> png = encodePng(image);
    if (!png) {
        return makeError(png.error().code, path.string() + ": " + png.error().message);
    }
    return writeFileAtomically(path, png.value());
}

} // namespace dpsapf::core
