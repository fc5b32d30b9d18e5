// SPDX-License-Identifier: GPL-3.0-or-later
// The desktop workflow's wiring (studio_controller.h).
#include "studio_controller.h"

#include "dpsapf/core/run_layout.h"
#include "dpsapf/core/runtime_info.h"
#include "main_window.h"
#include "panels/compare_panel.h"
#include "panels/data_panel.h"
#include "panels/export_panel.h"
#include "panels/gallery_panel.h"
#include "panels/model_panel.h"
#include "panels/privacy_panel.h"
#include "panels/saliency_panel.h"
#include "panels/train_panel.h"
#include "plots/metric_curves.h"
#include "run_view_data.h"
#include "settings.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QStatusBar>

#include <algorithm>
#include <cmath>

namespace dpsapf::app {
namespace {

constexpr int kRecentRuns = 10;

} // namespace

StudioController::StudioController(ui::MainWindow *window, RunWorker::Executor executor,
                                   QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_runs(std::move(executor))
    , m_data(new ui::DataPanel(window))
    , m_model(new ui::ModelPanel(window))
    , m_privacy(new ui::PrivacyPanel(window))
    , m_saliency(new ui::SaliencyPanel(window))
    , m_train(new ui::TrainPanel(window))
    , m_gallery(new ui::GalleryPanel(window))
    , m_compare(new ui::ComparePanel(window))
    , m_export(new ui::ExportPanel(window))
    , m_setup(m_data, m_model, m_privacy, &m_tasks)
{
    m_model->setCudaAvailable(core::queryRuntimeInfo().cudaDeviceCount > 0);
    window->addPanel(QStringLiteral("data"), tr("1  Data"), m_data);
    window->addPanel(QStringLiteral("model"), tr("2  Public model"), m_model);
    window->addPanel(QStringLiteral("privacy"), tr("3  Privacy"), m_privacy);
    window->addPanel(QStringLiteral("saliency"), tr("4  Saliency"), m_saliency);
    window->addPanel(QStringLiteral("train"), tr("5  Train"), m_train);
    window->addPanel(QStringLiteral("gallery"), tr("6  Gallery"), m_gallery);
    window->addPanel(QStringLiteral("compare"), tr("7  Compare"), m_compare);
    window->addPanel(QStringLiteral("export"), tr("8  Export"), m_export);
    m_compare->setRowNames(comparisonRowNames());
    connectPanels();
    window->setRecentRuns(settings::kRecentRuns.value());
    window->setCloseGuard([this] { return confirmClose(); });
    m_export->setReady(false, tr("Open a run whose images have been generated."));
    updateTrainState();
}

void StudioController::connectPanels()
{
    connect(m_window, &ui::MainWindow::newRunRequested, this, &StudioController::askNewRun);
    connect(m_window, &ui::MainWindow::openRunRequested, this, [this](const QString &folder) {
        QString error;
        if (!openRun(folder, &error)) {
            QMessageBox::warning(m_window, tr("Open run"), error);
        }
    });

    connect(m_saliency, &ui::SaliencyPanel::probeRequested, this, [this] {
        RunJob job;
        job.runDir = m_runFolder;
        job.lastStage = core::RunStage::Select;
        startJob(job);
    });
    connect(m_saliency, &ui::SaliencyPanel::ratioPreviewed, this,
            [this](double ratio) { showSaliency(ratio); });
    connect(m_saliency, &ui::SaliencyPanel::ratioApplied, this, [this](double ratio) {
        RunJob job;
        job.kind = RunJob::Kind::Reselect;
        job.runDir = m_runFolder;
        job.ratio = ratio;
        startJob(job);
    });

    connect(m_train, &ui::TrainPanel::startRequested, this, [this] {
        RunJob job;
        job.runDir = m_runFolder;
        startJob(job);
    });
    connect(m_train, &ui::TrainPanel::pauseRequested, &m_runs, &RunController::setPaused);
    connect(m_train, &ui::TrainPanel::stopAfterCheckpointRequested, this, [this] {
        m_runs.requestStopAfterCheckpoint();
        m_train->setState(ui::TrainPanel::State::Stopping);
    });
    connect(m_train, &ui::TrainPanel::stopNowRequested, this, [this] {
        m_runs.requestStopNow();
        m_train->setState(ui::TrainPanel::State::Stopping);
    });
    connect(&m_runs, &RunController::pausedChanged, this, [this](bool paused) {
        if (m_runs.isBusy() && m_train->state() != ui::TrainPanel::State::Stopping) {
            m_train->setState(paused ? ui::TrainPanel::State::Paused
                                     : ui::TrainPanel::State::Running);
        }
    });
    connect(&m_runs, &RunController::progressed, this, [this](const StageProgress &progress) {
        m_train->showProgress(progress.stage, progress.done, progress.total, progress.etaSeconds,
                              progress.loss, progress.epsilon);
        if (m_runs.currentJob().kind == RunJob::Kind::Export) {
            m_export->showProgress(progress.done, progress.total, progress.stage);
        }
        refreshCurves();
    });
    connect(&m_runs, &RunController::stageStarted, this, [this](const QString &stage) {
        m_train->showProgress(stage, 0, 0, -1.0, std::nan(""), std::nan(""));
        m_saliency->setBusy(true, tr("Running: %1…").arg(stage));
    });
    connect(&m_runs, &RunController::stageFinished, this, [this](const QString &stage) {
        if (stage != QLatin1String("prepare") && !m_runFolder.isEmpty()) {
            refreshRun();
        }
    });
    connect(&m_runs, &RunController::checkpointWritten, this, [this] { refreshRun(); });
    connect(&m_runs, &RunController::messageLogged, this,
            [this](const QString &, const QString &text) {
                m_train->showMessage(text);
                m_window->statusBar()->showMessage(text);
            });
    connect(&m_runs, &RunController::finished, this, &StudioController::onJobFinished);

    connect(m_compare, &ui::ComparePanel::addRunRequested, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(m_window, tr("Add a run to the comparison"));
        if (!folder.isEmpty()) {
            addComparedRun(folder);
        }
    });
    connect(m_compare, &ui::ComparePanel::removeRunRequested, this, [this](const QString &folder) {
        m_compared.removeAll(folder);
        refreshCompare();
    });
    connect(m_compare, &ui::ComparePanel::pairedRunRequested, this,
            &StudioController::startPairedRun);
    connect(m_compare, &ui::ComparePanel::evaluationRequested, this, [this] {
        RunJob job;
        job.kind = RunJob::Kind::Evaluate;
        job.runDir = m_runFolder;
        startJob(job);
    });

    connect(m_export, &ui::ExportPanel::exportRequested, this,
            [this](const ui::ExportChoice &choice) {
                RunJob job;
                job.kind = RunJob::Kind::Export;
                job.runDir = m_runFolder;
                job.formats.classFolders = choice.classFolders;
                job.formats.referenceLayout = choice.referenceLayout;
                job.formats.arrays = choice.arrays;
                job.formats.npz = choice.npz;
                job.formats.lora = choice.lora;
                job.formats.report = choice.report;
                job.destination = choice.destination;
                startJob(job);
            });
}

void StudioController::start()
{
    m_setup.refreshAll();
}

void StudioController::waitForBackgroundWork()
{
    m_tasks.waitForAll([this] { return m_setup.isPreviewPending(); });
}

bool StudioController::loadSynchronously(const QString &runFolder, QString *error)
{
    if (!runFolder.isEmpty() && !openRun(runFolder, error)) {
        return false;
    }
    m_setup.refreshAllAndWait();
    return true;
}

void StudioController::askNewRun()
{
    QString root = settings::kRunsFolder.value();
    if (root.isEmpty()) {
        root = QDir::home().filePath(QStringLiteral("dpsapf-runs"));
    }
    const QString suggested =
        QDateTime::currentDateTime().toString(QStringLiteral("'run-'yyyyMMdd-HHmmss"));
    bool ok = false;
    const QString name = QInputDialog::getText(
        m_window, tr("New run"),
        tr("The run is prepared with the current data, model and privacy settings in a new "
           "folder in %1.\nRun name:")
            .arg(QDir::toNativeSeparators(root)),
        QLineEdit::Normal, suggested, &ok);
    if (ok && !name.trimmed().isEmpty()) {
        createRun(QDir(root).filePath(name.trimmed()));
    }
}

bool StudioController::createRun(const QString &folder)
{
    RunJob job;
    job.runDir = folder;
    core::RunConfig config = m_setup.newRunConfig();
    config.name = QFileInfo(folder).fileName().toStdString();
    job.config = config;
    job.lastStage = core::RunStage::Prepare;
    if (!m_runs.start(job)) {
        return false;
    }
    m_runFolder = QDir(folder).absolutePath();
    updateTrainState();
    return true;
}

void StudioController::startJob(const RunJob &job)
{
    if (job.runDir.isEmpty() || !m_runs.start(job)) {
        return;
    }
    updateTrainState();
}

void StudioController::onJobFinished(const JobOutcome &outcome)
{
    const RunJob &job = m_runs.currentJob();
    if (outcome.result == JobOutcome::Result::Failed) {
        m_train->showMessage(tr("Failed: %1").arg(outcome.message));
        m_saliency->setBusy(false, QString());
        if (job.kind == RunJob::Kind::Export) {
            m_export->showError(outcome.message);
        }
        if (job.config && QDir(job.runDir).absolutePath() == m_runFolder) {
            // The new run could not be prepared: the open run stays the current one.
            m_runFolder = m_snapshot ? m_snapshot->folder : QString();
        }
    }
    if (outcome.result != JobOutcome::Result::Failed && !outcome.runDir.isEmpty()) {
        if (QDir(outcome.runDir).absolutePath() == m_runFolder) {
            openRun(outcome.runDir);
        }
        if (job.kind == RunJob::Kind::Export) {
            m_export->showResult(exportResult(outcome.message, *m_snapshot));
        }
        if (job.config && job.config->variant == core::RunVariant::DpLora) {
            addComparedRun(outcome.runDir);
        }
    }
    updateTrainState();
    Q_EMIT jobFinished(outcome);
    if (m_closeWhenIdle) {
        m_window->close();
    }
}

bool StudioController::openRun(const QString &folder, QString *error)
{
    core::Expected<RunSnapshot> snapshot = readRunSnapshot(folder);
    if (!snapshot) {
        const QString message = QString::fromStdString(snapshot.error().message);
        m_window->statusBar()->showMessage(message);
        if (error != nullptr) {
            *error = message;
        }
        return false;
    }
    const bool sameRun = m_snapshot && m_snapshot->folder == snapshot->folder;
    m_snapshot = std::move(snapshot).value();
    m_runFolder = m_snapshot->folder;
    if (!sameRun) {
        m_metrics = MetricsReader(
            QString::fromStdString(core::RunPaths{m_runFolder.toStdString()}.metrics().string()));
        m_train->curves()->clearTracks();
        m_track = m_train->curves()->addTrack(QString::fromStdString(m_snapshot->summary.name));
        m_train->curves()->setEpsilonTarget(m_snapshot->config.privacy.epsilon);
        m_setup.showRunConfig(m_snapshot->config);
        rememberRecent(m_runFolder);
        for (const QString &related : relatedRuns(m_runFolder)) {
            if (!m_compared.contains(related)) {
                m_compared.append(related);
            }
        }
        m_saliency->setAppliedRatio(m_snapshot->config.selection.ratio);
    }
    m_window->setCurrentRunText(tr("Run: %1 (%2)")
                                    .arg(QString::fromStdString(m_snapshot->summary.name),
                                         QDir::toNativeSeparators(m_runFolder)));
    refreshRun();
    Q_EMIT runOpened(m_runFolder);
    return true;
}

void StudioController::refreshRun()
{
    if (m_runFolder.isEmpty()) {
        return;
    }
    if (core::Expected<RunSnapshot> snapshot = readRunSnapshot(m_runFolder); snapshot) {
        m_snapshot = std::move(snapshot).value();
    }
    const RunSnapshot &run = *m_snapshot;
    if (run.scores) {
        showSaliency(m_saliency->ratio() > 0.0 && m_runs.isBusy() ? m_saliency->ratio()
                                                                  : run.config.selection.ratio);
    } else if (core::variantRunsProbe(run.config.variant)) {
        m_saliency->showEmpty(tr("The probe has not run yet. It measures each attention "
                                 "matrix's saliency with calibrated noise and is charged to the "
                                 "privacy budget."),
                              !m_runs.isBusy());
    } else {
        m_saliency->showEmpty(
            tr("This run's variant (%1) does not run the saliency probe.")
                .arg(QString::fromStdString(core::variantName(run.config.variant))),
            false);
    }
    m_gallery->setClassNames(run.classNames);
    m_gallery->setGrids(run.grids);
    const bool generated = !run.pendingStages.contains(QStringLiteral("generate"));
    m_export->setReady(generated && !m_runs.isBusy(), generated ? tr("A job is running.")
                                                                : tr("Generate images first: Start "
                                                                     "on the Train page runs every "
                                                                     "stage."));
    refreshCurves();
    refreshCompare();
    updateTrainState();
}

void StudioController::showSaliency(double ratio)
{
    if (!m_snapshot || !m_snapshot->scores) {
        return;
    }
    m_saliency->showScores(saliencyEntries(*m_snapshot->scores, ratio), ratio,
                           releaseDescription(*m_snapshot->scores),
                           !m_snapshot->trainingStarted && !m_runs.isBusy());
}

void StudioController::refreshCurves()
{
    if (m_track < 0) {
        return;
    }
    bool restarted = false;
    MetricPoints points = m_metrics.readNew(&restarted);
    if (restarted) {
        m_train->curves()->clearTracks();
        m_track = m_train->curves()->addTrack(QString::fromStdString(m_snapshot->summary.name));
    }
    appendMetricPoints(*m_train->curves(), m_track, points);
}

void StudioController::refreshCompare()
{
    QVector<ui::CompareColumn> columns;
    m_compare->curves()->clearTracks();
    for (const QString &folder : std::as_const(m_compared)) {
        // The open run was just read by refreshRun(); the others are read here.
        core::Expected<RunSnapshot> snapshot = m_snapshot && folder == m_snapshot->folder
                                                   ? core::Expected<RunSnapshot>(*m_snapshot)
                                                   : readRunSnapshot(folder);
        if (!snapshot) {
            continue;
        }
        columns.append(comparisonColumn(snapshot.value()));
        const int track = m_compare->curves()->addTrack(columns.last().title);
        MetricsReader reader(
            QString::fromStdString(core::RunPaths{folder.toStdString()}.metrics().string()));
        appendMetricPoints(*m_compare->curves(), track, reader.readNew());
        if (folder == m_runFolder) {
            m_compare->curves()->setEpsilonTarget(snapshot->config.privacy.epsilon);
        }
    }
    m_compare->setColumns(columns);
    const bool sapf = m_snapshot && m_snapshot->config.variant == core::RunVariant::DpSapf;
    m_compare->setEvaluationAvailable(
        m_snapshot && !m_snapshot->pendingStages.contains(QStringLiteral("generate")) &&
        !m_runs.isBusy());
    m_compare->setPairedRunAvailable(
        sapf && !m_runs.isBusy(), sapf ? tr("A job is running.") : tr("Open a DP-SAPF run first."));
}

void StudioController::addComparedRun(const QString &folder)
{
    const QString absolute = QDir(folder).absolutePath();
    if (!m_compared.contains(absolute)) {
        m_compared.append(absolute);
    }
    refreshCompare();
}

void StudioController::startPairedRun()
{
    if (!m_snapshot) {
        return;
    }
    core::RunConfig config = m_snapshot->config;
    config.variant = core::RunVariant::DpLora;
    config.chargeProbe = false;
    const QString folder = m_runFolder + QStringLiteral("-dp-lora");
    config.name = QFileInfo(folder).fileName().toStdString();
    RunJob job;
    job.runDir = folder;
    job.config = config;
    startJob(job);
}

void StudioController::updateTrainState()
{
    using State = ui::TrainPanel::State;
    if (m_runs.isBusy()) {
        if (m_train->state() != State::Stopping && m_train->state() != State::Paused) {
            m_train->setState(State::Running);
        }
        return;
    }
    m_saliency->setBusy(false, QString());
    if (!m_snapshot) {
        m_train->setState(State::NoRun);
        return;
    }
    const RunSnapshot &run = *m_snapshot;
    const QString name = QString::fromStdString(run.summary.name);
    if (run.pendingStages.isEmpty()) {
        m_train->setRun(name, tr("finished: %1 steps, ε = %2 spent (PRV)")
                                  .arg(run.summary.stepsDone)
                                  .arg(run.summary.epsilonPrv.value_or(0.0), 0, 'f', 3));
        m_train->setState(State::Finished);
        return;
    }
    m_train->setRun(name, run.summary.stepsDone > 0
                              ? tr("continues from the checkpoint at step %1 of %2")
                                    .arg(run.summary.stepsDone)
                                    .arg(run.summary.stepsPlanned)
                              : tr("to do: %1").arg(run.pendingStages.join(QStringLiteral(", "))));
    m_train->setState(State::Ready);
}

void StudioController::rememberRecent(const QString &folder)
{
    QStringList recent = settings::kRecentRuns.value();
    recent.removeAll(folder);
    recent.prepend(folder);
    while (recent.size() > kRecentRuns) {
        recent.removeLast();
    }
    settings::kRecentRuns.setValue(recent);
    m_window->setRecentRuns(recent);
}

bool StudioController::confirmClose()
{
    if (!m_runs.isBusy()) {
        return true;
    }
    if (m_closeWhenIdle) {
        return false; // already stopping
    }
    const auto answer = QMessageBox::question(
        m_window, tr("A job is running"),
        tr("Stop after the next checkpoint and close? Nothing is lost: the run continues from "
           "that checkpoint next time."),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
    if (answer == QMessageBox::Yes) {
        m_closeWhenIdle = true;
        m_runs.requestStopAfterCheckpoint();
        m_train->setState(ui::TrainPanel::State::Stopping);
    }
    return false;
}

} // namespace dpsapf::app
