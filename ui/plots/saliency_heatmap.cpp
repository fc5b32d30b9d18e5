// SPDX-License-Identifier: GPL-3.0-or-later
// Heat map of the probe's noisy saliency scores over the UNet's attention matrices (QCPColorMap),
// with the selected matrices outlined and a tooltip per cell.
#include "plots/saliency_heatmap.h"

#include "plots/qcp.h"

#include <QEvent>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace dpsapf::ui {

namespace {

// Viridis: perceptually uniform, readable on light and dark backgrounds, and in grey scale.
QCPColorGradient saliencyGradient()
{
    QCPColorGradient gradient;
    gradient.setColorStops({{0.0, QColor(0x44, 0x01, 0x54)},
                            {0.125, QColor(0x48, 0x28, 0x78)},
                            {0.25, QColor(0x3e, 0x49, 0x89)},
                            {0.375, QColor(0x31, 0x68, 0x8e)},
                            {0.5, QColor(0x26, 0x82, 0x8e)},
                            {0.625, QColor(0x1f, 0x9e, 0x89)},
                            {0.75, QColor(0x35, 0xb7, 0x79)},
                            {0.875, QColor(0x6e, 0xce, 0x58)},
                            {1.0, QColor(0xfd, 0xe7, 0x25)}});
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    gradient.setNanHandling(QCPColorGradient::nhTransparent); // absent cells show the hatching
    return gradient;
}

constexpr double kOutlineInset = 0.44; // half the outline's size in cells
constexpr int kColourScaleWidth = 14;

} // namespace

SaliencyHeatmap::SaliencyHeatmap(QWidget *parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
    , m_map(new QCPColorMap(m_plot->xAxis, m_plot->yAxis))
    , m_scale(new QCPColorScale(m_plot))
    , m_emptyText(new QCPItemText(m_plot))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);

    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);

    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(kColourScaleWidth);
    m_scale->axis()->setLabel(tr("noisy saliency score"));
    m_map->setColorScale(m_scale); // copies the scale's gradient and range: set them after this
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_map->setGradient(saliencyGradient());
    auto *group = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);

    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
        axis->setTickLength(0, 4);
    }
    m_plot->yAxis->setRangeReversed(true); // first row (down_blocks.0) at the top

    m_emptyText->setPositionAlignment(Qt::AlignCenter);
    m_emptyText->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyText->position->setCoords(0.5, 0.5);
    m_emptyText->setText(tr("no saliency scores yet"));

    rebuild();
}

SaliencyHeatmap::~SaliencyHeatmap() = default;

QSize SaliencyHeatmap::sizeHint() const
{
    return {720, 560};
}

void SaliencyHeatmap::setGrid(const SaliencyGrid &grid)
{
    m_grid = grid;
    m_hovered = QPoint(-1, -1);
    rebuild();
}

