// SPDX-License-Identifier: GPL-3.0-or-later
// Downstream accuracy (method.md §10.2, DPImageBench protocol, scaled to a CPU): a small ResNet is
// trained on labelled (synthetic) images and tested on the real test split. Model selection uses a
// held-out part of the *training* images (synthetic validation, no privacy cost), never the test
// split: the test accuracy reported is that of the epoch with the best held-out accuracy (ties go
// to the later epoch).
//
// SmallResNet (He et al. 2016, BasicBlocks), inputs x * 2 - 1 at the images' own size:
//   conv 3x3 C->16, BN, ReLU
//   BasicBlock 16->32, stride 2 (3x3 conv, BN, ReLU, 3x3 conv, BN; 1x1 conv + BN shortcut)
//   BasicBlock 32->64, stride 2
//   flatten, linear 64 * ceil(H/4) * ceil(W/4) -> classes (the layout matters for clothing)
// Adam (lr 1e-3 halved every epoch, no weight decay), batch 128, no augmentation, no EMA.
#pragma once

#include "dpsapf/core/expected.h"

#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dpsapf::core {

struct ClassifierSettings {
    std::int64_t epochs = 10;
    std::int64_t batchSize = 128;
    double learningRate = 1e-3;
    double validationFraction = 0.1; // of the training images, held out for model selection
    std::uint64_t seed = 0;          // initialisation and batch order
};

struct ClassifierResult {
    double testAccuracy = 0.0;       // of the selected epoch
    std::int64_t selectedEpoch = 0;  // 1-based
    double validationAccuracy = 0.0; // of the selected epoch
    std::vector<double> validationCurve;
    std::int64_t trainImages = 0;
    std::int64_t validationImages = 0;
    std::int64_t testImages = 0;
    double seconds = 0.0;
};

[[nodiscard]] std::string classifierDescription();

// images: uint8 [N, C, H, W]; labels int64 [N] in [0, classes). The training images are split
// into train/validation by a seeded permutation (seed 0, independent of `settings.seed`, so every
// classifier seed sees the same split). Training and test images must share H and W; channels are
// converted to the test images' channels. `stop` (optional) cancels between batches.
[[nodiscard]] Expected<ClassifierResult>
trainAndTestClassifier(const torch::Tensor &trainImages, const torch::Tensor &trainLabels,
                       const torch::Tensor &testImages, const torch::Tensor &testLabels,
                       std::int64_t classes, const ClassifierSettings &settings,
                       const std::atomic<bool> *stop = nullptr,
                       const std::function<void(const std::string &)> &progress = {});

} // namespace dpsapf::core
