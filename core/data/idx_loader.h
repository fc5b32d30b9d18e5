// SPDX-License-Identifier: GPL-3.0-or-later
// IDX files (LeCun's MNIST format, also Fashion-MNIST): big-endian int32 magic 0x000008NN (u8 data,
// NN dimensions), NN big-endian int32 sizes, then row-major u8 data. Raw or gzip (zlib gzread).
#pragma once

#include "dpsapf/core/image_dataset.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

struct IdxArray {
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> data;
};

// Reads an unsigned-byte IDX file with exactly `expectedDimensions` dimensions (3 for images
// [n, rows, cols], 1 for labels [n]). Errors name the file: unreadable, truncated gzip, wrong
// magic, wrong dimensionality, data shorter or longer than the header says.
[[nodiscard]] Expected<IdxArray> readIdxFile(const std::filesystem::path &path,
                                             int expectedDimensions);

// Images [n, rows, cols] and labels [n] as a gray dataset; the counts must match. `what` starts
// the description (empty: "IDX <imagesPath>").
[[nodiscard]] Expected<std::shared_ptr<ImageDataset>>
loadIdxDataset(const std::filesystem::path &imagesPath, const std::filesystem::path &labelsPath,
               std::vector<std::string> classNames, const std::string &what, LoadReport *report);

} // namespace dpsapf::core
