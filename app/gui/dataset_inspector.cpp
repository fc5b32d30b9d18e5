// SPDX-License-Identifier: GPL-3.0-or-later
// Dataset summary for the data view (dataset_inspector.h).
#include "dataset_inspector.h"

#include "dpsapf/core/image_dataset.h"

#include <QObject>

namespace dpsapf::app {
namespace {

QImage toQImage(const core::Image &image)
{
    const QImage::Format format =
        image.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    const QImage view(image.pixels.data(), image.width, image.height, image.width * image.channels,
                      format);
    return view.copy(); // owns its pixels: the dataset may go away
}

} // namespace

core::DatasetSettings datasetSettings(const ui::DatasetChoice &choice)
{
    core::DatasetSettings settings;
    settings.kind = choice.kind.toStdString();
    settings.path = choice.path.toStdString();
    settings.labelsPath = choice.labelsPath.toStdString();
    settings.badFiles = choice.skipBadFiles ? "skip" : "fail";
    return settings;
}

ui::DatasetChoice datasetChoice(const core::DatasetSettings &settings)
{
    ui::DatasetChoice choice;
    choice.kind = QString::fromStdString(settings.kind);
    choice.path = QString::fromStdString(settings.path);
    choice.labelsPath = QString::fromStdString(settings.labelsPath);
    choice.skipBadFiles = settings.badFiles == "skip";
    return choice;
}

DatasetInspection inspectDataset(const ui::DatasetChoice &choice, int thumbnailsPerClass)
{
    DatasetInspection inspection;
    core::LoadReport report;
    const core::Expected<std::shared_ptr<core::ImageDataset>> loaded =
        core::loadConfiguredDataset(datasetSettings(choice), report);
    if (!loaded) {
        inspection.error = QString::fromStdString(loaded.error().message);
        return inspection;
    }
    const core::ImageDataset &dataset = *loaded.value();
    ui::DatasetOverview &overview = inspection.overview;
    overview.description = QString::fromStdString(dataset.description());
    overview.records = dataset.size();
    for (const std::string &name : dataset.classNames()) {
        overview.classNames << QString::fromStdString(name);
    }
    overview.classCounts.fill(0, overview.classNames.size());
    QVector<int> shown(overview.classNames.size(), 0);
    for (std::int64_t i = 0; i < dataset.size(); ++i) {
        const auto label = static_cast<int>(dataset.label(i));
        if (label < 0 || label >= overview.classCounts.size()) {
            continue;
        }
        ++overview.classCounts[label];
        if (shown[label] < thumbnailsPerClass) {
            ++shown[label];
            overview.thumbnails.append(toQImage(dataset.image(i)));
            overview.thumbnailLabels.append(label);
        }
    }
    for (const auto &[size, images] : report.imageSizes) {
        overview.imageSizes
            << QStringLiteral("%1: %2").arg(QString::fromStdString(size)).arg(images);
    }
    for (const std::string &problem : report.problems) {
        overview.problems << QString::fromStdString(problem);
    }
    overview.skipped = report.skipped;
    overview.fingerprint = QString::fromStdString(core::datasetFingerprint(dataset));
    return inspection;
}

} // namespace dpsapf::app
