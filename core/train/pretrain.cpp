// SPDX-License-Identifier: GPL-3.0-or-later
// The pretraining loop: DDPM epsilon loss on the public corpus, class tokens with label dropout,
// AdamW, optional EMA, atomic resumable checkpoints, and the release folder with its model card.
#include "train/pretrain.h"

#include "data/in_memory_dataset.h"
#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/logging.h"
#include "model/common/state_dict.h"
#include "train/epoch_order.h"
#include "train/model_release.h"
#include "train/public_data.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char *kCheckpointFolder = "checkpoint";
constexpr const char *kLossFile = "loss.jsonl";
constexpr const char *kConfigFile = "pretrain_config.json";
constexpr std::size_t kRecentLosses = 100;
constexpr std::size_t kLossFlushEvery = 10;
constexpr std::uint64_t kOrderSalt = 0x6f72646572ULL; // "order"
// Settings that determine the weights; a resumed run must match them ("steps" may grow).
const char *const kIdentityKeys[] = {"unet_config",
                                     "context_tokens",
                                     "batch_size",
                                     "learning_rate",
                                     "warmup_steps",
                                     "weight_decay",
                                     "gradient_clip_norm",
                                     "ema_decay",
                                     "unconditional_probability",
                                     "seed",
                                     "letter_variants",
                                     "pixel_unshuffle"};

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

TensorMap withoutPrefix(const TensorMap &tensors, const std::string &prefix)
{
    TensorMap out;
    for (const auto &[name, tensor] : tensors) {
        if (name.rfind(prefix, 0) == 0) {
            out.emplace(name.substr(prefix.size()), tensor);
        }
    }
    return out;
}

class PretrainSession
{
public:
    PretrainSession(const PretrainConfig &config, UNetConfig unetConfig, PretrainHooks hooks,
                    const PretrainProgressCallback &progress)
        : m_config(config)
        , m_unetConfig(std::move(unetConfig))
        , m_hooks(std::move(hooks))
        , m_progress(progress)
    {}

    Expected<PretrainResult> run(const std::atomic<bool> *stopRequested);

private:
    Expected<bool> loadData();
    void buildModel();
    Expected<bool> restore(const fs::path &checkpoint);
    double learningRateAt(std::int64_t step) const;
    double trainStep();
    void updateEma();
    TensorMap releaseUnet() const;
    ClassConditioner releaseConditioner() const;
    Expected<bool> writeCheckpoint();
    void flushLosses();
    void report(PretrainPhase phase, const std::string &message = {});

    PretrainConfig m_config;
    UNetConfig m_unetConfig;
    PretrainHooks m_hooks;
    const PretrainProgressCallback &m_progress;
    SchedulerConfig m_scheduler;

    PublicCorpus m_corpus;
    std::string m_fingerprint;
    torch::Tensor m_images; // [N, r^2, H/r, W/r]: pixel_unshuffle of the images in [-1, 1]
    torch::Tensor m_labels; // [N] int64
    torch::Tensor m_alphasCumprod;

    UNet m_unet{nullptr};
    ClassConditioner m_conditioner{nullptr};
    TrainableTensors m_trainable;
    std::vector<torch::Tensor> m_parameters;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    TensorMap m_ema; // "unet.<key>", "conditioner.<key>"
    torch::Generator m_generator;

    std::unique_ptr<EpochOrder> m_order;

    std::int64_t m_step = 0;
    std::int64_t m_checkpointStep = -1;
    double m_elapsedBefore = 0.0;
    Clock::time_point m_sessionStart = Clock::now();
    std::deque<double> m_recentLosses;
    std::vector<std::string> m_pendingLossLines;
    PretrainProgress m_last;
};

void PretrainSession::report(PretrainPhase phase, const std::string &message)
{
    m_last.phase = phase;
    m_last.step = m_step;
    m_last.totalSteps = m_config.steps;
    m_last.message = message;
    if (m_progress) {
        m_progress(m_last);
    }
}

