// SPDX-License-Identifier: GPL-3.0-or-later
// A run's values formatted for the compare table, the curves and the export summary.
#pragma once

#include "panels/compare_panel.h"
#include "panels/export_panel.h"
#include "run_folder_reader.h"

namespace dpsapf::ui {
class MetricCurves;
}

namespace dpsapf::app {

[[nodiscard]] QStringList comparisonRowNames();
[[nodiscard]] ui::CompareColumn comparisonColumn(const RunSnapshot &run);
void appendMetricPoints(ui::MetricCurves &curves, int track, const MetricPoints &points);
// What an export wrote into `destination`, with the run's privacy line.
[[nodiscard]] ui::ExportResult exportResult(const QString &destination, const RunSnapshot &run);

} // namespace dpsapf::app
