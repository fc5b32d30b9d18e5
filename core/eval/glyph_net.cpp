// SPDX-License-Identifier: GPL-3.0-or-later
// GlyphNet, the bundled FID feature backbone (architecture in glyph_net.h).
#include "eval/glyph_net.h"

#include <torch/torch.h>

namespace dpsapf::core {

GlyphNetImpl::GlyphNetImpl(GlyphNetConfig config)
    : m_config(config)
{
    namespace nn = torch::nn;
    m_conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 16, 3).padding(1)));
    m_conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(16, 32, 3).padding(1)));
    m_conv3 = register_module("conv3", nn::Conv2d(nn::Conv2dOptions(32, 64, 3).padding(1)));
    const std::int64_t side = config.inputSize / 8;
    m_features = register_module("features", nn::Linear(64 * side * side, config.featureDimension));
    m_classifier =
        register_module("classifier", nn::Linear(config.featureDimension, config.classes));
}

torch::Tensor GlyphNetImpl::features(const torch::Tensor &x)
{
    torch::Tensor h = torch::max_pool2d(torch::relu(m_conv1(x)), 2);
    h = torch::max_pool2d(torch::relu(m_conv2(h)), 2);
    h = torch::max_pool2d(torch::relu(m_conv3(h)), 2);
    return m_features(h.flatten(1));
}

torch::Tensor GlyphNetImpl::forward(const torch::Tensor &x)
{
    return m_classifier(torch::relu(features(x)));
}

} // namespace dpsapf::core
