// SPDX-License-Identifier: GPL-3.0-or-later
// Training control and live view: start, pause, stop after the next checkpoint, stop now; the
// stage, progress and ETA; curves of loss, epsilon spent (with the target), FID and accuracy.
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace dpsapf::ui {

class MetricCurves;

class TrainPanel final : public QWidget
{
    Q_OBJECT

public:
    enum class State { NoRun, Ready, Running, Paused, Stopping, Finished };

    explicit TrainPanel(QWidget *parent = nullptr);

    [[nodiscard]] MetricCurves *curves() const { return m_curves; }
    // The run shown; `detail` says what starting will do ("continues at step 40", ...).
    void setRun(const QString &name, const QString &detail);
    void setState(State state);
    [[nodiscard]] State state() const { return m_state; }
    // stage: "probe", "train", ...; eta < 0: unknown; loss/epsilon NaN: not training.
    void showProgress(const QString &stage, qint64 done, qint64 total, double etaSeconds,
                      double loss, double epsilon);
    void showMessage(const QString &text);
    [[nodiscard]] QString progressText() const;

Q_SIGNALS:
    void startRequested();
    void pauseRequested(bool paused);
    void stopAfterCheckpointRequested();
    void stopNowRequested();

private:
    void updateButtons();

    State m_state = State::NoRun;
    QLabel *m_run;
    QLabel *m_stage;
    QProgressBar *m_progress;
    QLabel *m_message;
    QPushButton *m_start;
    QPushButton *m_pause;
    QPushButton *m_stopAfterCheckpoint;
    QPushButton *m_stopNow;
    MetricCurves *m_curves;
};

} // namespace dpsapf::ui
