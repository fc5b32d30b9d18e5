// SPDX-License-Identifier: GPL-3.0-or-later
// stb_truetype glyph rasterisation (implementation compiled here, with static linkage so no other
// copy of stb in the process can clash), stroke-width changes and affine placement.
#include "train/font_rasterizer.h"

#include "dpsapf/core/atomic_file.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

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
#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include <stb/stb_truetype.h> // Debian libstb-dev
#pragma GCC diagnostic pop

namespace dpsapf::core {

struct FontFace::State {
    std::string bytes; // stbtt_fontinfo points into this buffer
    stbtt_fontinfo info{};
};

FontFace::FontFace(std::unique_ptr<State> state)
    : m_state(std::move(state))
{}
FontFace::~FontFace() = default;
FontFace::FontFace(FontFace &&other) noexcept = default;
FontFace &FontFace::operator=(FontFace &&other) noexcept = default;

Expected<FontFace> FontFace::load(const std::filesystem::path &path)
{
    Expected<std::string> bytes = readWholeFile(path);
    if (!bytes) {
        return bytes.error();
    }
    auto state = std::make_unique<State>();
    state->bytes = std::move(bytes).value();
    const auto *data = reinterpret_cast<const unsigned char *>(state->bytes.data());
    // stb_truetype trusts the font's offsets; refuse files too small to hold a table directory.
    if (state->bytes.size() < 64) {
        return makeError(ErrorCode::Format, path.string() + ": not a TrueType/OpenType font");
    }
    const int offset = stbtt_GetFontOffsetForIndex(data, 0);
    if (offset < 0 || stbtt_InitFont(&state->info, data, offset) == 0) {
        return makeError(ErrorCode::Format, path.string() + ": not a TrueType/OpenType font");
    }
    return FontFace(std::move(state));
}

bool FontFace::hasGlyph(char32_t codepoint) const
{
    return stbtt_FindGlyphIndex(&m_state->info, static_cast<int>(codepoint)) != 0;
}

GlyphBitmap FontFace::render(char32_t codepoint, double pixelHeight) const
{
    GlyphBitmap glyph;
    const float scale = stbtt_ScaleForPixelHeight(&m_state->info, static_cast<float>(pixelHeight));
    int width = 0;
    int height = 0;
    unsigned char *bitmap =
        stbtt_GetCodepointBitmap(&m_state->info, scale, scale, static_cast<int>(codepoint), &width,
                                 &height, nullptr, nullptr);
    if (bitmap == nullptr || width <= 0 || height <= 0) {
        stbtt_FreeBitmap(bitmap, nullptr);
        return glyph;
    }
    glyph.width = width;
    glyph.height = height;
    glyph.coverage.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    for (std::size_t i = 0; i < glyph.coverage.size(); ++i) {
        glyph.coverage[i] = static_cast<float>(bitmap[i]) / 255.0F;
    }
    stbtt_FreeBitmap(bitmap, nullptr);
    return glyph;
}

GlyphBitmap changeStroke(const GlyphBitmap &glyph, std::int32_t radius)
{
    if (radius == 0 || glyph.coverage.empty()) {
        return glyph;
    }
    const bool dilate = radius > 0;
    const std::int32_t r = std::abs(radius);
    const std::int32_t grow = dilate ? r : 0;
    GlyphBitmap out;
    out.width = glyph.width + 2 * grow;
    out.height = glyph.height + 2 * grow;
    out.coverage.assign(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height),
                        0.0F);
    const auto source = [&](std::int32_t x, std::int32_t y) {
        if (x < 0 || y < 0 || x >= glyph.width || y >= glyph.height) {
            return 0.0F;
        }
        return glyph.coverage[static_cast<std::size_t>(y) * static_cast<std::size_t>(glyph.width) +
                              static_cast<std::size_t>(x)];
    };
    // Separable square window: rows first, then columns.
    std::vector<float> rows(out.coverage.size(), 0.0F);
    for (std::int32_t y = 0; y < out.height; ++y) {
        for (std::int32_t x = 0; x < out.width; ++x) {
            float value = dilate ? 0.0F : 1.0F;
            for (std::int32_t d = -r; d <= r; ++d) {
                const float s = source(x - grow + d, y - grow);
                value = dilate ? std::max(value, s) : std::min(value, s);
            }
            rows[static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) +
                 static_cast<std::size_t>(x)] = value;
        }
    }
    for (std::int32_t y = 0; y < out.height; ++y) {
        for (std::int32_t x = 0; x < out.width; ++x) {
            float value = dilate ? 0.0F : 1.0F;
            for (std::int32_t d = -r; d <= r; ++d) {
                const std::int32_t yy = y + d;
                const float s =
                    yy < 0 || yy >= out.height
                        ? 0.0F
                        : rows[static_cast<std::size_t>(yy) * static_cast<std::size_t>(out.width) +
                               static_cast<std::size_t>(x)];
                value = dilate ? std::max(value, s) : std::min(value, s);
            }
            out.coverage[static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) +
                         static_cast<std::size_t>(x)] = value;
        }
    }
    return out;
}

