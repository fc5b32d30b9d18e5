// SPDX-License-Identifier: GPL-3.0-or-later
// Stage "train": DP-SGD on the adapters and the sensitive class tokens (method.md §6). Poisson
// batches split into micro-batches, per-record clipping, noise once per logical step, AdamW;
// the ledger reserves the steps up front and records each one; atomic checkpoints with
// everything needed to resume bit-identically on CPU.
#include "data/image_codec.h"
#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/logging.h"
#include "dpsapf/core/poisson_sampler.h"
#include "dpsapf/core/privacy_ledger.h"
#include "eval/live_evaluator.h"
#include "model/unet/unet.h"
#include "pipeline/diffusion_loss.h"
#include "pipeline/dp_checkpoint.h"
#include "pipeline/fine_tune_model.h"
#include "pipeline/stages.h"
#include "pipeline/synthesis.h"
#include "pipeline/trained_model.h"
#include "train/dp_gradient_step.h"
#include "train/model_card.h"
#include "train/training_checkpoint.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class DpTrainer
{
public:
    DpTrainer(RunContext &run, PublicModel &model, FineTuneModel &fineTune,
              const SensitiveData &data)
        : m_run(run)
        , m_model(model)
        , m_fineTune(fineTune)
        , m_data(data)
        , m_loss(model, run.seed("train-diffusion"))
        , m_sampler({data.size(), run.plan.sampleRate, run.seed("dp-sampler")})
    {
        PerSampleConfig clipping;
        clipping.mode =
            run.config.train.clipMode == "flat" ? ClipMode::Flat : ClipMode::AutomaticPerLayer;
        clipping.maxGradNorm = run.config.train.maxGradNorm;
        DpStepConfig step;
        step.noiseMultiplier = run.plan.noiseMultiplier;
        step.expectedBatchSize = run.plan.sampleRate * static_cast<double>(data.size());
        step.postClipNorm = run.config.train.postClipNorm;
        m_step = std::make_unique<DpGradientStep>(fineTune.trainableTensors(), clipping, step,
                                                  run.config.privacy.noise == "secure"
                                                      ? NoiseRandomness::Secure
                                                      : NoiseRandomness::Reproducible,
                                                  run.seed("dp-noise"));
        fineTune.setPerSampleRecorder(&m_step->recorder());

        std::vector<torch::Tensor> adapters;
        std::vector<torch::Tensor> tokens;
        for (const auto &[name, tensor] : fineTune.trainable()) {
            (name.rfind("conditioner.", 0) == 0 ? tokens : adapters).push_back(tensor);
            m_named.named.emplace_back(name, tensor);
        }
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(adapters, std::make_unique<torch::optim::AdamWOptions>(
                                          torch::optim::AdamWOptions(run.config.train.learningRate)
                                              .betas({0.9, 0.999})
                                              .eps(1e-8)
                                              .weight_decay(run.config.train.weightDecay)));
        groups.emplace_back(tokens,
                            std::make_unique<torch::optim::AdamWOptions>(
                                torch::optim::AdamWOptions(run.config.train.embeddingLearningRate)
                                    .betas({0.9, 0.999})
                                    .eps(1e-8)
                                    .weight_decay(0.0)));
        m_optimizer = std::make_unique<torch::optim::AdamW>(std::move(groups));
    }

    ~DpTrainer() { m_fineTune.setPerSampleRecorder(nullptr); }
    DpTrainer(const DpTrainer &) = delete;
    DpTrainer &operator=(const DpTrainer &) = delete;

    Expected<RunOutcome> run();

private:
    Expected<bool> restore();
    double trainStep();
    Expected<bool> checkpoint(bool finished);
    Expected<bool> writeSampleGrid();
    void startLiveMetrics();
    void liveMetrics(std::int64_t last);
    void appendMetrics(const nlohmann::json &line);
    Expected<bool> truncateMetrics();

    RunContext &m_run;
    PublicModel &m_model;
    FineTuneModel &m_fineTune;
    const SensitiveData &m_data;
    DiffusionLoss m_loss;
    PoissonSampler m_sampler;
    std::unique_ptr<DpGradientStep> m_step;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    TrainableTensors m_named;
    std::optional<PrivacyLedger> m_ledger;
    std::int64_t m_done = 0;
    double m_elapsedBefore = 0.0;
    std::unique_ptr<LiveEvaluator> m_live;
    double m_trainSeconds = 0.0; // in trainStep, this session
    double m_evalSeconds = 0.0;  // live metrics (reference statistics included), this session
    Clock::time_point m_sessionStart = Clock::now();
};

