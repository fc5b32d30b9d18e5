// SPDX-License-Identifier: GPL-3.0-or-later
// Image files: PNG/JPEG decoding through stb_image (the only TU with its implementation) and a
// small zlib-based PNG encoder (8-bit gray/RGB; 16-bit for tests and tools), so no Qt is needed.
#pragma once

#include "dpsapf/core/image_dataset.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

// Decodes PNG or JPEG bytes to 8-bit 1- or 3-channel HWC. Alpha is dropped (not composited, as
// PIL's convert("RGB")); gray+alpha becomes gray; palette images become RGB. 16-bit PNGs are
// reduced to 8 bits by stb_image, which keeps the high byte (v >> 8). `source` names the file.
[[nodiscard]] Expected<Image> decodeImage(const std::string &bytes, const std::string &source);
[[nodiscard]] Expected<Image> readImageFile(const std::filesystem::path &path);

// PNG bytes of an 8-bit image: IHDR, one IDAT (filter "None" on every row, zlib compress2 at
// the default level), IEND; CRC-32 from zlib. Channels 1 gray, 3 RGB (the dataset images), and
// also 2 gray + alpha and 4 RGBA (for tests and tools).
[[nodiscard]] Expected<std::string> encodePng(const Image &image);
// 16-bit PNG with 1 to 4 channels as above; `samples` holds width * height * channels values, HWC.
[[nodiscard]] Expected<std::string> encodePng16(std::int32_t width, std::int32_t height,
                                                std::int32_t channels,
                                                const std::vector<std::uint16_t> &samples);
// encodePng, written atomically (temporary file, fsync, rename).
[[nodiscard]] Expected<bool> writePng(const std::filesystem::path &path, const Image &image);

} // namespace dpsapf::core
