// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA files (sd-format.md §9): the diffusers/PEFT export with the scale folded into B, the kohya
// export with one alpha for all modules, and a reader that normalises PEFT, older diffusers and
// kohya key styles back to (module, A, B, scale).
#pragma once

#include "dpsapf/core/expected.h"
#include "model/unet/unet.h"

#include <torch/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

struct LoraAdapter {
    std::string module; // diffusers module path, e.g. "...attn2.to_out.0"
    torch::Tensor a;    // [r, in]
    torch::Tensor b;    // [out, r]
    double scale = 1.0; // W' = W + scale * B A
};

// pytorch_lora_weights.safetensors: "unet.<module>.lora_A.weight" / ".lora_B.weight" with B
// multiplied by the scale, so every loader (alpha = r) applies the same update.
[[nodiscard]] Expected<bool> writePeftLora(const std::filesystem::path &path,
                                           const std::vector<LoraAdapter> &adapters);
// kohya: "lora_unet_<module with . -> _>.lora_down.weight" / ".lora_up.weight" / ".alpha" with one
// alpha for every module; up is rescaled so that alpha / r_m gives each module's scale.
[[nodiscard]] Expected<bool> writeKohyaLora(const std::filesystem::path &path,
                                            const std::vector<LoraAdapter> &adapters, double alpha,
                                            bool stableDiffusion2);

// Reads any supported style. `knownModules` resolves kohya names (underscores are ambiguous);
// unknown modules are an error naming the key.
[[nodiscard]] Expected<std::vector<LoraAdapter>>
readLoraFile(const std::filesystem::path &path, const std::vector<std::string> &knownModules);

// Attaches the adapters to the UNet's attention projections (replacing existing ones); `strength`
// multiplies every scale. Errors name a module that is not an attention projection or a shape
// that does not fit.
[[nodiscard]] Expected<bool> applyLora(UNet &unet, const std::vector<LoraAdapter> &adapters,
                                       double strength = 1.0);

} // namespace dpsapf::core
