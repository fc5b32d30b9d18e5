// SPDX-License-Identifier: GPL-3.0-or-later
// Bounded ring buffer of log records for the log panel.
#include "models/log_model.h"

#include <QBrush>
#include <QColor>

namespace dpsapf::ui {

LogModel::LogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(std::max(1, capacity))
{}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString LogModel::levelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Trace: return tr("trace");
    case LogLevel::Debug: return tr("debug");
    case LogLevel::Info: return tr("info");
    case LogLevel::Warning: return tr("warning");
    case LogLevel::Error: return tr("error");
    case LogLevel::Critical: return tr("critical");
    }
    return {};
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const LogEntry &record = m_entries[static_cast<std::size_t>(index.row())];
    if (role == kLevelRole) {
        return static_cast<int>(record.level);
    }
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case TimeColumn: return record.time.toString(QStringLiteral("HH:mm:ss"));
        case LevelColumn: return levelName(record.level);
        case ChannelColumn: return record.channel;
        case MessageColumn: return record.message;
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && record.level >= LogLevel::Warning) {
        return QBrush(record.level == LogLevel::Warning ? QColor(0xc0, 0x7a, 0x00)
                                                        : QColor(0xd0, 0x30, 0x30));
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case TimeColumn: return tr("Time");
    case LevelColumn: return tr("Level");
    case ChannelColumn: return tr("Source");
    case MessageColumn: return tr("Message");
    default: return {};
    }
}

const LogEntry &LogModel::entry(int row) const
{
    return m_entries.at(static_cast<std::size_t>(row));
}

QString LogModel::toPlainText() const
{
    QString text;
    for (const LogEntry &record : m_entries) {
        text += record.time.toString(Qt::ISODateWithMs) + QLatin1Char(' ') +
                levelName(record.level) + QLatin1String(" [") + record.channel +
                QLatin1String("] ") + record.message + QLatin1Char('\n');
    }
    return text;
}

void LogModel::append(const LogEntry &entry)
{
    if (static_cast<int>(m_entries.size()) >= m_capacity) {
        beginRemoveRows(QModelIndex(), 0, 0);
        m_entries.pop_front();
        endRemoveRows();
    }
    const int row = static_cast<int>(m_entries.size());
    beginInsertRows(QModelIndex(), row, row);
    m_entries.push_back(entry);
    endInsertRows();
}

void LogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

} // namespace dpsapf::ui
