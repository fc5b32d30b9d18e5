// SPDX-License-Identifier: GPL-3.0-or-later
// The main window of DP-SAPF Studio: menus, the log panel and window-level actions.
#pragma once

#include "dialogs/about_dialog.h"

#include <QMainWindow>
#include <QStringList>

class QActionGroup;

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

Q_SIGNALS:
    // The user picked a language; it applies at the next start.
    void languageChangeRequested(const QString &localeName);

public Q_SLOTS:
    void showAbout();

private:
    void createMenus();

    EngineInfo m_engine;
    LogPanel *m_logPanel;
    QActionGroup *m_languageGroup = nullptr;
};

} // namespace dpsapf::ui