double DpTrainer::trainStep()
{
    const std::vector<std::int64_t> batch = m_sampler.next();
    double lossSum = 0.0;
    for (const auto &micro :
         PoissonSampler::splitIntoMicroBatches(batch, m_run.config.train.microBatchSize)) {
        m_step->recorder().beginMicroBatch(static_cast<std::int64_t>(micro.size()));
        const torch::Tensor labels =
            m_data.labels.index_select(0, torch::tensor(micro, torch::kInt64));
        const torch::Tensor losses = m_loss.perRecord(m_fineTune.unet(), *m_fineTune.conditioner(),
                                                      m_data.cleanBatch(micro), labels);
        losses.sum().backward();
        (void)m_step->recorder().endMicroBatch();
        lossSum += losses.detach().sum().item<double>();
    }
    m_step->writeGradients(); // noise once, even for an empty batch
    m_optimizer->step();
    ++m_done;
    return batch.empty() ? std::numeric_limits<double>::quiet_NaN()
                         : lossSum / static_cast<double>(batch.size());
}

void DpTrainer::startLiveMetrics()
{
    if (!m_run.config.eval.live) {
        return;
    }
    const auto start = Clock::now();
    m_fineTune.setPerSampleRecorder(nullptr);
    Expected<std::unique_ptr<LiveEvaluator>> live =
        LiveEvaluator::create(m_run, m_data, m_fineTune.unet(), *m_fineTune.conditioner(), m_model);
    m_fineTune.setPerSampleRecorder(&m_step->recorder());
    m_evalSeconds += std::chrono::duration<double>(Clock::now() - start).count();
    if (!live) {
        m_run.message(RunStage::Train,
                      "live metrics are off: " + live.error().message); // training goes on
        return;
    }
    m_live = std::move(live).value();
}

// FID and the accuracy proxy every eval.live_every steps (0: at checkpoints) and at the end,
// unless that would push their time over eval.live_max_cost of the training time.
void DpTrainer::liveMetrics(std::int64_t last)
{
    const EvalSettings &settings = m_run.config.eval;
    const std::int64_t every =
        settings.liveEvery > 0 ? settings.liveEvery : m_run.config.train.checkpointEvery;
    if (!m_live || (m_done % every != 0 && m_done != last)) {
        return;
    }
    if (settings.liveMaxCost > 0.0 &&
        m_evalSeconds + m_live->expectedSeconds() > settings.liveMaxCost * m_trainSeconds) {
        return;
    }
    const auto start = Clock::now();
    m_fineTune.setPerSampleRecorder(nullptr);
    Expected<nlohmann::json> line =
        m_live->evaluate(m_fineTune.unet(), *m_fineTune.conditioner(), m_model, m_done);
    m_fineTune.setPerSampleRecorder(&m_step->recorder());
    m_evalSeconds += std::chrono::duration<double>(Clock::now() - start).count();
    if (!line) {
        m_run.message(RunStage::Train, "live metrics failed and are off: " + line.error().message);
        m_live.reset();
        return;
    }
    appendMetrics(line.value());
    m_run.message(RunStage::Train,
                  fmt::format("step {}: FID {:.2f} ({}, {} images), accuracy proxy {:.3f} "
                              "(sensitive data; not covered by the DP guarantee)",
                              m_done, line->at("fid").get<double>(),
                              line->at("fid_backbone").get<std::string>(),
                              line->at("fid_images").get<std::int64_t>(),
                              line->at("accuracy_proxy").get<double>()));
}

void DpTrainer::appendMetrics(const nlohmann::json &line)
{
    std::ofstream out(m_run.paths.metrics(), std::ios::app);
    out << line.dump() << '\n';
}

Expected<bool> DpTrainer::truncateMetrics()
{
    std::string kept;
    std::ifstream in(m_run.paths.metrics());
    for (std::string line; std::getline(in, line);) {
        const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
        if (!json.is_discarded() && json.value("step", std::int64_t{0}) <= m_done) {
            kept += line + "\n";
        }
    }
    in.close();
    return writeFileAtomically(m_run.paths.metrics(), kept);
}

