// SPDX-License-Identifier: GPL-3.0-or-later
// Run preparation (data, delta, sigma calibration, config.json, ledger) and stage dispatch.
#include "dpsapf/core/run_pipeline.h"

#include "dpsapf/core/logging.h"
#include "dpsapf/core/privacy_ledger.h"
#include "dpsapf/core/privacy_plan.h"
#include "dpsapf/core/version.h"
#include "pipeline/class_prompts.h"
#include "pipeline/stages.h"
#include "pipeline/training_memory.h"
#include "util/compute_device.h"

#include <torch/torch.h>

#include <algorithm>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

Expected<bool> openFolder(const fs::path &dir, RunOpenMode mode)
{
    std::error_code error;
    const bool exists = fs::exists(dir, error);
    const bool empty = !exists || fs::is_empty(dir, error);
    if (exists && !empty) {
        if (mode == RunOpenMode::Create) {
            return makeError(ErrorCode::InvalidArgument,
                             dir.string() +
                                 ": already exists; use --resume to continue it or --force to "
                                 "replace it");
        }
        if (!fs::is_regular_file(RunPaths{dir}.config(), error)) {
            return makeError(ErrorCode::InvalidArgument,
                             dir.string() +
                                 ": not a run folder (no config.json); refusing to replace it");
        }
        fs::remove_all(dir, error);
        if (error) {
            return makeError(ErrorCode::Io,
                             dir.string() + ": cannot remove (" + error.message() + ")");
        }
    }
    fs::create_directories(dir, error);
    if (error) {
        return makeError(ErrorCode::Io, dir.string() + ": cannot create (" + error.message() + ")");
    }
    return true;
}

Expected<ResolvedPlan> resolvePlan(const RunConfig &config, const SensitiveData &data,
                                   const PublicModel &model)
{
    ResolvedPlan plan;
    plan.trainRecords = data.size();
    plan.validationRecords = static_cast<std::int64_t>(data.split.validation.size());
    plan.classNames = data.classNames;
    plan.datasetFingerprint = data.fingerprint;
    plan.datasetDescription = data.description;
    plan.nativeWidth = data.nativeWidth;
    plan.nativeHeight = data.nativeHeight;
    plan.nativeChannels = data.nativeChannels;
    plan.modelFolder = fs::absolute(model.folder).lexically_normal().string();
    plan.modelImageSize = model.imageSize;
    plan.modelChannels = model.imageChannels;
    plan.modelLatent = model.isLatent();
    if (model.isLatent()) {
        Expected<std::vector<std::string>> prompts =
            resolveClassPrompts(config.prompts, plan.classNames);
        if (!prompts) {
            return prompts.error();
        }
        plan.classPrompts = prompts.value();
    }
    plan.softwareVersion = kVersion;
    if (auto valid = config.validateForDataset(plan.trainRecords); !valid) {
        return valid.error();
    }
    // "cuda" without a usable device, and a precision the model or device cannot take, are
    // refused here, before anything is written.
    Expected<torch::Device> device = resolveComputeDevice(config.device, "device");
    if (!device) {
        return device.error();
    }
    if (auto type = frozenPrecisionFor(model, config.frozenPrecision, device.value()); !type) {
        return type.error();
    }
    PrivacyPlanRequest request;
    request.trainRecords = plan.trainRecords;
    request.targetEpsilon = config.privacy.epsilon;
    request.delta = config.privacy.delta;
    request.chargeProbe = variantRunsProbe(config.variant) ||
                          (config.variant == RunVariant::Random && config.chargeProbe);
    request.probeSampleSize = config.probe.sampleSize;
    request.probeNoiseMultiplier = config.probe.noiseMultiplier;
    request.batchSize = config.train.batchSize;
    request.steps = config.train.steps;
    request.accountant = parseAccountant(config.privacy.accountant).value_or(AccountantKind::Prv);
    Expected<PrivacyPlan> privacy = planPrivacy(request);
    if (!privacy) {
        return privacy.error();
    }
    plan.delta = privacy->delta;
    plan.deltaRule = privacy->deltaRule;
    plan.sampleRate = privacy->sampleRate;
    plan.probeCharged = request.chargeProbe;
    plan.probeSampleRate = privacy->probeSampleRate;
    plan.noiseMultiplier = privacy->noiseMultiplier;
    plan.calibratedEpsilon = privacy->calibratedEpsilon;
    for (const auto &warning : privacy->warnings) {
        logger(LogChannel::Privacy)->warn("{}", warning);
    }
    return plan;
}

Expected<RunOutcome> dispatch(RunContext &run, RunStage stage)
{
    switch (stage) {
    case RunStage::Prepare: return RunOutcome::Completed;
    case RunStage::Probe: return runProbeStage(run);
    case RunStage::Select: return runSelectStage(run);
    case RunStage::Train: return runTrainStage(run);
    case RunStage::Generate: return runGenerateStage(run);
    case RunStage::Export: return runExportStage(run);
    }
    return RunOutcome::Completed;
}

