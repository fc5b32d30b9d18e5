// SPDX-License-Identifier: GPL-3.0-or-later
// Forwards spdlog records into the GUI's log model through a queued Qt signal. spdlog 1.10 has no
// callback sink, so this is a small base_sink subclass owning a QObject that emits the records.
#pragma once

#include "models/log_entry.h"

#include <spdlog/sinks/base_sink.h>

#include <QObject>

#include <memory>
#include <mutex>

namespace dpsapf::app {

class LogBridge final : public QObject
{
    Q_OBJECT

Q_SIGNALS:
    void recordLogged(const dpsapf::ui::LogEntry &entry);

    friend class LogBridgeSink;
};

// An spdlog sink that re-emits every record as LogBridge::recordLogged. Safe to call from any
// thread; connect receivers with the default (auto) connection so records are queued into their
// thread.
class LogBridgeSink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    LogBridgeSink();
    [[nodiscard]] LogBridge *bridge() const { return m_bridge.get(); }

protected:
    void sink_it_(const spdlog::details::log_msg &message) override;
    void flush_() override {}

private:
    std::unique_ptr<LogBridge> m_bridge;
};

} // namespace dpsapf::app
