// SPDX-License-Identifier: GPL-3.0-or-later
// spdlog sink that forwards records into the GUI through a queued Qt signal.
#include "log_bridge.h"

#include <chrono>

namespace dpsapf::app {
namespace {

ui::LogLevel toUiLevel(spdlog::level::level_enum level)
{
    switch (level) {
    case spdlog::level::trace: return ui::LogLevel::Trace;
    case spdlog::level::debug: return ui::LogLevel::Debug;
    case spdlog::level::info: return ui::LogLevel::Info;
    case spdlog::level::warn: return ui::LogLevel::Warning;
    case spdlog::level::err: return ui::LogLevel::Error;
    case spdlog::level::critical: return ui::LogLevel::Critical;
    default: return ui::LogLevel::Info;
    }
}

} // namespace

LogBridgeSink::LogBridgeSink()
    : m_bridge(std::make_unique<LogBridge>())
{
    qRegisterMetaType<ui::LogEntry>();
}

void LogBridgeSink::sink_it_(const spdlog::details::log_msg &message)
{
    ui::LogEntry entry;
    const auto sinceEpoch =
        std::chrono::duration_cast<std::chrono::milliseconds>(message.time.time_since_epoch());
    entry.time = QDateTime::fromMSecsSinceEpoch(sinceEpoch.count());
    entry.channel = QString::fromUtf8(message.logger_name.data(),
                                      static_cast<qsizetype>(message.logger_name.size()));
    entry.level = toUiLevel(message.level);
    entry.message =
        QString::fromUtf8(message.payload.data(), static_cast<qsizetype>(message.payload.size()));
    Q_EMIT m_bridge->recordLogged(entry);
}

} // namespace dpsapf::app
