// SPDX-License-Identifier: GPL-3.0-or-later
// The privacy budget and training size of a new run: log-scale sliders for epsilon and delta, the
// selection ratio c, probe noise, steps and batch; the derived values (calibrated sigma, epsilon of
// probe vs training, trainable parameters, runtime) come back from the app as a PrivacyPreview.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace dpsapf::ui {

struct PrivacyInputs {
    double epsilon = 10.0;
    double delta = 0.0; // 0 = 1/(N ln N)
    double ratio = 0.3; // c
    double probeNoise = 5.0;
    qint64 probeSampleSize = 5000;
    qint64 steps = 25;
    qint64 batchSize = 256;
};

struct PrivacyPreview {
    QString error; // non-empty: nothing else is valid
    qint64 records = 0;
    double delta = 0.0;
    QString deltaRule;
    double sampleRate = 0.0;
    double probeSampleRate = 0.0;
    double sigma = 0.0;
    QString accountant; // that calibrated sigma: "PRV" or "RDP"
    bool final = false; // false: a fast RDP estimate; the PRV result follows
    double probeEpsilonRdp = 0.0;
    double probeEpsilonPrv = 0.0; // 0 when not computed
    double totalEpsilonRdp = 0.0;
    int candidateMatrices = 0;
    int selectedMatrices = 0;
    qint64 sapfParametersFewest = 0;
    qint64 sapfParametersMost = 0;
    qint64 loraParameters = 0;
    QString runtime; // "about 6 min (measured on this computer)" or how to get an estimate
    QString memory;
    QStringList warnings;
};

class PrivacyPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit PrivacyPanel(QWidget *parent = nullptr);

    // N of the chosen dataset's training split (0: not loaded yet); caps delta below 1/N.
    void setRecordCount(qint64 records);
    void setInputs(const PrivacyInputs &inputs);
    [[nodiscard]] PrivacyInputs inputs() const;
    void showPreview(const PrivacyPreview &preview);
    [[nodiscard]] QString previewText() const; // the derived values as shown (tests)

Q_SIGNALS:
    void inputsChanged(const dpsapf::ui::PrivacyInputs &inputs);
    void measureSpeedRequested();

private:
    void updateLabels();
    void emitChanged();
    [[nodiscard]] double deltaCeiling() const;

    qint64 m_records = 0;
    bool m_defaultDelta = true;
    bool m_updating = false;
    QSlider *m_epsilon;
    QLabel *m_epsilonValue;
    QSlider *m_delta;
    QLabel *m_deltaValue;
    QPushButton *m_deltaRule;
    QPushButton *m_deltaFixed;
    QSlider *m_ratio;
    QLabel *m_ratioValue;
    QDoubleSpinBox *m_probeNoise;
    QSpinBox *m_probeSample;
    QSpinBox *m_steps;
    QSpinBox *m_batch;
    QLabel *m_derived;
    QLabel *m_warnings;
    QPushButton *m_measure;
};

} // namespace dpsapf::ui

Q_DECLARE_METATYPE(dpsapf::ui::PrivacyInputs)
