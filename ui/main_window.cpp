// SPDX-License-Identifier: GPL-3.0-or-later
// The main window of DP-SAPF Studio: menus, the log panel and window-level actions.
#include "main_window.h"

#include "widgets/log_panel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QIcon>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace dpsapf::ui {

MainWindow::MainWindow(LogModel *logModel, EngineInfo engine, QWidget *parent)
    : QMainWindow(parent)
    , m_engine(std::move(engine))
    , m_logPanel(new LogPanel(logModel, this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("DP-SAPF Studio"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/dpsapf-studio.png")));
    setCentralWidget(m_logPanel);
    createMenus();
    statusBar()->showMessage(
        tr("Compute device: %1, %n thread(s)", nullptr, m_engine.computeThreads)
            .arg(m_engine.device));
    resize(1100, 720);
}

QStringList MainWindow::availableLanguages()
{
    return {QString(), QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("zh_CN")};
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu *languageMenu = viewMenu->addMenu(tr("&Language"));
    m_languageGroup = new QActionGroup(this);
    for (const QString &localeName : availableLanguages()) {
        const QString label = localeName.isEmpty()
                                  ? tr("System default")
                                  : QLocale(localeName).nativeLanguageName() +
                                        QStringLiteral(" (") + localeName + QLatin1Char(')');
        QAction *action = languageMenu->addAction(label);
        action->setCheckable(true);
        action->setData(localeName);
        m_languageGroup->addAction(action);
    }
    connect(m_languageGroup, &QActionGroup::triggered, this, [this](QAction *action) {
        Q_EMIT languageChangeRequested(action->data().toString());
        QMessageBox::information(
            this, tr("Language"),
            tr("The new language is used the next time DP-SAPF Studio starts."));
    });

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About DP-SAPF Studio"), this, &MainWindow::showAbout);
    helpMenu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::setConfiguredLanguage(const QString &localeName)
{
    for (QAction *action : m_languageGroup->actions()) {
        action->setChecked(action->data().toString() == localeName);
    }
}

void MainWindow::showAbout()
{
    AboutDialog dialog(m_engine, this);
    dialog.exec();
}

} // namespace dpsapf::ui
