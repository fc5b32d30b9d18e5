// SPDX-License-Identifier: GPL-3.0-or-later
// Heat map of the probe's noisy saliency scores over the UNet's attention matrices (QCPColorMap),
// with the selected matrices outlined and a tooltip per cell.
#pragma once

#include "models/saliency_grid.h"

#include <QPoint>
#include <QVector>
#include <QWidget>

class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
class QCPItemText;
class QCustomPlot;

namespace dpsapf::ui {

class SaliencyHeatmap final : public QWidget
{
    Q_OBJECT

public:
    explicit SaliencyHeatmap(QWidget *parent = nullptr);
    ~SaliencyHeatmap() override;

    void setGrid(const SaliencyGrid &grid);
    [[nodiscard]] const SaliencyGrid &grid() const { return m_grid; }
    [[nodiscard]] bool logScale() const { return m_logScale; }

    // Key, shape, noisy score, rank and selection of a cell; empty outside the grid.
    [[nodiscard]] QString cellToolTip(int row, int column) const;
    // The value the colour map shows: the score, clamped to logFloor() on the log scale for
    // scores <= 0; NaN for cells without an entry.
    [[nodiscard]] double displayedValue(int row, int column) const;
    // (smallest positive score) / 10: where scores <= 0 are drawn on the log scale.
    [[nodiscard]] double logFloor() const { return m_logFloor; }
    // The cell under a position in this widget's coordinates as (column, row); (-1, -1) outside.
    [[nodiscard]] QPoint cellAt(const QPoint &position) const;

    [[nodiscard]] QSize sizeHint() const override;

public Q_SLOTS:
    void setLogScale(bool on);

Q_SIGNALS:
    // The cell under the mouse; (-1, -1) when the mouse leaves the grid.
    void cellHovered(int row, int column);

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rebuild();
    void updateColourData();
    void applyPalette();
    void hover(const QPoint &plotPosition, const QPoint &globalPosition);

    SaliencyGrid m_grid;
    bool m_logScale = false;
    double m_logFloor = 1.0;
    QPoint m_hovered{-1, -1}; // (column, row)

    QCustomPlot *m_plot;
    QCPColorMap *m_map;
    QCPColorScale *m_scale;
    QCPItemText *m_emptyText;
    QVector<QCPItemRect *> m_outlines;
};

} // namespace dpsapf::ui
