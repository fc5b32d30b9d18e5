// SPDX-License-Identifier: GPL-3.0-or-later
// privacy_report.json and privacy_report.md.
#include "pipeline/privacy_report.h"

#include "dpsapf/core/privacy_ledger.h"
#include "pipeline/stages.h"

#include <fmt/format.h>

#include <sstream>

namespace dpsapf::core {
namespace {

nlohmann::json epsilonJson(const Expected<EpsilonReport> &report)
{
    if (!report) {
        return {{"error", report.error().message}};
    }
    nlohmann::json out{{"epsilon", report->epsilon},
                       {"accountant", accountantName(report->accountant)}};
    if (!report->prvFailure.empty()) {
        out["prv_failure"] = report->prvFailure;
    }
    return out;
}

std::string number(const nlohmann::json &value)
{
    return value.is_number() ? fmt::format("{:.4g}", value.get<double>()) : value.dump();
}

} // namespace

Expected<nlohmann::json> buildPrivacyReport(const RunContext &run)
{
    Expected<PrivacyLedger> ledger = PrivacyLedger::load(run.paths.ledger());
    if (!ledger) {
        return ledger.error();
    }
    Expected<nlohmann::json> selection = readJsonFile(run.paths.selection());
    if (!selection) {
        return selection.error();
    }
    Expected<nlohmann::json> generated = readJsonFile(run.paths.generated() / "info.json");
    const RunConfig &config = run.config;
    const ResolvedPlan &plan = run.plan;
    nlohmann::json mechanisms = nlohmann::json::array();
    for (const LedgerEntry &entry : ledger->entries()) {
        mechanisms.push_back({{"kind", entry.kind},
                              {"noise_multiplier", entry.mechanism.noiseMultiplier},
                              {"sample_rate", entry.mechanism.sampleRate},
                              {"count", entry.mechanism.count},
                              {"sensitivity", entry.sensitivity},
                              {"sampling", "Poisson"}});
    }
    const bool secure = config.privacy.noise == "secure";
    nlohmann::json report{
        {"format", "dpsapf-privacy-report-v1"},
        {"run", config.name},
        {"variant", variantName(config.variant)},
        {"software_version", plan.softwareVersion},
        {"unit_of_privacy", "one record (image and label) of the training split; add/remove "
                            "adjacency"},
        {"guarantee",
         {{"target_epsilon", config.privacy.epsilon},
          {"delta", plan.delta},
          {"delta_rule", plan.deltaRule},
          {"calibration_accountant", config.privacy.accountant},
          {"epsilon_spent",
           {{"prv", epsilonJson(ledger->epsilon(AccountantKind::Prv))},
            {"rdp", epsilonJson(ledger->epsilon(AccountantKind::Rdp))}}}}},
        {"mechanisms", mechanisms},
        {"dataset",
         {{"description", plan.datasetDescription},
          {"fingerprint", plan.datasetFingerprint},
          {"train_records", plan.trainRecords},
          {"validation_records", plan.validationRecords},
          {"classes", plan.classNames},
          {"split_seed", config.dataset.splitSeed}}},
        {"probe",
         plan.probeCharged
             ? nlohmann::json{{"charged", true},
                              {"ran", variantRunsProbe(config.variant)},
                              {"sample_size", config.probe.sampleSize},
                              {"sample_rate", plan.probeSampleRate},
                              {"noise_multiplier", config.probe.noiseMultiplier},
                              {"clip_norm", config.probe.clipNorm},
                              {"noise_std", config.probe.noiseMultiplier * config.probe.clipNorm *
                                                config.probe.clipNorm}}
             : nlohmann::json{{"charged", false}, {"ran", false}}},
        {"selection", selection.value()},
        {"training",
         {{"steps_planned", config.train.steps},
          {"steps_done", checkpointStep(run.paths)},
          {"expected_batch", config.train.batchSize},
          {"sample_rate", plan.sampleRate},
          {"noise_multiplier", plan.noiseMultiplier},
          {"clipping", config.train.clipMode == "flat"
                           ? fmt::format("flat, C_dp = {}", config.train.maxGradNorm)
                           : std::string("automatic per layer (gamma 1e-4, 1/sqrt(L))")},
          {"post_clip_norm", config.train.postClipNorm},
          {"optimizer",
           fmt::format("AdamW lr {} (class tokens {}), weight decay {}", config.train.learningRate,
                       config.train.embeddingLearningRate, config.train.weightDecay)},
          {"lora_rank", config.lora.rank}}},
        {"generation", generated ? generated.value() : nlohmann::json()},
        {"randomness",
         {{"seed", config.seed},
          {"noise", config.privacy.noise},
          {"note", secure ? "DP noise from ChaCha20 keyed by the operating system; not "
                            "reproducible"
                          : "DP noise from a seeded generator: reproducible for experiments; "
                            "anyone who knows the seed can recompute the noise, so use "
                            "privacy.noise = secure for a real release"}}},
        {"public_model", plan.modelFolder},
        {"covers",
         {"the trained LoRA weights and class tokens (export/)",
          "the synthetic images and arrays (export/, generated/, samples/), as post-processing",
          "the noisy saliency scores and the selection derived from them"}},
        {"does_not_cover",
         {"training losses in metrics.jsonl and logs/ (computed on sensitive records without "
          "noise): keep the run folder private",
          "the dataset split index lists in data/ and the number of records N (treated as "
          "public)",
          "evaluation on real data (FID against the training split, accuracy on the real test "
          "split) is not private",
          "hyper-parameters chosen by looking at results on the sensitive data",
          "the public model's own pretraining data"}}};
    return report;
}

std::string renderPrivacyReport(const nlohmann::json &r)
{
    std::ostringstream md;
    const auto &g = r.at("guarantee");
    md << "# Privacy report: " << r.at("run").get<std::string>() << " ("
       << r.at("variant").get<std::string>() << ")\n\n";
    md << "Differential privacy with unit of privacy: "
       << r.at("unit_of_privacy").get<std::string>() << ".\n\n";
    md << "## Guarantee\n\n| quantity | value |\n|---|---|\n";
    md << "| target epsilon | " << number(g.at("target_epsilon")) << " |\n";
    md << "| delta | " << fmt::format("{:.3g}", g.at("delta").get<double>()) << " ("
       << g.at("delta_rule").get<std::string>() << ") |\n";
    for (const char *accountant : {"prv", "rdp"}) {
        const auto &spent = g.at("epsilon_spent").at(accountant);
        md << "| epsilon spent, " << accountant << " accountant | "
           << (spent.contains("epsilon") ? number(spent.at("epsilon"))
                                         : spent.at("error").get<std::string>())
           << " |\n";
    }
    md << "| calibrated with | " << g.at("calibration_accountant").get<std::string>() << " |\n\n";
    md << "## Mechanisms (Poisson-subsampled Gaussian)\n\n"
          "| release | noise multiplier | sample rate | count | sensitivity "
          "|\n|---|---|---|---|---|\n";
    for (const auto &m : r.at("mechanisms")) {
        md << "| " << m.at("kind").get<std::string>() << " | " << number(m.at("noise_multiplier"))
           << " | " << number(m.at("sample_rate")) << " | " << m.at("count").get<std::int64_t>()
           << " | " << m.at("sensitivity").get<std::string>() << " |\n";
    }
    const auto &d = r.at("dataset");
    md << "\n## Data\n\n- " << d.at("description").get<std::string>()
       << "\n- training records: " << d.at("train_records").get<std::int64_t>()
       << ", validation records: " << d.at("validation_records").get<std::int64_t>()
       << "\n- fingerprint: `" << d.at("fingerprint").get<std::string>() << "`\n";
    const auto &t = r.at("training");
    md << "\n## Training\n\n- steps: " << t.at("steps_done").get<std::int64_t>() << " of "
       << t.at("steps_planned").get<std::int64_t>()
       << "\n- expected batch: " << t.at("expected_batch").get<std::int64_t>()
       << ", noise multiplier: " << number(t.at("noise_multiplier"))
       << "\n- clipping: " << t.at("clipping").get<std::string>()
       << "\n- optimizer: " << t.at("optimizer").get<std::string>() << "\n";
    const auto &s = r.at("selection");
    md << "\n## Selection\n\n- method: " << s.value("method", std::string())
       << ", c = " << number(s.value("ratio", nlohmann::json())) << ", "
       << s.value("k", std::int64_t{0}) << " of " << s.value("candidates", std::int64_t{0})
       << " matrices\n- trainable parameters: " << s.value("trainable_parameters", std::int64_t{0})
       << " (+" << s.value("class_token_parameters", std::int64_t{0})
       << " class-token parameters)\n- privacy cost: " << s.value("privacy_cost", std::string())
       << "\n";
    md << "\n## Randomness\n\n- seed: " << r.at("randomness").at("seed").dump() << "\n- "
       << r.at("randomness").at("note").get<std::string>() << "\n";
    md << "\n## What the guarantee covers\n\n";
    for (const auto &line : r.at("covers")) {
        md << "- " << line.get<std::string>() << "\n";
    }
    md << "\n## What it does not cover\n\n";
    for (const auto &line : r.at("does_not_cover")) {
        md << "- " << line.get<std::string>() << "\n";
    }
    md << "\nSoftware: DP-SAPF Studio " << r.at("software_version").get<std::string>() << "\n";
    return md.str();
}

} // namespace dpsapf::core
