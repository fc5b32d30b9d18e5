// SPDX-License-Identifier: GPL-3.0-or-later
// Loading named tensors into a module with shape checks and key reports.
#include "model/common/state_dict.h"

#include <torch/torch.h>

#include <sstream>

namespace dpsapf::core {
namespace {

std::string shapeText(c10::IntArrayRef shape)
{
    std::ostringstream out;
    out << shape;
    return out.str();
}

std::string firstFew(const std::vector<std::string> &names)
{
    std::string text;
    for (std::size_t i = 0; i < names.size() && i < 5; ++i) {
        text += (i ? ", " : "") + names[i];
    }
    if (names.size() > 5) {
        text += ", ... (" + std::to_string(names.size()) + " in all)";
    }
    return text;
}

} // namespace

TensorMap moduleStateDict(const torch::nn::Module &module)
{
    TensorMap state;
    for (const auto &item : module.named_parameters(true)) {
        state.emplace(item.key(), item.value());
    }
    for (const auto &item : module.named_buffers(true)) {
        state.emplace(item.key(), item.value());
    }
    return state;
}

Expected<bool> loadStateDict(torch::nn::Module &module, const TensorMap &tensors,
                             const LoadOptions &options)
{
    const std::string prefix = options.source.empty() ? std::string() : options.source + ": ";
    const TensorMap targets = moduleStateDict(module);
    std::vector<std::string> missing;
    std::vector<std::string> unexpected;
    for (const auto &[name, target] : targets) {
        const auto found = tensors.find(name);
        if (found == tensors.end()) {
            missing.push_back(name);
            continue;
        }
        if (found->second.sizes() != target.sizes()) {
            return makeError(ErrorCode::Format, prefix + "tensor '" + name + "' has shape " +
                                                    shapeText(found->second.sizes()) +
                                                    ", the model expects " +
                                                    shapeText(target.sizes()));
        }
    }
    for (const auto &item : tensors) {
        if (targets.count(item.first) == 0) {
            unexpected.push_back(item.first);
        }
    }
    if (!missing.empty() && !options.allowMissing) {
        return makeError(ErrorCode::Format, prefix + "missing tensors: " + firstFew(missing));
    }
    if (!unexpected.empty() && !options.allowUnexpected) {
        return makeError(ErrorCode::Format, prefix + "unexpected tensors: " + firstFew(unexpected));
    }
    torch::NoGradGuard noGrad;
    for (const auto &[name, target] : targets) {
        const auto found = tensors.find(name);
        if (found != tensors.end()) {
            target.copy_(found->second.to(target.options()));
        }
    }
    return true;
}

} // namespace dpsapf::core