Expected<bool> PretrainSession::loadData()
{
    PublicDataConfig data;
    data.mnistDir = m_config.mnistDir;
    data.fontsDir = m_config.fontsDir;
    data.fontFiles = m_config.fontFiles;
    data.variantsPerGlyph = m_config.letterVariants;
    data.seed = m_config.seed;
    data.resolution = static_cast<std::int32_t>(m_unetConfig.sampleSize * m_config.pixelUnshuffle);
    Expected<PublicCorpus> corpus = loadPublicCorpus(data);
    if (!corpus) {
        return corpus.error();
    }
    m_corpus = std::move(corpus).value();
    m_fingerprint = datasetFingerprint(*m_corpus.dataset);
    const std::int64_t count = m_corpus.dataset->size();
    const std::int64_t side = m_unetConfig.sampleSize * m_config.pixelUnshuffle;
    torch::Tensor bytes = torch::empty({count, 1, side, side}, torch::kUInt8);
    m_labels = torch::empty({count}, torch::kInt64);
    auto *out = bytes.data_ptr<std::uint8_t>();
    auto *labels = m_labels.data_ptr<std::int64_t>();
    const auto pixels = static_cast<std::size_t>(side * side);
    for (std::int64_t i = 0; i < count; ++i) {
        std::copy_n(m_corpus.dataset->pixelData(i), pixels,
                    out + static_cast<std::size_t>(i) * pixels);
        labels[i] = m_corpus.dataset->label(i);
    }
    m_images =
        torch::pixel_unshuffle(bytes.to(torch::kFloat32) / 127.5 - 1.0, m_config.pixelUnshuffle)
            .contiguous();
    logger(LogChannel::Train)
        ->info("public corpus: {} images, fingerprint {}", count, m_fingerprint);
    return true;
}

void PretrainSession::buildModel()
{
    torch::manual_seed(m_config.seed); // module initialisers draw from the global generator
    m_unet = UNet(m_unetConfig);
    ClassConditionerConfig conditionerConfig;
    conditionerConfig.numClasses = static_cast<std::int64_t>(publicClassNames().size());
    conditionerConfig.contextDim = m_unetConfig.crossAttentionDim;
    conditionerConfig.tokensPerClass = m_config.contextTokens;
    m_conditioner = ClassConditioner(conditionerConfig);
    m_unet->train();
    m_conditioner->train();
    for (const auto &item : m_unet->named_parameters(true)) {
        m_trainable.named.emplace_back("unet." + item.key(), item.value());
    }
    for (const auto &item : m_conditioner->named_parameters(true)) {
        m_trainable.named.emplace_back("conditioner." + item.key(), item.value());
    }
    for (const auto &[name, parameter] : m_trainable.named) {
        m_parameters.push_back(parameter);
        if (m_config.emaDecay > 0.0) {
            m_ema.emplace(name, parameter.detach().clone());
        }
    }
    m_optimizer = std::make_unique<torch::optim::AdamW>(
        m_parameters, torch::optim::AdamWOptions(m_config.learningRate)
                          .weight_decay(m_config.weightDecay)
                          .betas({0.9, 0.999})
                          .eps(1e-8));
    m_generator = at::make_generator<at::CPUGeneratorImpl>(m_config.seed);
    m_order = std::make_unique<EpochOrder>(m_images.size(0), m_config.seed ^ kOrderSalt);
    m_alphasCumprod = alphasCumprod(m_scheduler);
}

double PretrainSession::learningRateAt(std::int64_t step) const
{
    if (m_config.warmupSteps <= 0 || step >= m_config.warmupSteps) {
        return m_config.learningRate;
    }
    return m_config.learningRate * static_cast<double>(step + 1) /
           static_cast<double>(m_config.warmupSteps);
}

double PretrainSession::trainStep()
{
    const std::vector<std::int64_t> batch = m_order->next(m_config.batchSize);
    const torch::Tensor indices = torch::tensor(batch, torch::kInt64);
    const torch::Tensor x0 = m_images.index_select(0, indices);
    const torch::Tensor labels = m_conditioner->dropLabels(
        m_labels.index_select(0, indices), m_config.unconditionalProbability, m_generator);
    const torch::Tensor t =
        torch::randint(0, m_scheduler.numTrainTimesteps, {x0.size(0)}, m_generator,
                       torch::TensorOptions().dtype(torch::kInt64));
    const torch::Tensor noise =
        torch::randn(x0.sizes(), m_generator, torch::TensorOptions().dtype(torch::kFloat32));
    const torch::Tensor alphaBar = m_alphasCumprod.index_select(0, t).view({-1, 1, 1, 1});
    const torch::Tensor noisy = alphaBar.sqrt() * x0 + (1.0 - alphaBar).sqrt() * noise;
    const torch::Tensor prediction = m_unet->forward(noisy, t, m_conditioner->context(labels));
    const torch::Tensor loss = torch::mse_loss(prediction, noise);

    m_optimizer->zero_grad();
    loss.backward();
    if (m_config.gradientClipNorm > 0.0) {
        torch::nn::utils::clip_grad_norm_(m_parameters, m_config.gradientClipNorm);
    }
    const double learningRate = learningRateAt(m_step);
    for (auto &group : m_optimizer->param_groups()) {
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(learningRate);
    }
    m_optimizer->step();
    ++m_step;
    updateEma();
    m_last.learningRate = learningRate;
    return loss.item<double>();
}

