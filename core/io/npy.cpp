// SPDX-License-Identifier: GPL-3.0-or-later
// NumPy .npy reader and writer (format 1.0/2.0, little-endian, C order).
#include "dpsapf/core/npy.h"

#include "dpsapf/core/atomic_file.h"

#include <regex>

namespace dpsapf::core {
namespace {

struct NpyType {
    TensorDType dtype;
    const char *descr;
};
constexpr NpyType kNpyTypes[] = {
    {TensorDType::F32, "<f4"}, {TensorDType::F64, "<f8"}, {TensorDType::I64, "<i8"},
    {TensorDType::U8, "|u1"},  {TensorDType::I32, "<i4"},
};

Error formatError(const std::string &source, const std::string &what)
{
    return makeError(ErrorCode::Format, source + ": " + what);
}

} // namespace

Expected<RawTensor> parseNpy(const std::string &bytes, const std::string &source)
{
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
        return formatError(source, "not a .npy file (bad magic)");
    }
    const auto major = static_cast<unsigned char>(bytes[6]);
    std::size_t headerLength = 0;
    std::size_t headerStart = 0;
    if (major == 1) {
        headerLength = static_cast<unsigned char>(bytes[8]) |
                       (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8U);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) {
            return formatError(source, "truncated .npy header");
        }
        for (int i = 3; i >= 0; --i) {
            headerLength = (headerLength << 8U) |
                           static_cast<unsigned char>(bytes[8 + static_cast<std::size_t>(i)]);
        }
        headerStart = 12;
    } else {
        return formatError(source, "unsupported .npy version " + std::to_string(major));
    }
    if (headerStart + headerLength > bytes.size()) {
        return formatError(source, "truncated .npy header");
    }
    const std::string header = bytes.substr(headerStart, headerLength);
    std::smatch match;
    if (!std::regex_search(header, match, std::regex(R"('descr'\s*:\s*'([^']*)')"))) {
        return formatError(source, "header has no 'descr'");
    }
    const std::string descr = match[1];
    const auto type = std::find_if(std::begin(kNpyTypes), std::end(kNpyTypes),
                                   [&](const NpyType &entry) { return descr == entry.descr; });
    if (type == std::end(kNpyTypes)) {
        return formatError(source, "unsupported dtype '" + descr +
                                       "' (expected <f4, <f8, <i8, <i4 or |u1)");
    }
    if (!std::regex_search(header, match, std::regex(R"('fortran_order'\s*:\s*(True|False))")) ||
        match[1] != "False") {
        return formatError(source,
                           "only C-order arrays are supported (fortran_order must be False)");
    }
    if (!std::regex_search(header, match, std::regex(R"('shape'\s*:\s*\(([^)]*)\))"))) {
        return formatError(source, "header has no 'shape'");
    }
    RawTensor tensor;
    tensor.dtype = type->dtype;
    const std::string dims = match[1];
    const std::regex number(R"(\d+)");
    for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number);
         it != std::sregex_iterator(); ++it) {
        tensor.shape.push_back(std::stoll(it->str()));
    }
    const std::size_t dataStart = headerStart + headerLength;
    const auto expectedBytes = static_cast<std::size_t>(tensor.numel()) * dtypeSize(tensor.dtype);
    if (bytes.size() - dataStart != expectedBytes) {
        return formatError(source, "data has " + std::to_string(bytes.size() - dataStart) +
                                       " bytes, shape needs " + std::to_string(expectedBytes));
    }
    tensor.bytes.assign(bytes.begin() + static_cast<std::ptrdiff_t>(dataStart), bytes.end());
    return tensor;
}

Expected<RawTensor> readNpy(const std::filesystem::path &path)
{
    Expected<std::string> bytes = readWholeFile(path);
    if (!bytes) {
        return bytes.error();
    }
    return parseNpy(bytes.value(), path.string());
}

Expected<std::string> serializeNpy(const RawTensor &tensor)
{
    const auto type =
        std::find_if(std::begin(kNpyTypes), std::end(kNpyTypes),
                     [&](const NpyType &entry) { return entry.dtype == tensor.dtype; });
    if (type == std::end(kNpyTypes)) {
        return makeError(ErrorCode::InvalidArgument,
                         std::string("cannot write dtype ") + dtypeName(tensor.dtype) + " to .npy");
    }
    std::string shape = "(";
    for (std::size_t i = 0; i < tensor.shape.size(); ++i) {
        shape += std::to_string(tensor.shape[i]) +
                 (tensor.shape.size() == 1 ? "," : (i + 1 < tensor.shape.size() ? ", " : ""));
    }
    shape += ")";
    std::string header = std::string("{'descr': '") + type->descr +
                         "', 'fortran_order': False, 'shape': " + shape + ", }";
    const bool version2 = header.size() + 11 > 65535;
    const std::size_t prefix = version2 ? 12 : 10;
    header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
    header.push_back('\n');
    std::string out("\x93NUMPY", 6);
    out.push_back(static_cast<char>(version2 ? 2 : 1));
    out.push_back('\0');
    const std::size_t length = header.size();
    for (std::size_t i = 0; i < (version2 ? 4U : 2U); ++i) {
        out.push_back(static_cast<char>((length >> (8U * i)) & 0xFFU));
    }
    out += header;
    out.append(reinterpret_cast<const char *>(tensor.bytes.data()), tensor.bytes.size());
    return out;
}

Expected<bool> writeNpy(const std::filesystem::path &path, const RawTensor &tensor)
{
    Expected<std::string> bytes = serializeNpy(tensor);
    if (!bytes) {
        return bytes.error();
    }
    return writeFileAtomically(path, bytes.value());
}

} // namespace dpsapf::core
