// SPDX-License-Identifier: GPL-3.0-or-later
// Conversions between the torch-free RawTensor (safetensors/npy) and torch::Tensor, and
// safetensors files read into / written from name -> tensor maps.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/safetensors.h"

#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>

namespace dpsapf::core {

using TensorMap = std::map<std::string, torch::Tensor>;

[[nodiscard]] Expected<torch::Tensor> toTorch(const RawTensor &raw);
// Contiguous CPU copy of any F16/BF16/F32/F64/I64/I32/U8/Bool tensor.
[[nodiscard]] Expected<RawTensor> fromTorch(const torch::Tensor &tensor);

[[nodiscard]] Expected<TensorMap> loadSafetensorsTensors(const std::filesystem::path &path);
[[nodiscard]] Expected<bool>
saveSafetensorsTensors(const std::filesystem::path &path, const TensorMap &tensors,
                       const std::map<std::string, std::string> &metadata = {});
[[nodiscard]] Expected<torch::Tensor> loadNpyTensor(const std::filesystem::path &path);
[[nodiscard]] Expected<bool> saveNpyTensor(const std::filesystem::path &path,
                                           const torch::Tensor &tensor);

} // namespace dpsapf::core