Expected<RunOutcome> runGuarded(RunContext &run, RunStage stage)
{
    RunEvent started;
    started.kind = RunEvent::Kind::StageStarted;
    started.stage = stage;
    run.emit(started);
    Expected<RunOutcome> outcome = [&]() -> Expected<RunOutcome> {
        try {
            return dispatch(run, stage);
        } catch (const c10::Error &error) {
            return makeError(ErrorCode::NumericalFailure,
                             stageName(stage) +
                                 " failed in LibTorch: " + error.what_without_backtrace());
        } catch (const std::exception &error) {
            return makeError(ErrorCode::Io, stageName(stage) + " failed: " + error.what());
        }
    }();
    if (!outcome) {
        logger(LogChannel::App)->error("{}: {}", stageName(stage), outcome.error().message);
        return outcome;
    }
    RunEvent finished;
    finished.kind = RunEvent::Kind::StageFinished;
    finished.stage = stage;
    finished.message = outcome.value() == RunOutcome::Completed ? "finished" : "stopped";
    run.emit(finished);
    return outcome;
}

} // namespace

std::string stageName(RunStage stage)
{
    switch (stage) {
    case RunStage::Prepare: return "prepare";
    case RunStage::Probe: return "probe";
    case RunStage::Select: return "select";
    case RunStage::Train: return "train";
    case RunStage::Generate: return "generate";
    case RunStage::Export: return "export";
    }
    return "prepare";
}

std::optional<RunStage> parseStage(const std::string &name)
{
    for (RunStage stage : {RunStage::Prepare, RunStage::Probe, RunStage::Select, RunStage::Train,
                           RunStage::Generate, RunStage::Export}) {
        if (stageName(stage) == name) {
            return stage;
        }
    }
    return std::nullopt;
}

Expected<RunConfig> prepareRun(const RunConfig &config, const fs::path &runDir, RunOpenMode mode,
                               const RunEventCallback &events)
{
    const RunPaths paths{runDir};
    std::error_code error;
    if (mode == RunOpenMode::Resume) {
        Expected<std::unique_ptr<RunContext>> run = RunContext::open(runDir, nullptr, events);
        if (!run) {
            return run.error();
        }
        return (*run)->config;
    }
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    if (auto opened = openFolder(runDir, mode); !opened) {
        return opened.error();
    }
    for (const fs::path &folder :
         {paths.logs(), paths.data(), paths.saliency(), paths.checkpoints(), paths.samples()}) {
        fs::create_directories(folder, error);
        if (error) {
            return makeError(ErrorCode::Io,
                             folder.string() + ": cannot create (" + error.message() + ")");
        }
    }
    ScopedRunLog log((paths.logs() / "run.log").string());
    RunEvent started;
    started.kind = RunEvent::Kind::StageStarted;
    started.stage = RunStage::Prepare;
    if (events) {
        events(started);
    }
    try {
        Expected<PublicModel> model = loadPublicModel(config.modelPath);
        if (!model) {
            return model.error();
        }
        if (auto set = setTrainingResolution(model.value(), config.modelResolution); !set) {
            return set.error();
        }
        if (auto set = setPredictionType(model.value(), config.predictionType, "prediction_type");
            !set) {
            return set.error();
        }
        Expected<SensitiveData> data =
            loadSensitiveData(config.dataset, model->imageSize, model->imageChannels);
        if (!data) {
            return data.error();
        }
        Expected<ResolvedPlan> plan = resolvePlan(config, data.value(), model.value());
        if (!plan) {
            return plan.error();
        }
        if (auto done = writeIndexList(paths.data() / "train_indices.npy", data->split.train);
            !done) {
            return done.error();
        }
        if (auto done =
                writeIndexList(paths.data() / "validation_indices.npy", data->split.validation);
            !done) {
            return done.error();
        }
        LedgerConfig ledgerConfig;
        ledgerConfig.delta = plan->delta;
        ledgerConfig.epsilonCap = config.privacy.epsilon;
        ledgerConfig.capAccountant =
            parseAccountant(config.privacy.accountant).value_or(AccountantKind::Prv);
        if (auto done = PrivacyLedger(ledgerConfig).save(paths.ledger()); !done) {
            return done.error();
        }
        // config.json last: its presence marks a prepared run.
        if (auto done = writeJsonFile(paths.config(),
                                      {{"config", config.toJson()}, {"resolved", plan->toJson()}});
            !done) {
            return done.error();
        }
        logger(LogChannel::Privacy)
            ->info("{}: N = {}, delta = {:.3g} ({}), q = {:.5f}, sigma = {:.4f} for epsilon {} "
                   "({})",
                   variantName(config.variant), plan->trainRecords, plan->delta, plan->deltaRule,
                   plan->sampleRate, plan->noiseMultiplier, config.privacy.epsilon,
                   config.privacy.accountant);
    } catch (const std::exception &exception) {
        return makeError(ErrorCode::Io, std::string("prepare failed: ") + exception.what());
    }
    RunEvent finished;
    finished.kind = RunEvent::Kind::StageFinished;
    finished.stage = RunStage::Prepare;
    finished.message = "finished";
    if (events) {
        events(finished);
    }
    return config;
}

