// SPDX-License-Identifier: GPL-3.0-or-later
// Privacy sliders and the derived plan (privacy_panel.h).
#include "privacy_panel.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace dpsapf::ui {
namespace {

constexpr int kSliderSteps = 1000;
constexpr double kEpsilonMin = 0.1;
constexpr double kEpsilonMax = 50.0;
constexpr double kDeltaMin = 1e-12;
constexpr double kRatioMin = 0.05;
constexpr double kCollapseRatio = 0.6; // the paper's collapse zone starts here
constexpr double kLargeEpsilon = 10.0;

int toLogSlider(double value, double low, double high)
{
    const double t = (std::log10(value) - std::log10(low)) / (std::log10(high) - std::log10(low));
    return static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * kSliderSteps));
}

double fromLogSlider(int position, double low, double high)
{
    const double t = static_cast<double>(position) / kSliderSteps;
    return std::pow(10.0, std::log10(low) + t * (std::log10(high) - std::log10(low)));
}

QSlider *makeSlider(QWidget *parent, int maximum)
{
    auto *slider = new QSlider(Qt::Horizontal, parent);
    slider->setRange(0, maximum);
    slider->setMinimumWidth(260);
    return slider;
}

QString scientific(double value)
{
    return QString::number(value, 'g', 3);
}

QString count(qint64 value)
{
    return QLocale().toString(value);
}

} // namespace

PrivacyPanel::PrivacyPanel(QWidget *parent)
    : QWidget(parent)
    , m_epsilon(makeSlider(this, kSliderSteps))
    , m_epsilonValue(new QLabel(this))
    , m_delta(makeSlider(this, kSliderSteps))
    , m_deltaValue(new QLabel(this))
    , m_deltaRule(new QPushButton(tr("1/(N ln N)"), this))
    , m_deltaFixed(new QPushButton(tr("1e-5"), this))
    , m_ratio(makeSlider(this, 95))
    , m_ratioValue(new QLabel(this))
    , m_probeNoise(new QDoubleSpinBox(this))
    , m_probeSample(new QSpinBox(this))
    , m_steps(new QSpinBox(this))
    , m_batch(new QSpinBox(this))
    , m_derived(new QLabel(this))
    , m_warnings(new QLabel(this))
    , m_measure(new QPushButton(tr("&Measure this computer's speed"), this))
{
    setObjectName(QStringLiteral("PrivacyPanel"));
    m_epsilon->setToolTip(
        tr("The privacy budget ε: how much any one person's images may change what the released "
           "model and images look like. Smaller is more private; 1 to 10 is common."));
    m_delta->setToolTip(tr("δ: the small probability that the ε guarantee does not hold. It must "
                           "be well below 1/N (one in the number of training records)."));
    m_deltaRule->setToolTip(tr("δ = 1/(N ln N), the rule the paper uses"));
    m_deltaFixed->setToolTip(tr("δ = 0.00001, a common fixed value"));
    m_ratio->setToolTip(
        tr("Selection ratio c: the share of the 128 attention matrices that get LoRA adapters, "
           "chosen by the private saliency probe. The paper finds 0.2–0.4 best; 0.6 and above "
           "can collapse."));
    m_probeNoise->setRange(0.5, 100.0);
    m_probeNoise->setDecimals(1);
    m_probeNoise->setToolTip(tr("Noise multiplier σ_s of the saliency probe: more noise costs "
                                "less privacy but makes the ranking less reliable."));
    m_probeSample->setRange(1, 10000000);
    m_probeSample->setToolTip(tr("Records the probe samples to measure saliency."));
    m_steps->setRange(1, 1000000);
    m_steps->setToolTip(tr("DP-SGD steps; more steps need more noise per step."));
    m_batch->setRange(1, 10000000);
    m_batch->setToolTip(tr("Expected records per step (Poisson sampling): larger batches average "
                           "out more noise."));
    m_derived->setTextFormat(Qt::RichText);
    m_derived->setWordWrap(true);
    m_derived->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warnings->setWordWrap(true);
    m_warnings->setObjectName(QStringLiteral("privacyWarnings"));

    auto *budget = new QGroupBox(tr("Privacy budget"), this);
    auto *budgetForm = new QFormLayout(budget);
    auto *epsilonRow = new QHBoxLayout;
    epsilonRow->addWidget(m_epsilon, 1);
    epsilonRow->addWidget(m_epsilonValue);
    auto *epsilonLabel = new QLabel(tr("&Epsilon (ε):"), budget);
    epsilonLabel->setBuddy(m_epsilon);
    budgetForm->addRow(epsilonLabel, epsilonRow);
    auto *deltaRow = new QHBoxLayout;
    deltaRow->addWidget(m_delta, 1);
    deltaRow->addWidget(m_deltaValue);
    deltaRow->addWidget(m_deltaRule);
    deltaRow->addWidget(m_deltaFixed);
    auto *deltaLabel = new QLabel(tr("&Delta (δ):"), budget);
    deltaLabel->setBuddy(m_delta);
    budgetForm->addRow(deltaLabel, deltaRow);

    auto *method = new QGroupBox(tr("DP-SAPF"), this);
    auto *methodForm = new QFormLayout(method);
    auto *ratioRow = new QHBoxLayout;
    ratioRow->addWidget(m_ratio, 1);
    ratioRow->addWidget(m_ratioValue);
    auto *ratioLabel = new QLabel(tr("Selection &ratio c:"), method);
    ratioLabel->setBuddy(m_ratio);
    methodForm->addRow(ratioLabel, ratioRow);
    methodForm->addRow(tr("Probe &noise σ_s:"), m_probeNoise);
    methodForm->addRow(tr("Probe &sample:"), m_probeSample);
    methodForm->addRow(tr("Training s&teps:"), m_steps);
    methodForm->addRow(tr("&Batch size:"), m_batch);

    auto *derived =
        new QGroupBox(tr("What this means (computed before any private data is read)"), this);
    auto *derivedLayout = new QVBoxLayout(derived);
    derivedLayout->addWidget(m_derived);
    derivedLayout->addWidget(m_warnings);
    derivedLayout->addWidget(m_measure, 0, Qt::AlignLeft);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(budget);
    layout->addWidget(method);
    layout->addWidget(derived, 1);

    connect(m_epsilon, &QSlider::valueChanged, this, &PrivacyPanel::emitChanged);
    connect(m_delta, &QSlider::valueChanged, this, [this] {
        if (!m_updating) {
            m_defaultDelta = false;
        }
        emitChanged();
    });
    connect(m_deltaRule, &QPushButton::clicked, this, [this] {
        m_defaultDelta = true;
        emitChanged();
    });
    connect(m_deltaFixed, &QPushButton::clicked, this, [this] {
        PrivacyInputs next = inputs();
        next.delta = 1e-5;
        setInputs(next);
        emitChanged();
    });
    connect(m_ratio, &QSlider::valueChanged, this, &PrivacyPanel::emitChanged);
    for (QSpinBox *box : {m_probeSample, m_steps, m_batch}) {
        connect(box, &QSpinBox::valueChanged, this, &PrivacyPanel::emitChanged);
    }
    connect(m_probeNoise, &QDoubleSpinBox::valueChanged, this, &PrivacyPanel::emitChanged);
    connect(m_measure, &QPushButton::clicked, this, &PrivacyPanel::measureSpeedRequested);
    setInputs(PrivacyInputs{});
}

