// SPDX-License-Identifier: GPL-3.0-or-later
// safetensors reader and writer with full header validation (sd-format.md §1.1).
#include "dpsapf/core/safetensors.h"

#include "dpsapf/core/atomic_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>

namespace dpsapf::core {
namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100ULL * 1024ULL * 1024ULL;

struct DTypeInfo {
    TensorDType dtype;
    const char *name;
    std::size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {TensorDType::Bool, "BOOL", 1}, {TensorDType::U8, "U8", 1},   {TensorDType::I8, "I8", 1},
    {TensorDType::I16, "I16", 2},   {TensorDType::U16, "U16", 2}, {TensorDType::F16, "F16", 2},
    {TensorDType::BF16, "BF16", 2}, {TensorDType::I32, "I32", 4}, {TensorDType::U32, "U32", 4},
    {TensorDType::F32, "F32", 4},   {TensorDType::F64, "F64", 8}, {TensorDType::I64, "I64", 8},
    {TensorDType::U64, "U64", 8},
};

Error formatError(const std::filesystem::path &path, const std::string &what)
{
    return makeError(ErrorCode::Format, path.string() + ": " + what);
}

} // namespace

std::size_t dtypeSize(TensorDType dtype)
{
    for (const DTypeInfo &info : kDTypes) {
        if (info.dtype == dtype) {
            return info.size;
        }
    }
    return 0;
}

const char *dtypeName(TensorDType dtype)
{
    for (const DTypeInfo &info : kDTypes) {
        if (info.dtype == dtype) {
            return info.name;
        }
    }
    return "?";
}

std::int64_t RawTensor::numel() const
{
    std::int64_t count = 1;
    for (const std::int64_t dim : shape) {
        count *= dim;
    }
    return count;
}

Expected<SafetensorsHeader> readSafetensorsHeader(const std::filesystem::path &path)
{
    std::error_code sizeError;
    const std::uintmax_t fileSize = std::filesystem::file_size(path, sizeError);
    if (sizeError) {
        return makeError(ErrorCode::Io, path.string() + ": cannot open: " + sizeError.message());
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return makeError(ErrorCode::Io, path.string() + ": cannot open");
    }
    if (fileSize < 8) {
        return formatError(path, "file too short for a safetensors header (" +
                                     std::to_string(fileSize) + " bytes)");
    }
    std::uint8_t lengthBytes[8];
    in.read(reinterpret_cast<char *>(lengthBytes), 8);
    std::uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i) {
        headerLength = (headerLength << 8U) | lengthBytes[i];
    }
    if (headerLength > kMaxHeaderBytes) {
        return formatError(path,
                           "header length " + std::to_string(headerLength) + " exceeds 100 MB");
    }
    if (headerLength > fileSize - 8) {
        return formatError(path, "header length " + std::to_string(headerLength) +
                                     " runs past the end of the file");
    }
    std::string headerText(headerLength, '\0');
    in.read(headerText.data(), static_cast<std::streamsize>(headerLength));
    if (!in) {
        return makeError(ErrorCode::Io, path.string() + ": cannot read the header");
    }
    const nlohmann::json header = nlohmann::json::parse(headerText, nullptr, false);
    if (header.is_discarded() || !header.is_object()) {
        return formatError(path, "the header is not a JSON object");
    }

    SafetensorsHeader result;
    result.dataOffset = 8 + headerLength;
    const std::uint64_t dataSize = fileSize - result.dataOffset;
    for (const auto &[name, value] : header.items()) {
        if (name == "__metadata__") {
            if (!value.is_object()) {
                return formatError(path, "__metadata__ is not an object");
            }
            for (const auto &[key, text] : value.items()) {
                if (!text.is_string()) {
                    return formatError(path, "__metadata__." + key + " is not a string");
                }
                result.metadata[key] = text.get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "': ";
        if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") ||
            !value.contains("data_offsets")) {
            return formatError(path, where + "needs dtype, shape and data_offsets");
        }
        SafetensorsEntry entry;
        entry.name = name;
        const auto &dtype = value.at("dtype");
        const auto found =
            std::find_if(std::begin(kDTypes), std::end(kDTypes), [&](const DTypeInfo &info) {
                return dtype.is_string() && dtype.get<std::string>() == info.name;
            });
        if (found == std::end(kDTypes)) {
            return formatError(path, where + "unsupported dtype " + dtype.dump());
        }
        entry.dtype = found->dtype;
        const auto &shape = value.at("shape");
        if (!shape.is_array()) {
            return formatError(path, where + "shape is not an array");
        }
        std::uint64_t numel = 1;
        for (const auto &dim : shape) {
            if (!dim.is_number_unsigned()) {
                return formatError(path, where + "shape has a negative or non-integer dimension");
            }
            const auto size = dim.get<std::uint64_t>();
            if (size != 0 && numel > dataSize / size) {
                return formatError(path, where + "shape is larger than the file");
            }
            numel *= size;
            entry.shape.push_back(static_cast<std::int64_t>(size));
        }
        const auto &offsets = value.at("data_offsets");
        if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
            !offsets[1].is_number_unsigned()) {
            return formatError(path, where + "data_offsets must be two unsigned integers");
        }
        entry.begin = offsets[0].get<std::uint64_t>();
        entry.end = offsets[1].get<std::uint64_t>();
        if (entry.begin > entry.end || entry.end > dataSize) {
            return formatError(path, where + "data_offsets lie outside the file");
        }
        if (entry.end - entry.begin != numel * found->size) {
            return formatError(path, where + "data_offsets do not match shape and dtype");
        }
        result.entries.push_back(std::move(entry));
    }
    std::sort(
        result.entries.begin(), result.entries.end(),
        [](const SafetensorsEntry &a, const SafetensorsEntry &b) { return a.begin < b.begin; });
    std::uint64_t expected = 0;
    for (const SafetensorsEntry &entry : result.entries) {
        if (entry.begin != expected) {
            return formatError(path, "tensor '" + entry.name +
                                         "' leaves a hole or overlaps the previous tensor");
        }
        expected = entry.end;
    }
    if (expected != dataSize) {
        return formatError(path, "the data buffer has " + std::to_string(dataSize - expected) +
                                     " trailing bytes");
    }
    return result;
}

