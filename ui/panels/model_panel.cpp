// SPDX-License-Identifier: GPL-3.0-or-later
// The model panel: pick the public diffusion model (bundled sapf-tiny or a Stable Diffusion
// folder / .safetensors file) and inspect its attention matrices. Plain Qt data only.
#include "panels/model_panel.h"

#include "widgets/message_page.h"

#include <QButtonGroup>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStackedWidget>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace dpsapf::ui {

namespace {

enum class ResultPage { Message = 0, Overview = 1 };

QTableWidget *makeTable(const QStringList &headers, const QString &accessibleName, QWidget *parent)
{
    auto *table = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int column = 1; column < headers.size(); ++column) {
        table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    }
    table->setAccessibleName(accessibleName);
    return table;
}

QTableWidgetItem *makeItem(const QString &text, Qt::Alignment alignment = Qt::AlignLeft)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(alignment | Qt::AlignVCenter);
    return item;
}

} // namespace

ModelPanel::ModelPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createForm());
    m_compute = new ComputeSettingsBox(this);
    layout->addWidget(m_compute);
    layout->addWidget(createResults(), 1);
    updateFormState();
    showMessage(tr("Press Inspect to read the model's attention matrices."), false);
}

QWidget *ModelPanel::createForm()
{
    auto *group = new QGroupBox(tr("Public model"), this);
    m_bundledButton = new QRadioButton(tr("B&undled model (sapf-tiny, works offline)"), group);
    m_customButton = new QRadioButton(tr("Stable &Diffusion folder or .safetensors file"), group);
    m_bundledButton->setChecked(true);
    auto *buttons = new QButtonGroup(group);
    buttons->addButton(m_bundledButton);
    buttons->addButton(m_customButton);

    m_pathEdit = new QLineEdit(group);
    m_pathEdit->setClearButtonEnabled(true);
    m_pathEdit->setPlaceholderText(
        tr("A diffusers folder (with unet/) or a single-file checkpoint (.safetensors)"));
    m_pathEdit->setAccessibleName(tr("Model path"));
    m_folderButton = new QPushButton(tr("F&older…"), group);
    m_folderButton->setToolTip(tr("Choose a diffusers model folder"));
    m_fileButton = new QPushButton(tr("&File…"), group);
    m_fileButton->setToolTip(tr("Choose a single .safetensors checkpoint"));
    m_inspectButton = new QPushButton(tr("&Inspect"), group);
    m_inspectButton->setDefault(true);
    m_inspectButton->setToolTip(tr("Load the model and list its attention matrices"));
    m_busyBar = new QProgressBar(group);
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 10);
    m_busyBar->setAccessibleName(tr("Loading the model"));
    m_busyBar->hide();

    auto *pathLabel = new QLabel(tr("&Path:"), group);
    pathLabel->setBuddy(m_pathEdit);

    auto *grid = new QGridLayout(group);
    grid->addWidget(m_bundledButton, 0, 0, 1, 5);
    grid->addWidget(m_customButton, 1, 0, 1, 5);
    const int indent = style()->pixelMetric(QStyle::PM_ExclusiveIndicatorWidth, nullptr, this) +
                       style()->pixelMetric(QStyle::PM_RadioButtonLabelSpacing, nullptr, this);
    grid->setColumnMinimumWidth(0, indent);
    grid->addWidget(pathLabel, 2, 1);
    grid->addWidget(m_pathEdit, 2, 2);
    grid->addWidget(m_folderButton, 2, 3);
    grid->addWidget(m_fileButton, 2, 4);
    auto *actions = new QHBoxLayout;
    actions->addStretch(1);
    actions->addWidget(m_busyBar);
    actions->addWidget(m_inspectButton);
    grid->addLayout(actions, 3, 0, 1, 5);
    grid->setColumnStretch(2, 1);

    setTabOrder(m_bundledButton, m_customButton);
    setTabOrder(m_customButton, m_pathEdit);
    setTabOrder(m_pathEdit, m_folderButton);
    setTabOrder(m_folderButton, m_fileButton);
    setTabOrder(m_fileButton, m_inspectButton);

    connect(m_customButton, &QRadioButton::toggled, this, &ModelPanel::updateFormState);
    connect(m_pathEdit, &QLineEdit::textChanged, this, &ModelPanel::updateFormState);
    connect(m_pathEdit, &QLineEdit::returnPressed, this, &ModelPanel::requestModel);
    connect(m_folderButton, &QPushButton::clicked, this, &ModelPanel::browseFolder);
    connect(m_fileButton, &QPushButton::clicked, this, &ModelPanel::browseFile);
    connect(m_inspectButton, &QPushButton::clicked, this, &ModelPanel::requestModel);
    return group;
}

