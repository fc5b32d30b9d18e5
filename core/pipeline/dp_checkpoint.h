// SPDX-License-Identifier: GPL-3.0-or-later
// The DP training checkpoint of a run (checkpoints/latest/), written into "latest.tmp" and
// committed by renames (training_checkpoint.h's commitFolder), so a failed write leaves the
// previous checkpoint intact:
//   trainable.safetensors  LoRA factors / tuned weights and the sensitive class tokens
//   optimizer.safetensors  AdamW state
//   rng.safetensors        the diffusion loss generator (timesteps and noise per record)
//   state.json             step, Poisson sampler and DP-noise generator state, elapsed time
//   ledger.json            the privacy ledger at this step
#pragma once

#include "dpsapf/core/expected.h"
#include "io/torch_tensors.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace dpsapf::core {

struct DpCheckpoint {
    std::int64_t step = 0;
    bool finished = false; // the last step of the run (or of its budget)
    TensorMap trainable;
    TensorMap optimizer;
    torch::Tensor lossGeneratorState;
    std::string samplerState;
    std::string noiseState; // empty with secure noise
    double elapsedSeconds = 0.0;
    nlohmann::json ledger; // the content of ledger.json (null: none)
};

// Test seam: called with the filled temporary folder before it replaces the checkpoint; an error
// aborts the write.
using CheckpointCommitHook = std::function<Expected<bool>(const std::filesystem::path &)>;

[[nodiscard]] Expected<bool> writeDpCheckpoint(const std::filesystem::path &dir,
                                               const DpCheckpoint &checkpoint,
                                               const CheckpointCommitHook &beforeCommit = {});
// Reads "<dir>" (or "<dir>.old" left by a crash between the renames).
[[nodiscard]] Expected<DpCheckpoint> readDpCheckpoint(const std::filesystem::path &dir);

} // namespace dpsapf::core
