// SPDX-License-Identifier: GPL-3.0-or-later
// loadDataset: dispatches a DatasetSource to its loader; loadFashionMnist: the Debian
// dataset-fashion-mnist files with the Zalando class names.
#include "dpsapf/core/image_dataset.h"

#include "data/folder_loader.h"
#include "data/idx_loader.h"
#include "data/npz_loader.h"
#include "data/zip_loader.h"

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

// syn_images.npy -> syn_labels.npy (the last "images" in the file name becomes "labels").
Expected<fs::path> siblingLabelsPath(const fs::path &imagesPath)
{
    std::string name = imagesPath.filename().string();
    const std::size_t at = name.rfind("images");
    if (at == std::string::npos) {
        return makeError(ErrorCode::InvalidArgument,
                         imagesPath.string() +
                             ": no labels file given and the name has no \"images\" to derive one");
    }
    name.replace(at, 6, "labels");
    return imagesPath.parent_path() / name;
}

// <dir>/<stem> with ".gz" when that file exists, else the raw file.
fs::path gzipOrRaw(const fs::path &dir, const std::string &stem)
{
    std::error_code code;
    const fs::path gzip = dir / (stem + ".gz");
    return fs::exists(gzip, code) ? gzip : dir / stem;
}

} // namespace

Expected<std::shared_ptr<ImageDataset>> loadDataset(const DatasetSource &source,
                                                    BadFilePolicy policy, LoadReport *report)
{
    switch (source.kind) {
    case DatasetSource::Kind::Idx:
        if (source.labelsPath.empty()) {
            return makeError(ErrorCode::InvalidArgument,
                             source.path.string() + ": an IDX dataset needs a labels file");
        }
        return loadIdxDataset(source.path, source.labelsPath, source.classNames, std::string(),
                              report);
    case DatasetSource::Kind::ClassFolders: return loadClassFolders(source.path, policy, report);
    case DatasetSource::Kind::Npy: {
        Expected<fs::path> labels =
            source.labelsPath.empty() ? siblingLabelsPath(source.path) : source.labelsPath;
        if (!labels) {
            return labels.error();
        }
        return loadNpyDataset(source.path, labels.value(), source.classNames, report);
    }
    case DatasetSource::Kind::Npz: return loadNpzDataset(source.path, source.classNames, report);
    case DatasetSource::Kind::ZipWithLabels:
        return loadImageZip(source.path, source.classNames, policy, report);
    }
    return makeError(ErrorCode::InvalidArgument, "unknown dataset source kind");
}

const std::vector<std::string> &fashionMnistClassNames()
{
    static const std::vector<std::string> kNames = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return kNames;
}

Expected<std::shared_ptr<ImageDataset>> loadFashionMnist(const fs::path &dir, bool train,
                                                         LoadReport *report)
{
    const std::string prefix = train ? "train" : "t10k";
    return loadIdxDataset(gzipOrRaw(dir, prefix + "-images-idx3-ubyte"),
                          gzipOrRaw(dir, prefix + "-labels-idx1-ubyte"), fashionMnistClassNames(),
                          std::string("Fashion-MNIST ") + (train ? "train" : "test") + " from " +
                              dir.string(),
                          report);
}

} // namespace dpsapf::core
