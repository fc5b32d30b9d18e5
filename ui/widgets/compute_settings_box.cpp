// SPDX-License-Identifier: GPL-3.0-or-later
// The compute device, gradient checkpointing and frozen-weight precision of a run.
#include "widgets/compute_settings_box.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QStandardItemModel>

namespace dpsapf::ui {

namespace {

void selectData(QComboBox *combo, const QString &value)
{
    const int index = combo->findData(value);
    combo->setCurrentIndex(index >= 0 ? index : 0);
}

void setItemEnabled(QComboBox *combo, const QString &value, bool enabled)
{
    auto *model = qobject_cast<QStandardItemModel *>(combo->model());
    const int index = combo->findData(value);
    if (model != nullptr && index >= 0) {
        model->item(index)->setEnabled(enabled);
    }
    if (!enabled && combo->currentIndex() == index) {
        combo->setCurrentIndex(0);
    }
}

} // namespace

ComputeSettingsBox::ComputeSettingsBox(QWidget *parent)
    : QGroupBox(tr("Training hardware"), parent)
{
    m_device = new QComboBox(this);
    m_device->addItem(tr("Automatic (a CUDA GPU when present)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    m_device->setToolTip(tr("Where the probe, the training and the sampling run"));

    m_checkpointing = new QComboBox(this);
    m_checkpointing->addItem(tr("Automatic (on for Stable Diffusion)"), QStringLiteral("auto"));
    m_checkpointing->addItem(tr("On"), QStringLiteral("on"));
    m_checkpointing->addItem(tr("Off"), QStringLiteral("off"));
    m_checkpointing->setToolTip(
        tr("Recompute the UNet's activations in the backward pass: about 4× less activation "
           "memory for about one more forward pass per step. Results do not change."));

    m_precision = new QComboBox(this);
    m_precision->addItem(tr("fp32 (full precision)"), QStringLiteral("fp32"));
    m_precision->addItem(tr("bf16 (half the memory)"), QStringLiteral("bf16"));
    m_precision->addItem(tr("fp16 (half the memory, CUDA only)"), QStringLiteral("fp16"));

    auto *deviceLabel = new QLabel(tr("Devi&ce:"), this);
    deviceLabel->setBuddy(m_device);
    auto *checkpointingLabel = new QLabel(tr("&Gradient checkpointing:"), this);
    checkpointingLabel->setBuddy(m_checkpointing);
    auto *precisionLabel = new QLabel(tr("Fro&zen weights:"), this);
    precisionLabel->setBuddy(m_precision);
    auto *form = new QFormLayout(this);
    form->addRow(deviceLabel, m_device);
    form->addRow(checkpointingLabel, m_checkpointing);
    form->addRow(precisionLabel, m_precision);

    connect(m_device, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &ComputeSettingsBox::updateState);
    updateState();
}

void ComputeSettingsBox::setSettings(const ComputeSettings &settings)
{
    selectData(m_device, settings.device);
    selectData(m_checkpointing, settings.checkpointing);
    selectData(m_precision, settings.frozenPrecision);
    updateState();
}

ComputeSettings ComputeSettingsBox::settings() const
{
    ComputeSettings settings;
    settings.device = m_device->currentData().toString();
    settings.checkpointing = m_checkpointing->currentData().toString();
    settings.frozenPrecision = m_precision->currentData().toString();
    return settings;
}

void ComputeSettingsBox::setCudaAvailable(bool available)
{
    m_cudaAvailable = available;
    updateState();
}

void ComputeSettingsBox::setLatentModel(bool latent)
{
    m_latent = latent;
    updateState();
}

void ComputeSettingsBox::updateState()
{
    setItemEnabled(m_device, QStringLiteral("cuda"), m_cudaAvailable);
    const bool onGpu =
        m_cudaAvailable && m_device->currentData().toString() != QLatin1String("cpu");
    setItemEnabled(m_precision, QStringLiteral("fp16"), onGpu);
    if (!m_latent) {
        selectData(m_precision, QStringLiteral("fp32"));
    }
    m_precision->setEnabled(m_latent);
    m_precision->setToolTip(
        m_latent ? tr("The dtype of the frozen UNet weights. The LoRA factors and every privacy "
                      "computation (norms, clipping, sums) stay fp32.")
                 : tr("The bundled model trains in fp32; reduced precision is for Stable "
                      "Diffusion models"));
}

} // namespace dpsapf::ui
