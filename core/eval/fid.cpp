// SPDX-License-Identifier: GPL-3.0-or-later
// FID statistics, their cache, and k-NN precision/recall.
#include "eval/fid.h"

#include "dpsapf/core/logging.h"
#include "io/torch_tensors.h"
#include "util/sha256.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

std::string safeName(std::string text)
{
    for (char &c : text) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!plain) {
            c = '_';
        }
    }
    return text;
}

// Distance of every row of x to its k-th nearest other row of x (float32, in chunks).
torch::Tensor kthNeighbourRadii(const torch::Tensor &x, std::int64_t k)
{
    std::vector<torch::Tensor> radii;
    for (std::int64_t first = 0; first < x.size(0); first += 1024) {
        const torch::Tensor distances = torch::cdist(x.slice(0, first, first + 1024), x);
        // the smallest is the point itself (0), so the k-th neighbour is at index k
        radii.push_back(std::get<0>(distances.topk(k + 1, 1, false, true)).select(1, k));
    }
    return torch::cat(radii);
}

// Fraction of `queries` within radius[j] of some manifold point j.
double coverage(const torch::Tensor &queries, const torch::Tensor &manifold,
                const torch::Tensor &radii)
{
    std::int64_t inside = 0;
    for (std::int64_t first = 0; first < queries.size(0); first += 1024) {
        const torch::Tensor distances =
            torch::cdist(queries.slice(0, first, first + 1024), manifold);
        inside += distances.le(radii.unsqueeze(0)).any(1).sum().item<std::int64_t>();
    }
    return static_cast<double>(inside) / static_cast<double>(queries.size(0));
}

} // namespace

Expected<FeatureStatistics> imageStatistics(FeatureBackbone &backbone, const torch::Tensor &images)
{
    Expected<torch::Tensor> features = backbone.features(images);
    if (!features) {
        return features.error();
    }
    return featureStatistics(features.value());
}

Expected<FeatureStatistics> referenceStatistics(FeatureBackbone &backbone,
                                                const torch::Tensor &images,
                                                const ReferenceKey &key, const fs::path &cacheDir,
                                                bool *fromCache)
{
    const BackboneInfo &info = backbone.info();
    const nlohmann::json keyJson{{"dataset_fingerprint", key.datasetFingerprint},
                                 {"split", key.split},
                                 {"count", key.count},
                                 {"resolution", key.resolution},
                                 {"backbone", info.id},
                                 {"weights_sha256", info.weightsSha256},
                                 {"resizer", info.resizer}};
    const std::string keyText = keyJson.dump();
    const fs::path file = cacheDir.empty()
                              ? fs::path()
                              : cacheDir / (safeName(info.id) + "-" +
                                            sha256Hex(keyText).substr(0, 16) + ".safetensors");
    if (fromCache != nullptr) {
        *fromCache = false;
    }
    std::error_code error;
    if (!file.empty() && fs::is_regular_file(file, error)) {
        Expected<TensorMap> cached = loadSafetensorsTensors(file);
        if (cached && cached->count("mean") != 0 && cached->count("covariance") != 0) {
            FeatureStatistics statistics;
            statistics.mean = cached->at("mean").to(torch::kFloat64);
            statistics.covariance = cached->at("covariance").to(torch::kFloat64);
            statistics.count = key.count;
            if (fromCache != nullptr) {
                *fromCache = true;
            }
            return statistics;
        }
        logger(LogChannel::App)
            ->warn("{}: unreadable reference statistics, recomputing", file.string());
    }
    Expected<FeatureStatistics> statistics = imageStatistics(backbone, images);
    if (!statistics) {
        return statistics.error();
    }
    if (!file.empty()) {
        fs::create_directories(cacheDir, error);
        Expected<bool> written = saveSafetensorsTensors(
            file, {{"mean", statistics->mean}, {"covariance", statistics->covariance}},
            {{"dpsapf_reference_key", keyText}});
        if (!written) {
            logger(LogChannel::App)
                ->warn("reference statistics not cached: {}", written.error().message);
        }
    }
    return statistics;
}

Expected<PrecisionRecall> precisionRecall(const torch::Tensor &real, const torch::Tensor &generated,
                                          std::int64_t k)
{
    if (real.dim() != 2 || generated.dim() != 2 || real.size(1) != generated.size(1) || k < 1 ||
        real.size(0) <= k || generated.size(0) <= k) {
        return makeError(ErrorCode::InvalidArgument,
                         "precision/recall: features [n, d] of one dimension and more than k "
                         "samples per set are needed");
    }
    torch::NoGradGuard noGrad;
    const torch::Tensor x = real.to(torch::kCPU, torch::kFloat32).contiguous();
    const torch::Tensor y = generated.to(torch::kCPU, torch::kFloat32).contiguous();
    PrecisionRecall result;
    result.k = k;
    result.realCount = x.size(0);
    result.generatedCount = y.size(0);
    result.precision = coverage(y, x, kthNeighbourRadii(x, k));
    result.recall = coverage(x, y, kthNeighbourRadii(y, k));
    return result;
}

} // namespace dpsapf::core
