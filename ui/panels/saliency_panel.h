// SPDX-License-Identifier: GPL-3.0-or-later
// The probe's noisy saliency scores as a heatmap over the UNet's attention matrices, with the
// selection ratio c: moving c re-selects at once (post-processing, no privacy cost); applying it
// writes the new selection into the run before training starts.
#pragma once

#include "models/saliency_grid.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QSlider;

namespace dpsapf::ui {

class SaliencyHeatmap;

class SaliencyPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit SaliencyPanel(QWidget *parent = nullptr);

    // No run, or a run without probe scores yet: the reason and whether the probe can start.
    void showEmpty(const QString &reason, bool canRunProbe);
    // Scores with their selected flags for `ratio`; `release` describes the noisy release
    // (sigma_s, q_s, records); `canApply` is false once training has started.
    void showScores(const QVector<SaliencyEntry> &entries, double ratio, const QString &release,
                    bool canApply);
    // The ratio the run's selection was made with (Apply is offered for other values).
    void setAppliedRatio(double ratio);
    void setBusy(bool busy, const QString &what);
    [[nodiscard]] double ratio() const;
    [[nodiscard]] SaliencyHeatmap *heatmap() const { return m_heatmap; }
    [[nodiscard]] QString statusText() const;

Q_SIGNALS:
    void probeRequested();
    void ratioPreviewed(double ratio); // the app answers with showScores(...)
    void ratioApplied(double ratio);

private:
    void updateRatioLabel();

    SaliencyHeatmap *m_heatmap;
    QSlider *m_ratio;
    QLabel *m_ratioValue;
    QCheckBox *m_logScale;
    QPushButton *m_runProbe;
    QPushButton *m_apply;
    QLabel *m_status;
    QLabel *m_release;
    double m_appliedRatio = 0.0;
    bool m_canApply = false;
    bool m_updating = false;
};

} // namespace dpsapf::ui
