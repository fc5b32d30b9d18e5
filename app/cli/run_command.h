// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf run`, the stage commands (`probe`, `select`, `train`, `generate`, `export`) and
// `dpsapf compare`.
#pragma once

#include "cli_command.h"

namespace dpsapf::app {

void addRunCommands(CLI::App &cli, CommandTable &commands);

} // namespace dpsapf::app
