// SPDX-License-Identifier: GPL-3.0-or-later
// Command line of `dpsapf-studio`, parsed before any QApplication exists (so --help, --version and
// usage errors work without a display). Help texts stay English, like the CLI's.
#pragma once

#include <QString>
#include <QStringList>

namespace dpsapf::app {

struct GuiCommandLine {
    enum class Action { Run, ShowHelp, ShowVersion, UsageError };

    Action action = Action::Run;
    QString screenshotPath; // --screenshot PATH: render the main window to PNG and exit
    QString panel;          // --panel NAME: the page shown first (and rendered)
    QString runFolder;      // --run DIR: the run opened at start
    int computeThreads = 0; // --threads N (0: all hardware threads)
    QString helpText;
    QString errorText; // set for UsageError
};

// The pages of the main window, as --panel names them.
extern const QStringList kPanelNames;

[[nodiscard]] GuiCommandLine parseGuiCommandLine(const QStringList &arguments);

} // namespace dpsapf::app
