// SPDX-License-Identifier: GPL-3.0-or-later
// Glyphs of TrueType/OpenType fonts rasterised with stb_truetype (the only TU with its
// implementation) and drawn into small grayscale canvases with a random-looking but seeded affine
// distortion and stroke-width change: the "notMNIST-style" letters of the public corpus.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/image_dataset.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace dpsapf::core {

// Anti-aliased coverage in [0, 1], row-major; the tight box of the glyph's ink.
struct GlyphBitmap {
    std::int32_t width = 0;
    std::int32_t height = 0;
    std::vector<float> coverage;
};

// How one glyph is placed in the canvas. The glyph's longer side becomes `boxPixels`, x is then
// stretched by `aspect`, sheared by `shear` (x += shear * y), rotated by `rotationRadians`, and its
// box centre is put at the canvas centre plus (offsetX, offsetY). strokeRadius > 0 thickens the
// strokes by a grey-level dilation of that many pixels of the source bitmap, < 0 thins them.
struct GlyphPlacement {
    double boxPixels = 20.0;
    double aspect = 1.0;
    double shear = 0.0;
    double rotationRadians = 0.0;
    double offsetX = 0.0;
    double offsetY = 0.0;
    std::int32_t strokeRadius = 0;
};

class FontFace
{
public:
    // Reads the whole file and parses the first face of it.
    [[nodiscard]] static Expected<FontFace> load(const std::filesystem::path &path);

    ~FontFace();
    FontFace(FontFace &&other) noexcept;
    FontFace &operator=(FontFace &&other) noexcept;
    FontFace(const FontFace &) = delete;
    FontFace &operator=(const FontFace &) = delete;

    [[nodiscard]] bool hasGlyph(char32_t codepoint) const;
    // The glyph at a pixel height of the font's ascent-to-descent span (empty if it has no ink).
    [[nodiscard]] GlyphBitmap render(char32_t codepoint, double pixelHeight) const;

private:
    struct State;
    explicit FontFace(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

// Draws `glyph` into a zero canvas of side `canvas` as 8-bit gray (ink = 255): 4 x 4 supersampled
// bilinear lookups per pixel through the inverse of the placement's affine map.
[[nodiscard]] Image drawGlyph(const GlyphBitmap &glyph, const GlyphPlacement &placement,
                              std::int32_t canvas);

// Grey-level dilation (radius > 0) or erosion (radius < 0) with a (2|r|+1)^2 square window; the
// bitmap grows by `radius` pixels per side for a dilation so no ink is cut.
[[nodiscard]] GlyphBitmap changeStroke(const GlyphBitmap &glyph, std::int32_t radius);

} // namespace dpsapf::core
