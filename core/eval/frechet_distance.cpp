// SPDX-License-Identifier: GPL-3.0-or-later
// Fréchet distance of two Gaussians by symmetric eigendecompositions.
#include "eval/frechet_distance.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace dpsapf::core {

Expected<FeatureStatistics> featureStatistics(const torch::Tensor &features)
{
    if (features.dim() != 2 || features.size(0) < 2 || features.size(1) < 1) {
        return makeError(ErrorCode::InvalidArgument,
                         "feature statistics need features [n, d] with n >= 2");
    }
    const torch::Tensor x = features.to(torch::kCPU, torch::kFloat64);
    if (!torch::isfinite(x).all().item<bool>()) {
        return makeError(ErrorCode::NumericalFailure, "features contain NaN or infinity");
    }
    FeatureStatistics statistics;
    statistics.count = x.size(0);
    statistics.mean = x.mean(0);
    const torch::Tensor centred = x - statistics.mean;
    statistics.covariance =
        torch::matmul(centred.t(), centred) / static_cast<double>(statistics.count - 1);
    return statistics;
}

Expected<double> frechetDistance(const FeatureStatistics &a, const FeatureStatistics &b)
{
    if (!a.mean.defined() || !b.mean.defined() || a.mean.sizes() != b.mean.sizes() ||
        a.covariance.sizes() != b.covariance.sizes()) {
        return makeError(ErrorCode::InvalidArgument,
                         "Fréchet distance: the two statistics have different dimensions");
    }
    const torch::Tensor s1 = a.covariance.to(torch::kFloat64);
    const torch::Tensor s2 = b.covariance.to(torch::kFloat64);
    // tr (S1 S2)^(1/2) = sum sqrt(eig(R^T S2 R)) for any R with R R^T = S1: the Cholesky factor
    // when S1 is positive definite (cheaper), else S1^(1/2) from eigh (singular covariances, e.g.
    // fewer samples than dimensions).
    const auto [factor, info] = torch::linalg_cholesky_ex(s1, false, false);
    torch::Tensor root = factor;
    if (info.item<std::int64_t>() != 0) {
        const auto [lambda, vectors] = torch::linalg::eigh(s1, "L");
        root = torch::matmul(vectors * lambda.clamp_min(0.0).sqrt().unsqueeze(0), vectors.t());
    }
    torch::Tensor middle = torch::matmul(torch::matmul(root.t(), s2), root);
    middle = (middle + middle.t()) * 0.5; // exactly symmetric for eigvalsh
    const double traceRoot =
        torch::linalg::eigvalsh(middle, "L").clamp_min(0.0).sqrt().sum().item<double>();
    const double meanTerm =
        (a.mean.to(torch::kFloat64) - b.mean.to(torch::kFloat64)).pow(2).sum().item<double>();
    const double distance =
        meanTerm + s1.trace().item<double>() + s2.trace().item<double>() - 2.0 * traceRoot;
    if (!std::isfinite(distance)) {
        return makeError(ErrorCode::NumericalFailure, "Fréchet distance is not finite");
    }
    return std::max(distance, 0.0); // rounding can leave -1e-12 for identical statistics
}

} // namespace dpsapf::core
