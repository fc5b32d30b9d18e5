// SPDX-License-Identifier: GPL-3.0-or-later
// Pixel transforms on 8-bit HWC images: channel conversion (BT.601 luma), centred zero padding,
// bilinear resizing, centre cropping, and toModelInput, which chooses among them.
#pragma once

#include "dpsapf/core/image_dataset.h"

#include <vector>

namespace dpsapf::core {

// Gray from RGB with BT.601 weights: Y = round(0.299 R + 0.587 G + 0.114 B), computed exactly in
// integers as (299 R + 587 G + 114 B + 500) / 1000. A gray image is returned unchanged.
[[nodiscard]] Image toGrayscale(const Image &image);
// RGB from gray by repeating the channel. An RGB image is returned unchanged.
[[nodiscard]] Image toRgb(const Image &image);
// toGrayscale (channels 1) or toRgb (channels 3).
[[nodiscard]] Image convertChannels(const Image &image, std::int32_t channels);
// If any image has 3 channels, repeats every gray image to RGB; returns how many were converted.
std::int64_t unifyChannels(std::vector<Image> &images);

// Places the image in the centre of a zero-filled width x height canvas (left/top margin
// (width - w) / 2, rounded down). The canvas must be at least as large as the image.
[[nodiscard]] Image padCentred(const Image &image, std::int32_t width, std::int32_t height);
// Bilinear resampling with half-pixel centres, as torch's interpolate(mode="bilinear",
// align_corners=False, antialias=False) and PIL's BILINEAR when upsampling: source coordinate
// s = (d + 0.5) * in / out - 0.5, clamped at 0, neighbours clamped to the last pixel; the
// result is rounded half up. Downsampling does not antialias.
[[nodiscard]] Image resizeBilinear(const Image &image, std::int32_t width, std::int32_t height);
// The centred width x height window (left/top offset (w - width) / 2, rounded down).
[[nodiscard]] Image cropCentred(const Image &image, std::int32_t width, std::int32_t height);

// A square resolution x resolution image with `channels` channels (1 or 3):
// - channels are converted first (convertChannels);
// - if both sides are between resolution - 8 and resolution (at most 4 px per side), the image
//   is zero-padded to the centre (28 -> 32, the DPImageBench layout); equal sizes pass through;
// - otherwise the short side is resized bilinearly to `resolution` (aspect ratio kept, the long
//   side rounded to the nearest pixel) and the long side is centre-cropped, as the method's
//   preprocessing (method.md §2).
[[nodiscard]] Image toModelInput(const Image &image, std::int32_t resolution,
                                 std::int32_t channels);

} // namespace dpsapf::core
