// SPDX-License-Identifier: GPL-3.0-or-later
// The model card of a pretrained public model (Mitchell et al. 2019, "Model Cards for Model
// Reporting"): architecture, data and licences, training settings, loss curve and sample grid.
// Torch-free: the pretraining loop gathers the values.
#pragma once

#include "dpsapf/core/image_dataset.h"
#include "train/public_data.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dpsapf::core {

struct ModelCardInfo {
    std::string modelName = "sapf-tiny";
    nlohmann::json unetConfig;
    std::int64_t unetParameters = 0;
    std::int64_t conditionerParameters = 0;
    std::int64_t transformerBlocks = 0;
    std::int64_t candidateMatrices = 0;
    std::uint64_t weightBytes = 0; // of the released safetensors files
    const PublicCorpus *corpus = nullptr;
    std::string corpusFingerprint;
    nlohmann::json trainingConfig; // PretrainConfig::toJson()
    std::int64_t steps = 0;
    double finalLoss = 0.0;
    double trainingSeconds = 0.0;
    std::string machine;                                    // machineDescription()
    std::vector<std::pair<std::int64_t, double>> lossCurve; // (step, smoothed loss)
    std::int64_t samplesPerClass = 0;
    std::string samplesFile;   // "samples.png", empty when no grid was drawn
    std::string lossCurveFile; // "loss_curve.png"
    std::vector<std::string> classNames;
};

[[nodiscard]] std::string renderModelCard(const ModelCardInfo &info);

// A grid of equally sized gray images, `columns` per row, `gap` pixels of mid-gray between them.
[[nodiscard]] Image imageGrid(const std::vector<Image> &images, std::int32_t columns,
                              std::int32_t gap);

// A plain line plot of the curve (white background, axes, log-scaled loss), without text: the
// card gives the axis ranges.
[[nodiscard]] Image plotLossCurve(const std::vector<std::pair<std::int64_t, double>> &curve,
                                  std::int32_t width, std::int32_t height);

// Bucket means of (step, loss) points: at most `points` points, in step order.
[[nodiscard]] std::vector<std::pair<std::int64_t, double>>
smoothLossCurve(const std::vector<std::pair<std::int64_t, double>> &raw, std::size_t points);

// "AMD EPYC ... (2 hardware threads, 2 torch threads)", from /proc/cpuinfo where available.
[[nodiscard]] std::string machineDescription(int torchThreads);

} // namespace dpsapf::core
