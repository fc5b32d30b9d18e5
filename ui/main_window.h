// SPDX-License-Identifier: GPL-3.0-or-later
// The main window of DP-SAPF Studio: a navigation list over the workflow's panels (added by the
// app), the log as a dock, menus with new/open/recent runs, and a close guard for running jobs.
#pragma once

#include "dialogs/about_dialog.h"

#include <QMainWindow>
#include <QStringList>

#include <functional>

class QActionGroup;
class QDockWidget;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace dpsapf::ui {

class LogModel;
class LogPanel;

class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(LogModel *logModel, EngineInfo engine, QWidget *parent = nullptr);

    // Locale names offered in View > Language ("" = follow the system).
    [[nodiscard]] static QStringList availableLanguages();
    // Marks the language currently configured (does not translate anything by itself).
    void setConfiguredLanguage(const QString &localeName);
    [[nodiscard]] LogPanel *logPanel() const { return m_logPanel; }

    // Panels in navigation order; `id` is what --panel and showPanel() use.
    void addPanel(const QString &id, const QString &title, QWidget *panel);
    void showPanel(const QString &id);
    [[nodiscard]] QString currentPanelId() const;
    [[nodiscard]] QStringList panelIds() const { return m_panelIds; }
    void setRecentRuns(const QStringList &folders);
    void setCurrentRunText(const QString &text);
    // Asked before the window closes; returning false keeps it open (the guard may close the
    // window itself later, e.g. once a job stopped after its checkpoint).
    void setCloseGuard(std::function<bool()> guard) { m_closeGuard = std::move(guard); }

Q_SIGNALS:
    // The user picked a language; it applies at the next start.
    void languageChangeRequested(const QString &localeName);
    void newRunRequested();
    void openRunRequested(const QString &folder); // empty: ask for a folder
    void currentPanelChanged(const QString &id);

public Q_SLOTS:
    void showAbout();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();

    EngineInfo m_engine;
    LogPanel *m_logPanel;
    QListWidget *m_navigation;
    QStackedWidget *m_stack;
    QDockWidget *m_logDock;
    QLabel *m_runLabel;
    QMenu *m_recentMenu = nullptr;
    QStringList m_panelIds;
    QActionGroup *m_languageGroup = nullptr;
    std::function<bool()> m_closeGuard;
};

} // namespace dpsapf::ui
