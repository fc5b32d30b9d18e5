// SPDX-License-Identifier: GPL-3.0-or-later
// Gathers decoded images for the file-based loaders (class folders, image zips): applies the
// bad-file policy, fills the LoadReport, unifies channel counts and builds the dataset.
#pragma once

#include "dpsapf/core/image_dataset.h"

#include <string>
#include <vector>

namespace dpsapf::core {

class ImageCollector
{
public:
    ImageCollector(BadFilePolicy policy, LoadReport *report);

    // Decodes `bytes` (PNG or JPEG) and keeps the image with `label`. A file that does not decode
    // is a bad file: under Fail the error, under Skip a counted "source: reason" problem (true).
    [[nodiscard]] Expected<bool> addEncoded(const std::string &bytes, const std::string &source,
                                            std::int64_t label);
    // Reports a bad file found without decoding (wrong extension, unreadable) under the policy.
    [[nodiscard]] Expected<bool> addProblem(const Error &problem);
    void addIgnored() { ++m_report->ignored; }

    [[nodiscard]] std::int64_t count() const { return static_cast<std::int64_t>(m_images.size()); }
    [[nodiscard]] std::int64_t skipped() const { return m_report->skipped; }

    // Converts every image to RGB if any is RGB, records sizes, and returns the dataset;
    // `what` starts its description.
    [[nodiscard]] std::shared_ptr<ImageDataset> finish(std::vector<std::string> classNames,
                                                       const std::string &what);

private:
    BadFilePolicy m_policy;
    LoadReport m_ownReport;
    LoadReport *m_report;
    std::vector<Image> m_images;
    std::vector<std::int64_t> m_labels;
};

} // namespace dpsapf::core