void PretrainSession::updateEma()
{
    if (m_ema.empty()) {
        return;
    }
    // Warm-up of the decay, so early weights do not dominate: min(decay, (1 + s) / (10 + s)).
    const auto s = static_cast<double>(m_step);
    const double decay = std::min(m_config.emaDecay, (1.0 + s) / (10.0 + s));
    torch::NoGradGuard noGrad;
    for (const auto &[name, parameter] : m_trainable.named) {
        m_ema.at(name).mul_(decay).add_(parameter.detach(), 1.0 - decay);
    }
}

TensorMap PretrainSession::releaseUnet() const
{
    TensorMap weights = moduleStateDict(*m_unet);
    if (!m_ema.empty()) {
        for (auto &[name, tensor] : withoutPrefix(m_ema, "unet.")) {
            weights[name] = tensor;
        }
    }
    return weights;
}

ClassConditioner PretrainSession::releaseConditioner() const
{
    if (m_ema.empty()) {
        return m_conditioner;
    }
    ClassConditioner copy(m_conditioner->config());
    (void)loadStateDict(*copy, withoutPrefix(m_ema, "conditioner."), LoadOptions{});
    return copy;
}

void PretrainSession::flushLosses()
{
    if (m_pendingLossLines.empty()) {
        return;
    }
    std::ofstream out(m_config.outputDir / kLossFile, std::ios::app);
    for (const auto &line : m_pendingLossLines) {
        out << line << '\n';
    }
    m_pendingLossLines.clear();
}

Expected<bool> PretrainSession::writeCheckpoint()
{
    report(PretrainPhase::Checkpointing, "checkpoint at step " + std::to_string(m_step));
    flushLosses();
    const TensorMap unetWeights = releaseUnet();
    const TensorMap rawUnet = moduleStateDict(*m_unet);
    const TensorMap rawConditioner = moduleStateDict(*m_conditioner);
    CheckpointContents contents;
    contents.model.unetConfig = &m_unetConfig;
    contents.model.unetWeights = &unetWeights;
    contents.model.conditioner = releaseConditioner();
    contents.model.classNames = &publicClassNames();
    contents.model.scheduler = &m_scheduler;
    contents.model.pixelUnshuffle = m_config.pixelUnshuffle;
    contents.rawUnet = &rawUnet;
    contents.rawConditioner = &rawConditioner;
    contents.ema = m_ema.empty() ? nullptr : &m_ema;
    contents.trainable = &m_trainable;
    contents.optimizer = m_optimizer.get();
    contents.generator = m_generator;
    contents.state.step = m_step;
    const EpochOrder::State order = m_order->state();
    contents.state.dataOrderRngState = order.rngAtEpochStart;
    contents.state.dataEpoch = order.epoch;
    contents.state.dataPosition = order.position;
    contents.state.corpusFingerprint = m_fingerprint;
    contents.state.elapsedSeconds = m_elapsedBefore + secondsSince(m_sessionStart);
    contents.state.config = m_config.toJson();
    if (auto done = writeTrainingCheckpoint(m_config.outputDir / kCheckpointFolder, contents,
                                            m_hooks.beforeCheckpointCommit);
        !done) {
        return done;
    }
    m_checkpointStep = m_step;
    logger(LogChannel::Train)->info("checkpoint at step {}", m_step);
    return true;
}

