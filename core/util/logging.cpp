// SPDX-License-Identifier: GPL-3.0-or-later
// Named spdlog loggers of the core, created on first use and re-pointed by installLogSinks().
#include "dpsapf/core/logging.h"

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

std::vector<spdlog::sink_ptr> &installedSinks()
{
    static std::vector<spdlog::sink_ptr> sinks{
        std::make_shared<spdlog::sinks::stderr_color_sink_mt>()};
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
        installedLevel() = level;
    }
    for (const LogChannel channel : allLogChannels()) {
        auto channelLogger = logger(channel);
        channelLogger->sinks() = sinks;
        channelLogger->set_level(level);
    }
}

} // namespace dpsapf::core
