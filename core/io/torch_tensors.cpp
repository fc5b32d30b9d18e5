// SPDX-License-Identifier: GPL-3.0-or-later
// RawTensor <-> torch::Tensor conversions and tensor-map file helpers.
#include "io/torch_tensors.h"

#include "dpsapf/core/npy.h"

#include <cstring>
#include <optional>

namespace dpsapf::core {
namespace {

std::optional<torch::ScalarType> scalarTypeOf(TensorDType dtype)
{
    switch (dtype) {
    case TensorDType::Bool: return torch::kBool;
    case TensorDType::U8: return torch::kUInt8;
    case TensorDType::I8: return torch::kInt8;
    case TensorDType::I16: return torch::kInt16;
    case TensorDType::F16: return torch::kFloat16;
    case TensorDType::BF16: return torch::kBFloat16;
    case TensorDType::I32: return torch::kInt32;
    case TensorDType::F32: return torch::kFloat32;
    case TensorDType::F64: return torch::kFloat64;
    case TensorDType::I64: return torch::kInt64;
    case TensorDType::U16:
    case TensorDType::U32:
    case TensorDType::U64: return std::nullopt;
    }
    return std::nullopt;
}

std::optional<TensorDType> dtypeOf(torch::ScalarType type)
{
    switch (type) {
    case torch::kBool: return TensorDType::Bool;
    case torch::kUInt8: return TensorDType::U8;
    case torch::kInt8: return TensorDType::I8;
    case torch::kInt16: return TensorDType::I16;
    case torch::kFloat16: return TensorDType::F16;
    case torch::kBFloat16: return TensorDType::BF16;
    case torch::kInt32: return TensorDType::I32;
    case torch::kFloat32: return TensorDType::F32;
    case torch::kFloat64: return TensorDType::F64;
    case torch::kInt64: return TensorDType::I64;
    default: return std::nullopt;
    }
}

} // namespace

Expected<torch::Tensor> toTorch(const RawTensor &raw)
{
    const auto type = scalarTypeOf(raw.dtype);
    if (!type) {
        return makeError(ErrorCode::Format,
                         std::string("dtype ") + dtypeName(raw.dtype) + " has no torch equivalent");
    }
    torch::Tensor tensor = torch::empty(raw.shape, torch::TensorOptions().dtype(*type));
    if (!raw.bytes.empty()) {
        std::memcpy(tensor.data_ptr(), raw.bytes.data(),
                    raw.bytes.size()); // copies: no alignment assumption
    }
    return tensor;
}

Expected<RawTensor> fromTorch(const torch::Tensor &tensor)
{
    const auto dtype = dtypeOf(tensor.scalar_type());
    if (!dtype) {
        return makeError(ErrorCode::InvalidArgument, "tensor dtype cannot be stored");
    }
    const torch::Tensor cpu = tensor.detach().to(torch::kCPU).contiguous();
    RawTensor raw;
    raw.dtype = *dtype;
    raw.shape.assign(cpu.sizes().begin(), cpu.sizes().end());
    raw.bytes.resize(static_cast<std::size_t>(cpu.numel()) * cpu.element_size());
    if (!raw.bytes.empty()) {
        std::memcpy(raw.bytes.data(), cpu.data_ptr(), raw.bytes.size());
    }
    return raw;
}

Expected<TensorMap> loadSafetensorsTensors(const std::filesystem::path &path)
{
    Expected<SafetensorsContent> content = readSafetensors(path);
    if (!content) {
        return content.error();
    }
    TensorMap tensors;
    for (const auto &[name, raw] : content->tensors) {
        Expected<torch::Tensor> tensor = toTorch(raw);
        if (!tensor) {
            return makeError(ErrorCode::Format,
                             path.string() + ": tensor '" + name + "': " + tensor.error().message);
        }
        tensors.emplace(name, tensor.value());
    }
    return tensors;
}

Expected<bool> saveSafetensorsTensors(const std::filesystem::path &path, const TensorMap &tensors,
                                      const std::map<std::string, std::string> &metadata)
{
    SafetensorsContent content;
    content.metadata = metadata;
    for (const auto &[name, tensor] : tensors) {
        Expected<RawTensor> raw = fromTorch(tensor);
        if (!raw) {
            return makeError(ErrorCode::InvalidArgument,
                             path.string() + ": tensor '" + name + "': " + raw.error().message);
        }
        content.tensors.emplace(name, std::move(raw).value());
    }
    return writeSafetensors(path, content);
}

Expected<torch::Tensor> loadNpyTensor(const std::filesystem::path &path)
{
    Expected<RawTensor> raw = readNpy(path);
    if (!raw) {
        return raw.error();
    }
    return toTorch(raw.value());
}

Expected<bool> saveNpyTensor(const std::filesystem::path &path, const torch::Tensor &tensor)
{
    Expected<RawTensor> raw = fromTorch(tensor);
    if (!raw) {
        return raw.error();
    }
    return writeNpy(path, raw.value());
}

} // namespace dpsapf::core