Expected<bool> PretrainSession::restore(const fs::path &checkpoint)
{
    Expected<LoadedCheckpoint> loaded = readTrainingCheckpoint(checkpoint);
    if (!loaded) {
        return loaded.error();
    }
    const nlohmann::json current = m_config.toJson();
    for (const char *key : kIdentityKeys) {
        const nlohmann::json saved = loaded->state.config.value(key, nlohmann::json());
        if (saved != current.at(key)) {
            return makeError(ErrorCode::InvalidArgument,
                             std::string("cannot resume: ") + key + " is " +
                                 current.at(key).dump() + " but the checkpoint was trained with " +
                                 saved.dump());
        }
    }
    if (loaded->state.corpusFingerprint != m_fingerprint) {
        return makeError(
            ErrorCode::InvalidArgument,
            "cannot resume: the public data differ from the checkpoint's (fingerprint " +
                m_fingerprint + " vs " + loaded->state.corpusFingerprint +
                "); use the same MNIST folder and fonts");
    }
    const std::string source = (checkpoint / "training").string();
    if (auto done = loadStateDict(*m_unet, loaded->rawUnet, LoadOptions{false, false, source});
        !done) {
        return done;
    }
    if (auto done = loadStateDict(*m_conditioner, loaded->rawConditioner,
                                  LoadOptions{false, false, source});
        !done) {
        return done;
    }
    if (loaded->state.step > 0) {
        if (auto done = restoreOptimizer(*m_optimizer, m_trainable, loaded->optimizer); !done) {
            return done;
        }
    }
    if (!m_ema.empty()) {
        for (auto &[name, tensor] : m_ema) {
            const auto found = loaded->ema.find(name);
            if (found == loaded->ema.end() || found->second.sizes() != tensor.sizes()) {
                return makeError(ErrorCode::Format, source + ": EMA weights lack '" + name + "'");
            }
            tensor.copy_(found->second);
        }
    }
    {
        std::lock_guard<std::mutex> lock(m_generator.mutex());
        m_generator.set_state(loaded->generatorState);
    }
    if (auto done = m_order->restore(
            {loaded->state.dataOrderRngState, loaded->state.dataEpoch, loaded->state.dataPosition});
        !done) {
        return makeError(ErrorCode::Format, source + ": " + done.error().message);
    }
    m_step = loaded->state.step;
    m_checkpointStep = m_step;
    m_elapsedBefore = loaded->state.elapsedSeconds;
    // Drop loss lines written after the checkpoint (the run continues from it).
    std::string kept;
    std::ifstream lossFile(m_config.outputDir / kLossFile);
    for (std::string line; std::getline(lossFile, line);) {
        try {
            if (nlohmann::json::parse(line).at("step").get<std::int64_t>() <= m_step) {
                kept += line + "\n";
            }
        } catch (const nlohmann::json::exception &) {
            // a torn last line of a killed run
        }
    }
    lossFile.close();
    if (auto done = writeFileAtomically(m_config.outputDir / kLossFile, kept); !done) {
        return done;
    }
    logger(LogChannel::Train)->info("resumed from step {} ({})", m_step, checkpoint.string());
    return true;
}

