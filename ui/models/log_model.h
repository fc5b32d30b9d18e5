// SPDX-License-Identifier: GPL-3.0-or-later
// Bounded ring buffer of log records for the log panel: the oldest records drop out first.
#pragma once

#include "models/log_entry.h"

#include <QAbstractTableModel>

#include <deque>

namespace dpsapf::ui {

class LogModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, LevelColumn, ChannelColumn, MessageColumn, ColumnCount };
    static constexpr int kDefaultCapacity = 5000;
    static constexpr int kLevelRole = Qt::UserRole + 1;

    explicit LogModel(int capacity = kDefaultCapacity, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    [[nodiscard]] int capacity() const { return m_capacity; }
    [[nodiscard]] const LogEntry &entry(int row) const;
    // All rows as plain text, one record per line (for copying into a bug report).
    [[nodiscard]] QString toPlainText() const;

    static QString levelName(LogLevel level);

public Q_SLOTS:
    void append(const dpsapf::ui::LogEntry &entry);
    void clear();

private:
    int m_capacity;
    std::deque<LogEntry> m_entries;
};

} // namespace dpsapf::ui
