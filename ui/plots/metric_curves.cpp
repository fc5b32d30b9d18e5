// SPDX-License-Identifier: GPL-3.0-or-later
// Training curves of one or more runs in a 2 x 2 QCustomPlot layout: loss, epsilon spent (with
// the target as a dashed line), FID and accuracy, each over the training step.
#include "plots/metric_curves.h"

#include "plots/qcp.h"

#include <QEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace dpsapf::ui {

namespace {

// Distinct on light and dark backgrounds (the first two: DP-SAPF and DP-LoRA in a comparison).
const std::array<QRgb, 8> kTrackColours = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728,
                                           0x9467bd, 0x8c564b, 0xe377c2, 0x17becf};

constexpr double kValuePadding = 0.05; // of the value span, above and below
constexpr double kCurveWidth = 1.5;
constexpr double kEvaluationMarkerSize = 5.0;
constexpr int kRightMargin = 24;

int metricIndex(CurveMetric metric)
{
    return static_cast<int>(metric);
}

QCPRange padded(double lower, double upper)
{
    if (!(upper > lower)) {
        const double spread = lower != 0 ? std::abs(lower) * 0.1 : 1.0;
        return {lower - spread, upper + spread};
    }
    const double pad = (upper - lower) * kValuePadding;
    return {lower - pad, upper + pad};
}

} // namespace

void MetricCurves::Range::include(double value)
{
    if (!std::isfinite(value)) {
        return;
    }
    if (!valid) {
        lower = upper = value;
        valid = true;
        return;
    }
    lower = std::min(lower, value);
    upper = std::max(upper, value);
}

MetricCurves::MetricCurves(QWidget *parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
    , m_legendRow(new QCPLayoutGrid)
    , m_legend(new QCPLegend)
    , m_epsilonTarget(std::numeric_limits<double>::quiet_NaN())
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);

    m_plot->setAutoAddPlottableToLegend(false);
    m_plot->plotLayout()->clear(); // drops the default axis rect and legend
    auto *panels = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(0, 0, panels);
    // The legend row is built inside the layout (for its parent plot), then kept out of it until
    // a second track arrives. Elements taken out of a layout stay owned by the plot.
    m_plot->plotLayout()->addElement(1, 0, m_legendRow);
    m_legendRow->addElement(0, 0, new QCPLayoutElement(m_plot));
    m_legendRow->addElement(0, 1, m_legend);
    m_legendRow->addElement(0, 2, new QCPLayoutElement(m_plot));
    m_legendRow->setColumnStretchFactors({1.0, 0.001, 1.0}); // centred at its minimum width
    m_legend->setLayer(QStringLiteral("legend"));
    m_legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_legendRow->setVisible(false);
    m_plot->plotLayout()->take(m_legendRow);
    m_plot->plotLayout()->simplify();

    std::array<QCPMarginGroup *, 2> columnGroups{new QCPMarginGroup(m_plot),
                                                 new QCPMarginGroup(m_plot)};
    std::array<QCPMarginGroup *, 2> rowGroups{new QCPMarginGroup(m_plot),
                                              new QCPMarginGroup(m_plot)};
    QFont titleFont = m_plot->font();
    titleFont.setBold(true);
    for (int metric = 0; metric < kMetricCount; ++metric) {
        const int row = metric / 2;
        const int column = metric % 2;
        m_titles[metric] =
            new QCPTextElement(m_plot, metricTitle(static_cast<CurveMetric>(metric)), titleFont);
        panels->addElement(row * 2, column, m_titles[metric]);
        auto *rect = new QCPAxisRect(m_plot);
        panels->addElement(row * 2 + 1, column, rect);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, columnGroups[column]);
        rect->setMarginGroup(QCP::msTop | QCP::msBottom, rowGroups[row]);
        // Room for the last tick label: QCustomPlot drops labels that cross the widget's edge.
        rect->setMinimumMargins(QMargins(0, 0, kRightMargin, 0));
        rect->axis(QCPAxis::atBottom)->setLabel(tr("step"));
        rect->axis(QCPAxis::atBottom)->setRange(0, 1);
        rect->axis(QCPAxis::atLeft)->setRange(0, 1);
        m_rects[metric] = rect;

        auto *empty = new QCPItemText(m_plot);
        empty->setClipAxisRect(rect);
        empty->position->setType(QCPItemPosition::ptAxisRectRatio);
        empty->position->setAxisRect(rect);
        empty->position->setCoords(0.5, 0.5);
        empty->setPositionAlignment(Qt::AlignCenter);
        empty->setText(tr("not computed yet"));
        m_emptyTexts[metric] = empty;
    }

    QCPAxisRect *epsilonRect = m_rects[metricIndex(CurveMetric::Epsilon)];
    QCPAxis *epsilonSteps = epsilonRect->axis(QCPAxis::atBottom);
    QCPAxis *epsilonValues = epsilonRect->axis(QCPAxis::atLeft);
    m_targetLine = new QCPItemStraightLine(m_plot);
    m_targetLine->setClipAxisRect(epsilonRect);
    for (QCPItemPosition *point : {m_targetLine->point1, m_targetLine->point2}) {
        point->setAxes(epsilonSteps, epsilonValues);
    }
    m_targetText = new QCPItemText(m_plot);
    m_targetText->setClipAxisRect(epsilonRect);
    m_targetText->position->setAxisRect(epsilonRect);
    m_targetText->position->setAxes(epsilonSteps, epsilonValues);
    m_targetText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_targetText->position->setTypeY(QCPItemPosition::ptPlotCoords);
    // Under the line at the left, where epsilon spent is still small.
    m_targetText->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_targetText->setPadding(QMargins(2, 2, 2, 2));
    updateTarget();

    applyPalette();
    for (int metric = 0; metric < kMetricCount; ++metric) {
        rescale(metric);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

MetricCurves::~MetricCurves() = default;

QSize MetricCurves::sizeHint() const
{
    return {800, 560};
}

QString MetricCurves::metricTitle(CurveMetric metric)
{
    switch (metric) {
    case CurveMetric::Loss: return tr("training loss");
    case CurveMetric::Epsilon: return tr("ε spent");
    case CurveMetric::Fid: return tr("FID");
    case CurveMetric::Accuracy: return tr("accuracy");
    }
    return {};
}

int MetricCurves::addTrack(const QString &name)
{
    Track track;
    track.name = name;
    track.colour = QColor::fromRgb(
        kTrackColours[static_cast<std::size_t>(m_tracks.size()) % kTrackColours.size()]);
    for (int metric = 0; metric < kMetricCount; ++metric) {
        QCPAxisRect *rect = m_rects[metric];
        QCPGraph *graph =
            m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        graph->setName(name);
        graph->setPen(QPen(track.colour, kCurveWidth));
        const auto kind = static_cast<CurveMetric>(metric);
        if (kind == CurveMetric::Fid || kind == CurveMetric::Accuracy) {
            // Evaluations are sparse: mark every point.
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kEvaluationMarkerSize));
        }
        track.graphs[metric] = graph;
    }
    m_tracks.append(track);
    updateLegend();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return static_cast<int>(m_tracks.size()) - 1;
}

