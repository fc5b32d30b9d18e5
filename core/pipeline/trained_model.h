// SPDX-License-Identifier: GPL-3.0-or-later
// The run's fine-tuning model rebuilt from its folder: the selection (saliency/selection.json)
// and, once trained, the latest checkpoint's tensors.
#pragma once

#include "pipeline/fine_tune_model.h"
#include "pipeline/run_context.h"

#include <memory>

namespace dpsapf::core {

// Adapters on the selected matrices at their initial values.
[[nodiscard]] Expected<std::unique_ptr<FineTuneModel>> buildFineTuneModel(const RunContext &run,
                                                                          PublicModel &model);
// As trained: the public model with the tensors of checkpoints/latest (an error when there is
// none). The fine-tuning model shares the public model's UNet.
struct TrainedModel {
    PublicModel model;
    std::unique_ptr<FineTuneModel> fineTune;
};
[[nodiscard]] Expected<TrainedModel> loadTrainedModel(const RunContext &run);

} // namespace dpsapf::core
