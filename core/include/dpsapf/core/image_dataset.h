// SPDX-License-Identifier: GPL-3.0-or-later
// The dataset layer: labelled 8-bit images with class names, loaders for IDX, class folders, .npy,
// .npz and StyleGAN-style zips, a deterministic train/validation split and a content fingerprint.
#pragma once

#include "dpsapf/core/expected.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dpsapf::core {

// One image: 8-bit, HWC, row-major; channels is 1 (gray) or 3 (RGB).
struct Image {
    std::int32_t width = 0;
    std::int32_t height = 0;
    std::int32_t channels = 0;
    std::vector<std::uint8_t> pixels; // width * height * channels bytes

    [[nodiscard]] std::size_t byteCount() const
    {
        return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
               static_cast<std::size_t>(channels);
    }
};

class ImageDataset
{
public:
    virtual ~ImageDataset() = default;
    [[nodiscard]] virtual std::int64_t size() const = 0;
    [[nodiscard]] virtual Image image(std::int64_t index) const = 0;
    [[nodiscard]] virtual std::int64_t label(std::int64_t index) const = 0; // in [0, classes)
    [[nodiscard]] virtual const std::vector<std::string> &classNames() const = 0;
    [[nodiscard]] virtual std::string description() const = 0;
};

// What a loader did. Bad files are never dropped silently: under BadFilePolicy::Skip each one is
// counted in `skipped` and listed in `problems`; under BadFilePolicy::Fail the first one is the
// error.
struct LoadReport {
    std::int64_t loaded = 0;
    std::int64_t skipped = 0;          // bad files left out (Skip policy)
    std::vector<std::string> problems; // "path: reason", one per bad file
    std::int64_t ignored = 0;          // non-data entries passed over (hidden files, loose
                                       // files beside the class folders, unlabelled members)
    std::map<std::string, std::int64_t> imageSizes; // "WxH" -> images; several = mixed sizes
    std::int64_t convertedToRgb = 0; // grayscale images repeated to 3 channels to match the others
};

enum class BadFilePolicy { Fail, Skip };

struct DatasetSource {
    enum class Kind {
        Idx,           // path: IDX images (raw or .gz); labelsPath: IDX labels
        ClassFolders,  // path: <root>/<class_name>/*.png|*.jpg|*.jpeg
        Npy,           // path: images .npy; labelsPath: labels .npy (see loadDataset)
        Npz,           // path: .npz with x/y, images/labels or syn_images/syn_labels
        ZipWithLabels, // path: zip of PNGs with dataset.json (StyleGAN dataset_tool layout)
    };
    Kind kind = Kind::ClassFolders;
    std::filesystem::path path;
    std::filesystem::path labelsPath;
    // Optional class names for the formats that store only integer labels (all but ClassFolders,
    // whose names are the folder names and which ignores this). Empty: "0", "1", ... up to the
    // largest label.
    std::vector<std::string> classNames;
};

// Loads a whole dataset into memory. For Kind::Npy an empty labelsPath means the sibling file with
// "images" replaced by "labels" in its name (syn_images.npy -> syn_labels.npy). `report` may be
// null.
[[nodiscard]] Expected<std::shared_ptr<ImageDataset>>
loadDataset(const DatasetSource &source, BadFilePolicy policy, LoadReport *report = nullptr);

inline constexpr const char *kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
// "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
// "Ankle boot", in label order.
[[nodiscard]] const std::vector<std::string> &fashionMnistClassNames();
// The official train (60,000) or test (10,000) split from
// {train,t10k}-{images-idx3,labels-idx1}-ubyte with or without .gz (the gzip file is preferred when
// both exist).
[[nodiscard]] Expected<std::shared_ptr<ImageDataset>>
loadFashionMnist(const std::filesystem::path &dir, bool train, LoadReport *report = nullptr);

// Deterministic seeded split. The permutation is a Fisher-Yates shuffle driven only by the raw
// output of std::mt19937_64(seed) (portable across standard libraries):
//   perm = [0, n); for i = n-1 down to 1: j = bounded(i + 1); swap(perm[i], perm[j])
// where bounded(m) draws r until r < 2^64 - (2^64 mod m) and returns r mod m. train = perm[0,
// trainSize), validation = perm[trainSize, n), both in permutation order (as torch's random_split).
// This is NOT torch.randperm's permutation; import the reference index list to reproduce it.
struct SplitIndices {
    std::vector<std::int64_t> train;
    std::vector<std::int64_t> validation;
};
[[nodiscard]] Expected<SplitIndices> splitTrainValidation(std::int64_t n, std::int64_t trainSize,
                                                          std::uint64_t seed);
// An imported split: the train indices as given; validation = the other indices of [0, n), in
// ascending order. Indices must be unique and in range.
[[nodiscard]] Expected<SplitIndices> splitFromTrainIndices(std::int64_t n,
                                                           std::vector<std::int64_t> trainIndices);
// Index lists as 1-D .npy (<i8, <i4 or |u1 on read; <i8 on write) or, on read, whitespace- or
// comma-separated decimal text (any other extension).
[[nodiscard]] Expected<std::vector<std::int64_t>> readIndexList(const std::filesystem::path &path);
[[nodiscard]] Expected<bool> writeIndexList(const std::filesystem::path &path,
                                            const std::vector<std::int64_t> &indices);

// A view of `indices` of `dataset` (same class names). Throws std::out_of_range when an index is
// outside [0, dataset->size()): callers pass validated split indices.
[[nodiscard]] std::shared_ptr<ImageDataset> subset(std::shared_ptr<ImageDataset> dataset,
                                                   std::vector<std::int64_t> indices);

// 64-bit FNV-1a (offset 0xcbf29ce484222325, prime 0x100000001b3) over, in this order: the ASCII tag
// "dpsapf-dataset-v1", size() as int64, then per record: label as int64, width, height, channels
// as int32, then the pixel bytes (integers little-endian). Class names and the description are
// not hashed. Returned as 16 lowercase hex digits. Not cryptographic: it detects changed data,
// it does not resist deliberate collisions.
[[nodiscard]] std::string datasetFingerprint(const ImageDataset &dataset);

} // namespace dpsapf::core