QWidget *ModelPanel::createResults()
{
    m_stack = new QStackedWidget(this);

    m_message = new MessagePage(m_stack);
    m_stack->addWidget(m_message);

    auto *overviewPage = new QWidget(m_stack);
    auto *summaryGroup = new QGroupBox(tr("Summary"), overviewPage);
    auto *form = new QFormLayout(summaryGroup);
    const auto valueLabel = [summaryGroup] {
        auto *label = new QLabel(summaryGroup);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setWordWrap(true);
        return label;
    };
    m_nameValue = valueLabel();
    m_familyValue = valueLabel();
    m_imageValue = valueLabel();
    m_parametersValue = valueLabel();
    m_attentionValue = valueLabel();
    m_pathValue = valueLabel();
    m_descriptionValue = valueLabel();
    m_classesValue = valueLabel();
    form->addRow(tr("Name:"), m_nameValue);
    form->addRow(tr("Family:"), m_familyValue);
    form->addRow(tr("Images:"), m_imageValue);
    form->addRow(tr("Parameters:"), m_parametersValue);
    form->addRow(tr("Attention matrices:"), m_attentionValue);
    form->addRow(tr("Location:"), m_pathValue);
    form->addRow(tr("Description:"), m_descriptionValue);
    form->addRow(tr("Public classes:"), m_classesValue);

    m_blockTable =
        makeTable({tr("Block"), tr("Attention matrices")}, tr("Transformer blocks"), overviewPage);
    m_matrixTable =
        makeTable({tr("Matrix"), tr("Shape")}, tr("Attention matrices and shapes"), overviewPage);
    auto *blockGroup = new QGroupBox(tr("Transformer blocks"), overviewPage);
    auto *blockLayout = new QVBoxLayout(blockGroup);
    blockLayout->addWidget(m_blockTable);
    auto *matrixGroup = new QGroupBox(tr("Attention matrices (probe candidates)"), overviewPage);
    auto *matrixLayout = new QVBoxLayout(matrixGroup);
    matrixLayout->addWidget(m_matrixTable);

    auto *left = new QVBoxLayout;
    left->addWidget(summaryGroup);
    left->addWidget(blockGroup, 1);
    auto *layout = new QHBoxLayout(overviewPage);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(left, 2);
    layout->addWidget(matrixGroup, 3);
    m_stack->addWidget(overviewPage);
    return m_stack;
}

void ModelPanel::setModelPath(const QString &path)
{
    if (path.isEmpty()) {
        m_bundledButton->setChecked(true);
    } else {
        m_customButton->setChecked(true);
        m_pathEdit->setText(path);
    }
    updateFormState();
}

QString ModelPanel::modelPath() const
{
    return m_customButton->isChecked() ? m_pathEdit->text().trimmed() : QString();
}

void ModelPanel::showLoading()
{
    m_loading = true;
    m_busyBar->show();
    showMessage(tr("Reading the model…"), false);
    updateFormState();
}

