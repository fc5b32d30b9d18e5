// SPDX-License-Identifier: GPL-3.0-or-later
// Run summaries from the run folder's JSON files.
#include "dpsapf/core/run_summary.h"

#include "dpsapf/core/run_layout.h"
#include "io/lenient_json.h"

#include <fmt/format.h>

#include <fstream>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

std::optional<double> optionalNumber(const nlohmann::json &json,
                                     const nlohmann::json::json_pointer &at)
{
    if (json.contains(at) && json.at(at).is_number()) {
        return json.at(at).get<double>();
    }
    return std::nullopt;
}

} // namespace

nlohmann::json RunSummary::toJson() const
{
    const auto optional = [](const std::optional<double> &value) {
        return value ? nlohmann::json(*value) : nlohmann::json();
    };
    return {{"folder", folder.string()},
            {"name", name},
            {"variant", variant},
            {"target_epsilon", targetEpsilon},
            {"delta", delta},
            {"epsilon_prv", optional(epsilonPrv)},
            {"epsilon_rdp", optional(epsilonRdp)},
            {"noise_multiplier", noiseMultiplier},
            {"sample_rate", sampleRate},
            {"train_records", trainRecords},
            {"selected_matrices", selectedMatrices},
            {"candidate_matrices", candidateMatrices},
            {"trainable_parameters", trainableParameters},
            {"steps_done", stepsDone},
            {"steps_planned", stepsPlanned},
            {"exported", exported},
            {"final_loss", optional(finalLoss)},
            {"fid", optional(fid)},
            {"accuracy", optional(accuracy)}};
}

Expected<RunSummary> readRunSummary(const fs::path &runDir)
{
    const RunPaths paths{runDir};
    Expected<nlohmann::json> config = readLenientJson(paths.config());
    if (!config) {
        return makeError(config.error().code, config.error().message + " (not a run folder)");
    }
    RunSummary summary;
    summary.folder = runDir;
    try {
        const nlohmann::json &c = config->at("config");
        const nlohmann::json &r = config->at("resolved");
        summary.name = c.at("name").get<std::string>();
        summary.variant = c.at("variant").get<std::string>();
        summary.targetEpsilon = c.at("privacy").at("epsilon").get<double>();
        summary.stepsPlanned = c.at("train").at("steps").get<std::int64_t>();
        summary.delta = r.at("delta").get<double>();
        summary.noiseMultiplier = r.at("noise_multiplier").get<double>();
        summary.sampleRate = r.at("sample_rate").get<double>();
        summary.trainRecords = r.at("train_records").get<std::int64_t>();
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, paths.config().string() + ": " + error.what());
    }
    if (Expected<nlohmann::json> ledger = readLenientJson(paths.ledger()); ledger) {
        summary.epsilonPrv = optionalNumber(*ledger, "/epsilon/prv/epsilon"_json_pointer);
        summary.epsilonRdp = optionalNumber(*ledger, "/epsilon/rdp/epsilon"_json_pointer);
        std::int64_t steps = 0;
        for (const auto &event : ledger->value("events", nlohmann::json::array())) {
            if (event.value("kind", std::string()) == "dp-sgd") {
                steps += event.value("count", std::int64_t{0});
            }
        }
        summary.stepsDone = steps;
    }
    if (Expected<nlohmann::json> selection = readLenientJson(paths.selection()); selection) {
        summary.selectedMatrices = selection->value("k", std::int64_t{0});
        summary.candidateMatrices = selection->value("candidates", std::int64_t{0});
        summary.trainableParameters = selection->value("trainable_parameters", std::int64_t{0});
    }
    // The mean loss over the lines since the previous checkpoint line, read from the end.
    std::ifstream metrics(paths.metrics());
    std::vector<double> window;
    for (std::string line; std::getline(metrics, line);) {
        const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
        if (json.is_discarded()) {
            continue;
        }
        if (json.value("checkpoint", false)) {
            if (!window.empty()) {
                double sum = 0.0;
                for (double value : window) {
                    sum += value;
                }
                summary.finalLoss = sum / static_cast<double>(window.size());
            }
            window.clear();
        } else if (json.contains("loss") && json.at("loss").is_number()) {
            window.push_back(json.at("loss").get<double>());
        }
    }
    std::error_code error;
    summary.exported = fs::exists(paths.exportDir(), error);
    if (Expected<nlohmann::json> eval = readLenientJson(runDir / "eval.json"); eval) {
        summary.fid = optionalNumber(*eval, "/fid"_json_pointer);
        summary.accuracy = optionalNumber(*eval, "/accuracy_mean"_json_pointer);
    }
    return summary;
}

std::string comparisonTable(const std::vector<RunSummary> &runs)
{
    std::vector<std::pair<std::string, std::vector<std::string>>> rows;
    const auto optional = [](const std::optional<double> &value, const char *format) {
        return value ? fmt::format(fmt::runtime(format), *value) : std::string("-");
    };
    const auto row = [&](const std::string &label, auto &&cell) {
        std::vector<std::string> cells;
        for (const auto &run : runs) {
            cells.push_back(cell(run));
        }
        rows.emplace_back(label, std::move(cells));
    };
    row("run", [](const RunSummary &r) { return r.name; });
    row("variant", [](const RunSummary &r) { return r.variant; });
    row("target epsilon", [](const RunSummary &r) { return fmt::format("{:g}", r.targetEpsilon); });
    row("epsilon spent (PRV)",
        [&](const RunSummary &r) { return optional(r.epsilonPrv, "{:.3f}"); });
    row("epsilon spent (RDP)",
        [&](const RunSummary &r) { return optional(r.epsilonRdp, "{:.3f}"); });
    row("delta", [](const RunSummary &r) { return fmt::format("{:.3g}", r.delta); });
    row("noise multiplier",
        [](const RunSummary &r) { return fmt::format("{:.4f}", r.noiseMultiplier); });
    row("sample rate q", [](const RunSummary &r) { return fmt::format("{:.5f}", r.sampleRate); });
    row("steps",
        [](const RunSummary &r) { return fmt::format("{}/{}", r.stepsDone, r.stepsPlanned); });
    row("selected matrices", [](const RunSummary &r) {
        return fmt::format("{}/{}", r.selectedMatrices, r.candidateMatrices);
    });
    row("trainable parameters",
        [](const RunSummary &r) { return fmt::format("{}", r.trainableParameters); });
    row("final loss (not private)",
        [&](const RunSummary &r) { return optional(r.finalLoss, "{:.4f}"); });
    // eval.json: computed on sensitive data, not covered by the DP guarantee.
    row("FID (not private)", [&](const RunSummary &r) { return optional(r.fid, "{:.2f}"); });
    row("accuracy (not private)", [&](const RunSummary &r) {
        return r.accuracy ? fmt::format("{:.1f}%", 100.0 * *r.accuracy) : std::string("-");
    });
    std::size_t labelWidth = 0;
    std::vector<std::size_t> widths(runs.size(), 0);
    for (const auto &[label, cells] : rows) {
        labelWidth = std::max(labelWidth, label.size());
        for (std::size_t i = 0; i < cells.size(); ++i) {
            widths[i] = std::max(widths[i], cells[i].size());
        }
    }
    std::string out;
    for (const auto &[label, cells] : rows) {
        out += fmt::format("{:<{}}", label, labelWidth);
        for (std::size_t i = 0; i < cells.size(); ++i) {
            out += fmt::format("  {:>{}}", cells[i], widths[i]);
        }
        out += '\n';
    }
    return out;
}

} // namespace dpsapf::core
