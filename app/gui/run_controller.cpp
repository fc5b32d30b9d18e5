// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI-thread side of run jobs: one worker thread, flags for steering, one outcome per job.
#include "run_controller.h"

namespace dpsapf::app {

RunController::RunController(RunWorker::Executor executor, QObject *parent)
    : QObject(parent)
    , m_worker(new RunWorker(std::move(executor)))
    , m_control(std::make_shared<core::RunControl>())
{
    qRegisterMetaType<RunJob>();
    qRegisterMetaType<JobOutcome>();
    qRegisterMetaType<StageProgress>();
    qRegisterMetaType<std::shared_ptr<core::RunControl>>();
    m_thread.setObjectName(QStringLiteral("run-worker"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &RunWorker::stageStarted, this, &RunController::stageStarted);
    connect(m_worker, &RunWorker::stageFinished, this, &RunController::stageFinished);
    connect(m_worker, &RunWorker::progressed, this, &RunController::progressed);
    connect(m_worker, &RunWorker::checkpointWritten, this, &RunController::checkpointWritten);
    connect(m_worker, &RunWorker::messageLogged, this, &RunController::messageLogged);
    connect(m_worker, &RunWorker::finished, this, &RunController::onWorkerFinished);
    m_thread.start();
}

RunController::~RunController()
{
    m_control->stopNow = true;
    m_control->paused = false;
    m_thread.quit();
    m_thread.wait();
}

bool RunController::start(const RunJob &job)
{
    if (m_busy) {
        return false;
    }
    m_busy = true;
    m_job = job;
    // A fresh control per job: flags from the last job never leak into this one.
    m_control = std::make_shared<core::RunControl>();
    QMetaObject::invokeMethod(m_worker, "run", Qt::QueuedConnection,
                              Q_ARG(dpsapf::app::RunJob, job),
                              Q_ARG(std::shared_ptr<dpsapf::core::RunControl>, m_control));
    Q_EMIT started(job);
    return true;
}

bool RunController::isPaused() const
{
    return m_control->paused.load();
}

void RunController::setPaused(bool paused)
{
    if (!m_busy || m_control->paused.load() == paused) {
        return;
    }
    m_control->paused = paused;
    Q_EMIT pausedChanged(paused);
}

void RunController::requestStopAfterCheckpoint()
{
    if (m_busy) {
        m_control->stopAfterCheckpoint = true;
        setPaused(false);
    }
}

void RunController::requestStopNow()
{
    if (m_busy) {
        m_control->stopNow = true;
        setPaused(false);
    }
}

void RunController::onWorkerFinished(const JobOutcome &outcome)
{
    m_busy = false;
    if (m_control->paused.load()) {
        m_control->paused = false;
        Q_EMIT pausedChanged(false);
    }
    Q_EMIT finished(outcome);
}

} // namespace dpsapf::app
