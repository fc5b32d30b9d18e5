// SPDX-License-Identifier: GPL-3.0-or-later
// The About dialog: application, Qt, LibTorch and compute-device versions, and the licence.
#pragma once

#include <QDialog>
#include <QString>

namespace dpsapf::ui {

// What the About dialog shows about the compute engine; filled in by app/ from the core.
struct EngineInfo {
    QString applicationVersion;
    QString libTorchVersion;
    QString device; // e.g. "cpu" or "cuda (1 device)"
    int computeThreads = 0;
    QString logFile; // empty when logging to a file is unavailable
};

class AboutDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit AboutDialog(const EngineInfo &engine, QWidget *parent = nullptr);

    // The rich text shown in the dialog (also used by tests).
    [[nodiscard]] static QString aboutText(const EngineInfo &engine);
};

} // namespace dpsapf::ui
