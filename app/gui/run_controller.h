// SPDX-License-Identifier: GPL-3.0-or-later
// Owns the worker thread and steers the running job (style.md §2): start() queues a RunJob into the
// RunWorker; pause and the two stop grades write the shared RunControl flags directly; the
// worker's signals arrive here queued and are re-emitted on the GUI thread.
#pragma once

#include "run_worker.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace dpsapf::app {

class RunController final : public QObject
{
    Q_OBJECT

public:
    explicit RunController(RunWorker::Executor executor = {}, QObject *parent = nullptr);
    ~RunController() override; // stops the job now and joins the thread

    // False (and nothing starts) while another job runs.
    bool start(const RunJob &job);
    [[nodiscard]] bool isBusy() const { return m_busy; }
    [[nodiscard]] bool isPaused() const;
    [[nodiscard]] const RunJob &currentJob() const { return m_job; }

public Q_SLOTS:
    void setPaused(bool paused);
    void requestStopAfterCheckpoint();
    void requestStopNow();

Q_SIGNALS:
    void started(const dpsapf::app::RunJob &job);
    void stageStarted(const QString &stage);
    void stageFinished(const QString &stage);
    void progressed(const dpsapf::app::StageProgress &progress);
    void checkpointWritten(qint64 step);
    void messageLogged(const QString &stage, const QString &text);
    void pausedChanged(bool paused);
    void finished(const dpsapf::app::JobOutcome &outcome); // exactly once per started job

private:
    void onWorkerFinished(const JobOutcome &outcome);

    QThread m_thread;
    RunWorker *m_worker;
    std::shared_ptr<core::RunControl> m_control;
    RunJob m_job;
    bool m_busy = false;
};

} // namespace dpsapf::app
