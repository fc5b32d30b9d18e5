// SPDX-License-Identifier: GPL-3.0-or-later
// The export panel: choose output formats (class folders, reference layout, arrays, npz, LoRA
// weights, privacy report) and a destination folder; shows progress and what was written.
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace dpsapf::ui {

struct ExportChoice {
    bool classFolders = true;
    bool referenceLayout = false;
    bool arrays = true;
    bool npz = true;
    bool lora = true;
    bool report = true;
    QString destination;
};

struct ExportResult {
    QString destination;
    QStringList files;
    qint64 images = 0;
    qint64 bytes = 0;
    QString privacyLine;
};

class ExportPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ExportPanel(QWidget *parent = nullptr);

    void setChoice(const ExportChoice &choice);
    [[nodiscard]] ExportChoice choice() const;
    void setReady(bool ready, const QString &reason); // e.g. false, "Generate images first"
    void showProgress(qint64 done, qint64 total, const QString &what);
    void showResult(const ExportResult &result);
    void showError(const QString &message);

    // For tests and the app: what is on screen.
    [[nodiscard]] bool isExportEnabled() const;
    [[nodiscard]] QString blockedReason() const; // empty when Export is enabled
    [[nodiscard]] QString resultText() const;
    [[nodiscard]] QStringList resultFiles() const;
    [[nodiscard]] QString progressText() const;

Q_SIGNALS:
    void exportRequested(const ExportChoice &choice);

private:
    [[nodiscard]] QWidget *createFormats();
    [[nodiscard]] QWidget *createResult();
    void browseDestination();
    void updateState();
    void requestExport();

    QCheckBox *m_classFoldersBox = nullptr;
    QCheckBox *m_referenceBox = nullptr;
    QCheckBox *m_arraysBox = nullptr;
    QCheckBox *m_npzBox = nullptr;
    QCheckBox *m_loraBox = nullptr;
    QCheckBox *m_reportBox = nullptr;
    QLineEdit *m_destinationEdit = nullptr;
    QPushButton *m_browseButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QLabel *m_reasonLabel = nullptr;
    QProgressBar *m_progressBar = nullptr;
    QLabel *m_progressLabel = nullptr;
    QGroupBox *m_resultGroup = nullptr;
    QLabel *m_resultIcon = nullptr;
    QLabel *m_resultMessage = nullptr;
    QLabel *m_destinationValue = nullptr;
    QLabel *m_imagesValue = nullptr;
    QLabel *m_sizeValue = nullptr;
    QLabel *m_privacyValue = nullptr;
    QListWidget *m_fileList = nullptr;
    QWidget *m_resultDetails = nullptr;
    QString m_notReadyReason;
    bool m_ready = false;
    bool m_busy = false;
};

} // namespace dpsapf::ui

Q_DECLARE_METATYPE(dpsapf::ui::ExportChoice)
Q_DECLARE_METATYPE(dpsapf::ui::ExportResult)
