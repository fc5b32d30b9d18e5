// SPDX-License-Identifier: GPL-3.0-or-later
// The `dpsapf` command line: global options, subcommands and exit codes.
#pragma once

namespace dpsapf::app {

// Exit codes of the CLI (documented in the man page).
enum CliExitCode : int {
    kExitOk = 0,
    kExitFailure = 1, // the command ran and failed (I/O, bad data, ...)
    kExitUsage = 2,   // bad command line: unknown flag, invalid value
};

int runCli(int argc, char **argv);

} // namespace dpsapf::app
