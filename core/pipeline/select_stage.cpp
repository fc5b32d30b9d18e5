// SPDX-License-Identifier: GPL-3.0-or-later
// Stage "select": which matrices get adapters. Post-processing of the noisy probe scores (or no
// data at all for dp-lora and random), so it costs no privacy and can be re-run with another c.
#include "dpsapf/core/selection.h"
#include "pipeline/stages.h"

#include <torch/torch.h>

#include <set>

namespace dpsapf::core {
namespace {

char letterOf(const std::string &module)
{
    return module.size() >= 8 && module.compare(module.size() - 8, 8, "to_out.0") == 0
               ? 'o'
               : module.back();
}

// LoRA parameters sum_m r_m (in_m + out_m) over `keys`, or the weights' sizes for direct tuning.
std::int64_t adapterParameters(const std::vector<std::pair<std::string, Projection>> &projections,
                               const std::set<std::string> &keys, const RunConfig &config)
{
    std::int64_t count = 0;
    for (const auto &[name, projection] : projections) {
        if (keys.count(name) == 0) {
            continue;
        }
        if (config.variant == RunVariant::NoLora || config.variant == RunVariant::AllParameters) {
            count += projection->weight.numel() +
                     (projection->bias.defined() ? projection->bias.numel() : 0);
        } else {
            count += config.lora.rankFor(letterOf(name)) *
                     (projection->weight.size(0) + projection->weight.size(1));
        }
    }
    return count;
}

} // namespace

Expected<RunOutcome> runSelectStage(RunContext &run)
{
    Expected<PublicModel> model = run.loadModel();
    if (!model) {
        return model.error();
    }
    const bool allLinear = run.config.variant == RunVariant::AllParameters;
    const auto projections =
        allLinear ? model->unet->linearProjections() : model->unet->attentionProjections();
    std::vector<std::string> allKeys;
    for (const auto &[name, projection] : projections) {
        allKeys.push_back(name);
    }
    const double ratio = run.config.selection.ratio;
    Expected<Selection> selection = selectAll(allKeys);
    std::optional<NoisyScores> scores;
    switch (run.config.variant) {
    case RunVariant::DpLora: break;
    case RunVariant::Random:
        selection = selectRandom(allKeys, ratio, run.seed("random-selection"));
        break;
    case RunVariant::DpSapf:
    case RunVariant::NoLora:
    case RunVariant::AllParameters:
    case RunVariant::LayerLevel: {
        Expected<nlohmann::json> json = readJsonFile(run.paths.scores());
        if (!json) {
            return makeError(json.error().code,
                             json.error().message + " (run the probe stage first)");
        }
        Expected<NoisyScores> parsed = noisyScoresFromJson(json.value());
        if (!parsed) {
            return makeError(ErrorCode::Format,
                             run.paths.scores().string() + ": " + parsed.error().message);
        }
        scores = std::move(parsed).value();
        selection = run.config.variant == RunVariant::LayerLevel ? selectLayerTopC(*scores, ratio)
                                                                 : selectMatrixTopC(*scores, ratio);
        break;
    }
    }
    if (!selection) {
        return selection.error();
    }
    if (scores) {
        if (auto done = writeJsonFile(run.paths.scores(), scoresJson(*scores, *selection)); !done) {
            return done.error();
        }
    }
    // DP-SAPF's format names attention processors; all-parameters lists its module paths.
    if (auto done = writeJsonFile(run.paths.tuningLayers(),
                                  allLinear ? nlohmann::json(selection->selectedKeys)
                                            : tuningLayersJson(*selection));
        !done) {
        return done.error();
    }
    const std::set<std::string> selected(selection->selectedKeys.begin(),
                                         selection->selectedKeys.end());
    const auto attention = model->unet->attentionProjections();
    std::set<std::string> everyAttention;
    for (const auto &[name, projection] : attention) {
        everyAttention.insert(name);
    }
    // Latent-space models condition on frozen prompt embeddings: no trainable class tokens.
    const std::int64_t tokenParameters =
        model->isLatent() ? 0
                          : static_cast<std::int64_t>(run.plan.classNames.size()) *
                                model->conditioner->tokens() * model->conditioner->contextDim();
    RunConfig asDpLora = run.config;
    asDpLora.variant = RunVariant::DpLora;
    const nlohmann::json out{
        {"variant", variantName(run.config.variant)},
        {"method", selectionMethodName(selection->method)},
        {"ratio", selection->ratio},
        {"k", selection->selectedKeys.size()},
        {"candidates", allKeys.size()},
        {"selected", selection->selectedKeys},
        {"trainable_parameters", adapterParameters(projections, selected, run.config)},
        {"class_token_parameters", tokenParameters},
        {"dp_lora_parameters", adapterParameters(attention, everyAttention, asDpLora)},
        {"privacy_cost", scores ? "none: post-processing of the noisy probe scores"
                                : "none: the choice does not read the sensitive data"}};
    if (auto done = writeJsonFile(run.paths.selection(), out); !done) {
        return done.error();
    }
    run.message(RunStage::Select, std::to_string(selection->selectedKeys.size()) + " of " +
                                      std::to_string(allKeys.size()) + " matrices selected (" +
                                      selectionMethodName(selection->method) +
                                      "); no privacy cost");
    return RunOutcome::Completed;
}

} // namespace dpsapf::core
