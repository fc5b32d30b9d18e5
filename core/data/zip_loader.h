// SPDX-License-Identifier: GPL-3.0-or-later
// Zip archives of images with a dataset.json, the StyleGAN2-ADA dataset_tool layout that
// DPImageBench uses: {"labels": [["00000/img00000000.png", 6], ...]}.
#pragma once

#include "dpsapf/core/image_dataset.h"

#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

// - dataset.json must exist and hold a "labels" array of [member name, integer label >= 0]
//   pairs; "labels": null (an unconditional dataset) or a missing key is an error.
// - A label entry naming a member that is not in the archive is an error naming it (always).
// - Records are ordered by member name (dataset_tool's ImageFolderDataset sorts its file names).
// - A member that does not decode is a bad file (BadFilePolicy); image members without a label
//   entry are ignored and counted in report->ignored.
[[nodiscard]] Expected<std::shared_ptr<ImageDataset>>
loadImageZip(const std::filesystem::path &path, std::vector<std::string> classNames,
             BadFilePolicy policy, LoadReport *report);

} // namespace dpsapf::core
