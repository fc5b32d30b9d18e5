// SPDX-License-Identifier: GPL-3.0-or-later
// Image arrays from NumPy files: an images .npy plus a labels .npy (DP-SAPF syn_images.npy /
// syn_labels.npy), or one .npz holding both (DPImageBench gen.npz with x/y).
#pragma once

#include "dpsapf/core/image_dataset.h"
#include "dpsapf/core/safetensors.h"

#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

// Accepted image arrays: dtype |u1 (used as is) or <f4/<f8 with values in [0, 1] (byte =
// floor(255 v + 0.5), torchvision save_image; values outside [0, 1] by more than 1e-4, or NaN, are
// an error: [0, 255] floats must be divided by 255 first). Shapes (N, H, W) (gray), (N, C, H, W)
// or (N, H, W, C) with C in {1, 3}; when both dimension 1 and 3 are in {1, 3} the array is read as
// NCHW (the project's own layout). Labels: <i8, <i4 or |u1, shape (N) or (N, 1), >= 0.
[[nodiscard]] Expected<std::shared_ptr<ImageDataset>>
datasetFromArrays(const RawTensor &images, const RawTensor &labels, const std::string &imagesSource,
                  const std::string &labelsSource, std::vector<std::string> classNames,
                  const std::string &what, LoadReport *report);

[[nodiscard]] Expected<std::shared_ptr<ImageDataset>>
loadNpyDataset(const std::filesystem::path &imagesPath, const std::filesystem::path &labelsPath,
               std::vector<std::string> classNames, LoadReport *report);

// Keys tried in order: x/y (DPImageBench), images/labels, syn_images/syn_labels (DP-SAPF names).
// Stored and deflated members are both read (np.savez and np.savez_compressed).
[[nodiscard]] Expected<std::shared_ptr<ImageDataset>>
loadNpzDataset(const std::filesystem::path &path, std::vector<std::string> classNames,
               LoadReport *report);

} // namespace dpsapf::core
