// SPDX-License-Identifier: GPL-3.0-or-later
// The model panel: pick the public diffusion model (bundled sapf-tiny or a Stable Diffusion
// folder / .safetensors file) and inspect its attention matrices. Plain Qt data only.
#pragma once

#include "widgets/compute_settings_box.h"

#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QStackedWidget;
class QTableWidget;

namespace dpsapf::ui {

class MessagePage;

struct ModelOverview {
    QString path;
    QString name;
    QString family;
    QString description;
    int resolution = 0;
    int channels = 0;
    qint64 totalParameters = 0;
    qint64 attentionParameters = 0;
    QStringList blockNames;
    QVector<int> blockMatrixCounts;
    QVector<QPair<QString, QString>> attentionMatrices; // key, shape "320×320"
    QStringList classNames;
};

class ModelPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ModelPanel(QWidget *parent = nullptr);

    void setModelPath(const QString &path); // empty = bundled
    [[nodiscard]] QString modelPath() const;

    // Device, gradient checkpointing and frozen-weight precision of new runs.
    void setComputeSettings(const ComputeSettings &settings);
    [[nodiscard]] ComputeSettings computeSettings() const;
    void setCudaAvailable(bool available);

    void showLoading();
    void showOverview(const ModelOverview &overview);
    void showError(const QString &message);

    // For tests and the app: what is on screen.
    [[nodiscard]] bool isLoading() const { return m_loading; }
    [[nodiscard]] QString summaryText() const;
    [[nodiscard]] int blockRowCount() const;
    [[nodiscard]] int matrixRowCount() const;
    [[nodiscard]] QString messageText() const;

Q_SIGNALS:
    void modelRequested(const QString &path); // empty = the bundled model

private:
    [[nodiscard]] QWidget *createForm();
    [[nodiscard]] QWidget *createResults();
    void browseFolder();
    void browseFile();
    void updateFormState();
    void requestModel();
    void showMessage(const QString &text, bool isError);

    QRadioButton *m_bundledButton = nullptr;
    QRadioButton *m_customButton = nullptr;
    QLineEdit *m_pathEdit = nullptr;
    QPushButton *m_folderButton = nullptr;
    QPushButton *m_fileButton = nullptr;
    QPushButton *m_inspectButton = nullptr;
    QProgressBar *m_busyBar = nullptr;
    ComputeSettingsBox *m_compute = nullptr;
    QStackedWidget *m_stack = nullptr;
    MessagePage *m_message = nullptr;
    QLabel *m_nameValue = nullptr;
    QLabel *m_familyValue = nullptr;
    QLabel *m_imageValue = nullptr;
    QLabel *m_parametersValue = nullptr;
    QLabel *m_attentionValue = nullptr;
    QLabel *m_pathValue = nullptr;
    QLabel *m_descriptionValue = nullptr;
    QLabel *m_classesValue = nullptr;
    QTableWidget *m_blockTable = nullptr;
    QTableWidget *m_matrixTable = nullptr;
    bool m_loading = false;
};

} // namespace dpsapf::ui

Q_DECLARE_METATYPE(dpsapf::ui::ModelOverview)
