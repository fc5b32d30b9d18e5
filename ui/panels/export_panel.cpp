// SPDX-License-Identifier: GPL-3.0-or-later
// The export panel: choose output formats (class folders, reference layout, arrays, npz, LoRA
// weights, privacy report) and a destination folder; shows progress and what was written.
#include "panels/export_panel.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace dpsapf::ui {

namespace {

constexpr int kProgressScale = 1000; // the bar counts per mille, so qint64 totals fit an int

} // namespace

ExportPanel::ExportPanel(QWidget *parent)
    : QWidget(parent)
    , m_notReadyReason(tr("Generate images first."))
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createFormats());
    layout->addWidget(createResult(), 1);
    setChoice(ExportChoice{});
}

QWidget *ExportPanel::createFormats()
{
    auto *group = new QGroupBox(tr("Formats and destination"), this);
    auto *grid = new QGridLayout(group);
    int row = 0;
    const auto addFormat = [&](const QString &text, const QString &explanation) {
        auto *box = new QCheckBox(text, group);
        auto *label = new QLabel(explanation, group);
        label->setWordWrap(true);
        box->setToolTip(explanation);
        grid->addWidget(box, row, 0);
        grid->addWidget(label, row, 1, 1, 2);
        connect(box, &QCheckBox::toggled, this, &ExportPanel::updateState);
        ++row;
        return box;
    };
    m_classFoldersBox = addFormat(tr("&Class folders"),
                                  tr("images/<class>/N.png: one folder of PNG files per class."));
    m_referenceBox = addFormat(tr("&Reference layout"),
                               tr("gen/%06d/: the folder layout the DP-SAPF reference code "
                                  "and its evaluation scripts read."));
    m_arraysBox =
        addFormat(tr("&Arrays"), tr("syn_images.npy + syn_labels.npy: NumPy arrays of every image "
                                    "and its class."));
    m_npzBox =
        addFormat(tr("&NPZ archive"),
                  tr("gen.npz with every image and label, plus sample.png, a preview grid."));
    m_loraBox = addFormat(tr("&LoRA weights"),
                          tr("The fine-tuned adapters for PEFT/diffusers and as a kohya "
                             ".safetensors file, to generate more images elsewhere."));
    m_reportBox = addFormat(tr("Privacy re&port"),
                            tr("ε, δ, noise and the selected matrices, as JSON and Markdown."));

    m_destinationEdit = new QLineEdit(group);
    m_destinationEdit->setClearButtonEnabled(true);
    m_destinationEdit->setPlaceholderText(tr("A folder; it is created if needed"));
    m_browseButton = new QPushButton(tr("&Browse…"), group);
    auto *destinationLabel = new QLabel(tr("&Destination:"), group);
    destinationLabel->setBuddy(m_destinationEdit);
    grid->addWidget(destinationLabel, row, 0);
    grid->addWidget(m_destinationEdit, row, 1);
    grid->addWidget(m_browseButton, row, 2);
    ++row;

    m_exportButton = new QPushButton(tr("&Export"), group);
    m_exportButton->setDefault(true);
    m_reasonLabel = new QLabel(group);
    m_reasonLabel->setWordWrap(true);
    m_reasonLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_reasonLabel, 1);
    actions->addWidget(m_exportButton);
    grid->addLayout(actions, row, 0, 1, 3);
    ++row;

    m_progressBar = new QProgressBar(group);
    m_progressBar->setRange(0, kProgressScale);
    m_progressBar->setAccessibleName(tr("Export progress"));
    m_progressLabel = new QLabel(group);
    auto *progress = new QHBoxLayout;
    progress->addWidget(m_progressLabel);
    progress->addWidget(m_progressBar, 1);
    grid->addLayout(progress, row, 0, 1, 3);
    m_progressBar->hide();
    m_progressLabel->hide();
    grid->setColumnStretch(1, 1);

    connect(m_destinationEdit, &QLineEdit::textChanged, this, &ExportPanel::updateState);
    connect(m_destinationEdit, &QLineEdit::returnPressed, this, &ExportPanel::requestExport);
    connect(m_browseButton, &QPushButton::clicked, this, &ExportPanel::browseDestination);
    connect(m_exportButton, &QPushButton::clicked, this, &ExportPanel::requestExport);
    return group;
}

QWidget *ExportPanel::createResult()
{
    m_resultGroup = new QGroupBox(tr("Result"), this);
    m_resultIcon = new QLabel(m_resultGroup);
    m_resultMessage = new QLabel(tr("Nothing exported yet."), m_resultGroup);
    m_resultMessage->setWordWrap(true);
    m_resultMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *message = new QHBoxLayout;
    message->addWidget(m_resultIcon, 0, Qt::AlignTop);
    message->addWidget(m_resultMessage, 1);
    m_resultIcon->hide();

    m_resultDetails = new QWidget(m_resultGroup);
    auto *form = new QFormLayout;
    const auto valueLabel = [this] {
        auto *label = new QLabel(m_resultDetails);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setWordWrap(true);
        return label;
    };
    m_destinationValue = valueLabel();
    m_imagesValue = valueLabel();
    m_sizeValue = valueLabel();
    m_privacyValue = valueLabel();
    form->addRow(tr("Destination:"), m_destinationValue);
    form->addRow(tr("Images:"), m_imagesValue);
    form->addRow(tr("Total size:"), m_sizeValue);
    form->addRow(tr("Privacy:"), m_privacyValue);
    m_fileList = new QListWidget(m_resultDetails);
    m_fileList->setAccessibleName(tr("Files written"));
    auto *filesLabel = new QLabel(tr("Files &written:"), m_resultDetails);
    filesLabel->setBuddy(m_fileList);
    auto *details = new QVBoxLayout(m_resultDetails);
    details->setContentsMargins(0, 0, 0, 0);
    details->addLayout(form);
    details->addWidget(filesLabel);
    details->addWidget(m_fileList, 1);
    m_resultDetails->hide();

    auto *layout = new QVBoxLayout(m_resultGroup);
    layout->addLayout(message);
    layout->addWidget(m_resultDetails, 1);
    layout->addStretch(0);
    return m_resultGroup;
}

