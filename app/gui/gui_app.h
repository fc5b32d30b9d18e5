// SPDX-License-Identifier: GPL-3.0-or-later
// Start-up of the desktop application: command line, translations, log sinks, main window.
#pragma once

namespace dpsapf::app {

// Runs `dpsapf-studio`; returns the process exit code (2 for a bad command line).
int runGui(int argc, char **argv);

} // namespace dpsapf::app
