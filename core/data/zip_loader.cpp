// SPDX-License-Identifier: GPL-3.0-or-later
// StyleGAN-style image zip loader: parses dataset.json with nlohmann_json, reads the labelled
// members through ZipReader and decodes them through ImageCollector.
#include "data/zip_loader.h"

#include "data/image_collector.h"
#include "data/in_memory_dataset.h"
#include "data/zip_reader.h"
#include "dpsapf/core/logging.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace dpsapf::core {
namespace {

constexpr const char *kLabelsMember = "dataset.json";

bool hasImageExtension(const std::string &name)
{
    const std::size_t dot = name.rfind('.');
    if (dot == std::string::npos) {
        return false;
    }
    std::string extension = name.substr(dot);
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".png" || extension == ".jpg" || extension == ".jpeg";
}

struct LabelEntry {
    std::string member;
    std::int64_t label = 0;
};

Expected<std::vector<LabelEntry>> parseLabels(const std::string &text, const std::string &source)
{
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, source + ": invalid JSON: " + error.what());
    }
    if (!json.is_object() || !json.contains("labels")) {
        return makeError(ErrorCode::Format, source + ": has no \"labels\" entry");
    }
    const nlohmann::json &labels = json["labels"];
    if (labels.is_null()) {
        return makeError(ErrorCode::Format,
                         source + ": \"labels\" is null (an unlabelled dataset); class-conditional "
                                  "training needs [file, label] pairs");
    }
    if (!labels.is_array()) {
        return makeError(ErrorCode::Format, source + ": \"labels\" is not an array");
    }
    std::vector<LabelEntry> entries;
    entries.reserve(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const nlohmann::json &entry = labels[i];
        if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() ||
            !entry[1].is_number_integer() || entry[1].get<std::int64_t>() < 0) {
            return makeError(ErrorCode::Format,
                             source + ": label entry " + std::to_string(i) + " is " + entry.dump() +
                                 ", expected [\"file name\", integer label >= 0]");
        }
        entries.push_back({entry[0].get<std::string>(), entry[1].get<std::int64_t>()});
    }
    if (entries.empty()) {
        return makeError(ErrorCode::Format, source + ": \"labels\" is empty");
    }
    return entries;
}

} // namespace

Expected<std::shared_ptr<ImageDataset>> loadImageZip(const std::filesystem::path &path,
                                                     std::vector<std::string> classNames,
                                                     BadFilePolicy policy, LoadReport *report)
{
    Expected<ZipReader> archive = ZipReader::open(path);
    if (!archive) {
        return archive.error();
    }
    const ZipReader &zip = archive.value();
    const std::string labelsSource = path.string() + "/" + kLabelsMember;
    if (!zip.contains(kLabelsMember)) {
        return makeError(ErrorCode::Format, path.string() + ": no " + kLabelsMember +
                                                " (expected the StyleGAN dataset_tool layout with "
                                                "{\"labels\": [[\"file.png\", label], ...]})");
    }
    Expected<std::string> text = zip.read(kLabelsMember);
    if (!text) {
        return text.error();
    }
    Expected<std::vector<LabelEntry>> entries = parseLabels(text.value(), labelsSource);
    if (!entries) {
        return entries.error();
    }
    std::vector<LabelEntry> &labelled = entries.value();
    std::vector<std::int64_t> labels;
    std::set<std::string> labelledNames;
    for (std::size_t i = 0; i < labelled.size(); ++i) {
        if (!zip.contains(labelled[i].member)) {
            return makeError(ErrorCode::Format,
                             labelsSource + ": label entry " + std::to_string(i) + " names '" +
                                 labelled[i].member + "', which is not in the archive");
        }
        labels.push_back(labelled[i].label);
        labelledNames.insert(labelled[i].member);
    }
    Expected<std::vector<std::string>> names =
        resolveClassNames(labels, std::move(classNames), labelsSource);
    if (!names) {
        return names.error();
    }
    std::stable_sort(labelled.begin(), labelled.end(),
                     [](const LabelEntry &a, const LabelEntry &b) { return a.member < b.member; });

    ImageCollector collector(policy, report);
    for (const std::string &member : zip.memberNames()) {
        if (hasImageExtension(member) && labelledNames.count(member) == 0) {
            collector.addIgnored();
            logger(LogChannel::Data)
                ->warn("{}/{}: image without a label entry, ignored", path.string(), member);
        }
    }
    for (const LabelEntry &entry : labelled) {
        Expected<std::string> bytes = zip.read(entry.member);
        Expected<bool> outcome =
            bytes ? collector.addEncoded(bytes.value(), path.string() + "/" + entry.member,
                                         entry.label)
                  : collector.addProblem(bytes.error());
        if (!outcome) {
            return outcome.error();
        }
    }
    if (collector.count() == 0) {
        return makeError(ErrorCode::Format, path.string() + ": none of the " +
                                                std::to_string(labelled.size()) +
                                                " labelled images could be read (all skipped)");
    }
    return collector.finish(std::move(names.value()), "image zip " + path.string());
}

} // namespace dpsapf::core
