// SPDX-License-Identifier: GPL-3.0-or-later
// Named spdlog loggers of the core. The core only logs; the application decides where records go
// by installing sinks once at start-up.
#pragma once

#include <spdlog/common.h>
#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dpsapf::core {

enum class LogChannel {
    Probe,
    Train,
    Privacy,
    Io,
    Data,
    Sample,
    Eval,
    App,
};

// Every channel, in declaration order.
[[nodiscard]] const std::vector<LogChannel> &allLogChannels();

// The logger name of a channel ("probe", "train", "privacy", "io", "data", "sample", "eval",
// "app").
[[nodiscard]] std::string_view logChannelName(LogChannel channel);

// The logger of a channel. Loggers exist from the first call on; until sinks are installed they
// write to stderr.
[[nodiscard]] std::shared_ptr<spdlog::logger> logger(LogChannel channel);

// Replaces the sinks of every channel's logger and sets their level. Call once from main().
void installLogSinks(const std::vector<spdlog::sink_ptr> &sinks,
                     spdlog::level::level_enum level = spdlog::level::info);

// While alive, every channel also writes to the file `path` (appending), e.g. a run's
// logs/run.log. Failing to open it is logged, not fatal.
class ScopedRunLog
{
public:
    explicit ScopedRunLog(const std::string &path);
    ~ScopedRunLog();
    ScopedRunLog(const ScopedRunLog &) = delete;
    ScopedRunLog &operator=(const ScopedRunLog &) = delete;

private:
    spdlog::sink_ptr m_sink;
};

} // namespace dpsapf::core
