// SPDX-License-Identifier: GPL-3.0-or-later
// The pipeline stages after prepare, one file each. A stage reads what the earlier stages wrote
// into the run folder and reports through the context's events.
#pragma once

#include "pipeline/run_context.h"

namespace dpsapf::core {

[[nodiscard]] Expected<RunOutcome> runProbeStage(RunContext &run);
[[nodiscard]] Expected<RunOutcome> runSelectStage(RunContext &run);
[[nodiscard]] Expected<RunOutcome> runTrainStage(RunContext &run);
[[nodiscard]] Expected<RunOutcome> runGenerateStage(RunContext &run);
[[nodiscard]] Expected<RunOutcome> runExportStage(RunContext &run);
// The export stage's work with explicit formats and target folder (replaced atomically).
[[nodiscard]] Expected<RunOutcome> exportInto(RunContext &run, const ExportSettings &settings,
                                              const std::filesystem::path &target);

// Whether a stage's outputs exist (finished stages are skipped by runRemainingStages).
[[nodiscard]] bool stageFinished(const RunContext &run, RunStage stage);

// The step of the latest training checkpoint (0 when none), and whether it ended the training.
[[nodiscard]] std::int64_t checkpointStep(const RunPaths &paths);
[[nodiscard]] bool trainingFinished(const RunPaths &paths);

} // namespace dpsapf::core
