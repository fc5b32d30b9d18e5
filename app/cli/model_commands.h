// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf generate` (a run's generate stage, or text-to-image with --public-model) and
// `dpsapf model inspect`.
#pragma once

#include "cli_command.h"

#include <functional>
#include <string>

namespace dpsapf::app {

// Runs the generate stage of a run folder: (run_dir, json, quiet) -> exit code.
using RunStageAction = std::function<int(const std::string &, bool, bool)>;

void addGenerateCommand(CLI::App &cli, CommandTable &commands, RunStageAction stageAction);
void addModelCommands(CLI::App &cli, CommandTable &commands);

} // namespace dpsapf::app
