// SPDX-License-Identifier: GPL-3.0-or-later
// The Fréchet distance between two Gaussians fitted to feature sets (FID, Heusel et al. 2017),
// in float64: d² = |mu1 - mu2|² + tr S1 + tr S2 - 2 tr (S1 S2)^(1/2). The trace term is computed
// by the symmetric route (method.md §10.1): S1^(1/2) from eigh(S1), then the eigenvalues of
// S1^(1/2) S2 S1^(1/2), whose square roots sum to tr (S1 S2)^(1/2); negative eigenvalues from
// rounding are clipped to 0.
#pragma once

#include "dpsapf/core/expected.h"

#include <torch/types.h>

#include <cstdint>

namespace dpsapf::core {

struct FeatureStatistics {
    torch::Tensor mean;       // [d] float64
    torch::Tensor covariance; // [d, d] float64, unbiased (n - 1)
    std::int64_t count = 0;
};

// Statistics of features [n, d] (n >= 2), accumulated in float64.
[[nodiscard]] Expected<FeatureStatistics> featureStatistics(const torch::Tensor &features);

[[nodiscard]] Expected<double> frechetDistance(const FeatureStatistics &a,
                                               const FeatureStatistics &b);

} // namespace dpsapf::core
