// SPDX-License-Identifier: GPL-3.0-or-later
// The desktop workflow's wiring: RunController/RunWorker with a fake core (start, pause, stop
// grades, exactly one outcome, errors surfaced, progress throttled), run-folder reading, and an
// offscreen end-to-end run of the smoke preset from the GUI that measures event-loop stalls.
#include "gui/privacy_preview.h"
#include "gui/run_controller.h"
#include "gui/run_folder_reader.h"
#include "gui/studio_controller.h"
#include "main_window.h"
#include "models/log_model.h"
#include "panels/compare_panel.h"
#include "panels/gallery_panel.h"
#include "panels/model_panel.h"
#include "panels/privacy_panel.h"
#include "panels/saliency_panel.h"
#include "panels/train_panel.h"
#include "plots/metric_curves.h"
#include "plots/saliency_heatmap.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <atomic>
#include <stdexcept>
#include <thread>

using namespace dpsapf;
using app::JobOutcome;
using app::RunController;
using app::RunJob;

namespace {

// A fake core: `steps` steps of 10 ms, a checkpoint every `every`, honouring the RunControl flags
// the way the pipeline does.
JobOutcome fakeTraining(const RunJob &job, core::RunControl &control,
                        const core::RunEventCallback &events, int steps, int every)
{
    core::RunEvent started;
    started.kind = core::RunEvent::Kind::StageStarted;
    started.stage = core::RunStage::Train;
    events(started);
    for (int step = 1; step <= steps; ++step) {
        while (control.paused.load() && !control.stopNow.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (control.stopNow.load()) {
            return {JobOutcome::Result::Stopped, QStringLiteral("now"), job.runDir};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        core::RunEvent progress;
        progress.kind = core::RunEvent::Kind::Progress;
        progress.stage = core::RunStage::Train;
        progress.step = step;
        progress.total = steps;
        progress.loss = 1.0 / step;
        events(progress);
        if (step % every == 0) {
            core::RunEvent checkpoint;
            checkpoint.kind = core::RunEvent::Kind::Checkpoint;
            checkpoint.stage = core::RunStage::Train;
            checkpoint.step = step;
            events(checkpoint);
            if (control.stopAfterCheckpoint.load()) {
                return {JobOutcome::Result::Stopped, QStringLiteral("checkpoint %1").arg(step),
                        job.runDir};
            }
        }
    }
    return {JobOutcome::Result::Completed, {}, job.runDir};
}

bool completed(const QSignalSpy &finished)
{
    return finished.last().first().value<JobOutcome>().result == JobOutcome::Result::Completed;
}

QString outcomeMessage(const QSignalSpy &finished)
{
    return finished.last().first().value<JobOutcome>().message;
}

RunJob someJob()
{
    RunJob job;
    job.runDir = QStringLiteral("/nonexistent/run");
    return job;
}

} // namespace

class TestStudio final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void completesWithExactlyOneOutcome();
    void refusesASecondJobWhileBusy();
    void pauseHoldsTheJobUntilResumed();
    void stopAfterCheckpointEndsAtACheckpoint();
    void stopNowEndsPromptly();
    void failuresAndExceptionsAreSurfaced();
    void progressIsThrottled();
    void metricsReaderReadsIncrementally();
    void relatedRunsFindStudyVariantsAndPairedRun();
    void smokeRunFromTheGuiWithoutStalls();
    void modelPageInspectsAStableDiffusionFolder();
    void runtimeEstimateScalesWithTheModelsCompute();
};

void TestStudio::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("dpsapf-test"));
    QCoreApplication::setApplicationName(QStringLiteral("test_studio"));
}