Expected<RunOutcome> runStage(const fs::path &runDir, RunStage stage, RunControl *control,
                              const RunEventCallback &events)
{
    Expected<std::unique_ptr<RunContext>> run = RunContext::open(runDir, control, events);
    if (!run) {
        return run.error();
    }
    ScopedRunLog log(((*run)->paths.logs() / "run.log").string());
    return runGuarded(**run, stage);
}

Expected<RunOutcome> runRemainingStages(const fs::path &runDir, RunControl *control,
                                        const RunEventCallback &events)
{
    Expected<std::unique_ptr<RunContext>> opened = RunContext::open(runDir, control, events);
    if (!opened) {
        return opened.error();
    }
    RunContext &run = **opened;
    ScopedRunLog log((run.paths.logs() / "run.log").string());
    for (RunStage stage : {RunStage::Probe, RunStage::Select, RunStage::Train, RunStage::Generate,
                           RunStage::Export}) {
        if (stageFinished(run, stage)) {
            continue;
        }
        Expected<RunOutcome> outcome = runGuarded(run, stage);
        if (!outcome || outcome.value() == RunOutcome::Stopped) {
            return outcome;
        }
    }
    return RunOutcome::Completed;
}

Expected<std::vector<RunStage>> pendingStages(const fs::path &runDir)
{
    Expected<std::unique_ptr<RunContext>> opened = RunContext::open(runDir, nullptr, {});
    if (!opened) {
        return opened.error();
    }
    std::vector<RunStage> pending;
    for (RunStage stage : {RunStage::Probe, RunStage::Select, RunStage::Train, RunStage::Generate,
                           RunStage::Export}) {
        if (!stageFinished(**opened, stage)) {
            pending.push_back(stage);
        }
    }
    return pending;
}

Expected<bool> changeSelectionRatio(const fs::path &runDir, double ratio,
                                    const RunEventCallback &events)
{
    const RunPaths paths{runDir};
    Expected<nlohmann::json> json = readJsonFile(paths.config());
    if (!json) {
        return makeError(json.error().code, json.error().message + " (not a prepared run folder)");
    }
    std::error_code error;
    if (fs::exists(paths.latestCheckpoint(), error)) {
        return makeError(ErrorCode::InvalidArgument,
                         runDir.string() +
                             ": training has started; the selection of this run is fixed (start "
                             "a new run to try another selection ratio)");
    }
    nlohmann::json document = json.value();
    try {
        Expected<RunConfig> parsed = runConfigFromJson(document.at("config"));
        if (!parsed) {
            return makeError(ErrorCode::Format,
                             paths.config().string() + ": " + parsed.error().message);
        }
        RunConfig config = parsed.value();
        config.selection.ratio = ratio;
        if (auto valid = config.validate(); !valid) {
            return valid.error();
        }
        document["config"] = config.toJson();
    } catch (const nlohmann::json::exception &exception) {
        return makeError(ErrorCode::Format, paths.config().string() + ": " + exception.what());
    }
    if (auto done = writeJsonFile(paths.config(), document); !done) {
        return done.error();
    }
    Expected<RunOutcome> selected = runStage(runDir, RunStage::Select, nullptr, events);
    if (!selected) {
        return selected.error();
    }
    return true;
}

Expected<fs::path> exportRun(const fs::path &runDir, const ExportSettings &formats,
                             const fs::path &destination, const RunEventCallback &events)
{
    Expected<std::unique_ptr<RunContext>> opened = RunContext::open(runDir, nullptr, events);
    if (!opened) {
        return opened.error();
    }
    RunContext &run = **opened;
    fs::path target = destination.empty() ? run.paths.exportDir() : destination;
    std::error_code error;
    const bool insideRun =
        fs::weakly_canonical(target, error) == fs::weakly_canonical(run.paths.exportDir(), error);
    if (!insideRun && fs::exists(target, error) && !fs::is_empty(target, error)) {
        return makeError(ErrorCode::InvalidArgument,
                         target.string() +
                             ": not empty; choose a new or empty folder so nothing is overwritten");
    }
    if (!insideRun && fs::exists(target, error)) {
        fs::remove(target, error); // empty: the atomic commit renames a new folder into place
    }
    ScopedRunLog log((run.paths.logs() / "run.log").string());
    RunEvent started;
    started.kind = RunEvent::Kind::StageStarted;
    started.stage = RunStage::Export;
    run.emit(started);
    Expected<RunOutcome> outcome = [&]() -> Expected<RunOutcome> {
        try {
            return exportInto(run, formats, target);
        } catch (const std::exception &exception) {
            return makeError(ErrorCode::Io, std::string("export failed: ") + exception.what());
        }
    }();
    if (!outcome) {
        return outcome.error();
    }
    RunEvent finished;
    finished.kind = RunEvent::Kind::StageFinished;
    finished.stage = RunStage::Export;
    finished.message = "finished";
    run.emit(finished);
    return target;
}

} // namespace dpsapf::core
