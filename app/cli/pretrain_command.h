// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf pretrain`: reproduces the bundled public model (sapf-tiny) from scratch on public data,
// resumable; Ctrl-C checkpoints and stops, a second Ctrl-C stops at once.
#pragma once

#include "cli_command.h"

namespace dpsapf::app {

void addPretrainCommands(CLI::App &cli, CommandTable &commands);

} // namespace dpsapf::app
