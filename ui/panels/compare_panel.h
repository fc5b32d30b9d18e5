// SPDX-License-Identifier: GPL-3.0-or-later
// Two or more runs side by side (e.g. DP-LoRA vs DP-SAPF at the same epsilon): overlaid curves,
// their latest sample grids, and a table of final metrics, parameters and epsilon.
#pragma once

#include <QImage>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QHBoxLayout;
class QLabel;
class QPushButton;
class QTableWidget;

namespace dpsapf::ui {

class MetricCurves;

struct CompareColumn {
    QString folder;
    QString title;      // run name and variant
    QStringList values; // one per CompareTable row, already formatted
    QImage samples;     // the latest sample grid (may be null)
};

class ComparePanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ComparePanel(QWidget *parent = nullptr);

    // Row names of the table, in the order of CompareColumn::values.
    void setRowNames(const QStringList &names);
    void setColumns(const QVector<CompareColumn> &columns);
    [[nodiscard]] MetricCurves *curves() const { return m_curves; }
    [[nodiscard]] QTableWidget *table() const { return m_table; }
    // Whether the paired DP-LoRA run can start (the current run is DP-SAPF and idle).
    void setPairedRunAvailable(bool available, const QString &reason);
    // Whether the open run can be evaluated (its images are generated and no job runs).
    void setEvaluationAvailable(bool available);

Q_SIGNALS:
    void addRunRequested();
    void removeRunRequested(const QString &folder);
    void pairedRunRequested();
    void evaluationRequested();

private:
    QStringList m_rowNames;
    QVector<CompareColumn> m_columns;
    QTableWidget *m_table;
    MetricCurves *m_curves;
    QHBoxLayout *m_galleries;
    QWidget *m_galleryHost;
    QPushButton *m_add;
    QPushButton *m_remove;
    QPushButton *m_paired;
    QPushButton *m_evaluate;
    QLabel *m_pairedReason;
};

} // namespace dpsapf::ui
