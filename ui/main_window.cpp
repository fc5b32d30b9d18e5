// SPDX-License-Identifier: GPL-3.0-or-later
// The main window of DP-SAPF Studio: menus, the log panel and window-level actions.
#include "main_window.h"

#include "widgets/log_panel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

namespace dpsapf::ui {

MainWindow::MainWindow(LogModel *logModel, EngineInfo engine, QWidget *parent)
    : QMainWindow(parent)
    , m_engine(std::move(engine))
    , m_logPanel(new LogPanel(logModel, this))
    , m_navigation(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_logDock(new QDockWidget(tr("Log"), this))
    , m_runLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("DP-SAPF Studio"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/dpsapf-studio.png")));
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setAccessibleName(tr("Workflow steps"));
    m_navigation->setMaximumWidth(170);
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->addWidget(m_navigation);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);
    m_logDock->setObjectName(QStringLiteral("logDock"));
    m_logDock->setWidget(m_logPanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_stack->count()) {
            m_stack->setCurrentIndex(row);
            Q_EMIT currentPanelChanged(m_panelIds.at(row));
        }
    });
    createMenus();
    statusBar()->addPermanentWidget(m_runLabel);
    statusBar()->showMessage(
        tr("Compute device: %1, %n thread(s)", nullptr, m_engine.computeThreads)
            .arg(m_engine.device));
    resize(1100, 720);
}

void MainWindow::addPanel(const QString &id, const QString &title, QWidget *panel)
{
    m_panelIds << id;
    m_stack->addWidget(panel);
    m_navigation->addItem(title);
    if (m_navigation->currentRow() < 0) {
        m_navigation->setCurrentRow(0);
    }
}

void MainWindow::showPanel(const QString &id)
{
    const auto row = m_panelIds.indexOf(id);
    if (row >= 0) {
        m_navigation->setCurrentRow(static_cast<int>(row));
    }
}

QString MainWindow::currentPanelId() const
{
    const int row = m_navigation->currentRow();
    return row >= 0 ? m_panelIds.at(row) : QString();
}

void MainWindow::setRecentRuns(const QStringList &folders)
{
    m_recentMenu->clear();
    for (const QString &folder : folders) {
        m_recentMenu->addAction(QDir::toNativeSeparators(folder), this,
                                [this, folder] { Q_EMIT openRunRequested(folder); });
    }
    m_recentMenu->setEnabled(!folders.isEmpty());
}

void MainWindow::setCurrentRunText(const QString &text)
{
    m_runLabel->setText(text);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_closeGuard && !m_closeGuard()) {
        event->ignore();
        return;
    }
    event->accept();
}

QStringList MainWindow::availableLanguages()
{
    return {QString(), QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("zh_CN")};
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *newAction = fileMenu->addAction(tr("&New run…"), this, &MainWindow::newRunRequested);
    newAction->setShortcut(QKeySequence::New);
    QAction *openAction = fileMenu->addAction(tr("&Open run…"), this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a run folder"));
        if (!folder.isEmpty()) {
            Q_EMIT openRunRequested(folder);
        }
    });
    openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = fileMenu->addMenu(tr("Open &recent"));
    m_recentMenu->setEnabled(false);
    fileMenu->addSeparator();
    QAction *quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addAction(m_logDock->toggleViewAction());
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
