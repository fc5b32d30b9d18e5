// SPDX-License-Identifier: GPL-3.0-or-later
// Fréchet distance of two Gaussians by symmetric eigenvalue problems.
#include "eval/frechet_distance.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

// LAPACK (Fortran interface; column-major, which is irrelevant for symmetric matrices).
extern "C" {
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dsygst_(const int *itype, const char *uplo, const int *n, double *a, const int *lda,
             const double *b, const int *ldb, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
}

namespace dpsapf::core {
namespace {

// sum sqrt(max(eig, 0)) of the symmetric matrix in `a` (destroyed), by dsyevd without vectors.
Expected<double> traceOfRootLapack(torch::Tensor &a)
{
    const int n = static_cast<int>(a.size(0));
    std::vector<double> eigenvalues(static_cast<std::size_t>(n));
    int info = 0;
    int lwork = -1;
    int liwork = -1;
    double workSize = 0.0;
    int iworkSize = 0;
    dsyevd_("N", "L", &n, a.data_ptr<double>(), &n, eigenvalues.data(), &workSize, &lwork,
            &iworkSize, &liwork, &info);
    if (info != 0) {
        return makeError(ErrorCode::NumericalFailure, "Fréchet distance: dsyevd workspace query");
    }
    lwork = static_cast<int>(workSize) + 1;
    liwork = std::max(iworkSize, 1);
    std::vector<double> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    dsyevd_("N", "L", &n, a.data_ptr<double>(), &n, eigenvalues.data(), work.data(), &lwork,
            iwork.data(), &liwork, &info);
    if (info != 0) {
        return makeError(ErrorCode::NumericalFailure,
                         "Fréchet distance: the eigenvalues did not converge");
    }
    double sum = 0.0;
    for (double value : eigenvalues) {
        sum += std::sqrt(std::max(value, 0.0));
    }
    return sum;
}

// tr (S1 S2)^(1/2) by LAPACK: S1 = L L^T (dpotrf), M = L^T S2 L (dsygst, itype 2), eigenvalues of
// M. Returns NaN when S1 is not positive definite (the caller falls back to eigh).
Expected<double> traceRootLapack(const torch::Tensor &s1, const torch::Tensor &s2)
{
    if (s1.size(0) > std::numeric_limits<int>::max() / 2) {
        return makeError(ErrorCode::InvalidArgument, "Fréchet distance: dimension too large");
    }
    const int n = static_cast<int>(s1.size(0));
    torch::Tensor factor = s1.contiguous().clone();
    torch::Tensor middle = s2.contiguous().clone();
    int info = 0;
    dpotrf_("L", &n, factor.data_ptr<double>(), &n, &info);
    if (info != 0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const int itype = 2;
    dsygst_(&itype, "L", &n, middle.data_ptr<double>(), &n, factor.data_ptr<double>(), &n, &info);
    if (info != 0) {
        return makeError(ErrorCode::NumericalFailure, "Fréchet distance: dsygst failed");
    }
    return traceOfRootLapack(middle);
}

double traceRootOf(const torch::Tensor &root, const torch::Tensor &s2, bool lowerFactor)
{
    torch::Tensor middle = lowerFactor ? torch::matmul(torch::matmul(root.t(), s2), root)
                                       : torch::matmul(torch::matmul(root, s2), root);
    middle = (middle + middle.t()) * 0.5; // exactly symmetric for eigvalsh
    return torch::linalg::eigvalsh(middle, "L").clamp_min(0.0).sqrt().sum().item<double>();
}

double traceRootEigh(const torch::Tensor &s1, const torch::Tensor &s2)
{
    const auto [lambda, vectors] = torch::linalg::eigh(s1, "L");
    const torch::Tensor root =
        torch::matmul(vectors * lambda.clamp_min(0.0).sqrt().unsqueeze(0), vectors.t());
    return traceRootOf(root, s2, false);
}

} // namespace

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

Expected<double> frechetDistance(const FeatureStatistics &a, const FeatureStatistics &b,
                                 FrechetRoute route)
{
    if (!a.mean.defined() || !b.mean.defined() || a.mean.sizes() != b.mean.sizes() ||
        a.covariance.sizes() != b.covariance.sizes() || a.covariance.dim() != 2 ||
        a.covariance.size(0) != a.mean.size(0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "Fréchet distance: the two statistics have different dimensions");
    }
    const torch::Tensor s1 = a.covariance.to(torch::kCPU, torch::kFloat64).contiguous();
    const torch::Tensor s2 = b.covariance.to(torch::kCPU, torch::kFloat64).contiguous();
    if (!torch::isfinite(s1).all().item<bool>() || !torch::isfinite(s2).all().item<bool>()) {
        return makeError(ErrorCode::NumericalFailure,
                         "Fréchet distance: a covariance contains NaN or infinity");
    }
    double traceRoot = std::numeric_limits<double>::quiet_NaN();
    if (route == FrechetRoute::Lapack) {
        Expected<double> lapack = traceRootLapack(s1, s2);
        if (!lapack) {
            return lapack.error();
        }
        traceRoot = lapack.value();
    } else if (route == FrechetRoute::Cholesky) {
        const auto [factor, info] = torch::linalg_cholesky_ex(s1, false, false);
        if (info.item<std::int64_t>() == 0) {
            traceRoot = traceRootOf(factor, s2, true);
        }
    }
    if (std::isnan(traceRoot)) { // Eigh, or S1 not positive definite (singular covariance)
        traceRoot = traceRootEigh(s1, s2);
    }
    const double meanTerm =
        (a.mean.to(torch::kCPU, torch::kFloat64) - b.mean.to(torch::kCPU, torch::kFloat64))
            .pow(2)
            .sum()
            .item<double>();
    const double distance =
        meanTerm + s1.trace().item<double>() + s2.trace().item<double>() - 2.0 * traceRoot;
    if (!std::isfinite(distance)) {
        return makeError(ErrorCode::NumericalFailure, "Fréchet distance is not finite");
    }
    return std::max(distance, 0.0); // rounding can leave -1e-12 for identical statistics
}

} // namespace dpsapf::core
