// SPDX-License-Identifier: GPL-3.0-or-later
// Rotating file + stderr sinks for the CLI and the GUI.
#include "log_sinks.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <system_error>

namespace dpsapf::app {
namespace {
constexpr std::size_t kLogFileBytes = 5U * 1024U * 1024U;
constexpr std::size_t kLogFileCount = 3;
} // namespace

std::filesystem::path userDataDirectory()
{
    const char *xdgDataHome = std::getenv("XDG_DATA_HOME");
    if (xdgDataHome != nullptr && *xdgDataHome == '/') {
        return std::filesystem::path(xdgDataHome) / "dpsapf-studio";
    }
    const char *home = std::getenv("HOME");
    const std::filesystem::path base = (home != nullptr && *home != '\0') ? home : ".";
    return base / ".local" / "share" / "dpsapf-studio";
}

LogSinks makeLogSinks(const LogSinkOptions &options)
{
    LogSinks result;
    if (options.toStderr) {
        auto stderrSink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        stderrSink->set_level(options.stderrLevel);
        stderrSink->set_pattern("[%H:%M:%S] [%n] %^%l%$: %v");
        result.sinks.push_back(std::move(stderrSink));
    }
    if (!options.logDirectory.empty()) {
        std::error_code error;
        std::filesystem::create_directories(options.logDirectory, error);
        const auto file = options.logDirectory / "dpsapf.log";
        try {
            auto fileSink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                file.string(), kLogFileBytes, kLogFileCount);
            fileSink->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v");
            result.sinks.push_back(std::move(fileSink));
            result.logFile = file;
        } catch (const std::exception &openError) {
            result.fileError = file.string() + ": " + openError.what();
        }
    }
    return result;
}

} // namespace dpsapf::app
