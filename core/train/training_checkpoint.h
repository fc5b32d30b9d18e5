// SPDX-License-Identifier: GPL-3.0-or-later
// Model folders and resumable training checkpoints of the pretraining run, written atomically:
// everything goes into "<dir>.tmp", which then replaces "<dir>" by two renames (the previous
// folder survives as "<dir>.old" between them, so a crash at any point leaves one complete folder).
#pragma once

#include "dpsapf/core/expected.h"
#include "io/torch_tensors.h"
#include "model/conditioning/class_conditioner.h"
#include "model/unet/unet.h"
#include "sample/noise_schedule.h"

#include <nlohmann/json.hpp>
#include <torch/optim/adamw.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace dpsapf::core {

// What a model folder holds (diffusers layout for the UNet, so Python's
// UNet2DConditionModel.from_pretrained(folder, subfolder="unet") loads it):
//   unet/config.json, unet/diffusion_pytorch_model.safetensors, conditioner.safetensors,
//   conditioner.json, scheduler_config.json, and dpsapf_model.json: how images map to the UNet's
//   input ({"format": "dpsapf-pixel-diffusion-v1", "image_size", "image_channels",
//   "pixel_unshuffle", "prediction_type", "class_names"}); the UNet works on
//   pixel_unshuffle(image in [-1, 1], r) and samples go back through pixel_shuffle(x, r).
struct ModelFiles {
    const UNetConfig *unetConfig = nullptr;
    const TensorMap *unetWeights = nullptr; // diffusers key names (EMA weights when kept)
    ClassConditioner conditioner{nullptr};
    const std::vector<std::string> *classNames = nullptr;
    const SchedulerConfig *scheduler = nullptr;
    std::int64_t pixelUnshuffle = 1;
};

// Writes the model files into an existing folder (no atomicity: callers write into a temp folder).
[[nodiscard]] Expected<bool> writeModelFiles(const std::filesystem::path &folder,
                                             const ModelFiles &files);

// The training state beside the model files, in training/:
//   unet.safetensors (raw weights), conditioner.safetensors (raw), ema.safetensors (when EMA is
//   on; "unet.<key>" and "conditioner.<key>"), optimizer.safetensors ("exp_avg/<name>",
//   "exp_avg_sq/<name>", "step/<name>" for every trainable tensor by its prefixed name),
//   rng.safetensors ("torch_cpu_generator": the uint8 state of the noise generator) and
//   state.json (step, data-order RNG state, epoch and position, corpus fingerprint, elapsed time,
//   the run config).
struct TrainingState {
    std::int64_t step = 0;
    std::string dataOrderRngState; // std::mt19937_64 text state at the start of the current epoch
    std::int64_t dataEpoch = 0;
    std::int64_t dataPosition = 0; // next index into the current epoch's permutation
    std::string corpusFingerprint;
    double elapsedSeconds = 0.0; // training wall time over all sessions
    nlohmann::json config;       // PretrainConfig::toJson() of the run
};

struct TrainableTensors {
    std::vector<std::pair<std::string, torch::Tensor>> named; // "unet.<key>", "conditioner.<key>"
};

struct CheckpointContents {
    ModelFiles model;
    const TensorMap *rawUnet = nullptr;
    const TensorMap *rawConditioner = nullptr;
    const TensorMap *ema = nullptr; // null when EMA is off
    const TrainableTensors *trainable = nullptr;
    const torch::optim::AdamW *optimizer = nullptr;
    torch::Generator generator;
    TrainingState state;
};

// Test seam: called with the filled temporary folder just before it replaces the checkpoint; an
// error aborts the write and leaves the previous checkpoint as it was.
using BeforeCommitHook = std::function<Expected<bool>(const std::filesystem::path &temporary)>;

[[nodiscard]] Expected<bool> writeTrainingCheckpoint(const std::filesystem::path &dir,
                                                     const CheckpointContents &contents,
                                                     const BeforeCommitHook &beforeCommit = {});

// "<target>.tmp", emptied (a stale one of an interrupted write is removed) and created: the place
// to fill before commitFolder.
[[nodiscard]] Expected<std::filesystem::path>
freshTemporaryFolder(const std::filesystem::path &target);
// Replaces `target` by the filled folder `temporary` (see the file comment); removes the old one.
[[nodiscard]] Expected<bool> commitFolder(const std::filesystem::path &temporary,
                                          const std::filesystem::path &target);
// `dir` if it exists, else "<dir>.old" if a crash left only that, else empty.
[[nodiscard]] std::filesystem::path existingFolder(const std::filesystem::path &dir);

struct LoadedCheckpoint {
    TensorMap rawUnet;
    TensorMap rawConditioner;
    TensorMap ema; // empty when the run had no EMA
    TensorMap optimizer;
    torch::Tensor generatorState;
    TrainingState state;
};
[[nodiscard]] Expected<LoadedCheckpoint> readTrainingCheckpoint(const std::filesystem::path &dir);

// AdamW moments and step counts ("exp_avg/<name>", "exp_avg_sq/<name>", "step/<name>") of every
// trainable tensor that has been stepped.
[[nodiscard]] TensorMap optimizerStateTensors(const torch::optim::AdamW &optimizer,
                                              const TrainableTensors &trainable);

// Restores AdamW moments and step counts from optimizer.safetensors content for the given
// trainable tensors (all of them must be present).
[[nodiscard]] Expected<bool> restoreOptimizer(torch::optim::AdamW &optimizer,
                                              const TrainableTensors &trainable,
                                              const TensorMap &saved);

} // namespace dpsapf::core
