// SPDX-License-Identifier: GPL-3.0-or-later
// Entry point of `dpsapf`, the command-line tool: parses arguments, installs log sinks, dispatches.
#include "cli/cli_app.h"

int main(int argc, char **argv)
{
    return dpsapf::app::runCli(argc, argv);
}
