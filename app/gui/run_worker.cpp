// SPDX-License-Identifier: GPL-3.0-or-later
// The worker side of a run job: dispatch into the pipeline, event throttling, one outcome.
#include "run_worker.h"

#include "dpsapf/core/evaluation.h"

#include <algorithm>
#include <exception>

namespace dpsapf::app {
namespace {

constexpr qint64 kEmitIntervalMs = 100; // at most ~10 updates a second (style.md §2)

JobOutcome failed(const QString &runDir, const std::string &message)
{
    return {JobOutcome::Result::Failed, QString::fromStdString(message), runDir};
}

JobOutcome fromStages(const QString &runDir, const core::Expected<core::RunOutcome> &outcome)
{
    if (!outcome) {
        return failed(runDir, outcome.error().message);
    }
    return {outcome.value() == core::RunOutcome::Completed ? JobOutcome::Result::Completed
                                                           : JobOutcome::Result::Stopped,
            {},
            runDir};
}

constexpr core::RunStage kStagesAfterPrepare[] = {core::RunStage::Probe, core::RunStage::Select,
                                                  core::RunStage::Train, core::RunStage::Generate,
                                                  core::RunStage::Export};

} // namespace

RunWorker::RunWorker(Executor executor, QObject *parent)
    : QObject(parent)
    , m_executor(executor ? std::move(executor) : Executor(&RunWorker::executeWithPipeline))
{}

JobOutcome RunWorker::executeWithPipeline(const RunJob &job, core::RunControl &control,
                                          const core::RunEventCallback &events)
{
    const std::filesystem::path dir = job.runDir.toStdString();
    switch (job.kind) {
    case RunJob::Kind::Reselect: {
        const auto done = core::changeSelectionRatio(dir, job.ratio, events);
        return done ? JobOutcome{JobOutcome::Result::Completed, {}, job.runDir}
                    : failed(job.runDir, done.error().message);
    }
    case RunJob::Kind::Export: {
        const auto written =
            core::exportRun(dir, job.formats, job.destination.toStdString(), events);
        return written ? JobOutcome{JobOutcome::Result::Completed,
                                    QString::fromStdString(written->string()), job.runDir}
                       : failed(job.runDir, written.error().message);
    }
    case RunJob::Kind::Evaluate: {
        core::EvaluationOptions options;
        options.stop = &control.stopNow;
        options.progress = [&events](const std::string &text) {
            core::RunEvent event;
            event.kind = core::RunEvent::Kind::Message;
            event.message = text;
            events(event);
        };
        const auto report = core::evaluateRun(dir, options);
        if (!report) {
            return failed(job.runDir, report.error().message);
        }
        return {control.stopNow.load() ? JobOutcome::Result::Stopped
                                       : JobOutcome::Result::Completed,
                {},
                job.runDir};
    }
    case RunJob::Kind::RunStages: break;
    }
    if (job.config) {
        const auto prepared = core::prepareRun(*job.config, dir, core::RunOpenMode::Create, events);
        if (!prepared) {
            return failed(job.runDir, prepared.error().message);
        }
    }
    // Stages up to lastStage; finished ones are skipped (the pipeline's resume rule).
    for (core::RunStage stage : kStagesAfterPrepare) {
        if (static_cast<int>(stage) > static_cast<int>(job.lastStage)) {
            break;
        }
        if (control.stopNow.load() || control.stopAfterCheckpoint.load()) {
            return {JobOutcome::Result::Stopped, {}, job.runDir};
        }
        const auto pending = core::pendingStages(dir);
        if (!pending) {
            return failed(job.runDir, pending.error().message);
        }
        if (std::find(pending->begin(), pending->end(), stage) == pending->end()) {
            continue;
        }
        JobOutcome outcome = fromStages(job.runDir, core::runStage(dir, stage, &control, events));
        if (outcome.result != JobOutcome::Result::Completed) {
            return outcome;
        }
    }
    return {JobOutcome::Result::Completed, {}, job.runDir};
}

void RunWorker::run(const RunJob &job, std::shared_ptr<core::RunControl> control)
{
    m_progressPending = false;
    m_sinceEmit.start();
    JobOutcome outcome;
    try {
        outcome = m_executor(job, *control, [this](const core::RunEvent &event) { handle(event); });
    } catch (const std::exception &exception) {
        outcome = failed(job.runDir, exception.what());
    } catch (...) {
        outcome = failed(job.runDir, "unknown error");
    }
    flush();
    Q_EMIT finished(outcome);
}

void RunWorker::handle(const core::RunEvent &event)
{
    const QString stage = QString::fromStdString(core::stageName(event.stage));
    switch (event.kind) {
    case core::RunEvent::Kind::StageStarted:
        flush();
        Q_EMIT stageStarted(stage);
        return;
    case core::RunEvent::Kind::StageFinished:
        flush();
        Q_EMIT stageFinished(stage);
        return;
    case core::RunEvent::Kind::Checkpoint:
        flush();
        Q_EMIT checkpointWritten(event.step);
        return;
    case core::RunEvent::Kind::Message:
        Q_EMIT messageLogged(stage, QString::fromStdString(event.message));
        return;
    case core::RunEvent::Kind::Progress: break;
    }
    m_progress = {stage, event.step, event.total, event.etaSeconds, event.loss, event.epsilon};
    m_progressPending = true;
    if (m_sinceEmit.elapsed() >= kEmitIntervalMs) {
        flush();
    }
}

void RunWorker::flush()
{
    if (m_progressPending) {
        Q_EMIT progressed(m_progress);
        m_progressPending = false;
    }
    m_sinceEmit.restart();
}

} // namespace dpsapf::app
