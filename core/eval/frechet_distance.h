// SPDX-License-Identifier: GPL-3.0-or-later
// The Fréchet distance between two Gaussians fitted to feature sets (FID, Heusel et al. 2017),
// in float64: d² = |mu1 - mu2|² + tr S1 + tr S2 - 2 tr (S1 S2)^(1/2). The trace term is the sum
// of the square roots of the eigenvalues of R^T S2 R for any R with R R^T = S1 (method.md §10.1;
// negative eigenvalues from rounding are clipped to 0). Three routes to R^T S2 R, measured in
// BENCHMARKS.md: LAPACK dpotrf + dsygst (the default: Cholesky factor, then the blocked
// two-sided triangular product), Cholesky + two matrix products in LibTorch, and S1^(1/2) from
// eigh. Singular S1 (fewer samples than dimensions) always takes the eigh route.
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

enum class FrechetRoute {
    Lapack,   // dpotrf + dsygst + dsyevd (eigenvalues only)
    Cholesky, // torch Cholesky, R^T S2 R by two matmuls, eigvalsh
    Eigh,     // S1^(1/2) = V sqrt(L) V^T from eigh, then eigvalsh of S1^(1/2) S2 S1^(1/2)
};

[[nodiscard]] Expected<double> frechetDistance(const FeatureStatistics &a,
                                               const FeatureStatistics &b,
                                               FrechetRoute route = FrechetRoute::Lapack);

} // namespace dpsapf::core