Expected<bool> DpTrainer::restore()
{
    const fs::path latest = existingFolder(m_run.paths.latestCheckpoint());
    if (latest.empty()) {
        Expected<PrivacyLedger> ledger = PrivacyLedger::load(m_run.paths.ledger());
        if (!ledger) {
            return ledger.error();
        }
        m_ledger = std::move(ledger).value();
        std::ofstream(m_run.paths.metrics(), std::ios::trunc).close();
        return true;
    }
    Expected<DpCheckpoint> saved = readDpCheckpoint(m_run.paths.latestCheckpoint());
    if (!saved) {
        return saved.error();
    }
    const std::string source = latest.string();
    if (auto done = m_fineTune.restore(saved->trainable, source); !done) {
        return done;
    }
    if (saved->step > 0) {
        if (auto done = restoreOptimizer(*m_optimizer, m_named, saved->optimizer); !done) {
            return makeError(ErrorCode::Format, source + ": " + done.error().message);
        }
    }
    m_loss.restore(saved->lossGeneratorState);
    if (auto done = m_sampler.restoreState(saved->samplerState); !done) {
        return makeError(ErrorCode::Format, source + ": " + done.error().message);
    }
    if (!saved->noiseState.empty() && !m_step->noise().restoreState(saved->noiseState)) {
        return makeError(ErrorCode::Format, source + ": the DP noise state is not readable");
    }
    if (saved->ledger.is_null()) {
        return makeError(ErrorCode::Format, source + ": no ledger.json");
    }
    Expected<PrivacyLedger> ledger = PrivacyLedger::fromJson(saved->ledger);
    if (!ledger) {
        return makeError(ErrorCode::Format, source + "/ledger.json: " + ledger.error().message);
    }
    m_ledger = std::move(ledger).value();
    m_done = saved->step;
    m_elapsedBefore = saved->elapsedSeconds;
    if (auto done = truncateMetrics(); !done) {
        return done;
    }
    m_run.message(RunStage::Train, fmt::format("resumed from the checkpoint at step {}", m_done));
    return true;
}

Expected<bool> DpTrainer::writeSampleGrid()
{
    const std::int64_t perClass = m_run.config.train.gridSamplesPerClass;
    if (perClass <= 0) {
        return true;
    }
    std::vector<std::int64_t> labels;
    std::vector<std::uint64_t> seeds;
    const auto classes = static_cast<std::int64_t>(m_run.plan.classNames.size());
    for (std::int64_t c = 0; c < classes; ++c) {
        for (std::int64_t i = 0; i < perClass; ++i) {
            labels.push_back(c);
            seeds.push_back(m_run.seed("grid", static_cast<std::uint64_t>(c * perClass + i)));
        }
    }
    m_fineTune.setPerSampleRecorder(nullptr);
    const torch::Tensor images = synthesize(m_fineTune.unet(), *m_fineTune.conditioner(), m_model,
                                            labels, seeds, m_run.config.generate);
    m_fineTune.setPerSampleRecorder(&m_step->recorder());
    std::error_code error;
    fs::create_directories(m_run.paths.samples(), error);
    return writePng(m_run.paths.sampleGrid(m_done),
                    imageGrid(imagesFromTensor(images), static_cast<std::int32_t>(perClass), 1));
}

Expected<bool> DpTrainer::checkpoint(bool finished)
{
    DpCheckpoint saved;
    saved.step = m_done;
    saved.finished = finished;
    saved.trainable = m_fineTune.state();
    saved.optimizer = optimizerStateTensors(*m_optimizer, m_named);
    saved.lossGeneratorState = m_loss.state();
    saved.samplerState = m_sampler.saveState();
    saved.noiseState = m_step->noise().saveState();
    saved.elapsedSeconds =
        m_elapsedBefore + std::chrono::duration<double>(Clock::now() - m_sessionStart).count();
    // One accountant pass (both accountants) serves the checkpoint, ledger.json and the metrics.
    saved.ledger = m_ledger->toJson();
    if (auto done = writeDpCheckpoint(m_run.paths.latestCheckpoint(), saved); !done) {
        return done;
    }
    if (auto done = writeJsonFile(m_run.paths.ledger(), saved.ledger); !done) {
        return done;
    }
    if (auto done = writeSampleGrid(); !done) {
        return done;
    }
    const std::string accountant(accountantName(m_run.accountant()));
    const nlohmann::json spent =
        saved.ledger.at("epsilon").value(accountant, nlohmann::json::object());
    nlohmann::json line{{"step", m_done}, {"checkpoint", true}};
    if (spent.contains("epsilon")) {
        line["epsilon"] = spent.at("epsilon");
        line["accountant"] = spent.value("accountant", accountant);
    }
    appendMetrics(line);
    RunEvent event;
    event.kind = RunEvent::Kind::Checkpoint;
    event.stage = RunStage::Train;
    event.step = m_done;
    event.total = m_run.config.train.steps;
    event.epsilon = spent.value("epsilon", event.epsilon);
    event.message = "checkpoint at step " + std::to_string(m_done);
    m_run.emit(event);
    return true;
}

