// SPDX-License-Identifier: GPL-3.0-or-later
// Wires the workflow's panels to the core: builds the eight panels into the main window, leaves
// the set-up pages to RunSetupController, runs jobs on a run folder through the RunController and
// refreshes the saliency, train, gallery, compare and export pages from the open run folder.
#pragma once

#include "background_tasks.h"
#include "run_controller.h"
#include "run_folder_reader.h"
#include "run_setup_controller.h"

#include <QObject>
#include <QStringList>

#include <optional>

namespace dpsapf::ui {
class ComparePanel;
class DataPanel;
class ExportPanel;
class GalleryPanel;
class MainWindow;
class ModelPanel;
class PrivacyPanel;
class SaliencyPanel;
class TrainPanel;
} // namespace dpsapf::ui

namespace dpsapf::app {

class StudioController final : public QObject
{
    Q_OBJECT

public:
    StudioController(ui::MainWindow *window, RunWorker::Executor executor = {},
                     QObject *parent = nullptr);

    // Starts the initial background scans (the default dataset and the bundled model).
    void start();
    // Loads everything synchronously (for --screenshot): dataset, model, PRV preview, the run.
    bool loadSynchronously(const QString &runFolder, QString *error);
    bool openRun(const QString &folder, QString *error = nullptr);
    // A new run in `folder` from the current data, model and privacy choices (prepare only).
    bool createRun(const QString &folder);
    [[nodiscard]] RunSetupController *setup() { return &m_setup; }
    [[nodiscard]] QString currentRun() const { return m_runFolder; }
    [[nodiscard]] RunController *runs() { return &m_runs; }
    [[nodiscard]] QStringList comparedRuns() const { return m_compared; }
    // Blocks until the preview and scans in flight are done (tests, screenshots).
    void waitForBackgroundWork();

    ui::DataPanel *dataPanel() const { return m_data; }
    ui::ModelPanel *modelPanel() const { return m_model; }
    ui::PrivacyPanel *privacyPanel() const { return m_privacy; }
    ui::SaliencyPanel *saliencyPanel() const { return m_saliency; }
    ui::TrainPanel *trainPanel() const { return m_train; }
    ui::GalleryPanel *galleryPanel() const { return m_gallery; }
    ui::ComparePanel *comparePanel() const { return m_compare; }
    ui::ExportPanel *exportPanel() const { return m_export; }

Q_SIGNALS:
    void runOpened(const QString &folder);
    void jobFinished(const dpsapf::app::JobOutcome &outcome);

private:
    void connectPanels();
    void askNewRun();
    void startJob(const RunJob &job);
    void onJobFinished(const JobOutcome &outcome);
    void refreshRun();
    void refreshCurves();
    void refreshCompare();
    void showSaliency(double ratio);
    void updateTrainState();
    void addComparedRun(const QString &folder);
    void startPairedRun();
    void rememberRecent(const QString &folder);
    bool confirmClose();

    ui::MainWindow *m_window;
    RunController m_runs;
    ui::DataPanel *m_data;
    ui::ModelPanel *m_model;
    ui::PrivacyPanel *m_privacy;
    ui::SaliencyPanel *m_saliency;
    ui::TrainPanel *m_train;
    ui::GalleryPanel *m_gallery;
    ui::ComparePanel *m_compare;
    ui::ExportPanel *m_export;

    BackgroundTasks m_tasks;
    RunSetupController m_setup;

    QString m_runFolder;
    std::optional<RunSnapshot> m_snapshot;
    MetricsReader m_metrics;
    int m_track = -1;
    QStringList m_compared;
    bool m_closeWhenIdle = false;
};

} // namespace dpsapf::app
