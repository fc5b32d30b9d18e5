// SPDX-License-Identifier: GPL-3.0-or-later
// Reading run folders for the views (run_folder_reader.h).
#include "run_folder_reader.h"

#include "dpsapf/core/run_layout.h"
#include "dpsapf/core/run_pipeline.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <nlohmann/json.hpp>

#include <fstream>

namespace dpsapf::app {
namespace {

namespace fs = std::filesystem;

core::Expected<nlohmann::json> readJson(const fs::path &path)
{
    std::ifstream in(path);
    if (!in) {
        return core::makeError(core::ErrorCode::Io, path.string() + ": cannot open");
    }
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception &exception) {
        return core::makeError(core::ErrorCode::Format, path.string() + ": " + exception.what());
    }
}

QVector<ui::SampleGridFile> sampleGrids(const core::RunPaths &paths)
{
    QVector<ui::SampleGridFile> grids;
    const QDir dir(QString::fromStdString(paths.samples().string()));
    static const QRegularExpression pattern(QStringLiteral("^step_(\\d+)\\.png$"));
    for (const QString &name :
         dir.entryList({QStringLiteral("step_*.png")}, QDir::Files, QDir::Name)) {
        const QRegularExpressionMatch match = pattern.match(name);
        if (match.hasMatch()) {
            grids.append({match.captured(1).toLongLong(), dir.filePath(name)});
        }
    }
    return grids;
}

void append(QVector<double> &steps, QVector<double> &values, const nlohmann::json &line,
            const char *key)
{
    const auto found = line.find(key);
    if (found != line.end() && found->is_number()) {
        steps.append(line.value("step", 0.0));
        values.append(found->get<double>());
    }
}

} // namespace

core::Expected<RunSnapshot> readRunSnapshot(const QString &folder)
{
    const core::RunPaths paths{folder.toStdString()};
    core::Expected<nlohmann::json> config = readJson(paths.config());
    if (!config) {
        return core::makeError(config.error().code, config.error().message + " (not a run folder)");
    }
    RunSnapshot snapshot;
    snapshot.folder = QDir(folder).absolutePath();
    try {
        core::Expected<core::RunConfig> parsed = core::runConfigFromJson(config->at("config"));
        if (!parsed) {
            return core::makeError(core::ErrorCode::Format,
                                   paths.config().string() + ": " + parsed.error().message);
        }
        snapshot.config = std::move(parsed).value();
        for (const auto &name : config->at("resolved").at("class_names")) {
            snapshot.classNames << QString::fromStdString(name.get<std::string>());
        }
    } catch (const nlohmann::json::exception &exception) {
        return core::makeError(core::ErrorCode::Format,
                               paths.config().string() + ": " + exception.what());
    }
    core::Expected<core::RunSummary> summary = core::readRunSummary(paths.root);
    if (!summary) {
        return summary.error();
    }
    snapshot.summary = std::move(summary).value();
    std::error_code error;
    snapshot.trainingStarted = fs::exists(paths.latestCheckpoint(), error);
    core::Expected<std::vector<core::RunStage>> pending = core::pendingStages(paths.root);
    if (!pending) {
        return pending.error();
    }
    for (core::RunStage stage : pending.value()) {
        snapshot.pendingStages << QString::fromStdString(core::stageName(stage));
    }
    if (fs::exists(paths.scores(), error)) {
        core::Expected<nlohmann::json> json = readJson(paths.scores());
        if (!json) {
            return json.error();
        }
        core::Expected<core::NoisyScores> scores = core::noisyScoresFromJson(json.value());
        if (!scores) {
            return core::makeError(core::ErrorCode::Format,
                                   paths.scores().string() + ": " + scores.error().message);
        }
        snapshot.scores = std::move(scores).value();
    }
    snapshot.grids = sampleGrids(paths);
    return snapshot;
}

QStringList relatedRuns(const QString &folder)
{
    const QDir run(folder);
    QStringList related{run.absolutePath()};
    const auto addIfRun = [&related](const QString &candidate) {
        const QString absolute = QDir(candidate).absolutePath();
        if (!related.contains(absolute) &&
            QFileInfo::exists(QDir(absolute).filePath(QStringLiteral("config.json")))) {
            related.append(absolute);
        }
    };
    const QString study =
        QFileInfo(run.absolutePath()).dir().filePath(QStringLiteral("study.json"));
    if (core::Expected<nlohmann::json> json = readJson(study.toStdString()); json) {
        const auto variants = json->find("variants");
        if (variants != json->end() && variants->is_array()) {
            for (const auto &variant : *variants) {
                if (variant.is_string()) {
                    addIfRun(QFileInfo(study).dir().filePath(
                        QString::fromStdString(variant.get<std::string>())));
                }
            }
        }
    }
    addIfRun(run.absolutePath() + QStringLiteral("-dp-lora"));
    return related;
}

QVector<ui::SaliencyEntry> saliencyEntries(const core::NoisyScores &scores, double ratio)
{
    const core::Expected<core::Selection> selection = core::selectMatrixTopC(scores, ratio);
    QVector<ui::SaliencyEntry> entries;
    for (std::size_t i = 0; i < scores.keys.size(); ++i) {
        ui::SaliencyEntry entry;
        entry.key = QString::fromStdString(scores.keys[i]);
        if (i < scores.shapes.size()) {
            for (std::int64_t extent : scores.shapes[i]) {
                entry.shape.append(extent);
            }
        }
        entry.score = scores.scores[i];
        if (selection) {
            entry.rank = i < selection->ranks.size() ? static_cast<int>(selection->ranks[i]) : 0;
            entry.selected = std::binary_search(selection->selectedKeys.begin(),
                                                selection->selectedKeys.end(), scores.keys[i]);
        }
        entries.append(entry);
    }
    return entries;
}

QString releaseDescription(const core::NoisyScores &scores)
{
    return QObject::tr("Noisy release: σ_s = %1, q_s = %2, %3 records sampled, noise standard "
                       "deviation %4 per score. Only these noisy scores are stored or shown.")
        .arg(scores.noiseMultiplier)
        .arg(scores.sampleRate, 0, 'g', 3)
        .arg(scores.recordsUsed)
        .arg(scores.noiseMultiplier * scores.clipNorm * scores.clipNorm);
}

bool MetricPoints::isEmpty() const
{
    return lossSteps.isEmpty() && epsilonSteps.isEmpty() && fidSteps.isEmpty() &&
           accuracySteps.isEmpty();
}

MetricPoints MetricsReader::readNew(bool *restarted)
{
    MetricPoints points;
    if (restarted != nullptr) {
        *restarted = false;
    }
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        return points;
    }
    if (file.size() < m_offset) {
        m_offset = 0;
        if (restarted != nullptr) {
            *restarted = true;
        }
    }
    file.seek(m_offset);
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        if (!line.endsWith('\n')) {
            break; // a line being written: read it next time
        }
        m_offset += line.size();
        const nlohmann::json json = nlohmann::json::parse(line.constData(), nullptr, false);
        if (!json.is_object()) {
            continue;
        }
        if (json.value("checkpoint", false)) {
            append(points.epsilonSteps, points.epsilons, json, "epsilon");
        } else if (json.value("eval", false)) {
            append(points.fidSteps, points.fids, json, "fid");
            append(points.accuracySteps, points.accuracies, json, "accuracy_proxy");
        } else {
            append(points.lossSteps, points.losses, json, "loss");
        }
    }
    return points;
}

} // namespace dpsapf::app
