// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf bench dp-step|privacy|unet`: benchmarks with same-run baselines (results go into
// BENCHMARKS.md; unit tests never time anything).
#pragma once

#include "cli_command.h"

namespace dpsapf::app {

void addBenchCommands(CLI::App &cli, CommandTable &commands);

} // namespace dpsapf::app