void TestStudio::completesWithExactlyOneOutcome()
{
    RunController controller(
        [](const RunJob &job, core::RunControl &control, const core::RunEventCallback &events) {
            return fakeTraining(job, control, events, 10, 5);
        });
    QSignalSpy finished(&controller, &RunController::finished);
    QSignalSpy checkpoints(&controller, &RunController::checkpointWritten);
    QSignalSpy stages(&controller, &RunController::stageStarted);
    QVERIFY(controller.start(someJob()));
    QVERIFY(controller.isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QCOMPARE(finished.first().first().value<JobOutcome>().result, JobOutcome::Result::Completed);
    QCOMPARE(checkpoints.count(), 2);
    QCOMPARE(stages.count(), 1);
    QVERIFY(!controller.isBusy());
    QTest::qWait(100);
    QCOMPARE(finished.count(), 1); // never a second outcome
}

void TestStudio::refusesASecondJobWhileBusy()
{
    RunController controller(
        [](const RunJob &job, core::RunControl &control, const core::RunEventCallback &events) {
            return fakeTraining(job, control, events, 20, 10);
        });
    QSignalSpy finished(&controller, &RunController::finished);
    QVERIFY(controller.start(someJob()));
    QVERIFY(!controller.start(someJob()));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QVERIFY(controller.start(someJob())); // free again
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
}

void TestStudio::pauseHoldsTheJobUntilResumed()
{
    std::atomic<int> lastStep{0};
    RunController controller([&lastStep](const RunJob &job, core::RunControl &control,
                                         const core::RunEventCallback &events) {
        return fakeTraining(
            job, control,
            [&](const core::RunEvent &event) {
                if (event.kind == core::RunEvent::Kind::Progress) {
                    lastStep = static_cast<int>(event.step);
                }
                events(event);
            },
            40, 10);
    });
    QSignalSpy finished(&controller, &RunController::finished);
    QSignalSpy paused(&controller, &RunController::pausedChanged);
    QVERIFY(controller.start(someJob()));
    QTRY_VERIFY_WITH_TIMEOUT(lastStep.load() >= 2, 5000);
    controller.setPaused(true);
    QVERIFY(controller.isPaused());
    QTest::qWait(60);
    const int heldAt = lastStep.load();
    QTest::qWait(200);
    QCOMPARE(lastStep.load(), heldAt); // no step while paused
    QCOMPARE(finished.count(), 0);
    controller.setPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QCOMPARE(finished.first().first().value<JobOutcome>().result, JobOutcome::Result::Completed);
    QCOMPARE(paused.count(), 2);
}

void TestStudio::stopAfterCheckpointEndsAtACheckpoint()
{
    RunController controller(
        [](const RunJob &job, core::RunControl &control, const core::RunEventCallback &events) {
            return fakeTraining(job, control, events, 200, 7);
        });
    QSignalSpy finished(&controller, &RunController::finished);
    QSignalSpy checkpoints(&controller, &RunController::checkpointWritten);
    QVERIFY(controller.start(someJob()));
    QTRY_VERIFY_WITH_TIMEOUT(checkpoints.count() >= 1, 5000);
    controller.requestStopAfterCheckpoint();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    const auto outcome = finished.first().first().value<JobOutcome>();
    QCOMPARE(outcome.result, JobOutcome::Result::Stopped);
    const qint64 lastCheckpoint = checkpoints.last().first().toLongLong();
    QCOMPARE(outcome.message, QStringLiteral("checkpoint %1").arg(lastCheckpoint));
    QVERIFY(lastCheckpoint < 200);
}

void TestStudio::stopNowEndsPromptly()
{
    RunController controller(
        [](const RunJob &job, core::RunControl &control, const core::RunEventCallback &events) {
            return fakeTraining(job, control, events, 100000, 1000000);
        });
    QSignalSpy finished(&controller, &RunController::finished);
    QVERIFY(controller.start(someJob()));
    controller.setPaused(true); // a paused job stops too
    QTest::qWait(50);
    QElapsedTimer timer;
    timer.start();
    controller.requestStopNow();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 2000);
    QVERIFY2(timer.elapsed() < 500, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(finished.first().first().value<JobOutcome>().result, JobOutcome::Result::Stopped);
    QVERIFY(!controller.isPaused());
}

void TestStudio::failuresAndExceptionsAreSurfaced()
{
    RunController failing(
        [](const RunJob &job, core::RunControl &, const core::RunEventCallback &) {
            return JobOutcome{JobOutcome::Result::Failed, QStringLiteral("dataset.path: missing"),
                              job.runDir};
        });
    QSignalSpy failed(&failing, &RunController::finished);
    QVERIFY(failing.start(someJob()));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
    QCOMPARE(failed.first().first().value<JobOutcome>().message,
             QStringLiteral("dataset.path: missing"));

    RunController throwing(
        [](const RunJob &, core::RunControl &, const core::RunEventCallback &) -> JobOutcome {
            throw std::runtime_error("out of memory");
        });
    QSignalSpy thrown(&throwing, &RunController::finished);
    QVERIFY(throwing.start(someJob()));
    QTRY_COMPARE_WITH_TIMEOUT(thrown.count(), 1, 5000);
    const auto outcome = thrown.first().first().value<JobOutcome>();
    QCOMPARE(outcome.result, JobOutcome::Result::Failed);
    QCOMPARE(outcome.message, QStringLiteral("out of memory"));

    // The real pipeline on a folder that is not a run: a clear error, no crash.
    RunController real;
    QSignalSpy realFinished(&real, &RunController::finished);
    QVERIFY(real.start(someJob()));
    QTRY_COMPARE_WITH_TIMEOUT(realFinished.count(), 1, 10000);
    const auto realOutcome = realFinished.first().first().value<JobOutcome>();
    QCOMPARE(realOutcome.result, JobOutcome::Result::Failed);
    QVERIFY2(realOutcome.message.contains(QStringLiteral("/nonexistent/run")),
             qPrintable(realOutcome.message));
}

void TestStudio::progressIsThrottled()
{
    RunController controller(
        [](const RunJob &job, core::RunControl &, const core::RunEventCallback &events) {
            QElapsedTimer timer;
            timer.start();
            core::RunEvent progress;
            progress.kind = core::RunEvent::Kind::Progress;
            progress.stage = core::RunStage::Generate;
            progress.total = 100000;
            for (int i = 1; i <= 100000; ++i) { // as fast as possible
                progress.step = i;
                events(progress);
            }
            return JobOutcome{JobOutcome::Result::Completed, QString::number(timer.elapsed()),
                              job.runDir};
        });
    QSignalSpy finished(&controller, &RunController::finished);
    QSignalSpy progressed(&controller, &RunController::progressed);
    QVERIFY(controller.start(someJob()));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QTest::qWait(50);
    const qint64 elapsedMs = finished.first().first().value<JobOutcome>().message.toLongLong();
    QVERIFY2(
        progressed.count() <= elapsedMs / 100 + 2,
        qPrintable(QStringLiteral("%1 updates in %2 ms").arg(progressed.count()).arg(elapsedMs)));
    // The last value always arrives.
    QCOMPARE(progressed.last().first().value<app::StageProgress>().done, 100000);
}

void TestStudio::metricsReaderReadsIncrementally()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("metrics.jsonl")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"step\":1,\"loss\":0.5,\"epsilon_rdp\":1.0}\n"
               "{\"step\":1,\"checkpoint\":true,\"epsilon\":0.8,\"accountant\":\"prv\"}\n"
               "{\"step\":2,\"loss\":0.4");
    file.flush();
    app::MetricsReader reader(file.fileName());
    app::MetricPoints first = reader.readNew();
    QCOMPARE(first.losses, QVector<double>({0.5}));
    QCOMPARE(first.epsilons, QVector<double>({0.8}));
    file.write(",\"epsilon_rdp\":1.5}\n{\"step\":2,\"eval\":true,\"fid\":42.5,"
               "\"accuracy_proxy\":0.61}\n");
    file.flush();
    app::MetricPoints second = reader.readNew();
    QCOMPARE(second.losses, QVector<double>({0.4}));
    QCOMPARE(second.fids, QVector<double>({42.5}));
    QCOMPARE(second.accuracies, QVector<double>({0.61}));
    QVERIFY(reader.readNew().isEmpty());
    file.resize(0); // a resumed run rewinds the file
    file.seek(0);
    file.write("{\"step\":1,\"loss\":0.7}\n");
    file.flush();
    bool restarted = false;
    QCOMPARE(reader.readNew(&restarted).losses, QVector<double>({0.7}));
    QVERIFY(restarted);
}

