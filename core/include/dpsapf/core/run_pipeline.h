// SPDX-License-Identifier: GPL-3.0-or-later
// The DP-SAPF pipeline over a run folder (run_layout.h): prepare (data, delta, calibrated sigma),
// probe, select, train (DP-SGD LoRA), generate, export. Each stage reads what earlier stages wrote,
// so `dpsapf <stage> RUN_DIR` and the GUI can run them one at a time; a finished stage is skipped.
// Torch-free API: the CLI and the GUI worker thread call it.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/run_config.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace dpsapf::core {

enum class RunStage { Prepare, Probe, Select, Train, Generate, Export };
[[nodiscard]] std::string stageName(RunStage stage); // "prepare", "probe", ...
[[nodiscard]] std::optional<RunStage> parseStage(const std::string &name);

struct RunEvent {
    enum class Kind { StageStarted, Progress, Checkpoint, StageFinished, Message };
    Kind kind = Kind::Message;
    RunStage stage = RunStage::Prepare;
    std::int64_t step = 0;                                  // units done (records, steps, images)
    std::int64_t total = 0;                                 // units in the stage (0 = unknown)
    double loss = std::numeric_limits<double>::quiet_NaN(); // training loss (not private)
    double epsilon = std::numeric_limits<double>::quiet_NaN(); // spent so far
    double etaSeconds = -1.0;
    std::string message;
};
// Called on the thread that runs the stage.
using RunEventCallback = std::function<void(const RunEvent &)>;

// Set from any thread; the running stage polls it.
struct RunControl {
    std::atomic<bool> stopNow{false};             // stop at the next step; no new checkpoint
    std::atomic<bool> stopAfterCheckpoint{false}; // stop once the next checkpoint is written
    std::atomic<bool> paused{false};              // training waits while set
};

enum class RunOpenMode {
    Create, // the folder must not exist or be empty
    Resume, // continue an existing run with its own config.json
    Force,  // delete an existing run folder first
};

enum class RunOutcome { Completed, Stopped };

// Creates the run folder, loads and splits the sensitive data, resolves delta, calibrates sigma
// over probe + training, writes config.json and an empty ledger. With Resume, checks the folder and
// returns its config (the given one is ignored).
[[nodiscard]] Expected<RunConfig> prepareRun(const RunConfig &config,
                                             const std::filesystem::path &runDir, RunOpenMode mode,
                                             const RunEventCallback &events);

[[nodiscard]] Expected<RunOutcome> runStage(const std::filesystem::path &runDir, RunStage stage,
                                            RunControl *control, const RunEventCallback &events);
// Probe through export, skipping finished stages.
[[nodiscard]] Expected<RunOutcome> runRemainingStages(const std::filesystem::path &runDir,
                                                      RunControl *control,
                                                      const RunEventCallback &events);

// The stages after prepare whose outputs do not exist yet, in order (what runRemainingStages
// would run).
[[nodiscard]] Expected<std::vector<RunStage>> pendingStages(const std::filesystem::path &runDir);

// Selects again with another ratio c: post-processing of the noisy probe scores, so it costs no
// privacy. Updates config.json's selection.ratio. Refused once training has written a checkpoint
// (the adapters would no longer match the selection).
[[nodiscard]] Expected<bool> changeSelectionRatio(const std::filesystem::path &runDir, double ratio,
                                                  const RunEventCallback &events);

// Exports the generated images and the trained weights in the chosen formats into `destination`
// (empty: RUN_DIR/export, replaced as the export stage does). Any other destination must not exist
// or be an empty folder, so nothing there is overwritten. Returns the folder written.
[[nodiscard]] Expected<std::filesystem::path> exportRun(const std::filesystem::path &runDir,
                                                        const ExportSettings &formats,
                                                        const std::filesystem::path &destination,
                                                        const RunEventCallback &events);

} // namespace dpsapf::core
