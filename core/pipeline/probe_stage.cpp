// SPDX-License-Identifier: GPL-3.0-or-later
// Stage "probe": the DP saliency probe over the sensitive training split. The ledger records the
// release before the noisy scores are written; nothing else leaves this stage.
#include "dpsapf/core/privacy_ledger.h"
#include "pipeline/diffusion_loss.h"
#include "pipeline/fine_tune_model.h"
#include "pipeline/stages.h"
#include "probe/saliency_probe.h"

#include <fmt/format.h>
#include <torch/torch.h>

namespace dpsapf::core {
namespace {

// The random variant with charge_probe: the ledger is charged for a probe that never runs (as the
// reference does), so sigma and epsilon equal those of a dp-sapf run.
Expected<RunOutcome> chargeProbeWithoutRunning(RunContext &run)
{
    Expected<PrivacyLedger> ledger = PrivacyLedger::load(run.paths.ledger());
    if (!ledger) {
        return ledger.error();
    }
    const LedgerEntry entry{"probe",
                            {run.config.probe.noiseMultiplier, run.plan.probeSampleRate, 1},
                            "charged without running (charge_probe), as the reference does"};
    if (auto recorded = ledger.value().record(entry); !recorded) {
        return recorded.error();
    }
    if (auto saved = ledger->save(run.paths.ledger()); !saved) {
        return saved.error();
    }
    if (auto done = writeJsonFile(run.paths.saliency() / "probe_charged.json",
                                  {{"charged", true}, {"ran", false}});
        !done) {
        return done.error();
    }
    run.message(RunStage::Probe, "probe charged to the ledger without running (charge_probe)");
    return RunOutcome::Completed;
}

} // namespace

Expected<RunOutcome> runProbeStage(RunContext &run)
{
    if (!variantRunsProbe(run.config.variant)) {
        if (run.plan.probeCharged && !stageFinished(run, RunStage::Probe)) {
            return chargeProbeWithoutRunning(run);
        }
        run.message(RunStage::Probe, "no probe for " + variantName(run.config.variant));
        return RunOutcome::Completed;
    }
    if (stageFinished(run, RunStage::Probe)) {
        run.message(RunStage::Probe, "already released (saliency/scores.json)");
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
    FineTuneSetup setup;
    setup.variant = run.config.variant;
    setup.classTokenInit = run.config.train.classTokenInit;
    setup.sensitiveClasses = static_cast<std::int64_t>(run.plan.classNames.size());
    setup.classPrompts = run.plan.classPrompts;
    setup.clipSkip = run.config.prompts.clipSkip;
    FineTuneModel fineTune(model.value(), setup); // no adapters yet: the public matrices
    fineTune.conditioner()->classTokens.set_requires_grad(false);

    const SensitiveData &records = *data.value();
    DiffusionLoss loss(model.value(), run.seed("probe-diffusion"));
    std::int64_t done = 0;
    const PerRecordLoss perRecordLoss = [&](const std::vector<std::int64_t> &batch) {
        const torch::Tensor labels =
            records.labels.index_select(0, torch::tensor(batch, torch::kInt64));
        torch::Tensor losses = loss.perRecord(fineTune.unet(), *fineTune.conditioner(),
                                              records.cleanBatch(batch), labels);
        done += static_cast<std::int64_t>(batch.size());
        RunEvent progress;
        progress.kind = RunEvent::Kind::Progress;
        progress.stage = RunStage::Probe;
        progress.step = done;
        progress.total = static_cast<std::int64_t>(
            std::llround(run.plan.probeSampleRate * static_cast<double>(records.size())));
        run.emit(progress);
        return losses;
    };
    ProbeConfig config;
    config.sampleRate = run.plan.probeSampleRate;
    config.noiseMultiplier = run.config.probe.noiseMultiplier;
    config.clipNorm = run.config.probe.clipNorm;
    config.microBatchSize = run.config.probe.microBatchSize;
    config.seed = run.seed("probe");
    config.randomness = run.config.privacy.noise == "secure" ? NoiseRandomness::Secure
                                                             : NoiseRandomness::Reproducible;
    config.perProcessor = run.config.variant == RunVariant::LayerLevel;
    config.allLinearLayers = run.config.variant == RunVariant::AllParameters;

    // Charge first: a release the ledger refuses is never computed.
    Expected<PrivacyLedger> ledger = PrivacyLedger::load(run.paths.ledger());
    if (!ledger) {
        return ledger.error();
    }
    const double sensitivity = config.clipNorm * config.clipNorm;
    LedgerEntry entry{"probe", config.privacyEvent(),
                      fmt::format("C^2 = {} (joint clip of the probe's per-record gradients over "
                                  "all candidate matrices)",
                                  sensitivity)};
    if (auto recorded = ledger.value().record(entry); !recorded) {
        return recorded.error();
    }
    run.message(RunStage::Probe,
                fmt::format("probing the candidate {} with sigma_s = {}, C = {}, q_s = {:.4f}",
                            config.perProcessor      ? "attention processors"
                            : config.allLinearLayers ? "linear layers"
                                                     : "attention matrices",
                            config.noiseMultiplier, config.clipNorm, config.sampleRate));
    Expected<NoisyScores> scores =
        runSaliencyProbe(fineTune.unet(), records.size(), perRecordLoss, config, run.stopFlag());
    if (!scores) {
        if (scores.error().code == ErrorCode::Cancelled) {
            return RunOutcome::Stopped; // nothing released, nothing charged
        }
        return scores.error();
    }
    if (auto saved = ledger->save(run.paths.ledger()); !saved) {
        return saved.error();
    }
    // The scores with the default selection flags; the select stage rewrites the flags.
    Expected<Selection> selection =
        config.perProcessor ? selectLayerTopC(scores.value(), run.config.selection.ratio)
                            : selectMatrixTopC(scores.value(), run.config.selection.ratio);
    if (!selection) {
        return selection.error();
    }
    if (auto written = writeJsonFile(run.paths.scores(), scoresJson(scores.value(), *selection));
        !written) {
        return written.error();
    }
    return RunOutcome::Completed;
}

} // namespace dpsapf::core