void TestStudio::relatedRunsFindStudyVariantsAndPairedRun()
{
    QTemporaryDir dir;
    const QDir root(dir.path());
    for (const QString &run :
         {QStringLiteral("study/dp-sapf"), QStringLiteral("study/dp-lora"),
          QStringLiteral("study/dp-sapf-dp-lora"), QStringLiteral("study/not-a-run")}) {
        QVERIFY(root.mkpath(run));
        if (!run.endsWith(QStringLiteral("not-a-run"))) {
            QFile config(root.filePath(run + QStringLiteral("/config.json")));
            QVERIFY(config.open(QIODevice::WriteOnly));
        }
    }
    QFile study(root.filePath(QStringLiteral("study/study.json")));
    QVERIFY(study.open(QIODevice::WriteOnly));
    study.write(R"({"variants": ["dp-sapf", "dp-lora", "not-a-run"]})");
    study.close();
    const QString sapf = root.filePath(QStringLiteral("study/dp-sapf"));
    QCOMPARE(app::relatedRuns(sapf),
             QStringList({sapf, root.filePath(QStringLiteral("study/dp-lora")),
                          root.filePath(QStringLiteral("study/dp-sapf-dp-lora"))}));
    const QString lone = root.filePath(QStringLiteral("study/dp-sapf-dp-lora"));
    QCOMPARE(app::relatedRuns(lone).first(), lone);
}