Expected<PretrainResult> PretrainSession::run(const std::atomic<bool> *stopRequested)
{
    report(PretrainPhase::Loading, "loading the public corpus");
    std::error_code error;
    fs::create_directories(m_config.outputDir, error);
    if (error) {
        return makeError(ErrorCode::Io,
                         m_config.outputDir.string() + ": cannot create (" + error.message() + ")");
    }
    const fs::path checkpoint = existingFolder(m_config.outputDir / kCheckpointFolder);
    if (!checkpoint.empty() && !m_config.resume) {
        return makeError(ErrorCode::InvalidArgument,
                         "output_dir: " + m_config.outputDir.string() +
                             " already holds a checkpoint; resume it or choose another folder");
    }
    if (checkpoint.empty() && m_config.resume) {
        return makeError(ErrorCode::InvalidArgument,
                         "resume: no checkpoint in " + m_config.outputDir.string());
    }
    if (auto done = loadData(); !done) {
        return done.error();
    }
    buildModel();
    if (!checkpoint.empty()) {
        if (auto done = restore(checkpoint); !done) {
            return done.error();
        }
    } else {
        if (auto done = writeFileAtomically(m_config.outputDir / kLossFile, ""); !done) {
            return done.error();
        }
    }
    if (auto done =
            writeFileAtomically(m_config.outputDir / kConfigFile, m_config.toJson().dump(2) + "\n");
        !done) {
        return done.error();
    }

    PretrainResult result;
    result.corpusSize = m_images.size(0);
    result.checkpointDir = m_config.outputDir / kCheckpointFolder;
    for (const auto &parameter : m_parameters) {
        result.parameterCount += parameter.numel();
    }
    m_sessionStart = Clock::now();
    const std::int64_t firstStep = m_step;
    Clock::time_point stepStart = Clock::now();
    while (m_step < m_config.steps) {
        const double loss = trainStep();
        if (!std::isfinite(loss)) {
            return makeError(ErrorCode::NumericalFailure, "loss is not finite at step " +
                                                              std::to_string(m_step) +
                                                              "; the last checkpoint is step " +
                                                              std::to_string(m_checkpointStep));
        }
        const double seconds = secondsSince(stepStart);
        stepStart = Clock::now();
        m_last.secondsPerStep = m_step - firstStep <= 1 || m_last.secondsPerStep <= 0.0
                                    ? seconds
                                    : 0.9 * m_last.secondsPerStep + 0.1 * seconds;
        m_recentLosses.push_back(loss);
        if (m_recentLosses.size() > kRecentLosses) {
            m_recentLosses.pop_front();
        }
        double sum = 0.0;
        for (const double value : m_recentLosses) {
            sum += value;
        }
        m_last.loss = loss;
        m_last.averageLoss = sum / static_cast<double>(m_recentLosses.size());
        m_last.etaSeconds = m_last.secondsPerStep * static_cast<double>(m_config.steps - m_step);
        m_pendingLossLines.push_back(
            nlohmann::json{{"step", m_step}, {"loss", loss}, {"lr", m_last.learningRate}}.dump());
        if (m_pendingLossLines.size() >= kLossFlushEvery) {
            flushLosses();
        }
        report(PretrainPhase::Training);
        const bool stop = stopRequested != nullptr && stopRequested->load();
        if (m_step % m_config.checkpointEvery == 0 || m_step == m_config.steps || stop) {
            if (auto done = writeCheckpoint(); !done) {
                return done.error();
            }
            stepStart = Clock::now(); // checkpoint time is not step time
        }
        if (stop) {
            result.outcome = PretrainOutcome::Stopped;
            break;
        }
    }
    if (result.outcome == PretrainOutcome::Completed && m_checkpointStep != m_step) {
        if (auto done = writeCheckpoint(); !done) { // resumed at or past the final step
            return done.error();
        }
    }
    flushLosses();
    result.step = m_step;
    result.finalLoss = m_last.averageLoss;
    result.trainingSeconds = m_elapsedBefore + secondsSince(m_sessionStart);
    if (result.outcome == PretrainOutcome::Completed) {
        report(PretrainPhase::Sampling, "writing the model folder (samples, model card)");
        const TensorMap unetWeights = releaseUnet();
        ReleaseInputs release;
        release.config = &m_config;
        release.model = ModelFiles{&m_unetConfig,       &unetWeights, releaseConditioner(),
                                   &publicClassNames(), &m_scheduler, m_config.pixelUnshuffle};
        release.corpus = &m_corpus;
        release.corpusFingerprint = m_fingerprint;
        release.steps = m_step;
        release.trainingSeconds = result.trainingSeconds;
        Expected<ReleaseSummary> summary = writeModelRelease(release);
        if (!summary) {
            return summary.error();
        }
        result.modelDir = summary->folder;
        result.finalLoss = summary->finalLoss;
    }
    report(PretrainPhase::Finished, result.outcome == PretrainOutcome::Completed
                                        ? "finished"
                                        : "stopped at step " + std::to_string(m_step));
    return result;
}

} // namespace

Expected<PretrainResult> pretrain(const PretrainConfig &config,
                                  const std::atomic<bool> *stopRequested,
                                  const PretrainProgressCallback &progress,
                                  const PretrainHooks &hooks)
{
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    Expected<UNetConfig> unet = resolveUNetConfig(config);
    if (!unet) {
        return unet.error();
    }
    try {
        PretrainSession session(config, unet.value(), hooks, progress);
        return session.run(stopRequested);
    } catch (const c10::Error &error) {
        return makeError(ErrorCode::NumericalFailure,
                         std::string("pretraining failed in LibTorch: ") +
                             error.what_without_backtrace());
    } catch (const std::exception &error) {
        return makeError(ErrorCode::Io, std::string("pretraining failed: ") + error.what());
    }
}

Expected<PretrainResult> pretrain(const PretrainConfig &config,
                                  const std::atomic<bool> *stopRequested,
                                  const PretrainProgressCallback &progress)
{
    return pretrain(config, stopRequested, progress, PretrainHooks{});
}

} // namespace dpsapf::core
