// SPDX-License-Identifier: GPL-3.0-or-later
// Tensor-map helpers shared by the torch tests (resume equality, checkpoint contents). Include it
// before any Qt header (stack.md G1).
#pragma once

#include "io/torch_tensors.h"

#include <torch/torch.h>

#include <filesystem>
#include <stdexcept>

namespace dpsapf::test {

// A safetensors file as name -> tensor; throws (failing the test) when it cannot be read.
inline core::TensorMap loadTensors(const std::filesystem::path &path)
{
    auto loaded = core::loadSafetensorsTensors(path);
    if (!loaded) {
        throw std::runtime_error(loaded.error().message);
    }
    return loaded.value();
}

// Same names, and every tensor equal element for element.
inline bool sameTensors(const core::TensorMap &a, const core::TensorMap &b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (const auto &[name, tensor] : a) {
        const auto found = b.find(name);
        if (found == b.end() || !torch::equal(tensor, found->second)) {
            return false;
        }
    }
    return true;
}

} // namespace dpsapf::test
