// SPDX-License-Identifier: GPL-3.0-or-later
// .npy/.npz image and label arrays to an in-memory dataset: dtype and layout checks, float to byte
// conversion, NCHW to HWC.
#include "data/npz_loader.h"

#include "data/in_memory_dataset.h"
#include "data/zip_reader.h"
#include "dpsapf/core/logging.h"
#include "dpsapf/core/npy.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dpsapf::core {
namespace {

constexpr double kFloatTolerance = 1e-4;

std::string shapeText(const std::vector<std::int64_t> &shape)
{
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
    }
    return text + (shape.size() == 1 ? ",)" : ")");
}

Error formatError(const std::string &source, const std::string &what)
{
    return makeError(ErrorCode::Format, source + ": " + what);
}

template <typename Float>
Expected<std::vector<std::uint8_t>> floatsToBytes(const RawTensor &tensor,
                                                  const std::string &source)
{
    const auto count = static_cast<std::size_t>(tensor.numel());
    std::vector<std::uint8_t> bytes(count);
    for (std::size_t i = 0; i < count; ++i) {
        Float value;
        std::memcpy(&value, tensor.bytes.data() + i * sizeof(Float), sizeof(Float));
        const auto v = static_cast<double>(value);
        if (!(v >= -kFloatTolerance && v <= 1.0 + kFloatTolerance)) {
            return formatError(source, "float image values must lie in [0, 1]; element " +
                                           std::to_string(i) + " is " + std::to_string(v) +
                                           " (divide [0, 255] data by 255)");
        }
        bytes[i] = static_cast<std::uint8_t>(std::clamp(std::floor(255.0 * v + 0.5), 0.0, 255.0));
    }
    return bytes;
}

Expected<std::vector<std::int64_t>> labelValues(const RawTensor &labels, const std::string &source)
{
    const bool column = labels.shape.size() == 2 && labels.shape[1] == 1;
    if (labels.shape.size() != 1 && !column) {
        return formatError(source,
                           "labels must have shape (N,) or (N, 1), got " + shapeText(labels.shape));
    }
    const auto count = static_cast<std::size_t>(labels.shape[0]);
    std::vector<std::int64_t> values(count);
    for (std::size_t i = 0; i < count; ++i) {
        switch (labels.dtype) {
        case TensorDType::I64: std::memcpy(&values[i], labels.bytes.data() + 8 * i, 8); break;
        case TensorDType::I32: {
            std::int32_t value = 0;
            std::memcpy(&value, labels.bytes.data() + 4 * i, 4);
            values[i] = value;
            break;
        }
        case TensorDType::U8: values[i] = labels.bytes[i]; break;
        default:
            return formatError(source, std::string("labels must be integers (<i8, <i4 or |u1), "
                                                   "got dtype ") +
                                           dtypeName(labels.dtype));
        }
    }
    return values;
}

} // namespace

