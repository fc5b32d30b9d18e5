// SPDX-License-Identifier: GPL-3.0-or-later
// Activation (gradient) checkpointing (Chen et al. 2016, "Training Deep Nets with Sublinear Memory
// Cost"): a segment's forward runs without keeping its intermediate activations; the backward runs
// the segment again with autograd on and back-propagates through that replay. LibTorch has no C++
// checkpoint utility, so this is a small autograd node of its own.
//
// With the DP functions (privacy/per_sample/dp_functions.h) the per-record information is recorded
// exactly once: the first forward builds no graph, so only the replay's backward reaches the
// recorder. The segment must be deterministic (eval mode: no dropout) and must not modify its
// inputs in place.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <functional>
#include <vector>

namespace dpsapf::core {

using CheckpointSegment = std::function<torch::Tensor(const std::vector<torch::Tensor> &)>;

// Runs segment(inputs). When autograd records (grad mode on, and an input or a parameter of
// `owner` requires a gradient), only `inputs` are kept and the backward replays the segment: the
// gradients of the inputs flow on, and those of `owner`'s parameters accumulate into .grad as
// usual. Otherwise the segment simply runs. A graph through a checkpointed segment can be
// back-propagated once (no retain_graph, no double backward).
[[nodiscard]] torch::Tensor runCheckpointed(const CheckpointSegment &segment,
                                            const std::vector<torch::Tensor> &inputs,
                                            const torch::nn::Module &owner);

// A module whose forward can run as one checkpointed segment: derive from it beside
// torch::nn::Module and route the forward through forwardSegment.
class CheckpointableBlock
{
public:
    virtual ~CheckpointableBlock() = default;
    void setGradientCheckpointing(bool enabled) { m_checkpointing = enabled; }
    [[nodiscard]] bool gradientCheckpointing() const { return m_checkpointing; }

protected:
    // segment(inputs), checkpointed when enabled (runCheckpointed with `owner`'s parameters).
    [[nodiscard]] torch::Tensor forwardSegment(const CheckpointSegment &segment,
                                               const std::vector<torch::Tensor> &inputs,
                                               const torch::nn::Module &owner) const
    {
        return m_checkpointing ? runCheckpointed(segment, inputs, owner) : segment(inputs);
    }

private:
    bool m_checkpointing = false;
};

} // namespace dpsapf::core