void SaliencyHeatmap::setLogScale(bool on)
{
    if (m_logScale == on) {
        return;
    }
    m_logScale = on;
    updateColourData();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

double SaliencyHeatmap::displayedValue(int row, int column) const
{
    if (row < 0 || row >= m_grid.rows() || column < 0 || column >= m_grid.columns()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const SaliencyCell &cell = m_grid.cell(row, column);
    if (!cell.present) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (m_logScale && !(cell.score > 0)) {
        return m_logFloor;
    }
    return cell.score;
}

QString SaliencyHeatmap::cellToolTip(int row, int column) const
{
    if (row < 0 || row >= m_grid.rows() || column < 0 || column >= m_grid.columns()) {
        return {};
    }
    const SaliencyCell &cell = m_grid.cell(row, column);
    if (!cell.present) {
        return tr("%1 %2: no score (not a probe candidate)")
            .arg(m_grid.rowLabels.at(row), m_grid.columnLabels.at(column));
    }
    QStringList shape;
    for (const qint64 extent : cell.shape) {
        shape.append(QString::number(extent));
    }
    QString score = tr("noisy score: %1").arg(locale().toString(cell.score, 'g', 4));
    if (m_logScale && !(cell.score > 0)) {
        score += QLatin1Char(' ') + tr("(≤ 0 after noise)");
    }
    const int total = std::max(m_grid.entryCount, cell.rank);
    return QStringList{
        cell.key, tr("shape: %1").arg(shape.isEmpty() ? tr("unknown") : shape.join(QChar(0x00D7))),
        score, cell.rank > 0 ? tr("rank %1 of %2").arg(cell.rank).arg(total) : tr("not ranked"),
        cell.selected ? tr("selected") : tr("not selected")}
        .join(QLatin1Char('\n'));
}

QPoint SaliencyHeatmap::cellAt(const QPoint &position) const
{
    const QPoint outside(-1, -1);
    if (m_grid.rows() == 0 || m_grid.columns() == 0) {
        return outside;
    }
    const QPoint p = m_plot->mapFrom(this, position);
    if (!m_plot->axisRect()->rect().contains(p)) {
        return outside;
    }
    const auto column = static_cast<int>(std::floor(m_plot->xAxis->pixelToCoord(p.x()) + 0.5));
    const auto row = static_cast<int>(std::floor(m_plot->yAxis->pixelToCoord(p.y()) + 0.5));
    if (row < 0 || row >= m_grid.rows() || column < 0 || column >= m_grid.columns()) {
        return outside;
    }
    return {column, row};
}

void SaliencyHeatmap::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        applyPalette();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
    QWidget::changeEvent(event);
}

bool SaliencyHeatmap::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_plot) {
        if (event->type() == QEvent::MouseMove) {
            const auto *mouse = static_cast<QMouseEvent *>(event);
            hover(mouse->position().toPoint(), mouse->globalPosition().toPoint());
        } else if (event->type() == QEvent::Leave) {
            QToolTip::hideText();
            if (m_hovered != QPoint(-1, -1)) {
                m_hovered = QPoint(-1, -1);
                Q_EMIT cellHovered(-1, -1);
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

void SaliencyHeatmap::hover(const QPoint &plotPosition, const QPoint &globalPosition)
{
    const QPoint cell = cellAt(m_plot->mapTo(this, plotPosition));
    if (cell != m_hovered) {
        m_hovered = cell;
        Q_EMIT cellHovered(cell.y(), cell.x());
    }
    if (cell.x() < 0) {
        QToolTip::hideText();
    } else {
        QToolTip::showText(globalPosition, cellToolTip(cell.y(), cell.x()), m_plot);
    }
}

void SaliencyHeatmap::rebuild()
{
    const int rows = m_grid.rows();
    const int columns = m_grid.columns();

    auto columnTicker = QSharedPointer<QCPAxisTickerText>::create();
    for (int column = 0; column < columns; ++column) {
        columnTicker->addTick(column, m_grid.columnLabels.at(column));
    }
    auto rowTicker = QSharedPointer<QCPAxisTickerText>::create();
    for (int row = 0; row < rows; ++row) {
        rowTicker->addTick(row, m_grid.rowLabels.at(row));
    }
    m_plot->xAxis->setTicker(columnTicker);
    m_plot->yAxis->setTicker(rowTicker);
    m_plot->xAxis->setRange(-0.5, std::max(columns, 1) - 0.5);
    m_plot->yAxis->setRange(-0.5, std::max(rows, 1) - 0.5);

    for (QCPItemRect *outline : std::as_const(m_outlines)) {
        m_plot->removeItem(outline);
    }
    m_outlines.clear();
    const QColor halo(Qt::black);
    const QColor line(Qt::white);
    for (int row = 0; row < rows; ++row) {
        for (int column = 0; column < columns; ++column) {
            const SaliencyCell &cell = m_grid.cell(row, column);
            if (!cell.present || !cell.selected) {
                continue;
            }
            // A white line on a black halo stands out on every colour of the gradient.
            for (const QPen &pen : {QPen(halo, 4.0), QPen(line, 2.0)}) {
                auto *outline = new QCPItemRect(m_plot);
                outline->setSelectable(false);
                outline->setPen(pen);
                outline->setBrush(Qt::NoBrush);
                outline->topLeft->setCoords(column - kOutlineInset, row - kOutlineInset);
                outline->bottomRight->setCoords(column + kOutlineInset, row + kOutlineInset);
                m_outlines.append(outline);
            }
        }
    }

    double smallestPositive = std::numeric_limits<double>::infinity();
    for (const SaliencyCell &cell : std::as_const(m_grid.cells)) {
        if (cell.present && cell.score > 0) {
            smallestPositive = std::min(smallestPositive, cell.score);
        }
    }
    m_logFloor = std::isfinite(smallestPositive) ? smallestPositive / 10.0 : 0.1;

    m_map->data()->setSize(columns, rows);
    m_map->data()->setRange(QCPRange(0, std::max(columns - 1, 0)),
                            QCPRange(0, std::max(rows - 1, 0)));
    const bool empty = rows == 0 || columns == 0;
    m_map->setVisible(!empty);
    m_scale->setVisible(!empty);
    m_emptyText->setVisible(empty);
    applyPalette();
    updateColourData();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SaliencyHeatmap::updateColourData()
{
    double lowest = std::numeric_limits<double>::infinity();
    double highest = -std::numeric_limits<double>::infinity();
    for (int row = 0; row < m_grid.rows(); ++row) {
        for (int column = 0; column < m_grid.columns(); ++column) {
            const double value = displayedValue(row, column);
            m_map->data()->setCell(column, row, value);
            if (std::isfinite(value)) {
                lowest = std::min(lowest, value);
                highest = std::max(highest, value);
            }
        }
    }
    if (!std::isfinite(lowest)) {
        lowest = m_logScale ? m_logFloor : 0.0;
        highest = m_logScale ? m_logFloor * 10.0 : 1.0;
    } else if (!(highest > lowest)) {
        const double spread = lowest != 0 ? std::abs(lowest) * 0.1 : 1.0;
        lowest = m_logScale ? lowest / 10.0 : lowest - spread;
        highest = m_logScale ? highest * 10.0 : highest + spread;
    }

    QCPAxis *axis = m_scale->axis();
    if (m_logScale) {
        m_map->setDataScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        axis->setNumberFormat(QStringLiteral("eb"));
        axis->setNumberPrecision(0);
    } else {
        m_map->setDataScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        axis->setNumberFormat(QStringLiteral("g"));
        axis->setNumberPrecision(3);
    }
    m_map->setDataRange(QCPRange(lowest, highest));
}

void SaliencyHeatmap::applyPalette()
{
    const QPalette colours = palette();
    const QColor text = colours.color(QPalette::WindowText);
    m_plot->setBackground(colours.brush(QPalette::Window));
    // Hatching shows through the transparent (NaN) cells without an entry.
    m_plot->axisRect()->setBackground(m_grid.rows() > 0 && m_grid.columns() > 0
                                          ? QBrush(colours.color(QPalette::Mid), Qt::BDiagPattern)
                                          : QBrush(Qt::NoBrush));
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis, m_scale->axis()}) {
        axis->setBasePen(QPen(text, 1));
        axis->setTickPen(QPen(text, 1));
        axis->setSubTickPen(QPen(text, 1));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
    }
    m_emptyText->setColor(text);
}

} // namespace dpsapf::ui