void TestStudio::modelPageInspectsAStableDiffusionFolder()
{
    ui::LogModel logModel;
    ui::MainWindow window(&logModel, ui::EngineInfo{});
    app::StudioController studio(&window);
    studio.modelPanel()->setModelPath(QStringLiteral(DPSAPF_TEST_DATA_DIR "/sd-tiny"));
    Q_EMIT studio.modelPanel()->modelRequested(studio.modelPanel()->modelPath());
    studio.waitForBackgroundWork();
    QVERIFY2(studio.modelPanel()->summaryText().contains(QStringLiteral("Latent space")),
             qPrintable(studio.modelPanel()->summaryText() + studio.modelPanel()->messageText()));
    QCOMPARE(studio.modelPanel()->matrixRowCount(), 128);
    QCOMPARE(studio.modelPanel()->blockRowCount(), 16);
}

void TestStudio::runtimeEstimateScalesWithTheModelsCompute()
{
    app::PreviewRequest request;
    request.trainRecords = 55000;
    request.speed = app::MeasuredSpeed{2.0, 1.0, 500.0, 2, 0.5};
    core::ModelSummary model;
    model.forwardGmacPerImage = 0.5; // the measured model itself
    request.model = model;
    const QString same = app::computePrivacyPreview(request).runtime;
    QVERIFY2(same.startsWith(QStringLiteral("about")) && !same.contains(QStringLiteral("scaled")),
             qPrintable(same));
    request.model->forwardGmacPerImage = 90.1; // an SD1.5 UNet at 256 px
    request.model->latent = true;
    const QString scaled = app::computePrivacyPreview(request).runtime;
    QVERIFY2(scaled.contains(QStringLiteral("90.1 vs 0.50 GMAC")), qPrintable(scaled));
    QVERIFY(scaled != same);
    request.speed->gmacPerImage = 0.0; // stored by an older version: cannot be scaled
    QVERIFY(app::computePrivacyPreview(request).runtime.contains(QStringLiteral("again")));
}

