// SPDX-License-Identifier: GPL-3.0-or-later
// Data, model and privacy pages of a new run (run_setup_controller.h).
#include "run_setup_controller.h"

#include "panels/data_panel.h"
#include "panels/model_panel.h"
#include "panels/privacy_panel.h"
#include "settings.h"

#include <algorithm>

namespace dpsapf::app {
namespace {

constexpr int kPreviewDelayMs = 150;

ui::ModelOverview modelOverview(const core::ModelSummary &summary)
{
    ui::ModelOverview overview;
    overview.path = QString::fromStdString(summary.folder.string());
    overview.name = QString::fromStdString(summary.name);
    overview.family = QString::fromStdString(summary.family);
    overview.resolution = static_cast<int>(summary.imageSize);
    overview.channels = static_cast<int>(summary.imageChannels);
    overview.totalParameters = summary.totalParameters;
    overview.attentionParameters = summary.attentionParameters;
    if (summary.latent) {
        QStringList components;
        for (const core::ModelComponent &component : summary.components) {
            components << (component.parameters > 0
                               ? QStringLiteral("%1 %2")
                                     .arg(QString::fromStdString(component.name))
                                     .arg(component.parameters)
                               : QString::fromStdString(component.name));
        }
        overview.description =
            QObject::tr("Latent space: training images of %1×%1 RGB are encoded by the VAE and "
                        "the classes are described by text prompts. %2 (%3), weights stored as %4.")
                .arg(summary.imageSize)
                .arg(QString::fromStdString(summary.layout), components.join(QStringLiteral(", ")),
                     QString::fromStdString(summary.storedDtype));
    } else {
        overview.description =
            QObject::tr("Images of %1×%1 pixels; the UNet sees them as %2 channels of %3×%3.")
                .arg(summary.imageSize)
                .arg(summary.imageChannels * summary.pixelUnshuffle * summary.pixelUnshuffle)
                .arg(summary.imageSize / summary.pixelUnshuffle);
    }
    for (const std::string &block : summary.transformerBlocks) {
        overview.blockNames << QString::fromStdString(block);
        int matrices = 0;
        for (const core::AttentionMatrixInfo &matrix : summary.attentionMatrices) {
            matrices += matrix.key.rfind(block + ".", 0) == 0 ? 1 : 0;
        }
        overview.blockMatrixCounts << matrices;
    }
    for (const core::AttentionMatrixInfo &matrix : summary.attentionMatrices) {
        overview.attentionMatrices.append(
            {QString::fromStdString(matrix.key),
             QStringLiteral("%1×%2").arg(matrix.rows).arg(matrix.columns)});
    }
    for (const std::string &name : summary.classNames) {
        overview.classNames << QString::fromStdString(name);
    }
    return overview;
}

std::optional<MeasuredSpeed> storedSpeed()
{
    MeasuredSpeed speed;
    speed.dpStepSeconds = settings::kDpStepSeconds.value();
    speed.probeSeconds = settings::kProbeSeconds.value();
    speed.peakMemoryMb = settings::kPeakMemoryMb.value();
    speed.threads = settings::kSpeedThreads.value();
    speed.gmacPerImage = settings::kSpeedGmac.value();
    if (speed.dpStepSeconds <= 0.0) {
        return std::nullopt;
    }
    return speed;
}

ui::PrivacyInputs privacyInputs(const core::RunConfig &config)
{
    ui::PrivacyInputs inputs;
    inputs.epsilon = config.privacy.epsilon;
    inputs.delta = config.privacy.delta;
    inputs.ratio = config.selection.ratio;
    inputs.probeNoise = config.probe.noiseMultiplier;
    inputs.probeSampleSize = config.probe.sampleSize;
    inputs.steps = config.train.steps;
    inputs.batchSize = config.train.batchSize;
    return inputs;
}

} // namespace

RunSetupController::RunSetupController(ui::DataPanel *data, ui::ModelPanel *model,
                                       ui::PrivacyPanel *privacy, BackgroundTasks *tasks,
                                       QObject *parent)
    : QObject(parent)
    , m_data(data)
    , m_model(model)
    , m_privacy(privacy)
    , m_tasks(tasks)
    , m_speed(storedSpeed())
{
    m_previewTimer.setSingleShot(true);
    m_previewTimer.setInterval(kPreviewDelayMs);
    connect(&m_previewTimer, &QTimer::timeout, this, [this] { runPreview(false); });
    connect(m_data, &ui::DataPanel::loadRequested, this, &RunSetupController::loadDataset);
    connect(m_model, &ui::ModelPanel::modelRequested, this, &RunSetupController::loadModel);
    connect(m_privacy, &ui::PrivacyPanel::inputsChanged, this,
            &RunSetupController::schedulePreview);
    connect(m_privacy, &ui::PrivacyPanel::measureSpeedRequested, this,
            &RunSetupController::measureSpeed);
}

void RunSetupController::refreshAll()
{
    loadDataset(m_data->choice());
    loadModel(m_model->modelPath());
    schedulePreview();
}

void RunSetupController::refreshAllAndWait()
{
    loadDataset(m_data->choice());
    loadModel(m_model->modelPath());
    m_tasks->waitForAll();
    m_previewTimer.stop();
    runPreview(true);
    m_tasks->waitForAll();
}

bool RunSetupController::setPreset(const QString &name)
{
    const core::Expected<core::RunConfig> preset = core::presetConfig(name.toStdString());
    if (!preset) {
        return false;
    }
    m_preset = name;
    m_split = preset->dataset;
    m_privacy->setInputs(privacyInputs(preset.value()));
    applyRecordCount();
    return true;
}

void RunSetupController::showRunConfig(const core::RunConfig &config)
{
    m_split = config.dataset;
    m_privacy->setInputs(privacyInputs(config));
    const ui::DatasetChoice choice = datasetChoice(config.dataset);
    const bool otherDataset = choice.kind != m_data->choice().kind ||
                              choice.path != m_data->choice().path ||
                              choice.labelsPath != m_data->choice().labelsPath;
    m_data->setChoice(choice);
    m_model->setModelPath(QString::fromStdString(config.modelPath));
    m_model->setComputeSettings({QString::fromStdString(config.device),
                                 QString::fromStdString(config.gradientCheckpointing),
                                 QString::fromStdString(config.frozenPrecision)});
    if (otherDataset && m_loadedRecords > 0) {
        loadDataset(choice);
    } else {
        applyRecordCount();
    }
}

void RunSetupController::applyRecordCount()
{
    // N as prepare computes it: the training split, then the limit.
    qint64 records = m_split.trainSize > 0 ? std::min<qint64>(m_split.trainSize, m_loadedRecords)
                                           : m_loadedRecords - m_loadedRecords / 12;
    if (m_split.limit > 0) {
        records = std::min<qint64>(records, m_split.limit);
    }
    m_trainRecords = records;
    m_privacy->setRecordCount(m_trainRecords);
    schedulePreview();
}

void RunSetupController::loadDataset(const ui::DatasetChoice &choice)
{
    m_data->showLoading();
    m_tasks->run<DatasetInspection>(
        [choice] { return inspectDataset(choice); },
        [this](const DatasetInspection &inspection) { applyDataset(inspection); });
}

void RunSetupController::applyDataset(const DatasetInspection &inspection)
{
    if (!inspection.error.isEmpty()) {
        m_data->showError(inspection.error);
        m_loadedRecords = 0;
    } else {
        m_data->showOverview(inspection.overview);
        m_loadedRecords = inspection.overview.records;
    }
    applyRecordCount();
}

void RunSetupController::loadModel(const QString &path)
{
    m_model->showLoading();
    m_tasks->run<core::Expected<core::ModelSummary>>(
        [path] { return core::summarizePublicModel(path.toStdString()); },
        [this](const core::Expected<core::ModelSummary> &summary) { applyModel(summary); });
}

void RunSetupController::applyModel(const core::Expected<core::ModelSummary> &summary)
{
    if (!summary) {
        m_model->showError(QString::fromStdString(summary.error().message));
        m_modelSummary.reset();
    } else {
        m_model->showOverview(modelOverview(summary.value()));
        m_modelSummary = summary.value();
    }
    schedulePreview();
}

void RunSetupController::schedulePreview()
{
    m_previewTimer.start();
}

void RunSetupController::runPreview(bool final)
{
    PreviewRequest request;
    request.inputs = m_privacy->inputs();
    request.trainRecords = m_trainRecords;
    request.model = m_modelSummary;
    request.speed = m_speed;
    request.final = final;
    const int generation = final ? m_previewGeneration : ++m_previewGeneration;
    m_tasks->run<ui::PrivacyPreview>([request] { return computePrivacyPreview(request); },
                                     [this, generation, final](const ui::PrivacyPreview &preview) {
                                         if (generation != m_previewGeneration) {
                                             return; // the inputs moved on
                                         }
                                         m_privacy->showPreview(preview);
                                         if (!final && preview.error.isEmpty()) {
                                             runPreview(
                                                 true); // refine the fast RDP estimate with PRV
                                         }
                                     });
}

void RunSetupController::measureSpeed()
{
    m_privacy->setEnabled(false);
    m_tasks->run<std::optional<MeasuredSpeed>>(
        [] { return app::measureSpeed(nullptr); },
        [this](const std::optional<MeasuredSpeed> &speed) {
            m_privacy->setEnabled(true);
            if (speed) {
                m_speed = speed;
                settings::kDpStepSeconds.setValue(speed->dpStepSeconds);
                settings::kProbeSeconds.setValue(speed->probeSeconds);
                settings::kPeakMemoryMb.setValue(speed->peakMemoryMb);
                settings::kSpeedThreads.setValue(speed->threads);
                settings::kSpeedGmac.setValue(speed->gmacPerImage);
            }
            schedulePreview();
        });
}

core::RunConfig RunSetupController::newRunConfig() const
{
    // The quick preset is sized for a CPU; the privacy page's choices override it.
    core::RunConfig config = core::presetConfig(m_preset.toStdString()).value();
    config.dataset.trainSize = m_split.trainSize; // the split the privacy page showed
    config.dataset.limit = m_split.limit;
    config.dataset.splitSeed = m_split.splitSeed;
    config.compareVariants.clear();
    config.variant = core::RunVariant::DpSapf;
    const core::DatasetSettings chosen = datasetSettings(m_data->choice());
    config.dataset.kind = chosen.kind; // the preset's split and limit stay
    config.dataset.path = chosen.path;
    config.dataset.labelsPath = chosen.labelsPath;
    config.dataset.badFiles = chosen.badFiles;
    config.modelPath = m_model->modelPath().toStdString();
    const ui::ComputeSettings compute = m_model->computeSettings();
    config.device = compute.device.toStdString();
    config.gradientCheckpointing = compute.checkpointing.toStdString();
    config.frozenPrecision = compute.frozenPrecision.toStdString();
    const ui::PrivacyInputs inputs = m_privacy->inputs();
    config.privacy.epsilon = inputs.epsilon;
    config.privacy.delta = inputs.delta;
    config.selection.ratio = inputs.ratio;
    config.probe.noiseMultiplier = inputs.probeNoise;
    config.probe.sampleSize = inputs.probeSampleSize;
    config.train.steps = inputs.steps;
    config.train.batchSize = inputs.batchSize;
    return config;
}

} // namespace dpsapf::app