Expected<RunOutcome> DpTrainer::run()
{
    if (auto done = restore(); !done) {
        return done.error();
    }
    const std::int64_t total = m_run.config.train.steps;
    const PrivacyEvent mechanism{m_run.plan.noiseMultiplier, m_run.plan.sampleRate, 1};
    Expected<std::int64_t> reserved = m_ledger->reserveReleases(mechanism, total - m_done);
    if (!reserved) {
        return reserved.error();
    }
    const std::int64_t last = m_done + reserved.value();
    if (last < total) {
        m_run.message(
            RunStage::Train,
            fmt::format("the budget allows {} of {} steps; training stops there", last, total));
    }
    const std::string sensitivity =
        m_run.config.train.clipMode == "flat"
            ? fmt::format("C_dp = {} (flat per-record clipping)", m_run.config.train.maxGradNorm)
            : "1 (automatic per-layer clipping, gamma 1e-4)";
    m_run.message(
        RunStage::Train,
        fmt::format("DP-SGD: sigma = {:.4f}, q = {:.5f}, {} trainable parameters "
                    "(+{} class-token parameters)",
                    m_run.plan.noiseMultiplier, m_run.plan.sampleRate,
                    m_fineTune.trainableParameters(false),
                    m_fineTune.trainableParameters(true) - m_fineTune.trainableParameters(false)));
    m_sessionStart = Clock::now();
    const std::int64_t firstStep = m_done;
    if (m_done == 0) {
        if (auto done = writeSampleGrid(); !done) { // the public model's starting point
            return done.error();
        }
    }
    startLiveMetrics();
    while (m_done < last) {
        while (m_run.paused() && !m_run.stopNow()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (m_run.stopNow()) {
            return RunOutcome::Stopped;
        }
        const auto stepStart = Clock::now();
        const double loss = trainStep();
        m_trainSeconds += std::chrono::duration<double>(Clock::now() - stepStart).count();
        if (auto recorded = m_ledger->record({"dp-sgd", mechanism, sensitivity}); !recorded) {
            return recorded.error();
        }
        if (!std::isnan(loss) && !std::isfinite(loss)) {
            return makeError(ErrorCode::NumericalFailure,
                             fmt::format("the training loss is not finite at step {}", m_done));
        }
        const Expected<EpsilonReport> rdp = m_ledger->epsilon(AccountantKind::Rdp);
        nlohmann::json line{{"step", m_done}};
        if (!std::isnan(loss)) {
            line["loss"] = loss;
        }
        if (rdp) {
            line["epsilon_rdp"] = rdp->epsilon;
        }
        appendMetrics(line);
        const double seconds = std::chrono::duration<double>(Clock::now() - m_sessionStart).count();
        RunEvent progress;
        progress.kind = RunEvent::Kind::Progress;
        progress.stage = RunStage::Train;
        progress.step = m_done;
        progress.total = last;
        progress.loss = loss;
        progress.epsilon = rdp ? rdp->epsilon : progress.epsilon;
        progress.etaSeconds =
            seconds / static_cast<double>(m_done - firstStep) * static_cast<double>(last - m_done);
        m_run.emit(progress);
        liveMetrics(last);
        if (m_done % m_run.config.train.checkpointEvery == 0 || m_done == last) {
            if (auto done = checkpoint(m_done == last); !done) {
                return done.error();
            }
            if (m_run.stopAfterCheckpoint() && m_done < last) {
                return RunOutcome::Stopped;
            }
        }
    }
    if (m_run.config.eval.live && m_trainSeconds > 0.0) {
        m_run.message(RunStage::Train,
                      fmt::format("live metrics took {:.1f} s, {:.1f}% of the {:.1f} s of "
                                  "training steps in this session",
                                  m_evalSeconds, 100.0 * m_evalSeconds / m_trainSeconds,
                                  m_trainSeconds));
    }
    return RunOutcome::Completed;
}

} // namespace

std::int64_t checkpointStep(const RunPaths &paths)
{
    const fs::path folder = existingFolder(paths.latestCheckpoint());
    if (folder.empty()) {
        return 0;
    }
    Expected<nlohmann::json> state = readJsonFile(folder / "state.json");
    return state ? state->value("step", std::int64_t{0}) : 0;
}

bool trainingFinished(const RunPaths &paths)
{
    const fs::path folder = existingFolder(paths.latestCheckpoint());
    if (folder.empty()) {
        return false;
    }
    Expected<nlohmann::json> state = readJsonFile(folder / "state.json");
    return state && state->value("finished", false);
}

Expected<RunOutcome> runTrainStage(RunContext &run)
{
    if (stageFinished(run, RunStage::Train)) {
        run.message(RunStage::Train, "already trained");
        return RunOutcome::Completed;
    }
    Expected<PublicModel> model = run.loadModel();
    if (!model) {
        return model.error();
    }
    Expected<const SensitiveData *> data = run.trainingData(model.value());
    if (!data) {
        return data.error();
    }
    Expected<std::unique_ptr<FineTuneModel>> fineTune = buildFineTuneModel(run, model.value());
    if (!fineTune) {
        return fineTune.error();
    }
    DpTrainer trainer(run, model.value(), **fineTune, *data.value());
    return trainer.run();
}

} // namespace dpsapf::core
