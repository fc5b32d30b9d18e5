// SPDX-License-Identifier: GPL-3.0-or-later
// Named spdlog loggers of the core, created on first use and re-pointed by installLogSinks().
#include "dpsapf/core/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <string>

namespace dpsapf::core {
namespace {

std::mutex &loggerMutex()
{
    static std::mutex mutex;
    return mutex;
}

// Per-run log files come and go through this thread-safe fan-out, which every logger keeps.
const std::shared_ptr<spdlog::sinks::dist_sink_mt> &runLogSinks()
{
    static const auto sinks = std::make_shared<spdlog::sinks::dist_sink_mt>();
    return sinks;
}

std::vector<spdlog::sink_ptr> &installedSinks()
{
    static std::vector<spdlog::sink_ptr> sinks{
        std::make_shared<spdlog::sinks::stderr_color_sink_mt>(), runLogSinks()};
    return sinks;
}

spdlog::level::level_enum &installedLevel()
{
    static spdlog::level::level_enum level = spdlog::level::info;
    return level;
}

} // namespace

const std::vector<LogChannel> &allLogChannels()
{
    static const std::vector<LogChannel> channels{
        LogChannel::Probe, LogChannel::Train,  LogChannel::Privacy, LogChannel::Io,
        LogChannel::Data,  LogChannel::Sample, LogChannel::Eval,    LogChannel::App};
    return channels;
}

std::string_view logChannelName(LogChannel channel)
{
    switch (channel) {
    case LogChannel::Probe: return "probe";
    case LogChannel::Train: return "train";
    case LogChannel::Privacy: return "privacy";
    case LogChannel::Io: return "io";
    case LogChannel::Data: return "data";
    case LogChannel::Sample: return "sample";
    case LogChannel::Eval: return "eval";
    case LogChannel::App: return "app";
    }
    return "app";
}

std::shared_ptr<spdlog::logger> logger(LogChannel channel)
{
    const std::string name(logChannelName(channel));
    std::lock_guard<std::mutex> lock(loggerMutex());
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    const auto &sinks = installedSinks();
    auto created = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
    created->set_level(installedLevel());
    created->flush_on(spdlog::level::warn);
    spdlog::register_logger(created);
    return created;
}

void installLogSinks(const std::vector<spdlog::sink_ptr> &sinks, spdlog::level::level_enum level)
{
    {
        std::lock_guard<std::mutex> lock(loggerMutex());
        installedSinks() = sinks;
        installedSinks().push_back(runLogSinks());
        installedLevel() = level;
    }
    for (const LogChannel channel : allLogChannels()) {
        auto channelLogger = logger(channel);
        channelLogger->sinks() = installedSinks();
        channelLogger->set_level(level);
    }
}

ScopedRunLog::ScopedRunLog(const std::string &path)
{
    try {
        m_sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false);
        m_sink->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v");
        runLogSinks()->add_sink(m_sink);
    } catch (const spdlog::spdlog_ex &error) {
        logger(LogChannel::Io)->warn("run log {} unavailable: {}", path, error.what());
        m_sink.reset();
    }
}

ScopedRunLog::~ScopedRunLog()
{
    if (m_sink) {
        m_sink->flush();
        runLogSinks()->remove_sink(m_sink);
    }
}

} // namespace dpsapf::core
