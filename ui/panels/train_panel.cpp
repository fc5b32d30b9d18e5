// SPDX-License-Identifier: GPL-3.0-or-later
// Training controls, progress and curves (train_panel.h).
#include "train_panel.h"

#include "plots/metric_curves.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace dpsapf::ui {
namespace {

QString duration(double seconds)
{
    if (seconds < 0.0 || !std::isfinite(seconds)) {
        return QStringLiteral("–");
    }
    const auto total = static_cast<qint64>(std::lround(seconds));
    if (total >= 3600) {
        return QStringLiteral("%1 h %2 min").arg(total / 3600).arg((total % 3600) / 60);
    }
    if (total >= 60) {
        return QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60);
    }
    return QStringLiteral("%1 s").arg(total);
}

} // namespace

TrainPanel::TrainPanel(QWidget *parent)
    : QWidget(parent)
    , m_run(new QLabel(this))
    , m_stage(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_message(new QLabel(this))
    , m_start(new QPushButton(tr("&Start"), this))
    , m_pause(new QPushButton(tr("&Pause"), this))
    , m_stopAfterCheckpoint(new QPushButton(tr("Stop after &checkpoint"), this))
    , m_stopNow(new QPushButton(tr("Stop &now"), this))
    , m_curves(new MetricCurves(this))
{
    setObjectName(QStringLiteral("TrainPanel"));
    m_pause->setCheckable(true);
    m_start->setToolTip(tr("Runs the remaining stages: probe, selection, DP training, "
                           "generation and export. A stopped run continues from its last "
                           "checkpoint."));
    m_stopAfterCheckpoint->setToolTip(
        tr("Finishes steps up to the next checkpoint, saves it and stops; Start continues "
           "from there."));
    m_stopNow->setToolTip(tr("Stops at once; steps since the last checkpoint are repeated when "
                             "the run continues."));
    m_run->setWordWrap(true);
    m_message->setWordWrap(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stopAfterCheckpoint);
    buttons->addWidget(m_stopNow);
    buttons->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_run);
    layout->addLayout(buttons);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_stage);
    progressRow->addWidget(m_progress, 1);
    layout->addLayout(progressRow);
    layout->addWidget(m_message);
    layout->addWidget(m_curves, 1);
    auto *evaluationNote = new QLabel(
        tr("Loss, FID and accuracy are computed on the sensitive data for you to judge the run; "
           "they are not covered by the differential privacy guarantee and are never exported."),
        this);
    evaluationNote->setWordWrap(true);
    layout->addWidget(evaluationNote);

    connect(m_start, &QPushButton::clicked, this, &TrainPanel::startRequested);
    connect(m_pause, &QPushButton::toggled, this, &TrainPanel::pauseRequested);
    connect(m_stopAfterCheckpoint, &QPushButton::clicked, this,
            &TrainPanel::stopAfterCheckpointRequested);
    connect(m_stopNow, &QPushButton::clicked, this, &TrainPanel::stopNowRequested);
    setRun(QString(), tr("No run is open: choose data and a budget, then start a new run "
                         "(File > New run), or open one."));
    setState(State::NoRun);
}

void TrainPanel::setRun(const QString &name, const QString &detail)
{
    m_run->setText(
        name.isEmpty()
            ? detail
            : QStringLiteral("<b>%1</b> — %2").arg(name.toHtmlEscaped(), detail.toHtmlEscaped()));
}

void TrainPanel::setState(State state)
{
    m_state = state;
    updateButtons();
    switch (state) {
    case State::NoRun:
    case State::Ready: m_stage->setText(tr("Idle")); break;
    case State::Paused: m_stage->setText(tr("Paused")); break;
    case State::Stopping: m_stage->setText(tr("Stopping…")); break;
    case State::Finished:
        m_stage->setText(tr("Finished"));
        m_progress->setRange(0, 1);
        m_progress->setValue(1);
        m_progress->setFormat(QStringLiteral("%p%"));
        break;
    case State::Running: break;
    }
}

void TrainPanel::updateButtons()
{
    const bool active =
        m_state == State::Running || m_state == State::Paused || m_state == State::Stopping;
    m_start->setEnabled(m_state == State::Ready);
    m_pause->setEnabled(m_state == State::Running || m_state == State::Paused);
    {
        const QSignalBlocker blocker(m_pause);
        m_pause->setChecked(m_state == State::Paused);
    }
    m_pause->setText(m_state == State::Paused ? tr("&Resume") : tr("&Pause"));
    m_stopAfterCheckpoint->setEnabled(active && m_state != State::Stopping);
    m_stopNow->setEnabled(active);
}

void TrainPanel::showProgress(const QString &stage, qint64 done, qint64 total, double etaSeconds,
                              double loss, double epsilon)
{
    if (m_state != State::Paused && m_state != State::Stopping) {
        m_stage->setText(tr("Stage: %1").arg(stage));
    }
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(static_cast<int>(1000 * std::min(done, total) / total));
        m_progress->setFormat(QStringLiteral("%1 / %2").arg(done).arg(total));
    } else {
        m_progress->setRange(0, 0);
    }
    QString text = tr("ETA %1").arg(duration(etaSeconds));
    if (std::isfinite(loss)) {
        text += tr(" · loss %1").arg(loss, 0, 'f', 4);
    }
    if (std::isfinite(epsilon)) {
        text += tr(" · ε spent %1 (RDP bound)").arg(epsilon, 0, 'f', 3);
    }
    m_message->setText(text);
}

void TrainPanel::showMessage(const QString &text)
{
    m_message->setText(text);
}

QString TrainPanel::progressText() const
{
    return m_stage->text() + QLatin1Char(' ') + m_progress->format() + QLatin1Char(' ') +
           m_message->text();
}

} // namespace dpsapf::ui