void ExportPanel::setChoice(const ExportChoice &choice)
{
    m_classFoldersBox->setChecked(choice.classFolders);
    m_referenceBox->setChecked(choice.referenceLayout);
    m_arraysBox->setChecked(choice.arrays);
    m_npzBox->setChecked(choice.npz);
    m_loraBox->setChecked(choice.lora);
    m_reportBox->setChecked(choice.report);
    m_destinationEdit->setText(choice.destination);
    updateState();
}

ExportChoice ExportPanel::choice() const
{
    ExportChoice result;
    result.classFolders = m_classFoldersBox->isChecked();
    result.referenceLayout = m_referenceBox->isChecked();
    result.arrays = m_arraysBox->isChecked();
    result.npz = m_npzBox->isChecked();
    result.lora = m_loraBox->isChecked();
    result.report = m_reportBox->isChecked();
    result.destination = m_destinationEdit->text().trimmed();
    return result;
}

void ExportPanel::setReady(bool ready, const QString &reason)
{
    m_ready = ready;
    m_notReadyReason = reason;
    updateState();
}

void ExportPanel::showProgress(qint64 done, qint64 total, const QString &what)
{
    m_busy = total <= 0 || done < total;
    m_progressBar->show();
    m_progressLabel->show();
    if (total <= 0) {
        m_progressBar->setRange(0, 0); // busy indicator
    } else {
        const qint64 clamped = std::clamp<qint64>(done, 0, total);
        m_progressBar->setRange(0, kProgressScale);
        m_progressBar->setValue(static_cast<int>(clamped * kProgressScale / total));
        const QLocale locale;
        m_progressBar->setFormat(
            tr("%1 of %2").arg(locale.toString(clamped), locale.toString(total)));
    }
    m_progressLabel->setText(what);
    updateState();
}

void ExportPanel::showResult(const ExportResult &result)
{
    m_busy = false;
    const QLocale locale;
    m_progressBar->setRange(0, kProgressScale);
    m_progressBar->setValue(kProgressScale);
    m_progressBar->setFormat(QStringLiteral("%p%"));
    m_progressLabel->setText(tr("Finished"));
    m_resultIcon->hide();
    m_resultMessage->setText(tr("Export finished."));
    m_destinationValue->setText(QDir::toNativeSeparators(result.destination));
    m_imagesValue->setText(locale.toString(result.images));
    m_sizeValue->setText(locale.formattedDataSize(result.bytes));
    m_privacyValue->setText(result.privacyLine.isEmpty() ? tr("not reported") : result.privacyLine);
    m_fileList->clear();
    for (const QString &file : result.files) {
        m_fileList->addItem(QDir::toNativeSeparators(file));
    }
    m_resultDetails->show();
    updateState();
}

void ExportPanel::showError(const QString &message)
{
    m_busy = false;
    m_progressLabel->setText(tr("Failed"));
    const int side = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_resultIcon->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(side));
    m_resultIcon->show();
    m_resultMessage->setText(message);
    m_resultDetails->hide();
    updateState();
}

bool ExportPanel::isExportEnabled() const
{
    return m_exportButton->isEnabled();
}

QString ExportPanel::blockedReason() const
{
    return m_exportButton->isEnabled() ? QString() : m_reasonLabel->text();
}

QString ExportPanel::resultText() const
{
    QStringList lines{m_resultMessage->text()};
    if (!m_resultDetails->isHidden()) {
        lines << m_destinationValue->text() << m_imagesValue->text() << m_sizeValue->text()
              << m_privacyValue->text();
    }
    return lines.join(QLatin1Char('\n'));
}

QStringList ExportPanel::resultFiles() const
{
    QStringList files;
    for (int row = 0; row < m_fileList->count(); ++row) {
        files.append(m_fileList->item(row)->text());
    }
    return files;
}

QString ExportPanel::progressText() const
{
    return m_progressLabel->text() + QLatin1Char(' ') + m_progressBar->text();
}

void ExportPanel::browseDestination()
{
    const QString path = QFileDialog::getExistingDirectory(this, tr("Choose the export folder"),
                                                           m_destinationEdit->text());
    if (!path.isEmpty()) {
        m_destinationEdit->setText(QDir::toNativeSeparators(path));
    }
}

void ExportPanel::updateState()
{
    const ExportChoice current = choice();
    const bool anyFormat = current.classFolders || current.referenceLayout || current.arrays ||
                           current.npz || current.lora || current.report;
    QString reason;
    if (m_busy) {
        reason = tr("An export is running.");
    } else if (!m_ready) {
        reason = m_notReadyReason.isEmpty() ? tr("Nothing to export yet.") : m_notReadyReason;
    } else if (!anyFormat) {
        reason = tr("Choose at least one format.");
    } else if (current.destination.isEmpty()) {
        reason = tr("Choose a destination folder.");
    }
    m_exportButton->setEnabled(reason.isEmpty());
    m_reasonLabel->setText(reason);
}

void ExportPanel::requestExport()
{
    if (m_exportButton->isEnabled()) {
        Q_EMIT exportRequested(choice());
    }
}

} // namespace dpsapf::ui
