// SPDX-License-Identifier: GPL-3.0-or-later
// Where and how a run trains: the compute device, gradient checkpointing and the precision of
// the frozen UNet weights (the run settings `device`, `gradient_checkpointing` and
// `frozen_precision`; docs/stable-diffusion.md, "Memory"). Plain Qt data only.
#pragma once

#include <QGroupBox>
#include <QString>

class QComboBox;

namespace dpsapf::ui {

struct ComputeSettings {
    QString device = QStringLiteral("auto");          // auto | cpu | cuda
    QString checkpointing = QStringLiteral("auto");   // auto | on | off
    QString frozenPrecision = QStringLiteral("fp32"); // fp32 | bf16 | fp16
};

class ComputeSettingsBox final : public QGroupBox
{
    Q_OBJECT

public:
    explicit ComputeSettingsBox(QWidget *parent = nullptr);

    void setSettings(const ComputeSettings &settings);
    [[nodiscard]] ComputeSettings settings() const;

    // Without a CUDA device (or a CUDA build) "CUDA GPU" and fp16 cannot be chosen.
    void setCudaAvailable(bool available);
    // Reduced precision is for Stable Diffusion models; the bundled model trains in fp32.
    void setLatentModel(bool latent);

private:
    void updateState();

    QComboBox *m_device = nullptr;
    QComboBox *m_checkpointing = nullptr;
    QComboBox *m_precision = nullptr;
    bool m_cudaAvailable = false;
    bool m_latent = false;
};

} // namespace dpsapf::ui
