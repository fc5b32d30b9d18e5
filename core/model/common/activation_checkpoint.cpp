// SPDX-License-Identifier: GPL-3.0-or-later
// Activation checkpointing as an autograd node that replays its segment in the backward pass.
#include "model/common/activation_checkpoint.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/torch.h>

#include <utility>

namespace dpsapf::core {

namespace {

using torch::autograd::variable_list;

class CheckpointedSegmentBackward final : public torch::autograd::Node
{
public:
    CheckpointedSegmentBackward(CheckpointSegment segment, std::vector<torch::Tensor> inputs)
        : Node(torch::autograd::collect_next_edges(inputs))
        , m_segment(std::move(segment))
        , m_inputs(std::move(inputs))
    {}

    [[nodiscard]] std::string name() const override { return "CheckpointedSegmentBackward"; }

    variable_list apply(variable_list &&grads) override
    {
        TORCH_CHECK(!m_released, "a checkpointed segment can be back-propagated only once");
        variable_list inputGrads(m_inputs.size());
        if (grads.empty() || !grads[0].defined()) {
            release();
            return inputGrads;
        }
        // Leaves that share the inputs' storage: the replay's graph ends here, and their .grad
        // is what flows on to the rest of the graph.
        std::vector<torch::Tensor> replayInputs;
        replayInputs.reserve(m_inputs.size());
        for (const auto &input : m_inputs) {
            replayInputs.push_back(
                input.defined() ? input.detach().requires_grad_(input.requires_grad()) : input);
        }
        torch::Tensor output;
        {
            torch::AutoGradMode recording(true);
            output = m_segment(replayInputs);
        }
        release();
        if (output.requires_grad()) {
            torch::autograd::backward({output}, {grads[0]});
        }
        for (std::size_t i = 0; i < replayInputs.size(); ++i) {
            if (replayInputs[i].defined() && replayInputs[i].requires_grad()) {
                inputGrads[i] = replayInputs[i].grad();
            }
        }
        return inputGrads;
    }

private:
    void release()
    {
        m_inputs.clear();
        m_segment = nullptr;
        m_released = true;
    }

    CheckpointSegment m_segment;
    std::vector<torch::Tensor> m_inputs;
    bool m_released = false;
};

bool anyRequiresGrad(const std::vector<torch::Tensor> &inputs, const torch::nn::Module &owner)
{
    for (const auto &input : inputs) {
        if (input.defined() && input.requires_grad()) {
            return true;
        }
    }
    for (const auto &parameter : owner.parameters()) {
        if (parameter.requires_grad()) {
            return true;
        }
    }
    return false;
}

} // namespace

torch::Tensor runCheckpointed(const CheckpointSegment &segment,
                              const std::vector<torch::Tensor> &inputs,
                              const torch::nn::Module &owner)
{
    if (!torch::GradMode::is_enabled() || !anyRequiresGrad(inputs, owner)) {
        return segment(inputs);
    }
    torch::Tensor output;
    {
        torch::NoGradGuard noGraph;
        output = segment(inputs);
    }
    auto node = std::shared_ptr<CheckpointedSegmentBackward>(
        new CheckpointedSegmentBackward(segment, inputs), torch::autograd::deleteNode);
    torch::autograd::set_history(output, node);
    return output;
}

} // namespace dpsapf::core