void ModelPanel::showOverview(const ModelOverview &overview)
{
    m_loading = false;
    m_busyBar->hide();
    const QLocale locale;
    m_nameValue->setText(overview.name);
    m_familyValue->setText(overview.family);
    m_imageValue->setText(
        tr("%1 × %1 pixels, channels: %2")
            .arg(locale.toString(overview.resolution), locale.toString(overview.channels)));
    m_parametersValue->setText(locale.toString(overview.totalParameters));
    m_attentionValue->setText(
        tr("%1 matrices with %2 parameters")
            .arg(locale.toString(static_cast<qint64>(overview.attentionMatrices.size())),
                 locale.toString(overview.attentionParameters)));
    m_pathValue->setText(overview.path.isEmpty() ? tr("bundled") : overview.path);
    m_descriptionValue->setText(overview.description);
    m_classesValue->setText(overview.classNames.isEmpty()
                                ? tr("none (unconditional)")
                                : overview.classNames.join(QStringLiteral(", ")));

    m_blockTable->setRowCount(static_cast<int>(overview.blockNames.size()));
    for (int row = 0; row < overview.blockNames.size(); ++row) {
        m_blockTable->setItem(row, 0, makeItem(overview.blockNames.at(row)));
        const QString count = row < overview.blockMatrixCounts.size()
                                  ? locale.toString(overview.blockMatrixCounts.at(row))
                                  : QString();
        m_blockTable->setItem(row, 1, makeItem(count, Qt::AlignRight));
    }
    m_matrixTable->setRowCount(static_cast<int>(overview.attentionMatrices.size()));
    for (int row = 0; row < overview.attentionMatrices.size(); ++row) {
        const auto &[key, shape] = overview.attentionMatrices.at(row);
        m_matrixTable->setItem(row, 0, makeItem(key));
        m_matrixTable->setItem(row, 1, makeItem(shape, Qt::AlignRight));
    }
    m_stack->setCurrentIndex(static_cast<int>(ResultPage::Overview));
    updateFormState();
}

void ModelPanel::showError(const QString &message)
{
    m_loading = false;
    m_busyBar->hide();
    showMessage(message, true);
    updateFormState();
}

QString ModelPanel::summaryText() const
{
    return QStringList{m_nameValue->text(),        m_familyValue->text(),    m_imageValue->text(),
                       m_parametersValue->text(),  m_attentionValue->text(), m_pathValue->text(),
                       m_descriptionValue->text(), m_classesValue->text()}
        .join(QLatin1Char('\n'));
}

int ModelPanel::blockRowCount() const
{
    return m_blockTable->rowCount();
}

int ModelPanel::matrixRowCount() const
{
    return m_matrixTable->rowCount();
}

QString ModelPanel::messageText() const
{
    return m_stack->currentIndex() == static_cast<int>(ResultPage::Message) ? m_message->text()
                                                                            : QString();
}

void ModelPanel::browseFolder()
{
    const QString path = QFileDialog::getExistingDirectory(
        this, tr("Choose a Stable Diffusion model folder"), m_pathEdit->text());
    if (!path.isEmpty()) {
        m_customButton->setChecked(true);
        m_pathEdit->setText(path);
    }
}

void ModelPanel::browseFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Choose a Stable Diffusion checkpoint"), m_pathEdit->text(),
        tr("Safetensors checkpoints (*.safetensors)") + QStringLiteral(";;") + tr("All files (*)"));
    if (!path.isEmpty()) {
        m_customButton->setChecked(true);
        m_pathEdit->setText(path);
    }
}

void ModelPanel::setComputeSettings(const ComputeSettings &settings)
{
    m_compute->setSettings(settings);
}

ComputeSettings ModelPanel::computeSettings() const
{
    return m_compute->settings();
}

void ModelPanel::setCudaAvailable(bool available)
{
    m_compute->setCudaAvailable(available);
}

void ModelPanel::updateFormState()
{
    const bool custom = m_customButton->isChecked();
    m_compute->setLatentModel(custom);
    m_pathEdit->setEnabled(custom);
    m_folderButton->setEnabled(custom);
    m_fileButton->setEnabled(custom);
    const bool havePath = !custom || !m_pathEdit->text().trimmed().isEmpty();
    m_inspectButton->setEnabled(!m_loading && havePath);
    m_inspectButton->setToolTip(havePath ? tr("Load the model and list its attention matrices")
                                         : tr("Choose a model folder or file first"));
}

void ModelPanel::requestModel()
{
    if (m_inspectButton->isEnabled()) {
        Q_EMIT modelRequested(modelPath());
    }
}

void ModelPanel::showMessage(const QString &text, bool isError)
{
    m_message->setMessage(text, isError);
    m_stack->setCurrentIndex(static_cast<int>(ResultPage::Message));
}

} // namespace dpsapf::ui
