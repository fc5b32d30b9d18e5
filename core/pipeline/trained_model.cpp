// SPDX-License-Identifier: GPL-3.0-or-later
// Rebuilding the fine-tuned model of a run.
#include "pipeline/trained_model.h"

#include "pipeline/dp_checkpoint.h"
#include "train/training_checkpoint.h"

#include <torch/torch.h>

namespace dpsapf::core {

Expected<std::unique_ptr<FineTuneModel>> buildFineTuneModel(const RunContext &run,
                                                            PublicModel &model)
{
    Expected<nlohmann::json> selection = readJsonFile(run.paths.selection());
    if (!selection) {
        return makeError(selection.error().code,
                         selection.error().message + " (run the select stage first)");
    }
    FineTuneSetup setup;
    try {
        setup.selectedKeys = selection->at("selected").get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, run.paths.selection().string() + ": " + error.what());
    }
    setup.variant = run.config.variant;
    setup.lora = run.config.lora;
    setup.classTokenInit = run.config.train.classTokenInit;
    setup.sensitiveClasses = static_cast<std::int64_t>(run.plan.classNames.size());
    setup.loraSeed = run.seed("lora-init");
    setup.classPrompts = run.plan.classPrompts;
    setup.clipSkip = run.config.prompts.clipSkip;
    return std::make_unique<FineTuneModel>(model, setup);
}

Expected<TrainedModel> loadTrainedModel(const RunContext &run)
{
    TrainedModel trained;
    Expected<PublicModel> model = run.loadModel();
    if (!model) {
        return model.error();
    }
    trained.model = std::move(model).value();
    Expected<std::unique_ptr<FineTuneModel>> built = buildFineTuneModel(run, trained.model);
    if (!built) {
        return built.error();
    }
    Expected<DpCheckpoint> checkpoint = readDpCheckpoint(run.paths.latestCheckpoint());
    if (!checkpoint) {
        return makeError(checkpoint.error().code,
                         checkpoint.error().message + " (run the train stage first)");
    }
    if (auto done = (*built)->restore(checkpoint->trainable,
                                      existingFolder(run.paths.latestCheckpoint()).string());
        !done) {
        return done.error();
    }
    trained.fineTune = std::move(built).value();
    return trained;
}

} // namespace dpsapf::core