void TestStudio::smokeRunFromTheGuiWithoutStalls()
{
    QTemporaryDir dir;
    const QString runFolder = qEnvironmentVariableIsSet("DPSAPF_KEEP_RUN")
                                  ? qEnvironmentVariable("DPSAPF_KEEP_RUN")
                                  : dir.filePath(QStringLiteral("smoke"));
    ui::LogModel logModel;
    ui::MainWindow window(&logModel, ui::EngineInfo{});
    app::StudioController studio(&window);
    window.show();
    QVERIFY(studio.setup()->setPreset(QStringLiteral("smoke")));
    studio.start();
    studio.waitForBackgroundWork();
    QVERIFY2(studio.privacyPanel()->previewText().contains(QStringLiteral("σ")),
             qPrintable(studio.privacyPanel()->previewText()));

    // The longest gap between two 10 ms ticks of the GUI thread's event loop.
    QElapsedTimer sinceTick;
    qint64 longestStall = 0;
    QTimer ticker;
    ticker.setInterval(10);
    connect(&ticker, &QTimer::timeout, this,
            [&] { longestStall = std::max(longestStall, sinceTick.restart()); });

    QSignalSpy finished(studio.runs(), &RunController::finished);
    QVERIFY(studio.createRun(runFolder));
    sinceTick.start();
    ticker.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QVERIFY2(completed(finished), qPrintable(outcomeMessage(finished)));
    QCOMPARE(studio.currentRun(), QDir(runFolder).absolutePath());
    QCOMPARE(studio.trainPanel()->state(), ui::TrainPanel::State::Ready);

    // Probe from the saliency page: the heatmap fills with the noisy scores.
    Q_EMIT studio.saliencyPanel()->probeRequested();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120000);
    QVERIFY2(completed(finished), qPrintable(outcomeMessage(finished)));
    QCOMPARE(studio.saliencyPanel()->heatmap()->grid().rows(), 16);
    QVERIFY(studio.saliencyPanel()->heatmap()->grid().selectedCount() > 0);

    // Train through export from the train page.
    Q_EMIT studio.trainPanel()->startRequested();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 180000);
    QVERIFY2(completed(finished), qPrintable(outcomeMessage(finished)));
    QCOMPARE(studio.trainPanel()->state(), ui::TrainPanel::State::Finished);
    QVERIFY(studio.galleryPanel()->gridCount() >= 2); // step 0 and the final checkpoint
    QVERIFY(!studio.galleryPanel()->currentImage().isNull());
    QVERIFY(studio.trainPanel()->curves()->pointCount(0, ui::CurveMetric::Loss) > 0);
    QVERIFY(studio.trainPanel()->curves()->pointCount(0, ui::CurveMetric::Epsilon) > 0);
    // Evaluate from the compare page: FID and accuracy reach the table (not DP, labelled so).
    const int fidRow = 10;
    QCOMPARE(studio.comparePanel()->table()->verticalHeaderItem(fidRow)->text(),
             QStringLiteral("FID (sensitive data, not DP)"));
    QCOMPARE(studio.comparePanel()->table()->item(fidRow, 0)->text(), QStringLiteral("–"));
    Q_EMIT studio.comparePanel()->evaluationRequested();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 4, 300000);
    QVERIFY2(completed(finished), qPrintable(outcomeMessage(finished)));
    QVERIFY(QFileInfo::exists(QDir(runFolder).filePath(QStringLiteral("eval.json"))));
    bool isNumber = false;
    studio.comparePanel()->table()->item(fidRow, 0)->text().toDouble(&isNumber);
    QVERIFY(isNumber);
    QVERIFY(
        studio.comparePanel()->table()->item(fidRow + 1, 0)->text().endsWith(QStringLiteral("%")));

    ticker.stop();
    QVERIFY2(longestStall < 200,
             qPrintable(QStringLiteral("longest event-loop stall %1 ms").arg(longestStall)));
    qInfo("longest event-loop stall during the run: %lld ms", longestStall);
}

QTEST_MAIN(TestStudio)
#include "test_studio.moc"
