// SPDX-License-Identifier: GPL-3.0-or-later
// Loads the sensitive dataset a user chose and summarises it for the data view: size, classes,
// balance, image sizes, problems and a few thumbnails. Blocking: run it with QtConcurrent.
// Thumbnails live only in memory for the screen; nothing is written.
#pragma once

#include "dpsapf/core/run_config.h"
#include "panels/data_panel.h"

namespace dpsapf::app {

// The run-config dataset section for a choice (kind, paths, bad-file policy).
[[nodiscard]] core::DatasetSettings datasetSettings(const ui::DatasetChoice &choice);
[[nodiscard]] ui::DatasetChoice datasetChoice(const core::DatasetSettings &settings);

struct DatasetInspection {
    QString error; // non-empty: the load failed (names the file and the reason)
    ui::DatasetOverview overview;
};

[[nodiscard]] DatasetInspection inspectDataset(const ui::DatasetChoice &choice,
                                               int thumbnailsPerClass = 8);

} // namespace dpsapf::app
