// SPDX-License-Identifier: GPL-3.0-or-later
// The run folder (method.md §11). The CLI writes it, the GUI reads it; everything below is plain
// files, so either can open a run made by the other.
//
//   config.json                 {"config": RunConfig, "resolved": plan (N, delta, q, sigma, ...)}
//   ledger.json                 every private release and epsilon under RDP and PRV
//   metrics.jsonl               one object per line: step, loss, epsilon_rdp (+ epsilon at
//                               checkpoints)
//   saliency/scores.json        noisy probe scores, rank, selected flags (probe variants)
//   saliency/selection.json     the selected matrices, method, ratio, trainable parameters
//   saliency/tuning_layers.json DP-SAPF's reference format
//   data/                       split index lists (private)
//   checkpoints/latest/         trainable tensors, optimizer, RNG and sampler state, ledger
//   samples/step_NNNNNN.png     a per-class grid at each checkpoint
//   generated/                  the synthetic images (uint8) and labels
//   logs/run.log                the run's log
//   export/                     what a custodian hands over
#pragma once

#include <filesystem>
#include <string>

namespace dpsapf::core {

struct RunPaths {
    std::filesystem::path root;

    [[nodiscard]] std::filesystem::path config() const { return root / "config.json"; }
    [[nodiscard]] std::filesystem::path ledger() const { return root / "ledger.json"; }
    [[nodiscard]] std::filesystem::path metrics() const { return root / "metrics.jsonl"; }
    [[nodiscard]] std::filesystem::path saliency() const { return root / "saliency"; }
    [[nodiscard]] std::filesystem::path scores() const { return saliency() / "scores.json"; }
    [[nodiscard]] std::filesystem::path selection() const { return saliency() / "selection.json"; }
    [[nodiscard]] std::filesystem::path tuningLayers() const
    {
        return saliency() / "tuning_layers.json";
    }
    [[nodiscard]] std::filesystem::path data() const { return root / "data"; }
    [[nodiscard]] std::filesystem::path checkpoints() const { return root / "checkpoints"; }
    [[nodiscard]] std::filesystem::path latestCheckpoint() const
    {
        return checkpoints() / "latest";
    }
    [[nodiscard]] std::filesystem::path samples() const { return root / "samples"; }
    [[nodiscard]] std::filesystem::path generated() const { return root / "generated"; }
    [[nodiscard]] std::filesystem::path logs() const { return root / "logs"; }
    [[nodiscard]] std::filesystem::path exportDir() const { return root / "export"; }

    // "samples/step_000120.png"
    [[nodiscard]] std::filesystem::path sampleGrid(std::int64_t step) const;
};

} // namespace dpsapf::core
