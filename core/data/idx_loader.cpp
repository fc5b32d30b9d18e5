// SPDX-License-Identifier: GPL-3.0-or-later
// IDX reader through zlib's gzopen/gzread, which reads gzip and raw files alike; a gzip stream
// that ends early is reported as truncated instead of yielding a short array.
#include "data/idx_loader.h"

#include "data/in_memory_dataset.h"
#include "dpsapf/core/logging.h"

#include <zlib.h>

#include <cstdio>
#include <limits>

namespace dpsapf::core {
namespace {

constexpr std::uint32_t kUnsignedByteType = 0x08;

Error formatError(const std::filesystem::path &path, const std::string &what)
{
    return makeError(ErrorCode::Format, path.string() + ": " + what);
}

// The whole (decompressed) content of a raw or gzip file.
Expected<std::string> readMaybeGzip(const std::filesystem::path &path)
{
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) {
        std::error_code ignored;
        return makeError(ErrorCode::Io, path.string() + ": cannot open" +
                                            (std::filesystem::exists(path, ignored)
                                                 ? std::string()
                                                 : std::string(": no such file")));
    }
    gzbuffer(file, 1U << 17U);
    std::string contents;
    char buffer[1 << 16];
    for (;;) {
        const int got = gzread(file, buffer, sizeof buffer);
        if (got > 0) {
            contents.append(buffer, static_cast<std::size_t>(got));
            continue;
        }
        int code = Z_OK;
        std::string message = gzerror(file, &code); // "<path>: <reason>"
        if (message.rfind(path.string() + ": ", 0) == 0) {
            message.erase(0, path.string().size() + 2);
        }
        if (got < 0 || (code != Z_OK && code != Z_STREAM_END)) {
            const std::string reason = code == Z_BUF_ERROR
                                           ? std::string("truncated gzip stream (") + message + ")"
                                           : std::string("cannot decompress (") + message + ")";
            gzclose(file);
            return formatError(path, reason);
        }
        break;
    }
    gzclose(file);
    return contents;
}

std::uint32_t bigEndian32(const std::string &bytes, std::size_t offset)
{
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        value = (value << 8U) | static_cast<unsigned char>(bytes[offset + i]);
    }
    return value;
}

std::string hex32(std::uint32_t value)
{
    char text[11];
    std::snprintf(text, sizeof text, "0x%08X", value);
    return text;
}

} // namespace

Expected<IdxArray> readIdxFile(const std::filesystem::path &path, int expectedDimensions)
{
    Expected<std::string> bytes = readMaybeGzip(path);
    if (!bytes) {
        return bytes.error();
    }
    const std::string &content = bytes.value();
    const std::uint32_t expectedMagic =
        (kUnsignedByteType << 8U) | static_cast<std::uint32_t>(expectedDimensions);
    if (content.size() < 4) {
        return formatError(path, "too short for an IDX header (" + std::to_string(content.size()) +
                                     " bytes)");
    }
    const std::uint32_t magic = bigEndian32(content, 0);
    if ((magic >> 16U) != 0 || ((magic >> 8U) & 0xFFU) != kUnsignedByteType) {
        return formatError(path, "wrong magic " + hex32(magic) + " (expected " +
                                     hex32(expectedMagic) + ", an unsigned-byte IDX file)");
    }
    const auto dimensions = static_cast<int>(magic & 0xFFU);
    if (dimensions != expectedDimensions) {
        return formatError(
            path, "has " + std::to_string(dimensions) + " dimensions (magic " + hex32(magic) +
                      "), expected " + std::to_string(expectedDimensions) +
                      (expectedDimensions == 3 ? " (images: n, rows, cols)" : " (labels: n)"));
    }
    const std::size_t headerBytes = 4 + 4 * static_cast<std::size_t>(dimensions);
    if (content.size() < headerBytes) {
        return formatError(path, "truncated IDX header");
    }
    IdxArray array;
    std::uint64_t count = 1;
    for (int d = 0; d < dimensions; ++d) {
        const std::uint32_t size = bigEndian32(content, 4 + 4 * static_cast<std::size_t>(d));
        if (size > static_cast<std::uint32_t>(std::numeric_limits<std::int32_t>::max())) {
            return formatError(path, "dimension " + std::to_string(d) + " is too large");
        }
        array.shape.push_back(size);
        count *= size;
        if (count > (std::uint64_t{1} << 40U)) {
            return formatError(path, "the header describes more than 2^40 bytes");
        }
    }
    if (content.size() - headerBytes != count) {
        return formatError(
            path, "has " + std::to_string(content.size() - headerBytes) +
                      " data bytes, the header needs " + std::to_string(count) +
                      (content.size() - headerBytes < count ? " (truncated)" : " (trailing data)"));
    }
    array.data.assign(content.begin() + static_cast<std::ptrdiff_t>(headerBytes), content.end());
    return array;
}

Expected<std::shared_ptr<ImageDataset>> loadIdxDataset(const std::filesystem::path &imagesPath,
                                                       const std::filesystem::path &labelsPath,
                                                       std::vector<std::string> classNames,
                                                       const std::string &what, LoadReport *report)
{
    Expected<IdxArray> images = readIdxFile(imagesPath, 3);
    if (!images) {
        return images.error();
    }
    Expected<IdxArray> labels = readIdxFile(labelsPath, 1);
    if (!labels) {
        return labels.error();
    }
    const std::int64_t count = images.value().shape[0];
    if (labels.value().shape[0] != count) {
        return makeError(ErrorCode::Format, labelsPath.string() + ": has " +
                                                std::to_string(labels.value().shape[0]) +
                                                " labels but " + imagesPath.string() + " has " +
                                                std::to_string(count) + " images");
    }
    const auto rows = static_cast<std::int32_t>(images.value().shape[1]);
    const auto columns = static_cast<std::int32_t>(images.value().shape[2]);
    if (count == 0 || rows == 0 || columns == 0) {
        return formatError(imagesPath, "contains no images");
    }
    std::vector<std::int64_t> labelValues(labels.value().data.begin(), labels.value().data.end());
    Expected<std::vector<std::string>> names =
        resolveClassNames(labelValues, std::move(classNames), labelsPath.string());
    if (!names) {
        return names.error();
    }
    const std::size_t classCount = names.value().size();
    std::string description = (what.empty() ? "IDX " + imagesPath.string() : what) + " (" +
                              std::to_string(count) + " images, " + std::to_string(columns) + "x" +
                              std::to_string(rows) + "x1, " + std::to_string(classCount) +
                              " classes)";
    std::shared_ptr<ImageDataset> dataset = InMemoryDataset::fromUniformBuffer(
        columns, rows, 1, std::move(images.value().data), std::move(labelValues),
        std::move(names.value()), description);
    if (report != nullptr) {
        report->loaded += count;
        report->imageSizes[std::to_string(columns) + "x" + std::to_string(rows)] += count;
    }
    logger(LogChannel::Data)->info("loaded {}", description);
    return dataset;
}

} // namespace dpsapf::core
