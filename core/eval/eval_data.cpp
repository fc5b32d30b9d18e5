// SPDX-License-Identifier: GPL-3.0-or-later
// Loading image sets for evaluation.
#include "eval/eval_data.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

std::string folderSafe(std::string name)
{
    for (char &c : name) {
        if (c == '/' || c == '\\' || c == ':' || c == ' ') {
            c = '_';
        }
    }
    return name;
}

bool isInteger(const std::string &text)
{
    return !text.empty() && text.size() < 10 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

Expected<LabelledImages> toLabelledImages(const ImageDataset &dataset, const std::string &what)
{
    const std::int64_t n = dataset.size();
    if (n == 0) {
        return makeError(ErrorCode::InvalidArgument, what + ": no images");
    }
    const Image first = dataset.image(0);
    LabelledImages out;
    out.images = torch::empty({n, first.height, first.width, first.channels}, torch::kUInt8);
    out.labels = torch::empty({n}, torch::kInt64);
    std::map<std::string, std::int64_t> sizes;
    std::uint8_t *pixels = out.images.data_ptr<std::uint8_t>();
    auto *labels = out.labels.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i) {
        const Image image = i == 0 ? first : dataset.image(i);
        sizes[fmt::format("{}x{}x{}", image.width, image.height, image.channels)] += 1;
        if (image.width != first.width || image.height != first.height ||
            image.channels != first.channels) {
            continue;
        }
        std::memcpy(pixels + static_cast<std::size_t>(i) * first.byteCount(), image.pixels.data(),
                    first.byteCount());
        labels[i] = dataset.label(i);
    }
    if (sizes.size() > 1) {
        std::string text;
        for (const auto &[size, count] : sizes) {
            text += fmt::format("{}{} ({} images)", text.empty() ? "" : ", ", size, count);
        }
        return makeError(ErrorCode::InvalidArgument,
                         what + ": mismatched image sizes (width x height x channels: " + text +
                             "); evaluation needs images of one size");
    }
    out.images = out.images.permute({0, 3, 1, 2}).contiguous();
    out.classNames = dataset.classNames();
    out.description = dataset.description();
    out.fingerprint = datasetFingerprint(dataset);
    return out;
}

Expected<LabelledImages> loadImageSet(const std::string &spec)
{
    Expected<std::shared_ptr<ImageDataset>> dataset =
        makeError(ErrorCode::InvalidArgument, spec + ": unknown image set");
    if (spec == "fashion-mnist" || spec == "fashion-mnist:train" || spec == "fashion-mnist:test") {
        dataset = loadFashionMnist(kFashionMnistDir, spec != "fashion-mnist:test");
    } else {
        const fs::path path(spec);
        std::error_code error;
        if (!fs::exists(path, error)) {
            return makeError(ErrorCode::Io, spec + ": no such file or folder");
        }
        std::string extension = path.extension().string();
        std::transform(extension.begin(), extension.end(), extension.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        DatasetSource source;
        source.path = path;
        if (fs::is_directory(path, error)) {
            source.kind = DatasetSource::Kind::ClassFolders;
        } else if (extension == ".npz") {
            source.kind = DatasetSource::Kind::Npz;
        } else if (extension == ".npy") {
            source.kind = DatasetSource::Kind::Npy;
        } else if (extension == ".zip") {
            source.kind = DatasetSource::Kind::ZipWithLabels;
        } else {
            return makeError(ErrorCode::InvalidArgument,
                             spec + ": not an image set (a class-folder tree, .npz, .npy or .zip; "
                                    "or fashion-mnist[:train|:test])");
        }
        dataset = loadDataset(source, BadFilePolicy::Fail);
    }
    if (!dataset) {
        return dataset.error();
    }
    return toLabelledImages(*dataset.value(), spec);
}

Expected<torch::Tensor> alignLabels(const LabelledImages &images,
                                    const std::vector<std::string> &target)
{
    // Default names "0".."K-1" (formats with integer labels only): labels are used as they are.
    bool defaultNames = images.classNames.size() <= target.size();
    for (std::size_t i = 0; i < target.size() && defaultNames; ++i) {
        defaultNames = target[i] == std::to_string(i);
    }
    if (defaultNames) {
        return images.labels;
    }
    std::map<std::string, std::int64_t> byName;
    for (std::size_t i = 0; i < target.size(); ++i) {
        byName[folderSafe(target[i])] = static_cast<std::int64_t>(i);
    }
    std::vector<std::int64_t> mapping;
    bool named = true;
    bool numbered = true;
    for (const std::string &name : images.classNames) {
        const auto found = byName.find(folderSafe(name));
        named = named && found != byName.end();
        numbered = numbered && isInteger(name) &&
                   std::stoll(name) < static_cast<std::int64_t>(target.size());
        mapping.push_back(found != byName.end() ? found->second : -1);
    }
    if (!named) {
        if (!numbered) {
            std::string names;
            for (const std::string &name : images.classNames) {
                names += (names.empty() ? "" : ", ") + name;
            }
            return makeError(ErrorCode::InvalidArgument,
                             images.description + ": class names (" + names +
                                 ") match neither the test classes nor their numbers");
        }
        mapping.clear();
        for (const std::string &name : images.classNames) {
            mapping.push_back(std::stoll(name));
        }
    }
    const torch::Tensor table = torch::tensor(mapping, torch::kInt64);
    return table.index_select(0, images.labels);
}

} // namespace dpsapf::core
