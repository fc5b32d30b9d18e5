// SPDX-License-Identifier: GPL-3.0-or-later
// Start-up of the desktop application: command line, translations, log sinks, main window.
#include "gui_app.h"

#include "common/log_sinks.h"
#include "dpsapf/core/logging.h"
#include "dpsapf/core/runtime_info.h"
#include "dpsapf/core/version.h"
#include "gui_command_line.h"
#include "log_bridge.h"
#include "main_window.h"
#include "models/log_model.h"
#include "settings.h"
#include "studio_controller.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>
#include <cstdlib>

namespace dpsapf::app {
namespace {

void forwardQtMessage(QtMsgType type, const QMessageLogContext & /*context*/,
                      const QString &message)
{
    const auto log = core::logger(core::LogChannel::App);
    const std::string text = "[qt] " + message.toStdString();
    // The offscreen platform (tests, --screenshot) warns about a missing window-manager feature.
    // QCustomPlot paints into an empty buffer while its page is hidden (zero size).
    const bool harmless = message.contains(QLatin1String("does not support propagateSizeHints")) ||
                          message.contains(QLatin1String("Paint device returned engine == 0"));
    switch (type) {
    case QtDebugMsg: log->debug(text); break;
    case QtInfoMsg: log->info(text); break;
    case QtWarningMsg: harmless ? log->debug(text) : log->warn(text); break;
    case QtCriticalMsg: log->error(text); break;
    case QtFatalMsg:
        log->critical(text);
        log->flush();
        std::abort();
    }
}

QString versionLine(const core::RuntimeInfo &runtime)
{
    return QStringLiteral("dpsapf-studio %1 (Qt %2, LibTorch %3, %4)")
        .arg(QLatin1String(core::kVersion), QLatin1String(qVersion()),
             QString::fromStdString(runtime.libTorchVersion),
             QString::fromStdString(runtime.defaultDevice()));
}

void installTranslator(QApplication &application, QTranslator &translator)
{
    const QString configured = settings::kLanguage.value();
    const QLocale locale = configured.isEmpty() ? QLocale() : QLocale(configured);
    if (translator.load(locale, QStringLiteral("dpsapf"), QStringLiteral("_"),
                        QStringLiteral(":/i18n"))) {
        application.installTranslator(&translator);
    }
}

int saveScreenshot(ui::MainWindow &window, const QString &path)
{
    window.show();
    for (int i = 0; i < 5; ++i) { // layouts and queued replots settle in a few passes
        QApplication::processEvents();
    }
    const QImage image = window.grab().toImage();
    if (image.isNull() || !image.save(path, "PNG")) {
        std::fprintf(stderr, "dpsapf-studio: cannot write screenshot to %s\n", qPrintable(path));
        return 1;
    }
    core::logger(core::LogChannel::App)->info("screenshot written to {}", path.toStdString());
    return 0;
}

} // namespace

int runGui(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i) {
        arguments << QString::fromLocal8Bit(argv[i]);
    }
    const GuiCommandLine commandLine = parseGuiCommandLine(arguments);
    switch (commandLine.action) {
    case GuiCommandLine::Action::UsageError:
        std::fprintf(stderr, "dpsapf-studio: %s\n\n%s", qPrintable(commandLine.errorText),
                     qPrintable(commandLine.helpText));
        return 2;
    case GuiCommandLine::Action::ShowHelp:
        std::fputs(qPrintable(commandLine.helpText), stdout);
        return 0;
    case GuiCommandLine::Action::ShowVersion:
        std::printf("%s\n", qPrintable(versionLine(core::queryRuntimeInfo())));
        return 0;
    case GuiCommandLine::Action::Run: break;
    }

    const bool screenshotMode = !commandLine.screenshotPath.isEmpty();
    // LibTorch's OpenMP threads must sleep while idle: spinning threads would starve the GUI
    // thread and the training worker (set before the first parallel region starts OpenMP).
    if (qEnvironmentVariableIsEmpty("OMP_WAIT_POLICY")) {
        qputenv("OMP_WAIT_POLICY", "PASSIVE");
    }
    if (screenshotMode && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }

    QApplication::setOrganizationName(QStringLiteral("dpsapf"));
    QApplication::setApplicationName(QStringLiteral("dpsapf-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("DP-SAPF Studio"));
    QApplication::setApplicationVersion(QLatin1String(core::kVersion));
    QApplication application(argc, argv);
    QTranslator translator;
    installTranslator(application, translator);

    // Log sinks: stderr, a rotating file in the user's data directory, and the GUI's log panel.
    LogSinkOptions sinkOptions;
    sinkOptions.logDirectory = userDataDirectory() / "logs";
    sinkOptions.stderrLevel = spdlog::level::warn;
    LogSinks sinks = makeLogSinks(sinkOptions);
    auto bridgeSink = std::make_shared<LogBridgeSink>();
    std::vector<spdlog::sink_ptr> allSinks = sinks.sinks;
    allSinks.push_back(bridgeSink);
    core::installLogSinks(allSinks, spdlog::level::debug);
    qInstallMessageHandler(forwardQtMessage);

    ui::LogModel logModel;
    QObject::connect(bridgeSink->bridge(), &LogBridge::recordLogged, &logModel,
                     &ui::LogModel::append);

    const int threads = core::configureComputeThreads(commandLine.computeThreads);
    const core::RuntimeInfo runtime = core::queryRuntimeInfo();
    ui::EngineInfo engine;
    engine.applicationVersion = QLatin1String(core::kVersion);
    engine.libTorchVersion = QString::fromStdString(runtime.libTorchVersion);
    engine.device = QString::fromStdString(runtime.defaultDevice());
    engine.computeThreads = threads;
    engine.logFile = QString::fromStdString(sinks.logFile.string());

    const auto log = core::logger(core::LogChannel::App);
    log->info("DP-SAPF Studio {} started (Qt {}, LibTorch {})", core::kVersion, qVersion(),
              runtime.libTorchVersion);
    log->info("compute device: {}, {} thread(s), oneDNN {}", runtime.defaultDevice(), threads,
              runtime.mkldnnAvailable ? "available" : "unavailable");
    if (!sinks.fileError.empty()) {
        log->warn("log file unavailable: {}", sinks.fileError);
    } else {
        log->info("log file: {}", sinks.logFile.string());
    }

    int exitCode = 0;
    {
        ui::MainWindow window(&logModel, engine);
        StudioController studio(&window);
        window.setConfiguredLanguage(settings::kLanguage.value());
        QObject::connect(
            &window, &ui::MainWindow::languageChangeRequested, &window,
            [](const QString &localeName) { settings::kLanguage.setValue(localeName); });
        if (!commandLine.panel.isEmpty()) {
            window.showPanel(commandLine.panel);
        }
        QString runError;
        if (screenshotMode) {
            exitCode = studio.loadSynchronously(commandLine.runFolder, &runError)
                           ? saveScreenshot(window, commandLine.screenshotPath)
                           : 1;
        } else if (!commandLine.runFolder.isEmpty() &&
                   !studio.openRun(commandLine.runFolder, &runError)) {
            exitCode = 1;
        } else {
            window.restoreGeometry(settings::kWindowGeometry.value());
            window.restoreState(settings::kWindowState.value());
            studio.start();
            window.show();
            exitCode = QApplication::exec();
            settings::kWindowGeometry.setValue(window.saveGeometry());
            settings::kWindowState.setValue(window.saveState());
        }
        if (!runError.isEmpty()) {
            std::fprintf(stderr, "dpsapf-studio: --run: %s\n", qPrintable(runError));
        }
    }

    // Detach the GUI sink before the objects it feeds go away.
    qInstallMessageHandler(nullptr);
    core::installLogSinks(sinks.sinks, spdlog::level::debug);
    return exitCode;
}

} // namespace dpsapf::app
