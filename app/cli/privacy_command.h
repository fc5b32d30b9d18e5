// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf privacy epsilon` and `dpsapf privacy noise`: the accountants and noise calibration on the
// command line (JSON keys are a stable interface for scripts).
#pragma once

#include "cli_command.h"

namespace dpsapf::app {

void addPrivacyCommands(CLI::App &cli, CommandTable &commands);

} // namespace dpsapf::app
