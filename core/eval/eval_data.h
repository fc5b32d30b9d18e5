// SPDX-License-Identifier: GPL-3.0-or-later
// Image sets for evaluation: generated sets (class-folder trees, .npz, .npy) and reference or test
// datasets ("fashion-mnist", "fashion-mnist:train", "fashion-mnist:test" or a path), as one uint8
// tensor with labels. Bad input is an error that names the file: an empty set, images of several
// sizes, a path that is not a supported format.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/image_dataset.h"

#include <torch/types.h>

#include <string>
#include <vector>

namespace dpsapf::core {

struct LabelledImages {
    torch::Tensor images; // uint8 [N, C, H, W]
    torch::Tensor labels; // int64 [N]
    std::vector<std::string> classNames;
    std::string description;
    std::string fingerprint; // datasetFingerprint of the set

    [[nodiscard]] std::int64_t size() const { return images.defined() ? images.size(0) : 0; }
};

// Every image of `dataset`, which must be non-empty and of one size; `what` names it in errors.
[[nodiscard]] Expected<LabelledImages> toLabelledImages(const ImageDataset &dataset,
                                                        const std::string &what);

// "fashion-mnist" (= "fashion-mnist:train", the official 60,000), "fashion-mnist:test", or a path:
// a folder (class folders), .npz, .npy (labels beside it), .zip (dataset.json).
[[nodiscard]] Expected<LabelledImages> loadImageSet(const std::string &spec);

// Maps the labels of `images` onto `target`'s classes by class name (folder-safe names such as
// "T-shirt_top" match "T-shirt/top"), or by number when every name is an integer.
[[nodiscard]] Expected<torch::Tensor> alignLabels(const LabelledImages &images,
                                                  const std::vector<std::string> &target);

} // namespace dpsapf::core
