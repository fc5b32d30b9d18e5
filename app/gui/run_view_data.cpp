// SPDX-License-Identifier: GPL-3.0-or-later
// Formatting run values for the views (run_view_data.h).
#include "run_view_data.h"

#include "dpsapf/core/run_layout.h"
#include "plots/metric_curves.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QImageReader>
#include <QLocale>
#include <QObject>

namespace dpsapf::app {
namespace {

QString optionalNumber(const std::optional<double> &value, int decimals)
{
    return value ? QString::number(*value, 'f', decimals) : QStringLiteral("–");
}

} // namespace

QStringList comparisonRowNames()
{
    return {QObject::tr("Variant"),
            QObject::tr("Target ε"),
            QObject::tr("ε spent (PRV)"),
            QObject::tr("ε spent (RDP bound)"),
            QObject::tr("δ"),
            QObject::tr("Noise multiplier σ"),
            QObject::tr("Selected matrices"),
            QObject::tr("Trainable parameters"),
            QObject::tr("Steps done"),
            QObject::tr("Final training loss (not private)"),
            QObject::tr("FID (sensitive data, not DP)"),
            QObject::tr("Accuracy (sensitive data, not DP)")};
}

ui::CompareColumn comparisonColumn(const RunSnapshot &run)
{
    const core::RunSummary &s = run.summary;
    const QLocale locale;
    ui::CompareColumn column;
    column.folder = run.folder;
    column.title = QStringLiteral("%1 (%2)").arg(QString::fromStdString(s.name),
                                                 QString::fromStdString(s.variant));
    column.values = {
        QString::fromStdString(s.variant),
        QString::number(s.targetEpsilon),
        optionalNumber(s.epsilonPrv, 3),
        optionalNumber(s.epsilonRdp, 3),
        QString::number(s.delta, 'g', 3),
        QString::number(s.noiseMultiplier, 'f', 4),
        s.selectedMatrices > 0
            ? QStringLiteral("%1 / %2").arg(s.selectedMatrices).arg(s.candidateMatrices)
            : QStringLiteral("–"),
        s.trainableParameters > 0 ? locale.toString(s.trainableParameters) : QStringLiteral("–"),
        QStringLiteral("%1 / %2").arg(s.stepsDone).arg(s.stepsPlanned),
        optionalNumber(s.finalLoss, 4),
        optionalNumber(s.fid, 2),
        s.accuracy ? QStringLiteral("%1 %").arg(*s.accuracy * 100.0, 0, 'f', 1)
                   : QStringLiteral("–")};
    if (!run.grids.isEmpty()) {
        QImageReader reader(run.grids.last().path);
        column.samples = reader.read();
    }
    return column;
}

void appendMetricPoints(ui::MetricCurves &curves, int track, const MetricPoints &points)
{
    if (!points.lossSteps.isEmpty()) {
        curves.appendPoints(track, ui::CurveMetric::Loss, points.lossSteps, points.losses);
    }
    if (!points.epsilonSteps.isEmpty()) {
        curves.appendPoints(track, ui::CurveMetric::Epsilon, points.epsilonSteps, points.epsilons);
    }
    if (!points.fidSteps.isEmpty()) {
        curves.appendPoints(track, ui::CurveMetric::Fid, points.fidSteps, points.fids);
    }
    if (!points.accuracySteps.isEmpty()) {
        curves.appendPoints(track, ui::CurveMetric::Accuracy, points.accuracySteps,
                            points.accuracies);
    }
}

ui::ExportResult exportResult(const QString &destination, const RunSnapshot &run)
{
    ui::ExportResult result;
    result.destination = destination;
    qint64 classImages = 0;
    qint64 referenceImages = 0;
    QDirIterator files(destination, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QFileInfo info(files.next());
        result.bytes += info.size();
        const QString relative = info.filePath().mid(destination.size() + 1);
        if (relative.startsWith(QLatin1String("images/"))) {
            ++classImages;
        } else if (relative.startsWith(QLatin1String("gen/"))) {
            ++referenceImages; // the same images in the reference layout
        } else {
            result.files << relative;
        }
    }
    result.files.sort();
    result.images = classImages > 0 ? classImages : referenceImages;
    result.privacyLine = QObject::tr("ε = %1 (PRV), %2 (RDP bound), δ = %3; %4")
                             .arg(optionalNumber(run.summary.epsilonPrv, 3),
                                  optionalNumber(run.summary.epsilonRdp, 3))
                             .arg(run.summary.delta, 0, 'g', 3)
                             .arg(QString::fromStdString(run.summary.variant));
    return result;
}

} // namespace dpsapf::app