void MetricCurves::appendPoints(int track, CurveMetric metric, const QVector<double> &steps,
                                const QVector<double> &values)
{
    if (track < 0 || track >= m_tracks.size()) {
        qWarning("MetricCurves::appendPoints: unknown track %d", track);
        return;
    }
    const qsizetype count = std::min(steps.size(), values.size());
    if (count == 0) {
        return;
    }
    const int index = metricIndex(metric);
    Track &entry = m_tracks[track];
    const QVector<double> keys = count == steps.size() ? steps : steps.first(count);
    const QVector<double> points = count == values.size() ? values : values.first(count);
    entry.graphs[index]->addData(keys, points, std::is_sorted(keys.cbegin(), keys.cend()));
    for (qsizetype i = 0; i < count; ++i) {
        if (std::isfinite(points.at(i))) {
            entry.steps[index].include(keys.at(i));
            entry.values[index].include(points.at(i));
        }
    }
    rescale(index);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricCurves::setEpsilonTarget(double epsilon)
{
    m_epsilonTarget = epsilon;
    updateTarget();
    rescale(metricIndex(CurveMetric::Epsilon));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricCurves::clearTracks()
{
    for (const Track &track : std::as_const(m_tracks)) {
        for (QCPGraph *graph : track.graphs) {
            m_plot->removeGraph(graph);
        }
    }
    m_tracks.clear();
    updateLegend();
    for (int metric = 0; metric < kMetricCount; ++metric) {
        rescale(metric);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int MetricCurves::trackCount() const
{
    return static_cast<int>(m_tracks.size());
}

int MetricCurves::pointCount(int track, CurveMetric metric) const
{
    if (track < 0 || track >= m_tracks.size()) {
        return 0;
    }
    return m_tracks.at(track).graphs[metricIndex(metric)]->dataCount();
}

QString MetricCurves::trackName(int track) const
{
    return track >= 0 && track < m_tracks.size() ? m_tracks.at(track).name : QString();
}

QColor MetricCurves::trackColour(int track) const
{
    return track >= 0 && track < m_tracks.size() ? m_tracks.at(track).colour : QColor();
}

bool MetricCurves::isPanelEmpty(CurveMetric metric) const
{
    return m_emptyTexts[metricIndex(metric)]->visible();
}

void MetricCurves::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        applyPalette();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
    QWidget::changeEvent(event);
}

// Fits one panel to its data only; the other panels and the layout stay as they are.
void MetricCurves::rescale(int metric)
{
    Range steps;
    Range values;
    for (const Track &track : std::as_const(m_tracks)) {
        if (track.steps[metric].valid) {
            steps.include(track.steps[metric].lower);
            steps.include(track.steps[metric].upper);
            values.include(track.values[metric].lower);
            values.include(track.values[metric].upper);
        }
    }
    m_emptyTexts[metric]->setVisible(!steps.valid);
    if (metric == metricIndex(CurveMetric::Epsilon) && std::isfinite(m_epsilonTarget)) {
        values.include(m_epsilonTarget);
        if (!steps.valid) {
            values.include(0.0);
        }
    }
    QCPAxis *keyAxis = m_rects[metric]->axis(QCPAxis::atBottom);
    QCPAxis *valueAxis = m_rects[metric]->axis(QCPAxis::atLeft);
    const bool markers =
        metric == metricIndex(CurveMetric::Fid) || metric == metricIndex(CurveMetric::Accuracy);
    if (steps.valid) {
        // Curves run edge to edge; evaluation markers keep a margin so none is cut in half.
        keyAxis->setRange(steps.upper > steps.lower && !markers ? QCPRange(steps.lower, steps.upper)
                                                                : padded(steps.lower, steps.upper));
    } else {
        keyAxis->setRange(0, 1);
    }
    valueAxis->setRange(values.valid ? padded(values.lower, values.upper) : QCPRange(0, 1));
}

void MetricCurves::updateLegend()
{
    const bool show = m_tracks.size() > 1;
    if (show && !m_legendShown) {
        m_plot->plotLayout()->addElement(1, 0, m_legendRow);
        m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
        m_legendRow->setVisible(true);
    } else if (!show && m_legendShown) {
        m_plot->plotLayout()->take(m_legendRow);
        m_plot->plotLayout()->simplify();
        m_legendRow->setVisible(false);
    }
    m_legendShown = show;
    if (show) {
        // One entry per track (its loss graph carries the track's colour).
        const int loss = metricIndex(CurveMetric::Loss);
        for (const Track &track : std::as_const(m_tracks)) {
            if (!m_legend->hasItemWithPlottable(track.graphs[loss])) {
                track.graphs[loss]->addToLegend(m_legend);
            }
        }
    }
}

void MetricCurves::updateTarget()
{
    const bool shown = std::isfinite(m_epsilonTarget);
    m_targetLine->setVisible(shown);
    m_targetText->setVisible(shown);
    if (!shown) {
        return;
    }
    m_targetLine->point1->setCoords(0, m_epsilonTarget);
    m_targetLine->point2->setCoords(1, m_epsilonTarget);
    m_targetText->position->setCoords(0.02, m_epsilonTarget);
    m_targetText->setText(tr("target ε = %1").arg(locale().toString(m_epsilonTarget, 'g', 4)));
}

void MetricCurves::applyPalette()
{
    const QPalette colours = palette();
    const QColor text = colours.color(QPalette::WindowText);
    const QColor faint = colours.color(QPalette::PlaceholderText);
    m_plot->setBackground(colours.brush(QPalette::Window));
    for (int metric = 0; metric < kMetricCount; ++metric) {
        m_titles[metric]->setTextColor(text);
        m_emptyTexts[metric]->setColor(faint);
        m_rects[metric]->setBackground(colours.brush(QPalette::Base));
        for (QCPAxis *axis : m_rects[metric]->axes()) {
            axis->setBasePen(QPen(text, 1));
            axis->setTickPen(QPen(text, 1));
            axis->setSubTickPen(QPen(text, 1));
            axis->setTickLabelColor(text);
            axis->setLabelColor(text);
            const QPen gridPen(colours.color(QPalette::Mid), 1, Qt::DotLine);
            axis->grid()->setPen(gridPen);
            axis->grid()->setZeroLinePen(gridPen); // a solid zero line reads as data
        }
    }
    m_targetLine->setPen(QPen(text, 1.5, Qt::DashLine));
    m_targetText->setColor(text);
    m_legend->setBrush(colours.brush(QPalette::Window));
    m_legend->setBorderPen(Qt::NoPen);
    m_legend->setTextColor(text);
}

} // namespace dpsapf::ui
