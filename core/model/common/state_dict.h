// SPDX-License-Identifier: GPL-3.0-or-later
// Loading named tensors into a module whose parameter paths equal the checkpoint keys: shapes are
// checked, missing and unexpected keys are reported by name, dtypes are converted.
#pragma once

#include "dpsapf/core/expected.h"
#include "io/torch_tensors.h"

#include <torch/nn/module.h>

#include <string>
#include <vector>

namespace dpsapf::core {

struct LoadOptions {
    bool allowMissing = false; // e.g. LoRA parameters that a base checkpoint does not hold
    bool allowUnexpected = false;
    std::string source; // file name for messages
};

// Copies every matching tensor into the module's parameters and buffers (no autograd).
[[nodiscard]] Expected<bool> loadStateDict(torch::nn::Module &module, const TensorMap &tensors,
                                           const LoadOptions &options);

// Parameters and buffers of a module by their dotted path.
[[nodiscard]] TensorMap moduleStateDict(const torch::nn::Module &module);

} // namespace dpsapf::core
