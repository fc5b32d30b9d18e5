// SPDX-License-Identifier: GPL-3.0-or-later
// safetensors reader and writer (format: huggingface/safetensors; sd-format.md §1). Torch-free:
// tensors are raw little-endian bytes with a dtype and a shape. The reader is bounds-checked: a
// malformed header, an unknown dtype or offsets outside the file are clear errors, never overreads.
#pragma once

#include "dpsapf/core/expected.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace dpsapf::core {

enum class TensorDType { Bool, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64 };

[[nodiscard]] std::size_t dtypeSize(TensorDType dtype);
[[nodiscard]] const char *dtypeName(TensorDType dtype); // "F32", ...

struct RawTensor {
    TensorDType dtype = TensorDType::F32;
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> bytes; // little-endian, row-major; numel * dtypeSize bytes

    [[nodiscard]] std::int64_t numel() const;
};

struct SafetensorsContent {
    std::map<std::string, RawTensor> tensors;
    std::map<std::string, std::string> metadata;
};

// Header entry as stored: used to inspect a file without reading the tensor data.
struct SafetensorsEntry {
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0; // offsets relative to the data buffer
    std::uint64_t end = 0;
};

struct SafetensorsHeader {
    std::vector<SafetensorsEntry> entries; // in offset order
    std::map<std::string, std::string> metadata;
    std::uint64_t dataOffset = 0; // 8 + header length
};

[[nodiscard]] Expected<SafetensorsHeader> readSafetensorsHeader(const std::filesystem::path &path);
[[nodiscard]] Expected<SafetensorsContent> readSafetensors(const std::filesystem::path &path);
// Tensors are sorted by dtype size (wider first), then name; the header is padded to a multiple of
// 8 bytes; metadata always contains {"format": "pt"}. Written atomically.
[[nodiscard]] Expected<bool> writeSafetensors(const std::filesystem::path &path,
                                              const SafetensorsContent &content);

} // namespace dpsapf::core