double PrivacyPanel::deltaCeiling() const
{
    // Strictly below 1/N: the slider's top is 0.99/N (1e-3 while N is unknown).
    return m_records > 1 ? 0.99 / static_cast<double>(m_records) : 1e-3;
}

void PrivacyPanel::setRecordCount(qint64 records)
{
    const PrivacyInputs current = inputs();
    m_records = records;
    m_deltaRule->setEnabled(records > 1);
    m_deltaFixed->setEnabled(records > 1 && 1e-5 < deltaCeiling());
    setInputs(current);
    emitChanged();
}

void PrivacyPanel::setInputs(const PrivacyInputs &inputs)
{
    m_updating = true;
    m_epsilon->setValue(toLogSlider(inputs.epsilon, kEpsilonMin, kEpsilonMax));
    m_defaultDelta = inputs.delta <= 0.0;
    if (!m_defaultDelta) {
        m_delta->setValue(
            toLogSlider(std::min(inputs.delta, deltaCeiling()), kDeltaMin, deltaCeiling()));
    } else if (m_records > 1) {
        const double rule =
            1.0 / (static_cast<double>(m_records) * std::log(static_cast<double>(m_records)));
        m_delta->setValue(toLogSlider(rule, kDeltaMin, deltaCeiling()));
    }
    m_ratio->setValue(static_cast<int>(std::lround((inputs.ratio - kRatioMin) * 100.0)));
    m_probeNoise->setValue(inputs.probeNoise);
    m_probeSample->setValue(static_cast<int>(inputs.probeSampleSize));
    m_steps->setValue(static_cast<int>(inputs.steps));
    m_batch->setValue(static_cast<int>(inputs.batchSize));
    m_updating = false;
    updateLabels();
}

