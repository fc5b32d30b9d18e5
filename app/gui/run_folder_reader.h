// SPDX-License-Identifier: GPL-3.0-or-later
// A run folder read into the views' plain Qt values: summary, class names, noisy saliency scores,
// sample grids, and the metrics.jsonl curves (read incrementally while a run trains). Only files
// the CLI and the GUI both write are used, so either can open the other's runs.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/run_config.h"
#include "dpsapf/core/run_summary.h"
#include "dpsapf/core/selection.h"
#include "models/saliency_grid.h"
#include "panels/gallery_panel.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace dpsapf::app {

struct RunSnapshot {
    QString folder;
    core::RunConfig config;
    core::RunSummary summary;
    QStringList classNames;
    bool trainingStarted = false; // a checkpoint exists
    QStringList pendingStages;    // "probe", "select", ... not finished yet
    std::optional<core::NoisyScores> scores;
    QVector<ui::SampleGridFile> grids;
};

[[nodiscard]] core::Expected<RunSnapshot> readRunSnapshot(const QString &folder);

// The run itself and the runs it is compared with: the other variants of its study (a `dpsapf
// run` with compare_variants writes study.json beside them) and its paired "<run>-dp-lora".
[[nodiscard]] QStringList relatedRuns(const QString &folder);

// The noisy scores as heatmap entries, with the flags and ranks of a matrix-level top-c
// selection (the same core function the select stage uses).
[[nodiscard]] QVector<ui::SaliencyEntry> saliencyEntries(const core::NoisyScores &scores,
                                                         double ratio);
// "σ_s = 5, q_s = 0.09, 5000 records, noise std 5 (C = 1)": what was released.
[[nodiscard]] QString releaseDescription(const core::NoisyScores &scores);

// New points of a run's curves.
struct MetricPoints {
    QVector<double> lossSteps, losses;
    QVector<double> epsilonSteps, epsilons; // checkpoints: the configured accountant
    QVector<double> fidSteps, fids;
    QVector<double> accuracySteps, accuracies;
    [[nodiscard]] bool isEmpty() const;
};

// Reads metrics.jsonl from where the last call stopped; a truncated file (a resumed run rewinds
// it) starts over and says so through `restarted`.
class MetricsReader
{
public:
    explicit MetricsReader(QString path = {})
        : m_path(std::move(path))
    {}
    MetricPoints readNew(bool *restarted = nullptr);

private:
    QString m_path;
    qint64 m_offset = 0;
};

} // namespace dpsapf::app
