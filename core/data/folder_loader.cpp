// SPDX-License-Identifier: GPL-3.0-or-later
// Class-folder loader: walks <root>/<class>/, decodes every image with stb_image and applies the
// bad-file policy through ImageCollector.
#include "data/folder_loader.h"

#include "data/image_collector.h"
#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/logging.h"

#include <algorithm>
#include <cctype>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

bool isHidden(const fs::path &path)
{
    const std::string name = path.filename().string();
    return !name.empty() && name.front() == '.';
}

bool hasImageExtension(const fs::path &path)
{
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".png" || extension == ".jpg" || extension == ".jpeg";
}

Error ioError(const fs::path &path, const std::string &what, const std::error_code &code)
{
    return makeError(ErrorCode::Io, path.string() + ": " + what + ": " + code.message());
}

// Regular, non-hidden files below `folder`, sorted by path; hidden entries are counted.
Expected<std::vector<fs::path>> listFiles(const fs::path &folder, std::int64_t &hidden)
{
    std::vector<fs::path> files;
    std::error_code code;
    fs::recursive_directory_iterator it(folder, fs::directory_options::follow_directory_symlink,
                                        code);
    for (; !code && it != fs::recursive_directory_iterator(); it.increment(code)) {
        std::error_code entryCode; // a dangling link is not a folder; reading it fails later
        const bool isFolder = it->is_directory(entryCode);
        if (isHidden(it->path())) {
            ++hidden;
            if (isFolder) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (!isFolder) {
            files.push_back(it->path());
        }
    }
    if (code) {
        return ioError(folder, "cannot list the folder", code);
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

Expected<std::shared_ptr<ImageDataset>> loadClassFolders(const fs::path &root, BadFilePolicy policy,
                                                         LoadReport *report)
{
    std::error_code code;
    if (!fs::is_directory(root, code)) {
        return makeError(ErrorCode::Io,
                         root.string() + ": " +
                             (fs::exists(root, code) ? "not a folder" : "no such folder"));
    }
    ImageCollector collector(policy, report);
    std::vector<fs::path> classFolders;
    for (fs::directory_iterator it(root, code); !code && it != fs::directory_iterator();
         it.increment(code)) {
        std::error_code entryCode;
        if (isHidden(it->path()) || !it->is_directory(entryCode)) {
            collector.addIgnored();
            logger(LogChannel::Data)->debug("ignored {}", it->path().string());
            continue;
        }
        classFolders.push_back(it->path());
    }
    if (code) {
        return ioError(root, "cannot list the folder", code);
    }
    if (classFolders.empty()) {
        return makeError(ErrorCode::Format, root.string() + ": no class folders (expected " +
                                                root.string() +
                                                "/<class_name>/*.png|*.jpg|*.jpeg)");
    }
    std::sort(classFolders.begin(), classFolders.end());

    std::vector<std::string> classNames;
    std::int64_t imageFiles = 0;
    for (std::size_t label = 0; label < classFolders.size(); ++label) {
        const fs::path &folder = classFolders[label];
        classNames.push_back(folder.filename().string());
        std::int64_t hidden = 0;
        Expected<std::vector<fs::path>> files = listFiles(folder, hidden);
        if (!files) {
            return files.error();
        }
        for (std::int64_t i = 0; i < hidden; ++i) {
            collector.addIgnored();
        }
        std::int64_t classImages = 0;
        for (const fs::path &file : files.value()) {
            Expected<bool> outcome = true;
            if (!hasImageExtension(file)) {
                outcome = collector.addProblem(
                    makeError(ErrorCode::Format,
                              file.string() + ": not an image file (extension '" +
                                  file.extension().string() + "'; expected .png, .jpg or .jpeg)"));
            } else {
                ++imageFiles;
                ++classImages;
                Expected<std::string> bytes = readWholeFile(file);
                outcome = bytes ? collector.addEncoded(bytes.value(), file.string(),
                                                       static_cast<std::int64_t>(label))
                                : collector.addProblem(bytes.error());
            }
            if (!outcome) {
                return outcome.error();
            }
        }
        if (classImages == 0) {
            logger(LogChannel::Data)
                ->warn("{}: class folder '{}' holds no images", root.string(), classNames.back());
        }
    }
    if (imageFiles == 0) {
        return makeError(ErrorCode::Format,
                         root.string() + ": no images in " + std::to_string(classFolders.size()) +
                             " class folder(s) (expected .png, .jpg or .jpeg files)");
    }
    if (collector.count() == 0) {
        return makeError(ErrorCode::Format, root.string() + ": none of the " +
                                                std::to_string(imageFiles) +
                                                " image files could be read (all skipped)");
    }
    return collector.finish(std::move(classNames), "class folders " + root.string());
}

} // namespace dpsapf::core
