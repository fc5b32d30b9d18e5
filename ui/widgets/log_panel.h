// SPDX-License-Identifier: GPL-3.0-or-later
// The log panel: a table of recent log records with a minimum-level filter, copy and clear.
#pragma once

#include <QWidget>

class QComboBox;
class QSortFilterProxyModel;
class QTableView;

namespace dpsapf::ui {

class LogModel;
class LogLevelFilter;

class LogPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit LogPanel(LogModel *model, QWidget *parent = nullptr);

    // Rows that pass the level filter.
    [[nodiscard]] int visibleRowCount() const;
    void setMinimumLevelIndex(int index);

public Q_SLOTS:
    void copyToClipboard();

private:
    void scrollToNewest();

    LogModel *m_model;
    LogLevelFilter *m_filter;
    QTableView *m_view;
    QComboBox *m_levelBox;
    bool m_followNewest = true;
};

} // namespace dpsapf::ui