PrivacyInputs PrivacyPanel::inputs() const
{
    PrivacyInputs out;
    out.epsilon = fromLogSlider(m_epsilon->value(), kEpsilonMin, kEpsilonMax);
    // Two significant digits: slider positions map to readable budgets (9.9, 10, 12, ...).
    out.epsilon = QString::number(out.epsilon, 'g', 2).toDouble();
    out.delta = m_defaultDelta ? 0.0 : fromLogSlider(m_delta->value(), kDeltaMin, deltaCeiling());
    if (!m_defaultDelta) {
        out.delta = std::min(QString::number(out.delta, 'g', 2).toDouble(), deltaCeiling());
    }
    out.ratio = kRatioMin + m_ratio->value() / 100.0;
    out.probeNoise = m_probeNoise->value();
    out.probeSampleSize = m_probeSample->value();
    out.steps = m_steps->value();
    out.batchSize = m_batch->value();
    return out;
}

void PrivacyPanel::updateLabels()
{
    const PrivacyInputs current = inputs();
    m_epsilonValue->setText(QStringLiteral("ε = %1").arg(current.epsilon));
    m_deltaValue->setText(m_defaultDelta ? tr("δ = 1/(N ln N)")
                                         : QStringLiteral("δ = %1").arg(scientific(current.delta)));
    m_ratioValue->setText(QStringLiteral("c = %1").arg(current.ratio, 0, 'f', 2));
}

void PrivacyPanel::emitChanged()
{
    if (m_updating) {
        return;
    }
    updateLabels();
    Q_EMIT inputsChanged(inputs());
}

void PrivacyPanel::showPreview(const PrivacyPreview &preview)
{
    if (!preview.error.isEmpty()) {
        m_derived->setText(QStringLiteral("<b>%1</b>").arg(preview.error.toHtmlEscaped()));
        m_warnings->clear();
        return;
    }
    QStringList rows;
    rows << tr("Training records N: %1; δ = %2 (%3)")
                .arg(count(preview.records), scientific(preview.delta), preview.deltaRule);
    rows << tr("Sampling rates: q = %1 per training step, q_s = %2 for the probe")
                .arg(scientific(preview.sampleRate), scientific(preview.probeSampleRate));
    rows << tr("Noise multiplier for training σ = <b>%1</b> (calibrated with %2 so that probe + "
               "training spend ε = %3)%4")
                .arg(QString::number(preview.sigma, 'f', 4), preview.accountant,
                     QString::number(inputs().epsilon),
                     preview.final ? QString() : tr(" — refining with PRV…"));
    QString probe =
        tr("ε spent by the probe alone: %1 (RDP)").arg(scientific(preview.probeEpsilonRdp));
    if (preview.probeEpsilonPrv > 0.0) {
        probe += tr(", %1 (PRV)").arg(scientific(preview.probeEpsilonPrv));
    }
    rows << probe;
    rows << tr("ε of probe + training under RDP (an upper bound): %1")
                .arg(scientific(preview.totalEpsilonRdp));
    rows << tr("Trainable LoRA parameters: DP-SAPF %1–%2 (%3 of %4 matrices, depending on the "
               "probe), DP-LoRA %5 (all %4)")
                .arg(count(preview.sapfParametersFewest), count(preview.sapfParametersMost))
                .arg(preview.selectedMatrices)
                .arg(preview.candidateMatrices)
                .arg(count(preview.loraParameters));
    rows << tr("Runtime: %1").arg(preview.runtime);
    rows << tr("Memory: %1").arg(preview.memory);
    m_derived->setText(rows.join(QStringLiteral("<br>")));

    QStringList warnings = preview.warnings;
    const PrivacyInputs current = inputs();
    if (current.epsilon > kLargeEpsilon) {
        warnings << tr("ε above 10 gives weak protection: an attacker may learn much more about "
                       "an individual than with ε ≤ 10.");
    }
    if (current.ratio >= kCollapseRatio) {
        warnings << tr("c ≥ 0.6 is where the paper reports collapse: too many adapters share the "
                       "noise. 0.2–0.4 works best.");
    }
    m_warnings->setText(warnings.isEmpty()
                            ? QString()
                            : QStringLiteral("⚠ ") + warnings.join(QStringLiteral("\n⚠ ")));
}

QString PrivacyPanel::previewText() const
{
    return m_derived->text() + QLatin1Char('\n') + m_warnings->text();
}

} // namespace dpsapf::ui