Image drawGlyph(const GlyphBitmap &glyph, const GlyphPlacement &placement, std::int32_t canvas)
{
    Image image;
    image.width = canvas;
    image.height = canvas;
    image.channels = 1;
    image.pixels.assign(static_cast<std::size_t>(canvas) * static_cast<std::size_t>(canvas), 0);
    if (glyph.coverage.empty()) {
        return image;
    }
    // Forward map: out = centre + offset + R * H * S * (in - glyphCentre), with S = diag(s *
    // aspect, s), H = [[1, shear], [0, 1]], R the rotation. Each output sample is pulled back
    // through the inverse of M = R * H * S.
    const double s = placement.boxPixels / static_cast<double>(std::max(glyph.width, glyph.height));
    const double sx = s * placement.aspect;
    const double sy = s;
    const double c = std::cos(placement.rotationRadians);
    const double n = std::sin(placement.rotationRadians);
    const double k = placement.shear;
    // M = R * H * S = [[c, -n], [n, c]] * [[sx, k * sy], [0, sy]]
    const double m00 = c * sx;
    const double m01 = c * k * sy - n * sy;
    const double m10 = n * sx;
    const double m11 = n * k * sy + c * sy;
    const double det = m00 * m11 - m01 * m10;
    const double i00 = m11 / det;
    const double i01 = -m01 / det;
    const double i10 = -m10 / det;
    const double i11 = m00 / det;
    const double centreIn[2] = {0.5 * glyph.width, 0.5 * glyph.height};
    const double centreOut[2] = {0.5 * canvas + placement.offsetX,
                                 0.5 * canvas + placement.offsetY};

    const auto at = [&](std::int32_t x, std::int32_t y) -> double {
        if (x < 0 || y < 0 || x >= glyph.width || y >= glyph.height) {
            return 0.0;
        }
        return glyph.coverage[static_cast<std::size_t>(y) * static_cast<std::size_t>(glyph.width) +
                              static_cast<std::size_t>(x)];
    };
    const auto bilinear = [&](double x, double y) {
        // pixel centres at +0.5
        const double fx = x - 0.5;
        const double fy = y - 0.5;
        const auto x0 = static_cast<std::int32_t>(std::floor(fx));
        const auto y0 = static_cast<std::int32_t>(std::floor(fy));
        const double ax = fx - x0;
        const double ay = fy - y0;
        return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) +
               ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1));
    };
    constexpr int kSuper = 4;
    for (std::int32_t y = 0; y < canvas; ++y) {
        for (std::int32_t x = 0; x < canvas; ++x) {
            double sum = 0.0;
            for (int sy2 = 0; sy2 < kSuper; ++sy2) {
                for (int sx2 = 0; sx2 < kSuper; ++sx2) {
                    const double px = x + (sx2 + 0.5) / kSuper - centreOut[0];
                    const double py = y + (sy2 + 0.5) / kSuper - centreOut[1];
                    sum += bilinear(centreIn[0] + i00 * px + i01 * py,
                                    centreIn[1] + i10 * px + i11 * py);
                }
            }
            const double value = std::clamp(sum / (kSuper * kSuper), 0.0, 1.0);
            image.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(canvas) +
                         static_cast<std::size_t>(x)] =
                static_cast<std::uint8_t>(std::lround(value * 255.0));
        }
    }
    return image;
}

} // namespace dpsapf::core
