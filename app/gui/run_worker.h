// SPDX-License-Identifier: GPL-3.0-or-later
// Runs RunJobs on the worker thread (style.md §2): the job is a blocking call into the core,
// steered only through the RunControl flags; core events come back as Qt signals (progress
// throttled to ~10 a second; the curves themselves are read from the run's metrics.jsonl), and
// every job ends with exactly one finished().
#pragma once

#include "run_job.h"

#include <QElapsedTimer>
#include <QObject>

#include <functional>
#include <memory>

namespace dpsapf::app {

struct StageProgress {
    QString stage;
    qint64 done = 0;
    qint64 total = 0;
    double etaSeconds = -1.0;
    double loss = 0.0;    // training: the last step's loss (NaN otherwise)
    double epsilon = 0.0; // training: RDP epsilon spent so far (NaN otherwise)
};

class RunWorker final : public QObject
{
    Q_OBJECT

public:
    // What executes a job: the real pipeline by default; tests pass a fake core.
    using Executor = std::function<JobOutcome(const RunJob &, core::RunControl &,
                                              const core::RunEventCallback &)>;

    explicit RunWorker(Executor executor = {}, QObject *parent = nullptr);

    // The pipeline behind the default executor.
    [[nodiscard]] static JobOutcome executeWithPipeline(const RunJob &job,
                                                        core::RunControl &control,
                                                        const core::RunEventCallback &events);

public Q_SLOTS:
    // Blocking; `control` stays owned by the controller, which outlives the job.
    void run(const dpsapf::app::RunJob &job, std::shared_ptr<dpsapf::core::RunControl> control);

Q_SIGNALS:
    void stageStarted(const QString &stage);
    void stageFinished(const QString &stage);
    void progressed(const dpsapf::app::StageProgress &progress);
    void checkpointWritten(qint64 step);
    void messageLogged(const QString &stage, const QString &text);
    void finished(const dpsapf::app::JobOutcome &outcome);

private:
    void handle(const core::RunEvent &event);
    void flush();

    Executor m_executor;
    StageProgress m_progress;
    bool m_progressPending = false;
    QElapsedTimer m_sinceEmit;
};

} // namespace dpsapf::app

Q_DECLARE_METATYPE(dpsapf::app::StageProgress)
Q_DECLARE_METATYPE(std::shared_ptr<dpsapf::core::RunControl>)
