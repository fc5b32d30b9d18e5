// SPDX-License-Identifier: GPL-3.0-or-later
// Training curves of one or more runs in a 2 x 2 QCustomPlot layout: loss, epsilon spent (with
// the target as a dashed line), FID and accuracy, each over the training step.
#pragma once

#include <QColor>
#include <QString>
#include <QVector>
#include <QWidget>

#include <array>

class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPLayoutGrid;
class QCPLegend;
class QCPTextElement;
class QCustomPlot;

namespace dpsapf::ui {

enum class CurveMetric { Loss, Epsilon, Fid, Accuracy };

class MetricCurves final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kMetricCount = 4;

    explicit MetricCurves(QWidget *parent = nullptr);
    ~MetricCurves() override;

    // One run; returns its track id (0, 1, ...). Colours come from a fixed palette; the legend
    // lists the track names once there is more than one track.
    int addTrack(const QString &name);
    // Appends points (steps ascending across calls is the fast path); rescales only the metric's
    // panel and queues one replot. Unknown track ids are ignored with a warning.
    void appendPoints(int track, CurveMetric metric, const QVector<double> &steps,
                      const QVector<double> &values);
    // The dashed target line in the epsilon panel; NaN hides it.
    void setEpsilonTarget(double epsilon);
    [[nodiscard]] double epsilonTarget() const { return m_epsilonTarget; }
    void clearTracks();

    [[nodiscard]] int trackCount() const;
    [[nodiscard]] int pointCount(int track, CurveMetric metric) const;
    [[nodiscard]] QString trackName(int track) const;
    [[nodiscard]] QColor trackColour(int track) const;
    // Whether a panel shows "not computed yet" (no track has a point for the metric).
    [[nodiscard]] bool isPanelEmpty(CurveMetric metric) const;
    [[nodiscard]] static QString metricTitle(CurveMetric metric);

    [[nodiscard]] QSize sizeHint() const override;

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Range {
        double lower = 0;
        double upper = 0;
        bool valid = false;
        void include(double value);
    };
    struct Track {
        QString name;
        QColor colour;
        std::array<QCPGraph *, kMetricCount> graphs{};
        std::array<Range, kMetricCount> steps;
        std::array<Range, kMetricCount> values;
    };

    void rescale(int metric);
    void updateLegend();
    void updateTarget();
    void applyPalette();

    QCustomPlot *m_plot;
    QCPLayoutGrid *m_legendRow; // the legend between two spacers, below the panels
    QCPLegend *m_legend;
    bool m_legendShown = false;
    std::array<QCPAxisRect *, kMetricCount> m_rects{};
    std::array<QCPTextElement *, kMetricCount> m_titles{};
    std::array<QCPItemText *, kMetricCount> m_emptyTexts{};
    QCPItemStraightLine *m_targetLine = nullptr;
    QCPItemText *m_targetText = nullptr;
    double m_epsilonTarget;
    QVector<Track> m_tracks;
};

} // namespace dpsapf::ui
