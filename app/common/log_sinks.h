// SPDX-License-Identifier: GPL-3.0-or-later
// Builds the process-wide log sinks (rotating file in the user's data directory, stderr) shared by
// the CLI and the GUI. Qt-free, so the CLI links without Qt.
#pragma once

#include <spdlog/common.h>

#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::app {

// $XDG_DATA_HOME/dpsapf-studio, else $HOME/.local/share/dpsapf-studio (what Qt's
// QStandardPaths::AppLocalDataLocation gives for the application name "dpsapf-studio").
[[nodiscard]] std::filesystem::path userDataDirectory();

struct LogSinkOptions {
    std::filesystem::path logDirectory; // empty: no log file
    bool toStderr = true;
    spdlog::level::level_enum stderrLevel = spdlog::level::info;
};

struct LogSinks {
    std::vector<spdlog::sink_ptr> sinks;
    std::filesystem::path logFile; // empty when the file could not be opened
    std::string fileError;         // why the file could not be opened
};

// Creates the sinks; a log file that cannot be created is reported in fileError, never thrown.
[[nodiscard]] LogSinks makeLogSinks(const LogSinkOptions &options);

} // namespace dpsapf::app
