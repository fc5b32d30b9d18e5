// SPDX-License-Identifier: GPL-3.0-or-later
// The first three pages, which set up a new run before any private data is used for training:
// dataset scan (data page), model summary (model page), and the privacy preview with the speed
// test (privacy page). Produces the RunConfig of a new run from them.
#pragma once

#include "background_tasks.h"
#include "dataset_inspector.h"
#include "dpsapf/core/model_summary.h"
#include "dpsapf/core/run_config.h"
#include "privacy_preview.h"

#include <QObject>
#include <QTimer>

#include <optional>

namespace dpsapf::ui {
class DataPanel;
class ModelPanel;
class PrivacyPanel;
} // namespace dpsapf::ui

namespace dpsapf::app {

class RunSetupController final : public QObject
{
    Q_OBJECT

public:
    RunSetupController(ui::DataPanel *data, ui::ModelPanel *model, ui::PrivacyPanel *privacy,
                       BackgroundTasks *tasks, QObject *parent = nullptr);

    // Scans the chosen dataset and model and computes the preview, in the background.
    void refreshAll();
    // The same, waiting for the results (PRV preview included).
    void refreshAllAndWait();
    // The preset new runs start from ("quick" by default); its budget and sizes go into the
    // privacy page, whose values then override the preset.
    bool setPreset(const QString &name);
    // Shows an existing run's choices (dataset, model, budget) on the three pages.
    void showRunConfig(const core::RunConfig &config);
    [[nodiscard]] core::RunConfig newRunConfig() const;
    [[nodiscard]] bool isPreviewPending() const { return m_previewTimer.isActive(); }

private:
    void loadDataset(const ui::DatasetChoice &choice);
    void applyDataset(const DatasetInspection &inspection);
    void applyRecordCount();
    void loadModel(const QString &path);
    void applyModel(const core::Expected<core::ModelSummary> &summary);
    void schedulePreview();
    void runPreview(bool final);
    void measureSpeed();

    ui::DataPanel *m_data;
    ui::ModelPanel *m_model;
    ui::PrivacyPanel *m_privacy;
    BackgroundTasks *m_tasks;
    QString m_preset = QStringLiteral("quick");
    core::DatasetSettings m_split =
        core::presetConfig("quick").value().dataset; // train size, limit
    qint64 m_loadedRecords = 0;                      // images in the chosen dataset
    qint64 m_trainRecords = 0;                       // N
    std::optional<core::ModelSummary> m_modelSummary;
    std::optional<MeasuredSpeed> m_speed;
    QTimer m_previewTimer;
    int m_previewGeneration = 0;
};

} // namespace dpsapf::app
