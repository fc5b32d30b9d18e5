// SPDX-License-Identifier: GPL-3.0-or-later
// Class-folder trees (torchvision ImageFolder / DPImageBench custom data):
// <root>/<class_name>/**/*.png|*.jpg|*.jpeg, classes in sorted folder-name order.
#pragma once

#include "dpsapf/core/image_dataset.h"

#include <filesystem>

namespace dpsapf::core {

// - Classes: the non-hidden subfolders of root, sorted by name (byte order); label = position.
// - Images: every regular file below a class folder (nested folders included), sorted by path.
//   .png/.jpg/.jpeg (any case) are decoded; any other file is a bad file (BadFilePolicy).
// - Ignored and counted in report->ignored: hidden files and folders (".name") and loose files
//   directly in root.
// - Errors: root missing or not a folder, no class folders, no images at all, no readable image.
// - A class folder without images keeps its label (a warning is logged).
// - Mixed sizes are kept (report->imageSizes); if any image is RGB, gray images become RGB.
[[nodiscard]] Expected<std::shared_ptr<ImageDataset>>
loadClassFolders(const std::filesystem::path &root, BadFilePolicy policy, LoadReport *report);

} // namespace dpsapf::core