Expected<std::shared_ptr<ImageDataset>>
datasetFromArrays(const RawTensor &images, const RawTensor &labels, const std::string &imagesSource,
                  const std::string &labelsSource, std::vector<std::string> classNames,
                  const std::string &what, LoadReport *report)
{
    const std::vector<std::int64_t> &shape = images.shape;
    const auto isChannelCount = [](std::int64_t value) { return value == 1 || value == 3; };
    bool channelsFirst = false;
    std::int64_t height = 0;
    std::int64_t width = 0;
    std::int64_t channels = 1;
    if (shape.size() == 3) {
        height = shape[1];
        width = shape[2];
    } else if (shape.size() == 4 && isChannelCount(shape[1])) {
        channelsFirst = true;
        channels = shape[1];
        height = shape[2];
        width = shape[3];
    } else if (shape.size() == 4 && isChannelCount(shape[3])) {
        height = shape[1];
        width = shape[2];
        channels = shape[3];
    } else {
        return formatError(imagesSource, "image array of shape " + shapeText(shape) +
                                             " is not (N, H, W), (N, C, H, W) or (N, H, W, C) "
                                             "with C in {1, 3}");
    }
    const std::int64_t count = shape[0];
    if (count == 0 || height == 0 || width == 0) {
        return formatError(imagesSource, "contains no images (shape " + shapeText(shape) + ")");
    }
    if (height > (1 << 16) || width > (1 << 16)) {
        return formatError(imagesSource, "images of " + std::to_string(width) + "x" +
                                             std::to_string(height) + " px are too large");
    }
    Expected<std::vector<std::uint8_t>> bytes = std::vector<std::uint8_t>();
    switch (images.dtype) {
    case TensorDType::U8: bytes = images.bytes; break;
    case TensorDType::F32: bytes = floatsToBytes<float>(images, imagesSource); break;
    case TensorDType::F64: bytes = floatsToBytes<double>(images, imagesSource); break;
    default:
        return formatError(imagesSource,
                           std::string("images must be |u1 or <f4 in [0, 1], got dtype ") +
                               dtypeName(images.dtype));
    }
    if (!bytes) {
        return bytes.error();
    }
    Expected<std::vector<std::int64_t>> labelList = labelValues(labels, labelsSource);
    if (!labelList) {
        return labelList.error();
    }
    if (static_cast<std::int64_t>(labelList.value().size()) != count) {
        return formatError(labelsSource, "has " + std::to_string(labelList.value().size()) +
                                             " labels but " + imagesSource + " has " +
                                             std::to_string(count) + " images");
    }
    Expected<std::vector<std::string>> names =
        resolveClassNames(labelList.value(), std::move(classNames), labelsSource);
    if (!names) {
        return names.error();
    }
    std::vector<std::uint8_t> pixels = std::move(bytes.value());
    if (channelsFirst && channels == 3) {
        const auto plane = static_cast<std::size_t>(height * width);
        std::vector<std::uint8_t> hwc(pixels.size());
        for (std::size_t n = 0; n < static_cast<std::size_t>(count); ++n) {
            const std::uint8_t *in = pixels.data() + n * 3 * plane;
            std::uint8_t *out = hwc.data() + n * 3 * plane;
            for (std::size_t p = 0; p < plane; ++p) {
                for (std::size_t c = 0; c < 3; ++c) {
                    out[3 * p + c] = in[c * plane + p];
                }
            }
        }
        pixels = std::move(hwc);
    }
    const std::string description = what + " (" + std::to_string(count) + " images, " +
                                    std::to_string(width) + "x" + std::to_string(height) + "x" +
                                    std::to_string(channels) + ", " +
                                    std::to_string(names.value().size()) + " classes)";
    std::shared_ptr<ImageDataset> dataset = InMemoryDataset::fromUniformBuffer(
        static_cast<std::int32_t>(width), static_cast<std::int32_t>(height),
        static_cast<std::int32_t>(channels), std::move(pixels), std::move(labelList.value()),
        std::move(names.value()), description);
    if (report != nullptr) {
        report->loaded += count;
        report->imageSizes[std::to_string(width) + "x" + std::to_string(height)] += count;
    }
    logger(LogChannel::Data)->info("loaded {}", description);
    return dataset;
}

Expected<std::shared_ptr<ImageDataset>> loadNpyDataset(const std::filesystem::path &imagesPath,
                                                       const std::filesystem::path &labelsPath,
                                                       std::vector<std::string> classNames,
                                                       LoadReport *report)
{
    Expected<RawTensor> images = readNpy(imagesPath);
    if (!images) {
        return images.error();
    }
    Expected<RawTensor> labels = readNpy(labelsPath);
    if (!labels) {
        return labels.error();
    }
    return datasetFromArrays(images.value(), labels.value(), imagesPath.string(),
                             labelsPath.string(), std::move(classNames),
                             ".npy " + imagesPath.string(), report);
}

Expected<std::shared_ptr<ImageDataset>> loadNpzDataset(const std::filesystem::path &path,
                                                       std::vector<std::string> classNames,
                                                       LoadReport *report)
{
    Expected<ZipReader> archive = ZipReader::open(path);
    if (!archive) {
        return archive.error();
    }
    static const std::pair<const char *, const char *> kKeyPairs[] = {
        {"x", "y"}, {"images", "labels"}, {"syn_images", "syn_labels"}};
    for (const auto &[imagesKey, labelsKey] : kKeyPairs) {
        const std::string imagesMember = std::string(imagesKey) + ".npy";
        const std::string labelsMember = std::string(labelsKey) + ".npy";
        if (!archive.value().contains(imagesMember) || !archive.value().contains(labelsMember)) {
            continue;
        }
        const std::string imagesSource = path.string() + "/" + imagesMember;
        const std::string labelsSource = path.string() + "/" + labelsMember;
        Expected<std::string> imagesBytes = archive.value().read(imagesMember);
        if (!imagesBytes) {
            return imagesBytes.error();
        }
        Expected<RawTensor> images = parseNpy(imagesBytes.value(), imagesSource);
        imagesBytes = std::string(); // free the serialised copy early
        if (!images) {
            return images.error();
        }
        Expected<std::string> labelsBytes = archive.value().read(labelsMember);
        if (!labelsBytes) {
            return labelsBytes.error();
        }
        Expected<RawTensor> labels = parseNpy(labelsBytes.value(), labelsSource);
        if (!labels) {
            return labels.error();
        }
        return datasetFromArrays(images.value(), labels.value(), imagesSource, labelsSource,
                                 std::move(classNames), ".npz " + path.string(), report);
    }
    std::string found;
    for (const std::string &name : archive.value().memberNames()) {
        const bool isArray = name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0;
        found += (found.empty() ? "" : ", ") + (isArray ? name.substr(0, name.size() - 4) : name);
    }
    return formatError(path.string(), "no image/label arrays: expected keys x/y, images/labels or "
                                      "syn_images/syn_labels, found " +
                                          (found.empty() ? std::string("no members") : found));
}

} // namespace dpsapf::core
