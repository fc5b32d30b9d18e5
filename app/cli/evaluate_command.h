// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf evaluate RUN_DIR` and `dpsapf evaluate --images PATH --reference DATASET`: FID (bundled
// or TorchScript backbone), precision/recall and downstream accuracy; `dpsapf train-backbone`
// rebuilds the bundled FID backbone from public data.
#pragma once

#include "cli_command.h"

namespace dpsapf::app {

void addEvaluateCommands(CLI::App &cli, CommandTable &commands);

} // namespace dpsapf::app
