// SPDX-License-Identifier: GPL-3.0-or-later
// Bad-file policy and dataset assembly shared by the class-folder and image-zip loaders.
#include "data/image_collector.h"

#include "data/image_codec.h"
#include "data/image_transforms.h"
#include "data/in_memory_dataset.h"
#include "dpsapf/core/logging.h"

namespace dpsapf::core {

ImageCollector::ImageCollector(BadFilePolicy policy, LoadReport *report)
    : m_policy(policy)
    , m_report(report != nullptr ? report : &m_ownReport)
{}

Expected<bool> ImageCollector::addEncoded(const std::string &bytes, const std::string &source,
                                          std::int64_t label)
{
    Expected<Image> image = decodeImage(bytes, source);
    if (!image) {
        return addProblem(image.error());
    }
    m_images.push_back(std::move(image.value()));
    m_labels.push_back(label);
    return true;
}

Expected<bool> ImageCollector::addProblem(const Error &problem)
{
    if (m_policy == BadFilePolicy::Fail) {
        return problem;
    }
    ++m_report->skipped;
    m_report->problems.push_back(problem.message);
    logger(LogChannel::Data)->warn("skipped {}", problem.message);
    return true;
}

std::shared_ptr<ImageDataset> ImageCollector::finish(std::vector<std::string> classNames,
                                                     const std::string &what)
{
    const std::int64_t converted = unifyChannels(m_images);
    m_report->convertedToRgb += converted;
    std::size_t bytes = 0;
    std::map<std::string, std::int64_t> sizes;
    for (const Image &image : m_images) {
        bytes += image.pixels.size();
        ++sizes[std::to_string(image.width) + "x" + std::to_string(image.height)];
    }
    for (const auto &[size, number] : sizes) {
        m_report->imageSizes[size] += number;
    }
    m_report->loaded += count();
    std::string sizeText;
    for (const auto &[size, number] : sizes) {
        sizeText += (sizeText.empty() ? "" : ", ") + size +
                    (sizes.size() > 1 ? " (" + std::to_string(number) + ")" : std::string());
    }
    const std::int32_t channels = m_images.empty() ? 0 : m_images.front().channels;
    const std::string description =
        what + " (" + std::to_string(count()) + " images, " +
        (sizes.size() > 1 ? "mixed sizes " : "") + sizeText + ", " + std::to_string(channels) +
        (channels == 1 ? " channel, " : " channels, ") + std::to_string(classNames.size()) +
        " classes" +
        (m_report->skipped > 0 ? ", " + std::to_string(m_report->skipped) + " bad files skipped"
                               : std::string()) +
        ")";
    auto dataset = std::make_shared<InMemoryDataset>(std::move(classNames), description);
    dataset->reserve(count(), bytes);
    for (std::size_t i = 0; i < m_images.size(); ++i) {
        dataset->add(m_images[i], m_labels[i]);
        std::vector<std::uint8_t>().swap(m_images[i].pixels); // keep the peak near one copy
    }
    m_images.clear();
    m_labels.clear();
    if (converted > 0) {
        logger(LogChannel::Data)
            ->info("{}: {} grayscale images repeated to RGB to match the others", what, converted);
    }
    if (sizes.size() > 1) {
        logger(LogChannel::Data)->warn("{}: mixed image sizes {}", what, sizeText);
    }
    logger(LogChannel::Data)->info("loaded {}", description);
    return dataset;
}

} // namespace dpsapf::core
