// SPDX-License-Identifier: GPL-3.0-or-later
// One log record as shown in the GUI's log panel (a value type that crosses threads).
#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace dpsapf::ui {

enum class LogLevel {
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Critical,
};

struct LogEntry {
    QDateTime time;
    QString channel; // logger name: "train", "privacy", "data", "io", ...
    LogLevel level = LogLevel::Info;
    QString message;
};

} // namespace dpsapf::ui

Q_DECLARE_METATYPE(dpsapf::ui::LogEntry)
