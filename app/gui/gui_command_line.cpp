// SPDX-License-Identifier: GPL-3.0-or-later
// Command line of `dpsapf-studio`.
#include "gui_command_line.h"

#include <QCommandLineParser>

namespace dpsapf::app {

const QStringList kPanelNames = {QStringLiteral("data"),    QStringLiteral("model"),
                                 QStringLiteral("privacy"), QStringLiteral("saliency"),
                                 QStringLiteral("train"),   QStringLiteral("gallery"),
                                 QStringLiteral("compare"), QStringLiteral("export")};

GuiCommandLine parseGuiCommandLine(const QStringList &arguments)
{
    GuiCommandLine result;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("DP-SAPF Studio: differentially private synthetic "
                       "image datasets from a public diffusion model."));
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")},
                                        QStringLiteral("Show this help and exit."));
    const QCommandLineOption versionOption({QStringLiteral("V"), QStringLiteral("version")},
                                           QStringLiteral("Show version information and exit."));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the main window off screen to a PNG file and exit."),
        QStringLiteral("path"));
    const QCommandLineOption threadsOption(
        QStringLiteral("threads"),
        QStringLiteral("Compute threads (default: all hardware threads)."), QStringLiteral("n"));
    const QCommandLineOption panelOption(
        QStringLiteral("panel"),
        QStringLiteral("With --screenshot: the page to render (data, model, privacy, saliency, "
                       "train, gallery, compare, export)."),
        QStringLiteral("name"));
    const QCommandLineOption runOption(QStringLiteral("run"),
                                       QStringLiteral("Open this run folder at start."),
                                       QStringLiteral("dir"));
    parser.addOptions(
        {helpOption, versionOption, screenshotOption, panelOption, runOption, threadsOption});
    result.helpText = parser.helpText();

    if (!parser.parse(arguments)) {
        result.action = GuiCommandLine::Action::UsageError;
        result.errorText = parser.errorText();
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.action = GuiCommandLine::Action::UsageError;
        result.errorText = QStringLiteral("Unexpected argument: %1")
                               .arg(parser.positionalArguments().constFirst());
        return result;
    }
    if (parser.isSet(helpOption)) {
        result.action = GuiCommandLine::Action::ShowHelp;
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.action = GuiCommandLine::Action::ShowVersion;
        return result;
    }
    if (parser.isSet(threadsOption)) {
        bool ok = false;
        result.computeThreads = parser.value(threadsOption).toInt(&ok);
        if (!ok || result.computeThreads < 0 || result.computeThreads > 1024) {
            result.action = GuiCommandLine::Action::UsageError;
            result.errorText = QStringLiteral("--threads: expected an integer "
                                              "from 0 to 1024, got '%1'")
                                   .arg(parser.value(threadsOption));
            return result;
        }
    }
    result.panel = parser.value(panelOption);
    if (parser.isSet(panelOption) && !kPanelNames.contains(result.panel)) {
        result.action = GuiCommandLine::Action::UsageError;
        result.errorText = QStringLiteral("--panel: expected one of %1, got '%2'")
                               .arg(kPanelNames.join(QStringLiteral(", ")), result.panel);
        return result;
    }
    result.runFolder = parser.value(runOption);
    result.screenshotPath = parser.value(screenshotOption);
    if (parser.isSet(screenshotOption) && result.screenshotPath.isEmpty()) {
        result.action = GuiCommandLine::Action::UsageError;
        result.errorText = QStringLiteral("--screenshot: the path is empty");
    }
    return result;
}

} // namespace dpsapf::app
