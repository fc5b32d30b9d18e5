// SPDX-License-Identifier: GPL-3.0-or-later
// NumPy .npy (v1.0/v2.0) reader and writer for the arrays the project exchanges: <f4, <f8, <i8,
// |u1, C order only (stack.md §7). Torch-free; errors name the file and the reason.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/safetensors.h"

#include <filesystem>
#include <string>

namespace dpsapf::core {

// Parses .npy bytes (e.g. a member of an .npz); `source` names the file in error messages.
[[nodiscard]] Expected<RawTensor> parseNpy(const std::string &bytes, const std::string &source);
[[nodiscard]] Expected<RawTensor> readNpy(const std::filesystem::path &path);
// Serialises to .npy v1.0 (v2.0 when the header needs it). Supports F32, F64, I64, U8.
[[nodiscard]] Expected<std::string> serializeNpy(const RawTensor &tensor);
[[nodiscard]] Expected<bool> writeNpy(const std::filesystem::path &path, const RawTensor &tensor);

} // namespace dpsapf::core