Expected<SafetensorsContent> readSafetensors(const std::filesystem::path &path)
{
    Expected<SafetensorsHeader> header = readSafetensorsHeader(path);
    if (!header) {
        return header.error();
    }
    std::ifstream in(path, std::ios::binary);
    SafetensorsContent content;
    content.metadata = header->metadata;
    for (const SafetensorsEntry &entry : header->entries) {
        RawTensor tensor;
        tensor.dtype = entry.dtype;
        tensor.shape = entry.shape;
        tensor.bytes.resize(entry.end - entry.begin);
        in.seekg(static_cast<std::streamoff>(header->dataOffset + entry.begin));
        in.read(reinterpret_cast<char *>(tensor.bytes.data()),
                static_cast<std::streamsize>(tensor.bytes.size()));
        if (!in) {
            return makeError(ErrorCode::Io,
                             path.string() + ": cannot read tensor '" + entry.name + "'");
        }
        content.tensors.emplace(entry.name, std::move(tensor));
    }
    return content;
}

Expected<bool> writeSafetensors(const std::filesystem::path &path,
                                const SafetensorsContent &content)
{
    std::vector<const std::pair<const std::string, RawTensor> *> order;
    for (const auto &item : content.tensors) {
        if (item.second.bytes.size() !=
            static_cast<std::size_t>(item.second.numel()) * dtypeSize(item.second.dtype)) {
            return makeError(ErrorCode::InvalidArgument,
                             path.string() + ": tensor '" + item.first +
                                 "' has a byte size that does not match its shape");
        }
        order.push_back(&item);
    }
    std::stable_sort(order.begin(), order.end(), [](const auto *a, const auto *b) {
        const std::size_t sizeA = dtypeSize(a->second.dtype);
        const std::size_t sizeB = dtypeSize(b->second.dtype);
        return sizeA != sizeB ? sizeA > sizeB : a->first < b->first;
    });
    nlohmann::ordered_json header;
    nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
    metadata["format"] = "pt";
    for (const auto &[key, value] : content.metadata) {
        metadata[key] = value;
    }
    header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (const auto *item : order) {
        const RawTensor &tensor = item->second;
        header[item->first] = {{"dtype", dtypeName(tensor.dtype)},
                               {"shape", tensor.shape},
                               {"data_offsets", {offset, offset + tensor.bytes.size()}}};
        offset += tensor.bytes.size();
    }
    std::string headerText = header.dump();
    headerText.append((8 - headerText.size() % 8) % 8, ' ');
    std::string file;
    file.reserve(8 + headerText.size() + offset);
    const std::uint64_t length = headerText.size();
    for (int i = 0; i < 8; ++i) {
        file.push_back(static_cast<char>((length >> (8U * static_cast<unsigned>(i))) & 0xFFU));
    }
    file += headerText;
    for (const auto *item : order) {
        file.append(reinterpret_cast<const char *>(item->second.bytes.data()),
                    item->second.bytes.size());
    }
    return writeFileAtomically(path, file);
}

} // namespace dpsapf::core
