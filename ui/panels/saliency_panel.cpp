// SPDX-License-Identifier: GPL-3.0-or-later
// Saliency heatmap and selection ratio (saliency_panel.h).
#include "saliency_panel.h"

#include "plots/saliency_heatmap.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

namespace dpsapf::ui {
namespace {
constexpr double kRatioMin = 0.05;
} // namespace

SaliencyPanel::SaliencyPanel(QWidget *parent)
    : QWidget(parent)
    , m_heatmap(new SaliencyHeatmap(this))
    , m_ratio(new QSlider(Qt::Horizontal, this))
    , m_ratioValue(new QLabel(this))
    , m_logScale(new QCheckBox(tr("&Logarithmic colour scale"), this))
    , m_runProbe(new QPushButton(tr("Run the &probe"), this))
    , m_apply(new QPushButton(tr("&Apply this ratio to the run"), this))
    , m_status(new QLabel(this))
    , m_release(new QLabel(this))
{
    setObjectName(QStringLiteral("SaliencyPanel"));
    m_ratio->setRange(0, 95);
    m_ratio->setToolTip(tr("Selection ratio c: the top fraction of matrices by noisy saliency "
                           "gets LoRA adapters. Re-selecting uses only the noisy scores, so it "
                           "costs no privacy."));
    m_runProbe->setToolTip(tr("Prepares the run and measures each attention matrix's saliency "
                              "on the sensitive data with calibrated noise (charged to the "
                              "privacy budget)."));
    m_status->setWordWrap(true);
    m_release->setWordWrap(true);
    auto *ratioLabel = new QLabel(tr("Selection &ratio c:"), this);
    ratioLabel->setBuddy(m_ratio);

    auto *controls = new QHBoxLayout;
    controls->addWidget(ratioLabel);
    controls->addWidget(m_ratio, 1);
    controls->addWidget(m_ratioValue);
    controls->addWidget(m_apply);
    controls->addSpacing(12);
    controls->addWidget(m_logScale);
    controls->addWidget(m_runProbe);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(m_heatmap, 1);
    layout->addWidget(m_release);

    connect(m_ratio, &QSlider::valueChanged, this, [this] {
        updateRatioLabel();
        if (!m_updating) {
            Q_EMIT ratioPreviewed(ratio());
        }
    });
    connect(m_logScale, &QCheckBox::toggled, m_heatmap, &SaliencyHeatmap::setLogScale);
    connect(m_runProbe, &QPushButton::clicked, this, &SaliencyPanel::probeRequested);
    connect(m_apply, &QPushButton::clicked, this, [this] { Q_EMIT ratioApplied(ratio()); });
    showEmpty(tr("Open or start a run to see the saliency of each attention matrix."), false);
}

void SaliencyPanel::showEmpty(const QString &reason, bool canRunProbe)
{
    m_heatmap->setGrid(SaliencyGrid{});
    m_status->setText(reason);
    m_release->clear();
    m_runProbe->setEnabled(canRunProbe);
    m_ratio->setEnabled(false);
    m_apply->setEnabled(false);
}

void SaliencyPanel::showScores(const QVector<SaliencyEntry> &entries, double ratio,
                               const QString &release, bool canApply)
{
    m_updating = true;
    m_ratio->setValue(static_cast<int>(std::lround((ratio - kRatioMin) * 100.0)));
    m_updating = false;
    m_canApply = canApply;
    const SaliencyGrid grid = buildSaliencyGrid(entries);
    m_heatmap->setGrid(grid);
    m_ratio->setEnabled(true);
    m_runProbe->setEnabled(false);
    m_release->setText(release);
    updateRatioLabel();
    const QString cost = tr("Re-selecting costs no privacy: it only reorders the noisy scores.");
    m_status->setText(tr("%1 of %2 matrices selected (outlined). %3")
                          .arg(grid.selectedCount())
                          .arg(entries.size())
                          .arg(cost));
}

void SaliencyPanel::setAppliedRatio(double ratio)
{
    m_appliedRatio = ratio;
    updateRatioLabel();
}

void SaliencyPanel::setBusy(bool busy, const QString &what)
{
    m_runProbe->setEnabled(!busy && m_runProbe->isEnabled());
    m_apply->setEnabled(!busy && m_canApply);
    if (busy) {
        m_status->setText(what);
    }
}

double SaliencyPanel::ratio() const
{
    return kRatioMin + m_ratio->value() / 100.0;
}

void SaliencyPanel::updateRatioLabel()
{
    m_ratioValue->setText(QStringLiteral("c = %1").arg(ratio(), 0, 'f', 2));
    m_apply->setEnabled(m_canApply && m_ratio->isEnabled() &&
                        std::abs(ratio() - m_appliedRatio) > 1e-9);
}

QString SaliencyPanel::statusText() const
{
    return m_status->text();
}

} // namespace dpsapf::ui
