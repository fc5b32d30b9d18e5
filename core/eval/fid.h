// SPDX-License-Identifier: GPL-3.0-or-later
// FID (Heusel et al. 2017) from a feature backbone, with reference statistics cached per dataset
// split and backbone (method.md §10.1), and improved precision/recall (Kynkäänniemi et al. 2019):
// a sample lies on a set's manifold when it is within the k-th nearest-neighbour distance of some
// member of that set.
#pragma once

#include "eval/feature_backbone.h"
#include "eval/frechet_distance.h"

#include <filesystem>
#include <string>

namespace dpsapf::core {

// What a set of reference statistics is: everything that changes the numbers.
struct ReferenceKey {
    std::string datasetFingerprint; // datasetFingerprint of the split
    std::string split;              // "train split", "fashion-mnist:train", ...
    std::int64_t count = 0;
    std::string resolution; // "28x28x1" (what the backbone was given)
};

// Features of uint8 images [N, C, H, W] through the backbone, then their statistics.
[[nodiscard]] Expected<FeatureStatistics> imageStatistics(FeatureBackbone &backbone,
                                                          const torch::Tensor &images);

// The statistics of the reference images, read from `cacheDir` when a file with the same key,
// backbone id, weights hash and resizer is there, computed (and written) otherwise. `cacheDir`
// empty: no cache. `fromCache` (optional) tells which happened.
[[nodiscard]] Expected<FeatureStatistics>
referenceStatistics(FeatureBackbone &backbone, const torch::Tensor &images, const ReferenceKey &key,
                    const std::filesystem::path &cacheDir, bool *fromCache = nullptr);

struct PrecisionRecall {
    double precision = 0.0; // generated samples on the real manifold
    double recall = 0.0;    // real samples on the generated manifold
    std::int64_t k = 4;
    std::int64_t realCount = 0;
    std::int64_t generatedCount = 0;
};

// features [n, d] float; both sets need more than k samples.
[[nodiscard]] Expected<PrecisionRecall>
precisionRecall(const torch::Tensor &real, const torch::Tensor &generated, std::int64_t k = 4);

} // namespace dpsapf::core
